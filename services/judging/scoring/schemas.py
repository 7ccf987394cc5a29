"""API models of scoring."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Self

from pydantic import BaseModel, Field, model_validator

from shared.errors import Message, RuleError


class ScoreIn(BaseModel):
    """One criterion's score, with an optional comment."""

    criterion: str = Field(min_length=1, max_length=60)
    value: float = Field(allow_inf_nan=False)
    comment: str | None = Field(default=None, max_length=4000)


class ScoresIn(BaseModel):
    """An autosave: any subset of the rubric's criteria (the rest keep their saved values)."""

    scores: list[ScoreIn] = Field(min_length=1, max_length=30)

    @model_validator(mode="after")
    def _unique(self) -> Self:
        keys = [s.criterion for s in self.scores]
        if len(set(keys)) != len(keys):
            raise RuleError(
                Message("Tiap kriteria paling banyak sekali per permintaan", "each criterion at most once per request")
            )
        return self


class ScoreRead(BaseModel):
    """A stored score."""

    criterion: str
    value: float
    comment: str | None


class ScoreSetRead(BaseModel):
    """A judge's score set; `weighted_score` is on 0..100 once every counted criterion is scored."""

    id: uuid.UUID
    idea_id: uuid.UUID
    round: str
    judge_id: uuid.UUID | None = Field(default=None, description="hidden from participants")
    judge_name: str | None = None
    status: str
    submitted_at: datetime | None
    complete: bool
    missing: list[str]
    weighted_score: float | None
    scores: list[ScoreRead]


class IdeaScoresRead(BaseModel):
    """An idea's score sets as the caller may see them."""

    idea_id: uuid.UUID
    round: str
    revealed: bool = Field(description="others' scores are shown only once every assigned judge submitted")
    mine: ScoreSetRead | None
    others: list[ScoreSetRead]


class IdeaToJudgeRead(BaseModel):
    """An idea in a judge's (or the committee's) list for a round, with the caller's own progress."""

    idea_id: uuid.UUID
    title: str | None
    position_group: str | None
    submitted_at: datetime | None
    slot_starts_at: datetime | None
    room_id: uuid.UUID | None
    conflict: str | None = Field(description="for a judge: why they may not score it")
    excluded: bool
    my_status: str | None = Field(description="draft or submitted, for a judge who started a set")
    advanced: bool = Field(default=False, description="the committee advanced it from screening to the audition")
