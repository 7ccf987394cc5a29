"""Outbox and inbox tables, which every service has in its own database."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB


def tries_key(queue: str, event_id: str) -> str:
    """The Redis hash counting a message's tries on `queue` (`tries`) and keeping its last error (`error`)."""
    return f"audisi:inbox:tries:{queue}:{event_id}"


#: Channel the relay LISTENs on; `publish` NOTIFYs it in the same transaction, so it fires on commit.
OUTBOX_CHANNEL = "audisi_outbox"


@dataclass(frozen=True)
class MessagingTables:
    """The outbox (events to deliver, one delivery per subscriber), the inbox (events handled) and the
    inbox's dead letters (poison messages a consumer parked instead of trying them forever)."""

    outbox_event: Table
    outbox_delivery: Table
    inbox_event: Table
    inbox_dead_letter: Table


def define_messaging_tables(metadata: MetaData) -> MessagingTables:
    """Add the outbox and inbox tables to a service's MetaData."""
    outbox_event = Table(
        "outbox_event",
        metadata,
        Column("event_id", Uuid, primary_key=True),
        Column("event_type", String(80), nullable=False),
        Column("body", JSONB, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        # Pruning finds old events by age.
        Index("ix_outbox_event_created_at", "created_at"),
    )
    outbox_delivery = Table(
        "outbox_delivery",
        metadata,
        Column("event_id", Uuid, ForeignKey("outbox_event.event_id", ondelete="CASCADE"), nullable=False),
        Column("subscriber", String(40), nullable=False),
        Column("attempts", Integer, nullable=False, server_default="0"),
        Column("next_attempt_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("published_at", DateTime(timezone=True)),
        Column("acked_at", DateTime(timezone=True)),
        Column("last_error", Text),
        # Set when the relay gave up (every attempt sent, none acknowledged): a dead letter until replayed.
        Column("dead_at", DateTime(timezone=True)),
        PrimaryKeyConstraint("event_id", "subscriber"),
        # The relay's only query: due, unacknowledged deliveries in order. A partial index stays small.
        Index("ix_outbox_delivery_due", "next_attempt_at", postgresql_where=text("acked_at IS NULL")),
    )
    inbox_event = Table(
        "inbox_event",
        metadata,
        Column("event_id", Uuid, nullable=False),
        Column("consumer", String(40), nullable=False),
        Column("event_type", String(80), nullable=False),
        Column("handled_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        PrimaryKeyConstraint("event_id", "consumer"),
        # Pruning finds old rows by age.
        Index("ix_inbox_event_handled_at", "handled_at"),
    )
    inbox_dead_letter = Table(
        "inbox_dead_letter",
        metadata,
        Column("id", Uuid, primary_key=True),
        # As the message carried it: a malformed message may not even have a valid UUID.
        Column("event_id", Text, nullable=False),
        Column("consumer", String(40), nullable=False),
        Column("event_type", Text, nullable=False),
        Column("body", JSONB, nullable=False),
        Column("tries", Integer, nullable=False),
        Column("last_error", Text, nullable=False),
        Column("parked_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        # An admin asked for a replay over HTTP; the relay sends it (requests never call Celery).
        Column("replay_requested_at", DateTime(timezone=True)),
        UniqueConstraint("event_id", "consumer"),
    )
    return MessagingTables(outbox_event, outbox_delivery, inbox_event, inbox_dead_letter)
