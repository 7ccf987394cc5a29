"""Implementation tickets, their milestones, progress updates, change feed and escalations."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Identity, Index, String, Text, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from services.implementation.db import Base
from shared.db import new_id


class TicketStatus(StrEnum):
    """Where a ticket is in its workflow."""

    NEW = "new"
    ACCEPTED = "accepted"
    IN_PROGRESS = "in_progress"
    PILOTING = "piloting"
    IMPLEMENTED = "implemented"
    BLOCKED = "blocked"
    CANCELLED = "cancelled"


OPEN_STATUSES = frozenset(
    {TicketStatus.NEW, TicketStatus.ACCEPTED, TicketStatus.IN_PROGRESS, TicketStatus.PILOTING, TicketStatus.BLOCKED}
)


class IdeaState(Base):
    """The newest decision and any withdrawal seen for an idea, so events in any order give one outcome."""

    __tablename__ = "idea_state"

    idea_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    last_decided_at: Mapped[datetime | None]
    last_selected: Mapped[bool | None]
    withdrawn_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())


class Ticket(Base):
    """One implementation ticket per selected idea (unique idea_id), with a snapshot of the idea."""

    __tablename__ = "ticket"
    __table_args__ = (Index("ix_ticket_agency_created", "agency_code", "created_at", "id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    idea_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    edition_code: Mapped[str] = mapped_column(String(40), index=True)
    agency_code: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default=TicketStatus.NEW, index=True)
    status_before_block: Mapped[str | None] = mapped_column(String(20))
    status_reason: Mapped[str | None] = mapped_column(Text)
    due_date: Mapped[date | None]
    position_group: Mapped[str] = mapped_column(String(40))
    score: Mapped[float | None]
    rank: Mapped[int | None]
    decided_at: Mapped[datetime]
    # The idea as it was selected.
    title: Mapped[str] = mapped_column(Text)
    problem: Mapped[str] = mapped_column(Text)
    solution: Mapped[str] = mapped_column(Text)
    beneficiaries: Mapped[str] = mapped_column(Text)
    service_area: Mapped[str | None] = mapped_column(String(200))
    promised_minutes_saved_per_case: Mapped[int | None]
    promised_cost_saved_per_year_rp: Mapped[int | None] = mapped_column(BigInteger)
    estimated_budget_rp: Mapped[int] = mapped_column(BigInteger, default=0)
    idea_partners: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    # The proposer: personal data, never public unless the committee marks the name public.
    proposer_user_id: Mapped[uuid.UUID] = mapped_column(index=True)
    proposer_name: Mapped[str] = mapped_column(String(200))
    proposer_email: Mapped[str] = mapped_column(String(200))
    proposer_agency_code: Mapped[str | None] = mapped_column(String(40))
    proposer_nip: Mapped[str | None] = mapped_column(String(18))
    # The team's other members (`Person` dicts from idea.judged.v1): they read the ticket and hear what the
    # proposer hears.
    co_proposers: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list, server_default="[]")
    proposer_public: Mapped[bool] = mapped_column(default=False, server_default="false")
    # Set by the agency.
    person_in_charge: Mapped[str | None] = mapped_column(String(200))
    person_in_charge_contact: Mapped[str | None] = mapped_column(String(200))
    partners: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    percent_complete: Mapped[int] = mapped_column(default=0, server_default="0")
    # Impact measured by the agency, to compare with what the idea promised.
    baseline_minutes_per_case: Mapped[int | None]
    measured_minutes_per_case: Mapped[int | None]
    baseline_cost_per_year_rp: Mapped[int | None] = mapped_column(BigInteger)
    measured_cost_per_year_rp: Mapped[int | None] = mapped_column(BigInteger)
    impact_note: Mapped[str | None] = mapped_column(Text)
    impact_measured_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())
    closed_at: Mapped[datetime | None]

    @property
    def is_open(self) -> bool:
        """Whether the ticket can still move (not implemented, not cancelled)."""
        return self.status in OPEN_STATUSES


class Milestone(Base):
    """A step of a ticket's plan with a due date."""

    __tablename__ = "milestone"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    due_date: Mapped[date]
    done: Mapped[bool] = mapped_column(default=False, server_default="false")
    done_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class ProgressUpdate(Base):
    """A progress note posted by the agency, with evidence links."""

    __tablename__ = "progress_update"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[uuid.UUID]
    author_name: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    percent_complete: Mapped[int | None]
    evidence_links: Mapped[list[str]] = mapped_column(JSONB, default=list)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class TicketChange(Base):
    """The change feed: one row per change, `seq` increasing in commit order (see tickets.feed)."""

    __tablename__ = "ticket_change"
    __table_args__ = (Index("ix_ticket_change_agency_seq", "agency_code", "seq"),)

    seq: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    agency_code: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    actor_id: Mapped[uuid.UUID | None]
    occurred_at: Mapped[datetime] = mapped_column(server_default=func.now())


class Escalation(Base):
    """A reminder sent for an overdue ticket or milestone; unique per subject and level, so never twice."""

    __tablename__ = "escalation"
    __table_args__ = (UniqueConstraint("subject", "level"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    subject: Mapped[str] = mapped_column(String(80))
    level: Mapped[int]
    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    milestone_id: Mapped[uuid.UUID | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
