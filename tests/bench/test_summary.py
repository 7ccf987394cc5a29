"""The targets' table reads what the benchmarks wrote and judges each target against its threshold."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.summary import summarise, table


def _http(name: str, per_second: float, p99_ms: float) -> dict[str, Any]:
    return {"scenario": name, "per_second": per_second, "p99_ms": p99_ms, "cpu_ms_per_request": 1.0}


def _write(folder: Path, name: str, data: dict[str, Any]) -> None:
    (folder / name).write_text(json.dumps(data))


def test_each_target_is_judged_from_its_benchmarks_json(tmp_path: Path) -> None:
    _write(tmp_path, "latest.json", {"scenarios": [_http("floor sync", 900, 150), _http("score save", 1200, 80)]})
    _write(
        tmp_path,
        "submit.json",
        {
            "scenarios": [_http("floor sync", 900, 150), _http("submit", 80, 1500)],
            "counts": {"submitted": 640},
            "peak_rss_mb": {"submission-api": 150.0},
        },
    )
    _write(
        tmp_path,
        "pipeline.json",
        {
            "latency": {"p50_ms": 40.0, "p99_ms": 300.0, "offered_per_second": 150.0},
            "burst": {"decisions_per_second": 200.0, "cpu_ms_per_decision": {"total": 9.0}},
            "floor": {"decisions_per_second": 300.0, "cpu_ms_per_decision": 6.0},
            "burst_vs_floor": 0.67,
        },
    )
    _write(
        tmp_path,
        "results.json",
        {
            "settings": {"ideas": 10000},
            "scenarios": {
                "results read": {"median_ms": 990.0, "max_ms": 1200.0},
                "floor (scores query)": {"median_ms": 1500.0, "max_ms": 1600.0},
            },
            "api_rss_mb": {"idle": 140.0, "peak": 201.0},
        },
    )
    rows = summarise(tmp_path)  # no pages.json: target 7 was not measured

    assert [r.met for r in rows] == [True, False, False, True, True, False, None]
    assert "at 150/s" in rows[2].measured  # a latency under the bound, but not at the rate asked for
    assert rows[5].measured == "2 processes; judging-api 201 MB"
    assert rows[6].measured == "not measured"
    assert table(rows).count("\n") == len(rows) + 1


def test_pool_children_count_towards_the_memory_target(tmp_path: Path) -> None:
    rss = {"notifications-worker": {"peak_mb": 120.0, "children_mb": 230.0}, "web": {"peak_mb": 90.0, "children_mb": 0}}
    _write(tmp_path, "pages.json", {"pages": {"public /publik": {"p95_ms": 30.0}}, "rss_mb": rss})

    rows = summarise(tmp_path)

    assert rows[5].met is False
    assert "notifications-worker 230 MB" in rows[5].measured
    assert rows[6].met is True
