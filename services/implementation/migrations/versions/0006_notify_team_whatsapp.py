"""Notifications for whole teams: the recipient's language, WhatsApp opt-in and messages, and each ticket's
co-proposers (learnt from idea.judged.v1) so every team member sees and hears what the proposer does.

Revision ID: 0006_notify_team_whatsapp
Revises: 0005_delivery_leases
Create Date: 2026-11-30 07:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006_notify_team_whatsapp"
down_revision: str | None = "0005_delivery_leases"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("notification_job", sa.Column("language", sa.String(length=2), server_default="id", nullable=False))
    op.add_column(
        "notification_preference", sa.Column("language", sa.String(length=2), server_default="id", nullable=False)
    )
    op.add_column("notification_preference", sa.Column("whatsapp_phone", sa.String(length=30), nullable=True))
    op.add_column(
        "notification_preference",
        sa.Column("whatsapp_enabled", sa.Boolean(), server_default="false", nullable=False),
    )
    op.create_table(
        "whatsapp_message",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("job_id", sa.Uuid(), nullable=False),
        sa.Column("phone", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("enqueued_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lease_token", sa.Uuid(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["job_id"], ["notification_job.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("job_id"),
    )
    op.create_index("ix_whatsapp_message_due", "whatsapp_message", ["status", "next_attempt_at"])
    op.add_column(
        "ticket",
        sa.Column("co_proposers", postgresql.JSONB(astext_type=sa.Text()), server_default="[]", nullable=False),
    )


def downgrade() -> None:
    op.drop_column("ticket", "co_proposers")
    op.drop_index("ix_whatsapp_message_due", table_name="whatsapp_message")
    op.drop_table("whatsapp_message")
    op.drop_column("notification_preference", "whatsapp_enabled")
    op.drop_column("notification_preference", "whatsapp_phone")
    op.drop_column("notification_preference", "language")
    op.drop_column("notification_job", "language")
