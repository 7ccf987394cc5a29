"""Agency webhooks: subscriptions, deliveries (one per subscription and change) and the dead-letter list."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from services.implementation.db import Base
from shared.db import new_id


class DeliveryStatus(StrEnum):
    """A webhook delivery's state."""

    PENDING = "pending"
    DELIVERED = "delivered"
    DEAD = "dead"


class WebhookSubscription(Base):
    """An agency's endpoint that receives its ticket events, signed with the shared secret."""

    __tablename__ = "webhook_subscription"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    agency_code: Mapped[str] = mapped_column(String(40), index=True)
    url: Mapped[str] = mapped_column(Text)
    secret: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True, server_default="true")
    # Circuit breaker: after `webhook_circuit_failures` failures in a row the endpoint gets no deliveries until
    # `circuit_open_until`; then one probe at a time until a success closes it.
    consecutive_failures: Mapped[int] = mapped_column(default=0, server_default="0")
    circuit_open_until: Mapped[datetime | None]
    created_by: Mapped[uuid.UUID | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class WebhookDelivery(Base):
    """One change sent to one subscription, retried with exponential backoff until delivered or dead."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        UniqueConstraint("subscription_id", "change_seq"),
        Index("ix_webhook_delivery_due", "next_attempt_at", postgresql_where="status = 'pending'"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    subscription_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("webhook_subscription.id", ondelete="CASCADE"))
    change_seq: Mapped[int] = mapped_column(BigInteger)
    event_type: Mapped[str] = mapped_column(String(60))
    body: Mapped[dict[str, Any]] = mapped_column(JSONB)
    status: Mapped[str] = mapped_column(String(20), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(server_default=func.now())
    # Set while a worker holds the delivery (its lease ends at `next_attempt_at`); checked before the POST and
    # when recording the outcome, so a delivery whose lease was taken over is neither sent nor recorded twice.
    lease_token: Mapped[uuid.UUID | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    last_status_code: Mapped[int | None]
    delivered_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class WebhookDeadLetter(Base):
    """A delivery whose retries ran out; ops replay it once the receiver is fixed."""

    __tablename__ = "webhook_dead_letter"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    delivery_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("webhook_delivery.id", ondelete="CASCADE"), index=True)
    subscription_id: Mapped[uuid.UUID]
    agency_code: Mapped[str] = mapped_column(String(40))
    event_type: Mapped[str] = mapped_column(String(60))
    attempts: Mapped[int]
    last_error: Mapped[str | None] = mapped_column(Text)
    dead_at: Mapped[datetime] = mapped_column(server_default=func.now())
    replayed_at: Mapped[datetime | None]
