"""Who sees which tickets: an agency only its own, the committee all, a proposer their idea's."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from services.implementation.tests.helpers import open_ticket
from shared.auth import Role


def test_agency_lists_only_its_own_tickets(implementation_runtime: Any, client: TestClient, tokens: Any) -> None:
    own, _ = open_ticket(implementation_runtime.session_factory, agency="DISDUKCAPIL")
    open_ticket(implementation_runtime.session_factory, agency="DINKES")
    response = client.get("/api/v1/tickets", headers=tokens(Role.AGENCY, agency="DISDUKCAPIL"))
    assert response.status_code == 200
    assert [t["id"] for t in response.json()["items"]] == [str(own)]


def test_agency_cannot_read_another_agencys_ticket(
    implementation_runtime: Any, client: TestClient, tokens: Any
) -> None:
    other, _ = open_ticket(implementation_runtime.session_factory, agency="DINKES")
    response = client.get(f"/api/v1/tickets/{other}", headers=tokens(Role.AGENCY, agency="DISDUKCAPIL"))
    assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")


def test_agency_cannot_filter_its_way_into_another_agency(
    implementation_runtime: Any, client: TestClient, tokens: Any
) -> None:
    open_ticket(implementation_runtime.session_factory, agency="DINKES")
    response = client.get(
        "/api/v1/tickets", headers=tokens(Role.AGENCY, agency="DISDUKCAPIL"), params={"agency_code": "DINKES"}
    )
    assert response.json()["items"] == []


def test_committee_lists_all_with_filters(implementation_runtime: Any, client: TestClient, tokens: Any) -> None:
    a, _ = open_ticket(implementation_runtime.session_factory, agency="DISDUKCAPIL")
    b, event = open_ticket(implementation_runtime.session_factory, agency="DINKES")
    committee = tokens(Role.COMMITTEE)
    all_ids = {t["id"] for t in client.get("/api/v1/tickets", headers=committee).json()["items"]}
    assert all_ids == {str(a), str(b)}
    by_agency = client.get("/api/v1/tickets", headers=committee, params={"agency_code": "DINKES"}).json()
    assert [t["id"] for t in by_agency["items"]] == [str(b)]
    by_idea = client.get("/api/v1/tickets", headers=committee, params={"idea_id": str(event.payload.idea_id)}).json()  # type: ignore[attr-defined]
    assert [t["id"] for t in by_idea["items"]] == [str(b)]
    by_status = client.get("/api/v1/tickets", headers=committee, params={"status": "accepted"}).json()
    assert by_status["items"] == []


def test_pagination_walks_every_ticket_once(implementation_runtime: Any, client: TestClient, tokens: Any) -> None:
    created = {str(open_ticket(implementation_runtime.session_factory)[0]) for _ in range(5)}
    officer = tokens(Role.AGENCY, agency="DISDUKCAPIL")
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = client.get("/api/v1/tickets", headers=officer, params=params).json()
        seen += [t["id"] for t in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert (sorted(seen), pages) == (sorted(created), 3)


def test_invalid_cursor_is_422(implementation_runtime: Any, client: TestClient, tokens: Any) -> None:
    response = client.get("/api/v1/tickets", headers=tokens(Role.COMMITTEE), params={"cursor": "not-a-cursor"})
    assert (response.status_code, response.json()["error"]["code"]) == (422, "invalid_cursor")


def test_judge_cannot_list_tickets(implementation_runtime: Any, client: TestClient, tokens: Any) -> None:
    assert client.get("/api/v1/tickets", headers=tokens(Role.JUDGE, agency="DINKES")).status_code == 403


def test_proposer_sees_own_ticket(implementation_runtime: Any, client: TestClient, tokens: Any) -> None:
    ticket_id, event = open_ticket(implementation_runtime.session_factory)
    proposer = tokens(Role.PARTICIPANT, user_id=event.payload.proposer.user_id)  # type: ignore[attr-defined]
    assert client.get(f"/api/v1/tickets/{ticket_id}", headers=proposer).status_code == 200
    stranger = tokens(Role.PARTICIPANT)
    assert client.get(f"/api/v1/tickets/{ticket_id}", headers=stranger).status_code == 404


def test_unauthenticated_is_401(implementation_runtime: Any, client: TestClient) -> None:
    assert client.get("/api/v1/tickets").status_code == 401
