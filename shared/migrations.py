"""Alembic helpers: each service keeps its own migrations; these run them against its own database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, create_engine, make_url, pool, text
from sqlalchemy.dialects import postgresql


def alembic_config(migrations_dir: Path, database_url: str) -> Config:
    """An Alembic config for one service's migrations folder, without an alembic.ini."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def ensure_database(database_url: str) -> bool:
    """Create the service's database if it does not exist yet; True if it was created."""
    url = make_url(database_url)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=pool.NullPool)
    try:
        with admin.connect() as conn:
            exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": url.database}).first()
            if exists:
                return False
            conn.execute(text(f'CREATE DATABASE "{url.database}"'))
            return True
    finally:
        admin.dispose()


def upgrade(migrations_dir: Path, database_url: str, revision: str = "head") -> None:
    """Bring a service's database to `revision`, creating the database first if needed."""
    ensure_database(database_url)
    command.upgrade(alembic_config(migrations_dir, database_url), revision)


def run_migrations(target_metadata: MetaData) -> None:
    """The body of every service's migrations/env.py (online mode only: we always have a database)."""
    url = context.config.get_main_option("sqlalchemy.url")
    assert url, "sqlalchemy.url is set by shared.migrations.alembic_config"
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


# The shared tables' first shape, frozen here as migration operations. Every service's first migration
# calls these; a later change to the tables in shared.messaging must come as a new migration in each
# service, never as an edit here (that would change what old migrations create).


def create_messaging_tables_v1(op: Any) -> None:
    """Create the outbox and inbox tables (shared.messaging, version 1) in a service's first migration."""
    op.create_table(
        "inbox_event",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("consumer", sa.String(length=40), nullable=False),
        sa.Column("event_type", sa.String(length=80), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("event_id", "consumer", name=op.f("pk_inbox_event")),
    )
    op.create_table(
        "outbox_event",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("event_type", sa.String(length=80), nullable=False),
        sa.Column("body", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_outbox_event")),
    )
    op.create_table(
        "outbox_delivery",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("subscriber", sa.String(length=40), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["outbox_event.event_id"],
            name=op.f("fk_outbox_delivery_event_id_outbox_event"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", "subscriber", name=op.f("pk_outbox_delivery")),
    )
    op.create_index(
        "ix_outbox_delivery_due",
        "outbox_delivery",
        ["next_attempt_at"],
        unique=False,
        postgresql_where=sa.text("acked_at IS NULL"),
    )


def drop_messaging_tables_v1(op: Any) -> None:
    """Drop what `create_messaging_tables_v1` created (a service's first migration's downgrade)."""
    op.drop_index("ix_outbox_delivery_due", table_name="outbox_delivery", postgresql_where=sa.text("acked_at IS NULL"))
    op.drop_table("outbox_delivery")
    op.drop_table("outbox_event")
    op.drop_table("inbox_event")


def add_dead_letters_v2(op: Any) -> None:
    """Messaging tables version 2: dead letters on both sides, and the indexes pruning needs.

    `outbox_delivery.dead_at` parks a delivery no consumer acknowledged after its last attempt;
    `inbox_dead_letter` keeps a poison message a consumer gave up on; `created_at`/`handled_at` indexes let
    the relay prune acknowledged rows after their retention period.
    """
    op.add_column("outbox_delivery", sa.Column("dead_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_outbox_event_created_at", "outbox_event", ["created_at"], unique=False)
    op.create_index("ix_inbox_event_handled_at", "inbox_event", ["handled_at"], unique=False)
    op.create_table(
        "inbox_dead_letter",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("event_id", sa.Text(), nullable=False),
        sa.Column("consumer", sa.String(length=40), nullable=False),
        sa.Column("event_type", sa.Text(), nullable=False),
        sa.Column("body", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("parked_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("replay_requested_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox_dead_letter")),
        sa.UniqueConstraint("event_id", "consumer", name=op.f("uq_inbox_dead_letter_event_id_consumer")),
    )


def drop_dead_letters_v2(op: Any) -> None:
    """Undo `add_dead_letters_v2`."""
    op.drop_table("inbox_dead_letter")
    op.drop_index("ix_inbox_event_handled_at", table_name="inbox_event")
    op.drop_index("ix_outbox_event_created_at", table_name="outbox_event")
    op.drop_column("outbox_delivery", "dead_at")
