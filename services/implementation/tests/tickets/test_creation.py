"""One ticket per selected idea, whatever the order or repetition of events."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.implementation.tests.factories import DECIDED, judged, withdrawn
from services.implementation.tests.helpers import consume, notifications, outbox, ticket_ids
from services.implementation.tickets.models import IdeaState, Ticket
from services.implementation.tickets.service import handle_idea_judged


def test_ticket_created_for_selected_idea_with_snapshot(db_session: Session) -> None:
    event = judged()
    handle_idea_judged(db_session, event)
    ticket = db_session.scalars(select(Ticket)).one()
    assert (ticket.idea_id, ticket.agency_code, ticket.status) == (event.payload.idea_id, "DISDUKCAPIL", "new")
    assert ticket.title == "Antar KTP ke desa dengan jadwal keliling"
    assert ticket.promised_minutes_saved_per_case == 90
    assert ticket.promised_cost_saved_per_year_rp == 25_000_000
    assert ticket.estimated_budget_rp == 8_000_000
    assert ticket.idea_partners == [{"name": "Karang Taruna Panggul", "kind": "community"}]
    assert ticket.proposer_email == "siti.rahmawati@example.go.id"
    assert str(ticket.due_date) == "2027-06-30"


def test_ticket_created_publishes_event_and_three_notifications(db_session: Session) -> None:
    event = judged()
    handle_idea_judged(db_session, event)
    ticket = db_session.scalars(select(Ticket)).one()
    created = outbox(db_session, "ticket.created.v1")
    assert [c["payload"]["ticket_id"] for c in created] == [str(ticket.id)]
    assert created[0]["payload"]["agency_code"] == "DISDUKCAPIL"
    assert created[0]["payload"]["status"] == ticket.status == "new"  # submission shows what it is told
    jobs = {n["idempotency_key"]: n for n in notifications(db_session)}
    proposer_key = f"{event.event_id}:{ticket.proposer_user_id}:ticket_created"  # cause, recipient, template
    assert sorted(jobs) == sorted(
        [f"ticket.created:{ticket.id}:agency", f"ticket.created:{ticket.id}:committee", proposer_key]
    )
    assert jobs[proposer_key]["recipient"]["email"] == "siti.rahmawati@example.go.id"
    assert jobs[proposer_key]["channels"] == ["email", "in_app"]
    assert jobs[f"ticket.created:{ticket.id}:agency"]["recipient"]["email"] == "disdukcapil@trenggalekkab.go.id"
    assert jobs[f"ticket.created:{ticket.id}:agency"]["channels"] == ["email"]
    assert jobs[f"ticket.created:{ticket.id}:committee"]["recipient"]["email"] == "panitia.ata@trenggalekkab.go.id"


def test_no_ticket_when_idea_not_selected(db_session: Session) -> None:
    event = judged(selected=False)
    handle_idea_judged(db_session, event)
    assert ticket_ids(db_session, event.payload.idea_id) == []
    assert outbox(db_session) == []


def test_ticket_not_duplicated_when_event_redelivered(implementation_runtime: Any) -> None:
    factory = implementation_runtime.session_factory
    event = judged()
    assert consume(event) is True
    assert consume(event) is False
    with factory() as session:
        assert len(ticket_ids(session, event.payload.idea_id)) == 1
        assert len(outbox(session, "ticket.created.v1")) == 1


def test_ticket_not_duplicated_when_decision_republished_with_new_event_id(implementation_runtime: Any) -> None:
    factory = implementation_runtime.session_factory
    first = judged()
    again = judged(idea_id=first.payload.idea_id, person=first.payload.proposer)
    assert first.event_id != again.event_id
    consume(first)
    consume(again)
    with factory() as session:
        assert len(ticket_ids(session, first.payload.idea_id)) == 1
        assert len(outbox(session, "ticket.created.v1")) == 1
        assert len(notifications(session)) == 3


def test_later_not_selected_cancels_open_ticket(implementation_runtime: Any) -> None:
    factory = implementation_runtime.session_factory
    selected = judged()
    consume(selected)
    consume(judged(idea_id=selected.payload.idea_id, selected=False, decided_at=DECIDED + timedelta(hours=2)))
    with factory() as session:
        ticket = session.scalars(select(Ticket)).one()
        assert ticket.status == "cancelled"
        assert ticket.status_reason == "Keputusan diubah: tidak terpilih / Decision changed: not selected"
        changed = outbox(session, "ticket.status_changed.v1")
        assert [(c["payload"]["old_status"], c["payload"]["new_status"]) for c in changed] == [("new", "cancelled")]


def test_older_not_selected_arriving_late_is_ignored(implementation_runtime: Any) -> None:
    factory = implementation_runtime.session_factory
    selected = judged(decided_at=DECIDED + timedelta(hours=2))
    consume(selected)
    consume(judged(idea_id=selected.payload.idea_id, selected=False, decided_at=DECIDED))
    with factory() as session:
        assert session.scalars(select(Ticket.status)).one() == "new"


def test_older_decision_arriving_late_leaves_the_newer_decision_recorded(implementation_runtime: Any) -> None:
    factory = implementation_runtime.session_factory
    newer = judged(decided_at=DECIDED + timedelta(hours=2))
    consume(newer)
    with factory() as session:
        updated_at = session.get_one(IdeaState, newer.payload.idea_id).updated_at
    consume(judged(idea_id=newer.payload.idea_id, selected=False, decided_at=DECIDED))
    with factory() as session:
        state = session.get_one(IdeaState, newer.payload.idea_id)
        assert (state.last_decided_at, state.last_selected, state.updated_at) == (
            DECIDED + timedelta(hours=2),
            True,
            updated_at,
        )


def test_older_selected_arriving_after_newer_not_selected_creates_nothing(implementation_runtime: Any) -> None:
    factory = implementation_runtime.session_factory
    idea = judged(selected=False, decided_at=DECIDED + timedelta(hours=2))
    consume(idea)
    consume(judged(idea_id=idea.payload.idea_id, decided_at=DECIDED))
    with factory() as session:
        assert ticket_ids(session, idea.payload.idea_id) == []


def test_withdrawn_cancels_open_ticket(implementation_runtime: Any) -> None:
    factory = implementation_runtime.session_factory
    event = judged()
    consume(event)
    consume(withdrawn(event.payload.idea_id, reason="Pindah tugas"))
    with factory() as session:
        ticket = session.scalars(select(Ticket)).one()
        assert ticket.status == "cancelled"
        assert ticket.status_reason == (
            "Gagasan ditarik oleh pengusul: Pindah tugas / The proposer withdrew the idea: Pindah tugas"
        )
        keys = [n["idempotency_key"] for n in notifications(session)]
        proposer_change = f":{ticket.proposer_user_id}:ticket_status_changed"
        assert sum(1 for k in keys if k.endswith(proposer_change) and k.startswith("ticket.change:")) == 1


def test_withdrawn_before_selected_creates_no_ticket(implementation_runtime: Any) -> None:
    factory = implementation_runtime.session_factory
    event = judged()
    consume(withdrawn(event.payload.idea_id))
    consume(event)
    with factory() as session:
        assert ticket_ids(session, event.payload.idea_id) == []
        assert outbox(session) == []


def test_one_ticket_under_shuffled_duplicated_events(implementation_runtime: Any) -> None:
    factory = implementation_runtime.session_factory
    a = judged(decided_at=DECIDED)
    b = judged(idea_id=a.payload.idea_id, decided_at=DECIDED + timedelta(minutes=5))
    for event in (b, a, b, a, a):
        consume(event)
    with factory() as session:
        assert len(ticket_ids(session, a.payload.idea_id)) == 1
        assert len(outbox(session, "ticket.created.v1")) == 1
