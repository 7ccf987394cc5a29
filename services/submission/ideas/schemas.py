"""API models of ideas, their team, screening, decision and implementation progress."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from shared.events import PositionGroup


class PartnerKind(StrEnum):
    """What kind of mitra helps implement an idea."""

    BUSINESS = "business"
    UNIVERSITY = "university"
    COMMUNITY = "community"
    AGENCY = "agency"
    OTHER = "other"


class PartnerIn(BaseModel):
    """A partner (mitra) named on an idea."""

    name: str = Field(min_length=2, max_length=200)
    kind: PartnerKind


class _IdeaFields(BaseModel):
    problem: str | None = Field(default=None, max_length=10_000)
    solution: str | None = Field(default=None, max_length=10_000)
    beneficiaries: str | None = Field(default=None, max_length=5_000)
    time_saved_minutes_per_case: int | None = Field(default=None, ge=0, le=1_000_000)
    cost_saved_per_year_rp: int | None = Field(default=None, ge=0, le=10**15)
    estimated_budget_rp: int | None = Field(default=None, ge=0, le=10**15)
    partners: list[PartnerIn] | None = Field(default=None, max_length=20)
    target_agency_code: str | None = Field(default=None, max_length=40)
    service_area: str | None = Field(default=None, max_length=100)
    extra_answers: dict[str, Any] | None = Field(default=None, max_length=30)


class IdeaCreate(_IdeaFields):
    """A new draft; only the edition and a title are needed to start, the rest is checked on submit."""

    edition_code: str = Field(min_length=1, max_length=40)
    title: str = Field(min_length=3, max_length=200)


class IdeaUpdate(_IdeaFields):
    """Changes to an idea; fields left out stay as they are."""

    title: str | None = Field(default=None, min_length=3, max_length=200)


class WithdrawRequest(BaseModel):
    """Why the proposer withdraws."""

    reason: str = Field(min_length=3, max_length=2000)


class ScreeningRequest(BaseModel):
    """The committee's screening verdict; a reason is required when not eligible."""

    eligible: bool
    reason: str | None = Field(default=None, max_length=2000)


class InviteRequest(BaseModel):
    """Invite a co-proposer by NIP."""

    nip: str = Field(pattern=r"^\d{18}$")


class PersonRead(BaseModel):
    """A proposer or team member as shown on an idea."""

    participant_id: uuid.UUID
    name: str
    nip: str
    agency_code: str
    status: str | None = None


class ScreeningRead(BaseModel):
    """The committee's screening, visible to the proposer."""

    eligible: bool
    reason: str | None
    screened_at: datetime


class DecisionRead(BaseModel):
    """The judging service's decision, from idea.judged.v1."""

    selected: bool
    score: float | None
    rank: int | None
    decided_at: datetime | None


class ImplementationRead(BaseModel):
    """The implementation ticket's progress, from ticket.created.v1 / ticket.status_changed.v1."""

    ticket_id: uuid.UUID
    status: str | None
    updated_at: datetime | None


class AttachmentRead(BaseModel):
    """An attachment's metadata (download at /api/v1/attachments/{id})."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    filename: str
    content_type: str
    size_bytes: int
    sha256: str
    created_at: datetime


class IdeaRead(BaseModel):
    """An idea with everything its proposer, team and the committee may see."""

    id: uuid.UUID
    edition_code: str
    status: str
    title: str
    problem: str | None
    solution: str | None
    beneficiaries: str | None
    time_saved_minutes_per_case: int | None
    cost_saved_per_year_rp: int | None
    estimated_budget_rp: int | None
    partners: list[dict[str, Any]]
    target_agency_code: str | None
    service_area: str | None
    extra_answers: dict[str, Any]
    position_group: PositionGroup
    proposer: PersonRead
    team: list[PersonRead]
    revision: int
    submitted_at: datetime | None
    submitted_late: bool
    editable_until: datetime
    withdrawn_at: datetime | None
    withdraw_reason: str | None
    screening: ScreeningRead | None
    decision: DecisionRead | None
    implementation: ImplementationRead | None
    attachments: list[AttachmentRead]
    created_at: datetime
    updated_at: datetime


class IdeaSummary(BaseModel):
    """An idea in a list."""

    id: uuid.UUID
    edition_code: str
    status: str
    title: str
    position_group: PositionGroup
    proposer_name: str
    proposer_nip: str
    proposer_agency_code: str
    target_agency_code: str | None
    service_area: str | None
    revision: int
    submitted_at: datetime | None
    decision_selected: bool | None
    ticket_status: str | None
    rank: float | None = None


class IdeaPage(BaseModel):
    """One page of ideas."""

    items: list[IdeaSummary]
    total: int
    page: int
    page_size: int


class SimilarIdea(BaseModel):
    """An idea of the same edition that reads like this one."""

    id: uuid.UUID
    title: str
    status: str
    proposer_agency_code: str
    score: float


class SimilarIdeasRead(BaseModel):
    """Whether submitted ideas of the same edition read like this one, and (committee only) which.

    A participant learns only `similar_exist`: others' ideas are 404 to them, so listing their ids,
    titles, screening status or agencies here would leak what the rest of the edition proposed.
    """

    similar_exist: bool
    ideas: list[SimilarIdea]


class VersionRead(BaseModel):
    """What the idea said at one revision."""

    revision: int
    snapshot: dict[str, Any]
    changed_by: uuid.UUID
    created_at: datetime
