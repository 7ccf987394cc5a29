"""Writing and reading the audit log (in the caller's transaction)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.judging.audit.models import AuditEntry


def record(
    session: Session,
    *,
    edition_code: str,
    action: str,
    actor_id: uuid.UUID | None,
    subject_id: uuid.UUID | None = None,
    reason: str | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add an audit entry to the current transaction (the caller commits)."""
    entry = AuditEntry(
        edition_code=edition_code,
        action=action,
        actor_id=actor_id,
        subject_id=subject_id,
        reason=reason,
        data=data or {},
    )
    session.add(entry)
    return entry


def list_entries(*, session: Session, edition_code: str, action: str | None = None) -> Sequence[AuditEntry]:
    """The edition's audit log, oldest first."""
    query = select(AuditEntry).where(AuditEntry.edition_code == edition_code)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    return session.scalars(query.order_by(AuditEntry.at, AuditEntry.id)).all()
