"""Ideas (gagasan), their versions after submission, and their teams (co-proposers)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, Boolean, Computed, Float, ForeignKey, Index, Integer, String, Text, func
from sqlalchemy.dialects.postgresql import JSONB, TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from services.submission.db import Base
from shared.db import new_id, utcnow


class IdeaStatus(StrEnum):
    """Where an idea is in the submission service's part of its life."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    WITHDRAWN = "withdrawn"


class MemberStatus(StrEnum):
    """A co-proposer's answer to an invitation."""

    INVITED = "invited"
    ACCEPTED = "accepted"
    DECLINED = "declined"


# Full-text search over what the idea says; 'simple' because PostgreSQL has no Indonesian stemmer.
SEARCH_EXPRESSION = (
    "to_tsvector('simple'::regconfig, coalesce(title, '') || ' ' || coalesce(problem, '') || ' ' || "
    "coalesce(solution, '') || ' ' || coalesce(beneficiaries, '') || ' ' || coalesce(service_area, ''))"
)


class Idea(Base):
    """An idea proposed by a participant in an edition."""

    __tablename__ = "idea"
    __table_args__ = (
        Index("ix_idea_search_vector", "search_vector", postgresql_using="gin"),
        Index("ix_idea_edition_status", "edition_id", "status"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    edition_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("edition.id"))
    proposer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("participant.id"), index=True)
    # Copied from the proposer when drafted: filters and exports need them without a join.
    position_group: Mapped[str] = mapped_column(String(40))
    proposer_agency_code: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default=IdeaStatus.DRAFT)
    title: Mapped[str] = mapped_column(String(200))
    problem: Mapped[str | None] = mapped_column(Text)
    solution: Mapped[str | None] = mapped_column(Text)
    beneficiaries: Mapped[str | None] = mapped_column(Text)
    time_saved_minutes_per_case: Mapped[int | None] = mapped_column(Integer)
    cost_saved_per_year_rp: Mapped[int | None] = mapped_column(BigInteger)
    estimated_budget_rp: Mapped[int | None] = mapped_column(BigInteger)
    partners: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list, server_default="[]")
    target_agency_code: Mapped[str | None] = mapped_column(ForeignKey("agency.code"))
    service_area: Mapped[str | None] = mapped_column(String(100))
    extra_answers: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # 0 until submitted
    submitted_at: Mapped[datetime | None]
    submitted_late: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    withdrawn_at: Mapped[datetime | None]
    withdraw_reason: Mapped[str | None] = mapped_column(Text)
    screened_at: Mapped[datetime | None]
    screened_by: Mapped[uuid.UUID | None]
    screened_eligible: Mapped[bool | None]
    screening_reason: Mapped[str | None] = mapped_column(Text)
    # From idea.judged.v1 (the judging service's decision).
    decision_selected: Mapped[bool | None]
    decision_score: Mapped[float | None] = mapped_column(Float)
    decision_rank: Mapped[int | None] = mapped_column(Integer)
    decided_at: Mapped[datetime | None]
    # From ticket.created.v1 / ticket.status_changed.v1 (the implementation service's progress).
    ticket_id: Mapped[uuid.UUID | None]
    ticket_status: Mapped[str | None] = mapped_column(String(40))
    ticket_status_at: Mapped[datetime | None]
    # Deferred: only SQL filters and ranks read it; loading it with every idea costs a tsvector parse per row.
    search_vector: Mapped[Any] = mapped_column(TSVECTOR, Computed(SEARCH_EXPRESSION, persisted=True), deferred=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, server_default=func.now())


class IdeaVersion(Base):
    """What an idea said at each revision after submission (revision 1 is the first submission)."""

    __tablename__ = "idea_version"

    idea_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"), primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, primary_key=True)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSONB)
    changed_by: Mapped[uuid.UUID]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())


class IdeaMember(Base):
    """A co-proposer invited by NIP, with their answer."""

    __tablename__ = "idea_member"

    idea_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"), primary_key=True)
    participant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("participant.id"), primary_key=True, index=True)
    status: Mapped[str] = mapped_column(String(20), default=MemberStatus.INVITED)
    invited_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
    responded_at: Mapped[datetime | None]
