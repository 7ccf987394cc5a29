"""How fast idea.judged.v1 events become implementation tickets, against a floor of bare inserts.

    .venv/bin/python -m bench.bench_tickets [--events 2000] [--batch 100]

Three runs on a scratch database (bench.common: created, migrated, dropped; never the dev data), with the
agency contacts seeded as in a real deployment:
- floor:     the ticket rows alone, inserted in batches (what the database costs at minimum);
- handler:   the real handler (`handle_idea_judged`) with the inbox claim, `--batch` events per transaction:
             idea state, ticket, change-feed row, ticket.created.v1 and three notification.requested.v1 events;
- consumer:  the same, one transaction per event, as the Celery consumer runs it (commit per event).
It prints events per second and the ratio handler/floor. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import time
import uuid
from collections.abc import Callable

from sqlalchemy import insert, text
from sqlalchemy.dialects.postgresql import insert as pg_insert

from audisi.services import SERVICES
from bench.common import scratch_database
from services.implementation.agencies.service import seed_contacts
from services.implementation.db import messaging, runtime
from services.implementation.settings import ImplementationSettings
from services.implementation.tests.factories import judged
from services.implementation.tickets.models import Ticket
from services.implementation.tickets.service import handle_idea_judged
from shared.audit import TRUNCATE_SETTING
from shared.db import utcnow
from shared.events import IdeaJudged
from shared.migrations import upgrade


def truncate() -> None:
    """Empty every table between runs."""
    from services.implementation.db import metadata

    with runtime.engine.begin() as conn:
        # The audit log refuses TRUNCATE unless this transaction says so (scratch data only).
        conn.execute(text(f"SET LOCAL {TRUNCATE_SETTING} = 'on'"))
        conn.execute(text("TRUNCATE " + ", ".join(f'"{t.name}"' for t in metadata.sorted_tables) + " CASCADE"))
    with runtime.session_factory() as session:
        seed_contacts(session)


def floor(events: list[IdeaJudged], batch: int) -> None:
    """Bare ticket inserts, `batch` rows per statement and transaction."""
    for start in range(0, len(events), batch):
        rows = []
        for e in events[start : start + batch]:
            p = e.payload
            rows.append(
                {
                    "id": uuid.uuid4(),
                    "idea_id": p.idea_id,
                    "edition_code": p.edition_code,
                    "agency_code": p.implementing_agency_code,
                    "status": "new",
                    "due_date": p.due_date,
                    "position_group": str(p.position_group),
                    "decided_at": p.decided_at,
                    "title": p.idea.title,
                    "problem": p.idea.problem,
                    "solution": p.idea.solution,
                    "beneficiaries": p.idea.beneficiaries,
                    "estimated_budget_rp": p.idea.estimated_budget_rp,
                    "idea_partners": [],
                    "partners": [],
                    "proposer_user_id": p.proposer.user_id,
                    "proposer_name": p.proposer.name,
                    "proposer_email": p.proposer.email,
                }
            )
        with runtime.session_factory() as session:
            session.execute(insert(Ticket), rows)
            session.commit()


def through_handler(events: list[IdeaJudged], batch: int) -> None:
    """The consumer's work (inbox claim + handler) for `batch` events per transaction."""
    for start in range(0, len(events), batch):
        with runtime.session_factory() as session:
            for event in events[start : start + batch]:
                session.execute(
                    pg_insert(messaging.inbox_event)
                    .values(event_id=event.event_id, consumer="implementation", event_type=event.type)
                    .on_conflict_do_nothing()
                )
                handle_idea_judged(session, event)
            session.commit()


def timed(name: str, run: Callable[[], None], count: int) -> float:
    """Run once from empty tables; print and return events per second."""
    truncate()
    started = time.perf_counter()
    run()
    elapsed = time.perf_counter() - started
    with runtime.engine.connect() as conn:
        tickets = conn.execute(text("SELECT count(*) FROM ticket")).scalar_one()
    assert tickets == count, f"{name}: {tickets} tickets for {count} events"
    rate = count / elapsed
    print(f"{name:<34} {count:>6} tickets in {elapsed:7.2f} s  {rate:9.0f} /s")
    return rate


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()

    with scratch_database("tickets") as (infra, url):
        upgrade(SERVICES["implementation"].migrations_dir, url)
        runtime.configure(
            ImplementationSettings(
                environment="test", database_url=url, redis_url=infra.redis_url, log_json=False, log_level="WARNING"
            )
        )
        try:
            events = [judged(decided_at=utcnow(), title=f"Gagasan {n}") for n in range(args.events)]
            print(f"{args.events} selected ideas, batches of {args.batch}")
            bare = timed(f"floor: bare inserts (batch {args.batch})", lambda: floor(events, args.batch), args.events)
            handled = timed(f"handler (batch {args.batch})", lambda: through_handler(events, args.batch), args.events)
            consumer = timed("handler (1 event per transaction)", lambda: through_handler(events, 1), args.events)
            print(f"ratio handler/floor: {handled / bare:.3f}  (the handler is {bare / handled:.1f}x slower than bare)")
            print(f"ratio consumer/floor: {consumer / bare:.3f}  ({bare / consumer:.1f}x slower)")
        finally:
            runtime.dispose()


if __name__ == "__main__":
    main()
