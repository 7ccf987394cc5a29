"""Decisions: the committee's adjustments and decisions, publishing idea.judged.v1 via the outbox (rules: rules.py)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from services.judging.audit.service import record
from services.judging.conflicts.service import excluded_judges
from services.judging.decisions.models import Decision, SelectionAdjustment
from services.judging.decisions.schemas import (
    AdjustmentIn,
    CriterionFeedback,
    DecisionIn,
    DecisionRead,
    FeedbackRead,
    PublishRead,
)
from services.judging.ideas.models import Idea
from services.judging.ideas.service import get_known_idea, is_on_team
from services.judging.results.schemas import IdeaResult
from services.judging.results.service import compute_results
from services.judging.rubric.models import DEFAULT_ROUND
from services.judging.rubric.service import criteria_of, find_round
from services.judging.scoring.models import Score, ScoreSet, SetStatus
from shared.auth import Principal, Role
from shared.db import utcnow
from shared.errors import Message, conflict, invalid, not_found
from shared.events import (
    IdeaJudged,
    IdeaJudgedPayload,
    IdeaSnapshot,
    NotificationRequested,
    NotificationTemplate,
    Person,
    PositionGroup,
)
from shared.notifications import team_notifications
from shared.outbox import publish

PRODUCER = "judging"


def _judged_event(idea: Idea, d: Decision) -> IdeaJudged:
    assert idea.proposer is not None
    assert idea.snapshot is not None
    assert idea.position_group is not None
    return IdeaJudged(
        event_id=d.event_id,
        producer=PRODUCER,
        payload=IdeaJudgedPayload(
            idea_id=idea.id,
            edition_code=idea.edition_code,
            selected=d.selected,
            score=d.score,
            rank=d.rank,
            position_group=PositionGroup(idea.position_group),
            implementing_agency_code=d.implementing_agency_code,
            due_date=d.due_date,
            proposer=Person.model_validate(idea.proposer),
            co_proposers=[Person.model_validate(p) for p in idea.co_proposers],
            idea=IdeaSnapshot.model_validate(idea.snapshot),
            decided_at=d.decided_at,
        ),
    )


def _team_notices(idea: Idea, d: Decision) -> list[NotificationRequested]:
    """What the team hears of a decision: its feedback is ready, and "not selected" when it was not (a selected
    idea's team hears from the implementation service, with its ticket)."""
    team = [Person.model_validate(p) for p in [idea.proposer, *idea.co_proposers] if p]
    context = {"idea_id": str(idea.id), "title": idea.title, "edition_code": idea.edition_code, "rank": d.rank}
    notices = team_notifications(
        producer=PRODUCER, cause=d.event_id, team=team, template=NotificationTemplate.FEEDBACK_READY, context=context
    )
    if not d.selected:
        notices += team_notifications(
            producer=PRODUCER,
            cause=d.event_id,
            team=team,
            template=NotificationTemplate.IDEA_NOT_SELECTED,
            context=context,
        )
    return notices


def _record_decision(
    session: Session,
    *,
    idea: Idea,
    result: IdeaResult | None,
    selected: bool,
    agency_code: str | None,
    due_date: date | None,
    reason: str | None,
    principal: Principal,
) -> Decision | None:
    """Insert the decision and its event in the caller's transaction; None if already decided."""
    decision_id = uuid.uuid4()
    now = utcnow()
    # RETURNING the whole row gives the ORM object without reading it back (publishing an edition's
    # decisions would otherwise cost a SELECT per idea).
    decision = session.scalars(
        pg_insert(Decision)
        .values(
            idea_id=idea.id,
            edition_code=idea.edition_code,
            selected=selected,
            implementing_agency_code=agency_code if selected else None,
            due_date=due_date if selected else None,
            score=result.score if result else None,
            raw_score=result.raw_score if result else None,
            calibrated_score=result.calibrated_score if result else None,
            rank=result.rank if result else None,
            reason=reason,
            decided_by=principal.user_id,
            decided_at=now,
            event_id=decision_id,
        )
        .on_conflict_do_nothing(index_elements=[Decision.idea_id])
        .returning(Decision)
    ).first()
    if decision is None:
        return None
    publish(session, _judged_event(idea, decision), *_team_notices(idea, decision))
    record(
        session,
        edition_code=idea.edition_code,
        action="decision_published",
        actor=principal,
        object_type="idea",
        object_id=idea.id,
        reason=reason,
        data={
            "selected": decision.selected,
            "score": decision.score,
            "rank": decision.rank,
            "agency": decision.implementing_agency_code,
            "due_date": decision.due_date.isoformat() if decision.due_date else None,
            "position_group": idea.position_group,
            "event_id": str(decision.event_id),
        },
    )
    return decision


def decide(session: Session, *, idea_id: uuid.UUID, body: DecisionIn, principal: Principal) -> DecisionRead:
    """Record and publish the committee's decision on one idea; repeating the same decision is harmless."""
    idea = get_known_idea(session, idea_id=idea_id)
    if not idea.judgeable:
        raise conflict(
            "idea_not_judgeable",
            Message(
                "Gagasan ini tidak dapat diputuskan (tidak lolos atau ditarik)",
                "No decision is possible on this idea (not eligible, or withdrawn)",
            ),
        )
    existing = session.get(Decision, idea.id)
    if existing is None:
        results = compute_results(session, edition_code=idea.edition_code)
        result = next((r for r in results.ideas if r.idea_id == idea.id), None)
        created = _record_decision(
            session,
            idea=idea,
            result=result,
            selected=body.selected,
            agency_code=body.implementing_agency_code,
            due_date=body.due_date,
            reason=_exception_reason(session, idea=idea, result=result, body=body),
            principal=principal,
        )
        session.commit()
        existing = created or session.get(Decision, idea.id)
        assert existing is not None
    if (existing.selected, existing.implementing_agency_code, existing.due_date) != (
        body.selected,
        body.implementing_agency_code if body.selected else None,
        body.due_date if body.selected else None,
    ):
        raise conflict(
            "already_decided",
            Message("Keputusan atas gagasan ini sudah diterbitkan", "A decision on this idea was already published"),
            {"decision": DecisionRead.model_validate(existing, from_attributes=True).model_dump(mode="json")},
        )
    return DecisionRead.model_validate(existing, from_attributes=True)


def _exception_reason(session: Session, *, idea: Idea, result: IdeaResult | None, body: DecisionIn) -> str | None:
    """The reason recorded with a decision; 422 when the decision departs from the rules without one.

    Within the rules the decision follows the proposal (the declared quota and threshold). Selecting an
    idea the rules do not propose, or passing over one they do, is an exception: it needs a reason,
    given here or earlier in the committee's adjustment to the same choice.
    """
    reason = body.reason.strip() if body.reason and body.reason.strip() else None
    proposed = result.proposed if result else False
    if body.selected == proposed or reason:
        return reason
    adjustment = session.get(SelectionAdjustment, idea.id)
    if adjustment is not None and adjustment.selected == body.selected:
        return adjustment.reason
    raise invalid(
        "decision_reason_required",
        Message(
            "Keputusan ini di luar aturan seleksi (kuota dan ambang batas); sertakan alasan",
            "This decision departs from the selection rules (quota and threshold); give a reason",
        ),
        {"proposed": proposed, "selected": body.selected, "rank": result.rank if result else None},
    )


def get_decision(session: Session, *, idea_id: uuid.UUID) -> DecisionRead:
    """A published decision; 404 before."""
    d = session.get(Decision, idea_id)
    if d is None:
        raise not_found("Keputusan", "Decision", {"idea_id": str(idea_id)})
    return DecisionRead.model_validate(d, from_attributes=True)


def adjust(session: Session, *, edition_code: str, body: AdjustmentIn, principal: Principal) -> IdeaResult:
    """Override the proposal for one idea, with a recorded reason (before it is published)."""
    idea = get_known_idea(session, idea_id=body.idea_id)
    if idea.edition_code != edition_code or not idea.judgeable:
        raise not_found("Gagasan", "Idea", {"idea_id": str(body.idea_id)})
    if session.get(Decision, idea.id) is not None:
        raise conflict(
            "already_decided",
            Message("Keputusan atas gagasan ini sudah diterbitkan", "A decision on this idea was already published"),
        )
    stmt = pg_insert(SelectionAdjustment).values(
        idea_id=idea.id,
        edition_code=edition_code,
        selected=body.selected,
        implementing_agency_code=body.implementing_agency_code,
        reason=body.reason,
        adjusted_by=principal.user_id,
        adjusted_at=utcnow(),
    )
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=[SelectionAdjustment.idea_id],
            set_={
                c: stmt.excluded[c]
                for c in ("selected", "implementing_agency_code", "reason", "adjusted_by", "adjusted_at")
            },
        )
    )
    record(
        session,
        edition_code=edition_code,
        action="selection_adjusted",
        actor=principal,
        object_type="idea",
        object_id=idea.id,
        reason=body.reason,
        data={"selected": body.selected, "implementing_agency_code": body.implementing_agency_code},
    )
    session.commit()
    results = compute_results(session, edition_code=edition_code)
    return next(r for r in results.ideas if r.idea_id == idea.id)


def publish_selection(session: Session, *, edition_code: str, due_date: date, principal: Principal) -> PublishRead:
    """Publish a decision for every scored, undecided idea of the edition (selected: proposal or adjustment).

    Each decision emits idea.judged.v1; an idea already decided is left as it is, so publishing twice
    changes nothing. Selected ideas go to the adjustment's agency, else the idea's target agency.
    """
    results = compute_results(session, edition_code=edition_code)
    scored = [r for r in results.ideas if r.score is not None and not r.decision_published]
    if not scored:
        return PublishRead(published=0, selected=0, decisions=[])
    ideas = {i.id: i for i in session.scalars(select(Idea).where(Idea.id.in_([r.idea_id for r in scored])))}
    adjustments = {
        a.idea_id: a
        for a in session.scalars(select(SelectionAdjustment).where(SelectionAdjustment.edition_code == edition_code))
    }
    missing_agency = [
        str(r.idea_id)
        for r in scored
        if r.selected
        and not (
            (adjustments.get(r.idea_id) and adjustments[r.idea_id].implementing_agency_code) or r.target_agency_code
        )
    ]
    if missing_agency:
        raise invalid(
            "implementing_agency_missing",
            Message("Gagasan terpilih belum memiliki instansi pelaksana", "Selected ideas lack an implementing agency"),
            {"idea_ids": missing_agency},
        )
    made: list[Decision] = []
    for r in scored:
        adjustment = adjustments.get(r.idea_id)
        agency = (adjustment.implementing_agency_code if adjustment else None) or r.target_agency_code
        d = _record_decision(
            session,
            idea=ideas[r.idea_id],
            result=r,
            selected=r.selected,
            agency_code=agency,
            due_date=due_date,
            reason=adjustment.reason if adjustment else None,
            principal=principal,
        )
        if d is not None:
            made.append(d)
    session.commit()
    return PublishRead(
        published=len(made),
        selected=sum(1 for d in made if d.selected),
        decisions=[DecisionRead.model_validate(d, from_attributes=True) for d in made],
    )


def feedback(session: Session, *, idea_id: uuid.UUID, principal: Principal) -> FeedbackRead:
    """Per-criterion means and comments of the default round, without judge names, once published.

    Only the idea's team (and the committee) may read it; before publication it does not exist (404).
    """
    idea = session.get(Idea, idea_id)
    decision = session.get(Decision, idea_id)
    allowed = idea is not None and (is_on_team(idea, principal) or principal.has_role(Role.COMMITTEE))
    if idea is None or decision is None or not allowed:
        raise not_found("Umpan balik", "Feedback", {"idea_id": str(idea_id)})
    rnd = find_round(session, idea.edition_code, DEFAULT_ROUND)
    criteria = criteria_of(session, rnd.id) if rnd else []
    rows = (
        session.execute(
            select(ScoreSet.judge_id, Score.criterion_key, Score.value, Score.comment)
            .join(ScoreSet, ScoreSet.id == Score.score_set_id)
            .where(ScoreSet.round_id == rnd.id, ScoreSet.idea_id == idea_id, ScoreSet.status == SetStatus.SUBMITTED)
            .order_by(Score.criterion_key, Score.updated_at)
        ).all()
        if rnd
        else []
    )
    excluded = excluded_judges(session, [idea_id])
    rows = [r for r in rows if (idea_id, r.judge_id) not in excluded]
    by_key: dict[str, list[tuple[float, str | None]]] = {}
    for r in rows:
        by_key.setdefault(r.criterion_key, []).append((r.value, r.comment))
    return FeedbackRead(
        idea_id=idea_id,
        selected=decision.selected,
        score=decision.score,
        rank=decision.rank,
        decided_at=decision.decided_at,
        criteria=[
            CriterionFeedback(
                key=c.key,
                name=c.name,
                min_score=c.min_score,
                max_score=c.max_score,
                counted=c.counted,
                mean=round(sum(v for v, _ in by_key[c.key]) / len(by_key[c.key]), 2) if by_key.get(c.key) else None,
                comments=sorted(cm.strip() for _, cm in by_key.get(c.key, []) if cm and cm.strip()),
            )
            for c in criteria
        ],
    )
