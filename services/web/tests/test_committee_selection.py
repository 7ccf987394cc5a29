"""The committee's selection pages (rules, proposal, adjustments, publication), the downloads served with the
member's token, and the implementation charts. The services are recording stand-ins (the browser journey in
tests/e2e/web/test_panitia_seleksi.py runs the real stack)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from services.web.app import create_app
from services.web.backend import Backend
from services.web.committee.selection import proposal_groups
from services.web.security import LANGUAGE_COOKIE, SESSION_COOKIE
from services.web.tests.test_app import SETTINGS
from services.web.tests.test_committee import EDITIONS, USERS

EDITION = "SEL-2026"
RULES = {"score_basis": "raw", "quota_per_group": {"pelaksana": 1}, "threshold": None,
         "tie_break": ["calibrated_score", "submitted_at"], "min_sample": 3, "disagreement_sd": 15.0,
         "declared": True, "locked": True}  # fmt: skip


def _idea(idea_id: str, title: str, group: str, score: float, rank: int, **extra: Any) -> dict[str, Any]:
    return {"idea_id": idea_id, "title": title, "position_group": group, "submitted_at": None,
            "target_agency_code": "DISDUKCAPIL", "judges": 3, "raw_score": score, "calibrated_score": score + 1,
            "score": score, "criteria": {"kecepatan": 4.0}, "agreement_w": 0.8, "spread_sd": 3.0, "flagged": False,
            "rank": rank, "proposed": rank == 1, "selected": rank == 1, "adjustment_reason": None,
            "decision_published": False, "exception": False, **extra}  # fmt: skip


def _results(published: bool = False) -> dict[str, Any]:
    ideas = [
        _idea("a1", "Antrean KTP-el daring", "pelaksana", 82.0, 1),
        _idea("a2", "Posyandu digital", "pelaksana", 82.0, 2),
        _idea("a3", "Arsip desa", "pelaksana", 70.0, 3, selected=True, exception=True,
              adjustment_reason="Desa percontohan bupati"),
        _idea("b1", "Pengawasan jalan", "pengawas", 75.0, 1),
    ]  # fmt: skip
    for idea in ideas:
        idea["decision_published"] = published
    return {"edition_code": EDITION, "round": "audition", "rules": RULES, "ideas": ideas,
            "criteria_agreement": [], "judges": []}  # fmt: skip


SUMMARY = {
    "edition_code": EDITION, "total": 3,
    "statuses": ["new", "accepted", "in_progress", "piloting", "implemented", "blocked", "cancelled"],
    "by_agency": [
        {"agency_code": "DINKES", "total": 1, "by_status": {"new": 1}},
        {"agency_code": "DISDUKCAPIL", "total": 2, "by_status": {"new": 1, "implemented": 1}},
    ],
    "by_month": [{"month": "2026-11", "tickets": 3, "implemented": 1, "updates": 2, "mean_percent": 46.7}],
}  # fmt: skip


class FakeServices:
    """Judging's selection routes, documents and exports, implementation's summary; remembers the calls."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.published = False

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path, method = request.url.path, request.method
        user = USERS.get((request.headers.get("authorization") or "").removeprefix("Bearer "))
        if user is None:
            return httpx.Response(401, json={"error": {"code": "unauthenticated", "message": "Sesi berakhir"}})
        if path == "/api/v1/auth/me":
            return httpx.Response(200, json=user)
        if path == "/api/v1/agencies":
            return httpx.Response(200, json={"items": [{"code": "DINKES", "name": "Dinas Kesehatan"}]})
        if user["role"] != "committee":
            return httpx.Response(403, json={"error": {"code": "forbidden", "message": "Khusus panitia"}})
        if path == "/api/v1/editions":
            return httpx.Response(200, json=EDITIONS)
        base = f"/api/v1/editions/{EDITION}"
        if path == f"{base}/selection-rules" and method == "GET":
            return httpx.Response(200, json=RULES)
        if path == f"{base}/selection-rules":
            body = json.loads(request.content)
            if not body.get("reason"):
                error = {"code": "rules_locked", "message": "Aturan seleksi terkunci; sertakan alasan"}
                return httpx.Response(409, json={"error": error})
            return httpx.Response(200, json={**RULES, **body})
        if path == f"{base}/results":
            return httpx.Response(200, json=_results(self.published))
        if path == f"{base}/selection/adjustments":
            if len(json.loads(request.content)["reason"]) < 3:
                details = [{"field": "reason", "message": "minimal 3 karakter"}]
                invalid = {"code": "validation_error", "message": "Data tidak valid", "details": details}
                return httpx.Response(422, json={"error": invalid})
            return httpx.Response(200, json=_idea("a2", "Posyandu digital", "pelaksana", 82.0, 2, selected=True))
        if path == f"{base}/selection/publish":
            self.published = True
            return httpx.Response(200, json={"published": 4, "selected": 3, "decisions": []})
        if path == f"{base}/exports/recap.xlsx":
            headers = {
                "content-type": "application/vnd.ms-excel",
                "content-disposition": 'attachment; filename="rekap.xlsx"',
            }
            return httpx.Response(200, headers=headers, content=b"PK\x03\x04xlsx")  # fmt: skip
        if path == f"{base}/schedule":
            return httpx.Response(200, json=[{"id": "s1", "day": "2026-08-10", "day_id": "d1"}])
        if path.startswith("/api/v1/ideas/") and path.endswith("/certificates"):
            code = "ABCD-EFGH-JKLM-NPQR"
            return httpx.Response(200, json=[{"code": code, "kind": "selection", "idea_id": path.split("/")[4],
                                              "holder_name": "Tim Capil", "download_path": "x"}])  # fmt: skip
        if path == f"/api/v1/editions/{EDITION}/tickets/summary":
            return httpx.Response(200, json=SUMMARY)
        return httpx.Response(404, json={"error": {"code": "not_found", "message": "Tidak ada"}})


@pytest.fixture
def services() -> FakeServices:
    return FakeServices()


@pytest.fixture
def client(services: FakeServices) -> Iterator[TestClient]:
    backend = Backend(SETTINGS, transport=httpx.MockTransport(services.handle))
    with TestClient(create_app(SETTINGS, backend), follow_redirects=False) as test_client:
        test_client.cookies.set(SESSION_COOKIE, "tok-panitia")
        yield test_client


def _csrf(client: TestClient, path: str = f"/panitia/penetapan?edisi={EDITION}") -> str:
    page = client.get(path)
    assert page.status_code == 200, page.text
    return str(page.text.split('name="csrf_token" value="')[1].split('"')[0])


def test_the_proposal_groups_mark_the_quota_line_and_the_ties() -> None:
    groups = proposal_groups(_results())
    assert [g["group"] for g in groups] == ["pengawas", "pelaksana"]
    pelaksana = groups[1]
    assert [(i["idea_id"], i["tied"], i["below_quota_line"]) for i in pelaksana["ideas"]] == [
        ("a1", True, True),
        ("a2", True, False),
        ("a3", False, False),
    ]
    assert (pelaksana["quota"], groups[0]["quota"]) == (1, None)


def test_the_selection_page_shows_each_group_with_its_quota_ties_and_exceptions(
    client: TestClient, services: FakeServices
) -> None:
    page = client.get(f"/panitia/penetapan?edisi={EDITION}")
    assert page.status_code == 200, page.text
    body = page.text
    assert "Pelaksana · kuota 1" in body
    assert "Pengawas · kuota tanpa batas" in body
    assert '<tr data-idea="a1" class="quota-line">' in body
    exception = body.split('data-idea="a3"')[1].split("</tr>")[0]
    assert "Pengecualian" in exception
    assert "Alasan: Desa percontohan bupati" in exception
    assert body.split('data-idea="a2"')[1].split("</tr>")[0].count(">Seri<") == 1
    assert 'id="quota_pelaksana" name="quota_pelaksana" inputmode="numeric" value="1"' in body
    assert '<option value="criterion:kecepatan">Kriteria kecepatan</option>' in body
    assert f'href="/panitia/penetapan/terbitkan?edisi={EDITION}"' in body
    assert '<a href="/panitia/penetapan" aria-current="page">Seleksi dan penerbitan</a>' in body  # the committee menu
    asked = [r for r in services.requests if r.url.path.endswith("/results")][-1]
    assert asked.headers["authorization"] == "Bearer tok-panitia"


def test_saving_the_rules_sends_quotas_and_tie_breaks_and_a_locked_refusal_shows_judgings_words(
    client: TestClient, services: FakeServices
) -> None:
    token = _csrf(client)
    form = {"csrf_token": token, "edisi": EDITION, "quota_pelaksana": "2", "quota_pengawas": "1",
            "threshold": "60,5", "score_basis": "calibrated", "tie_break_1": "raw_score", "tie_break_2": "submitted_at",
            "tie_break_3": "", "reason": ""}  # fmt: skip
    refused = client.post("/panitia/penetapan/aturan", data=form)
    assert refused.status_code == 200
    assert "Aturan seleksi terkunci; sertakan alasan" in refused.text
    saved = client.post("/panitia/penetapan/aturan", data={**form, "reason": "Kuota ditambah rapat 3 Agustus"})
    assert (saved.status_code, saved.headers["location"]) == (303, f"/panitia/penetapan?edisi={EDITION}&pesan=aturan")
    sent = json.loads([r for r in services.requests if r.method == "PUT"][-1].content)
    assert sent == {"score_basis": "calibrated", "quota_per_group": {"pelaksana": 2, "pengawas": 1}, "threshold": 60.5,
                    "tie_break": ["raw_score", "submitted_at"], "min_sample": 3, "disagreement_sd": 15.0,
                    "reason": "Kuota ditambah rapat 3 Agustus"}  # fmt: skip
    assert "Aturan seleksi tersimpan" in client.get(saved.headers["location"]).text


def test_an_adjustment_needs_its_reason_shown_next_to_its_field(client: TestClient, services: FakeServices) -> None:
    token = _csrf(client)
    form = {"csrf_token": token, "edisi": EDITION, "idea_id": "a2", "selected": "1", "implementing_agency_code": ""}
    refused = client.post("/panitia/penetapan/penyesuaian", data={**form, "reason": ""})
    assert refused.status_code == 200
    row = refused.text.split('data-idea="a2"')[1].split("</tr>")[0]
    assert '<details class="details" open>' in row
    assert '<p class="error-message" id="reason-a2-error">minimal 3 karakter</p>' in row
    assert '<a href="#reason-a2">Alasan penyesuaian: minimal 3 karakter</a>' in refused.text
    done = client.post("/panitia/penetapan/penyesuaian", data={**form, "reason": "Nilai sama, dampak lebih luas"})
    assert done.status_code == 303
    sent = json.loads([r for r in services.requests if r.url.path.endswith("/adjustments")][-1].content)
    assert sent == {"idea_id": "a2", "selected": True, "implementing_agency_code": None,
                    "reason": "Nilai sama, dampak lebih luas"}  # fmt: skip


def test_publishing_says_what_will_happen_and_needs_the_confirmation(
    client: TestClient, services: FakeServices
) -> None:
    page = client.get(f"/panitia/penetapan/terbitkan?edisi={EDITION}")
    assert page.status_code == 200
    assert "<strong>4</strong> gagasan diterbitkan" in page.text
    assert "<strong>3</strong> gagasan terpilih: tiap gagasan mendapat tiket di perangkat daerah" in page.text
    assert "Setiap tim pengusul diberi tahu hasilnya" in page.text
    token = _csrf(client, f"/panitia/penetapan/terbitkan?edisi={EDITION}")
    form = {"csrf_token": token, "edisi": EDITION, "due_date": "2027-06-30"}
    unconfirmed = client.post("/panitia/penetapan/terbitkan", data=form)
    assert unconfirmed.status_code == 200
    assert "Centang pernyataan bahwa Anda memahami akibat penerbitan." in unconfirmed.text
    assert not [r for r in services.requests if r.url.path.endswith("/publish")]
    done = client.post("/panitia/penetapan/terbitkan", data={**form, "confirm": "1"})
    assert (done.status_code, done.headers["location"]) == (303, f"/panitia/penetapan?edisi={EDITION}&pesan=terbit")
    (sent,) = [json.loads(r.content) for r in services.requests if r.url.path.endswith("/publish")]
    assert sent == {"due_date": "2027-06-30"}
    after = client.get(done.headers["location"]).text
    assert "Keputusan sudah diterbitkan" in after
    assert "/panitia/penetapan/terbitkan" not in after
    assert "Sesuaikan" not in after


def test_a_form_without_the_csrf_token_never_reaches_judging(client: TestClient, services: FakeServices) -> None:
    refused = client.post(
        "/panitia/penetapan/terbitkan", data={"edisi": EDITION, "confirm": "1", "due_date": "2027-06-30"}
    )
    assert refused.status_code == 403
    assert not [r for r in services.requests if r.url.path.endswith("/publish")]


def test_a_download_carries_the_token_in_the_header_never_in_the_link(
    client: TestClient, services: FakeServices
) -> None:
    page = client.get(f"/panitia/dokumen?edisi={EDITION}").text
    assert f'href="/panitia/dokumen/unduh/recap.xlsx?edisi={EDITION}"' in page
    assert f'href="/panitia/dokumen/jadwal/d1?edisi={EDITION}"' in page
    assert "tok-panitia" not in page
    got = client.get(f"/panitia/dokumen/unduh/recap.xlsx?edisi={EDITION}")
    assert (got.status_code, got.content) == (200, b"PK\x03\x04xlsx")
    assert got.headers["content-disposition"] == 'attachment; filename="rekap.xlsx"'
    asked = services.requests[-1]
    assert (asked.url.path, asked.headers["authorization"]) == (
        f"/api/v1/editions/{EDITION}/exports/recap.xlsx",
        "Bearer tok-panitia",
    )
    assert "tok-panitia" not in str(asked.url)
    assert client.get(f"/panitia/dokumen/unduh/rahasia.txt?edisi={EDITION}").status_code == 404


def test_the_certificates_and_their_public_check_are_listed_once_published(
    client: TestClient, services: FakeServices
) -> None:
    services.published = True
    page = client.get(f"/panitia/dokumen?edisi={EDITION}").text
    assert 'href="/panitia/dokumen/piagam/a1/ABCD-EFGH-JKLM-NPQR"' in page
    assert 'href="/judging/api/v1/public/certificates/ABCD-EFGH-JKLM-NPQR"' in page
    assert f'href="/panitia/dokumen/unduh/lampiran-keputusan.pdf?edisi={EDITION}"' in page


def test_the_implementation_page_charts_tickets_per_agency_and_progress_by_month(client: TestClient) -> None:
    client.cookies.set(LANGUAGE_COOKIE, "en")
    page = client.get(f"/panitia/implementasi?edisi={EDITION}")
    assert page.status_code == 200, page.text
    charts = [
        json.loads(c.replace("&#34;", '"')) for c in page.text.split('data-chart="')[1:] for c in [c.split('"')[0]]
    ]
    agencies, progress = charts
    assert agencies["labels"] == ["DINKES", "DISDUKCAPIL"]
    assert agencies["stacked"] is True
    assert [(s["label"], s["values"]) for s in agencies["series"] if any(s["values"])] == [
        ("New", [1, 1]),
        ("Implemented", [0, 1]),
    ]
    assert (progress["type"], progress["labels"], progress["max"]) == ("line", ["2026-11"], 100)
    assert [s["values"] for s in progress["series"]] == [[46.7], [33.3]]
    assert '<tr data-agency="DISDUKCAPIL"><td>DISDUKCAPIL</td><td>1</td>' in page.text


@pytest.mark.parametrize(
    "path", ["/panitia/penetapan", "/panitia/penetapan/terbitkan", "/panitia/dokumen", "/panitia/implementasi"]
)
def test_only_the_committee_sees_the_selection_pages(client: TestClient, path: str) -> None:
    client.cookies.set(SESSION_COOKIE, "tok-judge")
    assert client.get(path).status_code == 403
