"""One table of issue 14's seven targets from the JSON the benchmarks wrote (`make bench` prints it last).

Each benchmark prints its own table with the floor of its run; this reads their JSON files back and says,
per target, what was measured, the floor beside it, and whether the target is met. A benchmark that did not
run leaves its row "not measured". Writes the table as JSON too (bench/results/summary.json).

    .venv/bin/python -m bench.summary [--results bench/results] [--output bench/results/summary.json]
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench.bench_scoring import RESULTS

#: The file each benchmark writes by default, under the results folder.
FILES = {
    "scoring": "latest.json",
    "submit": "submit.json",
    "pipeline": "pipeline.json",
    "results": "results.json",
    "pages": "pages.json",
}


@dataclass(frozen=True)
class Row:
    """One target: what was measured, the floor of the same run, and the verdict."""

    target: str
    wanted: str
    measured: str
    floor: str
    met: bool | None  # None: not measured


def _scenario(data: dict[str, Any], name: str) -> dict[str, Any]:
    return next(s for s in data["scenarios"] if s["scenario"] == name)


def _http_target(d: dict[str, Any], scenario: str, target: str, per_second: float, p99_ms: float, note: str) -> Row:
    """A load test's row: its scenario's rate and p99 against the target's, the floor's INSERT beside it."""
    ours, floor = _scenario(d, scenario), _scenario(d, "floor sync")
    return Row(
        target,
        f">= {per_second:,.0f}/s, p99 < {p99_ms:,.0f} ms",
        f"{ours['per_second']:,.0f}/s, p99 {ours['p99_ms']:,.0f} ms, {ours['cpu_ms_per_request']} ms CPU each{note}",
        f"one INSERT: {floor['per_second']:,.0f}/s, {floor['cpu_ms_per_request']} ms CPU",
        ours["per_second"] >= per_second and ours["p99_ms"] < p99_ms,
    )


def _scoring(d: dict[str, Any]) -> Row:
    return _http_target(d, "score save", "1 score saves, one judging process", 1000, 100, "")


def _submit(d: dict[str, Any]) -> Row:
    submitted = f" ({d['counts']['submitted']:,} submitted)"
    return _http_target(d, "submit", "2 deadline rush of submits", 300, 200, submitted)


def _latency(d: dict[str, Any]) -> Row:
    latency = d["latency"]
    return Row(
        "3 decision to the agency reading its ticket",
        "p50 < 100 ms, p99 < 500 ms at 200/s",
        f"p50 {latency['p50_ms']:,.0f} ms, p99 {latency['p99_ms']:,.0f} ms at {latency['offered_per_second']:,.0f}/s",
        "-",
        latency["p50_ms"] < 100 and latency["p99_ms"] < 500 and latency["offered_per_second"] >= 200,
    )


def _burst(d: dict[str, Any]) -> Row:
    burst, floor = d["burst"], d["floor"]
    for_10000 = 10_000 / burst["decisions_per_second"] if burst["decisions_per_second"] else float("inf")
    return Row(
        "4 decisions to tickets and emails",
        "10,000 in 60 s, >= 0.5x the floor",
        f"{burst['decisions_per_second']}/s (10,000 in ~{for_10000:,.0f} s), {d['burst_vs_floor']}x the floor, "
        f"{burst['cpu_ms_per_decision']['total']} ms CPU a decision",
        f"Celery no-op chain: {floor['decisions_per_second']}/s, {floor['cpu_ms_per_decision']} ms CPU",
        for_10000 <= 60 and d["burst_vs_floor"] >= 0.5,
    )


def _results(d: dict[str, Any]) -> Row:
    read, floor = d["scenarios"]["results read"], d["scenarios"]["floor (scores query)"]
    return Row(
        f"5 calibrated results of {d['settings']['ideas']:,} ideas",
        "< 1 s",
        f"median {read['median_ms']:,.0f} ms, max {read['max_ms']:,.0f} ms",
        f"scores query alone: {floor['median_ms']:,.0f} ms",
        read["median_ms"] < 1000,
    )


def _memory(found: dict[str, dict[str, Any]]) -> Row:
    peaks: dict[str, float] = {}
    for name, rss in found.get("pages", {}).get("rss_mb", {}).items():
        peaks[name] = max(rss["peak_mb"], rss["children_mb"])
    for name, mb in found.get("submit", {}).get("peak_rss_mb", {}).items():
        peaks[name] = max(peaks.get(name, 0.0), mb)
    if "results" in found:
        peaks["judging-api"] = max(peaks.get("judging-api", 0.0), found["results"]["api_rss_mb"]["peak"])
    if not peaks:
        return Row("6 peak RSS of every process", "< 200 MB", "not measured", "-", None)
    over = {name: mb for name, mb in sorted(peaks.items()) if mb >= 200}
    measured = ", ".join(f"{n} {mb:,.0f} MB" for n, mb in over.items()) or f"highest {max(peaks.values()):,.0f} MB"
    return Row("6 peak RSS of every process", "< 200 MB", f"{len(peaks)} processes; {measured}", "-", not over)


def _pages(d: dict[str, Any]) -> Row:
    p95 = {page: figures["p95_ms"] for page, figures in d["pages"].items()}
    under = sum(1 for ms in p95.values() if ms < 50)
    return Row(
        "7 web pages, server time",
        "p95 < 50 ms",
        f"p95 {min(p95.values()):,.0f} to {max(p95.values()):,.0f} ms; {under} of {len(p95)} pages under 50 ms",
        "-",
        under == len(p95),
    )


#: Each target's row from its benchmark's JSON (target 6 reads several; see `summarise`).
ROWS: list[tuple[str, str, Callable[[dict[str, Any]], Row]]] = [
    ("scoring", "1 score saves, one judging process", _scoring),
    ("submit", "2 deadline rush of submits", _submit),
    ("pipeline", "3 decision to the agency reading its ticket", _latency),
    ("pipeline", "4 decisions to tickets and emails", _burst),
    ("results", "5 calibrated results", _results),
    ("pages", "7 web pages, server time", _pages),
]


def summarise(results: Path) -> list[Row]:
    """The seven targets' rows from the JSON files in `results` (a missing file: "not measured")."""
    found = {name: json.loads(path.read_text()) for name, file in FILES.items() if (path := results / file).exists()}
    rows = []
    for benchmark, target, row in ROWS:
        rows.append(row(found[benchmark]) if benchmark in found else Row(target, "", "not measured", "-", None))
    rows.insert(5, _memory(found))
    return rows


def table(rows: list[Row]) -> str:
    """The rows as a Markdown table."""
    verdict = {True: "met", False: "missed", None: "-"}
    lines = ["| target | wanted | measured | floor, same run | verdict |", "| --- | --- | --- | --- | --- |"]
    lines += [f"| {r.target} | {r.wanted} | {r.measured} | {r.floor} | {verdict[r.met]} |" for r in rows]
    return "\n".join(lines)


def main() -> None:
    """Print the table of the targets and write it as JSON."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--results", type=Path, default=RESULTS, help="where the benchmarks wrote their JSON")
    parser.add_argument("--output", type=Path, default=None, help="default: summary.json in --results")
    args = parser.parse_args()
    rows = summarise(args.results)
    print(table(rows))
    output = args.output or args.results / "summary.json"
    output.write_text(json.dumps([asdict(r) for r in rows], indent=2) + "\n")
    print(f"written to {output}")


if __name__ == "__main__":
    main()
