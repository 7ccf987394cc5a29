"""Public view models: only what the public may see (no personal data unless the committee made it public)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel


class PublicMilestone(BaseModel):
    """A milestone as the public sees it."""

    title: str
    due_date: date
    done: bool


class PublicPhoto(BaseModel):
    """A photo of an implemented idea: where to see it and when it was taken up, nothing about who uploaded it."""

    url: str  # relative to the implementation service: /api/v1/public/evidence/{id}
    content_type: str
    created_at: datetime


class PublicIdea(BaseModel):
    """A selected idea and how far its implementation has come."""

    idea_id: uuid.UUID
    edition_code: str
    title: str
    service_area: str | None
    position_group: str
    agency_code: str
    agency_name: str
    proposer_name: str | None  # only when the committee marked it public
    status: str
    percent_complete: int
    due_date: date | None
    milestones: list[PublicMilestone]
    promised_minutes_saved_per_case: int | None
    promised_cost_saved_per_year_rp: int | None
    estimated_budget_rp: int
    baseline_minutes_per_case: int | None
    measured_minutes_per_case: int | None
    baseline_cost_per_year_rp: int | None
    measured_cost_per_year_rp: int | None
    photos: list[PublicPhoto] = []  # evidence photos, only once the idea is implemented


class PublicEdition(BaseModel):
    """The public accountability view of one edition."""

    edition_code: str
    items: list[PublicIdea]
