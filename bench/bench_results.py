"""Benchmark: the committee's calibrated ranking of a whole edition, beside a same-run floor (issue 14, target 5).

    .venv/bin/python -m bench.bench_results [--ideas 10000] [--judges-per-idea 5] [--reads 5]

On a scratch database (bench.common) it seeds ATA-2026's rubric (six criteria), `--ideas` screened ideas and
`--judges-per-idea` submitted score sets on each (five judges each: 300,000 scores for 10,000 ideas), starts
the judging API as production does (`audisi api judging`, JSON logs at INFO) and reads
`GET /api/v1/editions/ATA-2026/results` with a committee token `--reads` times, one at a time (a committee
member opening the results page: the time is the server's). The floor, in the same run, is the query that
reads the round's submitted scores alone (psycopg, every row fetched): what the database costs at least.
It prints one table (time per read, the ratio to the floor, the API's CPU and peak RSS) and writes JSON to
bench/results/results.json. It asserts no time; it fails when a read does not answer 200 with every idea.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from contextlib import ExitStack
from pathlib import Path

import httpx
import psycopg

from audisi.services import SERVICES
from bench.bench_scoring import cpu_seconds, free_port, process
from bench.common import scratch_database
from bench.rss import peak_rss_mb

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
EDITION = "ATA-2026"
SCORES_QUERY = (
    "SELECT s.judge_id, s.judge_name, s.idea_id, c.criterion_key, c.value FROM score_set s "
    "JOIN score c ON c.score_set_id = s.id WHERE s.round_id = %s AND s.status = 'submitted'"
)


def prepare(url: str, ideas: int, per_idea: int) -> uuid.UUID:
    """Migrate, seed the rubric, and load the ideas and their submitted score sets by COPY; the round's id."""
    from services.judging.db import runtime
    from services.judging.rubric.service import criteria_of, find_round
    from services.judging.seed import seed
    from services.judging.settings import JudgingSettings
    from shared.events import PositionGroup
    from shared.migrations import upgrade

    upgrade(SERVICES["judging"].migrations_dir, url)
    runtime.configure(JudgingSettings(environment="development", database_url=url, log_json=False))
    seed()
    with runtime.session_factory() as session:
        rnd = find_round(session, EDITION)
        assert rnd is not None
        round_id = rnd.id
        criteria = [(c.key, c.min_score, c.max_score) for c in criteria_of(session, round_id)]
    runtime.dispose()

    groups = list(PositionGroup)
    judges = [uuid.uuid4() for _ in range(max(per_idea, ideas * per_idea // 200))]  # about 200 ideas per judge
    now = "2026-11-01T08:00:00+00"
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn, conn.cursor() as cur:
        idea_ids = [uuid.uuid4() for _ in range(ideas)]
        with cur.copy(
            "COPY idea (id, edition_code, revision, position_group, co_proposers, team_agency_codes, team_user_ids,"
            " snapshot, title, submitted_at, eligible, screened_at, updated_at) FROM STDIN"
        ) as copy:
            for i, idea_id in enumerate(idea_ids):
                snapshot = json.dumps({"title": f"Gagasan {i}", "target_agency_code": "DINKES"})
                row = (idea_id, EDITION, 1, str(groups[i % len(groups)]), "[]", "[]", "[]", snapshot)
                copy.write_row((*row, f"Gagasan {i}", now, True, now, now))
        sets: list[tuple[uuid.UUID, int]] = []
        with cur.copy(
            "COPY score_set (id, round_id, idea_id, judge_id, judge_name, status, submitted_at, created_at,"
            " updated_at) FROM STDIN"
        ) as copy:
            for i, idea_id in enumerate(idea_ids):
                for j in range(per_idea):
                    judge = (i * per_idea + j) % len(judges)
                    set_id = uuid.uuid4()
                    sets.append((set_id, judge))
                    copy.write_row(
                        (set_id, round_id, idea_id, judges[judge], f"Juri {judge}", "submitted", now, now, now)
                    )
        with cur.copy("COPY score (score_set_id, criterion_key, value, updated_at) FROM STDIN") as copy:
            for n, (set_id, judge) in enumerate(sets):
                for k, (key, low, high) in enumerate(criteria):
                    # A judge's own leniency (judge % 3) plus a spread over ideas: calibration has work to do.
                    value = low + (judge % 3 + n * 7 + k * 3) % (high - low + 1)
                    copy.write_row((set_id, key, value, now))
        conn.commit()
        cur.execute("ANALYZE")
    return round_id


def floor_read(url: str, round_id: uuid.UUID) -> float:
    """Seconds to run the scores query and fetch every row (psycopg, no ORM): the floor of a read."""
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        started = time.perf_counter()
        rows = conn.execute(SCORES_QUERY, (round_id,)).fetchall()
        elapsed = time.perf_counter() - started
    assert rows
    return elapsed


def committee_token(url: str, redis_url: str) -> str:
    """A committee member's bearer token (development secret)."""
    from services.judging.settings import JudgingSettings
    from shared.auth import Role, TokenService

    tokens = TokenService(JudgingSettings(environment="development", database_url=url, redis_url=redis_url))
    tokens.revocations.restore({})  # no submission service here to load the (empty) session revocations
    return tokens.issue(user_id=uuid.uuid4(), role=Role.COMMITTEE, name="Panitia", email=None, agency_code=None)[0]


def main() -> None:
    """Prepare, serve, measure, print, save."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ideas", type=int, default=10_000)
    parser.add_argument("--judges-per-idea", type=int, default=5)
    parser.add_argument("--reads", type=int, default=5, help="timed reads (after one warm-up read)")
    parser.add_argument("--output", type=Path, default=RESULTS / "results.json")
    parser.add_argument("--profile", action="store_true", help="py-spy the judging API during the reads")
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    work = RESULTS / f"work-{args.output.stem}"
    work.mkdir(exist_ok=True)

    with scratch_database("results") as (infra, url), ExitStack() as stack:
        started = time.perf_counter()
        round_id = prepare(url, args.ideas, args.judges_per_idea)
        print(f"seeded {args.ideas} ideas x {args.judges_per_idea} judges x 6 criteria in "
              f"{time.perf_counter() - started:.1f} s", flush=True)  # fmt: skip
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "ENVIRONMENT": "development",
            "DATABASE_URL": url,
            "REDIS_URL": infra.redis_url,
            "METRICS_PORT": str(free_port()),
        }
        env.pop("LOG_LEVEL", None)
        audisi = str(Path(sys.executable).with_name("audisi"))
        port = free_port()
        base, pid = stack.enter_context(
            process("judging API", [audisi, "api", "judging", "--port", str(port)], env, port, work / "judging.log")
        )
        headers = {"Authorization": f"Bearer {committee_token(url, infra.redis_url)}"}
        target = f"{base}/api/v1/editions/{EDITION}/results"
        rss_idle = peak_rss_mb(pid)
        with httpx.Client(timeout=900) as client:  # a loaded machine stretches a read to minutes
            warm = client.get(target, headers=headers)
            if warm.status_code != 200 or len(warm.json()["ideas"]) != args.ideas:
                raise SystemExit(f"the results answered {warm.status_code}: {warm.text[:500]}")
            spy = None
            if args.profile:
                spy_command = [
                    str(Path(sys.executable).with_name("py-spy")), "record", "--pid", str(pid), "--rate", "250",
                    "--nonblocking", "--gil", "--format", "raw", "--output", str(RESULTS / "profile-results.txt"),
                ]  # fmt: skip
                spy = subprocess.Popen(spy_command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
                time.sleep(1)
            reads, cpus, size = [], [], 0
            for _ in range(args.reads):
                cpu_before, t0 = cpu_seconds(pid), time.perf_counter()
                r = client.get(target, headers=headers)
                reads.append(time.perf_counter() - t0)
                cpus.append(cpu_seconds(pid) - cpu_before)
                size = len(r.content)
                if r.status_code != 200:
                    raise SystemExit(f"the results answered {r.status_code}")
            if spy is not None:
                spy.send_signal(2)  # SIGINT: py-spy writes what it sampled
                spy.wait(30)
        floors = [floor_read(url, round_id) for _ in range(args.reads)]
        rss_peak = peak_rss_mb(pid)

    read_s, floor_s = statistics.median(reads), statistics.median(floors)
    rows = {
        "results read": {"median_ms": round(read_s * 1000, 1), "max_ms": round(max(reads) * 1000, 1)},
        "floor (scores query)": {"median_ms": round(floor_s * 1000, 1), "max_ms": round(max(floors) * 1000, 1)},
    }
    print("| what | median ms | max ms | vs floor | API CPU ms/read | API peak RSS MB |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    print(f"| results read | {read_s * 1000:,.0f} | {max(reads) * 1000:,.0f} | {read_s / floor_s:.1f}x | "
          f"{statistics.median(cpus) * 1000:,.0f} | {rss_peak:.0f} (idle {rss_idle:.0f}) |")  # fmt: skip
    print(f"| floor (scores query) | {floor_s * 1000:,.0f} | {max(floors) * 1000:,.0f} | 1.0x | - | - |")
    print(f"{args.ideas} ideas, {args.ideas * args.judges_per_idea * 6:,} scores; response {size / 1e6:.1f} MB")
    result = {
        "benchmark": "results",
        "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {"cores": os.cpu_count(), "load_average": os.getloadavg()},
        "settings": {k: v for k, v in vars(args).items() if k != "output"},
        "scenarios": rows,
        "reads_ms": [round(s * 1000, 1) for s in reads],
        "cpu_ms": [round(s * 1000, 1) for s in cpus],
        "floor_ms": [round(s * 1000, 1) for s in floors],
        "response_bytes": size,
        "api_rss_mb": {"idle": rss_idle, "peak": rss_peak},
    }
    args.output.write_text(json.dumps(result, indent=2) + "\n")
    print(f"written to {args.output}")


if __name__ == "__main__":
    main()
