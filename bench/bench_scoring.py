"""Benchmark: 60 judges autosaving scores against one judging API process, beside a same-run floor.

    .venv/bin/python -m bench.bench_scoring [--connections 60] [--seconds 10] [--rounds 1]

On a scratch database (bench.common: created, migrated, seeded, dropped afterwards) it starts, as real
processes, the judging API the way production does (`audisi api judging`, JSON logs at INFO) and the
floor (bench/floor_app.py: a bare FastAPI app doing one INSERT per request, one uvicorn process). `wrk`
(bench/load.lua) then drives each scenario from its own process, closed loop, `--connections` at once:

- floor sync:   one INSERT per request through a sync route on a SQLAlchemy Core pool;
- floor async:  one INSERT per request through an async route on a psycopg async pool;
- score save:   `PUT /api/v1/ideas/{id}/scores` with six criteria and a new Idempotency-Key each time,
                60 judges x 20 ideas each (never two saves of one judge's set in flight at once);
- replay:       the same saves repeated with a key already used (the stored answer, nothing written).

Rounds are interleaved (floor, save, replay, floor, ...) so a neighbour's load hits all of them alike.
It prints one table (requests/s, p50, p99, ratio to each floor; the median round of each scenario) and
writes it with the machine's details to bench/results/latest.json. It asserts no time; it fails only
when a request fails, or when the saves did not leave exactly one audit row and one stored answer each.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, func, select, text

from audisi.services import SERVICES
from audisi.stack import IMAGE_ENV
from audisi.testing.infra import Infra
from bench.common import result_header, scratch_database

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
AGENCIES = ["BAPPEDA", "DLH", "DISHUB", "DPUPR", "DISDIK", "DINSOS", "DISKOMINFO", "DISPERTA", "SATPOLPP", "RSUD"]
IDEAS_PER_JUDGE = 20
JUDGES_PER_IDEA = 6


@dataclass
class Figures:
    """One scenario's measurement."""

    scenario: str
    requests: int
    seconds: float
    per_second: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    non_2xx: int
    socket_errors: int
    cpu_ms_per_request: float  # the server process's CPU time (user + system) per request answered


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) the process has used so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def declare_no_conflicts(judge_ids: list[uuid.UUID]) -> None:
    """Each judge's declaration for ATA-2026: none (scoring refuses a judge who has not declared)."""
    from services.judging.db import runtime
    from services.judging.declarations.schemas import DeclarationIn
    from services.judging.declarations.service import declare
    from shared.auth import Principal, Role

    with runtime.session_factory() as session:
        for judge_id in judge_ids:
            principal = Principal(user_id=judge_id, role=Role.JUDGE, agency_code=None, name="Juri", email=None)
            declare(session, edition_code="ATA-2026", principal=principal, body=DeclarationIn())


def prepare(url: str, judges: int) -> list[tuple[uuid.UUID, str, uuid.UUID]]:
    """Migrate and seed the bench database; (judge, agency, idea) pairs, six judges on each idea."""
    from services.judging.db import runtime
    from services.judging.ideas import service as ideas_service
    from services.judging.seed import seed
    from services.judging.settings import JudgingSettings
    from shared.db import utcnow
    from shared.events import IdeaScreenedPayload, IdeaSnapshot, IdeaSubmittedPayload, Person, PositionGroup
    from shared.migrations import upgrade

    upgrade(SERVICES["judging"].migrations_dir, url)
    runtime.configure(JudgingSettings(environment="development", database_url=url, log_json=False))
    seed()
    count = max(1, judges * IDEAS_PER_JUDGE // JUDGES_PER_IDEA)
    ideas = [uuid.uuid4() for _ in range(count)]
    groups = list(PositionGroup)
    with runtime.session_factory() as session:
        for i, idea_id in enumerate(ideas):
            proposer = Person(
                user_id=uuid.uuid4(), name=f"Peserta {i}", email=f"p{i}@example.go.id", agency_code="DINKES"
            )
            snapshot = IdeaSnapshot(
                title=f"Gagasan {i}", problem="-", solution="-", beneficiaries="-", target_agency_code="DINKES"
            )
            submitted = IdeaSubmittedPayload(
                idea_id=idea_id,
                edition_code="ATA-2026",
                revision=1,
                position_group=groups[i % len(groups)],
                proposer=proposer,
                idea=snapshot,
                submitted_at=utcnow(),
            )
            ideas_service.apply_submitted(session, submitted)
            screened = IdeaScreenedPayload(
                idea_id=idea_id, edition_code="ATA-2026", eligible=True, screened_at=utcnow()
            )
            ideas_service.apply_screened(session, screened)
        session.commit()
    judge_ids = [uuid.uuid4() for _ in range(judges)]
    declare_no_conflicts(judge_ids)  # scoring waits for each judge's declaration; made before the timed part
    runtime.dispose()
    # Lap by lap, every judge's next idea: neighbouring lines (in flight together) are different judges.
    return [
        (judge_ids[j], AGENCIES[j % len(AGENCIES)], ideas[(j * IDEAS_PER_JUDGE + t) % count])
        for t in range(IDEAS_PER_JUDGE)
        for j in range(judges)
    ]


def score_bodies() -> list[dict[str, Any]]:
    """Five request bodies scoring all six criteria of the audition rubric, five of them with a comment."""
    from services.judging.seed import AUDITION_RUBRIC

    keys = [c.key for c in AUDITION_RUBRIC.criteria]
    return [
        {
            "scores": [
                {"criterion": k, "value": 1 + (b + i) % 5, "comment": "jelas" if i else None}
                for i, k in enumerate(keys)
            ]
        }
        for b in range(5)
    ]


def write_plan(infra: Infra, url: str, pairs: list[tuple[uuid.UUID, str, uuid.UUID]], work: Path) -> None:
    """The wrk script's inputs: a bearer token and idea per line, and the request bodies."""
    from services.judging.settings import JudgingSettings
    from shared.auth import Role, TokenService

    tokens = TokenService(JudgingSettings(environment="development", database_url=url, redis_url=infra.redis_url))
    tokens.revocations.restore({})  # no submission service here to load the (empty) session revocations
    issued: dict[uuid.UUID, str] = {}
    lines = []
    for judge_id, agency, idea_id in pairs:
        if judge_id not in issued:
            issued[judge_id] = tokens.issue(
                user_id=judge_id, role=Role.JUDGE, name="Juri", email=None, agency_code=agency
            )[0]
        lines.append(f"{issued[judge_id]} {idea_id}\n")
    (work / "pairs.txt").write_text("".join(lines))
    (work / "bodies.txt").write_text("\n".join(json.dumps(b) for b in score_bodies()) + "\n")


@contextmanager
def process(name: str, command: list[str], env: dict[str, str], port: int, log: Path) -> Iterator[tuple[str, int]]:
    """A server process answering /healthz on the port (its URL and pid); stopped (SIGTERM, then SIGKILL) after."""
    base = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        proc = subprocess.Popen(  # noqa: S603
            command, cwd=ROOT, env={**env, **IMAGE_ENV}, stdout=out, stderr=subprocess.STDOUT
        )
        try:
            deadline = time.monotonic() + 120
            while True:
                if proc.poll() is not None:
                    raise SystemExit(f"{name} exited with {proc.returncode} before it was ready; see {log}")
                try:
                    if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise SystemExit(f"{name} not ready after 120 s; see {log}")
                time.sleep(0.2)
            yield base, proc.pid
        finally:
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def wrk(
    scenario: str,
    mode: str,
    server: tuple[str, int],
    args: argparse.Namespace,
    work: Path,
    nonce: str,
    profile: bool = False,
) -> Figures:
    """One closed-loop wrk run of the mode against the server (URL, pid); its figures. With `profile`,
    py-spy samples the server meanwhile and writes its stacks to bench/results/profile-<mode>.txt (folded)."""
    base, pid = server
    script = ROOT / "bench" / "load.lua"
    plan = [str(work / "pairs.txt"), str(work / "bodies.txt"), nonce, str(args.threads)]
    command = [
        "wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.seconds}s", "--timeout", "10s",
        "-s", str(script), base, "--", mode, *plan,
    ]  # fmt: skip
    folded = RESULTS / f"profile-{mode.replace('/', '-')}.txt" if profile else None
    return run_wrk(scenario, command, pid, args.seconds, folded)


def run_wrk(scenario: str, command: list[str], pid: int, seconds: float, profile: Path | None) -> Figures:
    """Run a wrk command whose Lua script prints `WRK_RESULT {json}`; the figures, with the server's CPU per
    request (from /proc). With `profile`, py-spy samples the server meanwhile into that file (folded stacks)."""
    spy = None
    if profile is not None:
        spy_command = [
            str(Path(sys.executable).with_name("py-spy")), "record", "--pid", str(pid), "--rate", "250",
            "--nonblocking", "--gil", "--duration", str(seconds), "--format", "raw", "--output", str(profile),
        ]  # fmt: skip
        spy = subprocess.Popen(spy_command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
    cpu_before = cpu_seconds(pid)
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603
    cpu = cpu_seconds(pid) - cpu_before
    if spy is not None:
        spy.wait(30)
    match = re.search(r"^WRK_RESULT (\{.*\})$", out, re.MULTILINE)
    if match is None:
        raise SystemExit(f"wrk printed no result:\n{out}")
    r = json.loads(match.group(1))
    elapsed = r["duration_us"] / 1e6
    return Figures(
        scenario=scenario,
        requests=r["requests"],
        seconds=round(elapsed, 2),
        per_second=round(r["requests"] / elapsed, 1),
        p50_ms=r["p50_us"] / 1000,
        p90_ms=r["p90_us"] / 1000,
        p99_ms=r["p99_us"] / 1000,
        max_ms=r["max_us"] / 1000,
        non_2xx=r["non_2xx"],
        socket_errors=r["socket_errors"],
        cpu_ms_per_request=round(cpu * 1000 / max(1, r["requests"]), 2),
    )


def check_one_save(api: str, work: Path) -> None:
    """A save answers 200 before any load: a broken setup fails here with the API's own words."""
    token, idea = (work / "pairs.txt").read_text().splitlines()[0].split()
    body = (work / "bodies.txt").read_text().splitlines()[0]
    r = httpx.put(
        f"{api}/api/v1/ideas/{idea}/scores",
        content=body,
        headers={
            "Authorization": f"Bearer {token}",
            "Idempotency-Key": "bench-check",
            "Content-Type": "application/json",
        },
        timeout=30,
    )
    if r.status_code != 200:
        raise SystemExit(f"a score save answered {r.status_code}: {r.text}")


def audit_matches(url: str) -> dict[str, int]:
    """Saves stored, audit rows of saves and score sets: every save leaves one stored answer and one audit row."""
    from services.judging.db import audit_log
    from services.judging.scoring.models import ScoreRequest, ScoreSet

    engine = create_engine(url)
    with engine.connect() as conn:
        counts = {
            "stored_answers": conn.scalar(select(func.count()).select_from(ScoreRequest)) or 0,
            "audit_rows": conn.scalar(
                select(func.count()).select_from(audit_log).where(audit_log.c.action == "scores_saved")
            )
            or 0,
            "score_sets": conn.scalar(select(func.count()).select_from(ScoreSet)) or 0,
            "floor_rows": conn.scalar(text("SELECT count(*) FROM bench_floor")) or 0,
        }
    engine.dispose()
    return counts


def table(rows: list[Figures]) -> str:
    """The figures as one Markdown table, each with its ratio to the two floors."""
    floors = {f.scenario: f.per_second for f in rows if f.scenario.startswith("floor")}
    out = [
        "| scenario | requests | per second | p50 ms | p99 ms | CPU ms/request | vs floor sync | vs floor async |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for f in rows:
        ratios = [f"{f.per_second / floors[k]:.2f}" if floors.get(k) else "-" for k in ("floor sync", "floor async")]
        out.append(
            f"| {f.scenario} | {f.requests} | {f.per_second:,.0f} | {f.p50_ms:.1f} | {f.p99_ms:.1f} | "
            f"{f.cpu_ms_per_request:.2f} | "
            f"{ratios[0]} | {ratios[1]} |"
        )
    return "\n".join(out)


def main() -> None:
    """Prepare, serve, measure, print, save."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--connections", type=int, default=60, help="concurrent judges (closed loop)")
    parser.add_argument("--seconds", type=int, default=10, help="length of each measured run")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of load before measuring")
    parser.add_argument("--rounds", type=int, default=1, help="interleaved rounds of every scenario")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--output", type=Path, default=RESULTS / "latest.json")
    parser.add_argument("--profile", action="store_true", help="py-spy the judging API during its runs")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: `apt-get install wrk` (Debian/Ubuntu) or `brew install wrk`")
    RESULTS.mkdir(parents=True, exist_ok=True)
    work = RESULTS / f"work-{args.output.stem}"  # the wrk inputs and server logs of this run
    work.mkdir(exist_ok=True)

    with scratch_database("scoring") as (infra, url), ExitStack() as stack:
        pairs = prepare(url, args.connections)
        write_plan(infra, url, pairs, work)
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "ENVIRONMENT": "development",  # the development JWT secret the tokens above are signed with
            "DATABASE_URL": url,
            "REDIS_URL": infra.redis_url,
            "FLOOR_DATABASE_URL": url,
            "METRICS_PORT": str(free_port()),
        }
        env.pop("LOG_LEVEL", None)  # production's default: one JSON line per request at INFO
        audisi = str(Path(sys.executable).with_name("audisi"))
        api_port, floor_port = free_port(), free_port()
        api = stack.enter_context(
            process(
                "judging API", [audisi, "api", "judging", "--port", str(api_port)], env, api_port, work / "judging.log"
            )
        )
        floor_command = [
            sys.executable, "-m", "uvicorn", "--factory", "bench.floor_app:build", "--port", str(floor_port),
            "--log-level", "warning", "--no-access-log",
        ]  # fmt: skip
        floor = stack.enter_context(process("floor", floor_command, env, floor_port, work / "floor.log"))
        check_one_save(api[0], work)

        scenarios = [
            ("floor sync", "floor/sync", floor),
            ("floor async", "floor/async", floor),
            ("score save", "save", api),
            ("replay", "replay", api),
        ]
        print(
            f"judging API (audisi api judging, 1 process) vs floor (1 uvicorn process); wrk {args.threads} "
            f"threads, {args.connections} connections closed loop, {args.seconds} s x {args.rounds} round(s); "
            f"{os.cpu_count()} cores",
            flush=True,
        )
        measured: dict[str, list[Figures]] = {name: [] for name, _, _ in scenarios}
        run = uuid.uuid4().hex[:8]
        for round_no in range(args.rounds):
            for name, mode, base in scenarios:
                # Replays reuse the run's keys: the warm-up stores the answers the measured run replays.
                replay = mode == "replay"
                if args.warmup or replay:
                    warm = argparse.Namespace(**{**vars(args), "seconds": max(1, args.warmup)})
                    wrk(name, mode, base, warm, work, run if replay else f"w{run}-{round_no}")
                spied = args.profile and base == api
                figures = wrk(name, mode, base, args, work, run if replay else f"m{run}-{round_no}", spied)
                print(
                    f"  round {round_no + 1}: {figures.scenario:<12} {figures.per_second:>8,.0f}/s  "
                    f"p50 {figures.p50_ms:6.1f} ms  p99 {figures.p99_ms:6.1f} ms  "
                    f"CPU {figures.cpu_ms_per_request:5.2f} ms/request",
                    flush=True,
                )
                measured[name].append(figures)
        counts = audit_matches(url)

    # The median round of each scenario (by throughput), so one disturbed round does not decide.
    rows = [sorted(runs, key=lambda f: f.per_second)[len(runs) // 2] for runs in measured.values()]
    print(table(rows))
    failed = [f.scenario for f in rows if f.non_2xx or f.socket_errors]
    print(f"stored answers {counts['stored_answers']}, audit rows of saves {counts['audit_rows']}")
    result = {
        **result_header("scoring"),
        "settings": {k: v for k, v in vars(args).items() if k != "output"},
        "scenarios": [asdict(f) for f in rows],
        "rounds": {name: [asdict(f) for f in runs] for name, runs in measured.items()},
        "counts": counts,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n")
    print(f"written to {args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output}")
    if failed:
        raise SystemExit(f"requests failed in: {', '.join(failed)} (see {work}/judging.log)")
    if counts["stored_answers"] != counts["audit_rows"]:
        raise SystemExit("every stored save must have exactly one audit row")


if __name__ == "__main__":
    main()
