"""Reading scores: a set with its completeness and weighted score, an idea's sets behind the reveal rule,
and the ideas a judge has to judge."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.judging.conflicts.models import Exclusion
from services.judging.conflicts.service import conflict_of, excluded_judges
from services.judging.ideas.models import Idea
from services.judging.ideas.service import get_known_idea
from services.judging.results.service import judgeable_ideas
from services.judging.rubric.models import DEFAULT_ROUND, Criterion, CriterionFacts, Round, RoundKind
from services.judging.rubric.service import criteria_of, find_round, weighted_score
from services.judging.schedule.models import PanelMember, Slot
from services.judging.scoring.access import authorise_judge, panel_for, rubric_round
from services.judging.scoring.models import Score, ScoreSet, SetStatus
from services.judging.scoring.schemas import IdeaScoresRead, IdeaToJudgeRead, ScoreRead, ScoreSetRead
from shared.auth import Principal, Role


class Scored(Protocol):
    """A stored score as `set_read` reads it: a `Score` row, or a row of `_write_scores`."""

    @property
    def criterion_key(self) -> str: ...
    @property
    def value(self) -> float: ...
    @property
    def comment(self) -> str | None: ...


class SetRow(Protocol):
    """A score set as `set_read` reads it: a `ScoreSet`, or the row `_lock_set` returns."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def idea_id(self) -> uuid.UUID: ...
    @property
    def judge_id(self) -> uuid.UUID: ...
    @property
    def judge_name(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def submitted_at(self) -> datetime | None: ...


def read_set(
    session: Session, score_set: ScoreSet, criteria: Sequence[Criterion], kind: RoundKind, *, with_judge: bool = True
) -> ScoreSetRead:
    """A score set with its scores, completeness and weighted score."""
    scores = session.scalars(
        select(Score).where(Score.score_set_id == score_set.id).order_by(Score.criterion_key)
    ).all()
    return set_read(score_set, scores, criteria, kind, with_judge=with_judge)


def set_read(
    score_set: SetRow,
    scores: Sequence[Scored],
    criteria: Sequence[CriterionFacts],
    kind: RoundKind | str,
    *,
    with_judge: bool = True,
) -> ScoreSetRead:
    values = {s.criterion_key: s.value for s in scores}
    position = {c.key: i for i, c in enumerate(criteria)}
    scores = sorted(scores, key=lambda s: (position.get(s.criterion_key, len(position)), s.criterion_key))
    missing = [c.key for c in criteria if c.counted and c.key not in values]
    return ScoreSetRead(
        id=score_set.id,
        idea_id=score_set.idea_id,
        round=str(kind),
        judge_id=score_set.judge_id if with_judge else None,
        judge_name=score_set.judge_name if with_judge else None,
        status=score_set.status,
        submitted_at=score_set.submitted_at,
        complete=not missing,
        missing=missing,
        weighted_score=weighted_score(criteria, values),
        scores=[ScoreRead(criterion=s.criterion_key, value=s.value, comment=s.comment) for s in scores],
    )


def idea_scores(
    session: Session, *, idea_id: uuid.UUID, principal: Principal, kind: RoundKind = DEFAULT_ROUND
) -> IdeaScoresRead:
    """An idea's score sets: the committee sees all; a judge sees others' once every assigned judge submitted."""
    idea = get_known_idea(session, idea_id=idea_id)
    rnd = rubric_round(session, idea.edition_code, kind)
    if not principal.has_role(Role.COMMITTEE):
        authorise_judge(session, idea, rnd.id, principal)  # conflicted or off-panel judges see nothing
    criteria = criteria_of(session, rnd.id)
    sets = session.scalars(
        select(ScoreSet).where(ScoreSet.round_id == rnd.id, ScoreSet.idea_id == idea.id).order_by(ScoreSet.created_at)
    ).all()
    scores = session.scalars(select(Score).where(Score.score_set_id.in_([s.id for s in sets]))).all()
    by_set: dict[uuid.UUID, list[Score]] = {}
    for sc in scores:
        by_set.setdefault(sc.score_set_id, []).append(sc)
    reads = {
        s.id: set_read(s, sorted(by_set.get(s.id, []), key=lambda x: x.criterion_key), criteria, kind) for s in sets
    }
    revealed = panel_complete(session, rnd, idea, sets, viewer=principal)
    if principal.has_role(Role.COMMITTEE):
        return IdeaScoresRead(
            idea_id=idea.id, round=str(kind), revealed=revealed, mine=None, others=list(reads.values())
        )
    mine = next((s for s in sets if s.judge_id == principal.user_id), None)
    others = [reads[s.id] for s in sets if s.judge_id != principal.user_id] if revealed else []
    return IdeaScoresRead(
        idea_id=idea.id, round=str(kind), revealed=revealed, mine=reads[mine.id] if mine else None, others=others
    )


def panel_complete(
    session: Session, rnd: Round, idea: Idea, sets: Sequence[ScoreSet], *, viewer: Principal | None = None
) -> bool:
    """Whether every judge assigned to the idea, not excluded nor conflicted, has submitted.

    With panels the assigned judges are the idea's panel. Without panels every judge may score every
    idea of the round, so every judge is assigned; judging learns who the judges are only when they
    act, so they are the judges with a score set anywhere in the round, and the judge asking (who
    therefore never sees others' scores before submitting their own).
    """
    submitted = {s.judge_id for s in sets if s.status == SetStatus.SUBMITTED}
    panel = panel_for(session, rnd.id, idea.id)
    if panel is None:
        assigned = round_judges(session, rnd)
        # Only judges and the committee read scores: whoever is not the committee is a judge.
        if viewer is not None and not viewer.has_role(Role.COMMITTEE):
            assigned.setdefault(viewer.user_id, viewer.agency_code)
    else:
        assigned = {m.judge_id: m.agency_code for m in panel}
    excluded = {j for _, j in excluded_judges(session, [idea.id])}
    expected = {
        judge_id
        for judge_id, agency_code in assigned.items()
        if judge_id not in excluded and conflict_of(idea, judge_id=judge_id, agency_code=agency_code) is None
    }
    return bool(expected) and expected <= submitted


def round_judges(session: Session, rnd: Round) -> dict[uuid.UUID, str | None]:
    """Every judge with a score set in the round (on any idea), with their agency."""
    rows = session.execute(
        select(ScoreSet.judge_id, ScoreSet.judge_agency_code).where(ScoreSet.round_id == rnd.id).distinct()
    )
    return dict(rows.all())


def ideas_to_judge(
    session: Session, *, edition_code: str, principal: Principal, kind: RoundKind = DEFAULT_ROUND
) -> list[IdeaToJudgeRead]:
    """The round's judgeable ideas: all for the committee; for a judge, those of their panels (all without
    panels), each with the judge's conflict, exclusion and own set status. Four queries in all."""
    ideas = judgeable_ideas(session, edition_code)
    rnd = find_round(session, edition_code, kind)
    slots = {
        s.idea_id: s
        for s in session.scalars(select(Slot).where(Slot.edition_code == edition_code, Slot.idea_id.is_not(None)))
    }
    is_judge = not principal.has_role(Role.COMMITTEE)  # the route admits judges and the committee only
    mine: dict[uuid.UUID, str] = {}
    excluded: set[uuid.UUID] = set()
    visible = ideas
    if is_judge:
        excluded = set(session.scalars(select(Exclusion.idea_id).where(Exclusion.judge_id == principal.user_id)))
        if rnd is not None:
            mine = {
                s.idea_id: s.status
                for s in session.scalars(
                    select(ScoreSet).where(ScoreSet.round_id == rnd.id, ScoreSet.judge_id == principal.user_id)
                )
            }
            members = session.scalars(select(PanelMember).where(PanelMember.round_id == rnd.id)).all()
            if members:
                seats = {m.room_id for m in members if m.judge_id == principal.user_id}
                visible = [i for i in ideas if None in seats or (i.id in slots and slots[i.id].room_id in seats)]
    return [
        IdeaToJudgeRead(
            idea_id=i.id,
            title=i.title,
            position_group=i.position_group,
            submitted_at=i.submitted_at,
            slot_starts_at=slots[i.id].starts_at if i.id in slots else None,
            room_id=slots[i.id].room_id if i.id in slots else None,
            conflict=conflict_of(
                i, judge_id=principal.user_id, agency_code=principal.agency_code, work_unit=principal.work_unit
            )
            if is_judge
            else None,
            excluded=i.id in excluded,
            my_status=mine.get(i.id),
            advanced=bool(i.advanced),
        )
        for i in visible
    ]
