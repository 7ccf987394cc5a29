"""Writing and reading the judging service's audit log (the shared append-only `audit_log` table).

One table serves both readers: admins list and export it (shared.audit, GET /api/v1/audit), the committee
reads one edition's entries (GET /editions/{code}/audit). Every judging entry carries `edition_code`
(and `reason` when there is one) in its details, so the same fact is written once.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.judging.audit.schemas import AuditEntryRead
from services.judging.db import audit, audit_log
from shared.auth import Principal


def record(
    session: Session,
    *,
    edition_code: str,
    action: str,
    actor: Principal | None,
    object_type: str,
    object_id: object | None = None,
    reason: str | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    """Add an audit entry to the current transaction (the caller commits it with the change it records).

    `actor` is None for the system (an event handler, the seed); who, when and from where are filled in
    by `shared.audit.AuditLog.record`.
    """
    details: dict[str, Any] = {"edition_code": edition_code, **(data or {})}
    if reason is not None:
        details["reason"] = reason
    audit.record(
        session,
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        details=details,
    )


def list_entries(session: Session, *, edition_code: str, action: str | None = None) -> list[AuditEntryRead]:
    """The edition's audit log, oldest first (one query on the edition index)."""
    c = audit_log.c
    query = select(audit_log).where(c.details["edition_code"].astext == edition_code)
    if action is not None:
        query = query.where(c.action == action)
    rows = session.execute(query.order_by(c.id)).mappings().all()
    return [
        AuditEntryRead(
            id=row["id"],
            at=row["at"],
            action=row["action"],
            actor_id=row["actor_id"],
            actor_role=row["actor_role"],
            actor_name=row["actor_name"],
            object_type=row["object_type"],
            object_id=row["object_id"],
            reason=row["details"].get("reason"),
            details={k: v for k, v in row["details"].items() if k not in ("edition_code", "reason")},
        )
        for row in rows
    ]
