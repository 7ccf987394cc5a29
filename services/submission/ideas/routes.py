"""HTTP routes of ideas (participants and the committee; judges and agencies get 403 here)."""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from services.submission.db import SessionDep
from services.submission.deps import IdeaUser, PageQuery
from services.submission.editions.service import get_edition
from services.submission.ideas import export, listing, reads, service, teams
from services.submission.ideas.models import IdeaStatus
from services.submission.ideas.schemas import (
    IdeaCreate,
    IdeaPage,
    IdeaRead,
    IdeaUpdate,
    InviteRequest,
    ScreeningRequest,
    SimilarIdeasRead,
    VersionRead,
    WithdrawRequest,
)
from shared.auth import Committee, Participant
from shared.events import PositionGroup
from shared.openapi import CSV, XLSX, errors, file_response

router = APIRouter(prefix="/api/v1/ideas", tags=["ideas"], responses=errors(401, 403))


class ExportFormat(StrEnum):
    """Export file formats."""

    CSV = "csv"
    XLSX = "xlsx"


def idea_filters(
    edition_code: str | None = None,
    status: Annotated[IdeaStatus | None, Query()] = None,
    position_group: Annotated[PositionGroup | None, Query()] = None,
    agency_code: Annotated[str | None, Query(description="the proposer's agency")] = None,
    target_agency_code: str | None = None,
    service_area: str | None = None,
    q: Annotated[str | None, Query(max_length=200, description="full-text search")] = None,
) -> listing.IdeaFilters:
    """Query parameters shared by the list and the exports."""
    return listing.IdeaFilters(
        edition_code=edition_code,
        status=str(status) if status else None,
        position_group=str(position_group) if position_group else None,
        agency_code=agency_code,
        target_agency_code=target_agency_code,
        service_area=service_area,
        q=q,
    )


Filters = Annotated[listing.IdeaFilters, Depends(idea_filters)]


@router.post("", status_code=201, summary="Start a draft idea (participant)", responses=errors(404, 409))
def create_idea(body: IdeaCreate, principal: Participant, session: SessionDep) -> IdeaRead:
    return reads.read_idea(session, service.create_idea(session, principal=principal, data=body))


@router.get("", summary="List ideas: own and team ideas for participants, all for the committee")
def list_ideas(principal: IdeaUser, session: SessionDep, filters: Filters, page: PageQuery) -> IdeaPage:
    return listing.list_ideas(session, principal=principal, filters=filters, page=page)


@router.get(
    "/export",
    summary="Export ideas as CSV or XLSX (committee)",
    response_class=Response,
    responses=file_response(CSV, XLSX, description="The ideas in the asked format") | errors(404),
)
def export_ideas(
    principal: Committee, session: SessionDep, filters: Filters, format: ExportFormat = ExportFormat.XLSX
) -> Response:
    questions = (
        [q["key"] for q in get_edition(session, code=filters.edition_code).extra_questions]
        if filters.edition_code
        else []
    )
    header, rows = export.to_table(listing.export_rows(session, principal=principal, filters=filters), questions)
    name = f"gagasan-{filters.edition_code or 'semua'}.{format}"
    if format == ExportFormat.CSV:
        body, media = export.to_csv(header, rows), "text/csv; charset=utf-8"
    else:
        body, media = export.to_xlsx(header, rows), export.XLSX_MEDIA_TYPE
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get(
    "/{idea_id}", summary="One idea with its team, screening, decision and implementation", responses=errors(404)
)
def get_idea(idea_id: uuid.UUID, principal: IdeaUser, session: SessionDep) -> IdeaRead:
    return reads.read_idea(session, reads.get_idea(session, principal=principal, idea_id=idea_id))


@router.patch(
    "/{idea_id}", summary="Change a draft, or a submitted idea until the deadline", responses=errors(404, 409)
)
def update_idea(idea_id: uuid.UUID, body: IdeaUpdate, principal: Participant, session: SessionDep) -> IdeaRead:
    idea = service.update_idea(session, principal=principal, idea_id=idea_id, data=body)
    return reads.read_idea(session, idea)


@router.post(
    "/{idea_id}/submit", summary="Submit a draft (every missing field reported at once)", responses=errors(404, 409)
)
def submit_idea(idea_id: uuid.UUID, principal: Participant, session: SessionDep) -> IdeaRead:
    return reads.read_idea(session, *service.submit(session, principal=principal, idea_id=idea_id))


@router.post("/{idea_id}/withdraw", summary="Withdraw an idea with a reason (proposer)", responses=errors(404, 409))
def withdraw_idea(idea_id: uuid.UUID, body: WithdrawRequest, principal: IdeaUser, session: SessionDep) -> IdeaRead:
    idea = service.withdraw_idea(session, principal=principal, idea_id=idea_id, reason=body.reason)
    return reads.read_idea(session, idea)


@router.post("/{idea_id}/screening", summary="Screen a submitted idea (committee)", responses=errors(404, 409))
def screen_idea(idea_id: uuid.UUID, body: ScreeningRequest, principal: Committee, session: SessionDep) -> IdeaRead:
    idea = service.screen_idea(
        session, principal=principal, idea_id=idea_id, eligible=body.eligible, reason=body.reason
    )
    return reads.read_idea(session, idea)


@router.get(
    "/{idea_id}/similar",
    summary="Whether submitted ideas of the same edition read alike; which ones for the committee only",
    responses=errors(404),
)
def similar_ideas(
    idea_id: uuid.UUID, principal: IdeaUser, session: SessionDep, limit: Annotated[int, Query(ge=1, le=20)] = 5
) -> SimilarIdeasRead:
    return reads.similar_ideas(session, principal=principal, idea_id=idea_id, limit=limit)


@router.get("/{idea_id}/versions", summary="Every submitted revision of an idea", responses=errors(404))
def list_versions(idea_id: uuid.UUID, principal: IdeaUser, session: SessionDep) -> list[VersionRead]:
    return reads.list_versions(session, principal=principal, idea_id=idea_id)


@router.post("/{idea_id}/co-proposers", summary="Invite a co-proposer by NIP (proposer)", responses=errors(404, 409))
def invite(idea_id: uuid.UUID, body: InviteRequest, principal: Participant, session: SessionDep) -> IdeaRead:
    idea = teams.invite_co_proposer(session, principal=principal, idea_id=idea_id, nip=body.nip)
    return reads.read_idea(session, idea)


@router.post(
    "/{idea_id}/co-proposers/accept", summary="Accept an invitation to an idea's team", responses=errors(404, 409)
)
def accept(idea_id: uuid.UUID, principal: Participant, session: SessionDep) -> IdeaRead:
    idea = teams.respond_to_invitation(session, principal=principal, idea_id=idea_id, accept=True)
    return reads.read_idea(session, idea)


@router.post(
    "/{idea_id}/co-proposers/decline", summary="Decline an invitation to an idea's team", responses=errors(404, 409)
)
def decline(idea_id: uuid.UUID, principal: Participant, session: SessionDep) -> IdeaRead:
    idea = teams.respond_to_invitation(session, principal=principal, idea_id=idea_id, accept=False)
    return reads.read_idea(session, idea)


@router.delete(
    "/{idea_id}/co-proposers/{participant_id}",
    summary="Remove a co-proposer or invitation (proposer)",
    responses=errors(404, 409),
)
def remove_co_proposer(
    idea_id: uuid.UUID, participant_id: uuid.UUID, principal: Participant, session: SessionDep
) -> IdeaRead:
    idea = teams.remove_co_proposer(session, principal=principal, idea_id=idea_id, participant_id=participant_id)
    return reads.read_idea(session, idea)
