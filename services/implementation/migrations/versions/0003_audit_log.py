"""Append-only audit log (shared.audit): who did what, when, from where; UPDATE/DELETE/TRUNCATE refused.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 11:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

from shared.audit import create_audit_log_v1, drop_audit_log_v1

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_audit_log_v1(op)


def downgrade() -> None:
    drop_audit_log_v1(op)
