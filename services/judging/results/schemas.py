"""API models of results: the selection rules they apply, and a round's ranked ideas."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from shared.errors import Message, RuleError
from shared.events import PositionGroup

TIE_BREAK = re.compile(r"^(calibrated_score|raw_score|submitted_at|criterion:[a-z0-9_]+)$")


class SelectionRules(BaseModel):
    """Selection rules, declared before scoring starts.

    Per position group, ideas are ranked by `score_basis` (higher first), ties broken by `tie_break`
    in order: `calibrated_score`, `raw_score`, `criterion:<key>` (the mean normalised score of that
    criterion, higher first) or `submitted_at` (earlier first). An idea is proposed for selection if
    it is within its group's quota (when one is set) and at or above the threshold (when one is set).
    """

    score_basis: Literal["raw", "calibrated"] = "raw"
    quota_per_group: dict[PositionGroup, int] = Field(default_factory=dict)
    threshold: float | None = Field(default=None, ge=0, le=100)
    tie_break: list[str] = Field(default_factory=lambda: ["calibrated_score", "submitted_at"])
    min_sample: int = Field(default=3, ge=1, le=100, description="calibration guard: judges below it keep raw")
    disagreement_sd: float = Field(default=15.0, gt=0, le=100, description="flag an idea above this spread")

    @field_validator("tie_break")
    @classmethod
    def _tie_break(cls, value: list[str]) -> list[str]:
        for item in value:
            if not TIE_BREAK.match(item):
                raise RuleError(Message(f"Penentu urutan {item!r} tidak dikenal", f"unknown tie-break {item!r}"))
        if len(set(value)) != len(value):
            raise RuleError(Message("Penentu urutan tidak boleh berulang", "tie-breaks must not repeat"))
        return value

    @field_validator("quota_per_group")
    @classmethod
    def _quota(cls, value: dict[PositionGroup, int]) -> dict[PositionGroup, int]:
        if any(q < 0 for q in value.values()):
            raise RuleError(Message("Kuota tidak boleh negatif", "quotas must not be negative"))
        return value


class IdeaResult(BaseModel):
    """An idea's results in a round: raw and calibrated side by side, agreement, rank, proposal."""

    idea_id: uuid.UUID
    title: str | None
    position_group: str | None
    submitted_at: datetime | None
    target_agency_code: str | None
    judges: int
    raw_score: float | None
    calibrated_score: float | None
    score: float | None = Field(description="the score the rules rank on (raw or calibrated)")
    criteria: dict[str, float | None] = Field(description="mean score per criterion, on the criterion's own scale")
    agreement_w: float | None = Field(description="Kendall's W of the judges over the criteria")
    spread_sd: float | None = Field(
        description="standard deviation of the judges' calibrated scores (flagged above disagreement_sd)"
    )
    flagged: bool
    rank: int | None
    proposed: bool
    selected: bool = Field(description="the proposal, or the committee's adjustment")
    adjustment_reason: str | None = None
    decision_published: bool = False
    exception: bool = Field(
        default=False,
        description="the selection (the published decision, else the adjustment) departs from the proposal",
    )


class CriterionAgreement(BaseModel):
    """Agreement between judges on one criterion (Kendall's W over ideas, per panel)."""

    criterion: str
    agreement_w: float | None


class JudgeDistribution(BaseModel):
    """One judge's weighted scores over the round, before and after calibration (mean and spread)."""

    judge_id: uuid.UUID
    name: str
    ideas: int
    raw_mean: float
    raw_sd: float
    calibrated_mean: float
    calibrated_sd: float


class ResultsRead(BaseModel):
    """A round's results for the committee."""

    edition_code: str
    round: str
    rules: SelectionRules
    ideas: list[IdeaResult]
    criteria_agreement: list[CriterionAgreement]
    judges: list[JudgeDistribution] = Field(
        default_factory=list, description="each judge's scores before and after calibration, by name"
    )
