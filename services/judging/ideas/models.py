"""The judging service's own copy of submitted ideas, kept from submission's events."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Index, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from services.judging.db import Base
from shared.db import utcnow


class Idea(Base):
    """An idea as judging knows it.

    Events arrive unordered: a screening or withdrawal may come before the submission, so a row can
    exist with `revision == 0` (nothing but its status known yet); it becomes visible once
    idea.submitted.v1 arrives. Older revisions never overwrite newer ones.
    """

    __tablename__ = "idea"
    __table_args__ = (Index("ix_idea_edition_group", "edition_code", "position_group"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    edition_code: Mapped[str] = mapped_column(String(40))
    revision: Mapped[int] = mapped_column(default=0)
    position_group: Mapped[str | None] = mapped_column(String(40))
    proposer_user_id: Mapped[uuid.UUID | None]
    proposer: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    co_proposers: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    #: Agency codes of the proposer and co-proposers: who may not judge this idea.
    team_agency_codes: Mapped[list[str]] = mapped_column(JSONB, default=list)
    #: User ids of the proposer and co-proposers (a judge on the team is conflicted too).
    team_user_ids: Mapped[list[str]] = mapped_column(JSONB, default=list)
    #: The team's work units as `work_unit_key`s: a judge of the same unit kerja is conflicted.
    team_work_units: Mapped[list[str]] = mapped_column(JSONB, default=list, server_default="[]")
    #: The attachments' metadata (`AttachmentRef`) of the stored revision; the bytes stay in submission.
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list, server_default="[]")
    #: Answers to the edition's extra questions (`ExtraAnswer`) of the stored revision.
    extra_answers: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list, server_default="[]")
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    title: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime | None]
    eligible: Mapped[bool | None]
    screening_reason: Mapped[str | None] = mapped_column(Text)
    screened_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)
    #: Advanced from the screening round to the audition by the committee (None: not decided).
    advanced: Mapped[bool | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def known(self) -> bool:
        """Whether idea.submitted.v1 has arrived (the idea has content)."""
        return self.revision > 0

    @property
    def withdrawn(self) -> bool:
        """Whether the proposer withdrew it (then it is out of judging)."""
        return self.withdrawn_at is not None

    @property
    def judgeable(self) -> bool:
        """Known, screened eligible and not withdrawn."""
        return judgeable(self)


class IdeaFacts(Protocol):
    """What judging's rules read of an idea: an `Idea`, or a row selecting these columns (the score save's
    context query, which skips the ORM's per-row work on its hot path)."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def edition_code(self) -> str: ...
    @property
    def revision(self) -> int: ...
    @property
    def eligible(self) -> bool | None: ...
    @property
    def withdrawn_at(self) -> datetime | None: ...
    @property
    def team_user_ids(self) -> list[str]: ...
    @property
    def team_agency_codes(self) -> list[str]: ...
    @property
    def team_work_units(self) -> list[str]: ...


def judgeable(idea: IdeaFacts) -> bool:
    """Known (its submission arrived), screened eligible and not withdrawn."""
    return idea.revision > 0 and idea.eligible is True and idea.withdrawn_at is None
