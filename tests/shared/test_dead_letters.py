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
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import text

from audisi.cli import main as audisi
from audisi.services import SERVICES, load
from audisi.testing.service import service_fixtures
from shared.events import handle_event_task_name
from shared.outbox import ack_list_key
from tests.shared.test_outbox import queued_bodies

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


def metric_line(client: TestClient, service: str, kind: str) -> str:
    lines = client.get("/metrics").text.splitlines()
    prefix = f'audisi_dead_letters{{kind="{kind}",service="{service}"}} '
    return next((line for line in lines if line.startswith(prefix)), "")


@pytest.mark.parametrize(("queue", "service", "event_type"), QUEUES)
def test_poison_message_in_each_queue_is_parked_counted_listed_and_replayed(
    request: pytest.FixtureRequest,
    broker: redis.Redis,
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
    assert queued_bodies(broker, queue) == [body]
    with runtime.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM inbox_dead_letter")).scalar_one() == 0
    with TestClient(app) as client:
        assert metric_line(client, service, "inbox") == f'audisi_dead_letters{{kind="inbox",service="{service}"}} 0.0'
