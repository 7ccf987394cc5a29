"""Small helpers shared by the implementation tests: deliver events to the production consumer, read the outbox."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from shared.events import Event, IdeaJudged


def consume(event: Event) -> bool:
    """Deliver an event to the implementation queue's production consumer; False when it was a duplicate."""
    from services.implementation.worker import handle_implementation_event

    outcome = handle_implementation_event.run(event=event.model_dump(mode="json"))
    assert outcome in ("handled", "duplicate"), outcome
    return bool(outcome == "handled")


def outbox(session: Session, event_type: str | None = None) -> list[dict[str, Any]]:
    """Bodies of the events published so far, in order."""
    query = "SELECT body FROM outbox_event"
    params: dict[str, Any] = {}
    if event_type:
        query += " WHERE event_type = :t"
        params["t"] = event_type
    return [row.body for row in session.execute(text(query + " ORDER BY created_at, event_id"), params)]


def notifications(session: Session) -> list[dict[str, Any]]:
    """Payloads of the notification.requested.v1 events published so far."""
    return [body["payload"] for body in outbox(session, "notification.requested.v1")]


def ticket_ids(session: Session, idea_id: uuid.UUID) -> list[uuid.UUID]:
    """The tickets of an idea."""
    from services.implementation.tickets.models import Ticket

    return list(session.scalars(select(Ticket.id).where(Ticket.idea_id == idea_id)))


def open_ticket(session_factory: sessionmaker[Session], **judged_overrides: Any) -> tuple[uuid.UUID, Event]:
    """Consume a selected-idea event and return the new ticket's id and the event."""
    from services.implementation.tests.factories import judged

    event = judged(**judged_overrides)
    consume(event)
    assert isinstance(event, IdeaJudged)
    with session_factory() as session:
        (ticket_id,) = ticket_ids(session, event.payload.idea_id)
    return ticket_id, event
