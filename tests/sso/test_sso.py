"""Signing in with the regency's single sign-on, against a real OpenID Connect provider (tests/oidc_provider):
the submission service verifies the ID token itself and maps its verified email to an existing account; the
web front runs the authorization-code flow with PKCE and ends signed in as that account."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from authlib.common.security import generate_token
from authlib.integrations.httpx_client import OAuth2Client
from fastapi.testclient import TestClient
from joserfc import jwt
from joserfc.jwk import RSAKey
from playwright.sync_api import expect
from pydantic import ValidationError
from sqlalchemy import select

from audisi.embedded import free_port
from services.submission.accounts.commands import create_user
from services.submission.accounts.models import User
from services.submission.db import audit_log
from services.submission.settings import SubmissionSettings
from services.web.app import create_app
from services.web.security import SESSION_COOKIE
from services.web.settings import WebSettings
from shared.settings import Environment
from tests.e2e.browser import chromium, visitor
from tests.oidc_provider import (
    CLIENT_ID,
    OTHER_CLIENT_ID,
    REDIRECT_URI,
    SHORT_CLIENT_ID,
    OidcProvider,
    sign_in_at_provider,
)

pytestmark = pytest.mark.slow

JUDGE_EMAIL = "juri.sso@trenggalekkab.go.id"


@pytest.fixture
def browser(oidc_provider: OidcProvider) -> Iterator[httpx.Client]:
    """The person's browser at the provider: its own cookies, redirects followed by hand."""
    with httpx.Client(base_url=oidc_provider.issuer, timeout=15) as client:
        yield client


def id_token_from(
    provider: OidcProvider, browser: httpx.Client, *, login: str, nonce: str, client_id: str = CLIENT_ID
) -> str:
    """An ID token the provider issues to `client_id` after `login` signs in (code flow with PKCE)."""
    metadata = browser.get("/.well-known/openid-configuration").json()
    verifier = generate_token(64)
    with OAuth2Client(
        client_id=client_id,
        client_secret=provider.client_secret,
        scope="openid email profile",
        redirect_uri=REDIRECT_URI,
        code_challenge_method="S256",
    ) as client:
        url, _ = client.create_authorization_url(
            metadata["authorization_endpoint"], code_verifier=verifier, nonce=nonce
        )
        back = sign_in_at_provider(browser, url, login=login)
        code = parse_qs(urlsplit(back).query)["code"][0]
        token = client.fetch_token(metadata["token_endpoint"], code=code, code_verifier=verifier)
    return str(token["id_token"])


def _error(response: httpx.Response) -> tuple[int, str, Any]:
    body = response.json()["error"]
    return response.status_code, body["code"], body["details"]


def test_sso_id_token_signs_in_the_account_of_its_verified_email(
    api: TestClient, oidc_provider: OidcProvider, browser: httpx.Client, submission: Any
) -> None:
    user_id = create_user(
        role="judge", email=JUDGE_EMAIL, password="sandi-juri-2026", name="Juri SSO", agency_code=None
    )
    nonce = generate_token(32)
    id_token = id_token_from(oidc_provider, browser, login=JUDGE_EMAIL.upper(), nonce=nonce)
    response = api.post("/api/v1/auth/sso", json={"id_token": id_token, "nonce": nonce})
    assert response.status_code == 200
    body = response.json()
    assert (body["user"]["id"], body["user"]["role"]) == (str(user_id), "judge")
    me = api.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.json()["email"] == JUDGE_EMAIL
    with submission.session_factory() as session:
        rows = session.execute(
            select(audit_log.c.action, audit_log.c.details).where(audit_log.c.action == "account.sso_login")
        ).all()
    assert [(r.action, r.details) for r in rows] == [
        ("account.sso_login", {"issuer": oidc_provider.issuer, "subject": JUDGE_EMAIL.upper()})
    ]


def test_sso_id_token_for_another_client_is_refused(
    api: TestClient, oidc_provider: OidcProvider, browser: httpx.Client
) -> None:
    create_user(role="judge", email=JUDGE_EMAIL, password="sandi-juri-2026", name="Juri SSO", agency_code=None)
    nonce = generate_token(32)
    id_token = id_token_from(oidc_provider, browser, login=JUDGE_EMAIL, nonce=nonce, client_id=OTHER_CLIENT_ID)
    response = api.post("/api/v1/auth/sso", json={"id_token": id_token, "nonce": nonce})
    assert _error(response) == (401, "invalid_sso_token", {"reason": "aud"})


def test_sso_expired_id_token_is_refused(
    api: TestClient, oidc_provider: OidcProvider, browser: httpx.Client, submission: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(submission.settings, "sso_client_id", SHORT_CLIENT_ID)
    create_user(role="judge", email=JUDGE_EMAIL, password="sandi-juri-2026", name="Juri SSO", agency_code=None)
    nonce = generate_token(32)
    id_token = id_token_from(oidc_provider, browser, login=JUDGE_EMAIL, nonce=nonce, client_id=SHORT_CLIENT_ID)
    time.sleep(2.1)  # the provider gives this client's ID tokens one second
    response = api.post("/api/v1/auth/sso", json={"id_token": id_token, "nonce": nonce})
    assert _error(response) == (401, "invalid_sso_token", {"reason": "expired"})


def test_sso_id_token_signed_by_another_key_or_changed_is_refused(
    api: TestClient, oidc_provider: OidcProvider, browser: httpx.Client
) -> None:
    create_user(role="judge", email=JUDGE_EMAIL, password="sandi-juri-2026", name="Juri SSO", agency_code=None)
    nonce = generate_token(32)
    genuine = id_token_from(oidc_provider, browser, login="orang.lain@trenggalekkab.go.id", nonce=nonce)
    head, body, signature = genuine.split(".")
    claims = {**_json_part(body), "email": JUDGE_EMAIL}
    # The same claims, now naming the judge, signed by a key of our own under the provider's key id.
    forged = jwt.encode({"alg": "RS256", "kid": _json_part(head)["kid"]}, claims, RSAKey.generate_key(2048))
    # The genuine signature over a payload changed to name the judge.
    changed = ".".join([head, forged.split(".")[1], signature])
    # Signed by a key the provider does not publish.
    unknown_key = jwt.encode({"alg": "RS256", "kid": "kunci-lain"}, claims, RSAKey.generate_key(2048))
    for token in (forged, changed, unknown_key):
        response = api.post("/api/v1/auth/sso", json={"id_token": token, "nonce": nonce})
        assert _error(response) == (401, "invalid_sso_token", {"reason": "signature"})


def _json_part(part: str) -> dict[str, Any]:
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return decoded


def test_sso_id_token_with_another_nonce_is_refused(
    api: TestClient, oidc_provider: OidcProvider, browser: httpx.Client
) -> None:
    create_user(role="judge", email=JUDGE_EMAIL, password="sandi-juri-2026", name="Juri SSO", agency_code=None)
    id_token = id_token_from(oidc_provider, browser, login=JUDGE_EMAIL, nonce=generate_token(32))
    response = api.post("/api/v1/auth/sso", json={"id_token": id_token, "nonce": generate_token(32)})
    assert _error(response) == (401, "invalid_sso_token", {"reason": "nonce"})


def test_sso_unknown_email_is_403_and_creates_no_account(
    api: TestClient, oidc_provider: OidcProvider, browser: httpx.Client, submission: Any
) -> None:
    nonce = generate_token(32)
    id_token = id_token_from(oidc_provider, browser, login="baru@trenggalekkab.go.id", nonce=nonce)
    response = api.post(
        "/api/v1/auth/sso", json={"id_token": id_token, "nonce": nonce}, headers={"Accept-Language": "en"}
    )
    assert _error(response) == (403, "sso_no_account", None)
    assert response.json()["error"]["message"].startswith("There is no Audisi account for this email")
    with submission.session_factory() as session:
        assert session.scalars(select(User)).all() == []


def test_sso_unverified_email_is_403(api: TestClient, oidc_provider: OidcProvider, browser: httpx.Client) -> None:
    email = "belum.rina@trenggalekkab.go.id"  # the provider says email_verified false for "belum."
    create_user(role="committee", email=email, password="sandi-panitia-1", name="Rina", agency_code="BKPSDM")
    nonce = generate_token(32)
    id_token = id_token_from(oidc_provider, browser, login=email, nonce=nonce)
    response = api.post("/api/v1/auth/sso", json={"id_token": id_token, "nonce": nonce})
    assert _error(response) == (403, "sso_email_not_verified", None)
    assert response.json()["error"]["message"].startswith("Email Anda belum diverifikasi di SSO")


def test_sso_unreachable_issuer_is_503(api: TestClient, submission: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(submission.settings, "sso_issuer", f"http://127.0.0.1:{free_port()}")
    response = api.post("/api/v1/auth/sso", json={"id_token": "a.b.c", "nonce": generate_token(32)})
    assert _error(response) == (503, "sso_unavailable", None)


def test_web_unreachable_issuer_is_said_on_the_sign_in_page() -> None:
    settings = WebSettings(
        environment=Environment.TEST,
        web_secret="test-web-secret-0123456789-0123456789",
        sso_issuer=f"http://127.0.0.1:{free_port()}",
        sso_client_id=CLIENT_ID,
        sso_client_secret="rahasia-klien",
    )
    with TestClient(create_app(settings), follow_redirects=False) as client:
        page = client.get("/masuk/sso")
    assert page.status_code == 200
    assert "SSO pemerintah daerah tidak dapat dihubungi" in page.text
    assert "audisi_sso" not in page.cookies


def test_sso_not_configured_is_404(api: TestClient, submission: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(submission.settings, "sso_issuer", None)
    response = api.post("/api/v1/auth/sso", json={"id_token": "a.b.c", "nonce": generate_token(32)})
    assert _error(response) == (404, "sso_not_configured", None)


def _start(web: TestClient, next_path: str | None = None) -> str:
    started = web.get("/masuk/sso", params={"next": next_path} if next_path else None)
    assert started.status_code == 303
    query = parse_qs(urlsplit(started.headers["location"]).query)
    assert (query["code_challenge_method"], query["response_type"], query["client_id"]) == (
        ["S256"],
        ["code"],
        ["audisi"],
    )
    assert len(query["code_challenge"][0]) == 43
    assert query["nonce"]
    assert query["state"]
    return str(started.headers["location"])


def test_web_sso_journey_ends_signed_in_as_the_mapped_account(
    web: TestClient, api: TestClient, browser: httpx.Client
) -> None:
    create_user(role="judge", email=JUDGE_EMAIL, password="sandi-juri-2026", name="Juri SSO", agency_code=None)
    page = web.get("/masuk")
    assert 'href="/masuk/sso"' in page.text
    assert "Masuk dengan SSO" in page.text
    back = sign_in_at_provider(browser, _start(web), login=JUDGE_EMAIL)
    returned = web.get(back.removeprefix("http://testserver"))
    assert (returned.status_code, returned.headers["location"]) == (303, "/juri")
    token = returned.cookies[SESSION_COOKIE]
    assert api.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).json()["email"] == JUDGE_EMAIL
    # The pending sign-in is used up: the same answer from the provider again does not sign in.
    web.cookies.delete(SESSION_COOKIE)
    again = web.get(back.removeprefix("http://testserver"))
    assert again.status_code == 200
    assert "Proses masuk dengan SSO kedaluwarsa" in again.text
    assert SESSION_COOKIE not in again.cookies


def test_web_sso_unknown_email_shows_why_on_the_sign_in_page(web: TestClient, browser: httpx.Client) -> None:
    web.cookies.set("audisi_lang", "en")
    back = sign_in_at_provider(browser, _start(web, "/gagasan"), login="tamu@trenggalekkab.go.id")
    returned = web.get(back.removeprefix("http://testserver"))
    assert returned.status_code == 200
    assert "There is no Audisi account for this email" in returned.text
    assert SESSION_COOKIE not in returned.cookies


def test_web_sso_return_with_another_state_is_refused(web: TestClient, browser: httpx.Client) -> None:
    create_user(role="judge", email=JUDGE_EMAIL, password="sandi-juri-2026", name="Juri SSO", agency_code=None)
    back = sign_in_at_provider(browser, _start(web), login=JUDGE_EMAIL)
    forged = back.replace("state=", "state=x")
    returned = web.get(forged.removeprefix("http://testserver"))
    assert returned.status_code == 200
    assert "Proses masuk dengan SSO kedaluwarsa" in returned.text
    assert SESSION_COOKIE not in returned.cookies


def test_web_without_sso_settings_offers_no_sso() -> None:
    settings = WebSettings(environment=Environment.TEST, web_secret="test-web-secret-0123456789-0123456789")
    with TestClient(create_app(settings), follow_redirects=False) as client:
        assert "/masuk/sso" not in client.get("/masuk").text
        assert client.get("/masuk/sso").status_code == 404
        assert client.get("/masuk/sso/kembali", params={"code": "c", "state": "s"}).status_code == 404


def test_sso_settings_are_all_or_nothing() -> None:
    # Compose passes the unset variables as empty strings: that is off, not half set.
    empty = WebSettings(environment=Environment.TEST, sso_issuer="", sso_client_id="", sso_client_secret="")
    assert empty.sso_enabled is False
    with pytest.raises(ValidationError, match="SSO_ISSUER, SSO_CLIENT_ID and SSO_CLIENT_SECRET must be set together"):
        WebSettings(environment=Environment.TEST, sso_issuer="https://sso.trenggalekkab.go.id", sso_client_id="audisi")
    with pytest.raises(ValidationError, match="SSO_ISSUER and SSO_CLIENT_ID must be set together"):
        SubmissionSettings(
            environment=Environment.TEST, database_url="postgresql+psycopg://x@h/d", sso_issuer="https://sso.x.go.id"
        )


def test_browser_signs_in_with_sso_and_lands_on_the_page_it_asked_for(web_server: str) -> None:
    """Chromium: the sign-in page, the provider's own sign-in form, back signed in on the page asked for."""
    create_user(role="judge", email=JUDGE_EMAIL, password="sandi-juri-2026", name="Juri SSO", agency_code=None)
    with chromium() as launched:
        person = visitor(launched, web_server, "sso-judge")
        try:
            person.page.goto("/masuk?next=/akun/kata-sandi")
            person.check("sign-in page offers the regency's single sign-on")
            person.page.get_by_role("link", name="Masuk dengan SSO").click()
            person.page.locator("input[name=login]").fill(JUDGE_EMAIL)
            person.page.locator("input[name=password]").fill("apa-saja")
            # The provider's development form (not ours) asks for a web font (no network here) and a favicon it
            # lacks: its errors are not counted; our pages before and after it are checked.
            person.page.wait_for_load_state("networkidle")
            person.console_errors.clear()
            person.page.locator("button[type=submit]").click()
            person.page.wait_for_url(f"{web_server}/akun/kata-sandi")
            expect(person.page.get_by_role("heading", name="Ubah kata sandi")).to_be_visible()
            person.check("signed in through SSO on the page asked for")
            assert SESSION_COOKIE in {c["name"] for c in person.context.cookies(web_server)}
        finally:
            person.context.close()
