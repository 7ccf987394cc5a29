"""API models of judges' conflict-of-interest declarations."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, Field, model_validator

from services.judging.conflicts.schemas import ExclusionRead
from shared.errors import Message, RuleError


class Relation(StrEnum):
    """A tie to an idea's team that HR data does not show."""

    FAMILY = "family"  # keluarga
    DIRECT_SUPERVISOR = "direct_supervisor"  # atasan langsung (either way round)
    OTHER = "other"  # anything else, described in the note


class DeclaredConflictIn(BaseModel):
    """One idea the judge must not judge, and why."""

    idea_id: uuid.UUID
    relation: Relation
    note: str | None = Field(default=None, max_length=500, description="required when relation is other")

    @model_validator(mode="after")
    def _other_needs_a_note(self) -> Self:
        if self.relation == Relation.OTHER and not (self.note or "").strip():
            raise RuleError(Message("Hubungan lain perlu catatan", "a conflict of relation 'other' needs a note"))
        return self


class DeclarationIn(BaseModel):
    """A judge's declaration for an edition: the conflicts, or none (an empty list)."""

    conflicts: list[DeclaredConflictIn] = Field(default_factory=list, max_length=200)


class DeclarationRead(BaseModel):
    """A judge's declaration and every conflict declared in it so far."""

    edition_code: str
    judge_id: uuid.UUID
    judge_name: str
    declared_at: datetime
    updated_at: datetime
    conflicts: list[ExclusionRead]


class DeclarationSummary(BaseModel):
    """Who declared, when, and how many conflicts (for the committee)."""

    judge_id: uuid.UUID
    judge_name: str
    declared_at: datetime
    updated_at: datetime
    conflicts: int
