"""The deadline-rush benchmark runs end to end with tiny numbers: real processes, wrk, the JSON it writes.

It checks that the harness works (every submit answered, each with its outbox event), never how fast.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed (apt-get install wrk)")
def test_bench_submit_runs_end_to_end_and_writes_its_table(tmp_path: Path, bench_env: dict[str, str]) -> None:
    output = tmp_path / "submit-smoke.json"  # its own work folder: bench/results/work-submit-smoke
    command = [
        sys.executable, "-m", "bench.bench_submit", "--drafts", "20", "--connections", "2", "--threads", "1",
        "--seconds", "2", "--output", str(output),
    ]  # fmt: skip
    run = subprocess.run(command, cwd=ROOT, env=bench_env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    result = json.loads(output.read_text())
    rows = {r["scenario"]: r for r in result["scenarios"]}
    assert sorted(rows) == ["floor async", "floor sync", "submit"]
    assert all(r["non_2xx"] == 0 and r["socket_errors"] == 0 for r in rows.values())
    assert 0 < result["counts"]["submitted"] == result["counts"]["events"] <= 20
    assert set(result["peak_rss_mb"]) == {"submission-api", "submission-relay", "submission-worker"}
