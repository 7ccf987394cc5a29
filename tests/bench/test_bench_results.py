"""The results benchmark runs end to end with tiny numbers: a real judging API process, the JSON it writes.

It checks that the harness works (every idea ranked, the floor measured), never how fast.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_bench_results_runs_end_to_end_and_writes_its_table(tmp_path: Path, bench_env: dict[str, str]) -> None:
    output = tmp_path / "results-smoke.json"  # its own work folder: bench/results/work-results-smoke
    command = [
        sys.executable, "-m", "bench.bench_results", "--ideas", "40", "--judges-per-idea", "3", "--reads", "1",
        "--output", str(output),
    ]  # fmt: skip
    run = subprocess.run(command, cwd=ROOT, env=bench_env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    result = json.loads(output.read_text())
    assert len(result["reads_ms"]) == 1
    assert len(result["floor_ms"]) == 1
    assert result["api_rss_mb"]["peak"] > 0
    assert "| results read |" in run.stdout
