"""The committee's live scoring board (the page from judging's snapshot, and the event stream the web front
relays with the committee member's token) and the results page with its charts. Judging is a recording
stand-in (the browser journeys in tests/e2e/web/ run the real stack)."""

from __future__ import annotations

import html
import json
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from services.web.app import create_app
from services.web.backend import Backend
from services.web.security import LANGUAGE_COOKIE, SESSION_COOKIE
from services.web.tests.test_app import SETTINGS

#: The editions the committee's edition picker lists (submission's GET /editions).
EDITIONS = [
    {"code": "ATA-2026", "name": "ASN Talent Academy 2026", "submission_opens_at": "2026-01-31T17:00:00Z"},
    {"code": "SEL-2026", "name": "Audisi seleksi 2026", "submission_opens_at": "2026-03-01T17:00:00Z"},
]
USERS = {
    "tok-panitia": {"id": "u1", "role": "committee", "name": "Panitia BKPSDM", "email": "panitia@x.id",
                    "agency_code": "BKPSDM", "nip": None},
    "tok-judge": {"id": "u2", "role": "judge", "name": "Juri", "email": "juri@x.id", "agency_code": "BAPPEDA",
                  "nip": None},
}  # fmt: skip
IDEA = "5c1e0000-0000-4000-8000-000000000001"
JUDGE_A = "5c1e0000-0000-4000-8000-0000000000a1"
JUDGE_B = "5c1e0000-0000-4000-8000-0000000000b2"


def _snapshot(state_b: str) -> dict[str, Any]:
    judges = [
        {"judge_id": JUDGE_A, "name": "Dr. Sari", "status": "submitted"},
        {"judge_id": JUDGE_B, "name": "Ir. Bambang", "status": state_b},
    ]
    complete = state_b == "submitted"
    return {
        "edition_code": "ATA-2026",
        "round": "audition",
        "totals": {"ideas": 1, "complete": int(complete), "in_progress": int(not complete), "not_started": 0},
        "ideas": [
            {"idea_id": IDEA, "title": "Antrean <online> KTP-el", "position_group": "pelaksana", "slot_id": None,
             "room": "Pendopo A", "starts_at": "2026-11-30T02:30:00Z",
             "state": "complete" if complete else "in_progress", "judges": judges}
        ],
    }  # fmt: skip


def _result(idea_id: str, title: str, group: str, raw: float | None, calibrated: float | None, **extra: Any) -> Any:
    return {"idea_id": idea_id, "title": title, "position_group": group, "submitted_at": None,
            "target_agency_code": "DISDUKCAPIL", "judges": 3, "raw_score": raw, "calibrated_score": calibrated,
            "score": calibrated, "criteria": {}, "agreement_w": 0.81, "spread_sd": 4.0, "flagged": False,
            "rank": 1, "proposed": False, "selected": False, "adjustment_reason": None, **extra}  # fmt: skip


RESULTS = {
    "edition_code": "ATA-2026", "round": "audition", "rules": {}, "criteria_agreement": [],
    "judges": [
        {"judge_id": JUDGE_A, "name": "Dr. Sari", "ideas": 3, "raw_mean": 50.0, "raw_sd": 8.0,
         "calibrated_mean": 70.0, "calibrated_sd": 20.0},
    ],
    "ideas": [
        _result(IDEA, "Antrean <online> KTP-el", "pelaksana", 82.5, 86.25, proposed=True, selected=True),
        _result("r2", "Posyandu digital", "pelaksana", 80.0, 71.4, rank=2, flagged=True, agreement_w=0.12),
        _result("r3", "Arsip desa", "pengawas", 75.0, 77.0, selected=True, adjustment_reason="Kuota pengawas"),
        _result("r4", "Belum dinilai", "fungsional_ahli", None, None, rank=None, agreement_w=None),
    ],
}  # fmt: skip


class FakeJudging:
    """The sign-in check and judging's progress snapshot and stream; remembers the calls."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path
        user = USERS.get((request.headers.get("authorization") or "").removeprefix("Bearer "))
        if user is None:
            return httpx.Response(401, json={"error": {"code": "unauthenticated", "message": "Sesi berakhir"}})
        if path == "/api/v1/auth/me":
            return httpx.Response(200, json=user)
        if user["role"] != "committee":
            return httpx.Response(403, json={"error": {"code": "forbidden", "message": "Khusus panitia"}})
        if path == "/api/v1/editions":
            return httpx.Response(200, json=EDITIONS)
        if path == "/api/v1/editions/ATA-2026/results":
            return httpx.Response(200, json=RESULTS)
        if path == "/api/v1/editions/ATA-2026/progress":
            return httpx.Response(200, json=_snapshot("draft"))
        if path == "/api/v1/editions/ATA-2026/progress/stream":

            async def frames() -> AsyncIterator[bytes]:
                for n, state in enumerate(("draft", "submitted"), start=1):
                    yield f"id: {n}\nevent: progress\ndata: {json.dumps(_snapshot(state))}\n\n".encode()
                    yield b": keep-alive\n\n"

            return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=frames())
        return httpx.Response(404, json={"error": {"code": "edition_not_found", "message": "Edisi tidak ada"}})


@pytest.fixture
def judging() -> FakeJudging:
    return FakeJudging()


@pytest.fixture
def client(judging: FakeJudging) -> Iterator[TestClient]:
    backend = Backend(SETTINGS, transport=httpx.MockTransport(judging.handle))
    with TestClient(create_app(SETTINGS, backend), follow_redirects=False) as test_client:
        yield test_client


def test_the_board_shows_each_idea_and_each_judges_state_as_judging_has_it_now(
    client: TestClient, judging: FakeJudging
) -> None:
    client.cookies.set(SESSION_COOKIE, "tok-panitia")
    page = client.get("/panitia/papan")
    assert page.status_code == 200, page.text
    body = page.text
    assert "Antrean &lt;online&gt; KTP-el" in body
    row = body.split(f'data-idea="{IDEA}"')[1].split("</tr>")[0]
    assert "Sedang dinilai" in row
    assert "Pelaksana" in row
    assert "Pendopo A · 09.30" in row
    assert f'data-judge="{JUDGE_A}">Dr. Sari: <span class="tag tag-j-submitted">Terkunci' in row
    assert f'data-judge="{JUDGE_B}">Ir. Bambang: <span class="tag tag-j-draft">Draf' in row
    assert '<dd data-total="in_progress">1</dd>' in body
    assert 'data-stream="/panitia/papan/aliran?edisi=ATA-2026&amp;babak=audition"' in body
    assert '<script src="/static/js/board.js" defer></script>' in body
    assert '<a href="/panitia/papan" aria-current="page">Papan penilaian</a>' in body  # the committee menu
    asked = [r for r in judging.requests if r.url.path.endswith("/progress")][-1]
    assert asked.headers["authorization"] == "Bearer tok-panitia"
    assert asked.url.params["round"] == "audition"


def test_the_board_speaks_english_when_chosen(client: TestClient) -> None:
    client.cookies.set(SESSION_COOKIE, "tok-panitia")
    client.cookies.set(LANGUAGE_COOKIE, "en")
    body = client.get("/panitia/papan?babak=screening").text
    assert "Scoring board" in body
    assert "Screening round" in body
    assert "Being scored" not in body
    assert 'data-judge-draft="Draft"' in body
    assert 'data-state-complete="Complete"' in body


def test_the_stream_relays_judgings_events_with_the_committee_members_token(
    client: TestClient, judging: FakeJudging
) -> None:
    client.cookies.set(SESSION_COOKIE, "tok-panitia")
    with client.stream("GET", "/panitia/papan/aliran?edisi=ATA-2026") as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["cache-control"] == "no-store"
        text = "".join(response.iter_text())
    events = [json.loads(line[6:]) for line in text.splitlines() if line.startswith("data: ")]
    assert [e["ideas"][0]["judges"][1]["status"] for e in events] == ["draft", "submitted"]
    assert text.count("event: progress") == 2
    assert ": keep-alive" in text
    upstream = [r for r in judging.requests if r.url.path.endswith("/progress/stream")][-1]
    assert upstream.headers["authorization"] == "Bearer tok-panitia"
    assert "cookie" not in upstream.headers
    assert (upstream.url.params["round"], float(upstream.url.params["interval"])) == ("audition", 1.0)


def test_an_unknown_edition_ends_the_stream_with_judgings_status(client: TestClient) -> None:
    client.cookies.set(SESSION_COOKIE, "tok-panitia")
    response = client.get("/panitia/papan/aliran?edisi=ATA-1999")
    assert (response.status_code, response.headers["x-audisi-error"]) == (404, "edition_not_found")
    page = client.get("/panitia/papan?edisi=ATA-1999")
    assert page.status_code == 404
    assert "Edisi tidak ada" in page.text


def test_the_results_show_raw_and_calibrated_side_by_side_with_the_flag_and_the_charts_data(
    client: TestClient, judging: FakeJudging
) -> None:
    client.cookies.set(SESSION_COOKIE, "tok-panitia")
    page = client.get("/panitia/hasil")
    assert page.status_code == 200, page.text
    body = page.text
    first = body.split(f'data-idea="{IDEA}"')[1].split("</tr>")[0]
    assert '<td data-cell="raw">82,50</td>' in first
    assert '<td data-cell="calibrated">86,25</td>' in first
    assert "Terpilih" in first
    assert "Perlu dibahas" not in first
    flagged = body.split('data-idea="r2"')[1].split("</tr>")[0]
    assert '<td data-cell="agreement">0,12 <strong class="tag tag-withdrawn">Perlu dibahas</strong>' in flagged
    assert "Kuota pengawas" in body.split('data-idea="r3"')[1].split("</tr>")[0]
    charts = [json.loads(html.unescape(found)) for found in re.findall(r'data-chart="([^"]*)"', body)]
    scores, groups, judges = charts
    assert judges["labels"] == ["Dr. Sari"]
    assert [(series["label"], series["values"]) for series in judges["series"]] == [
        ("Sebelum kalibrasi", [[42.0, 58.0]]),
        ("Sesudah kalibrasi", [[50.0, 90.0]]),
    ]
    assert f'<tr data-judge="{JUDGE_A}"><td>Dr. Sari</td><td>3</td><td>50,00</td><td>8,00</td><td>70,00</td>' in body
    assert scores["labels"] == ["Arsip desa", "Antrean <online> KTP-el", "Posyandu digital"]  # unscored left out
    assert [series["values"] for series in scores["series"]] == [[75.0, 82.5, 80.0], [77.0, 86.25, 71.4]]
    assert groups["labels"] == ["Pengawas", "Fungsional ahli", "Pelaksana"]
    assert [(series["label"], series["values"]) for series in groups["series"]] == [
        ("Terpilih", [1, 0, 1]),
        ("Tidak terpilih", [0, 1, 1]),
    ]
    assert '<script src="/static/vendor/chartjs/chart.umd.min.js" defer></script>' in body
    assert client.get("/static/vendor/chartjs/chart.umd.min.js").text.startswith("/*!\n * Chart.js v4.6.1")
    asked = [r for r in judging.requests if r.url.path.endswith("/results")][-1]
    assert (asked.headers["authorization"], asked.url.params["round"]) == ("Bearer tok-panitia", "audition")


def test_the_results_charts_speak_english_when_chosen(client: TestClient) -> None:
    client.cookies.set(SESSION_COOKIE, "tok-panitia")
    client.cookies.set(LANGUAGE_COOKIE, "en")
    body = client.get("/panitia/hasil").text
    scores, groups, _judges = (json.loads(html.unescape(found)) for found in re.findall(r'data-chart="([^"]*)"', body))
    assert [series["label"] for series in scores["series"]] == ["Raw score", "Calibrated score"]
    assert groups["labels"][0] == "Supervisors"
    assert "To discuss" in body


@pytest.mark.parametrize("path", ["/panitia/papan", "/panitia/papan/aliran", "/panitia/hasil"])
def test_only_the_committee_sees_the_board_and_its_stream(client: TestClient, judging: FakeJudging, path: str) -> None:
    anonymous = client.get(path)
    assert (anonymous.status_code, anonymous.headers["location"]) == (303, f"/masuk?next={path}")
    client.cookies.set(SESSION_COOKIE, "tok-judge")
    refused = client.get(path)
    assert refused.status_code == 403
    assert "Halaman ini bukan untuk peran Anda." in refused.text
    assert not [r for r in judging.requests if "/progress" in r.url.path]
