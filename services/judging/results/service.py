"""Results of a round: raw and calibrated scores, agreement, ranking per group and the proposed selection.

Everything is computed from a handful of queries (one aggregate over the round's submitted scores), so
it is cheap enough to recompute on every read, by any replica, without caching state in the API.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Hashable, Sequence
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

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
    concordance_by_panel,
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


def judgeable_ideas(session: Session, edition_code: str) -> Sequence[Idea]:
    """The edition's ideas that are known, screened eligible and not withdrawn."""
    return session.scalars(
        select(Idea)
        .where(
            Idea.edition_code == edition_code,
            Idea.revision > 0,
            Idea.eligible.is_(True),
            Idea.withdrawn_at.is_(None),
        )
        .order_by(Idea.submitted_at, Idea.id)
    ).all()


def _normalised(c: Criterion, v: float) -> float:
    return (v - c.min_score) / (c.max_score - c.min_score)


def compute_results(session: Session, *, edition_code: str, kind: RoundKind = DEFAULT_ROUND) -> ResultsRead:
    """Every judgeable idea's results in the round, ranked per position group with the proposal."""
    rules, _ = load_rules(session, edition_code)
    rnd = find_round(session, edition_code, kind)
    criteria = list(criteria_of(session, rnd.id)) if rnd else []
    ideas = judgeable_ideas(session, edition_code)
    rows = (
        session.execute(
            select(ScoreSet.judge_id, ScoreSet.judge_name, ScoreSet.idea_id, Score.criterion_key, Score.value)
            .join(Score, Score.score_set_id == ScoreSet.id)
            .where(ScoreSet.round_id == rnd.id, ScoreSet.status == SetStatus.SUBMITTED)
        ).all()
        if rnd
        else []
    )
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
    for r in rows:
        if (r.idea_id, r.judge_id) not in excluded:
            values.setdefault((r.judge_id, r.idea_id), {})[r.criterion_key] = r.value
    judge_scores: list[JudgeScore] = []
    for (judge_id, idea_id), vals in values.items():
        total = weighted_score(criteria, vals)
        if total is not None:
            judge_scores.append(JudgeScore(judge_id, idea_id, total))
    calibrated = calibrate(judge_scores, min_sample=rules.min_sample)

    by_idea: dict[Hashable, list[JudgeScore]] = {}
    for s in judge_scores:
        by_idea.setdefault(s.idea_id, []).append(s)
    counted = [c for c in criteria if c.counted]
    results: list[IdeaResult] = []
    for idea in ideas:
        mine = by_idea.get(idea.id, [])
        raw = round(mean([s.raw for s in mine]), 4) if mine else None
        cal = round(mean([calibrated[(s.judge_id, s.idea_id)] for s in mine]), 4) if mine else None
        # Spread of calibrated scores: a harsh and a lenient judge who rank alike do not count as disagreeing.
        spread = round(pstdev([calibrated[(s.judge_id, s.idea_id)] for s in mine]), 4) if len(mine) >= 2 else None
        per_criterion: dict[str, float | None] = {}
        for c in criteria:
            vs = [values[(s.judge_id, idea.id)][c.key] for s in mine if c.key in values[(s.judge_id, idea.id)]]
            per_criterion[c.key] = round(mean(vs), 4) if vs else None
        profile = [[_normalised(c, values[(s.judge_id, idea.id)][c.key]) for c in counted] for s in mine]
        agreement = kendalls_w(profile) if len(mine) >= 2 else None
        adjustment = adjustments.get(idea.id)
        results.append(
            IdeaResult(
                idea_id=idea.id,
                title=idea.title,
                position_group=idea.position_group,
                submitted_at=idea.submitted_at,
                target_agency_code=(idea.snapshot or {}).get("target_agency_code"),
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

    agreement_by_criterion = [
        CriterionAgreement(
            criterion=c.key,
            agreement_w=concordance_by_panel(
                {(s.judge_id, s.idea_id): values[(s.judge_id, s.idea_id)][c.key] for s in judge_scores}
            ),
        )
        for c in counted
    ]
    results.sort(key=lambda r: (r.position_group or "", r.rank if r.rank is not None else 10**9, str(r.idea_id)))
    return ResultsRead(
        edition_code=edition_code,
        round=str(kind),
        rules=rules,
        ideas=results,
        criteria_agreement=agreement_by_criterion,
        judges=_distributions(judge_scores, calibrated, {r.judge_id: r.judge_name for r in rows}),
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
