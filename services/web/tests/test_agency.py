"""The agency officer's pages: the board by status, the ticket with only the API's moves, milestones,
progress, impact, and webhooks. The implementation service is a recording stand-in that keeps state and
refuses as the real one does (the browser journey in tests/e2e/web/ runs the real stack)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from email.parser import BytesParser
from email.policy import default
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from services.web.app import create_app
from services.web.backend import Backend
from services.web.security import LANGUAGE_COOKIE, SESSION_COOKIE
from services.web.tests.test_app import SETTINGS

TICKET = "7b0d1c1e-0000-4000-8000-000000000001"
USERS = {
    "tok-officer": {"id": "u1", "role": "agency", "name": "Petugas Capil", "email": "capil@x.id",
                    "agency_code": "DISDUKCAPIL", "nip": None},
    "tok-judge": {"id": "u2", "role": "judge", "name": "Juri", "email": "juri@x.id", "agency_code": "BAPPEDA",
                  "nip": None},
}  # fmt: skip
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16
FORWARD = {"new": "accepted", "accepted": "in_progress", "in_progress": "piloting", "piloting": "implemented"}


def _error(status: int, code: str, message: str, details: object = None) -> httpx.Response:
    return httpx.Response(status, json={"error": {"code": code, "message": message, "details": details}})


def _ticket(ticket_id: str, title: str, status: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": ticket_id, "idea_id": "i-" + ticket_id, "edition_code": "ATA-2026", "agency_code": "DISDUKCAPIL",
        "status": status, "status_reason": None, "allowed_transitions": [], "due_date": "2027-06-30",
        "overdue": False, "title": title, "problem": "Antre lama", "solution": "Antrean WhatsApp",
        "beneficiaries": "Warga", "estimated_budget_rp": 5_000_000, "percent_complete": 0,
        "person_in_charge": None, "person_in_charge_contact": None,
        "proposer": {"user_id": "p1", "name": "Rina Kartika", "email": "rina@x.id", "agency_code": "KEC-WATULIMO"},
        "impact": {"promised_minutes_saved_per_case": 180, "promised_cost_saved_per_year_rp": 45_000_000,
                   "baseline_minutes_per_case": None, "measured_minutes_per_case": None,
                   "baseline_cost_per_year_rp": None, "measured_cost_per_year_rp": None,
                   "measured_minutes_saved_per_case": None, "measured_cost_saved_per_year_rp": None,
                   "note": None, "measured_at": None},
        "milestones": [], "updates": [], **extra,
    }  # fmt: skip


class FakeImplementation:
    """The implementation service as far as these pages use it, with the workflow's answers; remembers calls."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.ticket = _ticket(TICKET, "Antrean online KTP-el", "new")
        self.others = [
            _ticket("t2", "Posyandu digital", "in_progress", overdue=True, due_date="2026-01-31"),
            _ticket("t3", "Izin usaha sehari", "in_progress", due_date="2026-03-01"),
            _ticket("t4", "Arsip desa", "implemented"),
        ]
        self.webhooks: list[dict[str, Any]] = []
        self.files: dict[str, bytes] = {}

    def sent(self, method: str, path: str) -> list[Any]:
        return [
            json.loads(r.content) if r.content else None
            for r in self.requests
            if r.method == method and r.url.path == path
        ]

    def _allowed(self) -> list[str]:
        status = self.ticket["status"]
        return [FORWARD[status], "blocked"] if status in FORWARD else []

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path, method = request.url.path, request.method
        if path.startswith("/api/v1/evidence"):
            return self._evidence(request)
        body: Any = json.loads(request.content) if request.content else None
        user = USERS.get((request.headers.get("authorization") or "").removeprefix("Bearer "))
        if user is None:
            return _error(401, "unauthenticated", "Sesi berakhir")
        if path == "/api/v1/auth/me":
            return httpx.Response(200, json=user)
        if path == "/api/v1/tickets":
            items = [{**self.ticket, "allowed_transitions": self._allowed()}, *self.others]
            return httpx.Response(200, json={"items": items, "next_cursor": None, "limit": 200})
        base = f"/api/v1/tickets/{TICKET}"
        if path == base and method == "GET":
            return httpx.Response(200, json={**self.ticket, "allowed_transitions": self._allowed()})
        if path == f"{base}/transitions":
            if body["to"] not in self._allowed():
                return _error(409, "transition_not_allowed", "Perubahan status ini tidak diizinkan")
            if body["to"] == "blocked" and not body["reason"]:
                return _error(422, "reason_required", "Alasan wajib diisi untuk status 'blocked'")
            self.ticket["status"] = body["to"]
            return httpx.Response(200, json=self.ticket)
        if path == f"{base}/milestones":
            if len(body["title"]) < 3:
                return _error(422, "validation_error", "Isian tidak valid",
                              [{"field": "title", "message": "Paling sedikit 3 karakter"}])  # fmt: skip
            milestone = {"id": "m1", "title": body["title"], "due_date": body["due_date"], "done": False,
                         "done_at": None, "overdue": False}  # fmt: skip
            self.ticket["milestones"].append(milestone)
            return httpx.Response(201, json=milestone)
        if path == f"{base}/milestones/m1":
            self.ticket["milestones"][0]["done"] = body["done"]
            return httpx.Response(200, json=self.ticket["milestones"][0])
        if path == base and method == "PATCH":
            self.ticket.update(body)
            return httpx.Response(200, json=self.ticket)
        if path == f"{base}/updates":
            update = {"id": f"up{len(self.ticket['updates']) + 1}", "body": body["body"], "evidence_links": [],
                      "evidence_files": [], "author_name": "Petugas Capil", "created_at": "2026-11-30T01:00:00Z",
                      "percent_complete": body["percent_complete"]}  # fmt: skip
            self.ticket["updates"].append(update)
            return httpx.Response(201, json=update)
        if path in (f"{base}/impact", base):
            return httpx.Response(201 if path.endswith("updates") else 200, json={})
        if path == "/api/v1/webhooks" and method == "GET":
            return httpx.Response(200, json=self.webhooks)
        if path == "/api/v1/webhooks" and method == "POST":
            if not body["url"].startswith("https://"):
                return _error(422, "webhook_url_refused", "Alamat webhook harus https")
            hook = {"id": "w1", "agency_code": "DISDUKCAPIL", "url": body["url"], "active": True,
                    "created_at": "2026-11-30T01:00:00Z"}  # fmt: skip
            self.webhooks.append(hook)
            return httpx.Response(201, json={**hook, "secret": "whsec_c2lnbmluZy1zZWNyZXQtb2YtdGhlLWFnZW5jeQ=="})
        if path == "/api/v1/webhooks/w1" and method == "DELETE":
            self.webhooks[0]["active"] = False
            return httpx.Response(204)
        if path == "/api/v1/webhooks/w1/deliveries":
            return httpx.Response(200, json=[
                {"id": "d1", "subscription_id": "w1", "change_seq": 7, "event_type": "ticket.status_changed",
                 "status": "dead", "attempts": 8, "next_attempt_at": "2026-11-30T01:00:00Z",
                 "last_error": "HTTP 503", "last_status_code": 503, "delivered_at": None}])  # fmt: skip
        return _error(404, "not_found", "Tidak ditemukan")

    def _evidence(self, request: httpx.Request) -> httpx.Response:
        """Uploads refused as the service refuses them (by the bytes, by the size), downloads, deletions."""
        evidence_id = request.url.path.removeprefix("/api/v1/evidence").strip("/")
        if request.method == "POST":
            head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
            parts = {p.get_param("name", header="content-disposition"): p for p in
                     BytesParser(policy=default).parsebytes(head + request.content).iter_parts()}  # fmt: skip
            content = bytes(parts["file"].get_payload(decode=True))
            if len(content) > 100:
                return _error(413, "evidence_too_large", "Bukti melebihi batas 100 byte")
            if not content.startswith(PNG[:8]):
                return _error(415, "unsupported_evidence", "Jenis berkas tidak didukung (PDF, PNG)")
            update_id = parts["update_id"].get_payload()
            [update] = [u for u in self.ticket["updates"] if u["id"] == update_id]
            evidence: dict[str, Any] = {"id": f"ev{len(self.files) + 1}", "filename": parts["file"].get_filename(),
                        "content_type": "image/png", "size_bytes": len(content)}  # fmt: skip
            update["evidence_files"].append(evidence)
            self.files[str(evidence["id"])] = content
            return httpx.Response(201, json=evidence)
        if evidence_id not in self.files:
            return _error(404, "not_found", "Bukti tidak ditemukan")
        if request.method == "DELETE":
            del self.files[evidence_id]
            for update in self.ticket["updates"]:
                update["evidence_files"] = [f for f in update["evidence_files"] if f["id"] != evidence_id]
            return httpx.Response(204)
        headers = {"content-type": "image/png", "content-disposition": "attachment; filename*=UTF-8''foto.png",
                   "x-internal": "no"}  # fmt: skip
        return httpx.Response(200, content=self.files[evidence_id], headers=headers)


@pytest.fixture
def implementation() -> FakeImplementation:
    return FakeImplementation()


@pytest.fixture
def officer(implementation: FakeImplementation) -> Iterator[TestClient]:
    backend = Backend(SETTINGS, transport=httpx.MockTransport(implementation.handle))
    with TestClient(create_app(SETTINGS, backend), follow_redirects=False) as client:
        client.cookies.set(SESSION_COOKIE, "tok-officer")
        yield client


def _csrf(client: TestClient, path: str = f"/opd/tiket/{TICKET}") -> str:
    page = client.get(path)
    assert page.status_code == 200, page.text
    return str(page.text.split('name="csrf_token" value="')[1].split('"')[0])


def _moves(page: str) -> list[str]:
    return re.findall(r'<input type="radio" name="to" value="([a-z_]+)"', page)


def test_the_board_shows_the_agencys_tickets_by_status_in_workflow_order_overdue_first(officer: TestClient) -> None:
    page = officer.get("/opd").text
    headings = re.findall(r'<h2 id="kolom-([a-z_]+)"', page)
    assert headings == ["new", "accepted", "in_progress", "piloting", "blocked", "implemented", "cancelled"]
    in_progress = page.split('id="kolom-in_progress"')[1].split("</section>")[0]
    assert re.findall(r'class="board-link" href="/opd/tiket/(t\d)"', in_progress) == ["t2", "t3"]
    assert "(2)" in in_progress
    assert "Terlambat" in in_progress


def test_the_ticket_page_offers_exactly_the_moves_the_api_lists_for_this_officer(
    officer: TestClient, implementation: FakeImplementation
) -> None:
    assert _moves(officer.get(f"/opd/tiket/{TICKET}").text) == ["accepted", "blocked"]
    implementation.ticket["status"] = "implemented"
    page = officer.get(f"/opd/tiket/{TICKET}").text
    assert _moves(page) == []
    assert "Tidak ada perubahan status yang dapat Anda lakukan pada tiket ini." in page


def test_a_move_goes_to_the_api_and_its_refusal_is_shown_with_the_apis_words(
    officer: TestClient, implementation: FakeImplementation
) -> None:
    token = _csrf(officer)
    refused = officer.post(f"/opd/tiket/{TICKET}/status", data={"to": "blocked", "reason": "", "csrf_token": token})
    assert refused.status_code == 200
    assert "Alasan wajib diisi untuk status &#39;blocked&#39;" in refused.text
    assert implementation.ticket["status"] == "new"
    moved = officer.post(f"/opd/tiket/{TICKET}/status", data={"to": "accepted", "reason": "", "csrf_token": token})
    assert (moved.status_code, moved.headers["location"]) == (303, f"/opd/tiket/{TICKET}?pesan=status")
    assert implementation.sent("POST", f"/api/v1/tickets/{TICKET}/transitions")[-1] == {
        "to": "accepted",
        "reason": None,
    }
    page = officer.get(moved.headers["location"]).text
    assert "Status tiket diubah." in page
    assert _moves(page) == ["in_progress", "blocked"]


def test_a_milestone_the_api_refuses_is_shown_at_its_field_with_the_entry_kept(officer: TestClient) -> None:
    token = _csrf(officer)
    data = {"milestone_title": "KT", "milestone_due_date": "2027-02-28", "csrf_token": token}
    page = officer.post(f"/opd/tiket/{TICKET}/tonggak", data=data)
    assert page.status_code == 200
    assert '<p class="error-message" id="milestone_title-error">' in page.text
    assert "Paling sedikit 3 karakter" in page.text
    assert 'value="2027-02-28"' in page.text


def test_a_milestone_is_added_then_marked_done(officer: TestClient, implementation: FakeImplementation) -> None:
    token = _csrf(officer)
    data = {"milestone_title": "Nomor antrean WhatsApp aktif", "milestone_due_date": "2027-02-28", "csrf_token": token}
    assert officer.post(f"/opd/tiket/{TICKET}/tonggak", data=data).status_code == 303
    assert implementation.ticket["milestones"][0]["title"] == "Nomor antrean WhatsApp aktif"
    done = officer.post(f"/opd/tiket/{TICKET}/tonggak/m1/selesai", data={"csrf_token": token})
    assert done.headers["location"] == f"/opd/tiket/{TICKET}?pesan=tonggak_selesai"
    assert implementation.sent("PATCH", f"/api/v1/tickets/{TICKET}/milestones/m1") == [{"done": True}]


def test_impact_written_the_indonesian_way_reaches_the_api_as_whole_numbers(
    officer: TestClient, implementation: FakeImplementation
) -> None:
    token = _csrf(officer)
    data = {
        "baseline_minutes_per_case": "240",
        "measured_minutes_per_case": "45",
        "baseline_cost_per_year_rp": "Rp 60.000.000",
        "measured_cost_per_year_rp": "12.500.000",
        "impact_note": "Diukur Oktober",
        "csrf_token": token,
    }
    assert officer.post(f"/opd/tiket/{TICKET}/dampak", data=data).status_code == 303
    assert implementation.sent("PUT", f"/api/v1/tickets/{TICKET}/impact") == [
        {
            "baseline_minutes_per_case": 240,
            "measured_minutes_per_case": 45,
            "baseline_cost_per_year_rp": 60_000_000,
            "measured_cost_per_year_rp": 12_500_000,
            "note": "Diukur Oktober",
        }
    ]


def test_a_progress_report_sends_one_evidence_link_a_line(
    officer: TestClient, implementation: FakeImplementation
) -> None:
    token = _csrf(officer)
    data = {
        "update_body": "Uji coba di Watulimo berjalan",
        "update_links": "https://trenggalekkab.go.id/a\r\n\r\n https://trenggalekkab.go.id/b \n",
        "update_percent": "60",
        "csrf_token": token,
    }
    assert officer.post(f"/opd/tiket/{TICKET}/laporan", data=data).status_code == 303
    assert implementation.sent("POST", f"/api/v1/tickets/{TICKET}/updates") == [
        {
            "body": "Uji coba di Watulimo berjalan",
            "evidence_links": ["https://trenggalekkab.go.id/a", "https://trenggalekkab.go.id/b"],
            "percent_complete": 60,
        }
    ]


def test_a_progress_report_carries_its_evidence_files_listed_downloadable_and_deletable(
    officer: TestClient, implementation: FakeImplementation
) -> None:
    data = {"update_body": "Foto uji coba", "update_links": "", "update_percent": "", "csrf_token": _csrf(officer)}
    files = [("update_files", ("uji coba.png", PNG, "image/png")), ("update_files", ("papan.png", PNG, "image/png"))]
    posted = officer.post(f"/opd/tiket/{TICKET}/laporan", data=data, files=files)
    assert (posted.status_code, posted.headers["location"]) == (303, f"/opd/tiket/{TICKET}?pesan=laporan")
    uploads = [r for r in implementation.requests if r.url.path == "/api/v1/evidence"]
    assert [(b'name="update_id"\r\n\r\nup1' in r.content, PNG in r.content) for r in uploads] == [(True, True)] * 2
    assert [r.headers["authorization"] for r in uploads] == ["Bearer tok-officer"] * 2

    page = officer.get(f"/opd/tiket/{TICKET}").text
    assert re.findall(r'<a href="(/opd/bukti/[^"]+)">([^<]+)</a>', page) == [
        ("/opd/bukti/ev1", "uji coba.png"),
        ("/opd/bukti/ev2", "papan.png"),
    ]
    download = officer.get("/opd/bukti/ev1")
    assert (download.status_code, download.content) == (200, PNG)
    assert (download.headers["content-type"], download.headers["x-content-type-options"]) == ("image/png", "nosniff")
    assert download.headers["content-disposition"] == "attachment; filename*=UTF-8''foto.png"
    assert "x-internal" not in download.headers

    # Deleting is a confirmed form of its own, and needs the page's CSRF token like every other.
    assert f'action="/opd/tiket/{TICKET}/bukti/ev1/hapus"' in page
    assert "Ya, hapus berkas" in page
    assert officer.post(f"/opd/tiket/{TICKET}/bukti/ev1/hapus", data={}).status_code == 403
    deleted = officer.post(f"/opd/tiket/{TICKET}/bukti/ev1/hapus", data={"csrf_token": _csrf(officer)})
    assert (deleted.status_code, deleted.headers["location"]) == (303, f"/opd/tiket/{TICKET}?pesan=bukti_dihapus")
    assert implementation.sent("DELETE", "/api/v1/evidence/ev1") == [None]
    page = officer.get(f"/opd/tiket/{TICKET}?pesan=bukti_dihapus").text
    assert "Berkas bukti dihapus." in page
    assert re.findall(r'<a href="(/opd/bukti/[^"]+)">', page) == ["/opd/bukti/ev2"]


def test_a_refused_file_is_shown_at_its_field_under_the_saved_report(
    officer: TestClient, implementation: FakeImplementation
) -> None:
    data = {"update_body": "Laporan", "update_links": "", "update_percent": "", "csrf_token": _csrf(officer)}
    files = {"update_files": ("program.png", b"MZ\x90\x00 not a picture", "image/png")}
    page = officer.post(f"/opd/tiket/{TICKET}/laporan", data=data, files=files)
    assert page.status_code == 200
    assert "Laporan kemajuan tersimpan, tetapi berkas buktinya ditolak" in page.text
    # The API's words sit at the file field of the report just saved, which is open to try again.
    assert '<p class="error-message" id="bukti-up1-error"><span class="visually-hidden">Kesalahan:</span> ' \
           "Jenis berkas tidak didukung (PDF, PNG)</p>" in page.text  # fmt: skip
    assert '<a href="#bukti-up1">Berkas bukti: Jenis berkas tidak didukung (PDF, PNG)</a>' in page.text
    assert '<details class="details" open>' in page.text

    too_large = {"bukti-up1": ("besar.png", PNG + b"\0" * 200, "image/png")}
    refused = officer.post(
        f"/opd/tiket/{TICKET}/laporan/up1/bukti", data={"csrf_token": _csrf(officer)}, files=too_large
    )
    assert "Bukti melebihi batas 100 byte" in refused.text
    nothing = officer.post(f"/opd/tiket/{TICKET}/laporan/up1/bukti", data={"csrf_token": _csrf(officer)})
    assert "Pilih berkas bukti yang akan diunggah." in nothing.text
    fine = {"bukti-up1": ("foto.png", PNG, "image/png")}
    added = officer.post(f"/opd/tiket/{TICKET}/laporan/up1/bukti", data={"csrf_token": _csrf(officer)}, files=fine)
    assert (added.status_code, added.headers["location"]) == (303, f"/opd/tiket/{TICKET}?pesan=bukti")
    assert [f["filename"] for f in implementation.ticket["updates"][0]["evidence_files"]] == ["foto.png"]


def test_a_form_without_the_csrf_token_never_reaches_the_service(
    officer: TestClient, implementation: FakeImplementation
) -> None:
    response = officer.post(f"/opd/tiket/{TICKET}/status", data={"to": "accepted"})
    assert response.status_code == 403
    assert implementation.sent("POST", f"/api/v1/tickets/{TICKET}/transitions") == []


def test_the_agency_pages_are_refused_to_another_role_and_lead_a_stranger_to_sign_in(officer: TestClient) -> None:
    officer.cookies.set(SESSION_COOKIE, "tok-judge")
    assert officer.get("/opd").status_code == 403
    officer.cookies.delete(SESSION_COOKIE)
    response = officer.get(f"/opd/tiket/{TICKET}")
    assert (response.status_code, response.headers["location"]) == (303, f"/masuk?next=/opd/tiket/{TICKET}")


def test_a_webhook_shows_its_secret_once_then_its_recent_deliveries(
    officer: TestClient, implementation: FakeImplementation
) -> None:
    token = _csrf(officer, "/opd/webhook")
    refused = officer.post("/opd/webhook", data={"url": "http://capil.local/hook", "csrf_token": token})
    assert refused.status_code == 200
    assert '<p class="error-message" id="url-error">' in refused.text
    assert "Alamat webhook harus https" in refused.text
    created = officer.post("/opd/webhook", data={"url": "https://capil.trenggalekkab.go.id/hook", "csrf_token": token})
    assert created.status_code == 200
    assert "whsec_c2lnbmluZy1zZWNyZXQtb2YtdGhlLWFnZW5jeQ==" in created.text
    again = officer.get("/opd/webhook").text
    assert "whsec_" not in again
    assert "https://capil.trenggalekkab.go.id/hook" in again
    assert "<td>ticket.status_changed</td><td>Gagal</td><td>8</td>" in again
    stopped = officer.post("/opd/webhook/w1/hapus", data={"csrf_token": token})
    assert (stopped.status_code, stopped.headers["location"]) == (303, "/opd/webhook?pesan=dihentikan")
    assert [r.method for r in implementation.requests if r.url.path == "/api/v1/webhooks/w1"] == ["DELETE"]


def test_the_person_in_charge_and_partners_are_saved_and_a_kept_partner_keeps_its_kind(
    officer: TestClient, implementation: FakeImplementation
) -> None:
    implementation.ticket["partners"] = [{"name": "Universitas Brawijaya", "kind": "university"}]
    page = officer.get(f"/opd/tiket/{TICKET}").text
    assert ">Universitas Brawijaya</textarea>" in page
    token = _csrf(officer)
    data = {
        "person_in_charge": "Sri Wahyuni",
        "person_in_charge_contact": "0812-3456-7890",
        "partners": "Universitas Brawijaya\nKarang Taruna Watulimo\n\nKarang Taruna Watulimo",
        "csrf_token": token,
    }
    saved = officer.post(f"/opd/tiket/{TICKET}/penanggung-jawab", data=data)
    assert saved.headers["location"] == f"/opd/tiket/{TICKET}?pesan=petugas"
    assert implementation.sent("PATCH", f"/api/v1/tickets/{TICKET}") == [
        {
            "person_in_charge": "Sri Wahyuni",
            "person_in_charge_contact": "0812-3456-7890",
            "partners": [
                {"name": "Universitas Brawijaya", "kind": "university"},
                {"name": "Karang Taruna Watulimo", "kind": "other"},
            ],
        }
    ]
    page = officer.get(saved.headers["location"]).text
    assert 'value="Sri Wahyuni"' in page
    assert "Penanggung jawab dan mitra tersimpan." in page


def test_the_ticket_page_speaks_english_when_chosen(officer: TestClient) -> None:
    officer.cookies.set(LANGUAGE_COOKIE, "en")
    page = officer.get(f"/opd/tiket/{TICKET}").text
    assert '<h2 id="ubah-status">Change the status</h2>' in page
    assert "Accepted by the agency" in page
    assert "Rp 45.000.000 per year" in page
