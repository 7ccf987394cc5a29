"""Escalation of overdue tickets and milestones: a reminder to the agency, then to the committee.

Each (subject, level) is recorded once in `escalation` (unique), in the transaction that requests its
notification, so any number of beat runs, overlapping or repeated, send each reminder exactly once.
The committee level comes only after the agency level was recorded by an earlier run and the subject
is `escalation_committee_after_days` late: the agency always gets its chance first.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from services.implementation.agencies.service import agency_name, agency_recipient, committee_recipient
from services.implementation.db import runtime
from services.implementation.notifications.service import request_notification
from services.implementation.tickets.dates import today_wib
from services.implementation.tickets.feed import record_change
from services.implementation.tickets.models import OPEN_STATUSES, Escalation, Milestone, Ticket
from shared.events import Channel, NotificationTemplate

AGENCY_LEVEL = 1
COMMITTEE_LEVEL = 2


@dataclass(frozen=True)
class _Overdue:
    subject: str
    ticket: Ticket
    milestone: Milestone | None
    due_date: date


def escalate_overdue(session: Session, *, today: date | None = None) -> dict[int, int]:
    """Escalate what is overdue today; returns how many new escalations per level. Commits."""
    today = today or today_wib()
    committee_after = runtime.settings.escalation_committee_after_days
    overdue: list[_Overdue] = [
        _Overdue(f"ticket:{t.id}", t, None, t.due_date)
        for t in session.scalars(select(Ticket).where(Ticket.status.in_(list(OPEN_STATUSES)), Ticket.due_date < today))
        if t.due_date is not None
    ]
    overdue += [
        _Overdue(f"milestone:{m.id}", t, m, m.due_date)
        for m, t in session.execute(
            select(Milestone, Ticket)
            .join(Ticket, Ticket.id == Milestone.ticket_id)
            .where(Ticket.status.in_(list(OPEN_STATUSES)), Milestone.done.is_(False), Milestone.due_date < today)
        ).all()
    ]
    if not overdue:
        return {AGENCY_LEVEL: 0, COMMITTEE_LEVEL: 0}
    already = {
        (subject, level)
        for subject, level in session.execute(
            select(Escalation.subject, Escalation.level).where(Escalation.subject.in_([o.subject for o in overdue]))
        )
    }
    created = {AGENCY_LEVEL: 0, COMMITTEE_LEVEL: 0}
    for item in overdue:
        days = (today - item.due_date).days
        if (item.subject, AGENCY_LEVEL) not in already:
            level = AGENCY_LEVEL
        elif days >= committee_after and (item.subject, COMMITTEE_LEVEL) not in already:
            level = COMMITTEE_LEVEL
        else:
            continue
        if _escalate(session, item, level=level, days=days):
            created[level] += 1
    session.commit()
    return created


def _escalate(session: Session, item: _Overdue, *, level: int, days: int) -> bool:
    claimed = session.execute(
        pg_insert(Escalation)
        .values(
            id=uuid.uuid4(),
            subject=item.subject,
            level=level,
            ticket_id=item.ticket.id,
            milestone_id=item.milestone.id if item.milestone else None,
        )
        .on_conflict_do_nothing(index_elements=[Escalation.subject, Escalation.level])
        .returning(Escalation.id)
    ).first()
    if claimed is None:
        return False  # another run got there first
    ticket = item.ticket
    record_change(
        session,
        ticket=ticket,
        kind="escalated",
        data={
            "level": level,
            "subject": item.subject,
            "due_date": item.due_date.isoformat(),
            "days_overdue": days,
            "milestone_title": item.milestone.title if item.milestone else None,
        },
        actor_id=None,
    )
    recipient = agency_recipient(session, ticket.agency_code) if level == AGENCY_LEVEL else committee_recipient()
    request_notification(
        session,
        key=f"escalation:{item.subject}:{level}",
        recipient=recipient,
        channels=[Channel.EMAIL],
        template=NotificationTemplate.ESCALATION,
        context={
            "ticket_id": str(ticket.id),
            "title": ticket.title,
            "agency_code": ticket.agency_code,
            "agency_name": agency_name(session, ticket.agency_code),
            "milestone_title": item.milestone.title if item.milestone else None,
            "due_date": item.due_date.isoformat(),
            "days_overdue": days,
            "level": level,
        },
        link=f"{runtime.settings.public_base_url.rstrip('/')}/api/v1/tickets/{ticket.id}",
    )
    return True
