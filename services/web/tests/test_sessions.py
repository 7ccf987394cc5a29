"""Who is signed in: the submission service's answer is kept per token for the revocation window only, and
forgotten when the session ends through this front or an API refuses the token."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from services.web import sessions
from services.web.app import create_app
from services.web.backend import Backend
from services.web.security import SESSION_COOKIE
from services.web.sessions import SignedIn, User
from services.web.tests.test_app import SETTINGS

RINA = User(id="u1", role="participant", name="Rina", email="r@x.id", agency_code="K", nip="1")
BUDI = User(id="u2", role="participant", name="Budi", email="b@x.id", agency_code="K", nip="2")
ADMIN = User(id="u9", role="admin", name="Admin", email="a@x.id", agency_code=None, nip=None)


class Clock:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_token_is_trusted_for_the_window_and_asked_again_after_it() -> None:
    clock = Clock()
    signed_in = SignedIn(30, clock=clock)
    signed_in.remember("tok-a", RINA)
    clock.now += 29.9
    assert signed_in.get("tok-a") == RINA
    clock.now += 0.1
    assert signed_in.get("tok-a") is None
    assert signed_in.get("tok-other") is None


def test_a_window_of_zero_remembers_nobody() -> None:
    signed_in = SignedIn(0, clock=Clock())
    signed_in.remember("tok-a", RINA)
    assert signed_in.get("tok-a") is None


def test_ending_a_session_forgets_every_token_of_that_person_only() -> None:
    signed_in = SignedIn(30, clock=Clock())
    signed_in.remember("tok-a", RINA)
    signed_in.remember("tok-a-tablet", RINA)
    signed_in.remember("tok-b", BUDI)
    signed_in.end("tok-a")
    assert (signed_in.get("tok-a"), signed_in.get("tok-a-tablet"), signed_in.get("tok-b")) == (None, None, BUDI)


def test_a_full_memory_drops_the_expired_then_the_oldest(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sessions, "MAX_ENTRIES", 2)
    clock = Clock()
    signed_in = SignedIn(30, clock=clock)
    signed_in.remember("tok-old", RINA)
    clock.now += 31
    signed_in.remember("tok-a", RINA)
    signed_in.remember("tok-b", BUDI)  # tok-old had expired: it makes the room
    assert (signed_in.get("tok-a"), signed_in.get("tok-b")) == (RINA, BUDI)
    signed_in.remember("tok-c", BUDI)  # all fresh: the oldest goes
    assert (signed_in.get("tok-a"), signed_in.get("tok-b"), signed_in.get("tok-c")) == (None, BUDI, BUDI)


class FakeSubmission:
    """Who holds which token, the participant's ideas, sign-out; counts every call by path."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        self.valid = {"tok-a", "tok-a-tablet", "tok-admin"}

    def count(self, path: str) -> int:
        return self.paths.count(path)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        if token not in self.valid and request.url.path != "/api/v1/auth/login":
            return httpx.Response(401, json={"error": {"code": "unauthenticated", "message": "Sesi berakhir"}})
        if request.url.path == "/api/v1/auth/me":
            return httpx.Response(200, json={**(ADMIN if token == "tok-admin" else RINA).__dict__})
        if request.url.path == "/api/v1/accounts/u1/deactivate":
            self.valid -= {"tok-a", "tok-a-tablet"}
            return httpx.Response(200, json={})
        if request.url.path == "/api/v1/auth/login":
            return httpx.Response(200, json={"access_token": "tok-a", "expires_in": 3600, "user": RINA.__dict__})
        if request.url.path == "/api/v1/auth/logout":
            self.valid -= {"tok-a", "tok-a-tablet"}
            return httpx.Response(204)
        if request.url.path == "/api/v1/auth/password":
            self.valid = {"tok-a-fresh", "tok-admin"}
            return httpx.Response(200, json={"access_token": "tok-a-fresh", "expires_in": 3600, "user": RINA.__dict__})
        if request.url.path == "/api/v1/ideas":
            return httpx.Response(200, json={"items": []})
        return httpx.Response(404, json={"error": {"code": "not_found", "message": "Tidak ditemukan"}})


@pytest.fixture
def submission() -> FakeSubmission:
    return FakeSubmission()


@pytest.fixture
def client(submission: FakeSubmission) -> Iterator[TestClient]:
    backend = Backend(SETTINGS, transport=httpx.MockTransport(submission.handle))
    with TestClient(create_app(SETTINGS, backend), follow_redirects=False) as test_client:
        yield test_client


def test_pages_ask_who_is_signed_in_once_per_window(client: TestClient, submission: FakeSubmission) -> None:
    client.cookies.set(SESSION_COOKIE, "tok-a")
    assert [client.get("/gagasan").status_code for _ in range(3)] == [200, 200, 200]
    assert (submission.count("/api/v1/auth/me"), submission.count("/api/v1/ideas")) == (1, 3)


def test_signing_in_names_the_person_so_the_first_page_does_not_ask(
    client: TestClient, submission: FakeSubmission
) -> None:
    csrf = client.get("/masuk").text.split('name="csrf_token" value="')[1].split('"')[0]
    form = {"username": "199105172015032001", "password": "Gagasan#2026", "csrf_token": csrf}
    assert client.post("/masuk", data=form).headers["location"] == "/gagasan"
    assert client.get("/gagasan").status_code == 200
    assert (submission.count("/api/v1/auth/login"), submission.count("/api/v1/auth/me")) == (1, 0)


def test_a_token_an_api_refuses_is_forgotten_and_the_browser_signs_in_again(
    client: TestClient, submission: FakeSubmission
) -> None:
    client.cookies.set(SESSION_COOKIE, "tok-a")
    assert client.get("/gagasan").status_code == 200
    submission.valid.discard("tok-a")  # ended elsewhere (another service, the admin's API)
    response = client.get("/gagasan")
    assert (response.status_code, response.headers["location"]) == (303, "/masuk?next=/gagasan")
    client.cookies.set(SESSION_COOKIE, "tok-a")
    assert client.get("/akun/kata-sandi").status_code == 303  # asked again, and refused
    assert submission.count("/api/v1/auth/me") == 2


def test_signing_out_forgets_every_session_of_the_person_at_once(
    client: TestClient, submission: FakeSubmission
) -> None:
    for token in ("tok-a-tablet", "tok-a"):
        client.cookies.set(SESSION_COOKIE, token)
        assert client.get("/akun/kata-sandi").status_code == 200
    csrf = client.get("/masuk").text.split('name="csrf_token" value="')[1].split('"')[0]
    assert client.post("/keluar", data={"csrf_token": csrf}).status_code == 303
    client.cookies.set(SESSION_COOKIE, "tok-a-tablet")  # her other device, within the window
    response = client.get("/akun/kata-sandi")
    assert (response.status_code, response.headers["location"]) == (303, "/masuk?next=/akun/kata-sandi")
    assert submission.count("/api/v1/auth/me") == 3


def test_changing_the_password_forgets_her_other_sessions_and_keeps_this_browser_signed_in(
    client: TestClient, submission: FakeSubmission
) -> None:
    for token in ("tok-a-tablet", "tok-a"):
        client.cookies.set(SESSION_COOKIE, token)
        page = client.get("/akun/kata-sandi")
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    form = {"current_password": "Gagasan#2026", "new_password": "Sandi-baru-2026", "csrf_token": csrf}
    assert client.post("/akun/kata-sandi", data=form).status_code == 303
    assert client.get("/akun/kata-sandi").status_code == 200  # the fresh token of the answer
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, "tok-a-tablet")
    assert client.get("/akun/kata-sandi").status_code == 303
    assert submission.count("/api/v1/auth/me") == 3  # not for the fresh token: the change's answer named her


def test_an_admin_deactivating_her_account_forgets_her_sessions_at_once(
    client: TestClient, submission: FakeSubmission
) -> None:
    client.cookies.set(SESSION_COOKIE, "tok-a")
    assert client.get("/akun/kata-sandi").status_code == 200
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, "tok-admin")
    csrf = client.get("/akun/kata-sandi").text.split('name="csrf_token" value="')[1].split('"')[0]
    assert client.post("/admin/akun/u1/nonaktifkan", data={"csrf_token": csrf}).status_code == 303
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, "tok-a")
    response = client.get("/akun/kata-sandi")
    assert (response.status_code, response.headers["location"]) == (303, "/masuk?next=/akun/kata-sandi")
    assert submission.count("/api/v1/auth/me") == 3
