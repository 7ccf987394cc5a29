"""Idempotent event consumers: the inbox makes a redelivered event a no-op.

Each consuming queue has one task, `audisi.<queue>.handle_event`, that receives the event envelope as
JSON, records `event_id` in the inbox and runs the handler in the same transaction, then acknowledges
to the producer's relay. A crash before commit leaves no trace (the event comes again); a crash after
commit but before the ack makes the relay send it again, and the inbox turns that into a no-op.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import redis
from celery import Celery, Task
from prometheus_client import Counter
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from shared.db import unit_of_work
from shared.events import Event, Queue, handle_event_task_name, is_known_event_type, parse_event
from shared.logging import get_logger, new_correlation_id, set_correlation_id
from shared.messaging import MessagingTables
from shared.outbox import ack_list_key

log = get_logger(__name__)

Handler = Callable[[Session, Any], None]

EVENTS_CONSUMED = Counter("audisi_events_consumed_total", "Events received by consumers", ["queue", "type", "outcome"])


def register_event_consumer(
    celery_app: Celery,
    *,
    queue: Queue,
    session_factory: Callable[[], sessionmaker[Session]],
    tables: MessagingTables,
    handlers: Mapping[type[Event], Handler],
    redis_url: str,
    retry_base_seconds: float = 1.0,
) -> Task[Any, Any]:
    """Register the task that consumes `queue`, dispatching each event type to its handler."""
    ack_client: list[redis.Redis] = []

    def acknowledge(event: dict[str, Any]) -> None:
        if not ack_client:
            ack_client.append(redis.Redis.from_url(redis_url, socket_timeout=5, socket_connect_timeout=5))
        try:
            ack_client[0].rpush(ack_list_key(str(event["producer"])), f"{event['event_id']}:{queue}")
        except redis.RedisError as exc:  # the relay will send it again; the inbox makes that a no-op
            log.warning("ack failed", event_id=event.get("event_id"), error=str(exc))

    def handle(event: dict[str, Any]) -> str:
        if not is_known_event_type(event):
            log.warning("unknown event type ignored", type=event.get("type"), queue=str(queue))
            return "ignored"
        parsed = parse_event(event)
        handler = handlers.get(type(parsed))
        if handler is None:
            return "ignored"
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

    @celery_app.task(name=handle_event_task_name(queue), bind=True, max_retries=8, acks_late=True)
    def handle_event(self: Task[Any, Any], *, event: dict[str, Any]) -> str:
        set_correlation_id(str(event.get("correlation_id") or new_correlation_id()))
        try:
            outcome = handle(event)
        except (OperationalError, DBAPIError) as exc:
            # The database is restarting or a serialization conflict: try again with backoff.
            EVENTS_CONSUMED.labels(str(queue), str(event.get("type")), "retry").inc()
            raise self.retry(exc=exc, countdown=retry_base_seconds * 2 ** min(self.request.retries, 5)) from exc
        except Exception:
            # A bug or a contract violation: logged with the event; the outbox sends it again later.
            EVENTS_CONSUMED.labels(str(queue), str(event.get("type")), "error").inc()
            log.exception("event handler failed", event_id=event.get("event_id"), type=event.get("type"))
            raise
        EVENTS_CONSUMED.labels(str(queue), str(event.get("type")), outcome).inc()
        log.info("event consumed", event_id=event.get("event_id"), type=event.get("type"), outcome=outcome)
        acknowledge(event)
        return outcome

    return handle_event
