"""HTTP routes of participants."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Query, Request, UploadFile

from services.submission.accounts.deps import LinkLimiterDep, client_ip
from services.submission.accounts.schemas import LinkSent
from services.submission.db import SessionDep
from services.submission.deps import PageQuery
from services.submission.participants import service
from services.submission.participants.schemas import (
    ImportReport,
    ParticipantPage,
    ParticipantRead,
    ParticipantRegister,
)
from shared.auth import Committee, Participant
from shared.events import PositionGroup
from shared.openapi import errors

router = APIRouter(prefix="/api/v1/participants", tags=["participants"])


@router.post(
    "/register",
    status_code=202,
    summary="Register as a participant, or claim an imported account (public); completed by an emailed link",
    responses=errors(
        notes={
            409: "`nip_registered` or `email_taken`",
            422: "`invalid_nip`: details.problems (English) and details.problems_id (Indonesian) list every problem",
            429: "`too_many_attempts`: links asked for this email or address this hour, with Retry-After",
        }
    ),
)
def register(body: ParticipantRegister, request: Request, session: SessionDep, limiter: LinkLimiterDep) -> LinkSent:
    return service.register(session, data=body, limiter=limiter, client_ip=client_ip(request))


@router.get("/me", summary="My participant profile", responses=errors(401, 403))
def me(principal: Participant, session: SessionDep) -> ParticipantRead:
    return ParticipantRead.model_validate(service.participant_of(session, principal))


@router.post(
    "/import",
    summary="Bulk import from CSV or XLSX (committee); dry_run=true only reports",
    responses=errors(
        401,
        403,
        notes={
            422: "`unreadable_import`: details.reason (English) and details.reason_id (Indonesian) say why; "
            "`import_has_errors`: details.errors are the refused rows, each with reason and reason_id"
        },
    ),
)
def import_participants(
    committee: Committee,
    session: SessionDep,
    file: Annotated[UploadFile, File(description="CSV (comma or semicolon, UTF-8) or XLSX")],
    dry_run: bool = False,
) -> ImportReport:
    return service.import_participants(session, content=file.file.read(), dry_run=dry_run, actor=committee)


@router.get("", summary="List participants (committee)", responses=errors(401, 403))
def list_participants(
    _: Committee,
    session: SessionDep,
    page: PageQuery,
    position_group: Annotated[PositionGroup | None, Query()] = None,
    agency_code: str | None = None,
    q: str | None = None,
) -> ParticipantPage:
    return service.list_participants(
        session,
        page=page,
        position_group=str(position_group) if position_group else None,
        agency_code=agency_code,
        q=q,
    )
