"""HTTP routes of conflict-of-interest declarations (a judge's, per edition)."""

from __future__ import annotations

from fastapi import APIRouter

from services.judging.db import SessionDep
from services.judging.declarations import service
from services.judging.declarations.schemas import DeclarationIn, DeclarationRead, DeclarationSummary
from shared.auth import Committee, Judge
from shared.openapi import errors

router = APIRouter(prefix="/api/v1", tags=["declarations"], responses=errors(401, 403))


@router.post(
    "/editions/{edition_code}/declaration",
    summary="Declare conflicts of interest before scoring (judge)",
    response_model=DeclarationRead,
)
def declare(edition_code: str, body: DeclarationIn, session: SessionDep, principal: Judge) -> DeclarationRead:
    """Declare conflicts of interest for the edition (an empty list: none); required before scoring, logged."""
    return service.declare(session, edition_code=edition_code, principal=principal, body=body)


@router.get(
    "/editions/{edition_code}/declaration",
    summary="The judge's own declaration (judge)",
    response_model=DeclarationRead,
)
def my_declaration(edition_code: str, session: SessionDep, principal: Judge) -> DeclarationRead:
    """The judge's own declaration for the edition; 404 before declaring."""
    return service.get_declaration(session, edition_code=edition_code, principal=principal)


@router.get(
    "/editions/{edition_code}/declarations",
    summary="Who declared, with how many conflicts (committee)",
    response_model=list[DeclarationSummary],
)
def declarations(edition_code: str, session: SessionDep, _principal: Committee) -> list[DeclarationSummary]:
    """Who declared for the edition and how many conflicts each (committee)."""
    return service.list_declarations(session, edition_code=edition_code)
