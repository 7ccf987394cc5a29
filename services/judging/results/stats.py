"""The statistics of judging, as pure functions (no database): calibration and agreement.

Calibration corrects for harsh and lenient judges. Each judge's weighted scores (0..100) are
standardised against that judge's own mean and spread, then put back on the scale of the whole
round::

    calibrated = round_mean + round_sd * (raw - judge_mean) / judge_sd

so a harsh judge's 60 and a lenient judge's 85 count the same if each is the same distance above
that judge's usual score. Standard deviations are population ones (divide by n). A judge's mean and
spread mean little when they scored few ideas, so the **minimum-sample guard** keeps the raw score
of a judge who scored fewer than `min_sample` ideas (or gave every idea the same score, sd 0); the
round's mean and sd are over every submitted judge score. Calibrated values are clipped to 0..100.
An idea's raw and calibrated scores are the means of its judges' raw and calibrated scores.

Agreement is Kendall's coefficient of concordance W (0 = no agreement, 1 = identical rankings),
with the usual correction for ties; it needs at least two raters and two items.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class JudgeScore:
    """One judge's weighted score (0..100) of one idea."""

    judge_id: Hashable
    idea_id: Hashable
    raw: float


def mean(values: Sequence[float]) -> float:
    """Arithmetic mean (of a non-empty sequence)."""
    return sum(values) / len(values)


def pstdev(values: Sequence[float]) -> float:
    """Population standard deviation (0 for fewer than two values)."""
    if len(values) < 2:
        return 0.0
    m = mean(values)
    return math.sqrt(sum((v - m) ** 2 for v in values) / len(values))


def calibrate(scores: Sequence[JudgeScore], *, min_sample: int) -> dict[tuple[Hashable, Hashable], float]:
    """Calibrated score of each (judge_id, idea_id); raw where the minimum-sample guard applies."""
    if not scores:
        return {}
    all_raw = [s.raw for s in scores]
    round_mean, round_sd = mean(all_raw), pstdev(all_raw)
    by_judge: dict[Hashable, list[float]] = {}
    for s in scores:
        by_judge.setdefault(s.judge_id, []).append(s.raw)
    stats = {j: (mean(v), pstdev(v), len(v)) for j, v in by_judge.items()}
    result: dict[tuple[Hashable, Hashable], float] = {}
    for s in scores:
        judge_mean, judge_sd, n = stats[s.judge_id]
        if n < min_sample or judge_sd == 0 or round_sd == 0:
            value = s.raw
        else:
            value = round_mean + round_sd * (s.raw - judge_mean) / judge_sd
        result[(s.judge_id, s.idea_id)] = min(100.0, max(0.0, value))
    return result


def ranks(values: Sequence[float]) -> list[float]:
    """Ranks from 1 (smallest), ties sharing their average rank."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    result = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        average = (i + j) / 2 + 1
        for k in range(i, j + 1):
            result[order[k]] = average
        i = j + 1
    return result


def kendalls_w(ratings: Sequence[Sequence[float]]) -> float | None:
    """Kendall's W of m raters (rows) over the same n items (columns), tie-corrected; None if undefined."""
    m = len(ratings)
    if m < 2:
        return None
    n = len(ratings[0])
    if n < 2 or any(len(r) != n for r in ratings):
        return None
    ranked = [ranks(r) for r in ratings]
    totals = [sum(r[i] for r in ranked) for i in range(n)]
    mean_total = m * (n + 1) / 2
    s = sum((t - mean_total) ** 2 for t in totals)
    ties = 0.0
    for row in ratings:
        counts: dict[float, int] = {}
        for v in row:
            counts[v] = counts.get(v, 0) + 1
        ties += sum(t**3 - t for t in counts.values())
    denominator = m**2 * (n**3 - n) - m * ties
    if denominator <= 0:
        return None  # every rater tied every item: nothing to agree or disagree on
    return round(12 * s / denominator, 4)


def concordance_by_panel(values: Mapping[tuple[Any, Any], float]) -> float | None:
    """Kendall's W of judges over ideas, for one criterion, where judges scored different ideas.

    Ideas are grouped by the exact set of judges who scored them (a panel); W is computed per group
    of at least two judges and two ideas, and averaged weighted by the group's number of ideas.
    """
    return concordance_by_criterion({pair: {"": v} for pair, v in values.items()}, [""])[""]


def concordance_by_criterion(
    values: Mapping[tuple[Any, Any], Mapping[str, float]], keys: Sequence[str]
) -> dict[str, float | None]:
    """`concordance_by_panel` of each criterion key, the panels grouped once for all of them."""
    judges_of: dict[Hashable, dict[Hashable, Mapping[str, float]]] = {}
    for (judge, idea), v in values.items():
        judges_of.setdefault(idea, {})[judge] = v
    groups: dict[frozenset[Hashable], list[Hashable]] = {}
    for idea, by_judge in judges_of.items():
        groups.setdefault(frozenset(by_judge), []).append(idea)
    panels = [
        ([judges_of[i] for i in ideas], sorted(judges, key=str))
        for judges, ideas in groups.items()
        if len(judges) >= 2 and len(ideas) >= 2
    ]
    result: dict[str, float | None] = {}
    for key in keys:
        weighted, weight = 0.0, 0
        for scored, ordered in panels:
            w = kendalls_w([[by_judge[j][key] for by_judge in scored] for j in ordered])
            if w is not None:
                weighted += w * len(scored)
                weight += len(scored)
        result[key] = round(weighted / weight, 4) if weight else None
    return result
