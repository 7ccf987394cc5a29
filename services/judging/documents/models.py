"""Certificates (piagam) issued to participants and selected ideas, each with its verification code."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.judging.db import Base


class CertificateKind(StrEnum):
    """What a piagam is for."""

    PARTICIPATION = "participation"  # every member of the team of a decided idea
    SELECTION = "selection"  # one per selected idea, naming its whole team


class Certificate(Base):
    """A piagam as issued: the holder's name and date are kept, so every download prints the same bytes.

    The code is random (`secrets`, 80 bits) and is the only key the public verification route takes.
    """

    __tablename__ = "certificate"
    __table_args__ = (
        # One piagam per person per idea and kind; the selection piagam has no single holder (NULL).
        UniqueConstraint("idea_id", "kind", "holder_user_id", postgresql_nulls_not_distinct=True),
        Index("ix_certificate_edition", "edition_code"),
    )

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    edition_code: Mapped[str] = mapped_column(String(40))
    idea_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("idea.id"))
    kind: Mapped[str] = mapped_column(String(20))
    holder_user_id: Mapped[uuid.UUID | None]
    holder_name: Mapped[str] = mapped_column(Text)
    idea_title: Mapped[str] = mapped_column(Text)
    #: The date printed on the piagam: the publication of the idea's decision.
    issued_at: Mapped[datetime]
