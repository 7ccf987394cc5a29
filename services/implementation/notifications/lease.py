"""Claiming a due delivery (an email job, a WhatsApp message) under a lease token, and finishing it under that token."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, update
from sqlalchemy.orm import InstrumentedAttribute, Session, sessionmaker

from services.implementation.notifications.models import EmailStatus
from shared.db import unit_of_work


def claim_under_lease(
    session: Session,
    *,
    model: Any,
    status_column: InstrumentedAttribute[str],
    row_id: uuid.UUID,
    token: uuid.UUID,
    now: datetime,
    lease: timedelta,
    returning: tuple[Any, ...],
) -> Row[Any] | None:
    """Take a due row (pending, or sending with its lease ended) as `sending` under `token` until `now + lease`.

    Returns the `returning` columns of the claimed row, or None when it is not due or another worker holds it.
    """
    return session.execute(
        update(model)
        .where(
            model.id == row_id,
            status_column.in_([EmailStatus.PENDING, EmailStatus.SENDING]),
            model.next_attempt_at <= now,
        )
        .values(
            {
                status_column.key: EmailStatus.SENDING,
                "next_attempt_at": now + lease,
                "lease_token": token,
                "enqueued_at": None,
            }
        )
        .returning(*returning)
    ).first()


def finish_under_lease(
    session_factory: sessionmaker[Session],
    *,
    model: Any,
    status_column: InstrumentedAttribute[str],
    row_id: uuid.UUID,
    token: uuid.UUID,
    status: EmailStatus,
    attempts: int,
    **values: Any,
) -> bool:
    """Record an attempt's outcome and release the claim; False (nothing changed) if the lease was lost.

    The change applies only while the row is still `sending` under this token: a worker whose lease ended and
    was taken over records nothing, so the new holder alone decides the row's fate. `model` has `id`,
    `lease_token`, `attempts`, `last_error` and `next_attempt_at`; `status_column` is its delivery status.
    """
    with unit_of_work(session_factory) as session:
        changed = session.execute(
            update(model)
            .where(model.id == row_id, model.lease_token == token, status_column == EmailStatus.SENDING)
            .values(
                {
                    status_column.key: status,
                    "attempts": attempts,
                    "last_error": values.pop("error", None),
                    "next_attempt_at": values.pop("next_attempt_at", None),
                    "lease_token": None,
                    **values,
                }
            )
            .returning(model.id)
        ).first()
    return changed is not None
