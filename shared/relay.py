"""The outbox relay: delivers what `shared.outbox.publish` wrote, to Celery, after commit.

`OutboxRelay` (one process per producing service, `audisi relay <service>`) wakes on the NOTIFY that
commits fire, sends each due delivery to its queue, and sends it again, with backoff, until the
consumer acknowledges it. Consumers acknowledge by pushing `event_id:consumer` onto a Redis list the
relay drains, after their own transaction committed. Redis may lose messages (it keeps nothing on
disk); an unacknowledged delivery is then simply published again.

Nothing is dropped silently: a delivery still unacknowledged after its last attempt is parked as a dead
letter (`dead_at`, `last_error`), counted on `/metrics`, logged as an alert, and replayed by ops with
`audisi dead-letters replay` (shared.dead_letters). Acknowledged rows are pruned after their retention.

Failpoint (fault tests only): with `AUDISI_RELAY_FAILPOINT=after-send` in its environment, the relay
process exits with status `FAILPOINT_EXIT_CODE` right after sending its first batch to Redis and before
marking it sent, the window where a crash makes it send that batch again. Unset, it costs one attribute
test per batch.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import FrameType
from typing import Any

import psycopg
import redis
from celery import Celery
from prometheus_client import Counter, Gauge
from sqlalchemy import Connection, Engine, text

from shared.events import handle_event_task_name
from shared.logging import get_logger
from shared.messaging import OUTBOX_CHANNEL
from shared.outbox import ack_list_key, broker_marker_key
from shared.settings import ServiceSettings

log = get_logger(__name__)

OUTBOX_PUBLISHED = Counter("audisi_outbox_published_total", "Deliveries sent to a queue", ["producer", "subscriber"])
OUTBOX_ACKED = Counter("audisi_outbox_acked_total", "Deliveries acknowledged by consumers", ["producer"])
OUTBOX_PENDING = Gauge("audisi_outbox_pending", "Unacknowledged deliveries at the last relay pass", ["producer"])
OUTBOX_PARKED = Counter(
    "audisi_outbox_dead_lettered_total", "Deliveries parked after their last unacknowledged attempt", ["producer"]
)
OUTBOX_PRUNED = Counter("audisi_outbox_pruned_total", "Old acknowledged rows deleted", ["producer", "table"])

#: The environment variable that arms the relay's failpoint, and the exit status that proves it fired.
FAILPOINT_ENV = "AUDISI_RELAY_FAILPOINT"
FAILPOINT_AFTER_SEND = "after-send"
FAILPOINT_EXIT_CODE = 86
PRUNE_BATCH = 5000
#: How often a relay parks exhausted deliveries and sends the replays ops asked for (at most; idle, every poll).
UPKEEP_EVERY_SECONDS = 1.0


@dataclass(frozen=True)
class _Due:
    event_id: uuid.UUID
    subscriber: str
    body: dict[str, Any]


class OutboxRelay:
    """Delivers a service's outbox to the consuming queues, at least once, in tens of milliseconds."""

    def __init__(
        self,
        *,
        producer: str,
        engine: Engine,
        celery_app: Celery,
        settings: ServiceSettings,
        on_pass: Callable[[], object] | None = None,
    ) -> None:
        self.producer = producer
        # Extra upkeep of the service on every pass (submission: refill session revocations after Redis lost them).
        self.on_pass = on_pass
        self.engine = engine
        self.celery_app = celery_app
        self.settings = settings
        self.redis = redis.Redis.from_url(settings.redis_url, socket_timeout=5, socket_connect_timeout=5)
        self._stop = threading.Event()
        self._listen_conn: psycopg.Connection[Any] | None = None
        self._failpoint = os.environ.get(FAILPOINT_ENV) or None
        self._pruned_at = float("-inf")
        self._upkept_at = float("-inf")

    # -- one pass ------------------------------------------------------------------------------------

    def apply_acks(self) -> int:
        """Mark as delivered everything consumers acknowledged since the last pass."""
        applied = 0
        while True:
            raw = self.redis.lpop(ack_list_key(self.producer), 1000)
            if not raw:
                return applied
            pairs = [item.decode().split(":", 1) for item in raw]  # type: ignore[union-attr]
            with self.engine.begin() as conn:
                conn.execute(
                    text(
                        "UPDATE outbox_delivery d SET acked_at = now() "
                        "FROM unnest(CAST(:ids AS uuid[]), CAST(:subs AS text[])) AS a(event_id, subscriber) "
                        "WHERE d.event_id = a.event_id AND d.subscriber = a.subscriber AND d.acked_at IS NULL"
                    ),
                    {"ids": [p[0] for p in pairs], "subs": [p[1] for p in pairs]},
                )
            OUTBOX_ACKED.labels(self.producer).inc(len(pairs))
            applied += len(pairs)

    def recover_lost_messages(self) -> int:
        """After Redis lost its data, make every unacknowledged delivery due now; returns how many.

        Redis keeps nothing on disk, so a restart empties every queue. Rather than wait for each
        delivery's redelivery timer, the relay notices its marker key is gone and sends them all again
        at once (consumers that already handled one dedupe it through their inbox). They are marked
        unpublished, since no copy is left in the broker: each is then sent like a new delivery, in
        batches back to back, and not held back because the first batch made its queue non-empty. Each
        keeps at least one attempt, so none is parked without a copy having been sent after the loss.
        """
        if self.redis.set(broker_marker_key(self.producer), "1", nx=True) is None:
            return 0  # the marker survived: nothing was lost
        with self.engine.begin() as conn:
            result = conn.execute(
                text(
                    "UPDATE outbox_delivery SET next_attempt_at = now(), published_at = NULL, "
                    "attempts = least(attempts, :last_attempt) "
                    "WHERE acked_at IS NULL AND dead_at IS NULL AND published_at IS NOT NULL"
                ),
                {"last_attempt": self.settings.outbox_max_attempts - 1},
            )
        if result.rowcount:
            log.warning("broker lost its data: resending unacknowledged deliveries", count=result.rowcount)
        return int(result.rowcount)

    def publish_due(self) -> int:
        """Send every due, unacknowledged delivery (one batch); returns how many were handled."""
        s = self.settings
        with self.engine.begin() as conn:
            rows = conn.execute(
                text(
                    "SELECT d.event_id, d.subscriber, d.published_at IS NOT NULL AS resend, e.body "
                    "FROM outbox_delivery d JOIN outbox_event e ON e.event_id = d.event_id "
                    "WHERE d.acked_at IS NULL AND d.dead_at IS NULL AND d.next_attempt_at <= now() "
                    "AND d.attempts < :max_attempts "
                    "ORDER BY d.next_attempt_at LIMIT :batch FOR UPDATE OF d SKIP LOCKED"
                ),
                {"max_attempts": s.outbox_max_attempts, "batch": s.outbox_batch_size},
            ).all()
            if not rows:
                return 0
            # A resend is only needed if the first copy is gone. While the consumer's queue still holds
            # messages, the copy is most likely waiting in it: sending again would double a backlog.
            busy = {q for q in {r.subscriber for r in rows if r.resend} if self.redis.llen(q) > 0}
            due = [_Due(r.event_id, r.subscriber, r.body) for r in rows if not (r.resend and r.subscriber in busy)]
            postponed = [r for r in rows if r.resend and r.subscriber in busy]
            self._send(due)
            if self._failpoint == FAILPOINT_AFTER_SEND and due:
                self._crash_at_failpoint(len(due))
            # Marked only after every send returned: a crash in between sends again (consumers dedupe).
            self._mark(conn, due, sql_attempts="d.attempts + 1", published=True)
            self._mark(conn, postponed, sql_attempts="d.attempts", published=False)
        return len(rows)

    def _crash_at_failpoint(self, sent: int) -> None:
        """Die like a SIGKILL between the send and the mark (fault tests arm it; see the module doc)."""
        log.warning("failpoint hit: exiting between send and mark", producer=self.producer, sent=sent)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(FAILPOINT_EXIT_CODE)

    def park_exhausted(self) -> int:
        """Park as dead letters the deliveries whose last attempt went unacknowledged; returns how many.

        A delivery is exhausted once it was sent `outbox_max_attempts` times and the wait after the last
        send passed too. It keeps its row, marked `dead_at` with the reason, until ops replay it.
        """
        with self.engine.begin() as conn:
            parked = conn.execute(
                text(
                    "UPDATE outbox_delivery SET dead_at = now(), last_error = coalesce(last_error || '; ', '') "
                    "|| format('not acknowledged by %s after %s sends (last sent %s)', subscriber, attempts, "
                    "published_at) "
                    "WHERE acked_at IS NULL AND dead_at IS NULL AND attempts >= :max_attempts "
                    "AND next_attempt_at <= now() RETURNING event_id, subscriber"
                ),
                {"max_attempts": self.settings.outbox_max_attempts},
            ).all()
        if parked:
            OUTBOX_PARKED.labels(self.producer).inc(len(parked))
            log.error(
                "ALERT outbox dead letters parked: a consumer acknowledged nothing after every attempt",
                alert="outbox_dead_letters",
                producer=self.producer,
                count=len(parked),
                subscribers=sorted({r.subscriber for r in parked}),
                replay=f"audisi dead-letters replay {self.producer} --all",
            )
        return len(parked)

    def prune(self) -> dict[str, int]:
        """Delete acknowledged outbox events and inbox rows older than their retention; returns counts.

        An outbox event goes once every delivery of it is acknowledged (dead letters keep theirs); inbox
        rows go after the longer inbox retention, since they are what turns a late redelivery into a
        no-op. Deleted in batches, so a large first prune never holds long locks.
        """
        s = self.settings
        statements = {
            "outbox_event": (
                "DELETE FROM outbox_event WHERE event_id IN (SELECT e.event_id FROM outbox_event e "
                "WHERE e.created_at < now() - make_interval(secs => :age) AND NOT EXISTS (SELECT 1 FROM "
                "outbox_delivery d WHERE d.event_id = e.event_id AND d.acked_at IS NULL) LIMIT :batch)",
                s.outbox_retention_days * 86400,
            ),
            "inbox_event": (
                "DELETE FROM inbox_event WHERE (event_id, consumer) IN (SELECT event_id, consumer FROM "
                "inbox_event WHERE handled_at < now() - make_interval(secs => :age) LIMIT :batch)",
                s.inbox_retention_days * 86400,
            ),
        }
        pruned: dict[str, int] = {}
        for table, (sql, age) in statements.items():
            pruned[table] = 0
            while True:
                with self.engine.begin() as conn:
                    deleted = int(conn.execute(text(sql), {"age": age, "batch": PRUNE_BATCH}).rowcount)
                pruned[table] += deleted
                if deleted < PRUNE_BATCH:
                    break
            OUTBOX_PRUNED.labels(self.producer, table).inc(pruned[table])
        if any(pruned.values()):
            log.info("old messaging rows pruned", producer=self.producer, **pruned)
        return pruned

    def replay_requested(self) -> int:
        """Send the poison messages an admin asked to replay over HTTP (shared.dead_letters); returns how many."""
        from shared.dead_letters import replay_inbox  # the dead letters build on this module

        return replay_inbox(self.engine, celery_app=self.celery_app, redis_client=self.redis, requested_only=True)

    def _upkeep_when_due(self) -> None:
        # Parking and replays need seconds, not every pass: a busy relay passes hundreds of times a second,
        # and two statements each pass were a seventh of its work (bench/RESULTS.md, session 5, h-consume).
        now = time.monotonic()
        if now - self._upkept_at >= UPKEEP_EVERY_SECONDS:
            self.park_exhausted()
            self.replay_requested()
            self._upkept_at = now
        if now - self._pruned_at >= self.settings.outbox_prune_every_seconds:
            self.prune()
            self._pruned_at = time.monotonic()

    def _mark(self, conn: Connection, rows: Sequence[Any], *, sql_attempts: str, published: bool) -> None:
        """Schedule the next attempt of deliveries: base * 2^attempts from now."""
        if not rows:
            return
        conn.execute(
            text(
                f"UPDATE outbox_delivery d SET attempts = {sql_attempts}, "  # noqa: S608 - two fixed fragments
                + ("published_at = now(), last_error = NULL, " if published else "")
                + "next_attempt_at = now() + make_interval(secs => :base * power(2, least(d.attempts, 6))) "
                "FROM unnest(CAST(:ids AS uuid[]), CAST(:subs AS text[])) AS a(event_id, subscriber) "
                "WHERE d.event_id = a.event_id AND d.subscriber = a.subscriber"
            ),
            {
                "base": self.settings.outbox_redeliver_after_seconds,
                "ids": [r.event_id for r in rows],
                "subs": [r.subscriber for r in rows],
            },
        )

    def _send(self, due: Sequence[_Due]) -> None:
        with self.celery_app.producer_or_acquire() as producer:
            for item in due:
                self.celery_app.send_task(
                    handle_event_task_name(item.subscriber),
                    kwargs={"event": item.body},
                    queue=item.subscriber,
                    task_id=f"{item.event_id}:{item.subscriber}",
                    producer=producer,
                    headers={"correlation_id": item.body.get("correlation_id")},
                )
                OUTBOX_PUBLISHED.labels(self.producer, item.subscriber).inc()

    def pending(self) -> int:
        """How many deliveries are not yet acknowledged."""
        with self.engine.connect() as conn:
            count = conn.execute(
                text("SELECT count(*) FROM outbox_delivery WHERE acked_at IS NULL AND dead_at IS NULL")
            ).scalar_one()
        OUTBOX_PENDING.labels(self.producer).set(count)
        return int(count)

    # -- the loop ------------------------------------------------------------------------------------

    def stop(self, *_args: object) -> None:
        """Finish the current pass and leave the loop."""
        self._stop.set()

    def install_signal_handlers(self) -> None:
        """Stop cleanly on SIGTERM (docker stop) and SIGINT (Ctrl-C)."""

        def handler(_signum: int, _frame: FrameType | None) -> None:
            self.stop()

        signal.signal(signal.SIGTERM, handler)
        signal.signal(signal.SIGINT, handler)

    def run_forever(self) -> None:
        """Relay until stopped, surviving PostgreSQL and Redis restarts."""
        log.info("outbox relay started", producer=self.producer)
        failures = 0
        while not self._stop.is_set():
            try:
                self.recover_lost_messages()
                if self.on_pass is not None:
                    self.on_pass()
                self.apply_acks()
                sent = self.publish_due()
                self._upkeep_when_due()
                failures = 0
                if sent >= self.settings.outbox_batch_size:
                    continue  # a backlog: keep going without waiting
                if sent:
                    log.info("outbox relayed", producer=self.producer, sent=sent)
                self._wait_for_work(self.settings.outbox_poll_seconds)
            except Exception as exc:  # a restarting database or broker: back off, then try again
                failures += 1
                delay = min(0.2 * 2**failures, 5.0)
                log.warning("outbox relay pass failed", producer=self.producer, error=str(exc), retry_in=delay)
                self._close_listener()
                self._stop.wait(delay)
        self._close_listener()
        log.info("outbox relay stopped", producer=self.producer)

    def _wait_for_work(self, timeout: float) -> None:
        """Sleep until a commit NOTIFYs the outbox channel, `timeout` passes or the relay is stopped."""
        conn = self._listener()
        deadline = time.monotonic() + timeout
        while not self._stop.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            # Short slices keep Ctrl-C and SIGTERM responsive while waiting.
            if any(True for _ in conn.notifies(timeout=min(remaining, 0.5), stop_after=1)):
                # Coalesce the rest of a burst of commits into one pass.
                for _ in conn.notifies(timeout=0.005):
                    pass
                return

    def _listener(self) -> psycopg.Connection[Any]:
        if self._listen_conn is None or self._listen_conn.closed:
            url = self.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
            self._listen_conn = psycopg.connect(url, autocommit=True, connect_timeout=5)
            self._listen_conn.execute(f"LISTEN {OUTBOX_CHANNEL}")
        return self._listen_conn

    def _close_listener(self) -> None:
        if self._listen_conn is not None:
            try:
                self._listen_conn.close()
            finally:
                self._listen_conn = None
