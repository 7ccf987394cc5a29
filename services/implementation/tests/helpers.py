"""Small helpers shared by the implementation tests: run handlers like the consumer does, read the outbox."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from services.implementation.db import messaging
from services.implementation.tickets.service import handle_idea_judged, handle_idea_withdrawn
from shared.db import unit_of_work
from shared.events import Event, IdeaJudged, IdeaWithdrawn


def consume(session_factory: sessionmaker[Session], event: Event) -> bool:
    """What the inbox consumer does: claim the event id, run the handler, commit; False for a duplicate."""
    from sqlalchemy.dialects.postgresql import insert as pg_insert

    with unit_of_work(session_factory) as session:
        claimed = session.execute(
            pg_insert(messaging.inbox_event)
            .values(event_id=event.event_id, consumer="implementation", event_type=event.type)
            .on_conflict_do_nothing()
            .returning(messaging.inbox_event.c.event_id)
        ).first()
        if claimed is None:
            return False
        if isinstance(event, IdeaJudged):
            handle_idea_judged(session, event)
        elif isinstance(event, IdeaWithdrawn):
            handle_idea_withdrawn(session, event)
    return True


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
    consume(session_factory, event)
    assert isinstance(event, IdeaJudged)
    with session_factory() as session:
        (ticket_id,) = ticket_ids(session, event.payload.idea_id)
    return ticket_id, event
