"""Results of a round: raw and calibrated scores, agreement, ranking per group and the proposed selection.

Everything is computed from a handful of queries (one aggregate over the round's submitted scores), so
it is cheap enough to recompute on every read, by any replica, without caching state in the API.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Hashable, Sequence
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, Row, exists, func, select
from sqlalchemy.orm import Session
from sqlalchemy.types import NullType

from services.judging.conflicts.models import Exclusion
from services.judging.decisions.models import Decision, SelectionAdjustment
from services.judging.ideas.models import Idea
from services.judging.results.schemas import (
    CriterionAgreement,
    IdeaResult,
    JudgeDistribution,
    ResultsRead,
    SelectionRules,
)
from services.judging.results.stats import (
    JudgeScore,
    calibrate,
    concordance_by_criterion,
    kendalls_w,
    mean,
    pstdev,
)
from services.judging.rubric.models import DEFAULT_ROUND, Criterion, Edition, Round, RoundKind
from services.judging.rubric.service import criteria_of, find_round, weighted_score
from services.judging.scoring.models import Score, ScoreSet, SetStatus


def load_rules(session: Session, edition_code: str) -> tuple[SelectionRules, bool]:
    """The edition's selection rules (defaults when none declared) and whether they were declared."""
    edition = session.get(Edition, edition_code)
    if edition is None or edition.rules is None:
        return SelectionRules(), False
    return SelectionRules.model_validate(edition.rules), True


def scoring_begun(session: Session, edition_code: str) -> bool:
    """Whether any judge has saved a score in any round of the edition."""
    return bool(
        session.scalar(select(exists().where(ScoreSet.round_id == Round.id).where(Round.edition_code == edition_code)))
    )


def _judgeable(edition_code: str) -> tuple[ColumnElement[bool], ...]:
    """The conditions on an idea to be judged: known, screened eligible and not withdrawn."""
    return (Idea.edition_code == edition_code, Idea.revision > 0, Idea.eligible.is_(True), Idea.withdrawn_at.is_(None))


def judgeable_ideas(session: Session, edition_code: str) -> Sequence[Idea]:
    """The edition's ideas that are known, screened eligible and not withdrawn."""
    return session.scalars(select(Idea).where(*_judgeable(edition_code)).order_by(Idea.submitted_at, Idea.id)).all()


def _normalised(c: Criterion, v: float) -> float:
    return (v - c.min_score) / (c.max_score - c.min_score)


def _judgeable_rows(
    session: Session, edition_code: str
) -> Sequence[Row[uuid.UUID, str | None, str | None, datetime | None, str]]:
    """The columns of the judgeable ideas a result shows (not whole entities: an edition has thousands)."""
    return session.execute(
        select(
            Idea.id,
            Idea.title,
            Idea.position_group,
            Idea.submitted_at,
            Idea.snapshot["target_agency_code"].astext.label("target_agency_code"),
        )
        .where(*_judgeable(edition_code))
        .order_by(Idea.submitted_at, Idea.id)
    ).all()


def _submitted_sets(
    session: Session, round_id: uuid.UUID
) -> Sequence[Row[uuid.UUID, str, uuid.UUID, Sequence[str], Sequence[float]]]:
    """The round's submitted score sets, one row each with its criteria and values as two arrays.

    One row per set rather than per score: a 10,000-idea edition is 50,000 rows instead of 300,000. Run on
    the session's connection (plain rows, no ORM loading step), the arrays as the driver returns them
    (lists already: SQLAlchemy's ARRAY type would copy each one item by item).
    """
    statement = (
        select(
            ScoreSet.judge_id,
            ScoreSet.judge_name,
            ScoreSet.idea_id,
            func.array_agg(Score.criterion_key, type_=NullType()).label("criterion_keys"),
            func.array_agg(Score.value, type_=NullType()).label("criterion_values"),
        )
        .join(Score, Score.score_set_id == ScoreSet.id)
        .where(ScoreSet.round_id == round_id, ScoreSet.status == SetStatus.SUBMITTED)
        .group_by(ScoreSet.id)
    )
    return session.connection().execute(statement).all()


def compute_results(session: Session, *, edition_code: str, kind: RoundKind = DEFAULT_ROUND) -> ResultsRead:
    """Every judgeable idea's results in the round, ranked per position group with the proposal."""
    rules, _ = load_rules(session, edition_code)
    rnd = find_round(session, edition_code, kind)
    criteria = list(criteria_of(session, rnd.id)) if rnd else []
    ideas = _judgeable_rows(session, edition_code)
    sets = _submitted_sets(session, rnd.id) if rnd else []
    excluded = {
        (r.idea_id, r.judge_id)
        for r in session.execute(
            select(Exclusion.idea_id, Exclusion.judge_id).where(Exclusion.edition_code == edition_code)
        ).all()
    }
    adjustments = {
        a.idea_id: a
        for a in session.scalars(select(SelectionAdjustment).where(SelectionAdjustment.edition_code == edition_code))
    }
    decisions = select(Decision.idea_id, Decision.selected).where(Decision.edition_code == edition_code)
    decided: dict[Any, bool] = dict(session.execute(decisions).all())

    values: dict[tuple[Hashable, Hashable], dict[str, float]] = {}
    for r in sets:
        if (r.idea_id, r.judge_id) not in excluded:
            values[(r.judge_id, r.idea_id)] = dict(zip(r.criterion_keys, r.criterion_values, strict=True))
    judge_scores: list[JudgeScore] = []
    for (judge_id, idea_id), vals in values.items():
        total = weighted_score(criteria, vals)
        if total is not None:
            judge_scores.append(JudgeScore(judge_id, idea_id, total))
    calibrated = calibrate(judge_scores, min_sample=rules.min_sample)

    # Each idea's judges as (raw, calibrated, the criteria's values), grouped once: the loop below
    # then reads no map keyed by (judge, idea) (hashing UUID pairs was a third of the time).
    by_idea: dict[Hashable, list[tuple[float, float, dict[str, float]]]] = {}
    for s in judge_scores:
        pair = (s.judge_id, s.idea_id)
        by_idea.setdefault(s.idea_id, []).append((s.raw, calibrated[pair], values[pair]))
    counted = [c for c in criteria if c.counted]
    # Plain tuples of the criteria: an ORM attribute read costs a descriptor call, thousands of times here.
    scales = [(c.key, c.min_score, c.max_score - c.min_score) for c in criteria]
    counted_scales = [(c.key, c.min_score, c.max_score - c.min_score) for c in counted]
    results: list[IdeaResult] = []
    for idea in ideas:
        mine = by_idea.get(idea.id, [])
        raw = round(mean([s[0] for s in mine]), 4) if mine else None
        cal = round(mean([s[1] for s in mine]), 4) if mine else None
        # Spread of calibrated scores: a harsh and a lenient judge who rank alike do not count as disagreeing.
        spread = round(pstdev([s[1] for s in mine]), 4) if len(mine) >= 2 else None
        per_criterion: dict[str, float | None] = {}
        for criterion, _low, _span in scales:
            vs = [s[2][criterion] for s in mine if criterion in s[2]]
            per_criterion[criterion] = round(mean(vs), 4) if vs else None
        profile = [[(s[2][k] - low) / span for k, low, span in counted_scales] for s in mine]
        agreement = kendalls_w(profile) if len(mine) >= 2 else None
        adjustment = adjustments.get(idea.id)
        results.append(
            IdeaResult(
                idea_id=idea.id,
                title=idea.title,
                position_group=idea.position_group,
                submitted_at=idea.submitted_at,
                target_agency_code=idea.target_agency_code,
                judges=len(mine),
                raw_score=raw,
                calibrated_score=cal,
                score=cal if rules.score_basis == "calibrated" else raw,
                criteria=per_criterion,
                agreement_w=agreement,
                spread_sd=spread,
                flagged=spread is not None and spread > rules.disagreement_sd,
                rank=None,
                proposed=False,
                selected=False,
                adjustment_reason=adjustment.reason if adjustment else None,
                decision_published=idea.id in decided,
            )
        )
    _rank_and_propose(results, rules, criteria)
    for result in results:
        adjustment = adjustments.get(result.idea_id)
        result.selected = adjustment.selected if adjustment else result.proposed
        result.exception = decided.get(result.idea_id, result.selected) != result.proposed

    complete = {(s.judge_id, s.idea_id): values[(s.judge_id, s.idea_id)] for s in judge_scores}
    w_by_key = concordance_by_criterion(complete, [c.key for c in counted])
    agreement_by_criterion = [CriterionAgreement(criterion=c.key, agreement_w=w_by_key[c.key]) for c in counted]
    results.sort(key=lambda r: (r.position_group or "", r.rank if r.rank is not None else 10**9, str(r.idea_id)))
    return ResultsRead(
        edition_code=edition_code,
        round=str(kind),
        rules=rules,
        ideas=results,
        criteria_agreement=agreement_by_criterion,
        judges=_distributions(judge_scores, calibrated, {r.judge_id: r.judge_name for r in sets}),
    )


def _distributions(
    judge_scores: Sequence[JudgeScore],
    calibrated: dict[tuple[Hashable, Hashable], float],
    names: dict[Any, str],
) -> list[JudgeDistribution]:
    """Each judge's mean and spread before and after calibration (a harsh judge's scores move up)."""
    by_judge: dict[Hashable, list[JudgeScore]] = {}
    for s in judge_scores:
        by_judge.setdefault(s.judge_id, []).append(s)
    out = []
    for judge_id, mine in by_judge.items():
        raws = [s.raw for s in mine]
        cals = [calibrated[(s.judge_id, s.idea_id)] for s in mine]
        out.append(
            JudgeDistribution(
                judge_id=cast(uuid.UUID, judge_id),
                name=names.get(judge_id, ""),
                ideas=len(mine),
                raw_mean=round(mean(raws), 4),
                raw_sd=round(pstdev(raws), 4),
                calibrated_mean=round(mean(cals), 4),
                calibrated_sd=round(pstdev(cals), 4),
            )
        )
    return sorted(out, key=lambda d: d.name)


_FAR_FUTURE = datetime.max.replace(tzinfo=UTC)


def sort_key(rules: SelectionRules, criteria: Sequence[Criterion]) -> Callable[[IdeaResult], tuple[Any, ...]]:
    """The ordering of ranked ideas: the basis score, then the declared tie-breaks in order."""
    by_key = {c.key: c for c in criteria}

    def key(r: IdeaResult) -> tuple[Any, ...]:
        parts: list[Any] = [-(r.score or 0.0)]
        for tb in rules.tie_break:
            if tb == "calibrated_score":
                parts.append(-(r.calibrated_score or 0.0))
            elif tb == "raw_score":
                parts.append(-(r.raw_score or 0.0))
            elif tb == "submitted_at":
                parts.append(r.submitted_at or _FAR_FUTURE)
            else:
                c = by_key.get(tb.removeprefix("criterion:"))
                v = r.criteria.get(c.key) if c else None
                parts.append(-_normalised(c, v) if c is not None and v is not None else 0.0)
        parts.append(str(r.idea_id))  # total order: never depends on the query's row order
        return tuple(parts)

    return key


def _rank_and_propose(results: list[IdeaResult], rules: SelectionRules, criteria: Sequence[Criterion]) -> None:
    """Rank scored ideas within their position group and mark the proposal under the rules.

    Without a quota and a threshold, nothing is proposed: the committee selects by adjustment.
    """
    groups: dict[str, list[IdeaResult]] = {}
    for r in results:
        if r.score is not None:
            groups.setdefault(r.position_group or "", []).append(r)
    key = sort_key(rules, criteria)
    quotas = {str(g): q for g, q in rules.quota_per_group.items()}
    for group, members in groups.items():
        members.sort(key=key)
        quota = quotas.get(group)
        chosen = 0
        for position, r in enumerate(members, start=1):
            r.rank = position
            if quota is None and rules.threshold is None:
                continue
            if rules.threshold is not None and (r.score or 0.0) < rules.threshold:
                continue
            if quota is not None and chosen >= quota:
                continue
            r.proposed = True
            chosen += 1
