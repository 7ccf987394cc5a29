"""Panels: who sits on a round's or a room's panel, with the conflicts found logged as exclusions."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from services.judging.audit.service import record
from services.judging.conflicts.models import ExclusionKind
from services.judging.conflicts.service import conflict_of, record_exclusion
from services.judging.ideas.models import Idea
from services.judging.results.service import judgeable_ideas
from services.judging.rubric.models import RoundKind
from services.judging.rubric.service import ensure_round
from services.judging.schedule.models import PanelMember, Room, Slot
from services.judging.schedule.schemas import PanelIn, PanelMemberRead, PanelRead
from shared.auth import Principal
from shared.errors import Message, conflict, not_found


def room_panels(session: Session, edition_code: str) -> dict[uuid.UUID | None, list[PanelMember]]:
    """The audition panels by room (None: the round's own panel, which sits in every room)."""
    rnd = ensure_round(session, edition_code, RoundKind.AUDITION)
    panels: dict[uuid.UUID | None, list[PanelMember]] = {}
    for m in session.scalars(select(PanelMember).where(PanelMember.round_id == rnd.id)):
        panels.setdefault(m.room_id, []).append(m)
    return panels


def conflicted_members(idea: Idea, members: Sequence[PanelMember]) -> list[PanelMember]:
    """The panel members who have a conflict with the idea."""
    return [m for m in members if conflict_of(idea, judge_id=m.judge_id, agency_code=m.agency_code)]


def log_conflicts(session: Session, idea: Idea, members: Sequence[PanelMember], actor: Principal) -> None:
    """Exclude (and log) every panel member who has a conflict with the idea."""
    for m in members:
        reason = conflict_of(idea, judge_id=m.judge_id, agency_code=m.agency_code)
        if reason:
            record_exclusion(
                session,
                idea=idea,
                judge_id=m.judge_id,
                judge_name=m.name,
                kind=ExclusionKind.CONFLICT,
                reason=reason,
                actor=actor,
            )


def set_panel(
    session: Session,
    *,
    edition_code: str,
    kind: RoundKind,
    room_id: uuid.UUID | None,
    body: PanelIn,
    principal: Principal,
) -> PanelRead:
    """Replace a panel (a room's for auditions, the round's when room_id is None); log conflicts found."""
    rnd = ensure_round(session, edition_code, kind)
    session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": f"judging:panel:{rnd.id}:{room_id}"})
    if room_id is not None:
        room = session.get(Room, room_id)
        if room is None or room.edition_code != edition_code:
            raise not_found("Ruang", "Room", {"room_id": str(room_id)})
    if len({j.user_id for j in body.judges}) != len(body.judges):
        raise conflict("duplicate_judge", Message("Juri tercantum dua kali", "A judge is listed twice"))
    before = session.scalars(
        delete(PanelMember)
        .where(
            PanelMember.round_id == rnd.id,
            PanelMember.room_id.is_(None) if room_id is None else PanelMember.room_id == room_id,
        )
        .returning(PanelMember.judge_id)
    ).all()
    members = [
        PanelMember(
            round_id=rnd.id,
            room_id=room_id,
            judge_id=j.user_id,
            name=j.name,
            email=str(j.email),
            agency_code=j.agency_code,
        )
        for j in body.judges
    ]
    session.add_all(members)
    if room_id is not None:
        ideas = session.scalars(select(Idea).join(Slot, Slot.idea_id == Idea.id).where(Slot.room_id == room_id)).all()
    else:
        ideas = judgeable_ideas(session, edition_code)
    conflicts: dict[uuid.UUID, list[uuid.UUID]] = {}
    for idea in ideas:
        for m in conflicted_members(idea, members):
            conflicts.setdefault(m.judge_id, []).append(idea.id)
        log_conflicts(session, idea, members, principal)
    record(
        session,
        edition_code=edition_code,
        action="panel_set",
        actor=principal,
        object_type="panel",
        object_id=room_id or rnd.id,
        data={
            "round": str(kind),
            "room_id": str(room_id) if room_id else None,
            "before": sorted(str(j) for j in before),
            "judges": [str(j.user_id) for j in body.judges],
        },
    )
    session.commit()
    return PanelRead(
        round=str(kind),
        room_id=room_id,
        judges=[
            PanelMemberRead(
                judge_id=m.judge_id, name=m.name, agency_code=m.agency_code, conflicts=conflicts.get(m.judge_id, [])
            )
            for m in members
        ],
    )


def judge_rooms(session: Session, *, edition_code: str, judge_id: uuid.UUID) -> list[uuid.UUID] | None:
    """The rooms whose panel the judge sits on; None for every room (no panels yet, or on the round's panel)."""
    panels = room_panels(session, edition_code)
    if not panels or any(m.judge_id == judge_id for m in panels.get(None, [])):
        return None
    return [room for room, members in panels.items() if room and any(m.judge_id == judge_id for m in members)]
