"""The web front's own rules: CSP on every page, CSRF on every form, the session cookie, the language
switch, the API proxy. The services are replaced by a recording stand-in; the browser tests
(tests/browser) run the pages against the real stack."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from services.web.app import create_app
from services.web.backend import Backend
from services.web.security import CSRF_COOKIE, LANGUAGE_COOKIE, SESSION_COOKIE
from services.web.settings import WebSettings
from shared.settings import Environment

SETTINGS = WebSettings(environment=Environment.TEST, web_secret="test-web-secret-0123456789-0123456789")


class FakeServices:
    """Answers like the services would, and remembers what it was asked."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.path == "/api/v1/auth/login":
            body = json.loads(request.content)
            if body["password"] != "Gagasan#2026":
                message = "NIP/email atau kata sandi salah" if request.headers["accept-language"] == "id" else "Wrong"
                return httpx.Response(401, json={"error": {"code": "invalid_credentials", "message": message}})
            user = {
                "id": "u1",
                "role": "participant",
                "name": "Rina",
                "email": "r@x.id",
                "agency_code": "K",
                "nip": "1",
            }
            return httpx.Response(200, json={"access_token": "tok-123", "expires_in": 3600, "user": user})
        if request.url.path == "/api/v1/auth/logout":
            if request.headers.get("authorization") == "Bearer tok-123":
                return httpx.Response(204)
            return httpx.Response(401, json={"error": {"code": "unauthenticated", "message": "Sesi berakhir"}})
        if request.url.path == "/api/v1/echo":
            return httpx.Response(
                200, json={"auth": request.headers.get("authorization"), "cookie": request.headers.get("cookie")}
            )
        return httpx.Response(404, json={"error": {"code": "not_found", "message": "Tidak ditemukan"}})


@pytest.fixture
def services() -> FakeServices:
    return FakeServices()


@pytest.fixture
def client(services: FakeServices) -> Iterator[TestClient]:
    backend = Backend(SETTINGS, transport=httpx.MockTransport(services.handle))
    with TestClient(create_app(SETTINGS, backend), follow_redirects=False) as test_client:
        yield test_client


def _csrf(client: TestClient) -> str:
    page = client.get("/masuk")
    return str(page.text.split('name="csrf_token" value="')[1].split('"')[0])


def test_pages_carry_a_csp_without_inline_script(client: TestClient) -> None:
    response = client.get("/masuk")
    assert response.status_code == 200
    csp = response.headers["content-security-policy"]
    assert "script-src 'self';" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert response.headers["x-frame-options"] == "DENY"


def test_a_form_without_the_csrf_token_is_refused_and_never_reaches_the_services(
    client: TestClient, services: FakeServices
) -> None:
    _csrf(client)
    response = client.post("/masuk", data={"username": "199105172015032001", "password": "Gagasan#2026"})
    assert response.status_code == 403
    assert "Formulir ini kedaluwarsa" in response.text
    assert services.requests == []


def test_a_token_of_another_browser_is_refused(client: TestClient, services: FakeServices) -> None:
    token = _csrf(client)
    client.cookies.set(CSRF_COOKIE, "another-browser-nonce")
    response = client.post("/masuk", data={"username": "x", "password": "Gagasan#2026", "csrf_token": token})
    assert response.status_code == 403
    assert services.requests == []


def test_signing_in_keeps_the_token_in_an_httponly_samesite_cookie(client: TestClient) -> None:
    token = _csrf(client)
    response = client.post(
        "/masuk", data={"username": "199105172015032001", "password": "Gagasan#2026", "csrf_token": token}
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/gagasan"
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith(SESSION_COOKIE))
    assert cookie.startswith(f"{SESSION_COOKIE}=tok-123;")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie


def test_a_wrong_password_shows_the_form_again_with_the_services_message(client: TestClient) -> None:
    token = _csrf(client)
    response = client.post("/masuk", data={"username": "1", "password": "salah", "csrf_token": token})
    assert response.status_code == 200
    assert "NIP/email atau kata sandi salah" in response.text


def test_the_language_switch_is_remembered_and_only_returns_to_this_site(client: TestClient) -> None:
    response = client.get("/bahasa/en", params={"next": "//evil.example/"})
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    assert response.cookies[LANGUAGE_COOKIE] == "en"
    page = client.get("/masuk")
    assert '<html lang="en">' in page.text
    assert "Sign in to Audisi" in page.text


def test_the_api_proxy_forwards_the_callers_header_but_never_the_browsers_cookies(
    client: TestClient, services: FakeServices
) -> None:
    client.cookies.set(SESSION_COOKIE, "browser-session-token")
    response = client.get("/submission/api/v1/echo", headers={"Authorization": "Bearer script-token"})
    assert response.status_code == 200
    assert response.json() == {"auth": "Bearer script-token", "cookie": None}
    assert str(services.requests[0].url) == "http://127.0.0.1:8001/api/v1/echo"


def test_the_favicon_is_served(client: TestClient) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")


def test_a_participant_page_without_a_session_leads_to_sign_in(client: TestClient) -> None:
    response = client.get("/gagasan")
    assert response.status_code == 303
    assert response.headers["location"] == "/masuk?next=/gagasan"


def test_signing_out_ends_the_session_in_the_services_and_clears_the_cookie(
    client: TestClient, services: FakeServices
) -> None:
    token = _csrf(client)
    client.cookies.set(SESSION_COOKIE, "tok-123")
    response = client.post("/keluar", data={"csrf_token": token})
    assert response.status_code == 303
    assert response.headers["location"] == "/?pesan=keluar"
    logout = services.requests[-1]
    assert (logout.method, logout.url.path, logout.headers["authorization"]) == (
        "POST",
        "/api/v1/auth/logout",
        "Bearer tok-123",
    )
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith(SESSION_COOKIE))
    assert "Max-Age=0" in cookie


def test_without_environment_the_web_front_is_production_and_refuses_the_repositorys_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("ENVIRONMENT", raising=False)
    monkeypatch.delenv("WEB_SECRET", raising=False)
    with pytest.raises(ValueError, match="WEB_SECRET must be set"):
        WebSettings(_env_file=None)
    settings = WebSettings(_env_file=None, web_secret="a-real-secret-of-the-regency-0123456789")
    assert settings.environment == Environment.PRODUCTION
    assert settings.secure_cookies is True


def test_signing_out_with_a_session_that_already_ended_still_clears_the_cookie(client: TestClient) -> None:
    token = _csrf(client)
    client.cookies.set(SESSION_COOKIE, "tok-ended-elsewhere")
    response = client.post("/keluar", data={"csrf_token": token})
    assert response.status_code == 303
    assert response.headers["location"] == "/?pesan=keluar"
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith(SESSION_COOKIE))
    assert "Max-Age=0" in cookie
