"""The change feed: every change of a ticket gets a row with a sequence number that grows in commit order.

A plain sequence is not enough for a poller: transaction A may take seq 10, transaction B seq 11, and B
commit first; a poller reading "after 9" then sees 11, moves its cursor past 10, and never sees 10.
Writers therefore take one transaction-scoped advisory lock before taking a number, so numbers are
handed out, and committed, one transaction at a time: whatever a reader sees is a gap-free prefix.
The lock is held only from the change to the commit (a few milliseconds per ticket change).
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from services.implementation.tickets.models import Ticket, TicketChange
from services.implementation.tickets.schemas import FeedItem
from services.implementation.webhooks.delivery import enqueue_deliveries
from shared.db import utcnow

FEED_LOCK_KEY = 0x41554449_5349  # "AUDISI"


def record_change(
    session: Session,
    *,
    ticket: Ticket,
    kind: str,
    data: dict[str, Any],
    actor_id: uuid.UUID | None,
    agency_codes: list[str] | None = None,
) -> int:
    """Append a change for each agency concerned (default: the ticket's) and queue its webhooks; returns a seq."""
    session.flush()
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": FEED_LOCK_KEY})
    occurred_at = utcnow()
    body_data = {"idea_id": str(ticket.idea_id), "status": ticket.status, "title": ticket.title, **data}
    first: int | None = None
    for code in agency_codes or [ticket.agency_code]:
        seq = session.execute(
            insert(TicketChange)
            .values(
                ticket_id=ticket.id,
                agency_code=code,
                kind=kind,
                data=body_data,
                actor_id=actor_id,
                occurred_at=occurred_at,
            )
            .returning(TicketChange.seq)
        ).scalar_one()
        first = seq if first is None else first
        item = FeedItem(
            seq=seq,
            type=f"ticket.{kind}",
            ticket_id=ticket.id,
            idea_id=ticket.idea_id,
            agency_code=code,
            occurred_at=occurred_at,
            data=body_data,
        )
        enqueue_deliveries(session, agency_code=code, seq=seq, event_type=item.type, body=item.model_dump(mode="json"))
    assert first is not None
    return first


def to_item(change: TicketChange) -> FeedItem:
    """A feed row as the API shows it."""
    idea_id = change.data.get("idea_id")
    return FeedItem(
        seq=change.seq,
        type=f"ticket.{change.kind}",
        ticket_id=change.ticket_id,
        idea_id=uuid.UUID(idea_id) if idea_id else None,
        agency_code=change.agency_code,
        occurred_at=change.occurred_at,
        data=change.data,
    )


def read_feed(session: Session, *, agency_code: str | None, after: int, limit: int) -> list[TicketChange]:
    """Changes after `after`, oldest first (one agency's, or all for the committee)."""
    query = select(TicketChange).where(TicketChange.seq > after)
    if agency_code is not None:
        query = query.where(TicketChange.agency_code == agency_code)
    return list(session.scalars(query.order_by(TicketChange.seq).limit(limit)))
