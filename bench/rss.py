"""Memory of the benchmarked processes, from /proc: peak and current resident set size."""

from __future__ import annotations

from pathlib import Path


def _status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident set size so far (VmHWM), in MB."""
    return round(_status_kb(pid, "VmHWM") / 1024, 1)


def rss_mb(pid: int) -> float:
    """The process's resident set size now (VmRSS), in MB."""
    return round(_status_kb(pid, "VmRSS") / 1024, 1)
