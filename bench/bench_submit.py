"""Benchmark: the deadline rush, participants submitting their drafts at once (issue 14, target 2).

    .venv/bin/python -m bench.bench_submit [--drafts 3000] [--connections 60] [--seconds 8]

On a scratch database (bench.common) it seeds an open ATA-2026 edition and `--drafts` participants with one
complete draft each, starts the submission API, relay and worker as production does (`audisi api submission`,
`audisi relay submission`, `audisi worker submission`; JSON logs at INFO), and the floor (bench/floor_app.py:
one INSERT per request, one uvicorn process). `wrk` (bench/submit.lua) drives each from its own process, closed
loop: `POST /api/v1/ideas/{id}/submit`, each draft once (completeness check, revision, outbox event and
notices in one transaction). It prints one table (submits/s, p50, p99, ratio to the floor, CPU per request,
peak RSS of the API, relay and worker) and writes JSON to bench/results/submit.json. It asserts no time; it
fails when a submit fails or a submitted idea has no idea.submitted.v1 event in the outbox.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Table, create_engine, select, text

from audisi.services import SERVICES
from bench.bench_scoring import Figures, free_port, process, run_wrk, table
from bench.common import scratch_database
from bench.rss import peak_rss_mb

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def prepare(url: str, redis_url: str, drafts: int, work: Path) -> None:
    """Migrate, seed the edition and one participant with a complete draft per line of submit-pairs.txt.

    One participant and draft go through the service (create_idea, as the API makes them); the others are
    copies of its rows with new ids, email and NIP (the service takes a quarter of a second per draft here).
    """
    from services.submission.db import runtime
    from services.submission.settings import SubmissionSettings
    from services.submission.tests.factories import make_edition, make_idea, make_participant
    from shared.auth import Role, TokenService
    from shared.migrations import upgrade

    upgrade(SERVICES["submission"].migrations_dir, url)
    settings = SubmissionSettings(environment="development", database_url=url, redis_url=redis_url, log_json=False)
    runtime.configure(settings)
    with runtime.session_factory() as session:
        make_edition(session)
        participant, principal = make_participant(session, name="Peserta 0")
        template = {
            "user": participant.user_id,
            "participant": participant.id,
            "idea": make_idea(session, principal).id,
        }
    import services.submission.models  # noqa: F401  (every table on the metadata)
    from services.submission.db import metadata

    people = [(template["user"], participant.email)]
    ideas = [template["idea"]]
    with runtime.engine.begin() as conn:
        rows = {}
        for name in ("user_account", "participant", "idea", "idea_member"):
            table = metadata.tables[name]
            columns = [c for c in table.c if c.computed is None]
            rows[table] = list(conn.execute(select(*columns).where(_of_template(table, template))).mappings())
        copies: dict[Table, list[dict[str, Any]]] = {table: [] for table in rows}
        for i in range(1, drafts):
            ids = {old: uuid.uuid4() for old in template.values()}
            email = f"rush{i}@trenggalekkab.go.id"
            nip = f"1985041220{i // 1000:02d}011{i % 1000:03d}"
            for table, originals in rows.items():
                for row in originals:
                    copy = {k: ids.get(v, v) if isinstance(v, uuid.UUID) else v for k, v in row.items()}
                    copy |= {k: v for k, v in (("email", email), ("nip", nip), ("title", f"Gagasan {i}")) if k in copy}
                    copies[table].append(copy)
            people.append((ids[template["user"]], email))
            ideas.append(ids[template["idea"]])
        for table, many in copies.items():
            if many:
                conn.execute(table.insert(), many)
    runtime.dispose()
    tokens = TokenService(settings)
    tokens.revocations.restore({})  # no sessions revoked: the API reads this from Redis
    lines = [
        f"{tokens.issue(user_id=u, role=Role.PARTICIPANT, name='Peserta', email=e, agency_code='DINKES')[0]} {idea}\n"
        for (u, e), idea in zip(people, ideas, strict=True)
    ]
    (work / "submit-pairs.txt").write_text("".join(lines))
    (work / "submit-body.txt").write_text(json.dumps({"scores": [{"criterion": "k", "value": 3}]}) + "\n")


def _of_template(table: Table, template: dict[str, uuid.UUID]) -> ColumnElement[bool]:
    """The template's rows of the table: its user, participant, idea, or membership of that idea."""
    key = {"user_account": "user", "participant": "participant", "idea": "idea"}.get(table.name)
    if key is not None:
        return table.c.id == template[key]
    return table.c.idea_id == template["idea"]


@contextmanager
def background(command: list[str], env: dict[str, str], log: Path) -> Iterator[int]:
    """A process without HTTP (a relay, a worker), its pid; stopped (SIGTERM, then SIGKILL) after."""
    with log.open("wb") as out:
        proc = subprocess.Popen(  # noqa: S603
            command, cwd=ROOT, env={**env, "METRICS_PORT": str(free_port())}, stdout=out, stderr=subprocess.STDOUT
        )
        try:
            yield proc.pid
        finally:
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def wrk_submit(mode: str, server: tuple[str, int], args: argparse.Namespace, work: Path, seconds: int) -> Figures:
    """One closed-loop wrk run of bench/submit.lua; its figures (the same fields as the scoring benchmark)."""
    base, pid = server
    command = [
        "wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{seconds}s", "--timeout", "60s",
        "-s", str(ROOT / "bench" / "submit.lua"), base, "--", mode,
        str(work / "submit-pairs.txt"), str(work / "submit-body.txt"), str(args.threads),
    ]  # fmt: skip
    scenario = {"submit": "submit", "floor/sync": "floor sync", "floor/async": "floor async"}[mode]
    profile = RESULTS / "profile-submit.txt" if args.profile and mode == "submit" else None
    return run_wrk(scenario, command, pid, seconds, profile)


def outbox_counts(url: str) -> dict[str, int]:
    """Submitted ideas and their idea.submitted.v1 events (each submit writes its event in its transaction)."""
    engine = create_engine(url)
    with engine.connect() as conn:
        counts = {
            "submitted": conn.scalar(text("SELECT count(*) FROM idea WHERE status = 'submitted'")) or 0,
            "events": conn.scalar(text("SELECT count(*) FROM outbox_event WHERE event_type = 'idea.submitted.v1'"))
            or 0,
        }
    engine.dispose()
    return counts


def main() -> None:
    """Prepare, serve, measure, print, save."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--drafts", type=int, default=3000, help="participants, one complete draft each")
    parser.add_argument("--connections", type=int, default=60)
    parser.add_argument("--seconds", type=int, default=8, help="the longest a run lasts (submit stops when done)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--output", type=Path, default=RESULTS / "submit.json")
    parser.add_argument("--profile", action="store_true", help="py-spy the submission API during the rush")
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    work = RESULTS / f"work-{args.output.stem}"
    work.mkdir(exist_ok=True)

    with scratch_database("submit") as (infra, url), ExitStack() as stack:
        started = time.perf_counter()
        prepare(url, infra.redis_url, args.drafts, work)
        print(f"seeded {args.drafts} drafts in {time.perf_counter() - started:.0f} s", flush=True)
        env = {**os.environ, "PYTHONPATH": str(ROOT), "ENVIRONMENT": "development", "DATABASE_URL": url,
               "REDIS_URL": infra.redis_url, "FLOOR_DATABASE_URL": url}  # fmt: skip
        env.pop("LOG_LEVEL", None)
        audisi = str(Path(sys.executable).with_name("audisi"))
        port, floor_port = free_port(), free_port()
        api_env = {**env, "METRICS_PORT": str(free_port())}
        api = stack.enter_context(
            process("submission API", [audisi, "api", "submission", "--port", str(port)], api_env, port,
                    work / "submission.log")
        )  # fmt: skip
        helpers = {
            kind: stack.enter_context(background([audisi, kind, "submission"], env, work / f"submission-{kind}.log"))
            for kind in ("relay", "worker")
        }
        floor_command = [
            sys.executable, "-m", "uvicorn", "--factory", "bench.floor_app:build", "--port", str(floor_port),
            "--log-level", "warning", "--no-access-log",
        ]  # fmt: skip
        floor = stack.enter_context(process("floor", floor_command, env, floor_port, work / "floor.log"))
        wrk_submit("floor/sync", floor, args, work, 1)  # warm-up of the floor; drafts are not spent on warming
        rows = [wrk_submit(mode, floor, args, work, args.seconds) for mode in ("floor/sync", "floor/async")]
        rows.append(wrk_submit("submit", api, args, work, args.seconds))
        time.sleep(3)  # let the relay and worker take the rush's events
        rss = {"submission-api": peak_rss_mb(api[1]), **{f"submission-{k}": peak_rss_mb(p) for k, p in helpers.items()}}
        counts = outbox_counts(url)

    rows = [replace(f) for f in rows]
    print(table(rows))
    print("peak RSS MB: " + ", ".join(f"{k} {v:.0f}" for k, v in rss.items()))
    print(f"submitted ideas {counts['submitted']}, idea.submitted.v1 events {counts['events']}")
    result = {
        "benchmark": "submit",
        "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {"cores": os.cpu_count(), "load_average": os.getloadavg()},
        "settings": {k: v for k, v in vars(args).items() if k != "output"},
        "scenarios": [asdict(f) for f in rows],
        "peak_rss_mb": rss,
        "counts": counts,
    }
    args.output.write_text(json.dumps(result, indent=2) + "\n")
    print(f"written to {args.output}")
    failed = [f.scenario for f in rows if f.non_2xx or f.socket_errors]
    if failed:
        raise SystemExit(f"requests failed in: {', '.join(failed)} (see {work})")
    if counts["submitted"] != counts["events"]:
        raise SystemExit("every submitted idea must have its idea.submitted.v1 event in the outbox")


if __name__ == "__main__":
    main()
