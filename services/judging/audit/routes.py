"""HTTP routes of the committee's view of the audit log (admins: shared.audit's /api/v1/audit)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from services.judging.audit import service
from services.judging.audit.schemas import AuditEntryRead
from services.judging.db import SessionDep
from shared.auth import Committee
from shared.openapi import errors

router = APIRouter(prefix="/api/v1", tags=["audit"], responses=errors(401, 403))


@router.get(
    "/editions/{edition_code}/audit",
    summary="The edition's judging audit log (committee)",
    response_model=list[AuditEntryRead],
)
def audit_log(
    edition_code: str,
    session: SessionDep,
    _principal: Committee,
    action: Annotated[str | None, Query(max_length=80)] = None,
) -> list[AuditEntryRead]:
    """The edition's audit log, oldest first (optionally one action, e.g. judge_excluded_conflict)."""
    return service.list_entries(session, edition_code=edition_code, action=action)
