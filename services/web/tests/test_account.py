"""The account pages: the emailed links (a GET never uses a token up), the forgotten password, changing
the password when signed in. The submission service is replaced by a recording stand-in."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from services.web.app import create_app
from services.web.backend import Backend
from services.web.security import LANGUAGE_COOKIE, SESSION_COOKIE
from services.web.tests.test_app import SETTINGS

TOKEN = "emailed-link-token-0123456789"
USER = {"id": "u1", "role": "participant", "name": "Rina", "email": "r@x.id", "agency_code": "K", "nip": "1"}


def _error(status: int, code: str, message: str, details: object = None) -> httpx.Response:
    return httpx.Response(status, json={"error": {"code": code, "message": message, "details": details}})


class FakeAccounts:
    """The submission service's accounts API, as far as these pages use it; remembers every call."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.link_state = "fresh"  # or "used", "expired"

    def calls(self) -> list[tuple[str, str, object]]:
        return [(r.method, r.url.path, json.loads(r.content) if r.content else None) for r in self.requests]

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path
        body = json.loads(request.content) if request.content else {}
        if path == "/api/v1/agencies":
            return httpx.Response(200, json={"items": [{"code": "K", "name": "Kecamatan"}]})
        if path == "/api/v1/participants/register" and body["nip"].endswith("3000"):
            return _error(422, "invalid_nip", "NIP tidak sah", {
                "field": "nip", "problems": ["digit 15 (3) must be the gender: 1 (male) or 2 (female)"],
                "problems_id": ["angka ke-15 (3) harus jenis kelamin: 1 (laki-laki) atau 2 (perempuan)"]})  # fmt: skip
        if path == "/api/v1/participants/register":
            return httpx.Response(202, json={"status": "link_sent", "valid_minutes": 1440, "development_token": TOKEN})
        if path in ("/api/v1/auth/verify-email", "/api/v1/auth/password-reset/confirm"):
            if body["token"] != TOKEN:
                return _error(400, "invalid_link", "Tautan tidak dikenal")
            if self.link_state == "used":
                return _error(410, "link_used", "Tautan ini sudah dipakai")
            if self.link_state == "expired":
                return _error(410, "link_expired", "Tautan ini sudah kedaluwarsa")
            if body.get("password") == "pendek":
                return _error(
                    422, "validation_error", "Data tidak valid", [{"field": "password", "message": "terlalu pendek"}]
                )
            self.link_state = "used"
            return httpx.Response(200, json={"status": "done"})
        if path == "/api/v1/auth/password-reset":
            return httpx.Response(202, json={"status": "link_sent", "valid_minutes": 60, "development_token": None})
        if path == "/api/v1/auth/me":
            if request.headers.get("authorization") in ("Bearer tok-123", "Bearer tok-fresh"):
                return httpx.Response(200, json=USER)
            return _error(401, "unauthenticated", "Sesi berakhir")
        if path == "/api/v1/auth/password":
            if body["current_password"] != "Gagasan#2026":
                return _error(403, "wrong_current_password", "Kata sandi sekarang salah")
            return httpx.Response(200, json={"access_token": "tok-fresh", "expires_in": 3600, "user": USER})
        return _error(404, "not_found", "Tidak ditemukan")


@pytest.fixture
def accounts() -> FakeAccounts:
    return FakeAccounts()


@pytest.fixture
def client(accounts: FakeAccounts) -> Iterator[TestClient]:
    backend = Backend(SETTINGS, transport=httpx.MockTransport(accounts.handle))
    with TestClient(create_app(SETTINGS, backend), follow_redirects=False) as test_client:
        yield test_client


def _csrf_of(page: httpx.Response) -> str:
    return str(page.text.split('name="csrf_token" value="')[1].split('"')[0])


def _register(client: TestClient, nip: str = "199105172015032001") -> httpx.Response:
    token = _csrf_of(client.get("/daftar"))
    form = {
        "nip": nip,
        "name": "Rina",
        "email": "rina@example.go.id",
        "phone": "",
        "position_group": "pelaksana",
        "agency_code": "K",
        "password": "Gagasan#2026",
        "csrf_token": token,
    }
    response: httpx.Response = client.post("/daftar", data=form)
    return response


def test_registering_asks_her_to_check_her_email_and_signs_nobody_in(client: TestClient) -> None:
    response = _register(client)
    assert response.status_code == 200
    assert "Periksa email Anda" in response.text
    assert "rina@example.go.id" in response.text
    assert "Tautan berlaku selama 24 jam." in response.text
    assert TOKEN not in response.text  # the development token is for curl, never shown on the page
    assert not any(h.startswith(SESSION_COOKIE) for h in response.headers.get_list("set-cookie"))


def test_an_invalid_nip_says_each_problem_at_the_field_in_her_language(client: TestClient) -> None:
    refused = _register(client, nip="199105172015033000").text
    assert "angka ke-15 (3) harus jenis kelamin: 1 (laki-laki) atau 2 (perempuan)</p>" in refused
    client.cookies.set(LANGUAGE_COOKIE, "en")
    english = _register(client, nip="199105172015033000").text
    assert "digit 15 (3) must be the gender: 1 (male) or 2 (female)</p>" in english


def test_the_register_page_tells_imported_civil_servants_how_to_claim_their_account(client: TestClient) -> None:
    page = client.get("/daftar")
    assert "Sudah terdaftar lewat impor panitia? Daftar dengan NIP dan email yang sama" in page.text


def test_opening_the_verification_link_shows_a_button_and_never_uses_the_token(
    client: TestClient, accounts: FakeAccounts
) -> None:
    page = client.get("/akun/verifikasi-email", params={"token": TOKEN})
    assert page.status_code == 200
    assert f'name="token" value="{TOKEN}"' in page.text
    assert "Aktifkan akun saya" in page.text
    assert [c for c in accounts.calls() if c[1] == "/api/v1/auth/verify-email"] == []


def test_pressing_the_button_verifies_the_email_and_leads_to_sign_in(
    client: TestClient, accounts: FakeAccounts
) -> None:
    page = client.get("/akun/verifikasi-email", params={"token": TOKEN})
    response = client.post("/akun/verifikasi-email", data={"token": TOKEN, "csrf_token": _csrf_of(page)})
    assert response.status_code == 303
    assert response.headers["location"] == "/masuk?pesan=email_terverifikasi"
    assert accounts.calls()[-1] == ("POST", "/api/v1/auth/verify-email", {"token": TOKEN})
    signin = client.get(response.headers["location"])
    assert "Email Anda sudah dipastikan. Silakan masuk dengan NIP dan kata sandi Anda." in signin.text


def test_a_used_verification_link_says_so_and_offers_sign_in_and_a_new_link(
    client: TestClient, accounts: FakeAccounts
) -> None:
    accounts.link_state = "used"
    page = client.get("/akun/verifikasi-email", params={"token": TOKEN})
    response = client.post("/akun/verifikasi-email", data={"token": TOKEN, "csrf_token": _csrf_of(page)})
    assert response.status_code == 200
    assert "Tautan ini sudah dipakai" in response.text
    assert 'href="/masuk"' in response.text
    assert 'href="/daftar"' in response.text


def test_the_forgotten_password_page_answers_the_same_for_any_address(
    client: TestClient, accounts: FakeAccounts
) -> None:
    page = client.get("/lupa-sandi")
    response = client.post("/lupa-sandi", data={"email": "siapa@example.go.id", "csrf_token": _csrf_of(page)})
    assert response.status_code == 200
    assert "Jika alamat ini terdaftar di Audisi, kami sudah mengirim tautan" in response.text
    assert accounts.calls()[-1] == ("POST", "/api/v1/auth/password-reset", {"email": "siapa@example.go.id"})


def test_the_sign_in_page_links_to_the_forgotten_password_page(client: TestClient) -> None:
    assert 'href="/lupa-sandi"' in client.get("/masuk").text


def test_a_reset_link_sets_the_new_password_and_leads_to_sign_in(client: TestClient, accounts: FakeAccounts) -> None:
    page = client.get("/akun/atur-kata-sandi", params={"token": TOKEN})
    assert accounts.calls() == []
    form = {"token": TOKEN, "password": "Baru#2026-aman", "csrf_token": _csrf_of(page)}
    response = client.post("/akun/atur-kata-sandi", data=form)
    assert response.status_code == 303
    assert response.headers["location"] == "/masuk?pesan=sandi_diatur"
    assert accounts.calls()[-1] == (
        "POST",
        "/api/v1/auth/password-reset/confirm",
        {"token": TOKEN, "password": "Baru#2026-aman"},
    )


def test_a_too_short_new_password_is_shown_at_its_field_and_keeps_the_link(client: TestClient) -> None:
    page = client.get("/akun/atur-kata-sandi", params={"token": TOKEN})
    response = client.post(
        "/akun/atur-kata-sandi", data={"token": TOKEN, "password": "pendek", "csrf_token": _csrf_of(page)}
    )
    assert response.status_code == 200
    assert 'id="password-error"' in response.text
    assert f'name="token" value="{TOKEN}"' in response.text


@pytest.mark.parametrize(
    ("state", "token", "message"),
    [
        ("expired", TOKEN, "Tautan ini sudah kedaluwarsa"),
        ("used", TOKEN, "Tautan ini sudah dipakai"),
        ("fresh", "another-token-0123456789", "Tautan tidak dikenal"),
    ],
)
def test_a_dead_reset_link_says_why_and_offers_a_new_one(
    client: TestClient, accounts: FakeAccounts, state: str, token: str, message: str
) -> None:
    accounts.link_state = state
    page = client.get("/akun/atur-kata-sandi", params={"token": token})
    response = client.post(
        "/akun/atur-kata-sandi", data={"token": token, "password": "Baru#2026-aman", "csrf_token": _csrf_of(page)}
    )
    assert response.status_code == 200
    assert message in response.text
    assert '<a href="/lupa-sandi">Minta tautan baru</a>' in response.text
    assert 'name="password"' not in response.text


def test_changing_the_password_keeps_her_signed_in_with_the_fresh_token(
    client: TestClient, accounts: FakeAccounts
) -> None:
    client.cookies.set(SESSION_COOKIE, "tok-123")
    page = client.get("/akun/kata-sandi")
    form = {"current_password": "Gagasan#2026", "new_password": "Baru#2026-aman", "csrf_token": _csrf_of(page)}
    response = client.post("/akun/kata-sandi", data=form)
    assert response.status_code == 303
    assert response.headers["location"] == "/akun/kata-sandi?pesan=sandi_diubah"
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith(SESSION_COOKIE))
    assert cookie.startswith(f"{SESSION_COOKIE}=tok-fresh;")
    change = accounts.requests[-1]
    assert (change.url.path, change.headers["authorization"]) == ("/api/v1/auth/password", "Bearer tok-123")


def test_a_wrong_current_password_is_shown_at_its_field(client: TestClient) -> None:
    client.cookies.set(SESSION_COOKIE, "tok-123")
    page = client.get("/akun/kata-sandi")
    form = {"current_password": "salah", "new_password": "Baru#2026-aman", "csrf_token": _csrf_of(page)}
    response = client.post("/akun/kata-sandi", data=form)
    assert response.status_code == 200
    assert 'id="current_password-error"' in response.text
    assert "Kata sandi sekarang salah" in response.text
    assert not any(h.startswith(SESSION_COOKIE) for h in response.headers.get_list("set-cookie"))


def test_the_change_password_page_needs_a_session(client: TestClient) -> None:
    response = client.get("/akun/kata-sandi")
    assert response.status_code == 303
    assert response.headers["location"] == "/masuk?next=/akun/kata-sandi"
