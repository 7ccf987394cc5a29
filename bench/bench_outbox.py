"""Outbox relay: how soon a committed event reaches its queue, and how fast a backlog drains.

Latency: NOTIFY-woken relay vs the same relay relying on its poll alone (the 'slow poll' floor).
Throughput: draining 10,000 events (a province-wide decision day) vs a floor of bare Celery sends.
Run: .venv/bin/python -m bench.bench_outbox  (or: make bench)
"""

from __future__ import annotations

import threading
import time
import uuid
from datetime import UTC, datetime

import redis
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from bench.common import describe, scratch_database
from shared.celery_app import make_celery
from shared.db import new_metadata
from shared.events import IdeaScreened, IdeaScreenedPayload, handle_event_task_name
from shared.messaging import define_messaging_tables
from shared.outbox import publish
from shared.relay import OutboxRelay
from shared.settings import ServiceSettings


def event() -> IdeaScreened:
    return IdeaScreened(
        producer="submission",
        payload=IdeaScreenedPayload(
            idea_id=uuid.uuid4(), edition_code="ATA-2026", eligible=True, screened_at=datetime.now(UTC)
        ),
    )


def commit_to_queue_latency(settings: ServiceSettings, *, use_notify: bool, samples: int) -> list[float]:
    engine = create_engine(settings.database_url)
    client = redis.Redis.from_url(settings.redis_url)
    client.delete("judging")
    relay = OutboxRelay(producer="submission", engine=engine, celery_app=make_celery("b", settings), settings=settings)
    if not use_notify:
        relay._wait_for_work = lambda timeout: relay._stop.wait(timeout)  # type: ignore[method-assign,assignment]
    thread = threading.Thread(target=relay.run_forever, daemon=True)
    thread.start()
    time.sleep(0.3)
    latencies = []
    for n in range(1, samples + 1):
        with Session(engine) as session:
            publish(session, event())
            started = time.perf_counter()
            session.commit()
        while client.llen("judging") < n:
            time.sleep(0.0005)
        latencies.append(time.perf_counter() - started)
    relay.stop()
    thread.join()
    engine.dispose()
    return latencies


def backlog_drain(settings: ServiceSettings, count: int) -> float:
    engine = create_engine(settings.database_url)
    client = redis.Redis.from_url(settings.redis_url)
    client.delete("judging")
    with Session(engine) as session:
        for start in range(0, count, 1000):
            publish(session, *(event() for _ in range(min(1000, count - start))))
        session.commit()
    relay = OutboxRelay(producer="submission", engine=engine, celery_app=make_celery("b", settings), settings=settings)
    started = time.perf_counter()
    while relay.publish_due():
        pass
    elapsed = time.perf_counter() - started
    assert client.llen("judging") == count
    engine.dispose()
    return elapsed


def bare_sends(settings: ServiceSettings, count: int) -> float:
    app = make_celery("b", settings)
    body = event().model_dump(mode="json")
    started = time.perf_counter()
    with app.producer_or_acquire() as producer:
        for _ in range(count):
            app.send_task(handle_event_task_name("floor"), kwargs={"event": body}, queue="floor", producer=producer)
    return time.perf_counter() - started


def main() -> None:
    with scratch_database("outbox") as (infra, url):
        metadata = new_metadata()
        define_messaging_tables(metadata)
        engine = create_engine(url)
        metadata.create_all(engine)
        engine.dispose()
        settings = ServiceSettings(
            environment="test", database_url=url, redis_url=infra.redis_url, outbox_poll_seconds=0.5
        )
        notify = commit_to_queue_latency(settings, use_notify=True, samples=200)
        poll = commit_to_queue_latency(settings, use_notify=False, samples=40)
        print(f"commit -> queue, NOTIFY-woken relay : {describe(notify)}")
        print(f"commit -> queue, 0.5 s poll (floor)  : {describe(poll)}")
        print(f"  poll / notify median ratio: {sorted(poll)[len(poll) // 2] / sorted(notify)[len(notify) // 2]:.1f}x")
        count = 10_000
        drained = backlog_drain(settings, count)
        floor = bare_sends(settings, count)
        print(f"drain {count} events through the relay: {drained:.2f} s ({count / drained:.0f} events/s)")
        print(f"bare Celery sends of {count} messages (floor): {floor:.2f} s ({count / floor:.0f} msg/s)")
        print(f"  relay / bare-send time ratio: {drained / floor:.2f}x")
        redis.Redis.from_url(infra.redis_url).flushdb()


if __name__ == "__main__":
    main()
