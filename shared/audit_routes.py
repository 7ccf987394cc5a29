"""The audit log's reading side, mounted by every service for admins: `GET /api/v1/audit` (filters, pages)
and `GET /api/v1/audit/export?format=csv` (writing and the table itself: `shared.audit`)."""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel
from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from shared.auth import Admin
from shared.cells import safe_cell
from shared.openapi import CSV, IsoDateTime, errors, file_response


class AuditEntryRead(BaseModel):
    """One audit entry as admins read it."""

    id: int
    at: datetime
    actor_id: uuid.UUID | None
    actor_role: str | None
    actor_name: str | None
    action: str
    object_type: str
    object_id: str | None
    details: dict[str, Any]
    client_ip: str | None
    user_agent: str | None
    correlation_id: str | None


class AuditPage(BaseModel):
    """One page of audit entries, newest first."""

    items: list[AuditEntryRead]
    total: int
    page: int
    page_size: int


@dataclass(frozen=True)
class AuditFilters:
    """What an audit listing or export is narrowed to."""

    action: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    actor_id: uuid.UUID | None = None
    since: datetime | None = None
    until: datetime | None = None


def audit_filters(
    action: Annotated[str | None, Query(max_length=80)] = None,
    object_type: Annotated[str | None, Query(max_length=60)] = None,
    object_id: Annotated[str | None, Query(max_length=100)] = None,
    actor_id: uuid.UUID | None = None,
    since: Annotated[IsoDateTime | None, Query(description="entries at or after (ISO 8601 with offset)")] = None,
    until: Annotated[IsoDateTime | None, Query(description="entries before (ISO 8601 with offset)")] = None,
) -> AuditFilters:
    """Query parameters shared by the listing and the export."""
    return AuditFilters(action, object_type, object_id, actor_id, since, until)


def _conditions(table: Table, filters: AuditFilters) -> list[ColumnElement[bool]]:
    c = table.c
    conditions: list[ColumnElement[bool]] = []
    if filters.action:
        conditions.append(c.action == filters.action)
    if filters.object_type:
        conditions.append(c.object_type == filters.object_type)
    if filters.object_id:
        conditions.append(c.object_id == filters.object_id)
    if filters.actor_id:
        conditions.append(c.actor_id == filters.actor_id)
    if filters.since:
        conditions.append(c.at >= filters.since)
    if filters.until:
        conditions.append(c.at < filters.until)
    return conditions


def list_audit(session: Session, *, table: Table, filters: AuditFilters, page: int, page_size: int) -> AuditPage:
    """One page of entries, newest first, with the total (one query)."""
    query = (
        select(table, func.count().over().label("total"))
        .where(*_conditions(table, filters))
        .order_by(table.c.id.desc())
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    rows = session.execute(query).mappings().all()
    items = [AuditEntryRead.model_validate({k: v for k, v in row.items() if k != "total"}) for row in rows]
    return AuditPage(items=items, total=rows[0]["total"] if rows else 0, page=page, page_size=page_size)


EXPORT_COLUMNS = (
    "id",
    "at",
    "actor_id",
    "actor_role",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "details",
    "client_ip",
    "user_agent",
    "correlation_id",
)
EXPORT_LIMIT = 100_000


def _csv_cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    elif isinstance(value, datetime):
        value = value.isoformat()
    # Logged input (a name, a reason) must never run as a formula in the admin's spreadsheet.
    return safe_cell(value)


def export_audit_csv(session: Session, *, table: Table, filters: AuditFilters) -> str:
    """Every matching entry (oldest first, up to EXPORT_LIMIT) as CSV with a header row."""
    query = (
        select(*(table.c[name] for name in EXPORT_COLUMNS))
        .where(*_conditions(table, filters))
        .order_by(table.c.id)
        .limit(EXPORT_LIMIT)
    )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    for row in session.execute(query):
        writer.writerow([_csv_cell(v) for v in row])
    return out.getvalue()


class ExportFormat(StrEnum):
    """Audit export formats."""

    CSV = "csv"


def audit_router(*, table: Table, get_session: Callable[[], Iterator[Session]]) -> APIRouter:
    """Admin routes of a service's audit log: the listing and the CSV export."""
    router = APIRouter(prefix="/api/v1/audit", tags=["audit"], responses=errors(401, 403))
    # Dependencies as defaults, not local Annotated aliases: this module's annotations are strings that
    # FastAPI resolves in module globals, where a local alias does not exist.
    session_dependency = Depends(get_session)
    filters_dependency = Depends(audit_filters)

    @router.get("", summary="The audit log, newest first (admin)")
    def list_entries(
        _: Admin,
        page: Annotated[int, Query(ge=1, le=100_000)] = 1,
        page_size: Annotated[int, Query(ge=1, le=200)] = 50,
        session: Session = session_dependency,
        filters: AuditFilters = filters_dependency,
    ) -> AuditPage:
        return list_audit(session, table=table, filters=filters, page=page, page_size=page_size)

    @router.get(
        "/export",
        summary="The audit log as CSV, oldest first (admin)",
        response_class=Response,
        responses=file_response(CSV),
    )
    def export(
        _: Admin,
        format: ExportFormat = ExportFormat.CSV,
        session: Session = session_dependency,
        filters: AuditFilters = filters_dependency,
    ) -> Response:
        # One format today; the parameter is validated so a client asking for another gets a 422, not CSV.
        assert format == ExportFormat.CSV
        body = export_audit_csv(session, table=table, filters=filters)
        return Response(
            body.encode("utf-8"),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="audit-log.csv"'},
        )

    return router
