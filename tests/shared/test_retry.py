"""shared.retry: one back-off for every retried job."""

from __future__ import annotations

from shared.retry import backoff_seconds


def test_backoff_starts_at_the_base_doubles_and_stops_at_the_cap() -> None:
    delays = [backoff_seconds(base=30, attempts=n, cap=600) for n in range(0, 8)]
    assert delays == [30.0, 30.0, 60.0, 120.0, 240.0, 480.0, 600.0, 600.0]
