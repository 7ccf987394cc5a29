"""HTTP routes of agencies (public: the registration form needs the list)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from services.submission.agencies import service
from services.submission.agencies.schemas import AgencyRead, AgencyUpsert, ManagedAgencyRead
from services.submission.db import SessionDep
from shared.auth import Principal, Role, require_roles
from shared.openapi import errors

router = APIRouter(prefix="/api/v1/agencies", tags=["agencies"])


@router.get("", summary="The agencies (OPD) of the regency")
def list_agencies(session: SessionDep) -> list[AgencyRead]:
    return [AgencyRead.model_validate(a) for a in service.list_agencies(session)]


@router.get(
    "/managed",
    summary="Every agency of the managed list with its state, deactivated ones too (admin)",
    responses=errors(401, 403),
)
def list_managed_agencies(
    _: Annotated[Principal, require_roles(Role.ADMIN)], session: SessionDep
) -> list[ManagedAgencyRead]:
    return [ManagedAgencyRead.model_validate(a) for a in service.list_managed_agencies(session)]


@router.put("/{code}", summary="Add or change an agency of the managed list (admin)", responses=errors(401, 403))
def upsert_agency(
    code: Annotated[str, Path(pattern=r"^[A-Z0-9][A-Z0-9-]{1,39}$")],
    body: AgencyUpsert,
    admin: Annotated[Principal, require_roles(Role.ADMIN)],
    session: SessionDep,
) -> AgencyRead:
    agency = service.upsert_agency(
        session, code=code, name=body.name, email=body.email, active=body.active, actor=admin
    )
    return AgencyRead.model_validate(agency)
