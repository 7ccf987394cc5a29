"""The printable audition schedule of a day, room by room, for the committee and the day's judges."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.judging.documents import jadwal
from services.judging.exports.service import GROUP_TITLES
from services.judging.ideas.models import Idea
from services.judging.schedule.models import AuditionBreak, AuditionDay, Room, RoomHours, Slot
from services.judging.schedule.panels import judge_rooms, room_panels
from shared.auth import Principal, Role
from shared.clock import WIB
from shared.errors import forbidden, not_found
from shared.events import PositionGroup


def _team(idea: Idea) -> str:
    return ", ".join(p["name"] for p in [idea.proposer, *idea.co_proposers] if p and p.get("name")) or "–"


def _group(idea: Idea) -> str:
    groups = {str(g): g for g in PositionGroup}
    group = groups.get(idea.position_group or "")
    return GROUP_TITLES[group] if group else "–"


def _line(slot: Slot, idea: Idea | None) -> jadwal.ScheduleLine:
    starts, ends = slot.starts_at.astimezone(WIB).time(), slot.ends_at.astimezone(WIB).time()
    if idea is None:
        return jadwal.ScheduleLine(starts=starts, ends=ends, title="(kosong)")
    return jadwal.ScheduleLine(starts=starts, ends=ends, title=idea.title or "–", group=_group(idea), team=_team(idea))


def day_schedule(
    session: Session, *, edition_code: str, day_id: uuid.UUID, room_id: uuid.UUID | None, principal: Principal
) -> tuple[AuditionDay, bytes]:
    """The day's schedule as PDF: every room (committee) or the judge's own rooms; one room when asked."""
    committee = principal.has_role(Role.COMMITTEE)
    if not committee and not principal.has_role(Role.JUDGE):
        raise forbidden()
    day = session.get(AuditionDay, day_id)
    if day is None or day.edition_code != edition_code:
        raise not_found("Hari audisi", "Audition day", {"day_id": str(day_id)})
    rooms = list(
        session.scalars(
            select(Room).where(Room.id.in_(select(Slot.room_id).where(Slot.day_id == day.id))).order_by(Room.name)
        )
    )
    if room_id is not None:
        rooms = [r for r in rooms if r.id == room_id]
    if not committee:
        mine = judge_rooms(session, edition_code=edition_code, judge_id=principal.user_id)
        # A judge prints the rooms they sit in; a room they do not sit in is as unknown to them as a missing one.
        rooms = rooms if mine is None else [r for r in rooms if r.id in set(mine)]
    if not rooms:
        raise not_found("Ruang audisi", "Audition room", {"day_id": str(day_id), "room_id": str(room_id or "")})
    ids = [r.id for r in rooms]
    slots: dict[uuid.UUID, list[tuple[Slot, Idea | None]]] = {r.id: [] for r in rooms}
    for slot, idea in session.execute(
        select(Slot, Idea)
        .outerjoin(Idea, Idea.id == Slot.idea_id)
        .where(Slot.day_id == day.id, Slot.room_id.in_(ids))
        .order_by(Slot.starts_at)
    ).all():
        slots[slot.room_id].append((slot, idea))
    breaks = list(session.scalars(select(AuditionBreak).where(AuditionBreak.day_id == day.id)))
    hours = {
        h.room_id: (h.starts_at, h.ends_at)
        for h in session.scalars(select(RoomHours).where(RoomHours.day_id == day.id, RoomHours.room_id.in_(ids)))
    }
    panels = room_panels(session, edition_code)
    session.commit()
    pages = []
    for room in rooms:
        own = slots[room.id]
        opens, closes = hours.get(room.id, (own[0][0].starts_at, own[-1][0].ends_at))
        lines = [(s.starts_at, _line(s, i)) for s, i in own]
        lines += [
            (b.starts_at, _break_line(b.starts_at, b.ends_at, b.label))
            for b in breaks
            if opens < b.ends_at and b.starts_at < closes
        ]
        judges = sorted({m.name for m in [*panels.get(room.id, []), *panels.get(None, [])]})
        pages.append(
            jadwal.RoomSchedule(
                room=room.name,
                opens=opens.astimezone(WIB).time(),
                closes=closes.astimezone(WIB).time(),
                judges=judges,
                lines=[line for _, line in sorted(lines, key=lambda pair: (pair[0], not pair[1].is_break))],
            )
        )
    return day, jadwal.jadwal_audisi(jadwal.DaySchedule(edition_code=edition_code, day=day.day, rooms=pages))


def _break_line(starts: datetime, ends: datetime, label: str) -> jadwal.ScheduleLine:
    return jadwal.ScheduleLine(
        starts=starts.astimezone(WIB).time(), ends=ends.astimezone(WIB).time(), title=label, is_break=True
    )
