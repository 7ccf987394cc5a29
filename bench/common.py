"""Helpers for the benchmarks: a scratch database on the local (or given) servers."""

from __future__ import annotations

import os
import platform
import secrets
import statistics
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from audisi.servers import DEFAULT_POSTGRES, DEFAULT_REDIS
from audisi.testing.infra import Infra, create_database, drop_database, new_infra


def bench_infra() -> Infra:
    """The servers a benchmark runs on: TEST_POSTGRES_URL and TEST_REDIS_URL when set (the test suite passes its
    own, embedded ones included), else localhost's; with a Redis database index of its own."""
    return new_infra(
        os.environ.get("TEST_POSTGRES_URL", DEFAULT_POSTGRES), os.environ.get("TEST_REDIS_URL", DEFAULT_REDIS), "bench"
    )


@contextmanager
def scratch_database(label: str) -> Iterator[tuple[Infra, str]]:
    """A fresh database (and Redis index) for one benchmark run, dropped afterwards."""
    infra = bench_infra()
    name = f"audisi_bench_{label}_{secrets.token_hex(3)}"
    url = create_database(infra, name)
    try:
        yield infra, url
    finally:
        drop_database(infra, name)


def describe(samples: list[float]) -> str:
    """Median and 95th percentile of samples in milliseconds."""
    ordered = sorted(samples)
    p95 = ordered[int(len(ordered) * 0.95) - 1] if len(ordered) >= 20 else ordered[-1]
    return f"median {statistics.median(ordered) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"


def result_header(benchmark: str) -> dict[str, Any]:
    """What every benchmark's JSON starts with: its name, when, at which commit, on what machine."""
    root = Path(__file__).resolve().parent.parent
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True)  # noqa: S607
    return {
        "benchmark": benchmark,
        "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "commit": commit.stdout.strip(),
        "machine": {
            "cores": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "load_average": os.getloadavg(),
        },
    }
