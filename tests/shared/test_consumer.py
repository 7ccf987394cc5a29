"""The inbox consumer: a redelivered event changes nothing, and every handled event is acknowledged."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
import redis
from sqlalchemy import Engine, text
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from shared.celery_app import make_celery
from shared.consumer import WORKER_DIED, UnroutableEventError, register_event_consumer, registered_consumers
from shared.dead_letters import replay_inbox
from shared.events import IdeaJudged, IdeaSubmitted, IdeaWithdrawn, IdeaWithdrawnPayload, Queue
from shared.messaging import MessagingTables, tries_key
from shared.outbox import ack_list_key
from shared.settings import ServiceSettings
from tests.shared.test_outbox import queued_bodies


@pytest.fixture
def handled(kernel_engine: Engine) -> list[str]:
    return []


@pytest.fixture
def fixed() -> set[str]:
    """Reasons whose handler bug has been fixed (for replays)."""
    return set()


@pytest.fixture
def consumer_task(
    kernel_settings: ServiceSettings,
    kernel_engine: Engine,
    tables: MessagingTables,
    handled: list[str],
    fixed: set[str],
) -> Any:
    celery_app = make_celery("test-consumer", kernel_settings, queues=["implementation"])
    factory = sessionmaker(bind=kernel_engine)

    def on_withdrawn(session: Session, event: IdeaWithdrawn) -> None:
        # An effect in the same transaction as the inbox row: a table the kernel database has.
        effect = "INSERT INTO outbox_event (event_id, event_type, body) VALUES (:id, :type, '{}')"
        effect_id = uuid.uuid4()
        session.execute(text(effect), {"id": effect_id, "type": "effect"})
        reason = event.payload.reason
        handled.append(reason)
        if reason in fixed:
            return
        if reason == "boom":
            raise RuntimeError("handler bug")
        if reason == "integrity":  # the same key twice: an integrity error, permanent for this message
            session.execute(text(effect), {"id": effect_id, "type": "effect"})
        if reason == "data":  # text PostgreSQL cannot store: a data error, permanent for this message
            session.execute(text(effect), {"id": uuid.uuid4(), "type": "nul\x00byte"})
        if reason == "transient":
            raise OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))
        if reason == "die":
            os._exit(9)  # what the OOM killer or a segfault does to the worker process

    def on_judged(session: Session, event: IdeaJudged) -> None:
        handled.append("judged")

    return register_event_consumer(
        celery_app,
        queue=Queue.IMPLEMENTATION,
        session_factory=lambda: factory,
        tables=tables,
        handlers={IdeaWithdrawn: on_withdrawn, IdeaJudged: on_judged},
        redis_url=kernel_settings.redis_url,
        retry_base_seconds=0.01,
        max_tries=5,
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
    assert acks(redis_client, body) == [f"{body['event_id']}:implementation".encode()] * 2


def test_failed_handler_leaves_no_trace_and_no_ack(
    consumer_task: Any, kernel_engine: Engine, redis_client: redis.Redis
) -> None:
    body = envelope("boom")
    with pytest.raises(RuntimeError):
        consumer_task(event=body)
    assert effects(kernel_engine) == 0
    with kernel_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM inbox_event")).scalar_one() == 0
    assert acks(redis_client, body) == []


@pytest.mark.parametrize(
    ("event_type", "error"),
    [
        ("idea.renamed.v9", "UnroutableEventError: unknown event type 'idea.renamed.v9' (a newer producer?)"),
        ("idea.submitted.v1", "UnroutableEventError: idea.submitted.v1 is not routed to queue implementation"),
    ],
)
def test_event_without_a_handler_is_retried_then_parked_not_acknowledged_in_silence(
    consumer_task: Any,
    kernel_engine: Engine,
    handled: list[str],
    redis_client: redis.Redis,
    event_type: str,
    error: str,
) -> None:
    body = envelope()
    if event_type == "idea.submitted.v1":  # a valid event of a type the routing table never sends here
        body = IdeaSubmitted.model_validate(
            {
                "producer": "submission",
                "payload": {
                    "idea_id": str(uuid.uuid4()),
                    "edition_code": "ATA-2026",
                    "revision": 1,
                    "position_group": "pelaksana",
                    "proposer": {"user_id": str(uuid.uuid4()), "name": "Siti", "email": "siti@example.go.id"},
                    "idea": {
                        "title": "Antrean daring",
                        "problem": "Antre lama",
                        "solution": "Nomor antrean daring",
                        "beneficiaries": "Warga",
                        "target_agency_code": "DISDUKCAPIL",
                    },
                    "submitted_at": datetime.now(UTC).isoformat(),
                },
            }
        ).model_dump(mode="json")
    else:
        body["type"] = event_type
    for _ in range(4):
        with pytest.raises(UnroutableEventError):
            consumer_task(event=body)
    assert acks(redis_client, body) == []

    assert consumer_task(event=body) == "parked"

    assert handled == []
    assert dead_letters(kernel_engine) == [(body["event_id"], "implementation", event_type, 5, error)]
    assert acks(redis_client, body) == [f"{body['event_id']}:implementation".encode()]
    assert (effects(kernel_engine), inbox_rows(kernel_engine)) == (0, 0)


def test_consumer_refuses_handlers_that_differ_from_the_routing_table(
    kernel_settings: ServiceSettings, kernel_engine: Engine, tables: MessagingTables
) -> None:
    celery_app = make_celery("test-routing", kernel_settings, queues=["implementation"])
    with pytest.raises(ValueError, match=r"missing \['IdeaJudged'\], not routed there \['IdeaSubmitted'\]"):
        register_event_consumer(
            celery_app,
            queue=Queue.IMPLEMENTATION,
            session_factory=lambda: sessionmaker(bind=kernel_engine),
            tables=tables,
            handlers={IdeaWithdrawn: print, IdeaSubmitted: print},
            redis_url=kernel_settings.redis_url,
        )
    assert registered_consumers(celery_app) == {}
    assert "audisi.implementation.handle_event" not in celery_app.tasks


def dead_letters(engine: Engine) -> list[tuple[str, str, str, int, str]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT event_id, consumer, event_type, tries, last_error FROM inbox_dead_letter ORDER BY parked_at")
        ).all()
    return [tuple(r) for r in rows]


def inbox_rows(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM inbox_event")).scalar_one())


def acks(client: redis.Redis, body: dict[str, Any]) -> list[bytes]:
    """This event's acknowledgements (other tests' may be in the list too)."""
    raw: list[bytes] = client.lrange(ack_list_key("submission"), 0, -1)  # type: ignore[assignment]
    return [a for a in raw if a.startswith(body["event_id"].encode())]


@pytest.mark.parametrize(
    ("reason", "exception", "error"),
    [
        ("boom", RuntimeError, "RuntimeError: handler bug"),
        ("integrity", IntegrityError, "IntegrityError: (psycopg.errors.UniqueViolation) duplicate key value"),
        ("data", DataError, "DataError: (psycopg.DataError) PostgreSQL text fields cannot contain NUL"),
    ],
)
def test_message_failing_for_good_is_tried_a_bounded_number_of_times_then_parked_and_acknowledged(
    consumer_task: Any,
    kernel_engine: Engine,
    handled: list[str],
    redis_client: redis.Redis,
    reason: str,
    exception: type[Exception],
    error: str,
) -> None:
    body = envelope(reason)
    for _ in range(4):  # called directly, a retry re-raises the error; the worker would retry with backoff
        with pytest.raises(exception):
            consumer_task(event=body)
    assert acks(redis_client, body) == []
    assert dead_letters(kernel_engine) == []

    assert consumer_task(event=body) == "parked"

    assert handled == [reason] * 5
    ((event_id, consumer, event_type, tries, last_error),) = dead_letters(kernel_engine)
    assert (event_id, consumer, event_type, tries) == (body["event_id"], "implementation", "idea.withdrawn.v1", 5)
    assert last_error.startswith(error)
    # Acknowledged, so the producer stops sending it; no effect, no inbox row; the tries are forgotten.
    assert acks(redis_client, body) == [f"{body['event_id']}:implementation".encode()]
    assert (effects(kernel_engine), inbox_rows(kernel_engine)) == (0, 0)
    assert redis_client.exists(tries_key("implementation", body["event_id"])) == 0


def test_transient_database_error_is_retried_without_counting_towards_parking(
    consumer_task: Any, kernel_engine: Engine, handled: list[str], redis_client: redis.Redis
) -> None:
    body = envelope("transient")
    for _ in range(8):
        with pytest.raises(OperationalError):
            consumer_task(event=body)
    assert handled == ["transient"] * 8
    assert dead_letters(kernel_engine) == []
    assert redis_client.hget(tries_key("implementation", body["event_id"]), "tries") == b"0"


def test_message_that_kills_its_worker_is_parked_after_max_tries_without_running_again(
    consumer_task: Any, kernel_engine: Engine, handled: list[str], redis_client: redis.Redis
) -> None:
    body = envelope("die")
    for _ in range(5):  # a real process runs the task and dies in the handler, as a worker would
        pid = os.fork()
        if pid == 0:
            kernel_engine.dispose(close=False)
            try:
                consumer_task(event=body)
            finally:
                os._exit(3)  # not reached: the handler ends the process with status 9
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 9

    assert consumer_task(event=body) == "parked"

    assert handled == []  # the sixth delivery never reached the handler (the forks ran it in their own memory)
    assert dead_letters(kernel_engine) == [(body["event_id"], "implementation", "idea.withdrawn.v1", 5, WORKER_DIED)]
    assert acks(redis_client, body) == [f"{body['event_id']}:implementation".encode()]
    assert (effects(kernel_engine), inbox_rows(kernel_engine)) == (0, 0)


def test_replayed_dead_letter_goes_back_to_its_queue_and_is_handled_once_fixed(
    consumer_task: Any,
    kernel_settings: ServiceSettings,
    kernel_engine: Engine,
    handled: list[str],
    fixed: set[str],
    redis_client: redis.Redis,
) -> None:
    body = envelope("boom")
    for _ in range(4):
        with pytest.raises(RuntimeError):
            consumer_task(event=body)
    assert consumer_task(event=body) == "parked"
    fixed.add("boom")  # the bug is fixed and deployed

    replayed = replay_inbox(
        kernel_engine, celery_app=make_celery("replayer", kernel_settings), redis_client=redis_client
    )

    assert replayed == 1
    assert dead_letters(kernel_engine) == []
    (queued,) = queued_bodies(redis_client, "implementation")
    assert queued == body
    assert consumer_task(event=queued) == "handled"
    assert (effects(kernel_engine), inbox_rows(kernel_engine)) == (1, 1)
    assert handled == ["boom"] * 6
