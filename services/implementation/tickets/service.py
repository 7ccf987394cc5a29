"""Tickets from events: one ticket per selected idea, cancelled when the decision changes or the idea is withdrawn.

People change tickets through `transitions.py` (status) and `agency_work.py` (details, milestones, progress,
impact, reassignment), and read them through `reads.py`; `access.py` decides who may do which.

Every change writes, in the transaction of the change: one change-feed row (which also queues the agency's
webhooks), the public event where there is one, the notifications, and an entry in the append-only audit
log (who, from where; the system, with the event id, for changes that come from events).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import case, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from services.implementation.agencies.service import agency_recipient, committee_recipient
from services.implementation.notifications.service import notification_event
from services.implementation.tickets.audit import audit_ticket
from services.implementation.tickets.feed import record_change
from services.implementation.tickets.models import (
    IdeaState,
    Ticket,
    TicketStatus,
)
from services.implementation.tickets.notices import PRODUCER, base_context, notify_team, ticket_link
from services.implementation.tickets.transitions import system_cancel
from shared.db import utcnow
from shared.errors import Message
from shared.events import (
    Channel,
    Event,
    IdeaJudged,
    IdeaWithdrawn,
    NotificationTemplate,
    TicketCreated,
    TicketCreatedPayload,
)
from shared.logging import get_logger
from shared.outbox import publish

log = get_logger(__name__)


def handle_idea_judged(session: Session, event: IdeaJudged) -> None:
    """Open the one ticket of a selected idea; a newer "not selected" cancels it; older decisions are ignored."""
    p = event.payload
    state = _idea_state(session, p.idea_id, decided_at=p.decided_at, selected=p.selected)
    if state.last_decided_at is not None and state.last_decided_at > p.decided_at:
        log.info("stale decision ignored", idea_id=str(p.idea_id))
        return
    if state.withdrawn_at is not None or not p.selected:
        ticket = session.scalars(select(Ticket).where(Ticket.idea_id == p.idea_id).with_for_update()).first()
        if ticket is not None and ticket.is_open:
            reason = (
                Message("Gagasan telah ditarik", "The idea was withdrawn")
                if state.withdrawn_at is not None
                else Message("Keputusan diubah: tidak terpilih", "Decision changed: not selected")
            )
            system_cancel(session, ticket, reason, event=event)
        return
    # Selected: insert, and let the unique idea_id make a redelivered or repeated decision a no-op.
    agency = p.implementing_agency_code or p.idea.target_agency_code
    ticket_id = uuid.uuid4()
    created = session.scalars(
        pg_insert(Ticket)
        .values(
            id=ticket_id,
            idea_id=p.idea_id,
            edition_code=p.edition_code,
            agency_code=agency,
            status=TicketStatus.NEW,
            due_date=p.due_date,
            position_group=str(p.position_group),
            score=p.score,
            rank=p.rank,
            decided_at=p.decided_at,
            title=p.idea.title,
            problem=p.idea.problem,
            solution=p.idea.solution,
            beneficiaries=p.idea.beneficiaries,
            service_area=p.idea.service_area,
            promised_minutes_saved_per_case=p.idea.time_saved_minutes_per_case,
            promised_cost_saved_per_year_rp=p.idea.cost_saved_per_year_rp,
            estimated_budget_rp=p.idea.estimated_budget_rp,
            idea_partners=[partner.model_dump() for partner in p.idea.partners],
            proposer_user_id=p.proposer.user_id,
            proposer_name=p.proposer.name,
            proposer_email=p.proposer.email,
            proposer_agency_code=p.proposer.agency_code,
            proposer_nip=p.proposer.nip,
            co_proposers=[person.model_dump(mode="json") for person in p.co_proposers],
            partners=[],
        )
        .on_conflict_do_nothing(index_elements=[Ticket.idea_id])
        .returning(Ticket),
    ).first()
    if created is None:
        return  # a concurrent delivery of the same decision created it
    _announce_created(session, created, event)
    audit_ticket(
        session,
        ticket=created,
        actor=None,
        action="ticket.created",
        details={
            "event_id": str(event.event_id),
            "event_type": event.type,
            "idea_id": str(created.idea_id),
            "edition_code": created.edition_code,
            "due_date": _iso(created.due_date),
        },
    )


def handle_idea_withdrawn(session: Session, event: IdeaWithdrawn) -> None:
    """Remember the withdrawal (a later "selected" opens nothing) and cancel an open ticket."""
    p = event.payload
    session.execute(
        pg_insert(IdeaState)
        .values(idea_id=p.idea_id, withdrawn_at=p.withdrawn_at)
        .on_conflict_do_update(
            index_elements=[IdeaState.idea_id],
            set_={"withdrawn_at": p.withdrawn_at, "updated_at": utcnow()},
            where=IdeaState.withdrawn_at.is_(None),
        )
    )
    ticket = session.scalars(select(Ticket).where(Ticket.idea_id == p.idea_id).with_for_update()).first()
    if ticket is not None and ticket.is_open:
        reason = Message(f"Gagasan ditarik oleh pengusul: {p.reason}", f"The proposer withdrew the idea: {p.reason}")
        system_cancel(session, ticket, reason, event=event)


def _idea_state(session: Session, idea_id: uuid.UUID, *, decided_at: datetime, selected: bool) -> IdeaState:
    """Record a decision if it is the newest seen, and return the idea's state, locked: one statement.

    The upsert always takes the row lock and returns the row; an older decision leaves its fields as they were.
    """
    table = IdeaState.__table__
    stmt = pg_insert(IdeaState).values(idea_id=idea_id, last_decided_at=decided_at, last_selected=selected)
    newer = or_(table.c.last_decided_at.is_(None), table.c.last_decided_at < decided_at)
    return session.scalars(
        stmt.on_conflict_do_update(
            index_elements=[IdeaState.idea_id],
            set_={
                "last_decided_at": case((newer, decided_at), else_=table.c.last_decided_at),
                "last_selected": case((newer, selected), else_=table.c.last_selected),
                "updated_at": case((newer, utcnow()), else_=table.c.updated_at),
            },
        )
        .returning(IdeaState)
        .execution_options(populate_existing=True)
    ).one()


def _announce_created(session: Session, ticket: Ticket, event: IdeaJudged) -> None:
    record_change(session, ticket=ticket, kind="created", data={"due_date": _iso(ticket.due_date)}, actor_id=None)
    # An agency without its own contact row is looked up once, not once per use (a missing row is not cached).
    agency = agency_recipient(session, ticket.agency_code)
    context = base_context(session, ticket, agency_display_name=agency.name)
    link = ticket_link(ticket.id)
    events: list[Event] = [
        TicketCreated(
            producer=PRODUCER,
            payload=TicketCreatedPayload(
                ticket_id=ticket.id,
                idea_id=ticket.idea_id,
                edition_code=ticket.edition_code,
                agency_code=ticket.agency_code,
                due_date=ticket.due_date,
                title=ticket.title,
                status=ticket.status,
            ),
        )
    ]
    events += notify_team(
        ticket,
        cause=event.event_id,
        template=NotificationTemplate.TICKET_CREATED,
        context={**context, "audience": "proposer"},
    )
    for audience, recipient, channels in (
        ("agency", agency, [Channel.EMAIL]),
        ("committee", committee_recipient(), [Channel.EMAIL]),
    ):
        events.append(
            notification_event(
                key=f"ticket.created:{ticket.id}:{audience}",
                recipient=recipient,
                channels=channels,
                template=NotificationTemplate.TICKET_CREATED,
                context={**context, "audience": audience},
                link=link,
            )
        )
    publish(session, *events)  # one round of statements for all of them


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None
