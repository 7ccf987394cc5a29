"""The pages benchmark runs end to end with tiny numbers: the whole stack, every role's pages, the JSON it writes.

It checks that the harness works (each page answered 200 and was timed, every process's memory read), never how fast.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from audisi.processes import PROCESSES
from bench.bench_pages import PAGES

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_bench_pages_times_every_roles_pages_and_reads_every_processs_memory(
    tmp_path: Path, bench_env: dict[str, str]
) -> None:
    output = tmp_path / "pages-smoke.json"  # its own work folder: bench/results/work-pages-smoke
    command = [
        sys.executable, "-m", "bench.bench_pages", "--requests", "2", "--concurrency", "2", "--tickets", "1",
        "--output", str(output),
    ]  # fmt: skip
    run = subprocess.run(command, cwd=ROOT, env=bench_env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    result = json.loads(output.read_text())
    assert len(result["pages"]) == sum(len(pages) for pages in PAGES.values())
    assert all(row["p95_ms"] > 0 and row["api_calls"] >= 1 and row["api_ms"] > 0 for row in result["pages"].values())
    # Server CPU per request, read from /proc: the web front and the APIs did spend some on the pages.
    assert sum(row["web_cpu_ms"] for row in result["pages"].values()) > 0
    assert sum(row["apis_cpu_ms"] for row in result["pages"].values()) > 0
    assert set(result["rss_mb"]) == {p.name for p in PROCESSES}
    assert all(row["peak_mb"] > 0 for row in result["rss_mb"].values())
    assert "| judge /juri/gagasan/{id} |" in run.stdout
