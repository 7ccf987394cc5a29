"""Lists and exports of ideas: filters, full-text search and who may see which."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from services.submission.common import Page
from services.submission.editions.models import Edition
from services.submission.ideas.models import Idea, IdeaMember, MemberStatus
from services.submission.ideas.schemas import IdeaPage, IdeaSummary
from services.submission.participants.models import Participant
from shared.auth import Principal, Role
from shared.events import PositionGroup

AnySelect = Select[*tuple[Any, ...]]


@dataclass(frozen=True)
class IdeaFilters:
    """What a list or export is narrowed to."""

    edition_code: str | None = None
    status: str | None = None
    position_group: str | None = None
    agency_code: str | None = None
    target_agency_code: str | None = None
    service_area: str | None = None
    q: str | None = None


def _filtered(principal: Principal, filters: IdeaFilters) -> AnySelect:
    """The list query: ideas with edition code and proposer, narrowed by filters and by who asks."""
    query: AnySelect = (
        select(Idea, Edition.code, Participant.name, Participant.nip)
        .join(Edition, Edition.id == Idea.edition_id)
        .join(Participant, Participant.id == Idea.proposer_id)
    )
    if not principal.has_role(Role.COMMITTEE):
        # A subquery, not a lookup first: a participant's page is still one round trip.
        me = select(Participant.id).where(Participant.user_id == principal.user_id).scalar_subquery()
        team_ideas = select(IdeaMember.idea_id).where(
            IdeaMember.participant_id == me, IdeaMember.status != MemberStatus.DECLINED
        )
        query = query.where(or_(Idea.proposer_id == me, Idea.id.in_(team_ideas)))
    if filters.edition_code:
        query = query.where(Edition.code == filters.edition_code)
    if filters.status:
        query = query.where(Idea.status == filters.status)
    if filters.position_group:
        query = query.where(Idea.position_group == filters.position_group)
    if filters.agency_code:
        query = query.where(Idea.proposer_agency_code == filters.agency_code)
    if filters.target_agency_code:
        query = query.where(Idea.target_agency_code == filters.target_agency_code)
    if filters.service_area:
        query = query.where(func.lower(Idea.service_area) == filters.service_area.strip().lower())
    if filters.q and filters.q.strip():
        ts_query = func.websearch_to_tsquery("simple", filters.q.strip())
        query = query.where(Idea.search_vector.op("@@")(ts_query))
        query = query.add_columns(func.ts_rank(Idea.search_vector, ts_query).label("rank"))
        query = query.order_by(func.ts_rank(Idea.search_vector, ts_query).desc(), Idea.created_at.desc(), Idea.id)
    else:
        query = query.order_by(Idea.created_at.desc(), Idea.id)
    return query


def list_ideas(session: Session, *, principal: Principal, filters: IdeaFilters, page: Page) -> IdeaPage:
    """One page of the ideas the caller may see, with the total, in one query."""
    query = _filtered(principal, filters).add_columns(func.count().over().label("total"))
    rows = session.execute(query.limit(page.page_size).offset(page.offset)).all()
    items = [
        IdeaSummary(
            id=idea.id,
            edition_code=row[1],
            status=idea.status,
            title=idea.title,
            position_group=PositionGroup(idea.position_group),
            proposer_name=row[2],
            proposer_nip=row[3],
            proposer_agency_code=idea.proposer_agency_code,
            target_agency_code=idea.target_agency_code,
            service_area=idea.service_area,
            revision=idea.revision,
            submitted_at=idea.submitted_at,
            decision_selected=idea.decision_selected,
            ticket_status=idea.ticket_status,
            rank=float(row.rank) if "rank" in row._fields else None,
        )
        for row in rows
        for idea in (row[0],)
    ]
    return IdeaPage(items=items, total=rows[0].total if rows else 0, page=page.page, page_size=page.page_size)


def export_rows(session: Session, *, principal: Principal, filters: IdeaFilters, limit: int = 100_000) -> list[Any]:
    """Every matching idea for an export (committee), in one query."""
    return list(session.execute(_filtered(principal, filters).limit(limit)).all())
