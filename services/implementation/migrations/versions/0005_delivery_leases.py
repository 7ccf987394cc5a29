"""Delivery leases and circuit breakers: email jobs and webhook deliveries carry the token of the claim that
holds them (every state change is fenced by it); webhook endpoints count consecutive failures.

Revision ID: 0005_delivery_leases
Revises: 0004_outbox_dead_letters
Create Date: 2026-11-30 03:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_delivery_leases"
down_revision: str | None = "0004_outbox_dead_letters"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("notification_job", sa.Column("lease_token", sa.Uuid(), nullable=True))
    op.add_column("webhook_delivery", sa.Column("lease_token", sa.Uuid(), nullable=True))
    op.add_column(
        "webhook_subscription", sa.Column("consecutive_failures", sa.Integer(), server_default="0", nullable=False)
    )
    op.add_column("webhook_subscription", sa.Column("circuit_open_until", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("webhook_subscription", "circuit_open_until")
    op.drop_column("webhook_subscription", "consecutive_failures")
    op.drop_column("webhook_delivery", "lease_token")
    op.drop_column("notification_job", "lease_token")
