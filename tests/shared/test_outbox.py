"""The transactional outbox and its relay, on real PostgreSQL and Redis."""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from datetime import UTC, datetime

import redis
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from shared.celery_app import make_celery
from shared.events import IdeaWithdrawn, IdeaWithdrawnPayload
from shared.messaging import MessagingTables
from shared.outbox import OutboxRelay, ack_list_key, publish
from shared.settings import ServiceSettings


def withdrawn_event() -> IdeaWithdrawn:
    return IdeaWithdrawn(
        producer="submission",
        payload=IdeaWithdrawnPayload(
            idea_id=uuid.uuid4(), edition_code="ATA-2026", reason="duplikat", withdrawn_at=datetime.now(UTC)
        ),
    )


def queued_bodies(client: redis.Redis, queue: str) -> list[dict[str, object]]:
    """The event envelopes waiting in a Celery queue (kombu's Redis transport keeps a list per queue)."""
    messages = [json.loads(raw) for raw in client.lrange(queue, 0, -1)]
    bodies = []
    for message in messages:
        _args, kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        bodies.append(kwargs["event"])
    return bodies


def make_relay(settings: ServiceSettings, engine: Engine) -> OutboxRelay:
    return OutboxRelay(
        producer="submission", engine=engine, celery_app=make_celery("test", settings), settings=settings
    )


def test_publish_writes_one_delivery_per_subscriber(kernel_engine: Engine, tables: MessagingTables) -> None:
    event = withdrawn_event()
    with Session(kernel_engine) as session:
        publish(session, event)
        session.commit()
    with kernel_engine.connect() as conn:
        subscribers = conn.execute(
            select(tables.outbox_delivery.c.subscriber).order_by(tables.outbox_delivery.c.subscriber)
        ).scalars()
        assert list(subscribers) == ["implementation", "judging"]


def test_publish_rolled_back_leaves_nothing(kernel_engine: Engine, tables: MessagingTables) -> None:
    with Session(kernel_engine) as session:
        publish(session, withdrawn_event())
        session.rollback()
    with kernel_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM outbox_event")).scalar_one() == 0


def test_relay_sends_each_delivery_to_its_queue(
    kernel_settings: ServiceSettings, kernel_engine: Engine, redis_client: redis.Redis
) -> None:
    event = withdrawn_event()
    with Session(kernel_engine) as session:
        publish(session, event)
        session.commit()
    relay = make_relay(kernel_settings, kernel_engine)

    assert relay.publish_due() == 2
    assert [b["event_id"] for b in queued_bodies(redis_client, "judging")] == [str(event.event_id)]
    assert [b["event_id"] for b in queued_bodies(redis_client, "implementation")] == [str(event.event_id)]
    # Not due again until the redelivery time has passed.
    assert relay.publish_due() == 0


def test_relay_redelivers_until_acknowledged(
    kernel_settings: ServiceSettings, kernel_engine: Engine, redis_client: redis.Redis
) -> None:
    event = withdrawn_event()
    with Session(kernel_engine) as session:
        publish(session, event)
        session.commit()
    relay = make_relay(kernel_settings, kernel_engine)
    relay.publish_due()
    redis_client.rpush(ack_list_key("submission"), f"{event.event_id}:implementation")

    assert relay.apply_acks() == 1
    redis_client.delete("judging")  # the judging worker took its copy, then died without acknowledging
    time.sleep(0.3)  # past outbox_redeliver_after_seconds
    assert relay.publish_due() == 1  # only the unacknowledged judging delivery
    assert len(queued_bodies(redis_client, "judging")) == 1
    assert len(queued_bodies(redis_client, "implementation")) == 1
    assert relay.pending() == 1


def test_relay_does_not_resend_while_the_first_copy_may_still_be_queued(
    kernel_settings: ServiceSettings, kernel_engine: Engine, redis_client: redis.Redis
) -> None:
    with Session(kernel_engine) as session:
        publish(session, withdrawn_event())
        session.commit()
    relay = make_relay(kernel_settings, kernel_engine)
    relay.publish_due()
    time.sleep(0.3)  # due again, but both queues still hold their first copy (a busy consumer)

    relay.publish_due()

    assert len(queued_bodies(redis_client, "judging")) == 1
    assert len(queued_bodies(redis_client, "implementation")) == 1


def test_relay_resends_at_once_what_a_redis_restart_lost(
    kernel_settings: ServiceSettings, kernel_engine: Engine, redis_client: redis.Redis
) -> None:
    settings = kernel_settings.model_copy(update={"outbox_redeliver_after_seconds": 3600.0})
    with Session(kernel_engine) as session:
        publish(session, withdrawn_event())
        session.commit()
    relay = make_relay(settings, kernel_engine)
    assert relay.recover_lost_messages() == 0  # first pass: sets its marker, nothing published yet
    relay.publish_due()
    assert relay.recover_lost_messages() == 0
    assert relay.publish_due() == 0  # not due for an hour

    redis_client.flushdb()  # what a Redis restart without persistence does

    assert relay.recover_lost_messages() == 2
    assert relay.publish_due() == 2
    assert len(queued_bodies(redis_client, "judging")) == 1


def test_relay_wakes_on_commit_without_waiting_for_the_poll(
    kernel_settings: ServiceSettings, kernel_engine: Engine, redis_client: redis.Redis
) -> None:
    settings = kernel_settings.model_copy(update={"outbox_poll_seconds": 30.0})
    relay = make_relay(settings, kernel_engine)
    thread = threading.Thread(target=relay.run_forever, daemon=True)
    thread.start()
    time.sleep(0.5)  # the relay is now waiting on LISTEN
    try:
        with Session(kernel_engine) as session:
            publish(session, withdrawn_event())
            session.commit()
        deadline = time.monotonic() + 5
        while redis_client.llen("judging") == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert redis_client.llen("judging") == 1
    finally:
        relay.stop()
        thread.join(timeout=5)
    assert not thread.is_alive()
