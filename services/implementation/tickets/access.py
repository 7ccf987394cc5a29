"""Who may see and change a ticket: loading it for the caller, and the moves the caller may make."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.implementation.tickets.models import (
    Ticket,
)
from services.implementation.tickets.notices import team_of
from services.implementation.tickets.workflow import COMMITTEE_ONLY
from services.implementation.tickets.workflow import allowed_transitions as workflow_transitions
from shared.auth import Principal, Role
from shared.errors import Message, conflict, forbidden, not_found


def allowed_transitions(principal: Principal, ticket: Ticket) -> list[str]:
    """The statuses the caller may move the ticket to now: the workflow's next steps, narrowed to the caller's
    powers (the implementing agency moves it along and blocks it, only the committee cancels; an admin both)."""
    agency = is_ticket_agency(principal, ticket) or principal.has_role(Role.ADMIN)
    committee = principal.has_role(Role.COMMITTEE)
    return [
        status
        for status in workflow_transitions(ticket.status, ticket.status_before_block)
        if (committee if status in COMMITTEE_ONLY else agency)
    ]


def is_ticket_agency(principal: Principal, ticket: Ticket) -> bool:
    """Whether the caller is an officer of the agency that implements the ticket."""
    return principal.has_role(Role.AGENCY) and principal.agency_code == ticket.agency_code


def _can_read(principal: Principal, ticket: Ticket) -> bool:
    if principal.has_role(Role.COMMITTEE):
        return True
    if is_ticket_agency(principal, ticket):
        return True
    return principal.has_role(Role.PARTICIPANT) and principal.user_id in {p.user_id for p in team_of(ticket)}


def load_ticket(session: Session, principal: Principal, ticket_id: uuid.UUID, *, for_update: bool = False) -> Ticket:
    """The ticket if the caller may see it; 404 otherwise (never confirm another agency's ticket exists)."""
    query = select(Ticket).where(Ticket.id == ticket_id)
    if for_update:
        query = query.with_for_update()
    ticket = session.scalars(query).first()
    if ticket is None or not _can_read(principal, ticket):
        raise not_found("Tiket", "Ticket", {"ticket_id": str(ticket_id)})
    return ticket


def load_for_agency_work(session: Session, principal: Principal, ticket_id: uuid.UUID) -> Ticket:
    """The ticket, locked, if the caller is its agency (or an admin); 404 or 403 otherwise."""
    ticket = load_ticket(session, principal, ticket_id, for_update=True)
    if not (is_ticket_agency(principal, ticket) or principal.has_role(Role.ADMIN)):
        raise forbidden({"reason": "only the implementing agency changes a ticket"})
    return ticket


def require_open(ticket: Ticket) -> None:
    """Refuse (409) a change to a closed ticket."""
    if not ticket.is_open:
        raise conflict(
            "ticket_closed",
            Message(f"Tiket sudah ditutup ({ticket.status})", f"The ticket is closed ({ticket.status})"),
            {"status": ticket.status},
        )
