"""API models of webhooks."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator

from services.implementation.webhooks.signing import secret_key


class WebhookCreate(BaseModel):
    """Register an endpoint; deliveries are signed as Standard Webhooks with the secret (Audisi makes one unless
    the agency brings its own `whsec_<base64 of 24 to 64 bytes>`)."""

    model_config = ConfigDict(extra="forbid")

    url: HttpUrl
    secret: str | None = Field(default=None, max_length=200, description="whsec_<base64>; default: a new one")
    agency_code: str | None = Field(default=None, description="committee/admin only: the agency it serves")

    @field_validator("secret")
    @classmethod
    def _standard_secret(cls, value: str | None) -> str | None:
        if value is not None and secret_key(value) is None:
            raise ValueError("secret must be whsec_ followed by the base64 of 24 to 64 random bytes")
        return value


class WebhookRead(BaseModel):
    """A registered endpoint (without its secret)."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    agency_code: str
    url: str
    active: bool
    created_at: datetime


class WebhookCreated(WebhookRead):
    """A new endpoint with its signing secret: shown this once, keep it."""

    secret: str


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
    last_error: str | None = Field(
        description="a category (timeout, connection_failed, HTTP 503...), never the remote's text"
    )
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
