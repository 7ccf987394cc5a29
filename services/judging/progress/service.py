"""Live progress of scoring: which ideas (slots) are scored, by whom, and what is missing.

One snapshot costs five small queries whatever the number of judges, so the SSE stream can poll it
every few seconds per committee viewer without a cache or shared state in the API.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.judging.conflicts.models import Exclusion
from services.judging.conflicts.service import conflict_of
from services.judging.ideas.models import Idea
from services.judging.progress.schemas import IdeaProgress, JudgeProgress, ProgressRead, ProgressTotals
from services.judging.results.service import judgeable_ideas
from services.judging.rubric.models import DEFAULT_ROUND, RoundKind
from services.judging.rubric.service import find_round
from services.judging.schedule.models import PanelMember, Room, Slot
from services.judging.scoring.models import ScoreSet
from shared.clock import WIB


def snapshot(session: Session, *, edition_code: str, kind: RoundKind = DEFAULT_ROUND) -> ProgressRead:
    """The round's progress, ideas in slot order (unscheduled ideas last)."""
    ideas = judgeable_ideas(session, edition_code)
    rnd = find_round(session, edition_code, kind)
    slots = {
        slot.idea_id: (slot, name)
        for slot, name in session.execute(
            select(Slot, Room.name)
            .join(Room, Room.id == Slot.room_id)
            .where(Slot.edition_code == edition_code, Slot.idea_id.is_not(None))
        ).all()
    }
    members = session.scalars(select(PanelMember).where(PanelMember.round_id == rnd.id)).all() if rnd else []
    sets = session.scalars(select(ScoreSet).where(ScoreSet.round_id == rnd.id)).all() if rnd else []
    excluded = {
        (e.idea_id, e.judge_id)
        for e in session.scalars(select(Exclusion).where(Exclusion.edition_code == edition_code))
    }
    sets_by_idea: dict[uuid.UUID, dict[uuid.UUID, ScoreSet]] = {}
    for s in sets:
        sets_by_idea.setdefault(s.idea_id, {})[s.judge_id] = s
    # Without panels every judge of the round is expected on every idea (as for revealing scores).
    judges = {m.judge_id: (m.name, m.agency_code) for m in members} or {
        s.judge_id: (s.judge_name, s.judge_agency_code) for s in sets
    }
    entries = [
        _entry(idea, slots.get(idea.id), members, judges, sets_by_idea.get(idea.id, {}), excluded) for idea in ideas
    ]
    # Scheduled ideas in slot order, then the unscheduled ones in submission order (a stable sort keeps it).
    entries.sort(key=lambda e: (e.starts_at is None, e.starts_at or _NEVER, e.room or ""))
    return ProgressRead(
        edition_code=edition_code,
        round=str(kind),
        totals=ProgressTotals(
            ideas=len(entries),
            complete=sum(e.state == "complete" for e in entries),
            in_progress=sum(e.state == "in_progress" for e in entries),
            not_started=sum(e.state == "not_started" for e in entries),
        ),
        ideas=entries,
    )


_NEVER = datetime.max.replace(tzinfo=UTC)


def _entry(
    idea: Idea,
    slot: tuple[Slot, str] | None,
    members: Sequence[PanelMember],
    judges_of_round: dict[uuid.UUID, tuple[str, str | None]],
    sets: dict[uuid.UUID, ScoreSet],
    excluded: set[tuple[uuid.UUID, uuid.UUID]],
) -> IdeaProgress:
    if members:
        room_id = slot[0].room_id if slot else None
        expected = {m.judge_id: m.name for m in members if m.room_id is None or m.room_id == room_id}
    else:
        expected = {judge_id: name for judge_id, (name, _) in judges_of_round.items()}
    judges = []
    for judge_id, name in expected.items():
        agency_code = judges_of_round[judge_id][1]
        if (idea.id, judge_id) in excluded or conflict_of(idea, judge_id=judge_id, agency_code=agency_code):
            status = "excluded"
        elif judge_id in sets:
            status = sets[judge_id].status
        else:
            status = "missing"
        judges.append(JudgeProgress(judge_id=judge_id, name=name, status=status))
    counted = [j for j in judges if j.status != "excluded"]
    if counted and all(j.status == "submitted" for j in counted):
        state = "complete"
    elif any(j.status in ("draft", "submitted") for j in counted):
        state = "in_progress"
    else:
        state = "not_started"
    return IdeaProgress(
        idea_id=idea.id,
        title=idea.title,
        position_group=idea.position_group,
        slot_id=slot[0].id if slot else None,
        room=slot[1] if slot else None,
        starts_at=slot[0].starts_at.astimezone(WIB) if slot else None,
        state=state,
        judges=sorted(judges, key=lambda j: j.name),
    )
