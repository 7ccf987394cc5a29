"""The admin's pages: accounts (list by role, create, role, deactivate and reactivate), agencies, and the
three services' dead letters with their replay. The services are a recording stand-in that refuses as the
real ones do (the browser journey in tests/e2e/web/ runs the real stack)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from services.web.app import create_app
from services.web.backend import Backend
from services.web.security import SESSION_COOKIE
from services.web.tests.test_app import SETTINGS

ADMIN = {"id": "a1", "role": "admin", "name": "Admin Audisi", "email": "admin@x.id", "agency_code": None, "nip": None}
PANITIA = {"id": "u2", "role": "committee", "name": "Panitia", "email": "panitia@x.id", "agency_code": "BKPSDM",
           "nip": None}  # fmt: skip
PORTS = {"8001": "submission", "8002": "judging", "8003": "implementation"}


def _error(status: int, code: str, message: str, details: object = None) -> httpx.Response:
    return httpx.Response(status, json={"error": {"code": code, "message": message, "details": details}})


def _account(user_id: str, name: str, role: str, active: bool = True) -> dict[str, Any]:
    return {"id": user_id, "role": role, "name": name, "email": f"{user_id}@x.id", "agency_code": None,
            "nip": None, "work_unit": None, "is_active": active, "email_verified": True,
            "created_at": "2026-11-01T01:00:00Z"}  # fmt: skip


def _dead_letter(event_id: str, kind: str) -> dict[str, Any]:
    return {"kind": kind, "event_id": event_id, "queue": "implementation", "event_type": "idea.judged.v1",
            "tries": 5, "last_error": "IntegrityError", "parked_at": "2026-11-30T01:00:00Z"}  # fmt: skip


class FakeServices:
    """The three services' admin routes as far as these pages use them; remembers every call by service."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str, Any]] = []
        self.accounts = [_account("u3", "Petugas Capil", "agency"), _account("a1", "Admin Audisi", "admin")]

    def sent(self, service: str, method: str, path: str) -> list[Any]:
        return [body for s, m, p, body in self.calls if (s, m, p) == (service, method, path)]

    def handle(self, request: httpx.Request) -> httpx.Response:
        service = PORTS[str(request.url.port)]
        path, method = request.url.path, request.method
        body: Any = json.loads(request.content) if request.content else None
        self.calls.append((service, method, path, body if body is not None else dict(request.url.params)))
        token = (request.headers.get("authorization") or "").removeprefix("Bearer ")
        user = {"tok-admin": ADMIN, "tok-panitia": PANITIA}.get(token)
        if path == "/api/v1/agencies" and method == "GET":
            return httpx.Response(200, json=[{"code": "DISDUKCAPIL", "name": "Dinas Dukcapil", "email": "d@x.id"}])
        if user is None:
            return _error(401, "unauthenticated", "Sesi berakhir")
        if path == "/api/v1/auth/me":
            return httpx.Response(200, json=user)
        if path == "/api/v1/accounts" and method == "GET":
            role = request.url.params.get("role")
            items = [a for a in self.accounts if role in (None, a["role"])]
            return httpx.Response(200, json={"items": items, "total": len(items), "page": 1, "page_size": 50})
        if path == "/api/v1/accounts" and method == "POST":
            if body["role"] == "agency" and not body["agency_code"]:
                # the service's own rule names its field in details, as shared.errors.invalid does
                return _error(422, "agency_required", "Petugas perangkat daerah wajib memiliki kode perangkat daerah",
                              {"field": "agency_code"})  # fmt: skip
            return httpx.Response(201, json=_account("u9", body["name"], body["role"]))
        if path == "/api/v1/accounts/u3/deactivate":
            self.accounts[0]["is_active"] = False
            return httpx.Response(200, json=self.accounts[0])
        if path == "/api/v1/accounts/u3" and method == "PATCH":
            if body["role"] == "agency" and not body["agency_code"]:
                return _error(422, "agency_required", "Petugas perangkat daerah wajib punya perangkat daerah")
            return httpx.Response(200, json=self.accounts[0])
        if path == "/api/v1/agencies/managed" and user is ADMIN:
            return httpx.Response(200, json=[
                {"code": "DISDUKCAPIL", "name": "Dinas Dukcapil", "email": "d@x.id", "active": True},
                {"code": "DLH", "name": "Dinas Lingkungan Hidup", "email": "dlh@x.id", "active": False}])  # fmt: skip
        if path.startswith("/api/v1/agencies/") and method == "PUT":
            return httpx.Response(200, json={"code": path.rsplit("/", 1)[1], **body})
        if path == "/api/v1/ops/dead-letters" and method == "GET":
            parked = {"implementation": [_dead_letter("ev-1", "inbox"), _dead_letter("ev-2", "outbox")]}
            return httpx.Response(200, json=parked.get(service, []))
        if path == "/api/v1/ops/dead-letters/replay":
            return httpx.Response(200, json={"outbox": 0, "inbox": 1})
        if path == "/api/v1/ops/webhooks/dead-letters" and method == "GET":
            return httpx.Response(200, json=[{"id": "wd1", "delivery_id": "d1", "subscription_id": "w1",
                                              "agency_code": "DISDUKCAPIL", "event_type": "ticket.created",
                                              "attempts": 8, "last_error": "timeout",
                                              "dead_at": "2026-11-30T01:00:00Z", "replayed_at": None}])  # fmt: skip
        if path == "/api/v1/ops/webhooks/dead-letters/replay":
            return httpx.Response(200, json={"replayed": 1})
        return _error(404, "not_found", "Tidak ditemukan")


@pytest.fixture
def services() -> FakeServices:
    return FakeServices()


@pytest.fixture
def admin(services: FakeServices) -> Iterator[TestClient]:
    backend = Backend(SETTINGS, transport=httpx.MockTransport(services.handle))
    with TestClient(create_app(SETTINGS, backend), follow_redirects=False) as client:
        client.cookies.set(SESSION_COOKIE, "tok-admin")
        yield client


def _csrf(client: TestClient, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200, page.text
    return str(page.text.split('name="csrf_token" value="')[1].split('"')[0])


def test_accounts_are_listed_by_role_and_state_as_the_filters_ask(admin: TestClient, services: FakeServices) -> None:
    page = admin.get("/admin/akun", params={"peran": "agency", "status": "nonaktif", "q": " capil ", "halaman": "x"})
    assert page.status_code == 200
    assert services.sent("submission", "GET", "/api/v1/accounts") == [
        {"page": "1", "page_size": "50", "role": "agency", "active": "false", "q": "capil"}
    ]
    assert "Petugas Capil" in page.text
    assert "Admin Audisi" not in page.text.split("<tbody>")[1]


def test_the_admins_own_account_offers_no_deactivation(admin: TestClient) -> None:
    page = admin.get("/admin/akun").text
    assert 'action="/admin/akun/u3/nonaktifkan"' in page
    assert 'action="/admin/akun/a1/' not in page


def test_a_staff_account_the_service_refuses_is_shown_at_its_field_and_a_good_one_is_created(
    admin: TestClient, services: FakeServices
) -> None:
    token = _csrf(admin, "/admin/akun/baru")
    form = {
        "role": "agency",
        "name": "Petugas Baru",
        "email": "baru@x.id",
        "password": "Sandi#2026",
        "csrf_token": token,
    }
    refused = admin.post("/admin/akun/baru", data=form)
    assert refused.status_code == 200
    message = "Petugas perangkat daerah wajib memiliki kode perangkat daerah"
    assert f'<p class="error-message" id="agency_code-error">{message}</p>' in refused.text
    assert 'value="Petugas Baru"' in refused.text
    created = admin.post("/admin/akun/baru", data={**form, "agency_code": "DISDUKCAPIL", "work_unit": "Seksi KTP"})
    assert (created.status_code, created.headers["location"]) == (303, "/admin/akun?pesan=dibuat&q=baru@x.id")
    assert services.sent("submission", "POST", "/api/v1/accounts")[-1] == {
        "role": "agency",
        "email": "baru@x.id",
        "name": "Petugas Baru",
        "agency_code": "DISDUKCAPIL",
        "work_unit": "Seksi KTP",
        "password": "Sandi#2026",
    }


def test_deactivating_returns_to_the_same_filtered_list_with_a_notice(
    admin: TestClient, services: FakeServices
) -> None:
    token = _csrf(admin, "/admin/akun")
    back = "/admin/akun?peran=agency&pesan=diaktifkan"
    response = admin.post("/admin/akun/u3/nonaktifkan", data={"csrf_token": token, "back": back})
    assert (response.status_code, response.headers["location"]) == (303, "/admin/akun?peran=agency&pesan=dinonaktifkan")
    assert [(s, m, p) for s, m, p, _ in services.calls][-1] == ("submission", "POST", "/api/v1/accounts/u3/deactivate")
    assert "Akun dinonaktifkan; semua sesinya berakhir." in admin.get(response.headers["location"]).text


def test_a_role_change_the_service_refuses_comes_back_with_its_message(
    admin: TestClient, services: FakeServices
) -> None:
    token = _csrf(admin, "/admin/akun")
    response = admin.post("/admin/akun/u3/peran", data={"csrf_token": token, "role": "agency", "agency_code": ""})
    assert response.status_code == 303
    page = admin.get(response.headers["location"]).text
    assert "Petugas perangkat daerah wajib punya perangkat daerah" in page
    admin.post("/admin/akun/u3/peran", data={"csrf_token": token, "role": "judge", "agency_code": "DISDUKCAPIL"})
    assert services.sent("submission", "PATCH", "/api/v1/accounts/u3")[-1] == {
        "role": "judge",
        "agency_code": "DISDUKCAPIL",
    }


def test_a_redirect_back_never_leaves_the_admins_pages(admin: TestClient) -> None:
    token = _csrf(admin, "/admin/akun")
    response = admin.post("/admin/akun/u3/nonaktifkan", data={"csrf_token": token, "back": "//evil.example/x"})
    assert response.headers["location"] == "/admin/akun?pesan=dinonaktifkan"
    assert admin.post("/admin/akun/u3/hapus", data={"csrf_token": token}).status_code == 404


def test_every_agency_is_listed_with_its_state_saved_in_capitals_and_deactivated_with_its_row(
    admin: TestClient, services: FakeServices
) -> None:
    page = admin.get("/admin/opd").text
    assert 'aria-label="Nonaktifkan: Dinas Dukcapil"' in page
    assert 'aria-label="Aktifkan: Dinas Lingkungan Hidup"' in page  # deactivated, still listed for the admin
    token = _csrf(admin, "/admin/opd")
    form = {"code": "kec-baru", "name": "Kecamatan Baru", "email": "kec@x.id", "csrf_token": token}
    assert admin.post("/admin/opd", data=form).headers["location"] == "/admin/opd?pesan=disimpan"
    off = {"code": "DISDUKCAPIL", "name": "Dinas Dukcapil", "email": "d@x.id", "active": "false", "csrf_token": token}
    assert admin.post("/admin/opd", data=off).headers["location"] == "/admin/opd?pesan=dinonaktifkan"
    assert services.sent("submission", "PUT", "/api/v1/agencies/KEC-BARU") == [
        {"name": "Kecamatan Baru", "email": "kec@x.id", "active": True}
    ]
    assert services.sent("submission", "PUT", "/api/v1/agencies/DISDUKCAPIL") == [
        {"name": "Dinas Dukcapil", "email": "d@x.id", "active": False}
    ]


def test_dead_letters_of_every_service_are_listed_and_replayed_one_or_all(
    admin: TestClient, services: FakeServices
) -> None:
    page = admin.get("/admin/pesan-gagal").text
    assert [s for s, m, p, _ in services.calls if p == "/api/v1/ops/dead-letters"] == [
        "submission",
        "judging",
        "implementation",
    ]
    assert ("ev-1" in page, "ev-2" in page, "ticket.created" in page) == (True, True, True)
    token = _csrf(admin, "/admin/pesan-gagal")
    one = admin.post("/admin/pesan-gagal/implementation/ulang", data={"csrf_token": token, "event_id": "ev-1",
                                                                    "kind": "inbox"})  # fmt: skip
    assert one.headers["location"] == "/admin/pesan-gagal?pesan=diulang&jumlah=1"
    admin.post("/admin/pesan-gagal/judging/ulang", data={"csrf_token": token})
    admin.post("/admin/pesan-gagal/webhook/ulang", data={"csrf_token": token, "id": "wd1"})
    assert services.sent("implementation", "POST", "/api/v1/ops/dead-letters/replay") == [
        {"event_ids": ["ev-1"], "kind": "inbox"}
    ]
    assert services.sent("judging", "POST", "/api/v1/ops/dead-letters/replay") == [{"event_ids": None, "kind": None}]
    assert services.sent("implementation", "POST", "/api/v1/ops/webhooks/dead-letters/replay") == [{"ids": ["wd1"]}]
    assert "Dikirim ulang: 1 pesan." in admin.get("/admin/pesan-gagal?pesan=diulang&jumlah=1").text


def test_the_admin_pages_are_refused_to_the_committee(admin: TestClient, services: FakeServices) -> None:
    admin.cookies.set(SESSION_COOKIE, "tok-panitia")
    for path in ("/admin/akun", "/admin/opd", "/admin/pesan-gagal"):
        assert admin.get(path).status_code == 403
    assert [p for _, _, p, _ in services.calls if p != "/api/v1/auth/me"] == []
