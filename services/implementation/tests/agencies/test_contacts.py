"""Agency contacts: seeded from the regency catalogue, edited by the committee, used for ticket mail."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from services.implementation.agencies.service import seed_contacts
from services.implementation.tests.helpers import notifications, open_ticket
from shared.agencies import AGENCIES
from shared.auth import Role


def test_seed_is_idempotent_and_keeps_edits(implementation_runtime: Any, client: TestClient, tokens: Any) -> None:
    with implementation_runtime.session_factory() as session:
        assert seed_contacts(session) == len(AGENCIES)
    client.patch(
        "/api/v1/agencies/DISDUKCAPIL", headers=tokens(Role.COMMITTEE), json={"email": "tiket@dukcapil.example"}
    )
    with implementation_runtime.session_factory() as session:
        assert seed_contacts(session) == 0
    listed = {a["code"]: a["email"] for a in client.get("/api/v1/agencies", headers=tokens(Role.COMMITTEE)).json()}
    assert listed["DISDUKCAPIL"] == "tiket@dukcapil.example"


def test_ticket_mail_goes_to_edited_contact(implementation_runtime: Any, client: TestClient, tokens: Any) -> None:
    response = client.patch(
        "/api/v1/agencies/DISDUKCAPIL", headers=tokens(Role.COMMITTEE), json={"email": "tiket@dukcapil.example"}
    )
    assert response.status_code == 200, response.text
    ticket_id, _ = open_ticket(implementation_runtime.session_factory)
    with implementation_runtime.session_factory() as session:
        jobs = {n["idempotency_key"]: n for n in notifications(session)}
    assert jobs[f"ticket.created:{ticket_id}:agency"]["recipient"]["email"] == "tiket@dukcapil.example"


def test_agency_cannot_edit_contacts(implementation_runtime: Any, client: TestClient, tokens: Any) -> None:
    response = client.patch(
        "/api/v1/agencies/DISDUKCAPIL", headers=tokens(Role.AGENCY, agency="DISDUKCAPIL"), json={"email": "x@y.example"}
    )
    assert response.status_code == 403


def test_unknown_agency_is_404_and_bad_email_422(implementation_runtime: Any, client: TestClient, tokens: Any) -> None:
    committee = tokens(Role.COMMITTEE)
    assert client.patch("/api/v1/agencies/NOPE", headers=committee, json={"email": "a@b.example"}).status_code == 404
    assert client.patch("/api/v1/agencies/DINKES", headers=committee, json={"email": "not-an-email"}).status_code == 422
