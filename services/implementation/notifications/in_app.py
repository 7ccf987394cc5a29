"""The caller's in-app notifications: list them and mark them read."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from services.implementation.notifications.models import (
    InAppNotification,
)
from shared.auth import Principal
from shared.db import utcnow
from shared.errors import not_found


def list_in_app(
    session: Session, *, principal: Principal, unread_only: bool, limit: int, before: datetime | None
) -> list[InAppNotification]:
    """The caller's in-app notifications, newest first."""
    query = select(InAppNotification).where(InAppNotification.user_id == principal.user_id)
    if unread_only:
        query = query.where(InAppNotification.read_at.is_(None))
    if before is not None:
        query = query.where(InAppNotification.created_at < before)
    query = query.order_by(InAppNotification.created_at.desc(), InAppNotification.id.desc()).limit(limit)
    return list(session.scalars(query))


def mark_read(session: Session, *, principal: Principal, notification_id: uuid.UUID) -> InAppNotification:
    """Mark one of the caller's notifications read (idempotent)."""
    item = session.get(InAppNotification, notification_id)
    if item is None or item.user_id != principal.user_id:
        raise not_found("Notifikasi", "Notification")
    if item.read_at is None:
        item.read_at = utcnow()
        session.commit()
    return item


def mark_all_read(session: Session, *, principal: Principal) -> int:
    """Mark every unread notification of the caller read; returns how many."""
    result = session.execute(
        update(InAppNotification)
        .where(InAppNotification.user_id == principal.user_id, InAppNotification.read_at.is_(None))
        .values(read_at=utcnow())
        .returning(InAppNotification.id)
    )
    count = len(result.all())
    session.commit()
    return count
