"""Who may score an idea: the round's rubric, its panels, conflicts and exclusions, checked before a judge
scores or reads."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.judging.conflicts.models import Exclusion, ExclusionKind
from services.judging.conflicts.service import CONFLICT_MESSAGE, conflict_of, record_exclusion
from services.judging.ideas.models import Idea, IdeaFacts, judgeable
from services.judging.rubric.models import DEFAULT_ROUND, Round, RoundKind
from services.judging.rubric.service import find_round
from services.judging.schedule.models import PanelMember, Slot
from shared.auth import Principal, Role
from shared.errors import AppError, Message, conflict


def panel_for(session: Session, round_id: uuid.UUID, idea_id: uuid.UUID) -> list[PanelMember] | None:
    """The judges who may score the idea in this round; None when the round has no panels at all.

    Members without a room sit on every idea of the round; members of a room judge the ideas whose
    audition slot is in that room. One query: the round's members with the idea's room alongside.
    """
    idea_room = select(Slot.room_id).where(Slot.idea_id == idea_id).scalar_subquery()
    rows = session.execute(select(PanelMember, idea_room).where(PanelMember.round_id == round_id)).all()
    if not rows:
        return None
    return [m for m, room_id in rows if m.room_id is None or m.room_id == room_id]


def rubric_round(session: Session, edition_code: str, kind: RoundKind) -> Round:
    rnd = find_round(session, edition_code, kind)
    if rnd is None:
        raise conflict(
            "rubric_missing",
            Message("Rubrik babak ini belum ditetapkan", "This round has no rubric yet"),
            {"round": str(kind)},
        )
    return rnd


def authorise_judge(
    session: Session,
    idea: IdeaFacts,
    round_id: uuid.UUID,
    principal: Principal,
    *,
    excluded: bool | None = None,
    on_panel: bool | None = None,
) -> None:
    """Refuse a judge who is excluded, conflicted (logging it) or not on the idea's panel.

    `excluded` and `on_panel` (True also when the round has no panels) are looked up unless the caller
    already read them (the score save reads everything in one query).
    """
    if not judgeable(idea):
        raise conflict(
            "idea_not_judgeable",
            Message(
                "Gagasan ini tidak dapat dinilai (belum lolos seleksi atau ditarik)",
                "This idea cannot be judged (not screened eligible, or withdrawn)",
            ),
            {"eligible": idea.eligible, "withdrawn": idea.withdrawn_at is not None},
        )
    reason = conflict_of(
        idea, judge_id=principal.user_id, agency_code=principal.agency_code, work_unit=principal.work_unit
    )
    if reason is not None:
        if record_exclusion(
            session,
            idea=idea,
            judge_id=principal.user_id,
            judge_name=principal.name,
            kind=ExclusionKind.CONFLICT,
            reason=reason,
            actor=principal,
        ):
            session.commit()  # the refusal is logged even though the request fails
        raise AppError(403, "conflict_of_interest", CONFLICT_MESSAGE, {"reason": reason})
    if excluded is None:
        excluded = (
            session.scalar(
                select(Exclusion.id).where(Exclusion.idea_id == idea.id, Exclusion.judge_id == principal.user_id)
            )
            is not None
        )
    if excluded:
        raise AppError(
            403,
            "judge_excluded",
            Message(
                "Anda dikecualikan dari gagasan ini (mundur atau konflik)",
                "You are excluded from this idea (recusal or conflict)",
            ),
        )
    if on_panel is None:
        panel = panel_for(session, round_id, idea.id)
        on_panel = panel is None or principal.user_id in {m.judge_id for m in panel}
    if not on_panel:
        raise AppError(
            403,
            "not_on_panel",
            Message("Anda bukan anggota panel gagasan ini", "You are not on this idea's panel"),
        )


def authorise_reader(session: Session, idea: Idea, principal: Principal) -> None:
    """Refuse a judge who may score the idea in no round of its edition: what scoring refuses, on every round.

    For what a judge reads in order to score (attachments, extra answers): the same checks, logged the
    same way, so a judge reads exactly the ideas they judge.
    """
    if principal.has_role(Role.COMMITTEE):
        return
    refusal: AppError | None = None
    for rnd in session.scalars(select(Round).where(Round.edition_code == idea.edition_code).order_by(Round.kind)):
        try:
            authorise_judge(session, idea, rnd.id, principal)
        except AppError as exc:
            if exc.code != "not_on_panel":
                raise
            refusal = exc
        else:
            return
    if refusal is not None:
        raise refusal
    rubric_round(session, idea.edition_code, DEFAULT_ROUND)  # reached only with no round at all: 409 rubric_missing
