"""The ticket workflow over HTTP: allowed moves, reasons, who may do what, and what each change emits."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.testclient import TestClient

from services.implementation.tests.helpers import notifications, open_ticket, outbox
from shared.auth import Role


def move(client: TestClient, headers: dict[str, str], ticket_id: uuid.UUID, to: str, reason: str | None = None) -> Any:
    return client.post(f"/api/v1/tickets/{ticket_id}/transitions", headers=headers, json={"to": to, "reason": reason})


def test_happy_path_to_implemented(implementation_runtime: Any, client: TestClient, tokens: Any) -> None:
    ticket_id, _ = open_ticket(implementation_runtime.session_factory)
    officer = tokens(Role.AGENCY, agency="DISDUKCAPIL")
    statuses = []
    for to in ("accepted", "in_progress", "piloting", "implemented"):
        response = move(client, officer, ticket_id, to)
        assert response.status_code == 200, response.text
        statuses.append(response.json()["status"])
    assert statuses == ["accepted", "in_progress", "piloting", "implemented"]
    final = client.get(f"/api/v1/tickets/{ticket_id}", headers=officer).json()
    assert (final["percent_complete"], final["allowed_transitions"]) == (100, [])
    assert final["closed_at"] is not None


def test_status_change_emits_event_and_notifies_proposer(
    implementation_runtime: Any, client: TestClient, tokens: Any
) -> None:
    ticket_id, event = open_ticket(implementation_runtime.session_factory)
    assert move(client, tokens(Role.AGENCY, agency="DISDUKCAPIL"), ticket_id, "accepted").status_code == 200
    with implementation_runtime.session_factory() as session:
        changed = outbox(session, "ticket.status_changed.v1")
        jobs = [n for n in notifications(session) if n["template"] == "ticket_status_changed"]
    assert [(c["payload"]["old_status"], c["payload"]["new_status"]) for c in changed] == [("new", "accepted")]
    proposer_jobs = [j for j in jobs if j["recipient"]["user_id"] == str(event.payload.proposer.user_id)]  # type: ignore[attr-defined]
    assert [j["channels"] for j in proposer_jobs] == [["email", "in_app"]]
    assert len(jobs) == 2  # the proposer and the committee


def test_skipping_a_step_is_refused_naming_allowed(
    implementation_runtime: Any, client: TestClient, tokens: Any
) -> None:
    ticket_id, _ = open_ticket(implementation_runtime.session_factory)
    response = move(client, tokens(Role.AGENCY, agency="DISDUKCAPIL"), ticket_id, "implemented")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "invalid_transition"
    # The agency is offered only what it may do: cancelling is the committee's.
    assert error["details"] == {"from": "new", "to": "implemented", "allowed": ["accepted", "blocked"]}
    assert error["message"].endswith("Yang diizinkan: accepted, blocked")


def test_unknown_status_is_refused_naming_allowed(implementation_runtime: Any, client: TestClient, tokens: Any) -> None:
    ticket_id, _ = open_ticket(implementation_runtime.session_factory)
    response = move(client, tokens(Role.AGENCY, agency="DISDUKCAPIL"), ticket_id, "done")
    assert (response.status_code, response.json()["error"]["details"]["allowed"]) == (409, ["accepted", "blocked"])


def test_blocked_requires_reason(implementation_runtime: Any, client: TestClient, tokens: Any) -> None:
    ticket_id, _ = open_ticket(implementation_runtime.session_factory)
    response = move(client, tokens(Role.AGENCY, agency="DISDUKCAPIL"), ticket_id, "blocked", "   ")
    assert (response.status_code, response.json()["error"]["code"]) == (422, "reason_required")


def test_blocked_ticket_resumes_where_it_was(implementation_runtime: Any, client: TestClient, tokens: Any) -> None:
    ticket_id, _ = open_ticket(implementation_runtime.session_factory)
    officer = tokens(Role.AGENCY, agency="DISDUKCAPIL")
    move(client, officer, ticket_id, "accepted")
    move(client, officer, ticket_id, "in_progress")
    blocked = move(client, officer, ticket_id, "blocked", "Anggaran belum turun")
    assert (blocked.json()["status"], blocked.json()["status_reason"]) == ("blocked", "Anggaran belum turun")
    assert blocked.json()["allowed_transitions"] == ["in_progress"]
    assert move(client, officer, ticket_id, "piloting").status_code == 409
    assert move(client, officer, ticket_id, "in_progress").json()["status"] == "in_progress"


def test_agency_cannot_cancel(implementation_runtime: Any, client: TestClient, tokens: Any) -> None:
    ticket_id, _ = open_ticket(implementation_runtime.session_factory)
    response = move(client, tokens(Role.AGENCY, agency="DISDUKCAPIL"), ticket_id, "cancelled", "Tidak jadi")
    assert response.status_code == 403


def test_committee_cancels_with_reason_only(implementation_runtime: Any, client: TestClient, tokens: Any) -> None:
    ticket_id, _ = open_ticket(implementation_runtime.session_factory)
    committee = tokens(Role.COMMITTEE)
    assert move(client, committee, ticket_id, "cancelled").json()["error"]["code"] == "reason_required"
    response = move(client, committee, ticket_id, "cancelled", "Duplikat program yang sudah berjalan")
    assert (response.status_code, response.json()["status"]) == (200, "cancelled")
    assert move(client, committee, ticket_id, "cancelled", "lagi").json()["error"]["details"]["allowed"] == []


def test_committee_cannot_accept_for_the_agency(implementation_runtime: Any, client: TestClient, tokens: Any) -> None:
    ticket_id, _ = open_ticket(implementation_runtime.session_factory)
    assert move(client, tokens(Role.COMMITTEE), ticket_id, "accepted").status_code == 403


def test_other_agency_cannot_move_ticket(implementation_runtime: Any, client: TestClient, tokens: Any) -> None:
    ticket_id, _ = open_ticket(implementation_runtime.session_factory)
    response = move(client, tokens(Role.AGENCY, agency="DINKES"), ticket_id, "accepted")
    assert response.status_code == 404


def test_allowed_transitions_are_the_callers_own(implementation_runtime: Any, client: TestClient, tokens: Any) -> None:
    ticket_id, event = open_ticket(implementation_runtime.session_factory)
    proposer_id = event.payload.proposer.user_id  # type: ignore[attr-defined]

    def offered(headers: dict[str, str]) -> tuple[list[str], list[list[str]]]:
        one = client.get(f"/api/v1/tickets/{ticket_id}", headers=headers).json()["allowed_transitions"]
        listed = client.get("/api/v1/tickets", headers=headers).json()["items"]
        return one, [t["allowed_transitions"] for t in listed]

    officer = tokens(Role.AGENCY, agency="DISDUKCAPIL")
    assert offered(officer) == (["accepted", "blocked"], [["accepted", "blocked"]])
    assert offered(tokens(Role.COMMITTEE)) == (["cancelled"], [["cancelled"]])
    assert offered(tokens(Role.ADMIN)) == (["accepted", "blocked", "cancelled"], [["accepted", "blocked", "cancelled"]])
    assert offered(tokens(Role.PARTICIPANT, user_id=proposer_id)) == ([], [[]])
    # The answer to a move is read for the mover too.
    accepted = move(client, officer, ticket_id, "accepted").json()
    assert accepted["allowed_transitions"] == ["in_progress", "blocked"]
    blocked = move(client, officer, ticket_id, "blocked", "Menunggu anggaran").json()
    assert blocked["allowed_transitions"] == ["accepted"]
    assert offered(tokens(Role.COMMITTEE))[0] == ["cancelled"]
    # What the committee is offered it can do.
    assert move(client, tokens(Role.COMMITTEE), ticket_id, "cancelled", "Program digabung").status_code == 200
