"""API models of editions: timeline (WIB when no offset is given), position groups, idea form."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from shared.clock import WIB
from shared.events import PositionGroup


def _in_jakarta_if_naive(value: datetime) -> datetime:
    """A time without an offset is read as WIB, as the committee writes it."""
    return value.replace(tzinfo=WIB) if value.tzinfo is None else value


WibDatetime = Annotated[datetime, AfterValidator(_in_jakarta_if_naive)]


class QuestionKind(StrEnum):
    """The kinds of extra question the committee can add to the idea form."""

    TEXT = "text"
    NUMBER = "number"
    CHOICE = "choice"


class ExtraQuestion(BaseModel):
    """One extra question of an edition's idea form."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    label: str = Field(min_length=2, max_length=300)
    label_en: str | None = Field(default=None, max_length=300)
    kind: QuestionKind
    required: bool = False
    choices: list[str] = Field(default_factory=list, max_length=50)
    max_length: int = Field(default=2000, ge=1, le=20000)
    min_value: float | None = None
    max_value: float | None = None

    @model_validator(mode="after")
    def _choices_for_choice(self) -> ExtraQuestion:
        if self.kind == QuestionKind.CHOICE and not self.choices:
            raise ValueError(f"question '{self.key}' of kind choice needs choices")
        if self.kind != QuestionKind.CHOICE and self.choices:
            raise ValueError(f"question '{self.key}' has choices but is not of kind choice")
        return self


def _unique_keys(questions: list[ExtraQuestion]) -> list[ExtraQuestion]:
    keys = [q.key for q in questions]
    if len(keys) != len(set(keys)):
        raise ValueError("extra question keys must be unique")
    return questions


Questions = Annotated[list[ExtraQuestion], AfterValidator(_unique_keys), Field(max_length=30)]


class EditionCreate(BaseModel):
    """A new edition; only the submission window is required, later windows can be set as they are planned."""

    code: str = Field(pattern=r"^[A-Z0-9][A-Z0-9-]{1,39}$", examples=["ATA-2026"])
    name: str = Field(min_length=3, max_length=200)
    year: int = Field(ge=2000, le=2100)
    submission_opens_at: WibDatetime
    submission_closes_at: WibDatetime
    grace_period_minutes: int = Field(default=0, ge=0, le=7 * 24 * 60)
    screening_opens_at: WibDatetime | None = None
    screening_closes_at: WibDatetime | None = None
    auditions_start_at: WibDatetime | None = None
    auditions_end_at: WibDatetime | None = None
    decisions_at: WibDatetime | None = None
    position_groups: list[PositionGroup] = Field(default_factory=lambda: list(PositionGroup), min_length=1)
    max_ideas_per_participant: int = Field(default=3, ge=1, le=50)
    extra_questions: Questions = Field(default_factory=list)


#: What every edition has: sending null for one is refused (leave it out to keep it).
REQUIRED_ON_UPDATE = (
    "name",
    "submission_opens_at",
    "submission_closes_at",
    "grace_period_minutes",
    "position_groups",
    "max_ideas_per_participant",
    "extra_questions",
)


class EditionUpdate(BaseModel):
    """Changes to an edition: fields left out stay as they are; null clears an optional time (screening,
    auditions, decisions); null for a field every edition has is refused as missing."""

    name: str | None = Field(default=None, min_length=3, max_length=200)
    submission_opens_at: WibDatetime | None = None
    submission_closes_at: WibDatetime | None = None
    grace_period_minutes: int | None = Field(default=None, ge=0, le=7 * 24 * 60)
    screening_opens_at: WibDatetime | None = None
    screening_closes_at: WibDatetime | None = None
    auditions_start_at: WibDatetime | None = None
    auditions_end_at: WibDatetime | None = None
    decisions_at: WibDatetime | None = None
    position_groups: list[PositionGroup] | None = Field(default=None, min_length=1)
    max_ideas_per_participant: int | None = Field(default=None, ge=1, le=50)
    extra_questions: Questions | None = None

    @field_validator(*REQUIRED_ON_UPDATE)
    @classmethod
    def _not_cleared(cls, value: Any) -> Any:
        # "missing" is how the error format says "wajib diisi" / "Field required" next to the field.
        if value is None:
            raise PydanticCustomError("missing", "Field required: it cannot be cleared (leave it out to keep it)")
        return value


class EditionRead(BaseModel):
    """An edition with its timeline in UTC and, for people, in WIB, and the phase it is in now."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    code: str
    name: str
    year: int
    submission_opens_at: datetime
    submission_closes_at: datetime
    grace_period_minutes: int
    screening_opens_at: datetime | None
    screening_closes_at: datetime | None
    auditions_start_at: datetime | None
    auditions_end_at: datetime | None
    decisions_at: datetime | None
    position_groups: list[PositionGroup]
    max_ideas_per_participant: int
    extra_questions: list[dict[str, Any]]
    phase: str = ""
    timeline_wib: dict[str, str | None] = Field(default_factory=dict)


class EditionSummary(BaseModel):
    """How many ideas an edition has, by status and by position group (the committee's dashboard)."""

    code: str
    phase: str
    participants_with_ideas: int
    ideas_by_status: dict[str, int]
    ideas_by_group_and_status: dict[str, dict[str, int]]
