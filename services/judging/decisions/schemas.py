"""API models of selection rules and decisions."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Self

from pydantic import BaseModel, Field, field_validator, model_validator

from services.judging.results.schemas import SelectionRules
from shared.agencies import is_agency_code
from shared.errors import Message, RuleError


class SelectionRulesIn(SelectionRules):
    """Rules as the committee declares them; a reason is required once scoring has begun."""

    reason: str | None = Field(default=None, max_length=2000)


class SelectionRulesRead(SelectionRules):
    """Declared rules and whether they are locked (scoring has begun)."""

    declared: bool
    locked: bool


def unknown_agency(code: str) -> Message:
    """The refusal of an agency code that names no regency agency."""
    return Message(f"Instansi {code!r} tidak dikenal", f"unknown agency {code!r}")


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
                raise RuleError(
                    Message(
                        "Gagasan terpilih perlu instansi pelaksana dan tenggat",
                        "a selected idea needs implementing_agency_code and due_date",
                    )
                )
            if not is_agency_code(self.implementing_agency_code):
                raise RuleError(unknown_agency(self.implementing_agency_code))
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
            raise RuleError(unknown_agency(value))
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
