"""Benchmark: judges saving scores under concurrency, against a floor of bare `SELECT 1` requests.

Starts the judging API with uvicorn (same settings as `audisi api judging`, plus one extra route
`GET /bench/floor` that authenticates the caller and runs `SELECT 1` through the same session
dependency), on a scratch database `audisi_bench_judging`. Then N judges (threads, one HTTP
connection each) hit the server at once: first the floor, then real autosaves (each a new
Idempotency-Key, on their own ideas), then retries of those saves (replays). Prints throughput,
p50/p95 latency and the ratio of saves to the floor. No assertions: it reports numbers.

    .venv/bin/python bench/bench_scoring.py --judges 60 --saves 10
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATABASE = "audisi_bench_judging"
PG = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432")
DATABASE_URL = f"{PG}/{DATABASE}"
AGENCIES = ["BAPPEDA", "DLH", "DISHUB", "DPUPR", "DISDIK", "DINSOS", "DISKOMINFO", "DISPERTA", "SATPOLPP", "RSUD"]


def build_app() -> Any:
    """The judging app plus the floor route (used by uvicorn --factory in the server process).

    The module has no `from __future__ import annotations`: FastAPI must see the real types of the
    locally imported dependencies.
    """
    from sqlalchemy import text

    from services.judging.db import SessionDep, runtime

    runtime.configure_logging()  # as `audisi api judging` does: JSON logs at LOG_LEVEL
    from services.judging.main import app
    from shared.auth import Judge

    @app.get("/bench/floor")
    def floor(session: SessionDep, _principal: Judge) -> dict[str, int]:
        return {"one": int(session.execute(text("SELECT 1")).scalar_one())}

    return app


def prepare(ideas: int) -> list[uuid.UUID]:
    """A fresh, migrated bench database with the ATA-2026 rubric and `ideas` eligible ideas."""
    from audisi.services import SERVICES
    from audisi.testing.infra import Infra, create_database, drop_database
    from services.judging.db import runtime
    from services.judging.ideas import service as ideas_service
    from services.judging.seed import seed
    from services.judging.settings import JudgingSettings
    from shared.db import utcnow
    from shared.events import (
        IdeaScreenedPayload,
        IdeaSnapshot,
        IdeaSubmittedPayload,
        Person,
        PositionGroup,
    )
    from shared.migrations import upgrade

    infra = Infra(postgres_url=f"{PG}/postgres", redis_base_url="redis://127.0.0.1:6379", redis_db=0, source="bench")
    drop_database(infra, DATABASE)
    create_database(infra, DATABASE)
    upgrade(SERVICES["judging"].migrations_dir, DATABASE_URL)
    runtime.configure(JudgingSettings(environment="development", database_url=DATABASE_URL, log_json=False))
    seed()
    made = []
    groups = list(PositionGroup)
    with runtime.session_factory() as session:
        for i in range(ideas):
            idea_id = uuid.uuid4()
            proposer = Person(
                user_id=uuid.uuid4(), name=f"Peserta {i}", email=f"p{i}@example.go.id", agency_code="DINKES"
            )
            ideas_service.apply_submitted(
                session,
                IdeaSubmittedPayload(
                    idea_id=idea_id,
                    edition_code="ATA-2026",
                    revision=1,
                    position_group=groups[i % 4],
                    proposer=proposer,
                    idea=IdeaSnapshot(
                        title=f"Gagasan {i}", problem="-", solution="-", beneficiaries="-", target_agency_code="DINKES"
                    ),
                    submitted_at=utcnow(),
                ),
            )
            ideas_service.apply_screened(
                session,
                IdeaScreenedPayload(idea_id=idea_id, edition_code="ATA-2026", eligible=True, screened_at=utcnow()),
            )
            made.append(idea_id)
        session.commit()
    runtime.dispose()
    return made


def token(judge_id: uuid.UUID, agency: str) -> str:
    """A judge's bearer token signed with the development secret the server also uses."""
    from services.judging.settings import JudgingSettings
    from shared.auth import Role, TokenService

    service = TokenService(JudgingSettings(environment="development", database_url=DATABASE_URL))
    # No submission service runs here to load session revocations into Redis: mark them loaded (none).
    service.revocations.restore({})
    issued, _ = service.issue(user_id=judge_id, role=Role.JUDGE, name="Juri", email=None, agency_code=agency)
    return issued


def run(judges: int, per_judge: Callable[[int, httpx.Client], list[float]]) -> tuple[float, list[float]]:
    """Run every judge's requests at once; (wall seconds, every latency)."""
    clients = [httpx.Client(base_url=BASE, timeout=30) for _ in range(judges)]
    try:
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=judges) as pool:
            latencies = [x for chunk in pool.map(per_judge, range(judges), clients) for x in chunk]
        return time.perf_counter() - started, latencies
    finally:
        for c in clients:
            c.close()


def report(name: str, wall: float, latencies: list[float]) -> float:
    """Print one line of figures; returns throughput."""
    ordered = sorted(latencies)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    rps = len(latencies) / wall
    print(
        f"{name:<18} {len(latencies):>6} req  {rps:>8.1f} req/s  "
        f"p50 {statistics.median(ordered) * 1000:>7.1f} ms  p95 {p95 * 1000:>7.1f} ms"
    )
    return rps


BASE = "http://127.0.0.1:8902"


def declare_no_conflicts(judge_ids: list[uuid.UUID]) -> None:
    """Each judge's declaration for ATA-2026 (scoring requires one), made before the timed part."""
    from services.judging.db import runtime
    from services.judging.declarations.schemas import DeclarationIn
    from services.judging.declarations.service import declare
    from shared.auth import Principal, Role

    with runtime.session_factory() as session:
        for judge_id in judge_ids:
            principal = Principal(user_id=judge_id, role=Role.JUDGE, agency_code=None, name="Juri", email=None)
            declare(session=session, edition_code="ATA-2026", principal=principal, body=DeclarationIn())


def main() -> None:
    """Prepare, serve, measure, print."""
    global BASE
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--judges", type=int, default=60)
    parser.add_argument("--saves", type=int, default=10, help="saves per judge")
    parser.add_argument("--port", type=int, default=8902)
    args = parser.parse_args()
    BASE = f"http://127.0.0.1:{args.port}"

    ideas = prepare(args.judges * args.saves)
    env = {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "LOG_LEVEL": "WARNING",
        "LOG_JSON": "true",
        "ENVIRONMENT": "development",
    }
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [
            sys.executable, "-m", "uvicorn", "bench_scoring:build_app", "--factory", "--app-dir", str(ROOT / "bench"),
            "--port", str(args.port), "--log-level", "warning", "--no-access-log",
        ],
        cwd=ROOT,
        env={**env, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{BASE}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        judge_ids = [uuid.uuid4() for _ in range(args.judges)]
        declare_no_conflicts(judge_ids)
        tokens = [
            {"Authorization": f"Bearer {token(judge_id, AGENCIES[j % len(AGENCIES)])}"}
            for j, judge_id in enumerate(judge_ids)
        ]
        keys = [[uuid.uuid4().hex for _ in range(args.saves)] for _ in range(args.judges)]
        criteria = ["speed_of_service", "cost_saving", "practicality", "innovation", "feasibility", "collaboration"]

        def floor(j: int, client: httpx.Client) -> list[float]:
            out = []
            for _ in range(args.saves):
                t = time.perf_counter()
                client.get("/bench/floor", headers=tokens[j]).raise_for_status()
                out.append(time.perf_counter() - t)
            return out

        def saves(j: int, client: httpx.Client) -> list[float]:
            out = []
            for s in range(args.saves):
                idea = ideas[j * args.saves + s]
                body = {
                    "scores": [
                        {"criterion": c, "value": 1 + (j + s + i) % 5, "comment": "ok"} for i, c in enumerate(criteria)
                    ]
                }
                t = time.perf_counter()
                r = client.put(
                    f"/api/v1/ideas/{idea}/scores", json=body, headers={**tokens[j], "Idempotency-Key": keys[j][s]}
                )
                out.append(time.perf_counter() - t)
                r.raise_for_status()
            return out

        run(args.judges, floor)  # warm up connections and the pool
        print(f"judging API, 1 uvicorn process; {args.judges} concurrent judges x {args.saves} requests each")
        floor_rps = report("floor (SELECT 1)", *run(args.judges, floor))
        save_rps = report("score save", *run(args.judges, saves))
        replay_rps = report("retry (replayed)", *run(args.judges, saves))
        print(f"ratio save/floor throughput: {save_rps / floor_rps:.2f}  (replay/floor {replay_rps / floor_rps:.2f})")
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
