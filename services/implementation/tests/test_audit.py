"""The append-only audit log of the implementation service: every ticket change by a person (and what events do
to tickets) recorded with who, when and from where, in the change's transaction; admins read and export it."""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from services.implementation.db import audit_log
from services.implementation.tests.factories import withdrawn
from services.implementation.tests.helpers import consume, open_ticket
from services.implementation.webhooks.delivery import claim_due, deliver
from services.implementation.webhooks.signing import new_secret
from shared.auth import Role
from shared.db import unit_of_work, utcnow


def _entries(runtime: Any, action: str | None = None) -> list[dict[str, Any]]:
    query = select(audit_log).order_by(audit_log.c.id)
    if action:
        query = query.where(audit_log.c.action == action)
    with runtime.engine.connect() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


def _officer(tokens: Any, user_id: uuid.UUID | None = None, agency: str = "DISDUKCAPIL") -> dict[str, str]:
    headers: dict[str, str] = tokens(Role.AGENCY, agency=agency, user_id=user_id or uuid.uuid4(), name="Pak Operator")
    return headers | {
        "User-Agent": "simpel-dukcapil/2.1",
        "X-Correlation-ID": "corr-ticket-1",
    }


def test_transition_recorded_with_who_when_and_from_where(
    implementation_runtime: Any, client: TestClient, tokens: Any
) -> None:
    ticket_id, _ = open_ticket(implementation_runtime.session_factory)
    officer_id = uuid.uuid4()
    headers = _officer(tokens, officer_id)
    assert client.post(f"/api/v1/tickets/{ticket_id}/transitions", headers=headers, json={"to": "accepted"}).is_success
    response = client.post(
        f"/api/v1/tickets/{ticket_id}/transitions", headers=headers, json={"to": "blocked", "reason": "Anggaran"}
    )
    assert response.status_code == 200, response.text
    accepted, blocked = _entries(implementation_runtime, "ticket.status_changed")
    assert (blocked["actor_id"], blocked["actor_role"], blocked["actor_name"]) == (officer_id, "agency", "Pak Operator")
    assert (blocked["object_type"], blocked["object_id"]) == ("ticket", str(ticket_id))
    assert blocked["details"] == {
        "agency_code": "DISDUKCAPIL",
        "old_status": "accepted",
        "new_status": "blocked",
        "reason": "Anggaran",
    }
    assert accepted["details"] == {
        "agency_code": "DISDUKCAPIL",
        "old_status": "new",
        "new_status": "accepted",
        "reason": None,
    }
    assert (blocked["client_ip"], blocked["user_agent"], blocked["correlation_id"]) == (
        "testclient",
        "simpel-dukcapil/2.1",
        "corr-ticket-1",
    )
    assert blocked["at"] >= accepted["at"]


def test_refused_transition_leaves_no_entry(implementation_runtime: Any, client: TestClient, tokens: Any) -> None:
    ticket_id, _ = open_ticket(implementation_runtime.session_factory)
    url = f"/api/v1/tickets/{ticket_id}/transitions"
    assert client.post(url, headers=_officer(tokens), json={"to": "implemented"}).status_code == 409
    assert client.post(url, headers=_officer(tokens), json={"to": "blocked", "reason": " "}).status_code == 422
    assert client.post(url, headers=_officer(tokens, agency="DINKES"), json={"to": "accepted"}).status_code == 404
    assert _entries(implementation_runtime, "ticket.status_changed") == []


def test_reassignment_recorded_with_both_agencies_and_reason(
    implementation_runtime: Any, client: TestClient, tokens: Any
) -> None:
    ticket_id, _ = open_ticket(implementation_runtime.session_factory)
    committee_id = uuid.uuid4()
    headers = tokens(Role.COMMITTEE, user_id=committee_id, name="Bu Panitia") | {"User-Agent": "laptop-panitia"}
    response = client.post(
        f"/api/v1/tickets/{ticket_id}/reassign",
        headers=headers,
        json={"agency_code": "KEC-PANGGUL", "reason": "Layanan ada di kecamatan"},
    )
    assert response.status_code == 200, response.text
    [entry] = _entries(implementation_runtime, "ticket.reassigned")
    assert (entry["actor_id"], entry["actor_role"], entry["actor_name"]) == (committee_id, "committee", "Bu Panitia")
    assert (entry["object_id"], entry["client_ip"], entry["user_agent"]) == (
        str(ticket_id),
        "testclient",
        "laptop-panitia",
    )
    assert entry["details"] == {
        "agency_code": "KEC-PANGGUL",
        "from_agency_code": "DISDUKCAPIL",
        "to_agency_code": "KEC-PANGGUL",
        "reason": "Layanan ada di kecamatan",
    }


def test_ticket_created_and_cancelled_by_events_recorded_as_the_system(implementation_runtime: Any) -> None:
    factory = implementation_runtime.session_factory
    ticket_id, event = open_ticket(factory)
    assert consume(event) is False  # a redelivery creates nothing, records nothing
    [created] = _entries(implementation_runtime, "ticket.created")
    assert (created["actor_id"], created["actor_role"], created["actor_name"], created["client_ip"]) == (
        None,
        None,
        None,
        None,
    )
    assert created["object_id"] == str(ticket_id)
    assert created["details"] == {
        "agency_code": "DISDUKCAPIL",
        "event_id": str(event.event_id),
        "event_type": "idea.judged.v1",
        "idea_id": str(event.payload.idea_id),  # type: ignore[attr-defined]
        "edition_code": "ATA-2026",
        "due_date": "2027-06-30",
    }
    withdrawal = withdrawn(event.payload.idea_id)  # type: ignore[attr-defined]
    consume(withdrawal)
    [cancelled] = _entries(implementation_runtime, "ticket.status_changed")
    assert cancelled["actor_id"] is None
    assert (cancelled["details"]["old_status"], cancelled["details"]["new_status"]) == ("new", "cancelled")
    assert cancelled["details"]["event_id"] == str(withdrawal.event_id)
    assert cancelled["details"]["event_type"] == "idea.withdrawn.v1"


def test_agency_work_on_a_ticket_recorded(implementation_runtime: Any, client: TestClient, tokens: Any) -> None:
    ticket_id, _ = open_ticket(implementation_runtime.session_factory)
    officer = _officer(tokens)
    base = f"/api/v1/tickets/{ticket_id}"
    assert client.patch(base, headers=officer, json={"person_in_charge": "Budi", "percent_complete": 10}).is_success
    milestone = client.post(
        f"{base}/milestones", headers=officer, json={"title": "Jadwal keliling", "due_date": "2027-01-31"}
    ).json()
    assert client.patch(f"{base}/milestones/{milestone['id']}", headers=officer, json={"done": True}).is_success
    progress = client.post(
        f"{base}/updates",
        headers=officer,
        json={"body": "Uji coba di 3 desa", "percent_complete": 40, "evidence_links": ["https://example.go.id/foto"]},
    )
    assert progress.status_code == 201, progress.text
    impact = {"baseline_minutes_per_case": 180, "measured_minutes_per_case": 60, "note": "Sampel 40 warga"}
    assert client.put(f"{base}/impact", headers=officer, json=impact).is_success
    entries = _entries(implementation_runtime)
    assert [e["action"] for e in entries] == [
        "ticket.created",
        "ticket.updated",
        "ticket.milestone_added",
        "ticket.milestone_done",
        "ticket.progress_added",
        "ticket.impact_recorded",
    ]
    assert all(e["object_id"] == str(ticket_id) and e["actor_role"] == "agency" for e in entries[1:])
    updated, added, done, progressed, measured = entries[1:]
    assert updated["details"]["changes"] == {
        "person_in_charge": {"from": None, "to": "Budi"},
        "percent_complete": {"from": 0, "to": 10},
    }
    assert (added["details"]["milestone_id"], added["details"]["done"], done["details"]["done"]) == (
        milestone["id"],
        False,
        True,
    )
    assert progressed["details"]["percent_complete"] == 40
    assert progressed["details"]["evidence_links"] == ["https://example.go.id/foto"]
    assert measured["details"]["fields"] == ["baseline_minutes_per_case", "measured_minutes_per_case", "note"]
    assert measured["details"]["impact"]["measured_minutes_saved_per_case"] == 120


def test_contacts_webhooks_replays_and_preferences_recorded(
    implementation_runtime: Any, client: TestClient, tokens: Any
) -> None:
    committee = tokens(Role.COMMITTEE)
    body = {"email": "tiket@dukcapil.example"}
    assert client.patch("/api/v1/agencies/DISDUKCAPIL", headers=committee, json=body).status_code == 200
    assert client.patch("/api/v1/agencies/DISDUKCAPIL", headers=committee, json=body).status_code == 200  # no change
    [contact] = _entries(implementation_runtime, "agency.contact_changed")
    assert (contact["object_type"], contact["object_id"]) == ("agency", "DISDUKCAPIL")
    assert contact["details"]["changes"]["email"]["to"] == "tiket@dukcapil.example"
    assert list(contact["details"]["changes"]) == ["email"]

    officer = _officer(tokens)
    secret = new_secret()
    hook = client.post(
        "/api/v1/webhooks",
        headers=officer,
        json={"url": "http://user:pw@127.0.0.1:9/closed?token=abc", "secret": secret},
    ).json()
    [registered] = _entries(implementation_runtime, "webhook.registered")
    assert (registered["object_type"], registered["object_id"]) == ("webhook", hook["id"])
    assert registered["details"] == {"agency_code": "DISDUKCAPIL", "endpoint": "http://127.0.0.1:9/closed"}
    assert [leak for leak in (secret, "token=abc", "user:pw") if leak in str(registered)] == []

    # A delivery to a closed port dies after the attempts run out; an admin replays it.
    open_ticket(implementation_runtime.session_factory)
    settings = implementation_runtime.settings.model_copy(update={"webhook_max_attempts": 1})
    with unit_of_work(implementation_runtime.session_factory) as session:
        [claim] = claim_due(session, now=utcnow(), settings=settings)
    assert deliver(session_factory=implementation_runtime.session_factory, claim=claim, settings=settings) == "dead"
    admin_id = uuid.uuid4()
    replay = client.post(
        "/api/v1/ops/webhooks/dead-letters/replay", headers=tokens(Role.ADMIN, user_id=admin_id), json={}
    )
    assert replay.json() == {"replayed": 1}
    [replayed] = _entries(implementation_runtime, "webhook.dead_letters_replayed")
    assert (replayed["actor_id"], replayed["details"]["count"], replayed["details"]["agency_codes"]) == (
        admin_id,
        1,
        ["DISDUKCAPIL"],
    )
    assert client.post("/api/v1/ops/webhooks/dead-letters/replay", headers=tokens(Role.ADMIN), json={}).is_success
    assert len(_entries(implementation_runtime, "webhook.dead_letters_replayed")) == 1  # nothing replayed, no entry

    assert client.delete(f"/api/v1/webhooks/{hook['id']}", headers=officer).status_code == 204
    [removed] = _entries(implementation_runtime, "webhook.removed")
    assert (removed["object_id"], removed["actor_role"]) == (hook["id"], "agency")

    user_id = uuid.uuid4()
    prefs = client.put(
        "/api/v1/notifications/preferences",
        headers=tokens(Role.AGENCY, agency="DISDUKCAPIL", user_id=user_id, email="op@dukcapil.example"),
        json={"email_enabled": False, "daily_digest": True, "in_app_enabled": True},
    )
    assert prefs.status_code == 200, prefs.text
    [preference] = _entries(implementation_runtime, "notification.preferences_changed")
    assert (preference["object_id"], preference["actor_id"]) == (str(user_id), user_id)
    assert preference["details"] == {
        "changes": {"email_enabled": {"from": True, "to": False}, "daily_digest": {"from": False, "to": True}}
    }


def test_update_delete_and_truncate_refused_by_the_database(implementation_runtime: Any) -> None:
    open_ticket(implementation_runtime.session_factory)
    assert [e["action"] for e in _entries(implementation_runtime)] == ["ticket.created"]
    for statement in (
        "UPDATE audit_log SET actor_name = 'forged'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
    ):
        with pytest.raises(DBAPIError, match="append-only") as refused, implementation_runtime.engine.begin() as conn:
            conn.execute(text(statement))
        assert refused.value.orig is not None
        assert refused.value.orig.sqlstate == "42501"  # type: ignore[attr-defined]
    [entry] = _entries(implementation_runtime)
    assert (entry["action"], entry["actor_name"]) == ("ticket.created", None)


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.JUDGE, Role.COMMITTEE, Role.AGENCY])
def test_non_admins_refused(implementation_runtime: Any, client: TestClient, tokens: Any, role: Role) -> None:
    for path in ("/api/v1/audit", "/api/v1/audit/export"):
        response = client.get(path, headers=tokens(role, agency="DISDUKCAPIL"))
        assert (response.status_code, response.json()["error"]["code"]) == (403, "forbidden")
    assert client.get("/api/v1/audit").status_code == 401


def test_admin_lists_and_exports_csv(implementation_runtime: Any, client: TestClient, tokens: Any) -> None:
    ticket_id, _ = open_ticket(implementation_runtime.session_factory)
    officer_id = uuid.uuid4()
    url = f"/api/v1/tickets/{ticket_id}/transitions"
    assert client.post(url, headers=_officer(tokens, officer_id), json={"to": "accepted"}).status_code == 200
    admin = tokens(Role.ADMIN)
    page = client.get("/api/v1/audit", headers=admin, params={"object_type": "ticket", "object_id": str(ticket_id)})
    assert page.status_code == 200
    assert (page.json()["total"], [e["action"] for e in page.json()["items"]]) == (
        2,
        ["ticket.status_changed", "ticket.created"],  # newest first
    )
    response = client.get("/api/v1/audit/export", headers=admin, params={"format": "csv"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["action"], r["object_id"]) for r in rows] == [
        ("ticket.created", str(ticket_id)),
        ("ticket.status_changed", str(ticket_id)),
    ]
    assert (rows[0]["actor_id"], rows[0]["client_ip"]) == ("", "")
    assert (rows[1]["actor_id"], rows[1]["actor_role"], rows[1]["client_ip"]) == (
        str(officer_id),
        "agency",
        "testclient",
    )
    assert '"new_status": "accepted"' in rows[1]["details"]
