"""Reading tickets: one with its milestones and updates, the listing, and the API views of both."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from services.implementation.evidence.models import EvidenceFile
from services.implementation.evidence.schemas import EvidenceRead
from services.implementation.tickets.access import (
    allowed_transitions,
    load_ticket,
)
from services.implementation.tickets.cursors import decode_cursor, encode_cursor
from services.implementation.tickets.dates import today_wib
from services.implementation.tickets.models import (
    OPEN_STATUSES,
    Milestone,
    ProgressUpdate,
    Ticket,
)
from services.implementation.tickets.schemas import (
    ImpactRead,
    MilestoneRead,
    ProgressUpdateRead,
    ProposerRead,
    TicketDetail,
    TicketRead,
)
from shared.auth import Principal, Role
from shared.errors import forbidden


def get_ticket(session: Session, *, principal: Principal, ticket_id: uuid.UUID) -> TicketDetail:
    """One ticket with its milestones and updates (each with its evidence files)."""
    ticket = load_ticket(session, principal, ticket_id)
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
    files: dict[uuid.UUID, list[EvidenceRead]] = defaultdict(list)
    for e in session.scalars(
        select(EvidenceFile).where(EvidenceFile.ticket_id == ticket.id).order_by(EvidenceFile.created_at)
    ):
        files[e.update_id].append(EvidenceRead.model_validate(e))
    today = today_wib()
    return TicketDetail(
        **to_read(ticket, principal).model_dump(),
        milestones=[milestone_read(m, today, ticket.is_open) for m in milestones],
        updates=[
            ProgressUpdateRead.model_validate(u).model_copy(update={"evidence_files": files.get(u.id, [])})
            for u in updates
        ],
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
    elif principal.has_role(Role.AGENCY) and principal.agency_code:
        query = query.where(Ticket.agency_code == principal.agency_code)
    elif principal.has_role(Role.PARTICIPANT):
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
        created, ident = decode_cursor(cursor)
        query = query.where(or_(Ticket.created_at < created, and_(Ticket.created_at == created, Ticket.id < ident)))
    rows = list(session.scalars(query.order_by(Ticket.created_at.desc(), Ticket.id.desc()).limit(limit + 1)))
    next_cursor = encode_cursor(rows[limit - 1]) if len(rows) > limit else None
    return rows[:limit], next_cursor
