"""HTTP routes of tickets and the change feed (parse, authorise, call the service, return a schema)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from services.implementation.db import SessionDep
from services.implementation.tickets import agency_work, feed, reads, summary, transitions
from services.implementation.tickets.dates import today_wib
from services.implementation.tickets.schemas import (
    FeedPage,
    ImpactUpdate,
    MilestoneCreate,
    MilestoneRead,
    MilestoneUpdate,
    ProgressUpdateCreate,
    ProgressUpdateRead,
    ReassignRequest,
    TicketDetail,
    TicketPage,
    TicketRead,
    TicketUpdate,
    TransitionRequest,
)
from shared.auth import Committee, CurrentPrincipal, Role
from shared.errors import forbidden
from shared.openapi import errors

router = APIRouter(prefix="/api/v1", tags=["tickets"], responses=errors(401))


@router.get(
    "/tickets",
    summary="Tickets: an agency's own, all for the committee, a proposer's own ideas'",
    responses=errors(403),
)
def list_tickets(
    session: SessionDep,
    principal: CurrentPrincipal,
    idea_id: uuid.UUID | None = None,
    status_: Annotated[list[str] | None, Query(alias="status")] = None,
    agency_code: str | None = None,
    edition_code: str | None = None,
    overdue: bool | None = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> TicketPage:
    rows, next_cursor = reads.list_tickets(
        session,
        principal=principal,
        idea_id=idea_id,
        status=status_,
        agency_code=agency_code,
        edition_code=edition_code,
        overdue=overdue,
        q=q,
        cursor=cursor,
        limit=limit,
    )
    return TicketPage(items=[reads.to_read(t, principal) for t in rows], next_cursor=next_cursor, limit=limit)


@router.get(
    "/tickets/{ticket_id}", summary="One ticket with its milestones and progress updates", responses=errors(404)
)
def get_ticket(ticket_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal) -> TicketDetail:
    return reads.get_ticket(session, principal=principal, ticket_id=ticket_id)


@router.post(
    "/tickets/{ticket_id}/transitions", summary="Move a ticket along its workflow", responses=errors(403, 404, 409)
)
def transition(
    ticket_id: uuid.UUID, body: TransitionRequest, session: SessionDep, principal: CurrentPrincipal
) -> TicketRead:
    ticket = transitions.transition(session, principal=principal, ticket_id=ticket_id, to=body.to, reason=body.reason)
    return reads.to_read(ticket, principal)


@router.patch(
    "/tickets/{ticket_id}",
    summary="Set the person in charge, partners, percent (agency)",
    responses=errors(403, 404, 409),
)
def update_ticket(
    ticket_id: uuid.UUID, body: TicketUpdate, session: SessionDep, principal: CurrentPrincipal
) -> TicketRead:
    ticket = agency_work.update_ticket(session, principal=principal, ticket_id=ticket_id, data=body)
    return reads.to_read(ticket, principal)


@router.post(
    "/tickets/{ticket_id}/milestones",
    status_code=status.HTTP_201_CREATED,
    summary="Add a milestone",
    responses=errors(403, 404, 409),
)
def add_milestone(
    ticket_id: uuid.UUID, body: MilestoneCreate, session: SessionDep, principal: CurrentPrincipal
) -> MilestoneRead:
    milestone = agency_work.add_milestone(session, principal=principal, ticket_id=ticket_id, data=body)
    return reads.milestone_read(milestone, today_wib(), True)


@router.patch(
    "/tickets/{ticket_id}/milestones/{milestone_id}",
    summary="Change or finish a milestone",
    responses=errors(403, 404, 409),
)
def update_milestone(
    ticket_id: uuid.UUID,
    milestone_id: uuid.UUID,
    body: MilestoneUpdate,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> MilestoneRead:
    milestone = agency_work.update_milestone(
        session, principal=principal, ticket_id=ticket_id, milestone_id=milestone_id, data=body
    )
    return reads.milestone_read(milestone, today_wib(), True)


@router.post(
    "/tickets/{ticket_id}/updates",
    status_code=status.HTTP_201_CREATED,
    summary="Post progress with evidence",
    responses=errors(403, 404, 409),
)
def add_progress(
    ticket_id: uuid.UUID, body: ProgressUpdateCreate, session: SessionDep, principal: CurrentPrincipal
) -> ProgressUpdateRead:
    update = agency_work.add_progress(session, principal=principal, ticket_id=ticket_id, data=body)
    return ProgressUpdateRead.model_validate(update)


@router.put(
    "/tickets/{ticket_id}/impact",
    summary="Record measured time and cost before and after",
    responses=errors(403, 404, 409),
)
def set_impact(
    ticket_id: uuid.UUID, body: ImpactUpdate, session: SessionDep, principal: CurrentPrincipal
) -> TicketRead:
    ticket = agency_work.set_impact(session, principal=principal, ticket_id=ticket_id, data=body)
    return reads.to_read(ticket, principal)


@router.post(
    "/tickets/{ticket_id}/reassign",
    summary="Move a ticket to another agency (committee)",
    responses=errors(403, 404, 409),
)
def reassign(ticket_id: uuid.UUID, body: ReassignRequest, session: SessionDep, principal: Committee) -> TicketRead:
    ticket = agency_work.reassign(session, principal=principal, ticket_id=ticket_id, data=body)
    return reads.to_read(ticket, principal)


@router.get(
    "/editions/{edition_code}/tickets/summary",
    summary="Tickets of an edition by agency and status, and progress by month (committee)",
    responses=errors(403),
)
def ticket_summary(
    edition_code: Annotated[str, Path(max_length=40)], session: SessionDep, _principal: Committee
) -> summary.TicketSummary:
    """Counts for the committee's charts: tickets per agency and status, implementation progress by month."""
    return summary.summary(session, edition_code=edition_code)


@router.get(
    "/feed", summary="Change feed: changes after a cursor, oldest first (agency: its own)", responses=errors(403)
)
def read_feed(
    session: SessionDep,
    principal: CurrentPrincipal,
    cursor: Annotated[int, Query(ge=0, description="the last seq you processed; 0 to start")] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    agency_code: str | None = None,
) -> FeedPage:
    if principal.has_role(Role.COMMITTEE):
        scope = agency_code
    elif principal.has_role(Role.AGENCY) and principal.agency_code:
        if agency_code and agency_code != principal.agency_code:
            raise forbidden({"agency_code": agency_code})
        scope = principal.agency_code
    else:
        raise forbidden({"required_roles": ["agency", "committee"]})
    rows = feed.read_feed(session, agency_code=scope, after=cursor, limit=limit)
    return FeedPage(items=[feed.to_item(r) for r in rows], next_cursor=rows[-1].seq if rows else cursor)
