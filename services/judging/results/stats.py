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

The work is done on numpy arrays, a whole round at once (a 10,000-idea edition has 50,000 judge
scores): the functions taking arrays are the implementation, the ones taking Python sequences
(`calibrate`, `ranks`, `kendalls_w`, `concordance_by_panel`) are the same arithmetic on small inputs.
Sums run in the order of the input (`np.bincount`), as Python's `sum` does.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

Floats = NDArray[np.float64]
Ints = NDArray[np.intp]


@dataclass(frozen=True)
class JudgeScore:
    """One judge's weighted score (0..100) of one idea."""

    judge_id: Hashable
    idea_id: Hashable
    raw: float


def group_stats(groups: Ints, values: Floats, count: int) -> tuple[Floats, Floats, Ints]:
    """Mean, population sd and size of `values` per group 0..count-1 (sd 0 below two values, mean NaN when none)."""
    sizes = np.bincount(groups, minlength=count)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.bincount(groups, weights=values, minlength=count) / sizes
        deviations = values - means[groups]
        sds = np.sqrt(np.bincount(groups, weights=deviations * deviations, minlength=count) / sizes)
    sds[sizes < 2] = 0.0
    return means, sds, sizes


def calibrate_all(judges: Ints, raw: Floats, *, min_sample: int) -> Floats:
    """Calibrated value of each judge score (`judges`: its judge's index), raw where the guard applies."""
    if raw.size == 0:
        return raw.copy()
    (round_mean,), (round_sd,), _ = group_stats(np.zeros(raw.size, dtype=np.intp), raw, 1)
    judge_mean, judge_sd, sizes = group_stats(judges, raw, int(judges.max()) + 1)
    kept = (sizes[judges] < min_sample) | (judge_sd[judges] == 0) | (round_sd == 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        standardised = round_mean + round_sd * (raw - judge_mean[judges]) / judge_sd[judges]
    return np.clip(np.where(kept, raw, standardised), 0.0, 100.0)


def calibrate(scores: Sequence[JudgeScore], *, min_sample: int) -> dict[tuple[Hashable, Hashable], float]:
    """Calibrated score of each (judge_id, idea_id); raw where the minimum-sample guard applies."""
    index: dict[Hashable, int] = {}
    judges = np.array([index.setdefault(s.judge_id, len(index)) for s in scores], dtype=np.intp)
    values = calibrate_all(judges, np.array([s.raw for s in scores], dtype=np.float64), min_sample=min_sample)
    return {(s.judge_id, s.idea_id): v for s, v in zip(scores, values.tolist(), strict=True)}


def rank_rows(ratings: Floats) -> tuple[Floats, Floats]:
    """Ranks from 1 (smallest) along the last axis, ties sharing their average rank; and each row's
    tie term, the sum of t^3 - t over its groups of t equal values."""
    shape = ratings.shape
    n = shape[-1]
    if n == 0:
        return np.zeros(shape), np.zeros(shape[:-1])
    order = np.argsort(ratings, axis=-1, kind="stable")
    ordered = np.take_along_axis(ratings, order, axis=-1)
    starts = np.ones(shape, dtype=bool)
    starts[..., 1:] = ordered[..., 1:] != ordered[..., :-1]
    flat_starts = starts.ravel()
    group = np.cumsum(flat_starts) - 1  # every row starts a group: ids never span two rows
    sizes = np.bincount(group).astype(np.float64)
    first = np.flatnonzero(flat_starts) % n
    ranked: Floats = np.empty(shape, dtype=np.float64)
    np.put_along_axis(ranked, order, (first + (sizes - 1) / 2 + 1)[group].reshape(shape), axis=-1)
    rows = np.flatnonzero(flat_starts) // n
    ties: Floats = np.bincount(rows, weights=sizes**3 - sizes, minlength=ratings.size // n).astype(np.float64)
    return ranked, ties.reshape(shape[:-1])


def ranks(values: Sequence[float]) -> list[float]:
    """Ranks from 1 (smallest), ties sharing their average rank."""
    ranked, _ = rank_rows(np.array([values], dtype=np.float64))
    return [float(r) for r in ranked[0]]


def kendalls_w_all(ratings: Floats) -> Floats:
    """Kendall's W of each of g problems of m raters over n items (shape g, m, n), tie-corrected;
    unrounded, NaN where undefined."""
    g, m, n = ratings.shape
    if m < 2 or n < 2:
        return np.full(g, np.nan)
    ranked, ties = rank_rows(ratings)
    totals = ranked.sum(axis=1)
    s = ((totals - m * (n + 1) / 2) ** 2).sum(axis=-1)
    denominator = m**2 * (n**3 - n) - m * ties.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        # Every rater tied every item (denominator 0): nothing to agree or disagree on.
        return np.where(denominator > 0, 12 * s / denominator, np.nan)


def kendalls_w(ratings: Sequence[Sequence[float]]) -> float | None:
    """Kendall's W of m raters (rows) over the same n items (columns), tie-corrected; None if undefined."""
    if len(ratings) < 2 or any(len(r) != len(ratings[0]) for r in ratings):
        return None
    (w,) = kendalls_w_all(np.array([ratings], dtype=np.float64)).tolist()
    return None if w != w else round(w, 4)


def idea_blocks(ideas: Ints) -> Iterator[tuple[Ints, Ints]]:
    """The rows of each idea (`ideas`: each row's idea index, sorted), as blocks of ideas with as many rows:
    for each count m, the ideas' indexes and their rows (shape ideas, m)."""
    present, starts, counts = np.unique(ideas, return_index=True, return_counts=True)
    for m in np.unique(counts).tolist():
        mine = counts == m
        yield present[mine], starts[mine][:, None] + np.arange(m)


def concordance_all(judges: Ints, ideas: Ints, values: Floats) -> list[float | None]:
    """Kendall's W of judges over ideas per column of `values` (one row per judge score, sorted by idea then
    judge), where judges scored different ideas.

    Ideas are grouped by the exact set of judges who scored them (a panel); W is computed per group
    of at least two judges and two ideas, and averaged weighted by the group's number of ideas.
    """
    weighted, weight = np.zeros(values.shape[1]), np.zeros(values.shape[1])
    for _, rows in idea_blocks(ideas):
        if rows.shape[1] < 2:
            continue
        _, panel, sizes = np.unique(judges[rows], axis=0, return_inverse=True, return_counts=True)
        by_panel = rows[np.argsort(panel.ravel(), kind="stable")]
        ends = np.cumsum(sizes)
        for n in np.unique(sizes[sizes >= 2]).tolist():
            chosen = ends[sizes == n] - n
            block = values[by_panel[chosen[:, None] + np.arange(n)]]  # panels, ideas, judges, criteria
            w = kendalls_w_all(block.transpose(0, 3, 2, 1).reshape(-1, rows.shape[1], n))
            rounded = np.array([round(x, 4) for x in w.tolist()]).reshape(len(chosen), -1)  # as each panel shows
            defined = ~np.isnan(rounded)
            weighted += np.where(defined, rounded * n, 0.0).sum(axis=0)
            weight += defined.sum(axis=0) * n
    return [round(x / y, 4) if y else None for x, y in zip(weighted.tolist(), weight.tolist(), strict=True)]


def concordance_by_panel(values: Mapping[tuple[Any, Any], float]) -> float | None:
    """Kendall's W of judges over ideas, for one criterion, where judges scored different ideas (per panel)."""
    judge_index: dict[Hashable, int] = {}
    idea_index: dict[Hashable, int] = {}
    rows = sorted(
        (idea_index.setdefault(idea, len(idea_index)), judge_index.setdefault(judge, len(judge_index)), v)
        for (judge, idea), v in values.items()
    )
    ideas, judges, scores = zip(*rows, strict=True) if rows else ((), (), ())
    (w,) = concordance_all(
        np.array(judges, dtype=np.intp), np.array(ideas, dtype=np.intp), np.array(scores, dtype=np.float64)[:, None]
    )
    return w
