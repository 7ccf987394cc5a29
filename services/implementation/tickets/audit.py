"""The ticket's entries in the append-only audit log."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from services.implementation.db import audit
from services.implementation.tickets.models import (
    Ticket,
)
from shared.auth import Principal


def audit_ticket(
    session: Session, *, ticket: Ticket, actor: Principal | None, action: str, details: dict[str, Any]
) -> None:
    """One audit entry about a ticket, in the caller's transaction (the agency is always in the details)."""
    audit.record(
        session,
        actor=actor,
        action=action,
        object_type="ticket",
        object_id=ticket.id,
        details={"agency_code": ticket.agency_code, **details},
    )
