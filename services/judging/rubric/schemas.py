"""API models of rubrics."""

from __future__ import annotations

import uuid
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.judging.rubric.models import RoundKind
from shared.errors import Message, RuleError


class ScoreLevel(BaseModel):
    """What a score means, shown to judges next to the slider."""

    score: int
    description: str = Field(min_length=1, max_length=1000)


class CriterionIn(BaseModel):
    """A criterion as the committee declares it."""

    key: str = Field(min_length=1, max_length=60, pattern=r"^[a-z0-9_]+$")
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=4000)
    weight: int = Field(ge=0, le=100)
    min_score: int = Field(default=1, ge=0, le=1000)
    max_score: int = Field(default=5, ge=1, le=1000)
    counted: bool = Field(default=True, description="False: shown to judges, not part of the weighted score")
    levels: list[ScoreLevel] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.max_score <= self.min_score:
            raise RuleError(
                Message(
                    "Nilai tertinggi harus lebih besar dari nilai terendah", "max_score must be greater than min_score"
                )
            )
        if not self.counted and self.weight != 0:
            raise RuleError(
                Message(
                    "Kriteria yang tidak dihitung harus berbobot 0",
                    "a criterion that is not counted must have weight 0",
                )
            )
        if self.counted and self.weight == 0:
            raise RuleError(
                Message("Kriteria yang dihitung perlu bobot di atas 0", "a counted criterion needs a weight above 0")
            )
        for level in self.levels:
            if not self.min_score <= level.score <= self.max_score:
                raise RuleError(
                    Message(
                        f"Tingkat {level.score} di luar rentang {self.min_score}..{self.max_score}",
                        f"level {level.score} is outside {self.min_score}..{self.max_score}",
                    )
                )
        return self


class RubricIn(BaseModel):
    """A round's full rubric; counted weights sum to 100."""

    criteria: list[CriterionIn] = Field(min_length=1, max_length=30)

    @model_validator(mode="after")
    def _check(self) -> Self:
        keys = [c.key for c in self.criteria]
        if len(set(keys)) != len(keys):
            raise RuleError(Message("Kunci kriteria tidak boleh sama", "criterion keys must be unique"))
        total = sum(c.weight for c in self.criteria if c.counted)
        if total != 100:
            raise RuleError(
                Message(
                    f"Jumlah bobot kriteria yang dihitung harus tepat 100; sekarang {total}",
                    f"weights of counted criteria must sum to 100 (got {total})",
                )
            )
        return self


class CriterionRead(BaseModel):
    """A criterion as stored."""

    model_config = ConfigDict(from_attributes=True)

    key: str
    name: str
    description: str
    weight: int
    min_score: int
    max_score: int
    counted: bool
    levels: list[ScoreLevel]


class RubricRead(BaseModel):
    """A round's rubric."""

    edition_code: str
    round: RoundKind
    round_id: uuid.UUID
    criteria: list[CriterionRead]
    scoring_started: bool = Field(
        default=False, description="a judge saved a score in this round: the rubric is frozen"
    )
