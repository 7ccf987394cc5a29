"""Audition days: their rooms, each room's hours, the breaks (ishoma) and the slots between them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from services.judging.audit.service import record
from services.judging.rubric.models import RoundKind
from services.judging.rubric.service import ensure_round
from services.judging.schedule.models import AuditionBreak, AuditionDay, Room, RoomHours, Slot
from services.judging.schedule.panels import room_panels
from services.judging.schedule.schemas import (
    AuditionDayIn,
    AuditionDayRead,
    AuditionDaySummary,
    BreakRead,
    DayRoomRead,
    PanelMemberRead,
)
from services.judging.schedule.service import slot_read
from shared.auth import Principal
from shared.clock import WIB
from shared.errors import Message, conflict

Span = tuple[datetime, datetime]


def slot_times(*, opens: datetime, closes: datetime, minutes: int, breaks: Sequence[Span]) -> list[Span]:
    """Back-to-back slots from opening to closing; a slot that would overlap a break starts after it."""
    length = timedelta(minutes=minutes)
    times: list[Span] = []
    at = opens
    while at + length <= closes:
        clash = next((end for start, end in sorted(breaks) if at < end and start < at + length), None)
        if clash is not None:
            at = clash
            continue
        times.append((at, at + length))
        at += length
    return times


def _wib(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, WIB)


def _exists(session: Session, edition_code: str, day: date) -> bool:
    return (
        session.scalar(select(AuditionDay.id).where(AuditionDay.edition_code == edition_code, AuditionDay.day == day))
        is not None
    )


def create_day(session: Session, *, edition_code: str, body: AuditionDayIn, principal: Principal) -> AuditionDayRead:
    """Create an audition day: its rooms (reused by name), their hours, breaks, and the slots in each room."""
    day_exists = conflict(
        "day_exists", Message("Hari audisi ini sudah dijadwalkan", "This audition day is already scheduled")
    )
    if _exists(session, edition_code, body.day):
        raise day_exists
    ensure_round(session, edition_code, RoundKind.AUDITION)
    # Serialised per edition: a double click creates the day once and answers 409 the second time.
    session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": f"judging:day:{edition_code}"})
    if _exists(session, edition_code, body.day):
        raise day_exists
    day = AuditionDay(edition_code=edition_code, day=body.day, slot_minutes=body.slot_minutes)
    session.add(day)
    existing = {r.name: r for r in session.scalars(select(Room).where(Room.edition_code == edition_code))}
    rooms = []
    for name in (r.strip() for r in body.rooms):
        room = existing.get(name) or Room(edition_code=edition_code, name=name)
        session.add(room)
        rooms.append(room)
    session.flush()
    breaks = [
        AuditionBreak(day_id=day.id, starts_at=_wib(body.day, b.start), ends_at=_wib(body.day, b.end), label=b.label)
        for b in sorted(body.breaks, key=lambda b: b.start)
    ]
    session.add_all(breaks)
    hours = {h.room.strip(): (_wib(body.day, h.start), _wib(body.day, h.end)) for h in body.room_hours}
    by_name = {r.name: r for r in rooms}
    session.add_all(
        RoomHours(day_id=day.id, room_id=by_name[name].id, starts_at=opens, ends_at=closes)
        for name, (opens, closes) in hours.items()
    )
    spans = [(b.starts_at, b.ends_at) for b in breaks]
    slots = []
    for room in rooms:
        opens, closes = hours.get(room.name, (_wib(body.day, body.start), _wib(body.day, body.end)))
        for starts, ends in slot_times(opens=opens, closes=closes, minutes=body.slot_minutes, breaks=spans):
            slots.append(
                Slot(edition_code=edition_code, day_id=day.id, room_id=room.id, starts_at=starts, ends_at=ends)
            )
    session.add_all(slots)
    record(
        session,
        edition_code=edition_code,
        action="audition_day_created",
        actor=principal,
        object_type="audition_day",
        object_id=day.id,
        data={
            "day": body.day.isoformat(),
            "rooms": [r.name for r in rooms],
            "slots": len(slots),
            "breaks": [f"{b.start:%H:%M}-{b.end:%H:%M}" for b in body.breaks],
            "room_hours": {
                name: f"{o.astimezone(WIB):%H:%M}-{c.astimezone(WIB):%H:%M}" for name, (o, c) in hours.items()
            },
        },
    )
    session.commit()
    names = {r.id: r.name for r in rooms}
    return AuditionDayRead(
        id=day.id,
        day=day.day,
        slot_minutes=day.slot_minutes,
        rooms=[r.name for r in rooms],
        breaks=[
            BreakRead(starts_at=b.starts_at.astimezone(WIB), ends_at=b.ends_at.astimezone(WIB), label=b.label)
            for b in breaks
        ],
        slots=[
            slot_read(s, names[s.room_id], None) for s in sorted(slots, key=lambda s: (s.starts_at, names[s.room_id]))
        ],
    )


def list_days(session: Session, *, edition_code: str) -> list[AuditionDaySummary]:
    """The edition's audition days in date order, each with its rooms (and their panels) and breaks."""
    days = session.scalars(
        select(AuditionDay).where(AuditionDay.edition_code == edition_code).order_by(AuditionDay.day)
    ).all()
    if not days:
        return []
    rooms = {r.id: r for r in session.scalars(select(Room).where(Room.edition_code == edition_code))}
    counts: dict[uuid.UUID, dict[uuid.UUID, int]] = {}
    for day_id, room_id in session.execute(
        select(Slot.day_id, Slot.room_id).where(Slot.edition_code == edition_code)
    ).all():
        per_room = counts.setdefault(day_id, {})
        per_room[room_id] = per_room.get(room_id, 0) + 1
    breaks: dict[uuid.UUID, list[AuditionBreak]] = {}
    for b in session.scalars(
        select(AuditionBreak).where(AuditionBreak.day_id.in_([d.id for d in days])).order_by(AuditionBreak.starts_at)
    ):
        breaks.setdefault(b.day_id, []).append(b)
    panels = room_panels(session, edition_code)
    session.commit()
    return [
        AuditionDaySummary(
            id=d.id,
            day=d.day,
            slot_minutes=d.slot_minutes,
            rooms=[
                DayRoomRead(
                    id=room_id,
                    name=rooms[room_id].name,
                    slots=n,
                    judges=[
                        PanelMemberRead(judge_id=m.judge_id, name=m.name, agency_code=m.agency_code)
                        for m in sorted(panels.get(room_id, []), key=lambda m: m.name)
                    ],
                )
                for room_id, n in sorted(counts.get(d.id, {}).items(), key=lambda item: rooms[item[0]].name)
            ],
            breaks=[
                BreakRead(starts_at=b.starts_at.astimezone(WIB), ends_at=b.ends_at.astimezone(WIB), label=b.label)
                for b in breaks.get(d.id, [])
            ],
        )
        for d in days
    ]
