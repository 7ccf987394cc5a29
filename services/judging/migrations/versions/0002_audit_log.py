"""Append-only audit log (shared.audit) replaces the judging-only audit_entry table.

The shared table (who, role, name, when, from where; UPDATE/DELETE/TRUNCATE refused by a trigger) is
what admins list and export; the committee's per-edition view reads it too, by `details->>'edition_code'`.
Existing audit_entry rows are copied over, oldest first (edition and reason go into details), then the
old table is dropped, so each fact is kept once.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 11:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from shared.audit import create_audit_log_v1, drop_audit_log_v1

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_audit_log_v1(op)
    op.create_index(
        "ix_audit_log_edition_code", "audit_log", [sa.text("(details ->> 'edition_code')"), "id"], unique=False
    )
    op.execute(
        """
        INSERT INTO audit_log (at, actor_id, action, object_type, object_id, details)
        SELECT at, actor_id, action,
               CASE
                   WHEN action LIKE 'judge_excluded_%' OR action IN ('score_set_reopened', 'decision_published',
                       'selection_adjusted') THEN 'idea'
                   WHEN action = 'slot_moved' THEN 'slot'
                   WHEN action = 'audition_day_created' THEN 'audition_day'
                   WHEN action = 'panel_set' THEN 'panel'
                   WHEN action = 'rubric_declared' THEN 'round'
                   ELSE 'edition'
               END,
               CASE WHEN subject_id IS NOT NULL THEN subject_id::text
                    WHEN action IN ('slots_assigned', 'ideas_advanced', 'selection_rules_declared',
                                    'selection_rules_changed') THEN edition_code END,
               data || jsonb_build_object('edition_code', edition_code)
                    || CASE WHEN reason IS NOT NULL THEN jsonb_build_object('reason', reason) ELSE '{}'::jsonb END
        FROM audit_entry
        ORDER BY at, id
        """
    )
    op.drop_index("ix_audit_entry_edition_at", table_name="audit_entry")
    op.drop_table("audit_entry")


def downgrade() -> None:
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("edition_code", sa.String(length=40), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("subject_id", sa.Uuid(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("data", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entry")),
    )
    op.create_index("ix_audit_entry_edition_at", "audit_entry", ["edition_code", "at"], unique=False)
    # Back to the old table: the judging entries (those with an edition), the object id when it is a UUID.
    op.execute(
        """
        INSERT INTO audit_entry (id, edition_code, action, actor_id, subject_id, reason, data, at)
        SELECT gen_random_uuid(), left(details ->> 'edition_code', 40), left(action, 60), actor_id,
               CASE WHEN object_id ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                    THEN object_id::uuid END,
               details ->> 'reason', details - 'edition_code' - 'reason', at
        FROM audit_log
        WHERE details ? 'edition_code'
        """
    )
    op.drop_index("ix_audit_log_edition_code", table_name="audit_log")
    drop_audit_log_v1(op)
