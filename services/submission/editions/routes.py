"""HTTP routes of editions."""

from __future__ import annotations

from fastapi import APIRouter

from services.submission.db import SessionDep
from services.submission.editions import service
from services.submission.editions.schemas import EditionCreate, EditionRead, EditionSummary, EditionUpdate
from shared.auth import Committee
from shared.openapi import errors

router = APIRouter(prefix="/api/v1/editions", tags=["editions"])


@router.post("", status_code=201, summary="Open an edition (committee)", responses=errors(401, 403, 409))
def create_edition(body: EditionCreate, _: Committee, session: SessionDep) -> EditionRead:
    return service.describe(service.create_edition(session, data=body))


@router.get("", summary="All editions with their timeline")
def list_editions(session: SessionDep) -> list[EditionRead]:
    return [service.describe(e) for e in service.list_editions(session)]


@router.get("/{code}", summary="One edition", responses=errors(404))
def get_edition(code: str, session: SessionDep) -> EditionRead:
    return service.describe(service.get_edition(session, code=code))


@router.patch(
    "/{code}",
    summary="Change an edition's timeline, groups, limit or idea form (committee)",
    responses=errors(401, 403, 404, 409),
)
def update_edition(code: str, body: EditionUpdate, _: Committee, session: SessionDep) -> EditionRead:
    return service.describe(service.update_edition(session, code=code, data=body))


@router.get(
    "/{code}/summary", summary="Ideas by status and position group (committee)", responses=errors(401, 403, 404)
)
def summarise(code: str, _: Committee, session: SessionDep) -> EditionSummary:
    return service.summarise(session, code=code)
