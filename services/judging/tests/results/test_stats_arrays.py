"""The array forms of the statistics (a whole round at once), against hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from services.judging.results.stats import (
    calibrate_all,
    concordance_all,
    group_stats,
    idea_blocks,
    kendalls_w_all,
    rank_rows,
)
from services.judging.rubric.models import Criterion
from services.judging.rubric.service import weighted_score, weighted_scores


def ints(*values: int) -> np.ndarray:
    return np.array(values, dtype=np.intp)


def test_group_stats_mean_population_sd_and_size_per_group() -> None:
    means, sds, sizes = group_stats(ints(0, 0, 1, 0), np.array([1.0, 3.0, 7.0, 5.0]), 3)
    assert means[:2].tolist() == [3.0, 7.0]
    assert math.isnan(means[2])
    assert sds.tolist() == [pytest.approx(math.sqrt(8 / 3)), 0.0, 0.0]  # one value or none: sd 0
    assert sizes.tolist() == [3, 1, 0]


def test_rank_rows_ties_share_average_rank_and_give_their_tie_term() -> None:
    ranked, ties = rank_rows(np.array([[10.0, 20.0, 20.0, 30.0], [5.0, 5.0, 5.0, 1.0]]))
    assert ranked.tolist() == [[1.0, 2.5, 2.5, 4.0], [3.0, 3.0, 3.0, 1.0]]
    assert ties.tolist() == [6.0, 24.0]  # 2^3 - 2; 3^3 - 3


def test_kendalls_w_all_each_problem_on_its_own() -> None:
    ratings = np.array(
        [
            [[1, 2, 3], [1, 3, 2], [2, 1, 3]],  # W = 12 * 8 / (9 * 24) = 0.4444
            [[1, 2, 3], [10, 20, 30], [3, 4, 5]],  # identical rankings
            [[3, 3, 3], [3, 3, 3], [3, 3, 3]],  # every rater tied every item: undefined
        ],
        dtype=np.float64,
    )
    w = kendalls_w_all(ratings)
    assert round(float(w[0]), 4) == 0.4444
    assert w[1] == 1.0
    assert math.isnan(w[2])


def test_kendalls_w_all_with_ties_uses_the_correction() -> None:
    # Raters A (1, 1, 2) ranks (1.5, 1.5, 3), tie term 6; B (1, 2, 3) ranks (1, 2, 3). Totals 2.5, 3.5, 6;
    # mean 4; S = 2.25 + 0.25 + 4 = 6.5. W = 12 * 6.5 / (4 * 24 - 2 * 6) = 78 / 84.
    (w,) = kendalls_w_all(np.array([[[1, 1, 2], [1, 2, 3]]], dtype=np.float64)).tolist()
    assert w == pytest.approx(78 / 84)


def test_kendalls_w_all_undefined_for_one_rater_or_one_item() -> None:
    assert np.isnan(kendalls_w_all(np.ones((2, 1, 4)))).all()
    assert np.isnan(kendalls_w_all(np.ones((2, 3, 1)))).all()


def test_calibrate_all_judge_with_sd_0_and_judge_below_min_sample_keep_raw() -> None:
    # Judge 0 scored 40, 60 (mean 50, sd 10), judge 1 gave 70 twice (sd 0), judge 2 one idea only.
    raw = np.array([40.0, 60.0, 70.0, 70.0, 90.0])
    calibrated = calibrate_all(ints(0, 0, 1, 1, 2), raw, min_sample=2)
    # round mean 66, round sd sqrt(1320 / 5) = 16.2481: judge 0's 40 is one sd below its own mean.
    round_sd = math.sqrt(((40 - 66) ** 2 + 6**2 + 4**2 + 4**2 + 24**2) / 5)
    assert calibrated.tolist() == [
        pytest.approx(66 - round_sd),
        pytest.approx(66 + round_sd),
        70.0,
        70.0,
        90.0,
    ]


def test_calibrate_all_no_scores() -> None:
    assert calibrate_all(ints(), np.zeros(0), min_sample=3).tolist() == []


def test_idea_blocks_group_ideas_by_their_number_of_rows() -> None:
    blocks = [(ideas.tolist(), rows.tolist()) for ideas, rows in idea_blocks(ints(0, 0, 1, 2, 2))]
    assert blocks == [([1], [[2]]), ([0, 2], [[0, 1], [3, 4]])]


def test_concordance_all_panel_of_one_judge_counts_nowhere() -> None:
    # Ideas 0 and 1 were scored by judges 0 and 1 alike (W 1); ideas 2 and 3 by judge 2 alone.
    judges, ideas = ints(0, 1, 0, 1, 2, 2), ints(0, 0, 1, 1, 2, 3)
    values = np.array([[1.0, 5.0], [1.0, 4.0], [2.0, 4.0], [2.0, 5.0], [9.0, 9.0], [1.0, 1.0]])
    assert concordance_all(judges, ideas, values) == [1.0, 0.0]


def test_concordance_all_panels_weighted_by_their_ideas() -> None:
    # Panel (0, 1) agrees over three ideas (W 1), panel (2, 3) disagrees over two (W 0).
    judges = ints(0, 1, 0, 1, 0, 1, 2, 3, 2, 3)
    ideas = ints(0, 0, 1, 1, 2, 2, 3, 3, 4, 4)
    values = np.array([[1.0], [1.0], [2.0], [2.0], [3.0], [3.0], [1.0], [2.0], [2.0], [1.0]])
    assert concordance_all(judges, ideas, values) == [0.6]


def test_concordance_all_no_panel_of_two_ideas_is_none() -> None:
    assert concordance_all(ints(0, 1), ints(0, 0), np.array([[1.0], [2.0]])) == [None]


def criterion(key: str, weight: int, low: int, high: int, *, counted: bool = True) -> Criterion:
    return Criterion(key=key, weight=weight, min_score=low, max_score=high, counted=counted)


def test_weighted_scores_unscored_counted_criterion_is_nan_uncounted_weighs_nothing() -> None:
    criteria = [criterion("a", 60, 1, 5), criterion("b", 40, 0, 10), criterion("note", 0, 1, 5, counted=False)]
    values = np.array([[5.0, 5.0, np.nan], [1.0, np.nan, 3.0], [2.0, 10.0, 1.0]])
    totals = weighted_scores(criteria, values)
    assert totals[0] == 80.0  # 60 * 1 + 40 * 0.5
    assert math.isnan(totals[1])
    assert totals[2] == 55.0  # 60 * 0.25 + 40 * 1
    assert weighted_score(criteria, {"a": 2.0, "b": 10.0}) == 55.0
    assert weighted_score(criteria, {"a": 2.0, "note": 1.0}) is None
