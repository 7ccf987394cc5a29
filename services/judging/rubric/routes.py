"""HTTP routes of rubrics."""

from __future__ import annotations

from fastapi import APIRouter

from services.judging.db import SessionDep
from services.judging.rubric import service
from services.judging.rubric.models import DEFAULT_ROUND, RoundKind
from services.judging.rubric.schemas import RubricIn, RubricRead
from shared.auth import Committee, CurrentPrincipal, Role
from shared.errors import forbidden
from shared.openapi import errors

router = APIRouter(prefix="/api/v1", tags=["rubric"], responses=errors(401))


@router.put(
    "/editions/{edition_code}/rubric",
    summary="Declare the audition rubric (committee)",
    response_model=RubricRead,
    responses=errors(403, 409),
)
def put_default_rubric(edition_code: str, body: RubricIn, session: SessionDep, principal: Committee) -> RubricRead:
    """Declare the rubric of the edition's default round (the audition)."""
    return service.put_rubric(session, edition_code=edition_code, rubric=body, actor=principal)


@router.put(
    "/editions/{edition_code}/rounds/{kind}/rubric",
    summary="Declare one round's rubric (committee)",
    response_model=RubricRead,
    responses=errors(403, 409),
)
def put_round_rubric(
    edition_code: str, kind: RoundKind, body: RubricIn, session: SessionDep, principal: Committee
) -> RubricRead:
    """Declare the rubric of one round (screening or audition)."""
    return service.put_rubric(session, edition_code=edition_code, rubric=body, actor=principal, kind=kind)


@router.get(
    "/editions/{edition_code}/rubric", summary="The audition rubric", response_model=RubricRead, responses=errors(404)
)
def get_default_rubric(edition_code: str, session: SessionDep, _principal: CurrentPrincipal) -> RubricRead:
    """The default round's rubric (judges, committee and participants may read it)."""
    return service.get_rubric(session, edition_code=edition_code, kind=DEFAULT_ROUND)


@router.get(
    "/editions/{edition_code}/rounds/{kind}/rubric",
    summary="One round's rubric",
    response_model=RubricRead,
    responses=errors(403, 404),
)
def get_round_rubric(
    edition_code: str, kind: RoundKind, session: SessionDep, principal: CurrentPrincipal
) -> RubricRead:
    """One round's rubric."""
    if not principal.has_role(Role.JUDGE, Role.COMMITTEE, Role.PARTICIPANT):
        raise forbidden()
    return service.get_rubric(session, edition_code=edition_code, kind=kind)
