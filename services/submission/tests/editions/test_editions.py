"""Editions over HTTP: committee only, WIB times, timeline order, form questions, phases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from services.submission.editions.service import phase
from services.submission.tests.factories import make_edition
from shared.auth import Role

BODY: dict[str, Any] = {
    "code": "ATA-2027",
    "name": "ASN Talent Academy 2027",
    "year": 2027,
    "submission_opens_at": "2027-03-01T08:00:00",
    "submission_closes_at": "2027-03-31T23:59:00",
}


def test_create_edition_reads_naive_times_as_wib(client: TestClient, tokens: Any) -> None:
    response = client.post("/api/v1/editions", headers=tokens(Role.COMMITTEE), json=BODY)
    assert response.status_code == 201
    body = response.json()
    assert datetime.fromisoformat(body["submission_opens_at"]) == datetime(2027, 3, 1, 1, 0, tzinfo=UTC)
    assert body["timeline_wib"]["submission_closes"] == "31-03-2027 23:59 WIB"
    assert body["position_groups"] == ["pengawas", "fungsional_penyetaraan", "fungsional_ahli", "pelaksana"]
    assert client.get("/api/v1/editions/ATA-2027").json()["code"] == "ATA-2027"


def test_create_edition_committee_only_and_unique(client: TestClient, tokens: Any) -> None:
    assert client.post("/api/v1/editions", headers=tokens(Role.PARTICIPANT), json=BODY).status_code == 403
    assert client.post("/api/v1/editions", headers=tokens(Role.JUDGE), json=BODY).status_code == 403
    assert client.post("/api/v1/editions", headers=tokens(Role.COMMITTEE), json=BODY).status_code == 201
    again = client.post("/api/v1/editions", headers=tokens(Role.COMMITTEE), json=BODY)
    assert (again.status_code, again.json()["error"]["code"]) == (409, "edition_exists")


def test_timeline_out_of_order_reports_every_problem_in_the_callers_language(client: TestClient, tokens: Any) -> None:
    body = BODY | {
        "submission_opens_at": "2027-04-01T08:00:00",
        "auditions_start_at": "2027-03-15T08:00:00",
        "auditions_end_at": "2027-03-10T08:00:00",
    }
    response = client.post("/api/v1/editions", headers=tokens(Role.COMMITTEE), json=body)
    assert response.status_code == 422
    assert [p["rule"] for p in response.json()["error"]["details"]] == [
        "Pengajuan dibuka sebelum ditutup",
        "Audisi dimulai sesudah pengajuan ditutup",
        "Audisi dimulai sebelum berakhir",
        "submission_opens_at tidak boleh sesudah auditions_start_at",
    ]
    english = client.post("/api/v1/editions", headers={**tokens(Role.COMMITTEE), "Accept-Language": "en"}, json=body)
    assert [p["rule"] for p in english.json()["error"]["details"]] == [
        "submission opens before it closes",
        "auditions start after submission closes",
        "auditions start before they end",
        "submission_opens_at comes no later than auditions_start_at",
    ]


def test_extra_questions_validated(client: TestClient, tokens: Any) -> None:
    choice_without_choices = [{"key": "uji", "label": "Uji coba?", "kind": "choice"}]
    duplicate = [{"key": "a", "label": "Satu", "kind": "text"}, {"key": "a", "label": "Dua", "kind": "number"}]
    for questions in (choice_without_choices, duplicate):
        response = client.post(
            "/api/v1/editions", headers=tokens(Role.COMMITTEE), json=BODY | {"extra_questions": questions}
        )
        assert response.status_code == 422


def test_update_edition_limit_groups_and_form(client: TestClient, tokens: Any) -> None:
    client.post("/api/v1/editions", headers=tokens(Role.COMMITTEE), json=BODY)
    response = client.patch(
        "/api/v1/editions/ATA-2027",
        headers=tokens(Role.COMMITTEE),
        json={
            "max_ideas_per_participant": 1,
            "position_groups": ["pengawas"],
            "grace_period_minutes": 30,
            "extra_questions": [{"key": "mitra", "label": "Mitra utama", "kind": "text", "required": True}],
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["max_ideas_per_participant"], body["position_groups"], body["grace_period_minutes"]) == (
        1,
        ["pengawas"],
        30,
    )
    assert body["extra_questions"][0]["key"] == "mitra"
    assert client.patch("/api/v1/editions/ATA-2027", headers=tokens(Role.PARTICIPANT), json={}).status_code == 403


def test_update_edition_null_clears_an_optional_time_and_refuses_a_required_one(
    client: TestClient, tokens: Any
) -> None:
    committee = tokens(Role.COMMITTEE)
    planned = {"screening_opens_at": "2027-04-01T08:00:00", "screening_closes_at": "2027-04-20T16:00:00"}
    client.post("/api/v1/editions", headers=committee, json=BODY | planned | {"decisions_at": "2027-06-01T10:00:00"})
    cleared = client.patch("/api/v1/editions/ATA-2027", headers=committee, json={"decisions_at": None})
    assert cleared.status_code == 200
    body = cleared.json()
    assert (body["decisions_at"], body["screening_closes_at"] is not None) == (None, True)
    assert client.get("/api/v1/editions/ATA-2027").json()["decisions_at"] is None
    refused = client.patch(
        "/api/v1/editions/ATA-2027",
        headers={**committee, "Accept-Language": "id"},
        json={"submission_closes_at": None, "name": None},
    )
    assert (refused.status_code, refused.json()["error"]["code"]) == (422, "validation_error")
    assert {(d["field"], d["message"]) for d in refused.json()["error"]["details"]} == {
        ("submission_closes_at", "wajib diisi"),
        ("name", "wajib diisi"),
    }
    assert client.get("/api/v1/editions/ATA-2027").json()["name"] == BODY["name"]


def test_update_edition_clearing_a_time_cannot_let_the_others_swap(client: TestClient, tokens: Any) -> None:
    committee = tokens(Role.COMMITTEE)
    planned = {
        "screening_opens_at": "2027-04-01T08:00:00",
        "screening_closes_at": "2027-04-20T16:00:00",
        "auditions_start_at": "2027-05-01T08:00:00",
    }
    client.post("/api/v1/editions", headers=committee, json=BODY | planned)
    swapped = client.patch(
        "/api/v1/editions/ATA-2027",
        headers=committee,
        json={"screening_closes_at": None, "screening_opens_at": "2027-05-10T08:00:00"},
    )
    assert (swapped.status_code, swapped.json()["error"]["code"]) == (422, "invalid_timeline")
    assert swapped.json()["error"]["details"] == [
        {
            "fields": ["screening_opens_at", "auditions_start_at"],
            "rule": "screening_opens_at tidak boleh sesudah auditions_start_at",
        }
    ]
    kept = client.get("/api/v1/editions/ATA-2027").json()
    assert kept["screening_closes_at"] is not None


def test_phase_follows_the_timeline(db_session: Session) -> None:
    start = datetime(2027, 3, 1, 1, 0, tzinfo=UTC)
    edition = make_edition(
        db_session,
        submission_opens_at=start,
        submission_closes_at=start + timedelta(days=30),
        grace_period_minutes=60,
        auditions_start_at=start + timedelta(days=40),
        auditions_end_at=start + timedelta(days=42),
        decisions_at=start + timedelta(days=45),
    )
    assert phase(edition, start - timedelta(seconds=1)) == "before_submission"
    assert phase(edition, start + timedelta(days=1)) == "submission_open"
    assert phase(edition, start + timedelta(days=30, minutes=30)) == "grace_period"
    assert phase(edition, start + timedelta(days=31)) == "screening"
    assert phase(edition, start + timedelta(days=41)) == "auditions"
    assert phase(edition, start + timedelta(days=43)) == "deliberation"
    assert phase(edition, start + timedelta(days=46)) == "decided"


def test_summary_counts_ideas_by_group_and_status(client: TestClient, tokens: Any, submission_runtime: Any) -> None:
    from services.submission.tests.factories import make_idea, make_participant
    from shared.events import PositionGroup

    with submission_runtime.session_factory() as session:
        make_edition(session)
        _, a = make_participant(session, position_group=PositionGroup.PENGAWAS)
        _, b = make_participant(session, position_group=PositionGroup.PELAKSANA)
        make_idea(session, a, submit=True)
        make_idea(session, a, title="Gagasan kedua")
        make_idea(session, b, submit=True)
    assert client.get("/api/v1/editions/ATA-2026/summary", headers=tokens(Role.JUDGE)).status_code == 403
    summary = client.get("/api/v1/editions/ATA-2026/summary", headers=tokens(Role.COMMITTEE)).json()
    assert summary["participants_with_ideas"] == 2
    assert summary["ideas_by_status"] == {"draft": 1, "submitted": 2}
    assert summary["ideas_by_group_and_status"] == {
        "pengawas": {"draft": 1, "submitted": 1},
        "fungsional_penyetaraan": {},
        "fungsional_ahli": {},
        "pelaksana": {"submitted": 1},
    }
    assert summary["phase"] == "submission_open"
