"""A real OpenID Connect provider for the single sign-on tests: panva's oidc-provider (OpenID Certified), run
by Node.js from `server.js` beside this file, and a browser-like walk through its sign-in form.

`npm ci` installs the exact versions of `package-lock.json` into `node_modules` (gitignored) the first time,
from the registry npm is configured with. Without Node.js and npm the tests are skipped, but CI must run them.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from urllib.parse import urljoin

import httpx
import pytest

from audisi.embedded import free_port

HERE = Path(__file__).parent
# The one place every client of the provider may send the browser back to: the web front under test.
REDIRECT_URI = "http://testserver/masuk/sso/kembali"
CLIENT_ID = "audisi"
OTHER_CLIENT_ID = "aplikasi-lain"  # another application of the regency: its ID tokens are not for Audisi
SHORT_CLIENT_ID = "audisi-singkat"  # as audisi, but its ID tokens live one second


@dataclass(frozen=True)
class OidcProvider:
    """A running provider: its issuer URL and the secret every client of it shares."""

    issuer: str
    client_secret: str


def _tools() -> tuple[str, str]:
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        message = "single sign-on tests need Node.js 20+ and npm (Debian: apt-get install nodejs npm)"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return node, npm


@contextmanager
def running_provider(*more_redirect_uris: str) -> Iterator[OidcProvider]:
    """Start the provider on a free port (installing it first if needed); stop it afterwards.

    Its clients may send the browser back to REDIRECT_URI and to `more_redirect_uris`."""
    node, npm = _tools()
    if not (HERE / "node_modules" / "oidc-provider").is_dir():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=HERE, check=True, timeout=600)
    port = free_port()
    provider = OidcProvider(issuer=f"http://127.0.0.1:{port}", client_secret=secrets.token_urlsafe(24))
    env = {
        **os.environ,
        "PORT": str(port),
        "CLIENT_SECRET": provider.client_secret,
        "REDIRECT_URIS": " ".join((REDIRECT_URI, *more_redirect_uris)),
    }
    process = subprocess.Popen(
        [node, "server.js"], cwd=HERE, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{provider.issuer}/.well-known/openid-configuration", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                output = process.communicate()[0]
                pytest.fail(f"the OpenID Connect provider did not start:\n{output}", pytrace=False)
            time.sleep(0.2)
        yield provider
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


FORM = re.compile(r'<form[^>]*action="(?P<action>[^"]+)"[^>]*>(?P<body>.*?)</form>', re.S)
HIDDEN = re.compile(r'<input[^>]*type="hidden"[^>]*name="(?P<name>[^"]+)"[^>]*value="(?P<value>[^"]*)"')


def sign_in_at_provider(http: httpx.Client, url: str, *, login: str) -> str:
    """Open `url` at the provider as a browser would and sign in as `login`; the URL it sends the browser back to.

    The provider's development sign-in form takes any login (the account's email) and any password."""
    for _ in range(20):
        if url.startswith(REDIRECT_URI):
            return url
        answer = http.get(url)
        if answer.status_code in (302, 303):
            url = urljoin(url, answer.headers["location"])
            continue
        form = FORM.search(answer.text)
        if answer.status_code != 200 or form is None:
            raise AssertionError(f"unexpected provider page {answer.status_code}: {answer.text[:500]}")
        fields = {m["name"]: unescape(m["value"]) for m in HIDDEN.finditer(form["body"])}
        if 'name="login"' in form["body"]:
            fields |= {"login": login, "password": "apa-saja"}
        posted = http.post(urljoin(url, unescape(form["action"])), data=fields)
        if posted.status_code not in (302, 303):
            raise AssertionError(f"the provider refused the form {posted.status_code}: {posted.text[:500]}")
        url = urljoin(url, posted.headers["location"])
    raise AssertionError("the provider never sent the browser back")
