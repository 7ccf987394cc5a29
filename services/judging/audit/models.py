"""The audit log: every exclusion, reopened set, rule change and adjusted selection, with who and why."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Index, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from services.judging.db import Base
from shared.db import new_id, utcnow


class AuditEntry(Base):
    """One logged act of the committee or a judge that changes who judges what, or how."""

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_edition_at", "edition_code", "at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    edition_code: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(60))
    actor_id: Mapped[uuid.UUID | None]
    subject_id: Mapped[uuid.UUID | None]
    reason: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    at: Mapped[datetime] = mapped_column(default=utcnow)
