"""Editions: one competition per year with its timeline, position groups and idea form."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, String, func
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from services.submission.db import Base
from shared.db import new_id, utcnow


class Edition(Base):
    """An edition such as "ASN Talent Academy 2026"; times are stored in UTC, shown in WIB."""

    __tablename__ = "edition"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    year: Mapped[int] = mapped_column(Integer)
    submission_opens_at: Mapped[datetime]
    submission_closes_at: Mapped[datetime]
    grace_period_minutes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    screening_opens_at: Mapped[datetime | None]
    screening_closes_at: Mapped[datetime | None]
    auditions_start_at: Mapped[datetime | None]
    auditions_end_at: Mapped[datetime | None]
    decisions_at: Mapped[datetime | None]
    position_groups: Mapped[list[str]] = mapped_column(ARRAY(String(40)))
    max_ideas_per_participant: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # [{"key","label","kind": text|number|choice,"required","choices"}]: the committee's extra questions.
    extra_questions: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list, server_default="[]")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, server_default=func.now())
