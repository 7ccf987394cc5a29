"""What judges see: attachments' metadata, extra answers and work units on ideas; conflict declarations.

Revision ID: 0005_judges_declarations
Revises: 0004_docs_certificates
Create Date: 2026-11-30 06:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005_judges_declarations"
down_revision: str | None = "0004_docs_certificates"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

IDEA_LISTS = ("team_work_units", "attachments", "extra_answers")


def upgrade() -> None:
    # Ideas stored before this revision learn theirs with their next idea.submitted.v1; until then none.
    for column in IDEA_LISTS:
        op.add_column(
            "idea",
            sa.Column(column, postgresql.JSONB(astext_type=sa.Text()), server_default="[]", nullable=False),
        )
    op.create_table(
        "conflict_declaration",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("edition_code", sa.String(length=40), nullable=False),
        sa.Column("judge_id", sa.Uuid(), nullable=False),
        sa.Column("judge_name", sa.String(length=200), nullable=False),
        sa.Column("declared_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conflict_declaration")),
        sa.UniqueConstraint("edition_code", "judge_id", name=op.f("uq_conflict_declaration_edition_code_judge_id")),
    )


def downgrade() -> None:
    op.drop_table("conflict_declaration")
    for column in reversed(IDEA_LISTS):
        op.drop_column("idea", column)
