"""The agency's work on a ticket (details, milestones, progress, impact) and the committee's reassignment."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from services.implementation.agencies.service import agency_name, agency_recipient
from services.implementation.notifications.service import request_notification
from services.implementation.tickets.access import (
    is_ticket_agency,
    load_for_agency_work,
    load_ticket,
    require_open,
)
from services.implementation.tickets.audit import audit_ticket
from services.implementation.tickets.feed import record_change
from services.implementation.tickets.models import (
    Milestone,
    ProgressUpdate,
    Ticket,
    TicketStatus,
)
from services.implementation.tickets.notices import base_context, notify_team, ticket_link
from services.implementation.tickets.reads import impact_of
from services.implementation.tickets.schemas import (
    ImpactUpdate,
    MilestoneCreate,
    MilestoneUpdate,
    ProgressUpdateCreate,
    ReassignRequest,
    TicketUpdate,
)
from shared.agencies import is_agency_code
from shared.auth import Principal, Role
from shared.db import utcnow
from shared.errors import Message, conflict, forbidden, invalid, not_found
from shared.events import (
    Channel,
    NotificationTemplate,
)
from shared.outbox import publish


def update_ticket(session: Session, *, principal: Principal, ticket_id: uuid.UUID, data: TicketUpdate) -> Ticket:
    """Agency: person in charge, partners, percent; committee: whether the proposer's name is public."""
    fields = data.model_dump(exclude_unset=True)
    if not fields:
        raise invalid("nothing_to_change", Message("Tidak ada yang diubah", "Nothing to change"))
    ticket = load_ticket(session, principal, ticket_id, for_update=True)
    agency_fields = {"person_in_charge", "person_in_charge_contact", "partners", "percent_complete"}
    if fields.keys() & agency_fields:
        if not (is_ticket_agency(principal, ticket) or principal.has_role(Role.ADMIN)):
            raise forbidden({"fields": sorted(fields.keys() & agency_fields)})
        require_open(ticket)
    if "proposer_public" in fields and not principal.has_role(Role.COMMITTEE):
        raise forbidden({"fields": ["proposer_public"]})
    changed: dict[str, Any] = {}
    before: dict[str, Any] = {}
    for name, value in fields.items():
        if name == "partners":
            value = [p.model_dump() for p in data.partners or []]
        before[name] = getattr(ticket, name)
        setattr(ticket, name, value)
        changed[name] = value
    ticket.updated_at = utcnow()
    record_change(session, ticket=ticket, kind="updated", data={"changed": changed}, actor_id=principal.user_id)
    audit_ticket(
        session,
        ticket=ticket,
        actor=principal,
        action="ticket.updated",
        details={"changes": {name: {"from": before[name], "to": changed[name]} for name in changed}},
    )
    session.commit()
    return ticket


def add_milestone(session: Session, *, principal: Principal, ticket_id: uuid.UUID, data: MilestoneCreate) -> Milestone:
    """Add a milestone (agency); the proposer is told."""
    ticket = load_for_agency_work(session, principal, ticket_id)
    require_open(ticket)
    milestone = Milestone(ticket_id=ticket.id, title=data.title, due_date=data.due_date, done=False)
    session.add(milestone)
    session.flush()
    _milestone_changed(session, ticket, milestone, principal, action="milestone_added")
    session.commit()
    return milestone


def update_milestone(
    session: Session, *, principal: Principal, ticket_id: uuid.UUID, milestone_id: uuid.UUID, data: MilestoneUpdate
) -> Milestone:
    """Rename, reschedule or tick off a milestone (agency); finishing one tells the proposer."""
    ticket = load_for_agency_work(session, principal, ticket_id)
    require_open(ticket)
    milestone = session.get(Milestone, milestone_id, with_for_update=True)
    if milestone is None or milestone.ticket_id != ticket.id:
        raise not_found("Tahapan", "Milestone")
    became_done = data.done is True and not milestone.done
    if data.title is not None:
        milestone.title = data.title
    if data.due_date is not None:
        milestone.due_date = data.due_date
    if data.done is not None:
        milestone.done = data.done
        milestone.done_at = utcnow() if data.done else None
    _milestone_changed(
        session, ticket, milestone, principal, action="milestone_done" if became_done else "milestone_updated"
    )
    session.commit()
    return milestone


def _milestone_changed(
    session: Session, ticket: Ticket, milestone: Milestone, principal: Principal, *, action: str
) -> None:
    ticket.updated_at = utcnow()
    data = {
        "milestone_id": str(milestone.id),
        "milestone_title": milestone.title,
        "milestone_due_date": milestone.due_date.isoformat(),
        "done": milestone.done,
    }
    seq = record_change(session, ticket=ticket, kind=action, data=data, actor_id=principal.user_id)
    audit_ticket(session, ticket=ticket, actor=principal, action=f"ticket.{action}", details=data)
    if action == "milestone_updated":
        return
    context = {
        **base_context(session, ticket),
        "milestone_title": milestone.title,
        "milestone_due_date": milestone.due_date.isoformat(),
        "done": milestone.done,
    }
    publish(
        session,
        *notify_team(
            ticket, cause=f"ticket.change:{seq}", template=NotificationTemplate.MILESTONE_CHANGED, context=context
        ),
    )


def add_progress(
    session: Session, *, principal: Principal, ticket_id: uuid.UUID, data: ProgressUpdateCreate
) -> ProgressUpdate:
    """Post a progress update with evidence links (agency); it may set the percent complete."""
    ticket = load_for_agency_work(session, principal, ticket_id)
    require_open(ticket)
    update = ProgressUpdate(
        ticket_id=ticket.id,
        author_id=principal.user_id,
        author_name=principal.name or "",
        body=data.body,
        percent_complete=data.percent_complete,
        evidence_links=[str(link) for link in data.evidence_links],
    )
    session.add(update)
    if data.percent_complete is not None:
        ticket.percent_complete = data.percent_complete
    ticket.updated_at = utcnow()
    session.flush()
    seq = record_change(
        session,
        ticket=ticket,
        kind="progress",
        data={"update_id": str(update.id), "percent_complete": ticket.percent_complete, "links": update.evidence_links},
        actor_id=principal.user_id,
    )
    audit_ticket(
        session,
        ticket=ticket,
        actor=principal,
        action="ticket.progress_added",
        details={
            "update_id": str(update.id),
            "percent_complete": ticket.percent_complete,
            "evidence_links": update.evidence_links,
        },
    )
    context = {
        **base_context(session, ticket),
        "body": update.body,
        "percent_complete": ticket.percent_complete,
        "author_name": update.author_name,
        "evidence_links": update.evidence_links,
    }
    publish(
        session,
        *notify_team(
            ticket, cause=f"ticket.change:{seq}", template=NotificationTemplate.PROGRESS_UPDATED, context=context
        ),
    )
    session.commit()
    return update


def set_impact(session: Session, *, principal: Principal, ticket_id: uuid.UUID, data: ImpactUpdate) -> Ticket:
    """Record measured time and cost before and after (agency); allowed after implementation too."""
    ticket = load_for_agency_work(session, principal, ticket_id)
    if ticket.status == TicketStatus.CANCELLED:
        raise conflict(
            "ticket_closed", Message("Tiket sudah dibatalkan", "The ticket was cancelled"), {"status": ticket.status}
        )
    fields = data.model_dump(exclude_unset=True)
    if not fields:
        raise invalid("nothing_to_change", Message("Tidak ada yang diubah", "Nothing to change"))
    for name, value in fields.items():
        setattr(ticket, "impact_note" if name == "note" else name, value)
    ticket.impact_measured_at = utcnow()
    ticket.updated_at = ticket.impact_measured_at
    impact = impact_of(ticket).model_dump(mode="json")
    seq = record_change(session, ticket=ticket, kind="impact_measured", data=impact, actor_id=principal.user_id)
    audit_ticket(
        session,
        ticket=ticket,
        actor=principal,
        action="ticket.impact_recorded",
        details={"fields": sorted(fields), "impact": impact},
    )
    publish(
        session,
        *notify_team(
            ticket,
            cause=f"ticket.change:{seq}",
            template=NotificationTemplate.IMPACT_RECORDED,
            context={**base_context(session, ticket), **impact},
        ),
    )
    session.commit()
    return ticket


def reassign(session: Session, *, principal: Principal, ticket_id: uuid.UUID, data: ReassignRequest) -> Ticket:
    """Move a ticket to another agency (committee); both agencies and the whole team are told."""
    if not principal.has_role(Role.COMMITTEE):
        raise forbidden({"required_roles": ["committee"]})
    ticket = load_ticket(session, principal, ticket_id, for_update=True)
    require_open(ticket)
    if not is_agency_code(data.agency_code):
        raise invalid(
            "unknown_agency", Message("Kode instansi tidak dikenal", "Unknown agency code"), {"code": data.agency_code}
        )
    if data.agency_code == ticket.agency_code:
        raise conflict(
            "same_agency",
            Message("Tiket sudah berada di instansi tersebut", "The ticket is already with that agency"),
        )
    old = ticket.agency_code
    ticket.agency_code = data.agency_code
    ticket.updated_at = utcnow()
    # Both feeds see it: the old agency learns the ticket left, the new one that it arrived.
    seq = record_change(
        session,
        ticket=ticket,
        kind="reassigned",
        data={"old_agency_code": old, "new_agency_code": data.agency_code, "reason": data.reason},
        actor_id=principal.user_id,
        agency_codes=[old, data.agency_code],
    )
    context = {
        **base_context(session, ticket),
        "old_agency_name": agency_name(session, old),
        "new_agency_name": agency_name(session, data.agency_code),
        "reason": data.reason,
    }
    link = ticket_link(ticket.id)
    audit_ticket(
        session,
        ticket=ticket,
        actor=principal,
        action="ticket.reassigned",
        details={"from_agency_code": old, "to_agency_code": data.agency_code, "reason": data.reason},
    )
    for audience, recipient, channels in (
        ("old_agency", agency_recipient(session, old), [Channel.EMAIL]),
        ("new_agency", agency_recipient(session, data.agency_code), [Channel.EMAIL]),
    ):
        request_notification(
            session,
            key=f"ticket.change:{seq}:{audience}",
            recipient=recipient,
            channels=channels,
            template=NotificationTemplate.TICKET_REASSIGNED,
            context=context,
            link=link,
        )
    publish(
        session,
        *notify_team(
            ticket, cause=f"ticket.change:{seq}", template=NotificationTemplate.TICKET_REASSIGNED, context=context
        ),
    )
    session.commit()
    return ticket
