"""API models of webhooks."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, HttpUrl


class WebhookCreate(BaseModel):
    """Register an endpoint; the secret signs every delivery (keep it; it is not shown again)."""

    model_config = ConfigDict(extra="forbid")

    url: HttpUrl
    secret: str = Field(min_length=16, max_length=200)
    agency_code: str | None = Field(default=None, description="committee/admin only: the agency it serves")


class WebhookRead(BaseModel):
    """A registered endpoint (without its secret)."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    agency_code: str
    url: str
    active: bool
    created_at: datetime


class DeliveryRead(BaseModel):
    """A delivery attempt record."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    subscription_id: uuid.UUID
    change_seq: int
    event_type: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    last_status_code: int | None
    delivered_at: datetime | None


class DeadLetterRead(BaseModel):
    """A delivery whose retries ran out."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    delivery_id: uuid.UUID
    subscription_id: uuid.UUID
    agency_code: str
    event_type: str
    attempts: int
    last_error: str | None
    dead_at: datetime
    replayed_at: datetime | None


class ReplayResult(BaseModel):
    """How many dead letters were put back in the queue."""

    replayed: int
