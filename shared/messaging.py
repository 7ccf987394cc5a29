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
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

#: Channel the relay LISTENs on; `publish` NOTIFYs it in the same transaction, so it fires on commit.
OUTBOX_CHANNEL = "audisi_outbox"


@dataclass(frozen=True)
class MessagingTables:
    """The outbox (events to deliver, one delivery per subscriber) and the inbox (events handled)."""

    outbox_event: Table
    outbox_delivery: Table
    inbox_event: Table


def define_messaging_tables(metadata: MetaData) -> MessagingTables:
    """Add the outbox and inbox tables to a service's MetaData."""
    outbox_event = Table(
        "outbox_event",
        metadata,
        Column("event_id", Uuid, primary_key=True),
        Column("event_type", String(80), nullable=False),
        Column("body", JSONB, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
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
    )
    return MessagingTables(outbox_event, outbox_delivery, inbox_event)
