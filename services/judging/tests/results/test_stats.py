"""Calibration and agreement on worked examples with known answers."""

from __future__ import annotations

import math

import pytest

from services.judging.results.stats import JudgeScore, calibrate, concordance_by_panel, kendalls_w, ranks


def test_calibrate_worked_example_harsh_and_lenient_judges_equalised() -> None:
    # Judge A is harsh (40, 50, 60), judge B lenient (70, 80, 90): the same opinions, shifted.
    # Judge C scored one idea only: below the guard (min_sample 3), C keeps the raw 100.
    scores = [
        JudgeScore("A", 1, 40), JudgeScore("A", 2, 50), JudgeScore("A", 3, 60),
        JudgeScore("B", 1, 70), JudgeScore("B", 2, 80), JudgeScore("B", 3, 90),
        JudgeScore("C", 1, 100),
    ]  # fmt: skip
    result = calibrate(scores, min_sample=3)
    # round mean 70, round sd 20; A and B: mean 50/80, sd sqrt(200/3) = 8.1650
    step = 20 * 10 / math.sqrt(200 / 3)  # 24.4949
    assert result[("A", 1)] == pytest.approx(70 - step)
    assert result[("A", 2)] == pytest.approx(70.0)
    assert result[("A", 3)] == pytest.approx(70 + step)
    assert result[("B", 1)] == result[("A", 1)]
    assert result[("B", 3)] == result[("A", 3)]
    assert result[("C", 1)] == 100.0
    assert round(result[("A", 1)], 4) == 45.5051
    assert round(result[("A", 3)], 4) == 94.4949


def test_calibrate_judge_with_equal_scores_keeps_raw() -> None:
    scores = [JudgeScore("A", i, 60) for i in range(3)] + [JudgeScore("B", i, 40 + 10 * i) for i in range(3)]
    result = calibrate(scores, min_sample=3)
    assert [result[("A", i)] for i in range(3)] == [60.0, 60.0, 60.0]


def test_calibrate_clips_to_scale() -> None:
    scores = [JudgeScore("A", 1, 0), JudgeScore("A", 2, 0), JudgeScore("A", 3, 100)] + [
        JudgeScore("B", i, 50) for i in (1, 2)
    ]
    result = calibrate(scores, min_sample=3)
    assert min(result.values()) >= 0.0
    assert max(result.values()) <= 100.0


def test_ranks_ties_share_average() -> None:
    assert ranks([10, 20, 20, 30]) == [1.0, 2.5, 2.5, 4.0]


def test_kendalls_w_perfect_agreement_is_one() -> None:
    assert kendalls_w([[1, 2, 3, 4], [10, 20, 30, 40], [2, 3, 4, 5]]) == 1.0


def test_kendalls_w_opposite_rankings_is_zero() -> None:
    assert kendalls_w([[1, 2, 3], [3, 2, 1]]) == 0.0


def test_kendalls_w_known_value() -> None:
    # Three raters, three items: ranks (1,2,3), (1,3,2), (2,1,3). Totals 4, 6, 8; mean 6; S = 8.
    # W = 12 * 8 / (3^2 * (27 - 3)) = 96 / 216 = 0.4444
    assert kendalls_w([[1, 2, 3], [1, 3, 2], [2, 1, 3]]) == 0.4444


def test_kendalls_w_undefined_for_one_rater_or_all_ties() -> None:
    assert kendalls_w([[1, 2, 3]]) is None
    assert kendalls_w([[3, 3], [3, 3]]) is None


def test_concordance_by_panel_groups_ideas_by_their_judges() -> None:
    values = {
        ("A", 1): 1.0, ("A", 2): 2.0, ("A", 3): 3.0,
        ("B", 1): 1.0, ("B", 2): 2.0, ("B", 3): 3.0,  # panel AB agrees: W 1
        ("C", 4): 1.0, ("C", 5): 2.0,
        ("D", 4): 2.0, ("D", 5): 1.0,  # panel CD disagrees: W 0
    }  # fmt: skip
    assert concordance_by_panel(values) == pytest.approx((1.0 * 3 + 0.0 * 2) / 5)
