"""Evidence files on progress updates (photos, documents, PDF), checked by content and kept on a volume.

Revision ID: 0007_evidence_files
Revises: 0006_notify_team_whatsapp
Create Date: 2026-11-30 08:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_evidence_files"
down_revision: str | None = "0006_notify_team_whatsapp"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "evidence_file",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("ticket_id", sa.Uuid(), nullable=False),
        sa.Column("update_id", sa.Uuid(), nullable=False),
        sa.Column("uploaded_by", sa.Uuid(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=120), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("storage_key", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["update_id"], ["progress_update.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("storage_key"),
    )
    op.create_index("ix_evidence_file_ticket_id", "evidence_file", ["ticket_id"])
    op.create_index("ix_evidence_file_update_id", "evidence_file", ["update_id"])


def downgrade() -> None:
    op.drop_index("ix_evidence_file_update_id", table_name="evidence_file")
    op.drop_index("ix_evidence_file_ticket_id", table_name="evidence_file")
    op.drop_table("evidence_file")
