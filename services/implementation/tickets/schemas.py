"""API models of tickets, milestones, progress updates, impact and the change feed."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, HttpUrl

from services.implementation.evidence.schemas import EvidenceRead


class PartnerIn(BaseModel):
    """A partner (mitra) helping the agency implement the idea."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=2, max_length=200)
    kind: str = Field(default="other", description="business, university, community, agency, other", max_length=40)


class ProposerRead(BaseModel):
    """Who proposed the idea, or is on its team (personal data: agency, committee and the team only)."""

    user_id: uuid.UUID
    name: str
    email: str
    agency_code: str | None


class ImpactRead(BaseModel):
    """What the idea promised and what the agency measured (time per case in minutes, cost per year in Rp)."""

    promised_minutes_saved_per_case: int | None
    promised_cost_saved_per_year_rp: int | None
    baseline_minutes_per_case: int | None
    measured_minutes_per_case: int | None
    baseline_cost_per_year_rp: int | None
    measured_cost_per_year_rp: int | None
    measured_minutes_saved_per_case: int | None
    measured_cost_saved_per_year_rp: int | None
    time_promise_met: bool | None
    cost_promise_met: bool | None
    note: str | None
    measured_at: datetime | None


class MilestoneRead(BaseModel):
    """A milestone of a ticket."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    title: str
    due_date: date
    done: bool
    done_at: datetime | None
    overdue: bool = False


class MilestoneCreate(BaseModel):
    """A new milestone."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=3, max_length=300)
    due_date: date


class MilestoneUpdate(BaseModel):
    """Change a milestone (omitted fields stay)."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, min_length=3, max_length=300)
    due_date: date | None = None
    done: bool | None = None


class ProgressUpdateRead(BaseModel):
    """A progress update with its evidence."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    author_name: str
    body: str
    percent_complete: int | None
    evidence_links: list[str]
    created_at: datetime
    evidence_files: list[EvidenceRead] = []  # uploaded files (POST /api/v1/evidence), oldest first


class ProgressUpdateCreate(BaseModel):
    """Post progress, with evidence links and optionally a new percent complete."""

    model_config = ConfigDict(extra="forbid")

    body: str = Field(min_length=3, max_length=5000)
    evidence_links: list[HttpUrl] = Field(default_factory=list, max_length=20)
    percent_complete: int | None = Field(default=None, ge=0, le=100)


class TicketRead(BaseModel):
    """An implementation ticket with the snapshot of its idea."""

    id: uuid.UUID
    idea_id: uuid.UUID
    edition_code: str
    agency_code: str
    status: str
    status_reason: str | None
    allowed_transitions: list[str]
    due_date: date | None
    overdue: bool
    position_group: str
    score: float | None
    rank: int | None
    title: str
    problem: str
    solution: str
    beneficiaries: str
    service_area: str | None
    estimated_budget_rp: int
    idea_partners: list[dict[str, Any]]
    proposer: ProposerRead
    co_proposers: list[ProposerRead] = []
    proposer_public: bool
    person_in_charge: str | None
    person_in_charge_contact: str | None
    partners: list[dict[str, Any]]
    percent_complete: int
    impact: ImpactRead
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None


class TicketDetail(TicketRead):
    """A ticket with its milestones and progress updates."""

    milestones: list[MilestoneRead]
    updates: list[ProgressUpdateRead]


class TicketPage(BaseModel):
    """A page of tickets, newest first; pass `next_cursor` as `cursor` for the next page."""

    items: list[TicketRead]
    next_cursor: str | None
    limit: int


class TransitionRequest(BaseModel):
    """Move a ticket along its workflow; blocked and cancelled need a reason."""

    model_config = ConfigDict(extra="forbid")

    to: str = Field(description="new, accepted, in_progress, piloting, implemented, blocked, cancelled")
    reason: str | None = Field(default=None, max_length=2000)


class TicketUpdate(BaseModel):
    """What the agency sets (person in charge, partners, percent) and the committee (public proposer name)."""

    model_config = ConfigDict(extra="forbid")

    person_in_charge: str | None = Field(default=None, max_length=200)
    person_in_charge_contact: str | None = Field(default=None, max_length=200)
    partners: list[PartnerIn] | None = Field(default=None, max_length=30)
    percent_complete: int | None = Field(default=None, ge=0, le=100)
    proposer_public: bool | None = None


class ImpactUpdate(BaseModel):
    """The service's measured time per case (minutes) and cost per year (Rp), before and after."""

    model_config = ConfigDict(extra="forbid")

    baseline_minutes_per_case: int | None = Field(default=None, ge=0)
    measured_minutes_per_case: int | None = Field(default=None, ge=0)
    baseline_cost_per_year_rp: int | None = Field(default=None, ge=0)
    measured_cost_per_year_rp: int | None = Field(default=None, ge=0)
    note: str | None = Field(default=None, max_length=2000)


class ReassignRequest(BaseModel):
    """Move a ticket to another agency (committee)."""

    model_config = ConfigDict(extra="forbid")

    agency_code: str
    reason: str = Field(min_length=3, max_length=2000)


class FeedItem(BaseModel):
    """One change of a ticket, as the change feed and webhooks carry it."""

    seq: int
    type: str
    ticket_id: uuid.UUID
    idea_id: uuid.UUID | None = None
    agency_code: str
    occurred_at: datetime
    data: dict[str, Any]


class FeedPage(BaseModel):
    """Changes after the cursor, oldest first; poll again with `next_cursor` (it never skips or repeats)."""

    items: list[FeedItem]
    next_cursor: int
