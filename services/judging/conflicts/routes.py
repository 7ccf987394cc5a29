"""HTTP routes of conflicts: a judge's recusal, the edition's exclusions."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from services.judging.conflicts import service
from services.judging.conflicts.schemas import ExclusionRead, ReasonIn
from services.judging.db import SessionDep
from shared.auth import Committee, Judge
from shared.openapi import errors

# Tagged as before the split: the OpenAPI document agencies generate clients from stays the same.
router = APIRouter(prefix="/api/v1", tags=["scoring"], responses=errors(401, 403))


@router.post(
    "/ideas/{idea_id}/recusal",
    summary="Step aside from an idea, with a reason (judge)",
    response_model=ExclusionRead,
    status_code=201,
    responses=errors(404),
)
def recuse(idea_id: uuid.UUID, body: ReasonIn, session: SessionDep, principal: Judge) -> ExclusionRead:
    """A judge steps aside from an idea, with a reason (logged)."""
    return service.recuse(session, idea_id=idea_id, principal=principal, reason=body.reason)


@router.get(
    "/editions/{edition_code}/exclusions",
    summary="Every conflict and recusal of the edition (committee)",
    response_model=list[ExclusionRead],
)
def exclusions(edition_code: str, session: SessionDep, _principal: Committee) -> list[ExclusionRead]:
    """Every conflict and recusal logged in the edition."""
    return service.list_exclusions(session, edition_code=edition_code)
