"""Webhooks: signed deliveries to a real local HTTP receiver, backoff while it is down, dead letters, replay."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from services.implementation.settings import ImplementationSettings
from services.implementation.tests.helpers import open_ticket
from services.implementation.webhooks.models import WebhookDeadLetter, WebhookDelivery
from services.implementation.webhooks.service import claim_due, deliver, replay_dead_letters
from services.implementation.webhooks.signing import sign, verify
from shared.auth import Role
from shared.db import unit_of_work, utcnow

SECRET = "s3cret-of-disdukcapil-0123456789"


class Receiver:
    """An agency's endpoint: records what arrives and whether the signature verified; can be 'down' (503)."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.status = 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # http.server calls do_<METHOD>
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append(
                    {
                        "verified": verify(
                            SECRET,
                            timestamp=self.headers["X-Audisi-Timestamp"],
                            signature=self.headers["X-Audisi-Signature"],
                            body=body,
                        ),
                        "delivery": self.headers["X-Audisi-Delivery"],
                        "event": self.headers["X-Audisi-Event"],
                        "body": json.loads(body),
                    }
                )
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/audisi"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *_args: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as r:
        yield r


def settings_of(runtime: Any, **overrides: Any) -> ImplementationSettings:
    values = {"webhook_retry_base_seconds": 10.0, "webhook_max_attempts": 4, "webhook_timeout_seconds": 5.0}
    settings: ImplementationSettings = runtime.settings.model_copy(update={**values, **overrides})
    return settings


def register(client: TestClient, tokens: Any, url: str) -> str:
    response = client.post(
        "/api/v1/webhooks", headers=tokens(Role.AGENCY, agency="DISDUKCAPIL"), json={"url": url, "secret": SECRET}
    )
    assert response.status_code == 201, response.text
    assert "secret" not in response.json()
    return str(response.json()["id"])


def deliveries(runtime: Any) -> list[WebhookDelivery]:
    with runtime.session_factory() as session:
        return list(session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.change_seq)))


def test_signature_verifies_and_rejects_tampering_and_replays() -> None:
    body = b'{"seq":1}'
    signature = sign(SECRET, 1_800_000_000, body)
    assert verify(SECRET, timestamp="1800000000", signature=signature, body=body, now=1_800_000_010) is True
    assert verify(SECRET, timestamp="1800000000", signature=signature, body=b'{"seq":2}', now=1_800_000_010) is False
    assert verify("another-secret", timestamp="1800000000", signature=signature, body=body, now=1_800_000_010) is False
    assert verify(SECRET, timestamp="1800000000", signature=signature, body=body, now=1_800_000_000 + 301) is False
    assert verify(SECRET, timestamp="1800000001", signature=signature, body=body, now=1_800_000_010) is False


def test_ticket_events_delivered_signed(
    implementation_runtime: Any, client: TestClient, tokens: Any, receiver: Receiver
) -> None:
    register(client, tokens, receiver.url)
    ticket_id, _ = open_ticket(implementation_runtime.session_factory)
    settings = settings_of(implementation_runtime)
    with unit_of_work(implementation_runtime.session_factory) as session:
        due = claim_due(session, now=utcnow())
    assert len(due) == 1
    with unit_of_work(implementation_runtime.session_factory) as session:
        assert claim_due(session, now=utcnow()) == []  # leased: a second dispatcher does not take it
    status = deliver(session_factory=implementation_runtime.session_factory, delivery_id=due[0], settings=settings)
    assert status == "delivered"
    [got] = receiver.received
    assert (got["verified"], got["event"], got["delivery"]) == (True, "ticket.created", str(due[0]))
    assert (got["body"]["type"], got["body"]["ticket_id"], got["body"]["agency_code"]) == (
        "ticket.created",
        str(ticket_id),
        "DISDUKCAPIL",
    )


def test_other_agencys_changes_not_sent(implementation_runtime: Any, client: TestClient, tokens: Any) -> None:
    register(client, tokens, "http://127.0.0.1:9/never")
    open_ticket(implementation_runtime.session_factory, agency="DINKES")
    assert deliveries(implementation_runtime) == []


def test_retries_back_off_then_dead_letter_then_replay(
    implementation_runtime: Any, client: TestClient, tokens: Any, receiver: Receiver
) -> None:
    register(client, tokens, receiver.url)
    open_ticket(implementation_runtime.session_factory)
    factory = implementation_runtime.session_factory
    settings = settings_of(implementation_runtime)
    [delivery] = deliveries(implementation_runtime)
    receiver.status = 503  # the agency's system is down
    now = utcnow()
    waits = []
    for _ in range(3):
        assert deliver(session_factory=factory, delivery_id=delivery.id, settings=settings, now=now) == "pending"
        [row] = deliveries(implementation_runtime)
        waits.append((row.next_attempt_at - now).total_seconds())
        now = row.next_attempt_at
    assert waits == [10.0, 20.0, 40.0]
    assert deliver(session_factory=factory, delivery_id=delivery.id, settings=settings, now=now) == "dead"
    [row] = deliveries(implementation_runtime)
    assert (row.status, row.attempts, row.last_error, row.last_status_code) == ("dead", 4, "HTTP 503", 503)
    with factory() as session:
        [letter] = session.scalars(select(WebhookDeadLetter)).all()
        assert (letter.agency_code, letter.event_type, letter.attempts) == ("DISDUKCAPIL", "ticket.created", 4)
    assert len(receiver.received) == 4
    assert all(r["delivery"] == str(delivery.id) for r in receiver.received)  # same id on every retry

    receiver.status = 204  # fixed; ops replay the dead letters
    with factory() as session:
        assert replay_dead_letters(session) == 1
    with factory() as session:
        assert replay_dead_letters(session) == 0  # replayed once
    assert deliver(session_factory=factory, delivery_id=delivery.id, settings=settings) == "delivered"
    [row] = deliveries(implementation_runtime)
    assert (row.status, row.attempts) == ("delivered", 1)
    assert len(receiver.received) == 5
    assert receiver.received[-1]["verified"] is True


def test_receiver_unreachable_is_retried(implementation_runtime: Any, client: TestClient, tokens: Any) -> None:
    register(client, tokens, "http://127.0.0.1:9/closed")
    open_ticket(implementation_runtime.session_factory)
    [delivery] = deliveries(implementation_runtime)
    status = deliver(
        session_factory=implementation_runtime.session_factory,
        delivery_id=delivery.id,
        settings=settings_of(implementation_runtime),
    )
    assert status == "pending"
    [row] = deliveries(implementation_runtime)
    assert row.attempts == 1
    assert row.last_error is not None
    assert row.last_error.startswith("ConnectError")
    assert row.next_attempt_at > utcnow() + timedelta(seconds=5)


def test_ops_replay_endpoint_is_admin_only(implementation_runtime: Any, client: TestClient, tokens: Any) -> None:
    url = "/api/v1/ops/webhooks/dead-letters/replay"
    assert client.post(url, headers=tokens(Role.AGENCY, agency="DISDUKCAPIL"), json={}).status_code == 403
    response = client.post(url, headers=tokens(Role.ADMIN), json={})
    assert (response.status_code, response.json()) == (200, {"replayed": 0})
    assert client.get("/api/v1/ops/webhooks/dead-letters", headers=tokens(Role.ADMIN)).json() == []


def test_agency_sees_only_its_webhooks(implementation_runtime: Any, client: TestClient, tokens: Any) -> None:
    subscription_id = register(client, tokens, "https://sistem.disdukcapil.example/audisi")
    other = tokens(Role.AGENCY, agency="DINKES")
    assert client.get("/api/v1/webhooks", headers=other).json() == []
    assert client.delete(f"/api/v1/webhooks/{subscription_id}", headers=other).status_code == 404
    own = tokens(Role.AGENCY, agency="DISDUKCAPIL")
    assert [w["id"] for w in client.get("/api/v1/webhooks", headers=own).json()] == [subscription_id]


def test_agency_cannot_register_for_another_agency(
    implementation_runtime: Any, client: TestClient, tokens: Any
) -> None:
    response = client.post(
        "/api/v1/webhooks",
        headers=tokens(Role.AGENCY, agency="DISDUKCAPIL"),
        json={"url": "https://x.example/h", "secret": SECRET, "agency_code": "DINKES"},
    )
    assert response.status_code == 403
