"""What an agency records on its ticket: person in charge, partners, milestones, progress, impact; reassignment."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from services.implementation.tests.helpers import notifications, open_ticket
from shared.auth import Role


def test_agency_sets_person_in_charge_partners_and_percent(
    implementation_runtime: Any, client: TestClient, tokens: Any
) -> None:
    ticket_id, _ = open_ticket(implementation_runtime.session_factory)
    body = {
        "person_in_charge": "Budi Santoso",
        "person_in_charge_contact": "budi@disdukcapil.example",
        "partners": [{"name": "Universitas Brawijaya", "kind": "university"}],
        "percent_complete": 20,
    }
    response = client.patch(
        f"/api/v1/tickets/{ticket_id}", headers=tokens(Role.AGENCY, agency="DISDUKCAPIL"), json=body
    )
    assert response.status_code == 200, response.text
    data = response.json()
    assert (data["person_in_charge"], data["partners"], data["percent_complete"]) == (
        "Budi Santoso",
        [{"name": "Universitas Brawijaya", "kind": "university"}],
        20,
    )


def test_percent_out_of_range_is_422(implementation_runtime: Any, client: TestClient, tokens: Any) -> None:
    ticket_id, _ = open_ticket(implementation_runtime.session_factory)
    response = client.patch(
        f"/api/v1/tickets/{ticket_id}",
        headers=tokens(Role.AGENCY, agency="DISDUKCAPIL"),
        json={"percent_complete": 101},
    )
    assert (response.status_code, response.json()["error"]["code"]) == (422, "validation_error")


def test_only_committee_marks_proposer_public(implementation_runtime: Any, client: TestClient, tokens: Any) -> None:
    ticket_id, _ = open_ticket(implementation_runtime.session_factory)
    url = f"/api/v1/tickets/{ticket_id}"
    agency = client.patch(url, headers=tokens(Role.AGENCY, agency="DISDUKCAPIL"), json={"proposer_public": True})
    assert agency.status_code == 403
    committee = client.patch(url, headers=tokens(Role.COMMITTEE), json={"proposer_public": True})
    assert (committee.status_code, committee.json()["proposer_public"]) == (200, True)


def test_milestones_added_and_done_notify_proposer(
    implementation_runtime: Any, client: TestClient, tokens: Any
) -> None:
    ticket_id, event = open_ticket(implementation_runtime.session_factory)
    officer = tokens(Role.AGENCY, agency="DISDUKCAPIL")
    created = client.post(
        f"/api/v1/tickets/{ticket_id}/milestones",
        headers=officer,
        json={"title": "Jadwal keliling disepakati desa", "due_date": "2027-01-31"},
    )
    assert created.status_code == 201, created.text
    milestone_id = created.json()["id"]
    done = client.patch(f"/api/v1/tickets/{ticket_id}/milestones/{milestone_id}", headers=officer, json={"done": True})
    assert (done.json()["done"], done.json()["done_at"] is not None) == (True, True)
    detail = client.get(f"/api/v1/tickets/{ticket_id}", headers=officer).json()
    assert [(m["title"], m["done"]) for m in detail["milestones"]] == [("Jadwal keliling disepakati desa", True)]
    with implementation_runtime.session_factory() as session:
        jobs = [n for n in notifications(session) if n["template"] == "milestone_changed"]
    assert [(j["recipient"]["user_id"], j["context"]["done"]) for j in jobs] == [
        (str(event.payload.proposer.user_id), False),  # type: ignore[attr-defined]
        (str(event.payload.proposer.user_id), True),  # type: ignore[attr-defined]
    ]


def test_progress_update_with_evidence_sets_percent(
    implementation_runtime: Any, client: TestClient, tokens: Any
) -> None:
    ticket_id, _ = open_ticket(implementation_runtime.session_factory)
    officer = tokens(Role.AGENCY, agency="DISDUKCAPIL", name="Budi Santoso")
    response = client.post(
        f"/api/v1/tickets/{ticket_id}/updates",
        headers=officer,
        json={
            "body": "Uji coba di Desa Wonocoyo: 42 warga terlayani.",
            "evidence_links": ["https://drive.example.go.id/foto-wonocoyo"],
            "percent_complete": 35,
        },
    )
    assert response.status_code == 201, response.text
    assert response.json()["evidence_links"] == ["https://drive.example.go.id/foto-wonocoyo"]
    detail = client.get(f"/api/v1/tickets/{ticket_id}", headers=officer).json()
    assert (detail["percent_complete"], [u["author_name"] for u in detail["updates"]]) == (35, ["Budi Santoso"])


def test_bad_evidence_link_is_422(implementation_runtime: Any, client: TestClient, tokens: Any) -> None:
    ticket_id, _ = open_ticket(implementation_runtime.session_factory)
    response = client.post(
        f"/api/v1/tickets/{ticket_id}/updates",
        headers=tokens(Role.AGENCY, agency="DISDUKCAPIL"),
        json={"body": "Bukti", "evidence_links": ["javascript:alert(1)"]},
    )
    assert response.status_code == 422


def test_impact_compared_with_promise(implementation_runtime: Any, client: TestClient, tokens: Any) -> None:
    ticket_id, _ = open_ticket(implementation_runtime.session_factory)  # promised 90 min and Rp 25,000,000 a year
    response = client.put(
        f"/api/v1/tickets/{ticket_id}/impact",
        headers=tokens(Role.AGENCY, agency="DISDUKCAPIL"),
        json={
            "baseline_minutes_per_case": 180,
            "measured_minutes_per_case": 60,
            "baseline_cost_per_year_rp": 60_000_000,
            "measured_cost_per_year_rp": 45_000_000,
            "note": "Diukur Maret 2027",
        },
    )
    assert response.status_code == 200, response.text
    impact = response.json()["impact"]
    assert (
        impact["measured_minutes_saved_per_case"],
        impact["time_promise_met"],
        impact["measured_cost_saved_per_year_rp"],
        impact["cost_promise_met"],
    ) == (120, True, 15_000_000, False)


def test_agency_work_refused_on_closed_ticket(implementation_runtime: Any, client: TestClient, tokens: Any) -> None:
    ticket_id, _ = open_ticket(implementation_runtime.session_factory)
    client.post(
        f"/api/v1/tickets/{ticket_id}/transitions",
        headers=tokens(Role.COMMITTEE),
        json={"to": "cancelled", "reason": "x"},
    )
    response = client.post(
        f"/api/v1/tickets/{ticket_id}/milestones",
        headers=tokens(Role.AGENCY, agency="DISDUKCAPIL"),
        json={"title": "Tahap 1", "due_date": "2027-01-31"},
    )
    assert (response.status_code, response.json()["error"]["code"]) == (409, "ticket_closed")


def test_committee_reassigns_and_both_agencies_are_told(
    implementation_runtime: Any, client: TestClient, tokens: Any
) -> None:
    ticket_id, _ = open_ticket(implementation_runtime.session_factory)
    response = client.post(
        f"/api/v1/tickets/{ticket_id}/reassign",
        headers=tokens(Role.COMMITTEE),
        json={"agency_code": "DISKOMINFO", "reason": "Butuh aplikasi penjadwalan"},
    )
    assert (response.status_code, response.json()["agency_code"]) == (200, "DISKOMINFO")
    with implementation_runtime.session_factory() as session:
        jobs = [n for n in notifications(session) if n["template"] == "ticket_reassigned"]
    assert sorted(j["recipient"]["email"] for j in jobs if j["channels"] == ["email"]) == [
        "disdukcapil@trenggalekkab.go.id",
        "diskominfo@trenggalekkab.go.id",
    ]
    old = client.get(f"/api/v1/tickets/{ticket_id}", headers=tokens(Role.AGENCY, agency="DISDUKCAPIL"))
    new = client.get(f"/api/v1/tickets/{ticket_id}", headers=tokens(Role.AGENCY, agency="DISKOMINFO"))
    assert (old.status_code, new.status_code) == (404, 200)


def test_agency_cannot_reassign(implementation_runtime: Any, client: TestClient, tokens: Any) -> None:
    ticket_id, _ = open_ticket(implementation_runtime.session_factory)
    response = client.post(
        f"/api/v1/tickets/{ticket_id}/reassign",
        headers=tokens(Role.AGENCY, agency="DISDUKCAPIL"),
        json={"agency_code": "DISKOMINFO", "reason": "Pindah"},
    )
    assert response.status_code == 403


def test_reassign_to_unknown_agency_is_422(implementation_runtime: Any, client: TestClient, tokens: Any) -> None:
    ticket_id, _ = open_ticket(implementation_runtime.session_factory)
    response = client.post(
        f"/api/v1/tickets/{ticket_id}/reassign",
        headers=tokens(Role.COMMITTEE),
        json={"agency_code": "NOPE", "reason": "Pindah"},
    )
    assert (response.status_code, response.json()["error"]["code"]) == (422, "unknown_agency")
