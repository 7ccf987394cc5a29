"""Proposed audition panels: N judges per room of a day, agencies spread, no conflict with the room's ideas.

Nothing is saved: the committee adjusts the proposal and confirms each room through the set-panel route.
Judges are seats to fill, room by room in rounds (every room's first seat, then every room's second...);
each seat takes the eligible judge whose agency the room has least of, and when none is free a judge is
moved from another room that can replace them (Kuhn's augmenting paths). So the proposal fails only when
no assignment exists at all, and the same pool (in any order) always gives the same panels.
"""

from __future__ import annotations

import uuid
from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.judging.conflicts.service import conflict_of
from services.judging.ideas.models import Idea
from services.judging.schedule.models import AuditionDay, Room, Slot
from services.judging.schedule.schemas import JudgeIn, LeftOut, PanelProposal, PanelProposalIn, RoomProposal
from shared.errors import Message, conflict, not_found

CONFLICT_WORDS = {
    "on_team": "anggota tim pengusul",
    "same_work_unit": "unit kerja yang sama",
    "same_agency": "instansi yang sama",
}


def _day(session: Session, edition_code: str, day_id: uuid.UUID) -> AuditionDay:
    day = session.get(AuditionDay, day_id)
    if day is None or day.edition_code != edition_code:
        raise not_found("Hari audisi", "Audition day", {"day_id": str(day_id)})
    return day


def propose(session: Session, *, edition_code: str, day_id: uuid.UUID, body: PanelProposalIn) -> PanelProposal:
    """Panels of `judges_per_room` judges for every room of the day, each judge in one room at most."""
    day = _day(session, edition_code, day_id)
    if len({j.user_id for j in body.judges}) != len(body.judges):
        raise conflict("duplicate_judge", Message("Juri tercantum dua kali", "A judge is listed twice"))
    rooms = list(
        session.scalars(
            select(Room).where(Room.id.in_(select(Slot.room_id).where(Slot.day_id == day.id))).order_by(Room.name)
        )
    )
    # A room's panel sits for the whole round, so every idea slotted in the room counts, on any day.
    ideas: dict[uuid.UUID, list[Idea]] = {r.id: [] for r in rooms}
    for room_id, idea in session.execute(
        select(Slot.room_id, Idea)
        .join(Idea, Idea.id == Slot.idea_id)
        .where(Slot.room_id.in_(ideas))
        .order_by(Slot.starts_at, Idea.id)
    ):
        ideas[room_id].append(idea)
    pool = sorted(body.judges, key=lambda j: (j.name, str(j.user_id)))
    needed = body.judges_per_room * len(rooms)
    if len(pool) < needed:
        raise conflict(
            "not_enough_judges",
            Message(
                f"Juri tidak cukup: {len(rooms)} ruang × {body.judges_per_room} juri memerlukan {needed} juri, "
                f"tersedia {len(pool)}",
                f"Not enough judges: {len(rooms)} rooms × {body.judges_per_room} judges need {needed}, "
                f"{len(pool)} given",
            ),
            {"needed": needed, "available": len(pool)},
        )
    blocked: dict[tuple[uuid.UUID, uuid.UUID], tuple[Idea, str]] = {}
    for room in rooms:
        for judge in pool:
            for idea in ideas[room.id]:
                reason = conflict_of(
                    idea, judge_id=judge.user_id, agency_code=judge.agency_code, work_unit=judge.work_unit
                )
                if reason:
                    blocked[(judge.user_id, room.id)] = (idea, reason)
                    break
    eligible = {r.id: [j for j in pool if (j.user_id, r.id) not in blocked] for r in rooms}
    order = sorted(rooms, key=lambda r: (len(eligible[r.id]), r.name))
    members, unfilled = fill_seats(order=[r.id for r in order], eligible=eligible, per_room=body.judges_per_room)
    if unfilled is not None:
        room = next(r for r in rooms if r.id == unfilled)
        raise conflict(
            "panel_infeasible",
            Message(
                f"Panel {room.name} tidak dapat dipenuhi: hanya {len(eligible[room.id])} juri tanpa konflik "
                "dengan gagasan di ruang itu, dan juri lain dibutuhkan di ruang lain",
                f"The panel of {room.name} cannot be filled: only {len(eligible[room.id])} judges have no "
                "conflict with its ideas, and the others are needed in other rooms",
            ),
            {"room_id": str(room.id), "room": room.name, "eligible": len(eligible[room.id])},
        )
    placed = {j.user_id: room_id for room_id, judges in members.items() for j in judges}
    names = {r.id: r.name for r in rooms}
    return PanelProposal(
        day_id=day.id,
        judges_per_room=body.judges_per_room,
        rooms=[
            RoomProposal(
                room_id=room.id,
                room=room.name,
                ideas=len(ideas[room.id]),
                judges=sorted(members[room.id], key=lambda j: (j.name, str(j.user_id))),
                left_out=[
                    _left_out(j, room.id, members[room.id], blocked, placed, names)
                    for j in pool
                    if placed.get(j.user_id) != room.id
                ],
            )
            for room in rooms
        ],
        unplaced=[j.user_id for j in pool if j.user_id not in placed],
    )


def fill_seats(
    *, order: list[uuid.UUID], eligible: dict[uuid.UUID, list[JudgeIn]], per_room: int
) -> tuple[dict[uuid.UUID, list[JudgeIn]], uuid.UUID | None]:
    """`per_room` judges for each room from its eligible ones, each judge in one room; else the first room unfilled.

    Rooms take a seat each in turn (`order`), `per_room` rounds; a seat with no free eligible judge takes one
    from another room that can replace them, along an augmenting path, so a room is left unfilled only when
    no assignment at all fills every room.
    """
    reach = Counter(j.user_id for judges in eligible.values() for j in judges)
    members: dict[uuid.UUID, list[JudgeIn]] = {room_id: [] for room_id in order}
    placed: dict[uuid.UUID, uuid.UUID] = {}

    def candidates(room_id: uuid.UUID) -> list[JudgeIn]:
        agencies = Counter(m.agency_code for m in members[room_id] if m.agency_code)
        here = {m.user_id for m in members[room_id]}
        return sorted(
            (j for j in eligible[room_id] if j.user_id not in here),
            # Free judges first; then the agency the room has least of; judges who fit fewer rooms first.
            key=lambda j: (j.user_id in placed, agencies[j.agency_code] if j.agency_code else 0, reach[j.user_id]),
        )

    def seat(room_id: uuid.UUID, visited: set[uuid.UUID]) -> bool:
        for judge in candidates(room_id):
            if judge.user_id in visited:
                continue
            visited.add(judge.user_id)
            before = placed.get(judge.user_id)
            if before is None or seat(before, visited):
                if before is not None:
                    members[before].remove(judge)
                placed[judge.user_id] = room_id
                members[room_id].append(judge)
                return True
        return False

    for _ in range(per_room):
        for room_id in order:
            if not seat(room_id, set()):
                return members, room_id
    return members, None


def _left_out(
    judge: JudgeIn,
    room_id: uuid.UUID,
    members: list[JudgeIn],
    blocked: dict[tuple[uuid.UUID, uuid.UUID], tuple[Idea, str]],
    placed: dict[uuid.UUID, uuid.UUID],
    names: dict[uuid.UUID, str],
) -> LeftOut:
    """Why a judge is not on this room's proposed panel, the strongest reason first."""
    if (judge.user_id, room_id) in blocked:
        idea, reason = blocked[(judge.user_id, room_id)]
        words = CONFLICT_WORDS.get(reason, reason)
        return LeftOut(
            judge_id=judge.user_id,
            name=judge.name,
            reason="conflict",
            detail=f"Konflik kepentingan ({words}) dengan gagasan “{idea.title}” di ruang ini",
            idea_id=idea.id,
        )
    if judge.user_id in placed:
        room = names[placed[judge.user_id]]
        return LeftOut(judge_id=judge.user_id, name=judge.name, reason="other_room", detail=f"Diusulkan untuk {room}")
    if judge.agency_code and any(m.agency_code == judge.agency_code for m in members):
        return LeftOut(
            judge_id=judge.user_id,
            name=judge.name,
            reason="agency_represented",
            detail=f"Instansi {judge.agency_code} sudah terwakili di panel ruang ini",
        )
    return LeftOut(judge_id=judge.user_id, name=judge.name, reason="not_needed", detail="Panel ruang ini sudah lengkap")
