"""Messaging tables v2 (shared.migrations): outbox and inbox dead letters, indexes for pruning old rows.

Revision ID: 0004_outbox_dead_letters
Revises: 0003
Create Date: 2026-11-30 03:20:00.000000
"""

from collections.abc import Sequence

from alembic import op

from shared.migrations import add_dead_letters_v2, drop_dead_letters_v2

revision: str = "0004_outbox_dead_letters"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    add_dead_letters_v2(op)


def downgrade() -> None:
    drop_dead_letters_v2(op)
