"""API models of notifications and preferences."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool


class NotificationRead(BaseModel):
    """An in-app notification."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    template: str
    title: str
    body: str
    link: str | None
    created_at: datetime
    read_at: datetime | None


class NotificationPage(BaseModel):
    """A page of the caller's notifications, newest first; pass `next_before` as `before` for more."""

    items: list[NotificationRead]
    unread: int
    next_before: datetime | None


class PreferenceRead(BaseModel):
    """What the caller receives, per channel."""

    model_config = ConfigDict(from_attributes=True)

    email_enabled: bool
    in_app_enabled: bool
    daily_digest: bool
    language: str
    whatsapp_phone: str | None
    whatsapp_enabled: bool


class PreferenceUpdate(BaseModel):
    """Change some of the caller's choices (omitted fields stay); `whatsapp_phone: ""` removes the number."""

    model_config = ConfigDict(extra="forbid")

    # Strict: the document says boolean, so 0, 1 or 0.0 are refused rather than read as one.
    email_enabled: StrictBool | None = None
    in_app_enabled: StrictBool | None = None
    daily_digest: StrictBool | None = None
    language: Literal["id", "en"] | None = None
    whatsapp_phone: str | None = Field(default=None, max_length=30)
    whatsapp_enabled: StrictBool | None = None
