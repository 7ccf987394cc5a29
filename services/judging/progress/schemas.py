"""API models of live scoring progress."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel


class JudgeProgress(BaseModel):
    """Where one judge is with one idea: submitted, draft, missing, or excluded."""

    judge_id: uuid.UUID
    name: str
    status: str


class IdeaProgress(BaseModel):
    """One idea (and its slot, if scheduled): complete, in_progress or not_started."""

    idea_id: uuid.UUID
    title: str | None
    position_group: str | None
    slot_id: uuid.UUID | None
    room: str | None
    starts_at: datetime | None
    state: str
    judges: list[JudgeProgress]


class ProgressTotals(BaseModel):
    """Counts over the round."""

    ideas: int
    complete: int
    in_progress: int
    not_started: int


class ProgressRead(BaseModel):
    """A snapshot of scoring progress for the committee."""

    edition_code: str
    round: str
    totals: ProgressTotals
    ideas: list[IdeaProgress]
