"""The audition schedule: slots, assignment of ideas, moves (with notifications); panels: panels.py, days: days.py."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from services.judging.audit.service import record
from services.judging.conflicts.service import conflict_of
from services.judging.ideas.models import Idea
from services.judging.results.service import judgeable_ideas
from services.judging.schedule.models import Room, Slot
from services.judging.schedule.panels import conflicted_members, judge_rooms, log_conflicts, room_panels
from services.judging.schedule.schemas import (
    AdvanceIn,
    AdvanceRead,
    AssignIn,
    AssignmentRead,
    MoveIn,
    MoveRead,
    SlotRead,
)
from shared.auth import Principal
from shared.clock import WIB
from shared.db import utcnow
from shared.errors import Message, conflict, not_found
from shared.events import (
    Channel,
    NotificationRequested,
    NotificationRequestedPayload,
    NotificationTemplate,
    Person,
    PositionGroup,
)
from shared.notifications import team_notifications
from shared.outbox import publish

PRODUCER = "judging"


def slot_read(slot: Slot, room: str, idea: Idea | None, judge: Principal | None = None) -> SlotRead:
    """A slot as the API shows it (times in WIB; for a judge, their conflict with its idea)."""
    return SlotRead(
        id=slot.id,
        day=slot.starts_at.astimezone(WIB).date(),
        day_id=slot.day_id,
        room_id=slot.room_id,
        room=room,
        starts_at=slot.starts_at.astimezone(WIB),
        ends_at=slot.ends_at.astimezone(WIB),
        idea_id=slot.idea_id,
        title=idea.title if idea else None,
        position_group=idea.position_group if idea else None,
        conflict=conflict_of(idea, judge_id=judge.user_id, agency_code=judge.agency_code) if idea and judge else None,
    )


def list_slots(
    session: Session,
    *,
    edition_code: str,
    room_ids: Sequence[uuid.UUID] | None = None,
    idea_ids: Sequence[uuid.UUID] | None = None,
    judge: Principal | None = None,
) -> list[SlotRead]:
    """The edition's slots in time order, with their ideas (one query)."""
    query = (
        select(Slot, Room.name, Idea)
        .join(Room, Room.id == Slot.room_id)
        .outerjoin(Idea, Idea.id == Slot.idea_id)
        .where(Slot.edition_code == edition_code)
        .order_by(Slot.starts_at, Room.name)
    )
    if room_ids is not None:
        query = query.where(Slot.room_id.in_(room_ids))
    if idea_ids is not None:
        query = query.where(Slot.idea_id.in_(idea_ids))
    return [slot_read(slot, name, idea, judge) for slot, name, idea in session.execute(query).all()]


def assign(session: Session, *, edition_code: str, body: AssignIn, principal: Principal) -> AssignmentRead:
    """Give each eligible idea without a slot a free slot, by group then submission time.

    Ideas that advanced from screening are the ones scheduled once the committee advanced any. A slot
    in a room whose panel has fewer conflicted judges is preferred; conflicts found are logged. Asked
    to keep groups together, a group's ideas then go to a room that already holds that group, else to
    a room holding no other group, before they share a room with another group.
    """
    # One assignment per edition at a time (two committee clicks must not give an idea two slots).
    session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": f"judging:assign:{edition_code}"})
    candidates = list(judgeable_ideas(session, edition_code))
    if any(i.advanced for i in candidates):
        candidates = [i for i in candidates if i.advanced]
    placed = set(
        session.scalars(select(Slot.idea_id).where(Slot.edition_code == edition_code, Slot.idea_id.is_not(None)))
    )
    group_order = {str(g): i for i, g in enumerate(PositionGroup)}
    waiting = sorted(
        (i for i in candidates if i.id not in placed),
        key=lambda i: (group_order.get(i.position_group or "", 9), i.submitted_at or utcnow(), str(i.id)),
    )
    free = list(
        session.scalars(
            select(Slot)
            .join(Room, Room.id == Slot.room_id)
            .where(Slot.edition_code == edition_code, Slot.idea_id.is_(None))
            .order_by(Slot.starts_at, Room.name)
            .with_for_update(of=Slot)
        )
    )
    panels = room_panels(session, edition_code)
    shared_members = panels.get(None, [])
    hosted: dict[uuid.UUID, set[str | None]] = {}
    for room_id, group in session.execute(
        select(Slot.room_id, Idea.position_group)
        .join(Idea, Idea.id == Slot.idea_id)
        .where(Slot.edition_code == edition_code)
    ):
        hosted.setdefault(room_id, set()).add(group)

    def affinity(idea: Idea, slot: Slot) -> int:
        groups = hosted.get(slot.room_id, set())
        if not body.keep_groups_together:
            return 0
        return 0 if idea.position_group in groups else 1 if not groups else 2

    unassigned = []
    rooms = {r.id: r.name for r in session.scalars(select(Room).where(Room.edition_code == edition_code))}
    notices: list[NotificationRequested] = []
    for idea in waiting:
        if not free:
            unassigned.append(idea.id)
            continue
        best = min(
            free,
            key=lambda s: (len(conflicted_members(idea, panels.get(s.room_id, []))), affinity(idea, s), s.starts_at),
        )
        best.idea_id = idea.id
        hosted.setdefault(best.room_id, set()).add(idea.position_group)
        free.remove(best)
        log_conflicts(session, idea, [*panels.get(best.room_id, []), *shared_members], principal)
        # The slot's id is the cause: an idea gets one slot per assignment, and the team hears of it once.
        notices += team_notifications(
            producer=PRODUCER,
            cause=f"slot:{best.id}:{idea.id}",
            team=_people_of(idea),
            template=NotificationTemplate.AUDITION_SLOT_ASSIGNED,
            context={
                "idea_id": str(idea.id),
                "title": idea.title,
                "room": rooms.get(best.room_id, ""),
                "starts_at": best.starts_at.astimezone(WIB).strftime("%d-%m-%Y %H:%M WIB"),
            },
        )
    publish(session, *notices)
    record(
        session,
        edition_code=edition_code,
        action="slots_assigned",
        actor=principal,
        object_type="edition",
        object_id=edition_code,
        data={
            "assigned": len(waiting) - len(unassigned),
            "unassigned": [str(i) for i in unassigned],
            "keep_groups_together": body.keep_groups_together,
        },
    )
    session.commit()
    return AssignmentRead(assigned=len(waiting) - len(unassigned), unassigned=unassigned)


def _people_of(idea: Idea) -> list[Person]:
    return [Person.model_validate(p) for p in [idea.proposer, *idea.co_proposers] if p]


def move(session: Session, *, slot_id: uuid.UUID, body: MoveIn, principal: Principal) -> MoveRead:
    """Move a slot's idea to another slot (swapping), notifying the teams and panels concerned."""
    rows = {
        s.id: s
        for s in session.scalars(
            select(Slot).where(Slot.id.in_([slot_id, body.to_slot_id])).order_by(Slot.id).with_for_update()
        )
    }
    source, target = rows.get(slot_id), rows.get(body.to_slot_id)
    if source is None or target is None:
        raise not_found("Slot", "Slot", {"slot_id": str(slot_id if source is None else body.to_slot_id)})
    if source.edition_code != target.edition_code or source.id == target.id:
        raise conflict("invalid_move", Message("Slot tujuan tidak sah", "Invalid target slot"))
    if source.idea_id is None:
        raise conflict("slot_empty", Message("Slot ini belum berisi gagasan", "This slot has no idea"))
    before = {source.id: (source.room_id, source.starts_at), target.id: (target.room_id, target.starts_at)}
    moved_ideas = [i for i in (source.idea_id, target.idea_id) if i is not None]
    # Two steps: the unique index on idea_id must not see the same idea in both slots at once.
    first, second = source.idea_id, target.idea_id
    session.execute(update(Slot).where(Slot.id.in_([source.id, target.id])).values(idea_id=None))
    session.execute(update(Slot).where(Slot.id == target.id).values(idea_id=first))
    session.execute(update(Slot).where(Slot.id == source.id).values(idea_id=second))
    ideas = {i.id: i for i in session.scalars(select(Idea).where(Idea.id.in_(moved_ideas)))}
    rooms = {r.id: r for r in session.scalars(select(Room).where(Room.id.in_([source.room_id, target.room_id])))}
    panels = room_panels(session, source.edition_code)
    move_id = uuid.uuid4()
    recipients: dict[uuid.UUID, tuple[Person, Idea, Slot, Slot]] = {}
    for idea_id, old_slot, new_slot in ((first, source, target), (second, target, source)):
        if idea_id is None:
            continue
        idea = ideas[idea_id]
        log_conflicts(session, idea, panels.get(new_slot.room_id, []), principal)
        for p in _people_of(idea):
            recipients[p.user_id] = (p, idea, old_slot, new_slot)
        for m in [*panels.get(old_slot.room_id, []), *panels.get(new_slot.room_id, [])]:
            judge = Person(user_id=m.judge_id, name=m.name, email=m.email, agency_code=m.agency_code)
            recipients.setdefault(m.judge_id, (judge, idea, old_slot, new_slot))
    events = []
    for person, idea, old_slot, new_slot in recipients.values():
        old_room, old_at = before[old_slot.id]
        events.append(
            NotificationRequested(
                producer=PRODUCER,
                payload=NotificationRequestedPayload(
                    idempotency_key=f"audition-slot-moved:{move_id}:{person.user_id}",
                    recipient=person,
                    channels=[Channel.EMAIL, Channel.IN_APP],
                    template=NotificationTemplate.AUDITION_SLOT_MOVED,
                    context={
                        "idea_id": str(idea.id),
                        "title": idea.title,
                        "old_room": rooms[old_room].name,
                        "old_starts_at": old_at.astimezone(WIB).strftime("%d-%m-%Y %H:%M WIB"),
                        "new_room": rooms[new_slot.room_id].name,
                        "new_starts_at": before[new_slot.id][1].astimezone(WIB).strftime("%d-%m-%Y %H:%M WIB"),
                        "reason": body.reason,
                    },
                ),
            )
        )
    publish(session, *events)
    record(
        session,
        edition_code=source.edition_code,
        action="slot_moved",
        actor=principal,
        object_type="slot",
        object_id=source.id,
        reason=body.reason,
        data={
            "from_slot": str(source.id),
            "to_slot": str(target.id),
            "ideas": [str(i) for i in moved_ideas],
            "notified": len(events),
        },
    )
    session.commit()
    return MoveRead(
        slots=list_slots(session, edition_code=source.edition_code, idea_ids=moved_ideas), notified=len(events)
    )


def judge_slots(session: Session, *, edition_code: str, principal: Principal) -> list[SlotRead]:
    """The slots a judge sits on (rooms of their audition panels; every slot when there are no panels)."""
    rooms = judge_rooms(session, edition_code=edition_code, judge_id=principal.user_id)
    session.commit()
    return list_slots(session, edition_code=edition_code, room_ids=rooms, judge=principal)


def participant_slots(session: Session, *, edition_code: str, principal: Principal) -> list[SlotRead]:
    """The slots of the ideas the participant proposed or co-proposed."""
    mine = session.scalars(
        select(Idea.id).where(Idea.edition_code == edition_code, Idea.team_user_ids.contains([str(principal.user_id)]))
    ).all()
    return list_slots(session, edition_code=edition_code, idea_ids=list(mine)) if mine else []


def advance(session: Session, *, edition_code: str, body: AdvanceIn, principal: Principal) -> AdvanceRead:
    """Advance ideas from the screening round to the audition (the committee's call, logged)."""
    ids = [i.id for i in judgeable_ideas(session, edition_code) if i.id in set(body.idea_ids)]
    unknown = sorted(str(i) for i in set(body.idea_ids) - set(ids))
    if unknown:
        raise not_found("Gagasan", "Idea", {"idea_ids": unknown})
    session.execute(update(Idea).where(Idea.id.in_(ids)).values(advanced=True))
    record(
        session,
        edition_code=edition_code,
        action="ideas_advanced",
        actor=principal,
        object_type="edition",
        object_id=edition_code,
        reason=body.reason,
        data={"idea_ids": [str(i) for i in ids]},
    )
    session.commit()
    return AdvanceRead(advanced=len(ids))
