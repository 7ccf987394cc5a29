"""Dead letters: messages parked instead of lost, seen on `/metrics`, listed and replayed by ops.

Two kinds live in every service's own database:

- `outbox`: a delivery of one of this service's events that its subscriber never acknowledged, after
  every attempt of the relay (`outbox_delivery.dead_at`). Replaying makes it due again with fresh attempts.
- `inbox`: a poison message this service's consumer gave up on (`inbox_dead_letter`): its handler failed
  `consumer_max_tries` times, or its worker died under it that often. Replaying sends it to the queue
  again with its tries forgotten; if it fails again it is parked again.

`audisi dead-letters list|replay <service>` is the ops interface (audisi/cli.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

import redis
from celery import Celery
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import Connection, Engine, text

from shared.events import handle_event_task_name
from shared.logging import get_logger
from shared.messaging import OUTBOX_CHANNEL, tries_key

log = get_logger(__name__)


class DeadLetterKind(StrEnum):
    """Which side parked it."""

    OUTBOX = "outbox"
    INBOX = "inbox"


@dataclass(frozen=True)
class DeadLetter:
    """One parked message."""

    kind: DeadLetterKind
    event_id: str
    queue: str  # the subscriber (outbox) or the consumer (inbox)
    event_type: str
    tries: int
    last_error: str
    parked_at: datetime


_LIST_SQL = (
    "SELECT 'outbox' AS kind, d.event_id::text AS event_id, d.subscriber AS queue, e.event_type, "
    "d.attempts AS tries, coalesce(d.last_error, '') AS last_error, d.dead_at AS parked_at "
    "FROM outbox_delivery d JOIN outbox_event e ON e.event_id = d.event_id "
    "WHERE d.dead_at IS NOT NULL AND d.acked_at IS NULL "
    "UNION ALL "
    "SELECT 'inbox', event_id, consumer, event_type, tries, last_error, parked_at FROM inbox_dead_letter "
    "ORDER BY parked_at, event_id LIMIT :limit"
)


def list_dead_letters(conn: Connection, *, limit: int = 1000) -> list[DeadLetter]:
    """Parked messages of this service's database, oldest first."""
    rows = conn.execute(text(_LIST_SQL), {"limit": limit}).all()
    return [
        DeadLetter(DeadLetterKind(r.kind), r.event_id, r.queue, r.event_type, r.tries, r.last_error, r.parked_at)
        for r in rows
    ]


def count_dead_letters(conn: Connection) -> dict[DeadLetterKind, int]:
    """How many messages are parked, per kind."""
    row = conn.execute(
        text(
            "SELECT (SELECT count(*) FROM outbox_delivery WHERE dead_at IS NOT NULL AND acked_at IS NULL) AS outbox, "
            "(SELECT count(*) FROM inbox_dead_letter) AS inbox"
        )
    ).one()
    return {DeadLetterKind.OUTBOX: int(row.outbox), DeadLetterKind.INBOX: int(row.inbox)}


def replay_outbox(conn: Connection, *, event_ids: Sequence[str] | None = None) -> int:
    """Make parked deliveries (all, or those of `event_ids`) due now with fresh attempts; returns how many.

    Runs in the caller's transaction; the relay is woken when it commits.
    """
    result = conn.execute(
        text(
            "UPDATE outbox_delivery SET dead_at = NULL, attempts = 0, published_at = NULL, next_attempt_at = now() "
            "WHERE dead_at IS NOT NULL AND acked_at IS NULL "
            "AND (CAST(:ids AS text[]) IS NULL OR event_id::text = ANY(CAST(:ids AS text[])))"
        ),
        {"ids": list(event_ids) if event_ids is not None else None},
    )
    conn.execute(text("SELECT pg_notify(:channel, '')"), {"channel": OUTBOX_CHANNEL})
    return int(result.rowcount)


def request_inbox_replay(conn: Connection, *, event_ids: Sequence[str] | None = None) -> int:
    """Mark parked poison messages (all, or those of `event_ids`) for the relay to replay; returns how many.

    For the admin route: a request never calls Celery, so the relay sends them on its next pass (it is
    woken when the caller's transaction commits).
    """
    result = conn.execute(
        text(
            "UPDATE inbox_dead_letter SET replay_requested_at = now() "
            "WHERE CAST(:ids AS text[]) IS NULL OR event_id = ANY(CAST(:ids AS text[]))"
        ),
        {"ids": list(event_ids) if event_ids is not None else None},
    )
    conn.execute(text("SELECT pg_notify(:channel, '')"), {"channel": OUTBOX_CHANNEL})
    return int(result.rowcount)


def replay_inbox(
    engine: Engine,
    *,
    celery_app: Celery,
    redis_client: redis.Redis,
    event_ids: Sequence[str] | None = None,
    requested_only: bool = False,
) -> int:
    """Send parked poison messages (all, those of `event_ids`, or those an admin asked for with
    `requested_only`) to their queue again; returns how many.

    Each is sent first and its dead letter deleted after: a crash in between leaves the dead letter, and
    replaying it again is harmless (the inbox dedupes a message that was handled).
    """
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT id, event_id, consumer, body FROM inbox_dead_letter "
                "WHERE (CAST(:ids AS text[]) IS NULL OR event_id = ANY(CAST(:ids AS text[]))) "
                "AND (NOT :requested_only OR replay_requested_at IS NOT NULL) ORDER BY parked_at"
            ),
            {"ids": list(event_ids) if event_ids is not None else None, "requested_only": requested_only},
        ).all()
    for row in rows:
        redis_client.delete(tries_key(row.consumer, row.event_id))
        celery_app.send_task(
            handle_event_task_name(row.consumer),
            kwargs={"event": row.body},
            queue=row.consumer,
            task_id=f"{row.event_id}:{row.consumer}:replay",
            headers={"correlation_id": row.body.get("correlation_id") if isinstance(row.body, dict) else None},
        )
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM inbox_dead_letter WHERE id = :id"), {"id": row.id})
        log.info("dead letter replayed", kind="inbox", event_id=row.event_id, queue=row.consumer)
    return len(rows)


class DeadLetterCollector(Collector):
    """`audisi_dead_letters{service, kind}` on `/metrics`, counted in the database at each scrape."""

    def __init__(self, service: str, engine_provider: Callable[[], Engine]) -> None:
        self.service = service
        self.engine_provider = engine_provider

    def describe(self) -> Iterable[Any]:
        """The gauge without samples: registering the collector does not query the database."""
        return [self._family()]

    @staticmethod
    def _family() -> GaugeMetricFamily:
        return GaugeMetricFamily(
            "audisi_dead_letters", "Messages parked as dead letters, awaiting replay", labels=["service", "kind"]
        )

    def collect(self) -> Iterable[Any]:
        """One gauge per kind; nothing while the database is unreachable (the scrape itself still works)."""
        try:
            with self.engine_provider().connect() as conn:
                counts = count_dead_letters(conn)
        except Exception as exc:
            log.warning("dead letters not counted", error=str(exc).splitlines()[0] if str(exc) else "")
            return []
        gauge = self._family()
        for kind, count in counts.items():
            gauge.add_metric([self.service, str(kind)], count)
        return [gauge]
