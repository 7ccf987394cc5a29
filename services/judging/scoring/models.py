"""Judges' score sets, their per-criterion scores and idempotency keys."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, PrimaryKeyConstraint, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from services.judging.db import Base
from shared.db import new_id, utcnow


class SetStatus(StrEnum):
    """A score set is a draft while the judge autosaves, and locked once submitted."""

    DRAFT = "draft"
    SUBMITTED = "submitted"


class ScoreSet(Base):
    """One judge's scores of one idea in one round."""

    __tablename__ = "score_set"
    __table_args__ = (
        UniqueConstraint("round_id", "idea_id", "judge_id"),
        Index("ix_score_set_idea", "idea_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    round_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("round.id"))
    idea_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("idea.id"))
    judge_id: Mapped[uuid.UUID]
    judge_name: Mapped[str] = mapped_column(String(200), default="")
    judge_agency_code: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default=SetStatus.DRAFT)
    submitted_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Score(Base):
    """A judge's score of one criterion, with a comment."""

    __tablename__ = "score"
    __table_args__ = (PrimaryKeyConstraint("score_set_id", "criterion_key"),)

    score_set_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("score_set.id", ondelete="CASCADE"))
    criterion_key: Mapped[str] = mapped_column(String(60))
    value: Mapped[float]
    comment: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ScoreRequest(Base):
    """An Idempotency-Key a judge's tablet sent with a save, and the answer it got.

    A retry with the same key returns the stored answer and changes nothing, so a save that is
    retried after a dropped connection never applies twice, nor overwrites a newer save.
    """

    __tablename__ = "score_request"
    __table_args__ = (PrimaryKeyConstraint("judge_id", "key"),)

    judge_id: Mapped[uuid.UUID]
    key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    response: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
