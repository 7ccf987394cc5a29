"""Accounts: verified email, ended sessions, work unit, and one-time links sent by email.

Accounts that exist today keep signing in: self-registered and staff accounts count as verified from
their creation. Imported participants who never set a password stay unverified until they claim
their account through a link sent to the email on record.

Revision ID: 0004_accounts_verification
Revises: 0003_outbox_dead_letters
Create Date: 2026-11-30 03:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_accounts_verification"
down_revision: str | None = "0003_outbox_dead_letters"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("user_account", sa.Column("work_unit", sa.String(200), nullable=True))
    op.add_column("user_account", sa.Column("email_verified_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("user_account", sa.Column("sessions_revoked_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE user_account SET email_verified_at = created_at WHERE password_hash IS NOT NULL")
    op.add_column("participant", sa.Column("work_unit", sa.String(200), nullable=True))
    op.create_table(
        "account_token",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("purpose", sa.String(20), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_account_token_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_account_token_token_hash")),
    )
    op.create_index("ix_account_token_user_purpose", "account_token", ["user_id", "purpose"])


def downgrade() -> None:
    op.drop_index("ix_account_token_user_purpose", table_name="account_token")
    op.drop_table("account_token")
    op.drop_column("participant", "work_unit")
    op.drop_column("user_account", "sessions_revoked_at")
    op.drop_column("user_account", "email_verified_at")
    op.drop_column("user_account", "work_unit")
