"""API models of the audition schedule and panels."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from typing import Self

from pydantic import BaseModel, EmailStr, Field, model_validator


class AuditionDayIn(BaseModel):
    """A day of auditions: rooms and slots of a set length between start and end (WIB)."""

    day: date
    start: time = Field(description="first slot, Asia/Jakarta")
    end: time = Field(description="no slot ends after this, Asia/Jakarta")
    slot_minutes: int = Field(ge=5, le=120)
    rooms: list[str] = Field(min_length=1, max_length=20)

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        if len({r.strip() for r in self.rooms}) != len(self.rooms) or any(not r.strip() for r in self.rooms):
            raise ValueError("room names must be unique and not empty")
        return self


class JudgeIn(BaseModel):
    """A judge on a panel (from the accounts the committee manages in the submission service)."""

    user_id: uuid.UUID
    name: str = Field(min_length=1, max_length=200)
    email: EmailStr
    agency_code: str | None = None


class PanelIn(BaseModel):
    """A panel's full list of judges."""

    judges: list[JudgeIn] = Field(max_length=15)


class PanelMemberRead(BaseModel):
    """A judge on a panel, with the ideas they are excluded from because of a conflict."""

    judge_id: uuid.UUID
    name: str
    agency_code: str | None
    conflicts: list[uuid.UUID] = Field(default_factory=list)


class PanelRead(BaseModel):
    """A room's (or a round's) panel."""

    round: str
    room_id: uuid.UUID | None
    judges: list[PanelMemberRead]


class SlotRead(BaseModel):
    """An audition slot."""

    id: uuid.UUID
    day: date
    room_id: uuid.UUID
    room: str
    starts_at: datetime
    ends_at: datetime
    idea_id: uuid.UUID | None
    title: str | None = None
    position_group: str | None = None
    conflict: str | None = Field(default=None, description="for a judge: why they may not score this idea")


class AuditionDayRead(BaseModel):
    """A created day with its slots."""

    id: uuid.UUID
    day: date
    slot_minutes: int
    rooms: list[str]
    slots: list[SlotRead]


class AssignmentRead(BaseModel):
    """What automatic assignment did."""

    assigned: int
    unassigned: list[uuid.UUID] = Field(description="ideas left without a slot (no free slot)")


class MoveIn(BaseModel):
    """Move the slot's idea to another slot (swapping if that one is taken)."""

    to_slot_id: uuid.UUID
    reason: str = Field(min_length=3, max_length=2000)


class MoveRead(BaseModel):
    """The slots after a move and how many people were notified."""

    slots: list[SlotRead]
    notified: int


class AdvanceIn(BaseModel):
    """Ideas the committee advances from the screening round to the audition."""

    idea_ids: list[uuid.UUID] = Field(min_length=1, max_length=1000)
    reason: str | None = Field(default=None, max_length=2000)


class AdvanceRead(BaseModel):
    """How many ideas advanced."""

    advanced: int
