"""Certificates (piagam) with their verification codes.

Revision ID: 0004_docs_certificates
Revises: 0003_outbox_dead_letters
Create Date: 2026-11-30 03:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_docs_certificates"
down_revision: str | None = "0003_outbox_dead_letters"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "certificate",
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("edition_code", sa.String(length=40), nullable=False),
        sa.Column("idea_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("holder_user_id", sa.Uuid(), nullable=True),
        sa.Column("holder_name", sa.Text(), nullable=False),
        sa.Column("idea_title", sa.Text(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["idea_id"], ["idea.id"], name=op.f("fk_certificate_idea_id_idea")),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_certificate")),
        sa.UniqueConstraint(
            "idea_id",
            "kind",
            "holder_user_id",
            name=op.f("uq_certificate_idea_id_kind_holder_user_id"),
            postgresql_nulls_not_distinct=True,
        ),
    )
    op.create_index("ix_certificate_edition", "certificate", ["edition_code"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_certificate_edition", table_name="certificate")
    op.drop_table("certificate")
