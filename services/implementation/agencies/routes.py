"""HTTP routes of agency contacts."""

from __future__ import annotations

from fastapi import APIRouter

from services.implementation.agencies import service
from services.implementation.agencies.schemas import AgencyContactRead, AgencyContactUpdate
from services.implementation.db import SessionDep
from shared.auth import Committee, CurrentPrincipal
from shared.openapi import errors

router = APIRouter(prefix="/api/v1/agencies", tags=["agencies"], responses=errors(401))


@router.get("", summary="Agency contacts (where ticket mail goes)")
def list_agencies(session: SessionDep, _principal: CurrentPrincipal) -> list[AgencyContactRead]:
    return [AgencyContactRead.model_validate(c) for c in service.list_contacts(session)]


@router.patch("/{code}", summary="Change an agency's contact (committee)", responses=errors(403, 404))
def update_agency(code: str, data: AgencyContactUpdate, session: SessionDep, committee: Committee) -> AgencyContactRead:
    return AgencyContactRead.model_validate(service.update_contact(session, actor=committee, code=code, data=data))
