"""A judge's declaration of conflicts of interest for an edition, made before scoring in it."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.judging.db import Base
from shared.db import new_id, utcnow


class ConflictDeclaration(Base):
    """That a judge declared for an edition (with or without conflicts); each conflict is an `Exclusion`.

    Scoring in the edition requires this row. The declared conflicts themselves are exclusions of kind
    `declared`, so every rule that honours exclusions (scoring, reveal, results, progress) honours them.
    """

    __tablename__ = "conflict_declaration"
    __table_args__ = (UniqueConstraint("edition_code", "judge_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    edition_code: Mapped[str] = mapped_column(String(40))
    judge_id: Mapped[uuid.UUID]
    judge_name: Mapped[str] = mapped_column(String(200), default="")
    declared_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
