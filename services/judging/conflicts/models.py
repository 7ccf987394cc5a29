"""Judges' exclusions from ideas: conflicts found automatically, recusals and declared ties."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.judging.db import Base
from shared.db import new_id, utcnow


class ExclusionKind(StrEnum):
    """Why a judge does not judge an idea."""

    CONFLICT = "conflict"  # found automatically: same agency as the team, or on the team
    RECUSAL = "recusal"  # the judge stepped aside, with a reason
    DECLARED = "declared"  # the judge declared a tie HR data cannot show (family, direct supervisor)


class Exclusion(Base):
    """A judge excluded from an idea (all rounds); every exclusion is also in the audit log."""

    __tablename__ = "exclusion"
    __table_args__ = (UniqueConstraint("idea_id", "judge_id", "kind"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    edition_code: Mapped[str] = mapped_column(String(40), index=True)
    idea_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("idea.id"))
    judge_id: Mapped[uuid.UUID]
    judge_name: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
