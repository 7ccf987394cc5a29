"""Decisions on ideas (published as idea.judged.v1) and the committee's adjustments to the proposal."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.judging.db import Base
from shared.db import utcnow


class Decision(Base):
    """The committee's published decision on an idea; one per idea, final once published."""

    __tablename__ = "decision"
    __table_args__ = (Index("ix_decision_edition", "edition_code"),)

    idea_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("idea.id"), primary_key=True)
    edition_code: Mapped[str] = mapped_column(String(40))
    selected: Mapped[bool]
    implementing_agency_code: Mapped[str | None] = mapped_column(String(40))
    due_date: Mapped[date | None]
    score: Mapped[float | None]
    raw_score: Mapped[float | None]
    calibrated_score: Mapped[float | None]
    rank: Mapped[int | None]
    reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[uuid.UUID]
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
    event_id: Mapped[uuid.UUID]


class SelectionAdjustment(Base):
    """The committee overriding the proposed selection of one idea, with a reason (also audited)."""

    __tablename__ = "selection_adjustment"

    idea_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("idea.id"), primary_key=True)
    edition_code: Mapped[str] = mapped_column(String(40), index=True)
    selected: Mapped[bool]
    implementing_agency_code: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    adjusted_by: Mapped[uuid.UUID]
    adjusted_at: Mapped[datetime] = mapped_column(default=utcnow)
