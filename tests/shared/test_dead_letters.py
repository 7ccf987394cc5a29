"""A poison message in each queue, through each service's real consumer: parked after a bounded number of
tries, acknowledged, counted on the service's `/metrics`, listed and replayed with `audisi dead-letters`."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import redis
from celery import Celery
from fastapi.testclient import TestClient
from prometheus_client import CollectorRegistry, generate_latest
from pydantic import ValidationError
from sqlalchemy import text

from audisi.cli import main as audisi
from audisi.services import SERVICES, load
from audisi.testing.service import service_fixtures
from shared.auth import Role, TokenService
from shared.events import handle_event_task_name
from shared.outbox import ack_list_key
from shared.relay import OutboxRelay

submission_runtime = service_fixtures("submission", attachments_dir=tempfile.mkdtemp(prefix="audisi-dl-"))[0]
judging_runtime = service_fixtures("judging")[0]
implementation_runtime = service_fixtures("implementation")[0]

#: Each consuming queue, the service that owns it, and an event type its consumer handles.
QUEUES = [
    ("submission", "submission", "idea.judged.v1"),
    ("judging", "judging", "idea.submitted.v1"),
    ("implementation", "implementation", "idea.judged.v1"),
    ("notifications", "implementation", "notification.requested.v1"),
]


def poison(event_type: str) -> dict[str, Any]:
    """A well-formed envelope whose payload breaks the contract: it can never be handled as it is."""
    return {
        "type": event_type,
        "event_id": str(uuid.uuid4()),
        "occurred_at": datetime.now(UTC).isoformat(),
        "producer": "poisoner",
        "correlation_id": "poison-test",
        "payload": {"idea_id": "not-a-uuid"},
    }


@pytest.fixture
def broker(infra: Any) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(infra.redis_url)
    yield client
    client.flushdb()
    client.close()


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, dict[str, Any]]]:
    """(task name, queue, event) of every task sent, still sent for real.

    Read here rather than from the Redis queue: test sessions of other worktrees share this Redis, and one
    of their workers may take the message from a queue of the same name before this test looks.
    """
    calls: list[tuple[str, str, dict[str, Any]]] = []
    original = Celery.send_task

    def recording(self: Celery, name: str, *args: Any, **kwargs: Any) -> Any:
        calls.append((name, str(kwargs.get("queue")), kwargs["kwargs"]["event"]))
        return original(self, name, *args, **kwargs)

    monkeypatch.setattr(Celery, "send_task", recording)
    return calls


def metric_line(client: TestClient, service: str, kind: str) -> str:
    """The dead-letter gauge as the API process's metrics port serves it (see `audisi api`)."""
    registry = CollectorRegistry(auto_describe=True)
    registry.register(client.app.state.dead_letter_collector)  # type: ignore[attr-defined]
    lines = generate_latest(registry).decode().splitlines()
    prefix = f'audisi_dead_letters{{kind="{kind}",service="{service}"}} '
    return next((line for line in lines if line.startswith(prefix)), "")


@pytest.mark.parametrize(("queue", "service", "event_type"), QUEUES)
def test_poison_message_in_each_queue_is_parked_counted_listed_and_replayed(
    request: pytest.FixtureRequest,
    broker: redis.Redis,
    sent: list[tuple[str, str, dict[str, Any]]],
    capsys: pytest.CaptureFixture[str],
    queue: str,
    service: str,
    event_type: str,
) -> None:
    runtime = request.getfixturevalue(f"{service}_runtime")
    spec = SERVICES[service]
    celery_app: Any = load(spec.celery_path)
    task = celery_app.tasks[handle_event_task_name(queue)]
    body = poison(event_type)
    max_tries = runtime.settings.consumer_max_tries

    for _ in range(max_tries - 1):  # each try fails; the worker would retry it with backoff
        with pytest.raises(ValidationError):
            task(event=body)
    assert task(event=body) == "parked"

    with runtime.engine.connect() as conn:
        rows = conn.execute(text("SELECT event_id, consumer, event_type, tries, last_error FROM inbox_dead_letter"))
        ((event_id, consumer, parked_type, tries, last_error),) = rows.all()
    assert (event_id, consumer, parked_type, tries) == (body["event_id"], queue, event_type, max_tries)
    assert last_error.startswith("ValidationError: ")
    assert broker.lrange(ack_list_key("poisoner"), 0, -1) == [f"{body['event_id']}:{queue}".encode()]
    app: Any = load(spec.app_path)
    with TestClient(app) as client:
        assert metric_line(client, service, "inbox") == f'audisi_dead_letters{{kind="inbox",service="{service}"}} 1.0'
        assert metric_line(client, service, "outbox") == f'audisi_dead_letters{{kind="outbox",service="{service}"}} 0.0'

    audisi(["dead-letters", "list", service])
    listed = capsys.readouterr()
    assert body["event_id"] in listed.out
    assert f"1 dead letter(s) in {service}" in listed.err

    audisi(["dead-letters", "replay", service, "--event-id", body["event_id"]])

    assert "replayed 0 outbox and 1 inbox dead letter(s)" in capsys.readouterr().err
    assert sent == [(handle_event_task_name(queue), queue, body)]
    with runtime.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM inbox_dead_letter")).scalar_one() == 0
    with TestClient(app) as client:
        assert metric_line(client, service, "inbox") == f'audisi_dead_letters{{kind="inbox",service="{service}"}} 0.0'


def test_admin_lists_and_replays_dead_letters_over_http_and_the_replay_is_audited(
    judging_runtime: Any, broker: redis.Redis, sent: list[tuple[str, str, dict[str, Any]]]
) -> None:
    celery_app: Any = load(SERVICES["judging"].celery_path)
    task = celery_app.tasks[handle_event_task_name("judging")]
    body = poison("idea.submitted.v1")
    for _ in range(judging_runtime.settings.consumer_max_tries - 1):
        with pytest.raises(ValidationError):
            task(event=body)
    assert task(event=body) == "parked"
    token, _ = TokenService(judging_runtime.settings).issue(
        user_id=uuid.uuid4(), role=Role.ADMIN, name="Ops", email=None, agency_code=None
    )
    admin = {"Authorization": f"Bearer {token}"}
    app: Any = load(SERVICES["judging"].app_path)

    with TestClient(app) as client:
        listed = client.get("/api/v1/ops/dead-letters", headers=admin)
        refused = client.post("/api/v1/ops/dead-letters/replay", headers=admin, json={"event_ids": ["a\u0000b"]})
        replayed = client.post("/api/v1/ops/dead-letters/replay", headers=admin, json={"event_ids": [body["event_id"]]})
        assert sent == []  # a request never calls Celery: the relay sends it on its next pass
        relay = OutboxRelay(
            producer="judging",
            engine=judging_runtime.engine,
            celery_app=celery_app,
            settings=judging_runtime.settings,
        )
        assert relay.replay_requested() == 1
        after = client.get("/api/v1/ops/dead-letters", headers=admin)

    assert listed.status_code == 200
    assert [(d["kind"], d["event_id"], d["queue"], d["tries"]) for d in listed.json()] == [
        ("inbox", body["event_id"], "judging", judging_runtime.settings.consumer_max_tries)
    ]
    assert (refused.status_code, refused.json()["error"]["code"]) == (422, "validation_error")
    assert (replayed.status_code, replayed.json()) == (200, {"outbox": 0, "inbox": 1})
    assert after.json() == []
    assert sent == [(handle_event_task_name("judging"), "judging", body)]
    with judging_runtime.engine.connect() as conn:
        audit = conn.execute(text("SELECT action, actor_role, details FROM audit_log")).all()
    assert [(a.action, a.actor_role, a.details["inbox"]) for a in audit] == [("dead_letters.replayed", "admin", 1)]
