"""Tickets: created from judged ideas (one per selected idea), moved along the workflow by agencies.

Every change writes, in the transaction of the change: one change-feed row (which also queues the agency's
webhooks), the public event where there is one, the notifications, and an entry in the append-only audit
log (who, from where; the system, with the event id, for changes that come from events).
"""

from __future__ import annotations

import base64
import binascii
import uuid
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from services.implementation.agencies.models import AgencyContact
from services.implementation.agencies.service import agency_name, agency_recipient, committee_recipient
from services.implementation.db import audit_log, runtime
from services.implementation.notifications.service import notification_event, request_notification
from services.implementation.tickets.feed import record_change
from services.implementation.tickets.models import (
    OPEN_STATUSES,
    IdeaState,
    Milestone,
    ProgressUpdate,
    Ticket,
    TicketStatus,
)
from services.implementation.tickets.schemas import (
    ImpactRead,
    ImpactUpdate,
    MilestoneCreate,
    MilestoneRead,
    MilestoneUpdate,
    ProgressUpdateCreate,
    ProgressUpdateRead,
    ProposerRead,
    ReassignRequest,
    TicketDetail,
    TicketRead,
    TicketUpdate,
)
from services.implementation.tickets.workflow import COMMITTEE_ONLY, REASON_REQUIRED
from services.implementation.tickets.workflow import allowed_transitions as workflow_transitions
from shared.agencies import is_agency_code
from shared.audit import record_audit
from shared.auth import Principal, Role
from shared.db import utcnow
from shared.errors import AppError, Message, conflict, forbidden, invalid, not_found
from shared.events import (
    Channel,
    Event,
    IdeaJudged,
    IdeaWithdrawn,
    NotificationRequested,
    NotificationTemplate,
    Person,
    TicketCreated,
    TicketCreatedPayload,
    TicketStatusChanged,
    TicketStatusChangedPayload,
)
from shared.logging import get_logger
from shared.notifications import team_notifications
from shared.outbox import publish

log = get_logger(__name__)

PRODUCER = "implementation"
WIB = ZoneInfo("Asia/Jakarta")


def today_wib() -> date:
    """Today's date in Trenggalek (deadlines are dates in WIB)."""
    return utcnow().astimezone(WIB).date()


def _link(ticket_id: uuid.UUID) -> str:
    return f"{runtime.settings.public_base_url.rstrip('/')}/api/v1/tickets/{ticket_id}"


def _proposer(ticket: Ticket) -> Person:
    return Person(
        user_id=ticket.proposer_user_id,
        name=ticket.proposer_name,
        email=ticket.proposer_email,
        agency_code=ticket.proposer_agency_code,
        nip=ticket.proposer_nip,
    )


def _team(ticket: Ticket) -> list[Person]:
    """Everyone on the idea's team: the proposer, then the co-proposers."""
    return [_proposer(ticket), *(Person.model_validate(p) for p in ticket.co_proposers)]


def _team_notifications(
    ticket: Ticket, *, cause: uuid.UUID | str, template: NotificationTemplate, context: dict[str, Any]
) -> list[NotificationRequested]:
    """The notifications of every team member about a ticket (publish them with the change)."""
    return team_notifications(
        producer=PRODUCER, cause=cause, team=_team(ticket), template=template, context=context, link=_link(ticket.id)
    )


def _base_context(session: Session, ticket: Ticket, contact: AgencyContact | None = None) -> dict[str, Any]:
    return {
        "ticket_id": str(ticket.id),
        "idea_id": str(ticket.idea_id),
        "title": ticket.title,
        "edition_code": ticket.edition_code,
        "agency_code": ticket.agency_code,
        "agency_name": agency_name(session, ticket.agency_code, contact),
        "due_date": ticket.due_date.isoformat() if ticket.due_date else None,
    }


def _audit(session: Session, *, ticket: Ticket, actor: Principal | None, action: str, details: dict[str, Any]) -> None:
    """One audit entry about a ticket, in the caller's transaction (the agency is always in the details)."""
    record_audit(
        session,
        table=audit_log,
        actor=actor,
        action=action,
        object_type="ticket",
        object_id=ticket.id,
        details={"agency_code": ticket.agency_code, **details},
    )


# ---------------------------------------------------------------------------------------------- events in


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
            _system_cancel(session, ticket, reason, event=event)
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
    _audit(
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
        _system_cancel(session, ticket, reason, event=event)


def _idea_state(session: Session, idea_id: uuid.UUID, *, decided_at: datetime, selected: bool) -> IdeaState:
    """Record a decision if it is the newest seen, and return the idea's state, locked."""
    stmt = pg_insert(IdeaState).values(idea_id=idea_id, last_decided_at=decided_at, last_selected=selected)
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=[IdeaState.idea_id],
            set_={"last_decided_at": decided_at, "last_selected": selected, "updated_at": utcnow()},
            where=or_(IdeaState.last_decided_at.is_(None), IdeaState.last_decided_at < decided_at),
        )
    )
    state = session.scalars(
        select(IdeaState)
        .where(IdeaState.idea_id == idea_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    return state


def _announce_created(session: Session, ticket: Ticket, event: IdeaJudged) -> None:
    record_change(session, ticket=ticket, kind="created", data={"due_date": _iso(ticket.due_date)}, actor_id=None)
    contact = session.get(AgencyContact, ticket.agency_code)
    context = _base_context(session, ticket, contact)
    link = _link(ticket.id)
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
    events += _team_notifications(
        ticket,
        cause=event.event_id,
        template=NotificationTemplate.TICKET_CREATED,
        context={**context, "audience": "proposer"},
    )
    for audience, recipient, channels in (
        ("agency", agency_recipient(session, ticket.agency_code, contact), [Channel.EMAIL]),
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


# ---------------------------------------------------------------------------------------------- workflow


def _system_cancel(session: Session, ticket: Ticket, reason: Message, *, event: Event) -> None:
    old = ticket.status
    why = f"{reason.id} / {reason.en}"
    _set_status(session, ticket, TicketStatus.CANCELLED, reason=why, actor_id=None)
    _audit(
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
    context = {**_base_context(session, ticket), "old_status": old, "new_status": str(to), "reason": reason}
    link = _link(ticket.id)
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
        *_team_notifications(
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
    ticket = _load(session, principal, ticket_id, for_update=True)
    reason = reason.strip() if reason else None
    try:
        target = TicketStatus(to)
    except ValueError:
        raise _transition_refused(ticket, to, allowed_transitions(principal, ticket)) from None
    if target in COMMITTEE_ONLY:
        if not principal.has_role(Role.COMMITTEE):
            raise forbidden({"reason": "only the committee may cancel a ticket"})
    elif not _is_ticket_agency(principal, ticket) and principal.role != Role.ADMIN:
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
    _audit(
        session,
        ticket=ticket,
        actor=principal,
        action="ticket.status_changed",
        details={"old_status": old, "new_status": str(target), "reason": reason},
    )
    session.commit()
    return ticket


def allowed_transitions(principal: Principal, ticket: Ticket) -> list[str]:
    """The statuses the caller may move the ticket to now: the workflow's next steps, narrowed to the caller's
    powers (the implementing agency moves it along and blocks it, only the committee cancels; an admin both)."""
    agency = _is_ticket_agency(principal, ticket) or principal.role == Role.ADMIN
    committee = principal.has_role(Role.COMMITTEE)
    return [
        status
        for status in workflow_transitions(ticket.status, ticket.status_before_block)
        if (committee if status in COMMITTEE_ONLY else agency)
    ]


# ---------------------------------------------------------------------------------------------- access


def _is_ticket_agency(principal: Principal, ticket: Ticket) -> bool:
    return principal.role == Role.AGENCY and principal.agency_code == ticket.agency_code


def _can_read(principal: Principal, ticket: Ticket) -> bool:
    if principal.has_role(Role.COMMITTEE):
        return True
    if _is_ticket_agency(principal, ticket):
        return True
    return principal.role == Role.PARTICIPANT and principal.user_id in {p.user_id for p in _team(ticket)}


def _load(session: Session, principal: Principal, ticket_id: uuid.UUID, *, for_update: bool = False) -> Ticket:
    """The ticket if the caller may see it; 404 otherwise (never confirm another agency's ticket exists)."""
    query = select(Ticket).where(Ticket.id == ticket_id)
    if for_update:
        query = query.with_for_update()
    ticket = session.scalars(query).first()
    if ticket is None or not _can_read(principal, ticket):
        raise not_found("Tiket", "Ticket", {"ticket_id": str(ticket_id)})
    return ticket


def _load_for_agency_work(session: Session, principal: Principal, ticket_id: uuid.UUID) -> Ticket:
    ticket = _load(session, principal, ticket_id, for_update=True)
    if not (_is_ticket_agency(principal, ticket) or principal.role == Role.ADMIN):
        raise forbidden({"reason": "only the implementing agency changes a ticket"})
    return ticket


def _require_open(ticket: Ticket) -> None:
    if not ticket.is_open:
        raise conflict(
            "ticket_closed",
            Message(f"Tiket sudah ditutup ({ticket.status})", f"The ticket is closed ({ticket.status})"),
            {"status": ticket.status},
        )


# ---------------------------------------------------------------------------------------------- reading


def get_ticket(session: Session, *, principal: Principal, ticket_id: uuid.UUID) -> TicketDetail:
    """One ticket with its milestones and updates."""
    ticket = _load(session, principal, ticket_id)
    milestones = list(
        session.scalars(
            select(Milestone).where(Milestone.ticket_id == ticket.id).order_by(Milestone.due_date, Milestone.created_at)
        )
    )
    updates = list(
        session.scalars(
            select(ProgressUpdate)
            .where(ProgressUpdate.ticket_id == ticket.id)
            .order_by(ProgressUpdate.created_at.desc())
        )
    )
    today = today_wib()
    return TicketDetail(
        **to_read(ticket, principal).model_dump(),
        milestones=[milestone_read(m, today, ticket.is_open) for m in milestones],
        updates=[ProgressUpdateRead.model_validate(u) for u in updates],
    )


def milestone_read(milestone: Milestone, today: date, ticket_open: bool) -> MilestoneRead:
    """A milestone, with whether it is overdue."""
    read = MilestoneRead.model_validate(milestone)
    read.overdue = ticket_open and not milestone.done and milestone.due_date < today
    return read


def impact_of(ticket: Ticket) -> ImpactRead:
    """Promised and measured impact side by side, and whether the promise was kept."""
    saved_minutes = (
        ticket.baseline_minutes_per_case - ticket.measured_minutes_per_case
        if ticket.baseline_minutes_per_case is not None and ticket.measured_minutes_per_case is not None
        else None
    )
    saved_cost = (
        ticket.baseline_cost_per_year_rp - ticket.measured_cost_per_year_rp
        if ticket.baseline_cost_per_year_rp is not None and ticket.measured_cost_per_year_rp is not None
        else None
    )
    promised_minutes = ticket.promised_minutes_saved_per_case
    promised_cost = ticket.promised_cost_saved_per_year_rp
    return ImpactRead(
        promised_minutes_saved_per_case=promised_minutes,
        promised_cost_saved_per_year_rp=promised_cost,
        baseline_minutes_per_case=ticket.baseline_minutes_per_case,
        measured_minutes_per_case=ticket.measured_minutes_per_case,
        baseline_cost_per_year_rp=ticket.baseline_cost_per_year_rp,
        measured_cost_per_year_rp=ticket.measured_cost_per_year_rp,
        measured_minutes_saved_per_case=saved_minutes,
        measured_cost_saved_per_year_rp=saved_cost,
        time_promise_met=None
        if saved_minutes is None or promised_minutes is None
        else saved_minutes >= promised_minutes,
        cost_promise_met=None if saved_cost is None or promised_cost is None else saved_cost >= promised_cost,
        note=ticket.impact_note,
        measured_at=ticket.impact_measured_at,
    )


def is_overdue(ticket: Ticket, today: date) -> bool:
    """Whether an open ticket is past its due date."""
    return ticket.is_open and ticket.due_date is not None and ticket.due_date < today


def to_read(ticket: Ticket, principal: Principal) -> TicketRead:
    """A ticket as the API shows it to those who may see it (the moves offered are the caller's)."""
    return TicketRead(
        id=ticket.id,
        idea_id=ticket.idea_id,
        edition_code=ticket.edition_code,
        agency_code=ticket.agency_code,
        status=ticket.status,
        status_reason=ticket.status_reason,
        allowed_transitions=allowed_transitions(principal, ticket),
        due_date=ticket.due_date,
        overdue=is_overdue(ticket, today_wib()),
        position_group=ticket.position_group,
        score=ticket.score,
        rank=ticket.rank,
        title=ticket.title,
        problem=ticket.problem,
        solution=ticket.solution,
        beneficiaries=ticket.beneficiaries,
        service_area=ticket.service_area,
        estimated_budget_rp=ticket.estimated_budget_rp,
        idea_partners=ticket.idea_partners,
        proposer=ProposerRead(
            user_id=ticket.proposer_user_id,
            name=ticket.proposer_name,
            email=ticket.proposer_email,
            agency_code=ticket.proposer_agency_code,
        ),
        co_proposers=[ProposerRead.model_validate(p) for p in ticket.co_proposers],
        proposer_public=ticket.proposer_public,
        person_in_charge=ticket.person_in_charge,
        person_in_charge_contact=ticket.person_in_charge_contact,
        partners=ticket.partners,
        percent_complete=ticket.percent_complete,
        impact=impact_of(ticket),
        created_at=ticket.created_at,
        updated_at=ticket.updated_at,
        closed_at=ticket.closed_at,
    )


def _encode_cursor(ticket: Ticket) -> str:
    return base64.urlsafe_b64encode(f"{ticket.created_at.isoformat()}|{ticket.id}".encode()).decode()


def _decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        created, _, ident = base64.urlsafe_b64decode(cursor.encode()).decode().partition("|")
        return datetime.fromisoformat(created), uuid.UUID(ident)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise invalid("invalid_cursor", Message("Kursor tidak sah", "Invalid cursor")) from None


def list_tickets(
    session: Session,
    *,
    principal: Principal,
    idea_id: uuid.UUID | None = None,
    status: list[str] | None = None,
    agency_code: str | None = None,
    edition_code: str | None = None,
    overdue: bool | None = None,
    q: str | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> tuple[list[Ticket], str | None]:
    """Tickets the caller may see (agency: its own; committee: all; participant: their ideas'), newest first."""
    query = select(Ticket)
    if principal.has_role(Role.COMMITTEE):
        if agency_code:
            query = query.where(Ticket.agency_code == agency_code)
    elif principal.role == Role.AGENCY and principal.agency_code:
        query = query.where(Ticket.agency_code == principal.agency_code)
    elif principal.role == Role.PARTICIPANT:
        query = query.where(
            or_(
                Ticket.proposer_user_id == principal.user_id,
                Ticket.co_proposers.contains([{"user_id": str(principal.user_id)}]),
            )
        )
    else:
        raise forbidden({"required_roles": ["agency", "committee", "participant"]})
    if idea_id is not None:
        query = query.where(Ticket.idea_id == idea_id)
    if status:
        query = query.where(Ticket.status.in_(status))
    if edition_code:
        query = query.where(Ticket.edition_code == edition_code)
    if overdue is not None:
        late = and_(Ticket.status.in_(list(OPEN_STATUSES)), Ticket.due_date < today_wib())
        query = query.where(late if overdue else ~late)
    if q:
        escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Ticket.title.ilike(f"%{escaped}%"))
    if cursor:
        created, ident = _decode_cursor(cursor)
        query = query.where(or_(Ticket.created_at < created, and_(Ticket.created_at == created, Ticket.id < ident)))
    rows = list(session.scalars(query.order_by(Ticket.created_at.desc(), Ticket.id.desc()).limit(limit + 1)))
    next_cursor = _encode_cursor(rows[limit - 1]) if len(rows) > limit else None
    return rows[:limit], next_cursor


# ---------------------------------------------------------------------------------------------- agency work


def update_ticket(session: Session, *, principal: Principal, ticket_id: uuid.UUID, data: TicketUpdate) -> Ticket:
    """Agency: person in charge, partners, percent; committee: whether the proposer's name is public."""
    fields = data.model_dump(exclude_unset=True)
    if not fields:
        raise invalid("nothing_to_change", Message("Tidak ada yang diubah", "Nothing to change"))
    ticket = _load(session, principal, ticket_id, for_update=True)
    agency_fields = {"person_in_charge", "person_in_charge_contact", "partners", "percent_complete"}
    if fields.keys() & agency_fields:
        if not (_is_ticket_agency(principal, ticket) or principal.role == Role.ADMIN):
            raise forbidden({"fields": sorted(fields.keys() & agency_fields)})
        _require_open(ticket)
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
    _audit(
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
    ticket = _load_for_agency_work(session, principal, ticket_id)
    _require_open(ticket)
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
    ticket = _load_for_agency_work(session, principal, ticket_id)
    _require_open(ticket)
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
    _audit(session, ticket=ticket, actor=principal, action=f"ticket.{action}", details=data)
    if action == "milestone_updated":
        return
    context = {
        **_base_context(session, ticket),
        "milestone_title": milestone.title,
        "milestone_due_date": milestone.due_date.isoformat(),
        "done": milestone.done,
    }
    publish(
        session,
        *_team_notifications(
            ticket, cause=f"ticket.change:{seq}", template=NotificationTemplate.MILESTONE_CHANGED, context=context
        ),
    )


def add_progress(
    session: Session, *, principal: Principal, ticket_id: uuid.UUID, data: ProgressUpdateCreate
) -> ProgressUpdate:
    """Post a progress update with evidence links (agency); it may set the percent complete."""
    ticket = _load_for_agency_work(session, principal, ticket_id)
    _require_open(ticket)
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
    _audit(
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
        **_base_context(session, ticket),
        "body": update.body,
        "percent_complete": ticket.percent_complete,
        "author_name": update.author_name,
        "evidence_links": update.evidence_links,
    }
    publish(
        session,
        *_team_notifications(
            ticket, cause=f"ticket.change:{seq}", template=NotificationTemplate.PROGRESS_UPDATED, context=context
        ),
    )
    session.commit()
    return update


def set_impact(session: Session, *, principal: Principal, ticket_id: uuid.UUID, data: ImpactUpdate) -> Ticket:
    """Record measured time and cost before and after (agency); allowed after implementation too."""
    ticket = _load_for_agency_work(session, principal, ticket_id)
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
    _audit(
        session,
        ticket=ticket,
        actor=principal,
        action="ticket.impact_recorded",
        details={"fields": sorted(fields), "impact": impact},
    )
    publish(
        session,
        *_team_notifications(
            ticket,
            cause=f"ticket.change:{seq}",
            template=NotificationTemplate.IMPACT_RECORDED,
            context={**_base_context(session, ticket), **impact},
        ),
    )
    session.commit()
    return ticket


def reassign(session: Session, *, principal: Principal, ticket_id: uuid.UUID, data: ReassignRequest) -> Ticket:
    """Move a ticket to another agency (committee); both agencies and the whole team are told."""
    if not principal.has_role(Role.COMMITTEE):
        raise forbidden({"required_roles": ["committee"]})
    ticket = _load(session, principal, ticket_id, for_update=True)
    _require_open(ticket)
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
        **_base_context(session, ticket),
        "old_agency_name": agency_name(session, old),
        "new_agency_name": agency_name(session, data.agency_code),
        "reason": data.reason,
    }
    link = _link(ticket.id)
    _audit(
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
        *_team_notifications(
            ticket, cause=f"ticket.change:{seq}", template=NotificationTemplate.TICKET_REASSIGNED, context=context
        ),
    )
    session.commit()
    return ticket
