"""Benchmark: decisions to tickets and emails through the real stack, beside a same-run Celery floor (issue 14).

    .venv/bin/python -m bench.bench_pipeline [--decisions 200] [--rate 200] [--seconds 1] [--profile]

It starts, as production does (audisi.stack.LocalStack: the compose file's commands), the processes on a
decision's way: the judging relay, the implementation worker, notifications and webhooks workers, relay and
beat, the implementation API and the submission worker, on scratch databases, with a counting SMTP sink
(aiosmtpd). This process then drives them from outside:

- floor:    `--decisions` bare Celery no-op chains (ticket -> 3 notifications -> 3 emails, bench/floor_celery.py)
            on the same Redis, two workers of the same concurrency: decisions per second;
- latency:  selected ideas committed into the judging outbox at `--rate` a second for `--seconds`, one
            transaction each, while the agency polls its change feed (`GET /api/v1/feed`, every 10 ms):
            time from each commit to the agency reading the new ticket (p50, p99);
- burst:    `--decisions` selected ideas committed at once (batches of 500): seconds until every ticket
            exists, and until every email job is sent and each email arrived once (3 per ticket).

It prints one table and writes JSON (bench/results/pipeline.json). It asserts no time; it fails when a
ticket or an email is missing or duplicated.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.orm import Session

from bench.common import result_header
from bench.pipeline_stack import (
    PipelineStack,
    cpu_seconds,
    floor_workers,
    pipeline_stack,
    run_floor,
    scalar,
    stack_cpu,
    wait_floor_ready,
)
from tests.faults.burst import judged_event  # the same decisions the fault tests push through

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
EMAILS_PER_TICKET = 3  # the proposer, the agency, the committee
FEED_POLL_SECONDS = 0.01


def percentile(values: list[float], q: float) -> float:
    """The q-quantile (0..1) of values, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def measure_latency(stack: PipelineStack, rate: float, seconds: float, timeout: float) -> dict[str, Any]:
    """Decisions at `rate`/s for `seconds`; each one's time from commit to the agency reading its ticket."""
    committed: dict[str, float] = {}
    seen: dict[str, float] = {}
    done = threading.Event()
    token = stack.agency_token()

    def poll() -> None:
        cursor = 0
        with httpx.Client(base_url=stack.api_url, headers={"Authorization": f"Bearer {token}"}, timeout=10) as client:
            while not done.is_set():
                page = client.get("/api/v1/feed", params={"cursor": cursor, "limit": 500})
                page.raise_for_status()
                now = time.time()
                body = page.json()
                for item in body["items"]:
                    if item["type"] == "ticket.created":
                        seen.setdefault(item["idea_id"], now)
                cursor = body["next_cursor"]
                if not body["items"]:
                    time.sleep(FEED_POLL_SECONDS)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    engine = stack.engine("judging")
    count = int(rate * seconds)
    started = time.perf_counter()
    with Session(engine) as session:
        for n in range(count):
            delay = started + n / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)  # open loop: the schedule does not wait for the pipeline
            event = judged_event("latency", n)
            stack.publish([event], session)
            committed[str(event.payload.idea_id)] = time.time()
    publishing = time.perf_counter() - started
    deadline = time.monotonic() + timeout
    while len(seen.keys() & committed.keys()) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    done.set()
    poller.join(15)
    engine.dispose()
    latencies = [(seen[i] - t) * 1000 for i, t in committed.items() if i in seen]
    if len(latencies) < count:
        raise SystemExit(f"latency: {count - len(latencies)} of {count} tickets never reached the agency's feed")
    return {
        "decisions": count,
        "offered_per_second": round(count / publishing, 1),
        "p50_ms": round(statistics.median(latencies), 1),
        "p90_ms": round(percentile(latencies, 0.90), 1),
        "p99_ms": round(percentile(latencies, 0.99), 1),
        "max_ms": round(max(latencies), 1),
    }


def drain(stack: PipelineStack, engine: Any, timeout: float) -> None:
    """Wait until every ticket made so far has had its emails delivered, so the next run counts only its own.

    No pending job is not enough: the last tickets' jobs may not exist yet (their notification.requested
    events still on the way), and their emails would then arrive during the next run.
    """
    deadline = time.monotonic() + timeout
    pending = "SELECT count(*) FROM notification_job WHERE email_status IN ('pending', 'sending')"
    while (
        scalar(engine, pending)
        or stack.sink.received < scalar(engine, "SELECT count(*) FROM ticket") * EMAILS_PER_TICKET
    ):
        if time.monotonic() > deadline:
            raise SystemExit("emails of the earlier run still pending")
        time.sleep(0.25)


def measure_burst(stack: PipelineStack, decisions: int, timeout: float) -> dict[str, Any]:
    """`decisions` selected ideas committed at once; when the tickets, and then every email, were done."""
    judging, implementation = stack.engine("judging"), stack.engine("implementation")
    drain(stack, implementation, timeout)
    ids_before = len(stack.sink.message_ids)
    tickets_before = scalar(implementation, "SELECT count(*) FROM ticket")
    sent_before = scalar(implementation, "SELECT count(*) FROM notification_job WHERE email_status = 'sent'")
    received_before = stack.sink.received
    events = [judged_event("burst", n) for n in range(decisions)]
    cpu_before = stack_cpu(stack.stack)
    started = time.perf_counter()
    with Session(judging) as session:
        for start in range(0, decisions, 500):
            stack.publish(events[start : start + 500], session)
    published = time.perf_counter() - started
    tickets_at = emails_at = None
    tickets = sent = 0
    while emails_at is None:
        elapsed = time.perf_counter() - started
        if elapsed > timeout:
            raise SystemExit(f"burst: {tickets} tickets, {sent} emails sent after {timeout:.0f} s; see {stack.log_dir}")
        tickets = scalar(implementation, "SELECT count(*) FROM ticket") - tickets_before
        if tickets_at is None and tickets >= decisions:
            tickets_at = elapsed
        sent = scalar(implementation, "SELECT count(*) FROM notification_job WHERE email_status = 'sent'")
        sent -= sent_before
        if tickets_at is not None and sent >= decisions * EMAILS_PER_TICKET:
            emails_at = elapsed
        time.sleep(0.25)
    cpu = {n: round((c - cpu_before.get(n, 0.0)) * 1000 / decisions, 1) for n, c in stack_cpu(stack.stack).items()}
    time.sleep(2.0)  # let a late duplicate arrive before counting
    received = stack.sink.received - received_before
    jobs = scalar(implementation, "SELECT count(*) FROM notification_job") - sent_before
    judging.dispose()
    implementation.dispose()
    return {
        "decisions": decisions,
        "published_s": round(published, 2),
        "tickets_s": round(tickets_at or 0, 2),
        "done_s": round(emails_at, 2),
        "decisions_per_second": round(decisions / emails_at, 1),
        "tickets": tickets,
        "email_jobs": jobs,
        "emails_sent": sent,
        "emails_received": received,
        "distinct_message_ids": len(stack.sink.message_ids) - ids_before,
        "cpu_ms_per_decision": {"total": round(sum(cpu.values()), 1), **cpu},
    }


def start_profile(stack: PipelineStack, name: str) -> list[subprocess.Popen[bytes]]:
    """py-spy on the busy workers and their pool processes (folded stacks in bench/results/profile-*.txt)."""
    spy = str(Path(sys.executable).with_name("py-spy"))
    procs = []
    for worker, pid in stack.worker_pids().items():
        out = RESULTS / f"profile-{name}-{worker}.txt"
        command = [spy, "record", "--pid", str(pid), "--subprocesses", "--rate", "100", "--nonblocking",
                   "--format", "raw", "--output", str(out)]  # fmt: skip
        procs.append(subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))  # noqa: S603
    return procs


def stop_profile(procs: list[subprocess.Popen[bytes]]) -> None:
    """Stop py-spy; it writes its stacks on SIGINT."""
    for proc in procs:
        proc.send_signal(signal.SIGINT)
    for proc in procs:
        proc.wait(60)


def table(floor: dict[str, Any], latency: dict[str, Any], burst: dict[str, Any]) -> str:
    """The figures as one Markdown table, the burst's throughput as a ratio to the floor's."""
    ratio = burst["decisions_per_second"] / floor["decisions_per_second"]
    return "\n".join(
        [
            "| scenario | decisions | per second | p50 ms | p99 ms | all tickets s | all emails s | CPU ms/decision "
            "| vs floor |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            f"| floor: Celery no-op chain (7 tasks) | {floor['decisions']} | {floor['decisions_per_second']:,.1f} "
            f"| - | - | - | {floor['seconds']:.1f} | {floor['cpu_ms_per_decision']:.1f} | 1.00 |",
            f"| decision -> agency reads ticket | {latency['decisions']} | {latency['offered_per_second']:,.1f} "
            f"| {latency['p50_ms']:.0f} | {latency['p99_ms']:.0f} | - | - | - | - |",
            f"| burst: tickets and emails | {burst['decisions']} | {burst['decisions_per_second']:,.1f} | - | - "
            f"| {burst['tickets_s']:.1f} | {burst['done_s']:.1f} | {burst['cpu_ms_per_decision']['total']:.1f} "
            f"| {ratio:.2f} |",
        ]
    )


def main() -> None:
    """Start, measure, print, save."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--decisions", type=int, default=200, help="selected ideas in the burst (target: 10000)")
    parser.add_argument("--rate", type=float, default=200, help="decisions a second in the latency run")
    parser.add_argument("--seconds", type=float, default=1, help="length of the latency run")
    parser.add_argument("--concurrency", type=int, default=2, help="processes per worker (production: 2)")
    parser.add_argument("--timeout", type=float, default=600, help="give up on a run after this long")
    parser.add_argument("--output", type=Path, default=RESULTS / "pipeline.json")
    parser.add_argument("--profile", action="store_true", help="py-spy the busiest processes during the burst")
    args = parser.parse_args()
    work = RESULTS / f"work-{args.output.stem}"
    work.mkdir(parents=True, exist_ok=True)

    with pipeline_stack(work, args.concurrency) as stack, ExitStack() as stop:
        floor_pids = stop.enter_context(floor_workers(stack.redis_url, args.concurrency, stack.log_dir))
        wait_floor_ready(stack.redis_url)
        print(f"pipeline vs floor on {os.cpu_count()} cores, worker concurrency {args.concurrency}", flush=True)
        cpu_before = sum(cpu_seconds(pid) for pid in floor_pids)
        floor_s = run_floor(stack.redis_url, args.decisions, args.timeout)
        floor_cpu = sum(cpu_seconds(pid) for pid in floor_pids) - cpu_before
        floor = {
            "decisions": args.decisions,
            "seconds": round(floor_s, 2),
            "decisions_per_second": round(args.decisions / floor_s, 1),
            "cpu_ms_per_decision": round(floor_cpu * 1000 / args.decisions, 1),
        }
        print(f"  floor: {args.decisions} no-op chains in {floor_s:.1f} s", flush=True)
        stop.close()  # the floor's workers go: the pipeline has the machine to itself
        latency = measure_latency(stack, args.rate, args.seconds, args.timeout)
        print(f"  latency: p50 {latency['p50_ms']:.0f} ms, p99 {latency['p99_ms']:.0f} ms", flush=True)
        spies = start_profile(stack, "burst") if args.profile else []
        burst = measure_burst(stack, args.decisions, args.timeout)
        stop_profile(spies)
        print(f"  burst: {burst['decisions']} decisions done in {burst['done_s']:.1f} s", flush=True)
        print(f"  CPU ms per decision, by process: {burst['cpu_ms_per_decision']}", flush=True)

    print(table(floor, latency, burst))
    result = {
        **result_header("pipeline"),
        "settings": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "floor": floor,
        "latency": latency,
        "burst": burst,
        "burst_vs_floor": round(burst["decisions_per_second"] / floor["decisions_per_second"], 3),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n")
    print(f"written to {args.output}")
    expected = burst["decisions"] * EMAILS_PER_TICKET
    if burst["tickets"] != burst["decisions"] or burst["emails_received"] != expected:
        raise SystemExit(
            f"burst: {burst['tickets']} tickets and {burst['emails_received']} emails, expected {expected}"
        )


if __name__ == "__main__":
    main()
