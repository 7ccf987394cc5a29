"""The committee's rubric, advancement, audition-day, slot, panel and conflict pages against a recording
stand-in of the judging and submission APIs (the browser journey tests/e2e/web/test_panitia_audisi.py runs the
real stack)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from services.web.app import create_app
from services.web.backend import Backend
from services.web.security import LANGUAGE_COOKIE, SESSION_COOKIE
from services.web.tests.test_app import SETTINGS
from services.web.tests.test_committee import EDITIONS

COMMITTEE = {"id": "u1", "role": "committee", "name": "Panitia", "email": "p@x.id", "agency_code": "BKPSDM",
             "nip": None}  # fmt: skip
JUDGE_USER = {**COMMITTEE, "id": "u2", "role": "judge"}
DAY = "da000000-0000-4000-8000-000000000001"
ROOM_A, ROOM_B = "a0000000-0000-4000-8000-00000000000a", "b0000000-0000-4000-8000-00000000000b"
SLOT_1, SLOT_2, SLOT_3 = (f"51000000-0000-4000-8000-00000000000{n}" for n in (1, 2, 3))
IDEA_1, IDEA_2 = "1d000000-0000-4000-8000-000000000001", "1d000000-0000-4000-8000-000000000002"
JUDGES: list[dict[str, Any]] = [
    {"id": "j0000000-0000-4000-8000-000000000001", "name": "Dr. Sari", "email": "sari@x.id",
     "agency_code": "BAPPEDA", "work_unit": "Bidang Litbang"},
    {"id": "j0000000-0000-4000-8000-000000000002", "name": "Ir. Bambang", "email": "bambang@x.id",
     "agency_code": "DINKES", "work_unit": None},
]  # fmt: skip
RUBRIC = {"edition_code": "ATA-2026", "round": "audition", "round_id": "r1", "scoring_started": False, "criteria": [
    {"key": "kecepatan", "name": "Kecepatan layanan", "description": "", "weight": 100, "min_score": 1,
     "max_score": 5, "counted": True, "levels": [{"score": 1, "description": "Tidak berubah"}]},
]}  # fmt: skip


def _slot(slot_id: str, room_id: str, room: str, at: str, idea: str | None, title: str | None) -> dict[str, Any]:
    return {"id": slot_id, "day": "2026-08-10", "room_id": room_id, "room": room,
            "starts_at": f"2026-08-10T{at}:00+07:00", "ends_at": f"2026-08-10T{at[:2]}:15:00+07:00",
            "idea_id": idea, "title": title, "position_group": "pelaksana" if idea else None,
            "conflict": None}  # fmt: skip


class FakeApis:
    """Submission's sign-in check and judge directory, judging's rubric, rounds, days and panels."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.scoring_started = False
        self.submission_down = False
        self.refuse_move = False

    def body(self, method: str, suffix: str) -> Any:
        """The JSON body of the last `method` call whose path ends with `suffix`."""
        found = [r for r in self.requests if r.method == method and r.url.path.endswith(suffix)]
        return json.loads(found[-1].content) if found else None

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path, method = request.url.path, request.method
        token = (request.headers.get("authorization") or "").removeprefix("Bearer ")
        user = {"tok-panitia": COMMITTEE, "tok-judge": JUDGE_USER}.get(token)
        if user is None:
            return httpx.Response(401, json={"error": {"code": "unauthenticated", "message": "Sesi berakhir"}})
        if path == "/api/v1/auth/me":
            return httpx.Response(200, json=user)
        if user["role"] != "committee":
            return httpx.Response(403, json={"error": {"code": "forbidden", "message": "Khusus panitia"}})
        if path == "/api/v1/editions":
            if self.submission_down:
                return httpx.Response(503, json={"error": {"code": "service_unavailable", "message": "Tidak tersedia"}})
            return httpx.Response(200, json=EDITIONS)
        base = "/api/v1/editions/ATA-2026"
        if path == "/api/v1/judges":
            return httpx.Response(200, json={"items": JUDGES, "total": 2, "page": 1, "page_size": 100})
        if path == f"{base}/rounds/audition/rubric" and method == "GET":
            return httpx.Response(200, json={**RUBRIC, "scoring_started": self.scoring_started})
        if path == f"{base}/rounds/screening/rubric" and method == "GET":
            return httpx.Response(404, json={"error": {"code": "not_found", "message": "Rubrik tidak ditemukan"}})
        if path.endswith("/rubric") and method == "PUT":
            criteria = json.loads(request.content)["criteria"]
            if sum(c["weight"] for c in criteria if c["counted"]) != 100:
                details = [
                    {"field": "criteria.1.weight", "type": "value_error", "message": "bobot tidak sah"},
                    {
                        "field": "",
                        "type": "value_error",
                        "message": "Jumlah bobot kriteria yang dihitung harus tepat 100; sekarang 90",
                    },
                ]
                return httpx.Response(
                    422, json={"error": {"code": "validation_error", "message": "Data tidak valid", "details": details}}
                )
            return httpx.Response(200, json={**RUBRIC, "criteria": criteria})
        if path == f"{base}/ideas":
            ideas = [
                {"idea_id": IDEA_1, "title": "Antrean daring", "position_group": "pelaksana", "advanced": False},
                {"idea_id": IDEA_2, "title": "Arsip desa", "position_group": "pengawas", "advanced": True},
            ]
            return httpx.Response(200, json=ideas)
        if path == f"{base}/rounds/screening/advance":
            return httpx.Response(200, json={"advanced": len(json.loads(request.content)["idea_ids"])})
        if path == f"{base}/audition-days" and method == "GET":
            rooms = [
                {"id": ROOM_A, "name": "Pendopo", "slots": 2, "judges": [
                    {"judge_id": JUDGES[0]["id"], "name": "Dr. Sari", "agency_code": "BAPPEDA", "conflicts": []}]},
                {"id": ROOM_B, "name": "Ruang Rapat 2", "slots": 1, "judges": []},
            ]  # fmt: skip
            breaks = [{"starts_at": "2026-08-10T12:00:00+07:00", "ends_at": "2026-08-10T13:00:00+07:00",
                       "label": "Ishoma"}]  # fmt: skip
            return httpx.Response(
                200, json=[{"id": DAY, "day": "2026-08-10", "slot_minutes": 15, "rooms": rooms, "breaks": breaks}]
            )
        if path == f"{base}/audition-days" and method == "POST":
            body = json.loads(request.content)
            details = (
                [{"field": "rooms", "type": "too_short", "message": "minimal satu ruang"}] if not body["rooms"] else []
            )
            if body["end"] <= body["start"]:
                details.append({"field": "", "type": "value_error", "message": "Jam selesai harus sesudah jam mulai"})
            if details:
                return httpx.Response(
                    422, json={"error": {"code": "validation_error", "message": "Data tidak valid", "details": details}}
                )
            return httpx.Response(201, json={"id": DAY, **body, "slots": []})
        if path == f"{base}/schedule":
            return httpx.Response(200, json=[
                _slot(SLOT_1, ROOM_A, "Pendopo", "09:00", IDEA_1, "Antrean daring"),
                _slot(SLOT_2, ROOM_A, "Pendopo", "09:15", None, None),
                _slot(SLOT_3, ROOM_B, "Ruang Rapat 2", "09:00", IDEA_2, "Arsip desa"),
            ])  # fmt: skip
        if path == f"{base}/schedule/assign":
            return httpx.Response(200, json={"assigned": 2, "unassigned": []})
        if path == f"/api/v1/slots/{SLOT_1}/move":
            if self.refuse_move:
                message = "Slot tujuan tidak sah"
                return httpx.Response(409, json={"error": {"code": "invalid_move", "message": message}})
            return httpx.Response(200, json={"slots": [], "notified": 3})
        if path == f"{base}/audition-days/{DAY}/panel-proposal":
            left = [{"judge_id": JUDGES[0]["id"], "name": "Dr. Sari", "reason": "other_room",
                     "detail": "Sudah diusulkan di ruang lain", "idea_id": None}]  # fmt: skip
            judge_in = {"user_id": JUDGES[1]["id"], "name": "Ir. Bambang", "email": "bambang@x.id",
                        "agency_code": "DINKES", "work_unit": None}  # fmt: skip
            return httpx.Response(200, json={"day_id": DAY, "judges_per_room": 1, "unplaced": [], "rooms": [
                {"room_id": ROOM_A, "room": "Pendopo", "ideas": 1, "judges": [judge_in], "left_out": left},
            ]})  # fmt: skip
        if path == f"{base}/rooms/{ROOM_A}/panel":
            return httpx.Response(200, json={"round": "audition", "room_id": ROOM_A, "judges": []})
        if path == f"{base}/audition-days/{DAY}/jadwal.pdf":
            disposition = 'attachment; filename="jadwal-audisi-ATA-2026-2026-08-10.pdf"'
            headers = {"content-type": "application/pdf", "content-disposition": disposition}
            return httpx.Response(200, headers=headers, content=b"%PDF-1.4 Pendopo")
        if path == f"{base}/declarations":
            return httpx.Response(200, json=[{"judge_id": JUDGES[0]["id"], "judge_name": "Dr. Sari", "conflicts": 1,
                                              "declared_at": "2026-08-01T01:00:00Z",
                                              "updated_at": "2026-08-01T01:00:00Z"}])  # fmt: skip
        if path == f"{base}/exclusions":
            return httpx.Response(200, json=[{"id": "e1", "idea_id": IDEA_1, "judge_id": JUDGES[0]["id"],
                                              "judge_name": "Dr. Sari", "kind": "declared",
                                              "reason": "Saudara kandung pengusul",
                                              "created_at": "2026-08-01T01:00:00Z"}])  # fmt: skip
        return httpx.Response(404, json={"error": {"code": "not_found", "message": "Tidak ditemukan"}})


@pytest.fixture
def apis() -> FakeApis:
    return FakeApis()


@pytest.fixture
def client(apis: FakeApis) -> Iterator[TestClient]:
    backend = Backend(SETTINGS, transport=httpx.MockTransport(apis.handle))
    with TestClient(create_app(SETTINGS, backend), follow_redirects=False) as test_client:
        test_client.cookies.set(SESSION_COOKIE, "tok-panitia")
        yield test_client


def _csrf(client: TestClient, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200, page.text
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found
    return found.group(1)


def test_the_rubric_form_sends_each_row_and_puts_the_apis_errors_next_to_the_rows(
    client: TestClient, apis: FakeApis
) -> None:
    token = _csrf(client, "/panitia/rubrik?edisi=ATA-2026")
    form = {"csrf_token": token, "edisi": "ATA-2026", "babak": "audition", "rows": "3",
            "c0-key": "kecepatan", "c0-name": "Kecepatan", "c0-weight": "60", "c0-min_score": "1",
            "c0-max_score": "5", "c0-counted": "1", "c0-levels": "1: Tidak berubah\n5: Selesai hari itu",
            "c1-key": "hemat", "c1-name": "Hemat", "c1-weight": "30", "c1-min_score": "1", "c1-max_score": "5",
            "c1-counted": "1", "c2-key": "", "c2-name": ""}  # fmt: skip
    page = client.post("/panitia/rubrik", data=form)
    assert page.status_code == 200
    sent = apis.body("PUT", "/rounds/audition/rubric")["criteria"]
    assert [c["key"] for c in sent] == ["kecepatan", "hemat"]  # the empty row is not sent
    assert sent[0]["levels"] == [
        {"score": 1, "description": "Tidak berubah"},
        {"score": 5, "description": "Selesai hari itu"},
    ]
    assert 'id="c1-weight-error"' in page.text
    assert "bobot tidak sah" in page.text
    assert "Data tidak valid: Jumlah bobot kriteria yang dihitung harus tepat 100; sekarang 90" in page.text
    assert 'name="c3-key"' in page.text  # the two filled blocks, then empty ones to add more
    assert 'name="c4-key"' not in page.text
    assert 'value="Kecepatan"' in page.text  # what was typed stays
    form["c1-weight"] = "40"
    saved = client.post("/panitia/rubrik", data=form)
    assert (saved.status_code, saved.headers["location"]) == (
        303,
        "/panitia/rubrik?edisi=ATA-2026&babak=audition&tersimpan=1",
    )


def test_a_rubric_is_shown_read_only_once_scoring_started(client: TestClient, apis: FakeApis) -> None:
    apis.scoring_started = True
    body = client.get("/panitia/rubrik?edisi=ATA-2026").text
    assert "juri sudah mulai menilai" in body
    assert 'method="post" action="/panitia/rubrik"' not in body
    assert "1: Tidak berubah" in body
    empty = client.get("/panitia/rubrik?edisi=ATA-2026&babak=screening").text
    assert 'name="c0-key"' in empty


def test_advancing_asks_for_a_confirmation_before_calling_the_api(client: TestClient, apis: FakeApis) -> None:
    token = _csrf(client, "/panitia/lolos?edisi=ATA-2026")
    page = client.get("/panitia/lolos?edisi=ATA-2026").text
    assert f'value="{IDEA_1}"' in page
    assert f'value="{IDEA_2}"' not in page
    first = client.post("/panitia/lolos", data={"csrf_token": token, "edisi": "ATA-2026", "idea_id": IDEA_1})
    assert "Yakin meloloskan gagasan ini ke audisi?" in first.text
    assert apis.body("POST", "/advance") is None
    done = client.post(
        "/panitia/lolos", data={"csrf_token": token, "edisi": "ATA-2026", "idea_id": IDEA_1, "yakin": "1"}
    )
    assert done.headers["location"] == "/panitia/lolos?edisi=ATA-2026&lolos=1"
    assert apis.body("POST", "/advance") == {"idea_ids": [IDEA_1], "reason": None}


def test_a_day_is_created_from_the_form_with_breaks_and_room_hours_or_refused(
    client: TestClient, apis: FakeApis
) -> None:
    token = _csrf(client, "/panitia/audisi?edisi=ATA-2026")
    form = {"csrf_token": token, "edisi": "ATA-2026", "day": "2026-08-10", "start": "08.00", "end": "15:00",
            "slot_minutes": "15", "rooms": "Pendopo\nRuang Rapat 2\n", "break0_start": "12.00",
            "break0_end": "13.00", "break0_label": "Ishoma", "room_hours": "Ruang Rapat 2 = 08.00-12.00"}  # fmt: skip
    done = client.post("/panitia/audisi/hari", data=form)
    assert done.headers["location"] == f"/panitia/audisi/{DAY}?edisi=ATA-2026&pesan=hari"
    assert apis.body("POST", "/audition-days") == {
        "day": "2026-08-10", "start": "08:00", "end": "15:00", "slot_minutes": 15,
        "rooms": ["Pendopo", "Ruang Rapat 2"], "breaks": [{"start": "12:00", "end": "13:00", "label": "Ishoma"}],
        "room_hours": [{"room": "Ruang Rapat 2", "start": "08:00", "end": "12:00"}],
    }  # fmt: skip
    refused = client.post("/panitia/audisi/hari", data={**form, "rooms": ""})
    assert refused.status_code == 200
    assert 'id="rooms-error"' in refused.text
    assert "minimal satu ruang" in refused.text
    backwards = client.post("/panitia/audisi/hari", data={**form, "end": "07.00"})
    # A refusal of the whole day (no one field) is said in the summary.
    assert "Data tidak valid: Jam selesai harus sesudah jam mulai" in backwards.text
    assigned = client.post("/panitia/audisi/tempatkan", data={"csrf_token": token, "edisi": "ATA-2026",
                                                               "keep_groups_together": "1"})  # fmt: skip
    assert assigned.headers["location"] == "/panitia/audisi?edisi=ATA-2026&ditempatkan=2&tanpa_slot=0"
    assert apis.body("POST", "/schedule/assign") == {"keep_groups_together": True}


def test_the_day_shows_each_rooms_slots_and_moves_a_slot_or_shows_the_refusal(
    client: TestClient, apis: FakeApis
) -> None:
    token = _csrf(client, f"/panitia/audisi/{DAY}?edisi=ATA-2026")
    body = client.get(f"/panitia/audisi/{DAY}?edisi=ATA-2026").text
    assert 'data-room="Pendopo"' in body
    assert 'data-room="Ruang Rapat 2"' in body
    assert "Ishoma: 12.00–13.00" in body
    pendopo = body.split('data-room="Pendopo"')[1].split("</section>")[0]
    assert "Antrean daring" in pendopo
    assert "Arsip desa" not in pendopo.split("<select")[0]
    assert f'<option value="{SLOT_2}">' in pendopo
    assert "kosong" in pendopo
    assert f'<option value="{SLOT_3}">' in pendopo
    assert "tukar dengan Arsip desa" in pendopo
    form = {"csrf_token": token, "edisi": "ATA-2026", "slot_id": SLOT_1, "to_slot_id": SLOT_2, "reason": "Juri sakit"}
    moved = client.post(f"/panitia/audisi/{DAY}/pindah", data=form)
    assert moved.headers["location"] == f"/panitia/audisi/{DAY}?edisi=ATA-2026&pesan=pindah"
    assert apis.body("POST", f"/slots/{SLOT_1}/move") == {"to_slot_id": SLOT_2, "reason": "Juri sakit"}
    apis.refuse_move = True
    refused = client.post(f"/panitia/audisi/{DAY}/pindah", data=form)
    assert refused.status_code == 200
    assert "Slot tujuan tidak sah" in refused.text.split('class="error-summary"')[1]
    pdf = client.get(f"/panitia/audisi/{DAY}/jadwal.pdf?edisi=ATA-2026")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert "jadwal-audisi-ATA-2026-2026-08-10.pdf" in pdf.headers["content-disposition"]


def test_the_panel_proposal_is_shown_ticked_with_its_reasons_and_confirmed_per_room(
    client: TestClient, apis: FakeApis
) -> None:
    token = _csrf(client, f"/panitia/audisi/{DAY}?edisi=ATA-2026")
    page = client.post(f"/panitia/audisi/{DAY}/usulan", data={"csrf_token": token, "edisi": "ATA-2026",
                                                              "judges_per_room": "1"})  # fmt: skip
    assert page.status_code == 200
    asked = apis.body("POST", "/panel-proposal")
    assert asked["judges_per_room"] == 1
    assert 'name="judges_per_room" type="text" inputmode="numeric" value="1"' in page.text
    assert [j["user_id"] for j in asked["judges"]] == [j["id"] for j in JUDGES]
    assert asked["judges"][0]["work_unit"] == "Bidang Litbang"
    pendopo = page.text.split('class="panel-form" data-room="Pendopo"')[1].split("</form>")[0]
    assert f'value="{JUDGES[1]["id"]}" checked' in pendopo
    assert f'value="{JUDGES[0]["id"]}" checked' not in pendopo
    assert "Dr. Sari: Sudah diusulkan di ruang lain" in pendopo
    assert "Dr. Sari · BAPPEDA · Bidang Litbang" in pendopo
    form = {"csrf_token": token, "edisi": "ATA-2026", "room_id": ROOM_A, "judge_id": JUDGES[1]["id"]}
    saved = client.post(f"/panitia/audisi/{DAY}/panel", data=form)
    assert saved.headers["location"] == f"/panitia/audisi/{DAY}?edisi=ATA-2026&pesan=panel"
    assert apis.body("PUT", f"/rooms/{ROOM_A}/panel") == {"judges": [{
        "user_id": JUDGES[1]["id"], "name": "Ir. Bambang", "email": "bambang@x.id", "agency_code": "DINKES",
        "work_unit": None}]}  # fmt: skip


def test_declarations_and_exclusions_list_who_has_not_declared(client: TestClient) -> None:
    client.cookies.set(LANGUAGE_COOKIE, "en")
    body = client.get("/panitia/konflik?edisi=ATA-2026").text
    assert "Declarations and exclusions" in body
    assert "Ir. Bambang</td><td><strong>Not declared yet" in body
    assert "Saudara kandung pengusul" in body
    assert "Declared by the judge" in body


@pytest.mark.parametrize(
    "path", ["/panitia/rubrik", "/panitia/lolos", "/panitia/audisi", f"/panitia/audisi/{DAY}", "/panitia/konflik"]
)
def test_only_the_committee_opens_the_audition_pages(client: TestClient, apis: FakeApis, path: str) -> None:
    client.cookies.set(SESSION_COOKIE, "tok-judge")
    assert client.get(path).status_code == 403
    client.cookies.delete(SESSION_COOKIE)
    assert client.get(path).status_code == 303
    assert not [r for r in apis.requests if "/editions/" in r.url.path]


def test_a_form_without_the_csrf_token_is_refused(client: TestClient, apis: FakeApis) -> None:
    refused = client.post("/panitia/audisi/tempatkan", data={"edisi": "ATA-2026"})
    assert refused.status_code == 403
    assert apis.body("POST", "/schedule/assign") is None


def test_the_edition_picker_lists_the_editions_and_keeps_the_round(client: TestClient) -> None:
    body = client.get("/panitia/rubrik?edisi=ATA-2026&babak=screening").text
    assert '<form method="get" action="/panitia/rubrik" class="inline-form edition-picker">' in body
    assert re.findall(r'<option value="([^"]+)"( selected)?>[^<]*\(', body) == [
        ("SEL-2026", ""),
        ("ATA-2026", " selected"),
    ]
    assert '<input type="hidden" name="babak" value="screening">' in body


def test_the_edition_picker_is_left_out_while_submission_is_unreachable(client: TestClient, apis: FakeApis) -> None:
    apis.submission_down = True
    page = client.get("/panitia/rubrik?edisi=ATA-2026")
    # The pages of judging's data stay usable without the picker (the board on audition day too).
    assert page.status_code == 200
    assert "edition-picker" not in page.text
