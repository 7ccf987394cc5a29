"""HTTP routes of agencies (public: the registration form needs the list)."""

from __future__ import annotations

from fastapi import APIRouter

from services.submission.agencies import service
from services.submission.agencies.schemas import AgencyRead
from services.submission.db import SessionDep

router = APIRouter(prefix="/api/v1/agencies", tags=["agencies"])


@router.get("", summary="The agencies (OPD) of the regency")
def list_agencies(session: SessionDep) -> list[AgencyRead]:
    return [AgencyRead.model_validate(a) for a in service.list_agencies(session)]
