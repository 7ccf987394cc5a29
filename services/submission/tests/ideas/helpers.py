"""Reading what the service published to its outbox."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session


def published(session: Session, event_type: str) -> list[dict[str, Any]]:
    """Bodies of the outbox events of one type (ordered by revision for idea.submitted.v1)."""
    rows = (
        session.execute(text("SELECT body FROM outbox_event WHERE event_type = :t"), {"t": event_type}).scalars().all()
    )
    return sorted(rows, key=lambda b: (b["payload"].get("revision", 0), b["occurred_at"]))
