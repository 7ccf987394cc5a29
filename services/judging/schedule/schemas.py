"""API models of the audition schedule and panels."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from itertools import pairwise
from typing import Annotated, Self

from pydantic import BaseModel, Field, StringConstraints, model_validator

from shared.errors import Message, RuleError

#: As the submission service accepts an account's email (regency test servers use .local or .test domains that
#: strict validators refuse): a judge of its directory must be accepted on a panel.
JudgeEmail = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=254, pattern=r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
]


class BreakIn(BaseModel):
    """A pause in the day for every room (ishoma: rest, prayer, meal), in WIB."""

    start: time
    end: time
    label: str = Field(default="Ishoma", min_length=1, max_length=80)


class RoomHoursIn(BaseModel):
    """A room's own hours that day (WIB), inside the day's."""

    room: str
    start: time
    end: time


class AuditionDayIn(BaseModel):
    """A day of auditions: rooms and slots of a set length between start and end (WIB), skipping breaks."""

    day: date
    start: time = Field(description="first slot, Asia/Jakarta")
    end: time = Field(description="no slot ends after this, Asia/Jakarta")
    slot_minutes: int = Field(ge=5, le=120)
    rooms: list[str] = Field(min_length=1, max_length=20)
    breaks: list[BreakIn] = Field(default_factory=list, max_length=10, description="no slot overlaps a break")
    room_hours: list[RoomHoursIn] = Field(
        default_factory=list, max_length=20, description="rooms open for part of the day only"
    )

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.end <= self.start:
            raise RuleError(Message("Jam selesai harus sesudah jam mulai", "end must be after start"))
        if len({r.strip() for r in self.rooms}) != len(self.rooms) or any(not r.strip() for r in self.rooms):
            raise RuleError(
                Message("Nama ruang harus diisi dan tidak boleh sama", "room names must be unique and not empty")
            )
        spans = sorted((b.start, b.end) for b in self.breaks)
        if any(end <= start or start < self.start or end > self.end for start, end in spans):
            raise RuleError(
                Message(
                    "Setiap jeda harus selesai sesudah mulai, di dalam jam hari itu",
                    "each break must end after it starts, within the day's hours",
                )
            )
        if any(later[0] < earlier[1] for earlier, later in pairwise(spans)):
            raise RuleError(Message("Jeda tidak boleh bertumpang tindih", "breaks must not overlap"))
        named = [h.room.strip() for h in self.room_hours]
        if len(set(named)) != len(named) or not set(named) <= {r.strip() for r in self.rooms}:
            raise RuleError(
                Message(
                    "Jam ruang hanya menyebut ruang hari itu, masing-masing paling banyak sekali",
                    "room hours must name each room of the day at most once",
                )
            )
        if any(h.end <= h.start or h.start < self.start or h.end > self.end for h in self.room_hours):
            raise RuleError(
                Message(
                    "Jam ruang harus selesai sesudah mulai, di dalam jam hari itu",
                    "a room's hours must end after they start, within the day's hours",
                )
            )
        return self


class BreakRead(BaseModel):
    """A break of an audition day."""

    starts_at: datetime
    ends_at: datetime
    label: str


class JudgeIn(BaseModel):
    """A judge on a panel (from the accounts the committee manages in the submission service)."""

    user_id: uuid.UUID
    name: str = Field(min_length=1, max_length=200)
    email: JudgeEmail
    agency_code: str | None = None
    work_unit: str | None = Field(default=None, max_length=200, description="unit kerja, as GET /judges gives it")


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
    day_id: uuid.UUID | None = Field(default=None, description="the audition day (for its jadwal.pdf)")
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
    breaks: list[BreakRead] = Field(default_factory=list)
    slots: list[SlotRead]


class DayRoomRead(BaseModel):
    """A room of an audition day with its audition panel (rooms keep their panel across days)."""

    id: uuid.UUID
    name: str
    slots: int
    judges: list[PanelMemberRead]


class AuditionDaySummary(BaseModel):
    """An audition day with its rooms, their panels and its breaks (the committee's overview)."""

    id: uuid.UUID
    day: date
    slot_minutes: int
    rooms: list[DayRoomRead]
    breaks: list[BreakRead] = Field(default_factory=list)


class AssignIn(BaseModel):
    """How automatic assignment places ideas."""

    keep_groups_together: bool = Field(
        default=False, description="ideas of one position group in the same room, one after another, where possible"
    )


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


class PanelProposalIn(BaseModel):
    """Ask for panels for the rooms of an audition day, from a pool of judges (the judge directory)."""

    judges_per_room: int = Field(ge=1, le=15)
    judges: list[JudgeIn] = Field(min_length=1, max_length=300, description="the judges to choose from")


class LeftOut(BaseModel):
    """A judge not on a room's proposed panel, and why."""

    judge_id: uuid.UUID
    name: str
    reason: str = Field(description="conflict, other_room, agency_represented or not_needed")
    detail: str = Field(description="the reason in words (Indonesian)")
    idea_id: uuid.UUID | None = Field(default=None, description="for a conflict: the idea in this room")


class RoomProposal(BaseModel):
    """The judges proposed for one room, to confirm with PUT .../rooms/{room_id}/panel."""

    room_id: uuid.UUID
    room: str
    ideas: int = Field(description="ideas scheduled in the room, whose conflicts were avoided")
    judges: list[JudgeIn]
    left_out: list[LeftOut]


class PanelProposal(BaseModel):
    """Proposed panels for every room of a day (nothing is saved)."""

    day_id: uuid.UUID
    judges_per_room: int
    rooms: list[RoomProposal]
    unplaced: list[uuid.UUID] = Field(description="judges of the pool on no room's panel")
