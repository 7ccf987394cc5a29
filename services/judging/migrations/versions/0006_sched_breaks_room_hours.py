"""Breaks (ishoma) in audition days and rooms' own hours per day.

Revision ID: 0006_sched_breaks_room_hours
Revises: 0005_judges_declarations
Create Date: 2026-11-30 07:05:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_sched_breaks_room_hours"
down_revision: str | None = "0005_judges_declarations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audition_break",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("day_id", sa.Uuid(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("label", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["day_id"], ["audition_day.id"], name=op.f("fk_audition_break_day_id_audition_day"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audition_break")),
    )
    op.create_index("ix_audition_break_day", "audition_break", ["day_id"], unique=False)
    op.create_table(
        "room_hours",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("day_id", sa.Uuid(), nullable=False),
        sa.Column("room_id", sa.Uuid(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["day_id"], ["audition_day.id"], name=op.f("fk_room_hours_day_id_audition_day"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["room_id"], ["room.id"], name=op.f("fk_room_hours_room_id_room"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_room_hours")),
        sa.UniqueConstraint("day_id", "room_id", name=op.f("uq_room_hours_day_id_room_id")),
    )


def downgrade() -> None:
    op.drop_table("room_hours")
    op.drop_index("ix_audition_break_day", table_name="audition_break")
    op.drop_table("audition_break")
