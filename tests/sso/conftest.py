"""Fixtures of the single sign-on tests: the real OpenID Connect provider, the submission service on its test
database pointed at it, and the web front calling that service."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from audisi.services import SERVICES, load
from audisi.testing.service import service_fixtures
from services.web.app import create_app
from services.web.backend import Backend
from services.web.settings import WebSettings
from shared.settings import Environment
from tests.oidc_provider import CLIENT_ID, OidcProvider, running_provider

submission_runtime = service_fixtures("submission", attachments_dir=tempfile.mkdtemp(prefix="audisi-sso-"))[0]


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[OidcProvider]:
    """One provider process for every test here (it starts in a few seconds)."""
    with running_provider() as provider:
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


@pytest.fixture
def web(api: TestClient, oidc_provider: OidcProvider) -> Iterator[TestClient]:
    """The web front (as http://testserver) with single sign-on on, calling the submission service in-process."""
    settings = WebSettings(
        environment=Environment.TEST,
        web_secret="test-web-secret-0123456789-0123456789",
        sso_issuer=oidc_provider.issuer,
        sso_client_id=CLIENT_ID,
        sso_client_secret=oidc_provider.client_secret,
    )
    backend = Backend(settings, transport=httpx.ASGITransport(app=api.app))
    with TestClient(create_app(settings, backend), follow_redirects=False) as client:
        yield client
