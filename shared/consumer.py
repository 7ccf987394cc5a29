"""Idempotent event consumers: the inbox makes a redelivered event a no-op; a poison message is parked.

Each consuming queue has one task, `audisi.<queue>.handle_event`, that receives the event envelope as
JSON, records `event_id` in the inbox and runs the handler in the same transaction, then acknowledges
to the producer's relay. A crash before commit leaves no trace (the event comes again); a crash after
commit but before the ack makes the relay send it again, and the inbox turns that into a no-op.

Poison messages. Every run of the task counts a try of its message in Redis *before* the handler runs,
so a message that kills its worker (a segfault, the OOM killer) is counted although nothing after the
handler ever runs. Transient failures (the database restarting, a serialization conflict) are retried
with backoff and not counted. Anything else (a bug, a contract violation, an integrity or data error)
is retried with backoff too, but counted: after `max_tries` counted tries the message is parked in the
consumer's `inbox_dead_letter` table with its last error and acknowledged, so the producer stops
sending it. Ops see it on `/metrics` and replay it with `audisi dead-letters replay` (shared.dead_letters).

Routing. A consumer handles exactly the event types `shared.events.SUBSCRIPTIONS` routes to its queue, or
it refuses to register (the worker does not start). A message it cannot route (a type this build does not
know, or one not routed to this queue) is an error like any other: counted, retried (a newer worker may
take it during a rolling deploy), then parked as a dead letter with an ALERT, never acknowledged in silence.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from typing import Any
from weakref import WeakKeyDictionary

import redis
from celery import Celery, Task
from prometheus_client import Counter
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm import Session, sessionmaker

from shared.db import unit_of_work
from shared.events import Event, Queue, handle_event_task_name, is_known_event_type, parse_event, routed_to
from shared.logging import get_logger, new_correlation_id, set_correlation_id
from shared.messaging import MessagingTables, tries_key
from shared.outbox import ack_list_key
from shared.retry import backoff_seconds

log = get_logger(__name__)

Handler = Callable[[Session, Any], None]

EVENTS_CONSUMED = Counter("audisi_events_consumed_total", "Events received by consumers", ["queue", "type", "outcome"])
EVENTS_PARKED = Counter("audisi_events_parked_total", "Poison messages parked as dead letters", ["queue", "type"])

#: How long Redis remembers a message's tries: longer than the outbox's whole redelivery schedule.
TRIES_TTL_SECONDS = 7 * 86400
WORKER_DIED = "the worker process died while handling it (killed, out of memory or crashed)"

#: Each Celery app's event handlers, by queue and event type: what the routing test reads.
_registered: WeakKeyDictionary[Celery, dict[Queue, dict[type[Event], Handler]]] = WeakKeyDictionary()


class UnroutableEventError(Exception):
    """A message this consumer has no handler for: an unknown type, or a type not routed to its queue."""


def registered_consumers(celery_app: Celery) -> dict[Queue, dict[type[Event], Handler]]:
    """The queues `celery_app` consumes events from, and the handler of each event type on each."""
    return {queue: dict(handlers) for queue, handlers in _registered.get(celery_app, {}).items()}


def is_transient(exc: BaseException) -> bool:
    """Whether a failure may pass by itself: the database unreachable or restarting, a lock conflict.

    Integrity and data errors, programming errors and every non-database exception are not: trying the
    same message again gives the same answer, so those count towards parking it.
    """
    if isinstance(exc, OperationalError | InterfaceError | PoolTimeoutError):
        return True
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


def describe(exc: BaseException) -> str:
    """A one-line error for the dead letter: the type and the first line of the message."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {first}"[:2000]


def _retry_delay(base_seconds: float, retries: int) -> float:
    """Seconds before a failed delivery's next try: doubling from `base_seconds`, at most 32 times it."""
    return backoff_seconds(base=base_seconds, attempts=retries + 1, cap=base_seconds * 32)


def register_event_consumer(
    celery_app: Celery,
    *,
    queue: Queue,
    session_factory: Callable[[], sessionmaker[Session]],
    tables: MessagingTables,
    handlers: Mapping[type[Event], Handler],
    redis_url: str,
    retry_base_seconds: float = 1.0,
    max_tries: int = 5,
) -> Task[Any, Any]:
    """Register the task that consumes `queue`, dispatching each event type to its handler.

    The handlers must cover exactly the types the routing table sends to `queue`: a missing one would park
    every such event, an extra one would never run.
    """
    expected = routed_to(queue)
    if set(handlers) != expected:
        missing = sorted(cls.__name__ for cls in expected - set(handlers))
        extra = sorted(cls.__name__ for cls in set(handlers) - expected)
        raise ValueError(
            f"the consumer of queue {queue!s} must handle what shared.events.SUBSCRIPTIONS routes to it: "
            f"missing {missing}, not routed there {extra}"
        )
    _registered.setdefault(celery_app, {})[queue] = dict(handlers)
    clients: list[redis.Redis] = []

    def client() -> redis.Redis:
        if not clients:
            clients.append(redis.Redis.from_url(redis_url, socket_timeout=5, socket_connect_timeout=5))
        return clients[0]

    def settle(key: str, event: dict[str, Any]) -> None:
        """Forget the message's tries and acknowledge it to its producer: one round trip, after the commit."""
        pipe = client().pipeline(transaction=False)
        pipe.delete(key)
        if event.get("producer"):  # else nobody to acknowledge to (a malformed message)
            pipe.rpush(ack_list_key(str(event["producer"])), f"{event.get('event_id')}:{queue}")
        try:
            pipe.execute()
        except redis.RedisError as exc:  # the relay will send it again; the inbox makes that a no-op
            log.warning("ack failed", event_id=event.get("event_id"), error=str(exc))

    def count_try(key: str) -> tuple[int, str | None] | None:
        """This run's try number and the error the previous try left; None if Redis cannot tell."""
        try:
            pipe = client().pipeline(transaction=False)  # one round trip; nothing else writes this key meanwhile
            pipe.hincrby(key, "tries", 1)
            pipe.hget(key, "error")
            pipe.expire(key, TRIES_TTL_SECONDS)
            tries, error, _ = pipe.execute()
        except redis.RedisError as exc:  # the broker is Redis too: this is rare and brief
            log.warning("could not count the try of a message", key=key, error=str(exc))
            return None
        return int(tries), error.decode() if error else None

    def note(key: str, *, uncount: bool = False, error: str | None = None) -> None:
        try:
            if uncount:
                client().hincrby(key, "tries", -1)
            elif error is not None:
                client().hset(key, "error", error)
        except redis.RedisError as exc:
            log.warning("could not update the tries of a message", key=key, error=str(exc))

    def park(event: dict[str, Any], *, tries: int, error: str) -> None:
        """Keep the message as a dead letter (once per message and consumer), in the consumer's database."""
        dead = tables.inbox_dead_letter
        values = {
            "event_id": str(event.get("event_id")),
            "consumer": str(queue),
            "event_type": str(event.get("type")),
            "body": json.loads(json.dumps(event, default=str)),
            "tries": tries,
            "last_error": error,
        }
        with unit_of_work(session_factory()) as session:
            session.execute(
                pg_insert(dead)
                .values(id=uuid.uuid4(), **values)
                .on_conflict_do_update(
                    index_elements=[dead.c.event_id, dead.c.consumer],
                    set_={"tries": values["tries"], "last_error": error, "body": values["body"]},
                )
            )
        EVENTS_PARKED.labels(str(queue), values["event_type"]).inc()
        log.error(
            "ALERT poison message parked as a dead letter",
            alert="inbox_dead_letters",
            queue=str(queue),
            event_id=values["event_id"],
            type=values["event_type"],
            tries=tries,
            error=error,
        )

    def handle(event: dict[str, Any]) -> str:
        if not is_known_event_type(event):
            raise UnroutableEventError(f"unknown event type {event.get('type')!r} (a newer producer?)")
        parsed = parse_event(event)
        handler = handlers.get(type(parsed))
        if handler is None:  # not reachable through the outbox: someone sent it to the wrong queue
            raise UnroutableEventError(f"{parsed.type} is not routed to queue {queue!s}")
        with unit_of_work(session_factory()) as session:
            claimed = session.execute(
                pg_insert(tables.inbox_event)
                .values(event_id=parsed.event_id, consumer=str(queue), event_type=parsed.type)
                .on_conflict_do_nothing()
                .returning(tables.inbox_event.c.event_id)
            ).first()
            if claimed is None:
                return "duplicate"
            handler(session, parsed)
        return "handled"

    # shared=False: each app keeps its own consumer (a shared task of the same name would be installed in
    # every Celery app of the process, and one app would run another's handler on another database).
    @celery_app.task(name=handle_event_task_name(queue), bind=True, max_retries=8, acks_late=True, shared=False)
    def handle_event(self: Task[Any, Any], *, event: dict[str, Any]) -> str:
        set_correlation_id(str(event.get("correlation_id") or new_correlation_id()))
        event_type = str(event.get("type"))
        key = tries_key(str(queue), str(event.get("event_id")))
        counted = count_try(key)
        if counted is not None and counted[0] > max_tries:
            # Every earlier try failed or took its worker down with it: stop here, before the handler.
            tries, error = counted
            park(event, tries=tries - 1, error=error or WORKER_DIED)
            settle(key, event)
            EVENTS_CONSUMED.labels(str(queue), event_type, "parked").inc()
            return "parked"
        try:
            outcome = handle(event)
        except Exception as exc:
            if is_transient(exc):
                # The database is restarting or a serialization conflict: try again with backoff, uncounted.
                note(key, uncount=True)
                EVENTS_CONSUMED.labels(str(queue), event_type, "retry").inc()
                raise self.retry(exc=exc, countdown=_retry_delay(retry_base_seconds, self.request.retries)) from exc
            # A bug, a contract violation, an integrity or data error: counted, retried, then parked.
            error = describe(exc)
            if counted is not None and counted[0] >= max_tries:
                log.exception("event handler failed its last try", event_id=event.get("event_id"), type=event_type)
                try:
                    park(event, tries=counted[0], error=error)
                except Exception as park_exc:  # the database went away meanwhile: try the message again
                    raise self.retry(exc=park_exc, countdown=retry_base_seconds) from park_exc
                settle(key, event)
                EVENTS_CONSUMED.labels(str(queue), event_type, "parked").inc()
                return "parked"
            note(key, error=error)
            # The traceback is logged once, at the last try; each earlier try logs its error line.
            log.warning(
                "event handler failed, will try again",
                event_id=event.get("event_id"),
                type=event_type,
                error=error,
                tries=counted[0] if counted else None,
                max_tries=max_tries,
            )
            EVENTS_CONSUMED.labels(str(queue), event_type, "error").inc()
            raise self.retry(exc=exc, countdown=_retry_delay(retry_base_seconds, self.request.retries)) from exc
        settle(key, event)
        EVENTS_CONSUMED.labels(str(queue), event_type, outcome).inc()
        log.info("event consumed", event_id=event.get("event_id"), type=event_type, outcome=outcome)
        return outcome

    return handle_event
