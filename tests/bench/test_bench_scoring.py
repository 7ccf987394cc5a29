"""The scoring benchmark runs end to end with tiny numbers: real processes, wrk, the JSON it writes.

It checks that the harness works (every request answered, each save audited), never how fast.
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
def test_bench_scoring_runs_end_to_end_and_writes_its_table(tmp_path: Path, bench_env: dict[str, str]) -> None:
    output = tmp_path / "scoring.json"
    command = [
        sys.executable, "-m", "bench.bench_scoring", "--connections", "2", "--threads", "1", "--seconds", "1",
        "--warmup", "0", "--output", str(output),
    ]  # fmt: skip
    run = subprocess.run(command, cwd=ROOT, env=bench_env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    result = json.loads(output.read_text())
    rows = {r["scenario"]: r for r in result["scenarios"]}
    assert sorted(rows) == ["floor async", "floor sync", "replay", "score save"]
    assert all(r["requests"] > 0 and r["non_2xx"] == 0 and r["socket_errors"] == 0 for r in rows.values())
    assert result["counts"]["stored_answers"] == result["counts"]["audit_rows"]
    assert result["counts"]["floor_rows"] >= rows["floor sync"]["requests"] + rows["floor async"]["requests"]
    assert "| score save |" in run.stdout
