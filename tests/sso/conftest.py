"""Fixtures of the single sign-on tests: the real OpenID Connect provider, the submission service on its test
database pointed at it, and the web front calling that service."""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from audisi.embedded import free_port
from audisi.services import SERVICES, load
from audisi.testing.service import service_fixtures
from services.web.app import create_app
from services.web.backend import Backend
from services.web.settings import WebSettings
from shared.settings import Environment
from tests.oidc_provider import CLIENT_ID, OidcProvider, running_provider
from tests.support import wait_until

submission_runtime = service_fixtures("submission", attachments_dir=tempfile.mkdtemp(prefix="audisi-sso-"))[0]


@pytest.fixture(scope="session")
def web_port() -> int:
    """The port of the web front the browser test serves (the provider must know its return address)."""
    return free_port()


@pytest.fixture(scope="session")
def oidc_provider(web_port: int) -> Iterator[OidcProvider]:
    """One provider process for every test here (it starts in a few seconds)."""
    with running_provider(f"http://127.0.0.1:{web_port}/masuk/sso/kembali") as provider:
        yield provider


@pytest.fixture
def submission(submission_runtime: Any, oidc_provider: OidcProvider, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The submission service's runtime, trusting the provider's ID tokens for the client `audisi`."""
    monkeypatch.setattr(submission_runtime.settings, "sso_issuer", oidc_provider.issuer)
    monkeypatch.setattr(submission_runtime.settings, "sso_client_id", CLIENT_ID)
    monkeypatch.setattr(submission_runtime.settings, "sso_clock_skew_seconds", 0)
    return submission_runtime


@pytest.fixture
def api(submission: Any) -> Iterator[TestClient]:
    """An HTTP client of the submission service."""
    with TestClient(load(SERVICES["submission"].app_path)) as client:  # type: ignore[arg-type]
        yield client


def _web_app(api: TestClient, provider: OidcProvider) -> FastAPI:
    """The web front with single sign-on on, calling the submission service in-process."""
    settings = WebSettings(
        environment=Environment.TEST,
        web_secret="test-web-secret-0123456789-0123456789",
        sso_issuer=provider.issuer,
        sso_client_id=CLIENT_ID,
        sso_client_secret=provider.client_secret,
    )
    return create_app(settings, Backend(settings, transport=httpx.ASGITransport(app=api.app)))


@pytest.fixture
def web(api: TestClient, oidc_provider: OidcProvider) -> Iterator[TestClient]:
    """The web front as http://testserver."""
    with TestClient(_web_app(api, oidc_provider), follow_redirects=False) as client:
        yield client


@pytest.fixture
def web_server(api: TestClient, oidc_provider: OidcProvider, web_port: int) -> Iterator[str]:
    """The web front served by uvicorn on 127.0.0.1:`web_port`, for a real browser; its base URL."""
    server = uvicorn.Server(
        uvicorn.Config(_web_app(api, oidc_provider), host="127.0.0.1", port=web_port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        wait_until(lambda: server.started, timeout=20, what="the web front to listen")
        yield f"http://127.0.0.1:{web_port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
