"""Benchmark: the web pages' server time per page, and every process's peak RSS (issue 14, targets 7 and 6).

    .venv/bin/python -m bench.bench_pages [--requests 20] [--concurrency 4] [--tickets 5]

It starts every process of audisi/processes.py as production does (`audisi.stack.LocalStack`, the compose
commands and environment) on scratch databases, loads the demo edition (`audisi seed`, 147 participants and
their ideas) and publishes `--tickets` selected decisions into the judging outbox so the agency has tickets.
Then, from this process (an async httpx client, `--concurrency` requests in flight), each role signs in
through the submission API and asks for each of its main pages `--requests` times. The time is the web
front's answer up to its response headers (time to first byte on localhost: the server's time plus a
loopback hop). API calls per page: the three APIs' request counters (their metrics ports), read before and
after one lone request of the page, with the seconds those APIs spent answering them; server CPU per request
(user + system, /proc) of the web front and of the three APIs over each page's timed requests. Peak RSS (bench/rss.py)
is read from every process, and from a worker's pool children, after the run. It prints two tables and
writes JSON to bench/results/pages.json; it asserts no time and fails when a page does not answer 200.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import secrets
import signal
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

from audisi.embedded import free_port
from audisi.processes import MIGRATIONS, PROCESSES, Process
from audisi.services import SERVICES, WEB
from audisi.stack import LocalStack, StackConfig
from audisi.testing.infra import drop_database, release_redis_db
from bench.common import bench_infra, result_header
from bench.pipeline_stack import JWT_SECRET, cpu_seconds, scalar
from bench.rss import peak_rss_mb

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
EDITION = "ATA-2026"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
#: role -> (username, password); the participant's NIP is looked up in the seeded database.
LOGINS = {
    "committee": ("panitia@audisi.trenggalekkab.go.id", "Panitia#2026"),
    "judge": ("juri.bappeda@audisi.trenggalekkab.go.id", "Juri#2026"),
    "agency": ("opd.disdukcapil@audisi.trenggalekkab.go.id", "Opd#2026"),
}
#: role -> its main pages; "{id}" is taken from the first link of that shape on the role's list page.
PAGES: dict[str, list[str]] = {
    "participant": ["/gagasan", "/gagasan/{id}"],
    "judge": ["/juri", "/juri/gagasan/{id}"],
    "committee": ["/panitia", "/panitia/hasil", "/panitia/papan", "/panitia/penetapan", "/panitia/audisi"],
    "agency": ["/opd", "/opd/tiket/{id}"],
    "public": ["/publik/ATA-2026"],
}


def migrate_and_seed(stack: LocalStack, service: str) -> None:
    """One service's migration job, then its demo seed (`audisi seed <service>`), as `make run` does."""
    migration = next(job for job in MIGRATIONS if job.service == service)
    stack.run_job(migration, capture=True)
    stack.run_job(Process(f"{service}-seed", service, ("audisi", "seed", service)), capture=True)


def participant_nip(config: StackConfig) -> str:
    """The NIP of a seeded participant who proposed a submitted idea."""
    from sqlalchemy import create_engine, text

    engine = create_engine(config.database_url("submission"))
    try:
        with engine.connect() as conn:
            nip = conn.execute(
                text(
                    "SELECT p.nip FROM participant p JOIN idea i ON i.proposer_id = p.id"
                    " WHERE i.submitted_at IS NOT NULL ORDER BY p.nip LIMIT 1"
                )
            ).scalar_one()
    finally:
        engine.dispose()
    return str(nip)


def publish_tickets(config: StackConfig, count: int) -> None:
    """Selected decisions into the judging outbox (as publishing results does); the relay and workers make tickets."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from shared.outbox import publish
    from tests.faults.burst import judged_event

    engine = create_engine(config.database_url("judging"))
    try:
        with Session(engine) as session:
            publish(session, *(judged_event("pages", n) for n in range(count)))
            session.commit()
    finally:
        engine.dispose()
    implementation = create_engine(config.database_url("implementation"))
    deadline = time.monotonic() + 180
    try:
        while scalar(implementation, "SELECT count(*) FROM ticket") < count:
            if time.monotonic() > deadline:
                raise SystemExit("the decisions did not become tickets in 180 s")
            time.sleep(0.5)
    finally:
        implementation.dispose()


async def api_requests(client: httpx.AsyncClient, metrics: list[str]) -> tuple[float, float]:
    """How many requests the three APIs have answered so far, and their seconds in all (Prometheus counters)."""
    count = seconds = 0.0
    for url in metrics:
        text = (await client.get(url)).text
        for line in text.splitlines():
            if line.startswith("audisi_http_requests_total{"):
                count += float(line.rsplit(" ", 1)[1])
            elif line.startswith("audisi_http_request_seconds_sum{"):
                seconds += float(line.rsplit(" ", 1)[1])
    return count, seconds


async def timed_get(client: httpx.AsyncClient, url: str) -> tuple[int, float]:
    """Status and seconds to the response headers (the body is read afterwards, untimed)."""
    started = time.perf_counter()
    async with client.stream("GET", url) as response:
        elapsed = time.perf_counter() - started
        await response.aread()
    return response.status_code, elapsed


async def timed_series(client: httpx.AsyncClient, page: str, count: int, gate: asyncio.Semaphore) -> list[float]:
    """`count` requests of one page, as many at once as the gate lets through; their sorted times."""

    async def one() -> float:
        async with gate:
            code, seconds = await timed_get(client, page)
        if code != 200:
            raise SystemExit(f"{page} answered {code}")
        return seconds

    return sorted(await asyncio.gather(*(one() for _ in range(count))))


async def sign_in(web: str, urls: dict[str, str], role: str, username: str, password: str) -> httpx.AsyncClient:
    """A client carrying the role's session cookie (the token the submission API gives at sign-in)."""
    client = httpx.AsyncClient(base_url=web, timeout=60, follow_redirects=False)
    if role == "public":
        return client
    response = await client.post(
        f"{urls['submission']}/api/v1/auth/login", json={"username": username, "password": password}
    )
    if response.status_code != 200:
        raise SystemExit(f"{role} could not sign in: {response.status_code} {response.text[:300]}")
    token = str(response.json()["access_token"])
    client.cookies.set("audisi_session", token)
    if role == "judge":  # scoring pages wait for the edition's declaration: an empty one, as a judge would
        await client.post(
            f"{urls['judging']}/api/v1/editions/{EDITION}/declaration",
            json={"conflicts": []},
            headers={"Authorization": f"Bearer {token}"},
        )
    return client


async def resolve(client: httpx.AsyncClient, pages: list[str]) -> list[str]:
    """The pages with "{id}" replaced by an id linked from the role's list page; pages with none are dropped."""
    resolved = []
    for page in pages:
        if "{id}" not in page:
            resolved.append(page)
            continue
        prefix = page.split("{id}")[0]
        listing = (await client.get(pages[0])).text  # the role's first page lists its ideas or tickets
        found = re.search(re.escape(prefix) + f"({UUID})", listing)
        if found:
            resolved.append(prefix + found.group(1))
        else:
            print(f"no link {page} on the list page: skipped", flush=True)
    return resolved


def cpu_of(pids: dict[str, int]) -> dict[str, float]:
    """CPU seconds used so far by the web front ("web") and by the three APIs together ("apis"), from /proc."""
    return {
        "web": cpu_seconds(pids[WEB.name]),
        "apis": sum(cpu_seconds(pid) for name, pid in pids.items() if name != WEB.name),
    }


async def measure(
    web: str, urls: dict[str, str], metrics: list[str], nip: str, pids: dict[str, int], args: argparse.Namespace
) -> dict[str, Any]:
    """Sign each role in, time each page, count its API calls and the server CPU per request."""
    logins = {**LOGINS, "participant": (nip, "Peserta#2026"), "public": ("", "")}
    rows: dict[str, Any] = {}
    gate = asyncio.Semaphore(args.concurrency)
    async with httpx.AsyncClient(timeout=30) as probe:
        for role, pages in PAGES.items():
            client = await sign_in(web, urls, role, *logins[role])
            try:
                for page in await resolve(client, pages):
                    before = await api_requests(probe, metrics)
                    status, _ = await timed_get(client, page)  # the warm-up request, counted
                    after = await api_requests(probe, metrics)
                    calls, api_seconds = after[0] - before[0], after[1] - before[1]
                    if status != 200:
                        raise SystemExit(f"{role} {page} answered {status}")

                    # CPU per request is what the load of other processes on the machine does not change.
                    cpu_before = cpu_of(pids)
                    times = await timed_series(client, page, args.requests, gate)
                    cpu = {k: (v - cpu_before[k]) / args.requests for k, v in cpu_of(pids).items()}
                    p95 = times[max(0, int(len(times) * 0.95) - 1)] if len(times) >= 20 else times[-1]
                    name = re.sub(UUID, "{id}", page)
                    row = rows[f"{role} {name}"] = {
                        "p50_ms": round(statistics.median(times) * 1000, 1),
                        "p95_ms": round(p95 * 1000, 1),
                        "max_ms": round(times[-1] * 1000, 1),
                        "api_calls": int(calls),
                        "api_ms": round(api_seconds * 1000, 1),  # the APIs' own time in the lone request
                        "web_cpu_ms": round(cpu["web"] * 1000, 1),  # per request, the timed series
                        "apis_cpu_ms": round(cpu["apis"] * 1000, 1),
                    }
                    print(
                        f"{role:<12} {name:<22} p50 {row['p50_ms']:>6} ms, {row['api_calls']} API calls"
                        f" ({row['api_ms']:.0f} ms), CPU web {row['web_cpu_ms']} ms, APIs {row['apis_cpu_ms']} ms",
                        flush=True,
                    )
            finally:
                await client.aclose()
    return rows


def start_profile(pid: int) -> subprocess.Popen[bytes]:
    """py-spy sampling the web front (raw stacks, for a flame graph) until it gets SIGINT."""
    command = [
        str(Path(sys.executable).with_name("py-spy")), "record", "--pid", str(pid), "--rate", "250", "--nonblocking",
        "--format", "raw", "--output", str(RESULTS / "profile-pages.txt"),
    ]  # fmt: skip
    spy = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
    time.sleep(1)
    return spy


def children_peak_mb(pid: int) -> float:
    """The summed peak RSS of a process's live children (a Celery worker's pool)."""
    try:
        kids = [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return 0.0
    return round(sum(peak_rss_mb(k) for k in kids), 1)


def main() -> None:
    """Start the stack, seed, sign in, measure, print, save, stop."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page (after one warm-up)")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--tickets", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="py-spy the web front (bench/results/profile-pages.txt)")
    parser.add_argument("--output", type=Path, default=RESULTS / "pages.json")
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    work = RESULTS / f"work-{args.output.stem}"
    work.mkdir(exist_ok=True)

    infra = bench_infra()
    prefix = f"audisi_bench_pg_{secrets.token_hex(3)}"
    ports = {**{name: free_port() for name in SERVICES}, WEB.name: free_port()}
    metrics_ports = {name: free_port() for name in SERVICES}
    config = StackConfig(
        postgres_url=infra.postgres_url,
        redis_url=infra.redis_url,
        database_prefix=prefix,
        api_ports=ports,
        metrics_ports=metrics_ports,
        extra_env={
            "ENVIRONMENT": "test",
            "JWT_SECRET": JWT_SECRET,
            "LOG_JSON": "true",
            "WORKER_CONCURRENCY": "1",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(free_port()),  # nothing listens: the notifications worker retries, as without a server
            "BEAT_SCHEDULE_FILE": str(work / "beat-schedule"),
            "ATTACHMENTS_DIR": str(work / "attachments"),
            "EVIDENCE_DIR": str(work / "evidence"),
        },
    )
    stack = LocalStack(config, log_dir=work / "logs")
    started = time.perf_counter()
    try:
        with ThreadPoolExecutor(len(SERVICES)) as pool:  # each service's migration then seed; the three at once
            list(pool.map(lambda name: migrate_and_seed(stack, name), SERVICES))
        stack.start(PROCESSES)
        stack.wait_healthy(timeout=180)
        publish_tickets(config, args.tickets)
        print(f"stack up, seeded, {args.tickets} tickets in {time.perf_counter() - started:.0f} s", flush=True)
        urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
        metrics = [f"http://127.0.0.1:{port}/metrics" for port in metrics_ports.values()]
        spy = start_profile(stack.procs[WEB.name].pid) if args.profile else None
        pids = {name: stack.procs[name].pid for name in (*(f"{s}-api" for s in SERVICES), WEB.name)}
        rows = asyncio.run(measure(urls[WEB.name], urls, metrics, participant_nip(config), pids, args))
        if spy is not None:
            spy.send_signal(signal.SIGINT)  # py-spy writes what it sampled
            spy.wait(60)
        rss = {
            p.name: {
                "peak_mb": peak_rss_mb(stack.procs[p.name].pid),
                "children_mb": children_peak_mb(stack.procs[p.name].pid),
            }
            for p in PROCESSES
        }
    finally:
        stack.stop()
        for name in SERVICES:
            drop_database(infra, f"{prefix}_{name}")
        release_redis_db(infra.redis_base_url, infra.redis_db)

    print("| page | p50 ms | p95 ms | max ms | API calls | their ms (lone request) | CPU ms/req web | APIs |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, row in rows.items():
        print(
            f"| {name} | {row['p50_ms']:.0f} | {row['p95_ms']:.0f} | {row['max_ms']:.0f} | {row['api_calls']} "
            f"| {row['api_ms']:.0f} | {row['web_cpu_ms']:.1f} | {row['apis_cpu_ms']:.1f} |"
        )
    print("\n| process | peak RSS MB | its pool's peak RSS MB |")
    print("| --- | ---: | ---: |")
    for name, row in rss.items():
        print(f"| {name} | {row['peak_mb']:.0f} | {row['children_mb']:.0f} |")
    result = {
        **result_header("pages"),
        "settings": {k: v for k, v in vars(args).items() if k != "output"},
        "pages": rows,
        "rss_mb": rss,
        "seconds": round(time.perf_counter() - started, 1),
    }
    args.output.write_text(json.dumps(result, indent=2) + "\n")
    print(f"written to {args.output} ({result['seconds']:.0f} s in all)")


if __name__ == "__main__":
    main()
