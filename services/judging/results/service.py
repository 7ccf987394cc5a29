"""Results of a round: raw and calibrated scores, agreement, ranking per group and the proposed selection.

Everything is computed from a handful of queries (one aggregate over the round's submitted scores), so
it is cheap enough to recompute on every read, by any replica, without caching state in the API.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import numpy as np
import psycopg
from sqlalchemy import ColumnElement, Row, exists, select
from sqlalchemy.orm import Session

from services.judging.decisions.models import Decision, SelectionAdjustment
from services.judging.ideas.models import Idea
from services.judging.results.ranking import rank_and_propose
from services.judging.results.schemas import (
    CriterionAgreement,
    IdeaResult,
    JudgeDistribution,
    ResultsRead,
    SelectionRules,
)
from services.judging.results.stats import (
    Floats,
    Ints,
    calibrate_all,
    concordance_all,
    group_stats,
    idea_blocks,
    kendalls_w_all,
)
from services.judging.rubric.models import DEFAULT_ROUND, Criterion, Edition, Round, RoundKind
from services.judging.rubric.service import criteria_of, find_round, weighted_scores
from services.judging.scoring.models import ScoreSet, SetStatus


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


def _judgeable_rows(
    session: Session, edition_code: str
) -> Sequence[Row[uuid.UUID, str | None, str | None, datetime | None, str]]:
    """The columns of the judgeable ideas a result shows (not whole entities: an edition has thousands).

    Run on the session's connection: plain rows, no ORM loading step (a quarter of a read's time).
    """
    return (
        session.connection()
        .execute(
            select(
                Idea.id,
                Idea.title,
                Idea.position_group,
                Idea.submitted_at,
                Idea.snapshot["target_agency_code"].astext.label("target_agency_code"),
            )
            .where(*_judgeable(edition_code))
            .order_by(Idea.submitted_at, Idea.id)
        )
        .all()
    )


@dataclass(frozen=True)
class _Sets:
    """The round's complete submitted score sets as arrays, one row per set, sorted by idea then judge."""

    judge_ids: list[uuid.UUID]  # judge index -> id
    idea_ids: list[bytes]  # idea index -> id (16 bytes)
    judges: Ints  # each set's judge index
    ideas: Ints  # each set's idea index
    values: Floats  # each set's value per criterion (columns in the criteria's order)
    raw: Floats  # each set's weighted score
    calibrated: Floats


def _submitted_sets(
    session: Session, *, round_id: uuid.UUID, edition_code: str, criteria: Sequence[Criterion], min_sample: int
) -> _Sets:
    """The round's submitted score sets, excluded judges left out, as arrays (weighted and calibrated).

    The database packs them into one value, a fixed-size binary record per set (the ids, then a value per
    criterion, NaN where unscored), read straight into a numpy record array: no Python object per set or
    score (a 10,000-idea edition has 50,000 sets; a row or a COPY message each cost more than the rest).
    """
    values_sql = "".join(
        f", coalesce(max(c.value) FILTER (WHERE c.criterion_key = %(key{k})s), 'NaN')::float8 AS v{k}"
        for k in range(len(criteria))
    )
    record_sql = "".join(f" || float8send(v{k})" for k in range(len(criteria)))
    statement = (
        f"SELECT string_agg(uuid_send(judge_id) || uuid_send(idea_id){record_sql}, ''::bytea) FROM ("  # noqa: S608 - positions
        f"SELECT s.judge_id, s.idea_id{values_sql} FROM score_set s JOIN score c ON c.score_set_id = s.id"
        " WHERE s.round_id = %(round_id)s AND s.status = %(submitted)s AND NOT EXISTS (SELECT FROM exclusion e"
        " WHERE e.edition_code = %(edition)s AND e.idea_id = s.idea_id AND e.judge_id = s.judge_id)"
        " GROUP BY s.id) AS sets"
    )  # only column positions are formatted in: the keys, ids and status are bound parameters
    params: dict[str, object] = {f"key{k}": c.key for k, c in enumerate(criteria)}
    params |= {"round_id": round_id, "submitted": str(SetStatus.SUBMITTED), "edition": edition_code}
    # On the session's connection (its transaction), in binary: the bytes as they are, not twice as many in hex.
    connection = cast(psycopg.Connection[Any], session.connection().connection.driver_connection)
    with connection.cursor(binary=True) as cursor:
        (packed,) = cursor.execute(statement, params).fetchone() or (None,)  # an aggregate: always one row
    record = np.dtype([("judge", "V16"), ("idea", "V16")] + [(f"value{k}", ">f8") for k in range(len(criteria))])
    rows = np.frombuffer(packed or b"", dtype=record)
    judge_ids, judges = np.unique(rows["judge"], return_inverse=True)
    idea_ids, ideas = np.unique(rows["idea"], return_inverse=True)
    values = np.empty((len(rows), len(criteria)))
    for k in range(len(criteria)):
        values[:, k] = rows[f"value{k}"]
    raw = weighted_scores(criteria, values)
    order = np.lexsort((judges, ideas))
    order = order[~np.isnan(raw[order])]  # a set with a counted criterion unscored counts nowhere
    judges, ideas = judges.ravel()[order].astype(np.intp), ideas.ravel()[order].astype(np.intp)
    return _Sets(
        judge_ids=[uuid.UUID(bytes=b) for b in judge_ids.tolist()],
        idea_ids=idea_ids.tolist(),
        judges=judges,
        ideas=ideas,
        values=values[order],
        raw=raw[order],
        calibrated=calibrate_all(judges, raw[order], min_sample=min_sample),
    )


def _rounded(values: Floats) -> list[float | None]:
    """Python floats rounded to 4 places (Python's round, as the answer always did), None for NaN."""
    return [None if v != v else round(v, 4) for v in values.tolist()]


@dataclass(frozen=True)
class _Statistics:
    """The round's statistics: per idea (lists by column, a last item for an idea nobody scored), per
    counted criterion and per judge, as the answer shows them (rounded)."""

    position: dict[bytes, int]  # an idea's id (16 bytes) -> its column
    judges: list[int]
    raw: list[float | None]
    calibrated: list[float | None]
    spread: list[float | None]
    agreement: list[float | None]
    criteria: list[list[float | None]]  # per criterion, in the criteria's order
    criteria_agreement: list[CriterionAgreement]
    distributions: list[JudgeDistribution]


def _statistics(
    session: Session,
    round_id: uuid.UUID | None,
    *,
    edition_code: str,
    criteria: Sequence[Criterion],
    rules: SelectionRules,
) -> _Statistics:
    """Every statistic of the round, one array operation over its score sets each.

    Only the rounded figures leave this function: the arrays are freed before the 10,000 ideas' models
    are built (the peak memory of a read).
    """
    sets = (
        _submitted_sets(
            session, round_id=round_id, edition_code=edition_code, criteria=criteria, min_sample=rules.min_sample
        )
        if round_id
        else _no_sets(len(criteria))
    )
    count = len(sets.idea_ids)
    raw_mean, _, judges = group_stats(sets.ideas, sets.raw, count)
    cal_mean, cal_sd, _ = group_stats(sets.ideas, sets.calibrated, count)
    # Spread of calibrated scores: a harsh and a lenient judge who rank alike do not count as disagreeing.
    cal_sd[judges < 2] = np.nan
    per_criterion = []
    for column in range(len(criteria)):
        scored = ~np.isnan(sets.values[:, column])
        per_criterion.append(group_stats(sets.ideas[scored], sets.values[scored, column], count)[0])
    counted = [k for k, c in enumerate(criteria) if c.counted]
    normalised = np.empty((len(sets.raw), len(counted)))
    for column, k in enumerate(counted):
        low, span = criteria[k].min_score, criteria[k].max_score - criteria[k].min_score
        normalised[:, column] = (sets.values[:, k] - low) / span
    agreement = np.full(count, np.nan)
    for members, rows in idea_blocks(sets.ideas):
        if rows.shape[1] >= 2:
            agreement[members] = kendalls_w_all(normalised[rows])
    w_by_key = concordance_all(sets.judges, sets.ideas, sets.values[:, counted])
    return _Statistics(
        position={idea_id: i for i, idea_id in enumerate(sets.idea_ids)},
        judges=[*judges.tolist(), 0],
        raw=[*_rounded(raw_mean), None],
        calibrated=[*_rounded(cal_mean), None],
        spread=[*_rounded(cal_sd), None],
        agreement=[*_rounded(agreement), None],
        criteria=[[*_rounded(means), None] for means in per_criterion],
        criteria_agreement=[
            CriterionAgreement(criterion=criteria[k].key, agreement_w=w) for k, w in zip(counted, w_by_key, strict=True)
        ],
        distributions=_distributions(session, round_id, sets) if round_id else [],
    )


def compute_results(session: Session, *, edition_code: str, kind: RoundKind = DEFAULT_ROUND) -> ResultsRead:
    """Every judgeable idea's results in the round, ranked per position group with the proposal."""
    rules, _ = load_rules(session, edition_code)
    rnd = find_round(session, edition_code, kind)
    criteria = list(criteria_of(session, rnd.id)) if rnd else []
    ideas = _judgeable_rows(session, edition_code)
    adjustments = {
        a.idea_id: a
        for a in session.scalars(select(SelectionAdjustment).where(SelectionAdjustment.edition_code == edition_code))
    }
    decisions = select(Decision.idea_id, Decision.selected).where(Decision.edition_code == edition_code)
    decided: dict[Any, bool] = dict(session.execute(decisions).all())
    stats = _statistics(session, rnd.id if rnd else None, edition_code=edition_code, criteria=criteria, rules=rules)
    at = [stats.position.get(idea.id.bytes, -1) for idea in ideas]  # -1: the column of an idea nobody scored
    judges_at = [stats.judges[i] for i in at]
    raw_at = [stats.raw[i] for i in at]
    cal_at = [stats.calibrated[i] for i in at]
    spread_at = [stats.spread[i] for i in at]
    agreement_at = [stats.agreement[i] for i in at]
    criteria_at = [[means[i] for i in at] for means in stats.criteria]
    keys = [c.key for c in criteria]
    # Plain dicts until the order and the proposal are settled: a pydantic model is built once per idea,
    # never assigned to (each assignment is validated), and its id turned into text once.
    rows: list[dict[str, Any]] = []
    for i, idea in enumerate(ideas):
        spread = spread_at[i]
        adjustment = adjustments.get(idea.id)
        rows.append(
            {
                "idea_id": idea.id,
                "title": idea.title,
                "position_group": idea.position_group,
                "submitted_at": idea.submitted_at,
                "target_agency_code": idea.target_agency_code,
                "judges": judges_at[i],
                "raw_score": raw_at[i],
                "calibrated_score": cal_at[i],
                "score": cal_at[i] if rules.score_basis == "calibrated" else raw_at[i],
                "criteria": {key: means[i] for key, means in zip(keys, criteria_at, strict=True)},
                "agreement_w": agreement_at[i],
                "spread_sd": spread,
                "flagged": spread is not None and spread > rules.disagreement_sd,
                "rank": None,
                "proposed": False,
                "adjustment_reason": adjustment.reason if adjustment else None,
                "decision_published": idea.id in decided,
                "id_text": str(idea.id),  # for the order only: not a field, dropped below
            }
        )
    rank_and_propose(rows, rules, criteria)
    for row in rows:
        adjustment = adjustments.get(row["idea_id"])
        row["selected"] = adjustment.selected if adjustment else row["proposed"]
        row["exception"] = decided.get(row["idea_id"], row["selected"]) != row["proposed"]
    rows.sort(key=lambda r: (r["position_group"] or "", r["rank"] if r["rank"] is not None else 10**9, r["id_text"]))
    for row in rows:
        del row["id_text"]
    # The values are this function's own, typed above: the models are constructed, not validated again,
    # and share one set of the fields given (every field: an assignment adds nothing to it). A set of its
    # own per model was over half of the memory of 10,000 results.
    results = [IdeaResult.model_construct(_fields_set=_IDEA_FIELDS, **row) for row in rows]

    return ResultsRead(
        edition_code=edition_code,
        round=str(kind),
        rules=rules,
        ideas=results,
        criteria_agreement=stats.criteria_agreement,
        judges=stats.distributions,
    )


_IDEA_FIELDS = set(IdeaResult.model_fields)


def _no_sets(criteria: int) -> _Sets:
    """No score sets (an edition without the round)."""
    none = np.zeros(0, dtype=np.intp)
    return _Sets([], [], none, none, np.zeros((0, criteria)), np.zeros(0), np.zeros(0))


def _distributions(session: Session, round_id: uuid.UUID, sets: _Sets) -> list[JudgeDistribution]:
    """Each judge's mean and spread before and after calibration (a harsh judge's scores move up)."""
    names = dict(
        session.execute(
            select(ScoreSet.judge_id, ScoreSet.judge_name)
            .where(ScoreSet.round_id == round_id, ScoreSet.status == SetStatus.SUBMITTED)
            .group_by(ScoreSet.judge_id, ScoreSet.judge_name)
        ).all()
    )
    count = len(sets.judge_ids)
    raw_mean, raw_sd, ideas = group_stats(sets.judges, sets.raw, count)
    cal_mean, cal_sd, _ = group_stats(sets.judges, sets.calibrated, count)
    columns = zip(
        sets.judge_ids,
        ideas.tolist(),
        _rounded(raw_mean),
        _rounded(raw_sd),
        _rounded(cal_mean),
        _rounded(cal_sd),
        strict=True,
    )
    out = [
        JudgeDistribution(
            judge_id=judge_id,
            name=names.get(judge_id, ""),
            ideas=n,
            raw_mean=rm,
            raw_sd=rs,
            calibrated_mean=cm,
            calibrated_sd=cs,
        )
        for judge_id, n, rm, rs, cm, cs in columns
        if n
    ]
    return sorted(out, key=lambda d: d.name)
