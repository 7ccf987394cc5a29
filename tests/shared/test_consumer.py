"""The inbox consumer: a redelivered event changes nothing, and every handled event is acknowledged."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
import redis
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from shared.celery_app import make_celery
from shared.consumer import register_event_consumer
from shared.events import IdeaWithdrawn, IdeaWithdrawnPayload, Queue
from shared.messaging import MessagingTables
from shared.outbox import ack_list_key
from shared.settings import ServiceSettings


@pytest.fixture
def handled(kernel_engine: Engine) -> list[str]:
    return []


@pytest.fixture
def consumer_task(
    kernel_settings: ServiceSettings, kernel_engine: Engine, tables: MessagingTables, handled: list[str]
) -> Any:
    celery_app = make_celery("test-consumer", kernel_settings, queues=["implementation"])
    factory = sessionmaker(bind=kernel_engine)

    def on_withdrawn(session: Session, event: IdeaWithdrawn) -> None:
        # An effect in the same transaction as the inbox row: a table the kernel database has.
        session.execute(
            text("INSERT INTO outbox_event (event_id, event_type, body) VALUES (:id, 'effect', '{}')"),
            {"id": uuid.uuid4()},
        )
        handled.append(event.payload.reason)
        if event.payload.reason == "boom":
            raise RuntimeError("handler bug")

    return register_event_consumer(
        celery_app,
        queue=Queue.IMPLEMENTATION,
        session_factory=lambda: factory,
        tables=tables,
        handlers={IdeaWithdrawn: on_withdrawn},
        redis_url=kernel_settings.redis_url,
    )


def envelope(reason: str = "duplikat") -> dict[str, Any]:
    event = IdeaWithdrawn(
        producer="submission",
        payload=IdeaWithdrawnPayload(
            idea_id=uuid.uuid4(), edition_code="ATA-2026", reason=reason, withdrawn_at=datetime.now(UTC)
        ),
    )
    return event.model_dump(mode="json")


def effects(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM outbox_event WHERE event_type = 'effect'")).scalar_one())


def test_event_handled_once_when_redelivered(
    consumer_task: Any, kernel_engine: Engine, handled: list[str], redis_client: redis.Redis
) -> None:
    body = envelope()
    assert consumer_task(event=body) == "handled"
    assert consumer_task(event=body) == "duplicate"
    assert handled == ["duplikat"]
    assert effects(kernel_engine) == 1
    # Both deliveries are acknowledged, so the producer's relay stops resending.
    assert redis_client.lrange(ack_list_key("submission"), 0, -1) == [f"{body['event_id']}:implementation".encode()] * 2


def test_failed_handler_leaves_no_trace_and_no_ack(
    consumer_task: Any, kernel_engine: Engine, redis_client: redis.Redis
) -> None:
    body = envelope("boom")
    with pytest.raises(RuntimeError):
        consumer_task(event=body)
    assert effects(kernel_engine) == 0
    with kernel_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM inbox_event")).scalar_one() == 0
    assert redis_client.llen(ack_list_key("submission")) == 0


def test_unknown_event_type_is_acknowledged_and_ignored(consumer_task: Any, kernel_engine: Engine) -> None:
    body = envelope()
    body["type"] = "idea.renamed.v9"
    assert consumer_task(event=body) == "ignored"
    assert effects(kernel_engine) == 0
