"""Claiming a due delivery (an email job, a WhatsApp message) under a lease token, and finishing it under that token."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, case, update
from sqlalchemy.orm import InstrumentedAttribute, Session, sessionmaker

from services.implementation.notifications.models import EmailStatus
from shared.db import unit_of_work


def claim_under_lease(
    session: Session,
    *,
    model: Any,
    status_column: InstrumentedAttribute[str],
    tokens: Mapping[uuid.UUID, uuid.UUID],
    now: datetime,
    lease: timedelta,
    returning: tuple[Any, ...],
) -> Sequence[Row[Any]]:
    """Take the due rows among `tokens`' keys (pending, or sending with their lease ended) as `sending`, each
    under its own token (`tokens[row id]`), until `now + lease`; one statement for the lot.

    Returns the `returning` columns of the rows claimed; the others are not due or another worker holds them.
    """
    if not tokens:
        return []
    return session.execute(
        update(model)
        .where(
            model.id.in_(list(tokens)),
            status_column.in_([EmailStatus.PENDING, EmailStatus.SENDING]),
            model.next_attempt_at <= now,
        )
        .values(
            {
                status_column.key: EmailStatus.SENDING,
                "next_attempt_at": now + lease,
                "lease_token": case(dict(tokens), value=model.id),
                "enqueued_at": None,
            }
        )
        .returning(*returning)
    ).all()


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
