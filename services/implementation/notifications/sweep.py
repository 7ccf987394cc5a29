"""What the beat's sweep queues: the due rows of a delivery table (email jobs, WhatsApp messages)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from services.implementation.notifications.models import EmailStatus
from services.implementation.settings import ImplementationSettings


def queue_due(
    session: Session,
    *,
    model: Any,
    status: InstrumentedAttribute[str],
    now: datetime,
    settings: ImplementationSettings,
    limit: int,
) -> list[uuid.UUID]:
    """Mark as queued, and return, the rows whose delivery is due and that nobody queued lately. Commits.

    `model` has `id`, `next_attempt_at` and `enqueued_at`; `status` is its delivery-status column."""
    requeue_before = now - timedelta(seconds=settings.smtp_requeue_after_seconds)
    due = (
        select(model.id)
        .where(
            status.in_([EmailStatus.PENDING, EmailStatus.SENDING]),
            model.next_attempt_at <= now,
            or_(model.enqueued_at.is_(None), model.enqueued_at < requeue_before),
        )
        .order_by(model.next_attempt_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    ids = list(
        session.scalars(
            update(model).where(model.id.in_(due.scalar_subquery())).values(enqueued_at=now).returning(model.id)
        )
    )
    session.commit()
    return ids
