"""The transactional outbox and its relay, on real PostgreSQL and Redis."""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from datetime import UTC, datetime

import pytest
import redis
from prometheus_client import REGISTRY
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from shared.celery_app import make_celery
from shared.dead_letters import DeadLetterKind, count_dead_letters, list_dead_letters, replay_outbox
from shared.events import IdeaWithdrawn, IdeaWithdrawnPayload
from shared.messaging import MessagingTables
from shared.outbox import ack_list_key, publish
from shared.relay import FAILPOINT_AFTER_SEND, FAILPOINT_ENV, FAILPOINT_EXIT_CODE, OutboxRelay
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
    relay = make_relay(kernel_settings.model_copy(update={"outbox_redeliver_after_seconds": 60.0}), kernel_engine)

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


def publish_withdrawn(engine: Engine, count: int = 1) -> list[IdeaWithdrawn]:
    events = [withdrawn_event() for _ in range(count)]
    with Session(engine) as session:
        for start in range(0, count, 500):
            publish(session, *events[start : start + 500])
        session.commit()
    return events


def delivery_rows(engine: Engine) -> list[tuple[str, int, bool, bool, str | None]]:
    """(subscriber, attempts, published, dead, last_error) of every delivery, by subscriber."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT subscriber, attempts, published_at IS NOT NULL, dead_at IS NOT NULL, last_error "
                "FROM outbox_delivery ORDER BY subscriber"
            )
        ).all()
    return [tuple(r) for r in rows]


def test_delivery_unacknowledged_after_its_last_attempt_is_parked_with_its_error_then_replayed(
    kernel_settings: ServiceSettings, kernel_engine: Engine, redis_client: redis.Redis
) -> None:
    settings = kernel_settings.model_copy(update={"outbox_max_attempts": 2, "outbox_redeliver_after_seconds": 0.1})
    (event,) = publish_withdrawn(kernel_engine)
    relay = make_relay(settings, kernel_engine)
    parked_before = REGISTRY.get_sample_value("audisi_outbox_dead_lettered_total", {"producer": "submission"}) or 0
    relay.publish_due()
    redis_client.rpush(ack_list_key("submission"), f"{event.event_id}:implementation")
    relay.apply_acks()
    redis_client.delete("judging")  # the judging consumer takes each copy and dies without acknowledging
    time.sleep(0.5)  # past the redelivery wait (0.1 s doubled per attempt)
    assert relay.park_exhausted() == 0
    assert relay.publish_due() == 1  # the last attempt
    redis_client.delete("judging")
    time.sleep(0.5)

    assert relay.park_exhausted() == 1
    assert relay.publish_due() == 0  # a dead letter is never sent again by itself
    assert relay.park_exhausted() == 0  # parked once
    (implementation, judging) = delivery_rows(kernel_engine)
    assert implementation[:4] == ("implementation", 1, True, False)
    assert judging[:4] == ("judging", 2, True, True)
    assert str(judging[4]).startswith("not acknowledged by judging after 2 sends (last sent ")
    assert REGISTRY.get_sample_value("audisi_outbox_dead_lettered_total", {"producer": "submission"}) == (
        parked_before + 1
    )
    assert relay.pending() == 0  # parked is not pending: the alert and /metrics count it instead
    with kernel_engine.connect() as conn:
        assert count_dead_letters(conn) == {DeadLetterKind.OUTBOX: 1, DeadLetterKind.INBOX: 0}
        (letter,) = list_dead_letters(conn)
    assert (letter.kind, letter.event_id, letter.queue, letter.event_type, letter.tries) == (
        DeadLetterKind.OUTBOX,
        str(event.event_id),
        "judging",
        "idea.withdrawn.v1",
        2,
    )

    with kernel_engine.begin() as conn:
        assert replay_outbox(conn, event_ids=[str(event.event_id)]) == 1
    assert relay.publish_due() == 1
    assert [b["event_id"] for b in queued_bodies(redis_client, "judging")] == [str(event.event_id)]
    assert delivery_rows(kernel_engine)[1][:4] == ("judging", 1, True, False)
    with kernel_engine.connect() as conn:
        assert count_dead_letters(conn) == {DeadLetterKind.OUTBOX: 0, DeadLetterKind.INBOX: 0}


def test_prune_deletes_acknowledged_rows_past_their_retention_and_keeps_everything_else(
    kernel_settings: ServiceSettings, kernel_engine: Engine
) -> None:
    old_acked, old_unacked, old_dead, recent_acked = publish_withdrawn(kernel_engine, 4)
    with kernel_engine.begin() as conn:
        conn.execute(
            text("UPDATE outbox_delivery SET acked_at = now() WHERE event_id = ANY(:ids)"),
            {"ids": [old_acked.event_id, recent_acked.event_id]},
        )
        conn.execute(text("UPDATE outbox_delivery SET dead_at = now() WHERE event_id = :id"), {"id": old_dead.event_id})
        conn.execute(
            text("UPDATE outbox_event SET created_at = now() - interval '8 days' WHERE event_id <> :recent"),
            {"recent": recent_acked.event_id},
        )
        conn.execute(
            text(
                "INSERT INTO inbox_event (event_id, consumer, event_type, handled_at) VALUES "
                "(gen_random_uuid(), 'judging', 'x', now() - interval '31 days'), "
                "(gen_random_uuid(), 'judging', 'x', now() - interval '29 days'), "
                "(gen_random_uuid(), 'judging', 'x', now())"
            )
        )
    relay = make_relay(kernel_settings, kernel_engine)  # 7 days outbox, 30 days inbox retention

    assert relay.prune() == {"outbox_event": 1, "inbox_event": 1}

    with kernel_engine.connect() as conn:
        kept = set(conn.execute(text("SELECT event_id FROM outbox_event")).scalars())
        deliveries = conn.execute(text("SELECT count(*) FROM outbox_delivery")).scalar_one()
        inbox = conn.execute(text("SELECT count(*) FROM inbox_event")).scalar_one()
    assert kept == {old_unacked.event_id, old_dead.event_id, recent_acked.event_id}
    assert (deliveries, inbox) == (6, 2)
    assert relay.prune() == {"outbox_event": 0, "inbox_event": 0}


def test_redis_restart_resends_every_one_of_thousands_of_unacknowledged_deliveries_at_once(
    kernel_settings: ServiceSettings, kernel_engine: Engine, redis_client: redis.Redis
) -> None:
    # Production timers: a delivery held back after the restart would wait 10 minutes, past this test.
    settings = kernel_settings.model_copy(
        update={"outbox_redeliver_after_seconds": 300.0, "outbox_batch_size": 500, "outbox_max_attempts": 12}
    )
    publish_withdrawn(kernel_engine, 1200)  # 2,400 deliveries: judging and implementation
    relay = make_relay(settings, kernel_engine)
    relay.recover_lost_messages()
    while relay.publish_due():
        pass
    assert (redis_client.llen("judging"), redis_client.llen("implementation")) == (1200, 1200)

    redis_client.flushdb()  # a Redis restart: every queued copy is gone, nothing was acknowledged

    passes = 0
    assert relay.recover_lost_messages() == 2400
    while relay.publish_due():  # the relay loop: back to back while a batch was full
        passes += 1
    assert passes == 5  # 2,400 in batches of 500, none postponed because its queue was no longer empty
    assert (redis_client.llen("judging"), redis_client.llen("implementation")) == (1200, 1200)
    assert len({b["event_id"] for b in queued_bodies(redis_client, "judging")}) == 1200
    with kernel_engine.connect() as conn:
        attempts = conn.execute(text("SELECT attempts, count(*) FROM outbox_delivery GROUP BY attempts")).all()
    assert [tuple(a) for a in attempts] == [(2, 2400)]


def test_failpoint_kills_the_relay_between_send_and_mark_and_the_next_relay_sends_again(
    kernel_settings: ServiceSettings,
    kernel_engine: Engine,
    redis_client: redis.Redis,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (event,) = publish_withdrawn(kernel_engine)
    monkeypatch.setenv(FAILPOINT_ENV, FAILPOINT_AFTER_SEND)
    doomed = make_relay(kernel_settings, kernel_engine)
    monkeypatch.delenv(FAILPOINT_ENV)
    exits: list[int] = []

    def fake_exit(code: int) -> None:
        exits.append(code)
        raise SystemExit(code)

    monkeypatch.setattr("shared.relay.os._exit", fake_exit)
    with pytest.raises(SystemExit):
        doomed.publish_due()

    assert exits == [FAILPOINT_EXIT_CODE]
    assert len(queued_bodies(redis_client, "judging")) == 1  # sent...
    assert [r[:3] for r in delivery_rows(kernel_engine)] == [("implementation", 0, False), ("judging", 0, False)]

    assert make_relay(kernel_settings, kernel_engine).publish_due() == 2  # ...and sent again; consumers dedupe
    assert [b["event_id"] for b in queued_bodies(redis_client, "judging")] == [str(event.event_id)] * 2
    assert [r[:3] for r in delivery_rows(kernel_engine)] == [("implementation", 1, True), ("judging", 1, True)]
