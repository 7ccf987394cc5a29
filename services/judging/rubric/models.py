"""Editions as judging knows them, their rounds, and each round's rubric of weighted criteria."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from services.judging.db import Base
from shared.db import new_id, utcnow


class RoundKind(StrEnum):
    """The two rounds of an edition; the audition is the default round (decisions rank on it)."""

    SCREENING = "screening"  # desk review of the written idea
    AUDITION = "audition"  # the live pitch


DEFAULT_ROUND = RoundKind.AUDITION


class Edition(Base):
    """An edition's judging settings: the selection rules declared before scoring starts."""

    __tablename__ = "edition"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    #: SelectionRules as JSON (see decisions.schemas.SelectionRules); None until declared.
    rules: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    rules_declared_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Round(Base):
    """A round of judging in an edition, with its own rubric and panels."""

    __tablename__ = "round"
    __table_args__ = (UniqueConstraint("edition_code", "kind"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    edition_code: Mapped[str] = mapped_column(ForeignKey("edition.code"))
    kind: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Criterion(Base):
    """A weighted criterion of a round's rubric; uncounted ones are shown to judges but weigh nothing."""

    __tablename__ = "criterion"
    __table_args__ = (UniqueConstraint("round_id", "key"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    round_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    weight: Mapped[int]
    min_score: Mapped[int]
    max_score: Mapped[int]
    counted: Mapped[bool] = mapped_column(default=True)
    #: [{"score": int, "description": str}]: what each score level means.
    levels: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    position: Mapped[int] = mapped_column(default=0)


class CriterionFacts(Protocol):
    """What scoring reads of a criterion: a `Criterion`, or a row selecting these columns (the score save)."""

    @property
    def key(self) -> str: ...
    @property
    def weight(self) -> int: ...
    @property
    def min_score(self) -> int: ...
    @property
    def max_score(self) -> int: ...
    @property
    def counted(self) -> bool: ...
