"""Notification jobs (one per idempotency key), in-app notifications and per-user preferences."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from services.implementation.db import Base
from shared.db import new_id


class EmailStatus(StrEnum):
    """Where a job's email is: `pending` waits for (another) attempt, `sending` is claimed by a worker."""

    NONE = "none"  # the job has no email channel
    SKIPPED = "skipped"  # the recipient turned email off or chose the digest
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class NotificationJob(Base):
    """One notification.requested.v1: its idempotency key is unique, so one event gives one message."""

    __tablename__ = "notification_job"
    __table_args__ = (Index("ix_notification_job_email_due", "email_status", "next_attempt_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    event_id: Mapped[uuid.UUID | None]
    template: Mapped[str] = mapped_column(String(80))
    recipient_user_id: Mapped[uuid.UUID] = mapped_column(index=True)
    recipient_name: Mapped[str] = mapped_column(String(200))
    recipient_email: Mapped[str] = mapped_column(String(200))
    channels: Mapped[list[str]] = mapped_column(JSONB)
    context: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    link: Mapped[str | None] = mapped_column(Text)
    email_status: Mapped[str] = mapped_column(String(20), default=EmailStatus.NONE)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    next_attempt_at: Mapped[datetime | None]
    # When a send task was last queued for it; the sweep queues only jobs nobody queued lately.
    enqueued_at: Mapped[datetime | None]
    # The claim that holds the email while `sending` (its lease ends at `next_attempt_at`): every later state
    # change names it, so a worker whose lease was taken over changes nothing.
    lease_token: Mapped[uuid.UUID | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    message_id: Mapped[str | None] = mapped_column(String(200))
    sent_at: Mapped[datetime | None]
    # The recipient's language when the job was recorded ("id" or "en"): every channel speaks it.
    language: Mapped[str] = mapped_column(String(2), default="id", server_default="id")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class WhatsAppMessage(Base):
    """A job's WhatsApp message, for a recipient who opted in: one per job (so one per idempotency key).

    Its delivery follows the email's rules: claimed under a lease token, retried with backoff on transient
    failures (the sweep queues due ones), and sent with the job's idempotency key so the gateway drops a copy.
    """

    __tablename__ = "whatsapp_message"
    __table_args__ = (Index("ix_whatsapp_message_due", "status", "next_attempt_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    job_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("notification_job.id", ondelete="CASCADE"), unique=True)
    phone: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20), default=EmailStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    next_attempt_at: Mapped[datetime | None]
    enqueued_at: Mapped[datetime | None]
    lease_token: Mapped[uuid.UUID | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class InAppNotification(Base):
    """A notification shown in the app to one user."""

    __tablename__ = "in_app_notification"
    __table_args__ = (Index("ix_in_app_notification_user_created", "user_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    job_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("notification_job.id", ondelete="CASCADE"), unique=True)
    user_id: Mapped[uuid.UUID]
    template: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    read_at: Mapped[datetime | None]


class NotificationPreference(Base):
    """What a user wants to receive, per channel; agency and committee users may take a daily digest."""

    __tablename__ = "notification_preference"

    user_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    role: Mapped[str] = mapped_column(String(20))
    agency_code: Mapped[str | None] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(200))
    email_enabled: Mapped[bool] = mapped_column(default=True, server_default="true")
    in_app_enabled: Mapped[bool] = mapped_column(default=True, server_default="true")
    daily_digest: Mapped[bool] = mapped_column(default=False, server_default="false")
    language: Mapped[str] = mapped_column(String(2), default="id", server_default="id")
    # WhatsApp is opt-in: a number in international form (628...) and the switch.
    whatsapp_phone: Mapped[str | None] = mapped_column(String(30))
    whatsapp_enabled: Mapped[bool] = mapped_column(default=False, server_default="false")
    last_digest_seq: Mapped[int] = mapped_column(default=0, server_default="0")
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())
