"""Status changes: an agency's or the committee's move along the workflow, and the system's cancel."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from services.implementation.agencies.service import committee_recipient
from services.implementation.notifications.service import notification_event
from services.implementation.tickets.access import (
    allowed_transitions,
    is_ticket_agency,
    load_ticket,
)
from services.implementation.tickets.audit import audit_ticket
from services.implementation.tickets.feed import record_change
from services.implementation.tickets.models import (
    OPEN_STATUSES,
    Ticket,
    TicketStatus,
)
from services.implementation.tickets.notices import PRODUCER, base_context, notify_team, ticket_link
from services.implementation.tickets.workflow import COMMITTEE_ONLY, REASON_REQUIRED
from shared.auth import Principal, Role
from shared.db import utcnow
from shared.errors import AppError, Message, conflict, forbidden, invalid
from shared.events import (
    Channel,
    Event,
    NotificationTemplate,
    TicketStatusChanged,
    TicketStatusChangedPayload,
)
from shared.outbox import publish


def system_cancel(session: Session, ticket: Ticket, reason: Message, *, event: Event) -> None:
    """Cancel a ticket because of an event (no actor; the event id goes in the audit log)."""
    old = ticket.status
    why = f"{reason.id} / {reason.en}"
    _set_status(session, ticket, TicketStatus.CANCELLED, reason=why, actor_id=None)
    audit_ticket(
        session,
        ticket=ticket,
        actor=None,
        action="ticket.status_changed",
        details={
            "old_status": old,
            "new_status": str(TicketStatus.CANCELLED),
            "reason": why,
            "event_id": str(event.event_id),
            "event_type": event.type,
        },
    )


def _set_status(
    session: Session, ticket: Ticket, to: TicketStatus, *, reason: str | None, actor_id: uuid.UUID | None
) -> None:
    old = ticket.status
    now = utcnow()
    ticket.status_before_block = old if to == TicketStatus.BLOCKED else None
    ticket.status = to
    ticket.status_reason = reason
    ticket.updated_at = now
    if to == TicketStatus.IMPLEMENTED:
        ticket.percent_complete = 100
    if to not in OPEN_STATUSES:
        ticket.closed_at = now
    seq = record_change(
        session,
        ticket=ticket,
        kind="status_changed",
        data={"old_status": old, "new_status": str(to), "reason": reason},
        actor_id=actor_id,
    )
    context = {**base_context(session, ticket), "old_status": old, "new_status": str(to), "reason": reason}
    link = ticket_link(ticket.id)
    publish(
        session,
        TicketStatusChanged(
            producer=PRODUCER,
            payload=TicketStatusChangedPayload(
                ticket_id=ticket.id,
                idea_id=ticket.idea_id,
                agency_code=ticket.agency_code,
                old_status=old,
                new_status=str(to),
                reason=reason,
                changed_by=actor_id,
                changed_at=now,
            ),
        ),
        *notify_team(
            ticket, cause=f"ticket.change:{seq}", template=NotificationTemplate.TICKET_STATUS_CHANGED, context=context
        ),
        notification_event(
            key=f"ticket.change:{seq}:committee",
            recipient=committee_recipient(),
            channels=[Channel.EMAIL],
            template=NotificationTemplate.TICKET_STATUS_CHANGED,
            context=context,
            link=link,
        ),
    )


def _transition_refused(ticket: Ticket, to: str, allowed: list[str]) -> AppError:
    names = ", ".join(allowed) if allowed else "-"
    return conflict(
        "invalid_transition",
        Message(
            f"Status tiket tidak bisa diubah dari '{ticket.status}' ke '{to}'. Yang diizinkan: {names}",
            f"A ticket cannot move from '{ticket.status}' to '{to}'. Allowed: {names}",
        ),
        {"from": ticket.status, "to": to, "allowed": allowed},
    )


def transition(session: Session, *, principal: Principal, ticket_id: uuid.UUID, to: str, reason: str | None) -> Ticket:
    """Move a ticket along its workflow (agency officers; cancel is the committee's), with the rules checked."""
    ticket = load_ticket(session, principal, ticket_id, for_update=True)
    reason = reason.strip() if reason else None
    try:
        target = TicketStatus(to)
    except ValueError:
        raise _transition_refused(ticket, to, allowed_transitions(principal, ticket)) from None
    if target in COMMITTEE_ONLY:
        if not principal.has_role(Role.COMMITTEE):
            raise forbidden({"reason": "only the committee may cancel a ticket"})
    elif not is_ticket_agency(principal, ticket) and not principal.has_role(Role.ADMIN):
        raise forbidden({"reason": "only the implementing agency moves a ticket"})
    allowed = allowed_transitions(principal, ticket)
    if target not in allowed:
        raise _transition_refused(ticket, target, allowed)
    if target in REASON_REQUIRED and not reason:
        raise invalid(
            "reason_required",
            Message(f"Alasan wajib diisi untuk status '{target}'", f"A reason is required for '{target}'"),
            {"to": str(target)},
        )
    old = ticket.status
    _set_status(session, ticket, target, reason=reason, actor_id=principal.user_id)
    audit_ticket(
        session,
        ticket=ticket,
        actor=principal,
        action="ticket.status_changed",
        details={"old_status": old, "new_status": str(target), "reason": reason},
    )
    session.commit()
    return ticket
