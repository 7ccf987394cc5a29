"""Benchmark: the CPU of one score save's own code, in process, one thread (no HTTP, no thread pool).

    .venv/bin/python -m bench.bench_save_cpu [--saves 400] [--rounds 3]

On a scratch database seeded as bench_scoring seeds it, `scoring.service.save_scores` runs `--saves` times
with a new Idempotency-Key each (six criteria), then as many replays of the same keys; it prints the
process's CPU time per save and per replay for each round. With nothing else in the process, that figure
moves far less with a busy machine's load than bench_scoring's server CPU per request (where the event
loop and 40 worker threads contend for the GIL), so A/B comparisons of the save's code belong here; the
framework's share is bench_scoring's figure minus this one.
"""

from __future__ import annotations

import argparse
import time

from bench.bench_scoring import prepare, score_bodies
from bench.common import scratch_database


def main() -> None:
    """Seed, save, replay, print."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--saves", type=int, default=400, help="saves (and replays) per round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    from services.judging.db import runtime
    from services.judging.scoring.schemas import ScoresIn
    from services.judging.scoring.service import save_scores
    from services.judging.settings import JudgingSettings
    from shared.auth import Principal, Role

    with scratch_database("save_cpu") as (_, url):
        pairs = prepare(url, judges=60)
        runtime.configure(JudgingSettings(environment="development", database_url=url, log_json=False))
        bodies = [ScoresIn.model_validate(b) for b in score_bodies()]

        def run(tag: str, count: int) -> float:
            """CPU ms per save of `count` saves with keys `tag-<n>` (replays when the keys were used)."""
            started = time.process_time()
            for n in range(count):
                judge_id, agency, idea_id = pairs[n % len(pairs)]
                principal = Principal(user_id=judge_id, role=Role.JUDGE, agency_code=agency, name="Juri", email=None)
                with runtime.session_factory() as session:
                    save_scores(
                        session, idea_id=idea_id, principal=principal, body=bodies[n % 5], idempotency_key=f"{tag}-{n}"
                    )
            return (time.process_time() - started) * 1000 / count

        run("warm-up", min(300, args.saves))
        for round_no in range(args.rounds):
            save, replay = run(f"r{round_no}", args.saves), run(f"r{round_no}", args.saves)
            print(f"round {round_no + 1}: save {save:.2f} ms CPU, replay {replay:.2f} ms CPU", flush=True)
        runtime.dispose()


if __name__ == "__main__":
    main()
