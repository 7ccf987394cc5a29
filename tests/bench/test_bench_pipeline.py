"""The pipeline benchmark runs end to end with tiny numbers: the stack's processes, the floor, the JSON it writes.

It checks that the harness works (every ticket made, every email received once), never how fast.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_bench_pipeline_runs_end_to_end_and_writes_its_table(tmp_path: Path, bench_env: dict[str, str]) -> None:
    output = tmp_path / "pipeline.json"
    command = [
        sys.executable, "-m", "bench.bench_pipeline", "--decisions", "4", "--rate", "4", "--seconds", "1",
        "--output", str(output),
    ]  # fmt: skip
    run = subprocess.run(command, cwd=ROOT, env=bench_env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    result = json.loads(output.read_text())
    burst = result["burst"]
    assert (burst["tickets"], burst["emails_received"], burst["distinct_message_ids"]) == (4, 12, 12)
    assert result["latency"]["decisions"] == 4
    assert result["floor"]["decisions_per_second"] > 0
    assert "| burst: tickets and emails |" in run.stdout
