"""API models of results, selection rules and decisions."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from typing import Literal, Self

from pydantic import BaseModel, Field, field_validator, model_validator

from shared.agencies import is_agency_code
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
                raise ValueError(f"unknown tie-break {item!r}")
        if len(set(value)) != len(value):
            raise ValueError("tie-breaks must not repeat")
        return value

    @field_validator("quota_per_group")
    @classmethod
    def _quota(cls, value: dict[PositionGroup, int]) -> dict[PositionGroup, int]:
        if any(q < 0 for q in value.values()):
            raise ValueError("quotas must not be negative")
        return value


class SelectionRulesIn(SelectionRules):
    """Rules as the committee declares them; a reason is required once scoring has begun."""

    reason: str | None = Field(default=None, max_length=2000)


class SelectionRulesRead(SelectionRules):
    """Declared rules and whether they are locked (scoring has begun)."""

    declared: bool
    locked: bool


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


class DecisionIn(BaseModel):
    """A decision on one idea (the foundation contract)."""

    selected: bool
    implementing_agency_code: str | None = None
    due_date: date | None = None
    reason: str | None = Field(default=None, max_length=2000)

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.selected:
            if not self.implementing_agency_code or self.due_date is None:
                raise ValueError("a selected idea needs implementing_agency_code and due_date")
            if not is_agency_code(self.implementing_agency_code):
                raise ValueError(f"unknown agency {self.implementing_agency_code!r}")
        return self


class DecisionRead(BaseModel):
    """A published decision."""

    idea_id: uuid.UUID
    edition_code: str
    selected: bool
    implementing_agency_code: str | None
    due_date: date | None
    score: float | None
    raw_score: float | None
    calibrated_score: float | None
    rank: int | None
    decided_at: datetime


class AdjustmentIn(BaseModel):
    """The committee overriding the proposal for one idea."""

    idea_id: uuid.UUID
    selected: bool
    implementing_agency_code: str | None = None
    reason: str = Field(min_length=3, max_length=2000)

    @field_validator("implementing_agency_code")
    @classmethod
    def _agency(cls, value: str | None) -> str | None:
        if value is not None and not is_agency_code(value):
            raise ValueError(f"unknown agency {value!r}")
        return value


class PublishIn(BaseModel):
    """Publish every undecided idea of the edition: selected ones get this due date."""

    due_date: date


class PublishRead(BaseModel):
    """What publishing did."""

    published: int
    selected: int
    decisions: list[DecisionRead]


class CriterionFeedback(BaseModel):
    """The panel's mean score on one criterion, and their comments (without judge names)."""

    key: str
    name: str
    min_score: int
    max_score: int
    counted: bool
    mean: float | None
    comments: list[str]


class FeedbackRead(BaseModel):
    """What a participant sees once the decision on their idea is published."""

    idea_id: uuid.UUID
    selected: bool
    score: float | None
    rank: int | None
    decided_at: datetime
    criteria: list[CriterionFeedback]
