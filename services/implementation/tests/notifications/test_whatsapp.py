"""WhatsApp: opt-in with a number, one message per job through an HTTP gateway, retried, never twice."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from services.implementation.notifications.models import WhatsAppMessage
from services.implementation.notifications.whatsapp import (
    HttpGateway,
    normalise_phone,
    queue_due_whatsapp,
    send_whatsapp,
)
from services.implementation.tests.notifications.test_jobs import USER, record, requested
from shared.auth import Role
from shared.db import utcnow
from shared.events import Channel

TOKEN = "gateway-token-for-tests"


@dataclass
class Gateway:
    """A stand-in WhatsApp gateway: answers with `statuses` in turn (then 200) and keeps what it received."""

    statuses: list[int] = field(default_factory=list)
    received: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    """A local HTTP server playing the WhatsApp gateway."""
    state = Gateway()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            state.received.append(
                {
                    "authorization": self.headers["Authorization"],
                    "key": self.headers["Idempotency-Key"],
                    "body": body,
                }
            )
            status = state.statuses.pop(0) if state.statuses else 200
            self.send_response(status)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/send"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def whatsapp_on(implementation_runtime: Any, gateway: Gateway, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The runtime with the gateway configured (it is off by default)."""
    settings = implementation_runtime.settings.model_copy(
        update={"whatsapp_gateway_url": gateway.url, "whatsapp_gateway_token": TOKEN, "whatsapp_retry_base_seconds": 5}
    )
    monkeypatch.setattr(implementation_runtime, "_settings", settings)
    return settings


def _opt_in(client: TestClient, tokens: Any, phone: str = "0812-3456-7890") -> None:
    me = tokens(Role.PARTICIPANT, user_id=USER)
    response = client.put(
        "/api/v1/notifications/preferences", headers=me, json={"whatsapp_phone": phone, "whatsapp_enabled": True}
    )
    assert response.status_code == 200, response.text
    assert (response.json()["whatsapp_phone"], response.json()["whatsapp_enabled"]) == ("6281234567890", True)


def _messages(runtime: Any) -> list[WhatsAppMessage]:
    with runtime.session_factory() as session:
        return list(session.scalars(select(WhatsAppMessage)))


def test_numbers_are_normalised_to_the_gateways_form() -> None:
    assert normalise_phone("0812-3456-7890") == "6281234567890"
    assert normalise_phone("+62 812 3456 7890") == "6281234567890"
    assert normalise_phone("6281234567890") == "6281234567890"
    assert normalise_phone("021-555-1234") is None  # a landline cannot take WhatsApp messages
    assert normalise_phone("halo") is None


def test_opt_in_refuses_a_bad_number_and_a_switch_without_number(client: TestClient, tokens: Any) -> None:
    me = tokens(Role.PARTICIPANT, user_id=USER)
    bad = client.put("/api/v1/notifications/preferences", headers=me, json={"whatsapp_phone": "12345"})
    assert (bad.status_code, bad.json()["error"]["code"]) == (422, "invalid_whatsapp_phone")
    assert bad.json()["error"]["message"].startswith("Nomor WhatsApp tidak sah")
    english = client.put(
        "/api/v1/notifications/preferences",
        headers={**me, "Accept-Language": "en"},
        json={"whatsapp_enabled": True},
    )
    assert (english.status_code, english.json()["error"]["code"]) == (422, "whatsapp_phone_required")
    assert english.json()["error"]["message"] == "Give a WhatsApp number to receive notifications by WhatsApp"
    assert client.get("/api/v1/notifications/preferences", headers=me).json()["whatsapp_enabled"] is False


def test_message_retried_after_a_gateway_error_and_sent_once(
    implementation_runtime: Any, client: TestClient, tokens: Any, gateway: Gateway, whatsapp_on: Any
) -> None:
    _opt_in(client, tokens)
    gateway.statuses = [503]
    job_id = record(implementation_runtime, requested(channels=[Channel.EMAIL, Channel.IN_APP]))
    assert record(implementation_runtime, requested(channels=[Channel.EMAIL, Channel.IN_APP])) is None  # redelivery
    (message,) = _messages(implementation_runtime)
    assert (message.job_id, message.phone, message.status) == (job_id, "6281234567890", "pending")
    factory, now = implementation_runtime.session_factory, utcnow()
    http = HttpGateway(whatsapp_on)
    with factory() as session:
        assert queue_due_whatsapp(session, now=now, settings=whatsapp_on) == [message.id]
    first = send_whatsapp(session_factory=factory, message_id=message.id, gateway=http, settings=whatsapp_on, now=now)
    assert first == "pending"  # 503: tried again after its backoff
    early = now + timedelta(seconds=4)
    assert send_whatsapp(
        session_factory=factory, message_id=message.id, gateway=http, settings=whatsapp_on, now=early
    ) == ("not_due")
    later = now + timedelta(seconds=5)
    with factory() as session:
        assert queue_due_whatsapp(session, now=later, settings=whatsapp_on) == [message.id]
    sent = send_whatsapp(session_factory=factory, message_id=message.id, gateway=http, settings=whatsapp_on, now=later)
    again = send_whatsapp(session_factory=factory, message_id=message.id, gateway=http, settings=whatsapp_on, now=later)
    assert (sent, again) == ("sent", "not_due")
    assert len(gateway.received) == 2
    assert {r["key"] for r in gateway.received} == {"ticket.created:t1:proposer"}  # the gateway can drop a copy
    assert {r["authorization"] for r in gateway.received} == {f"Bearer {TOKEN}"}
    body = gateway.received[-1]["body"]
    assert body["to"] == "6281234567890"
    assert body["text"].startswith("*[Audisi] Status tiket: Antar KTP <keliling> — diterima*")
    (done,) = _messages(implementation_runtime)
    assert (done.status, done.attempts, done.last_error) == ("sent", 2, None)


def test_gateway_refusal_is_permanent(
    implementation_runtime: Any, client: TestClient, tokens: Any, gateway: Gateway, whatsapp_on: Any
) -> None:
    _opt_in(client, tokens)
    gateway.statuses = [400]
    record(implementation_runtime, requested())
    (message,) = _messages(implementation_runtime)
    outcome = send_whatsapp(
        session_factory=implementation_runtime.session_factory,
        message_id=message.id,
        gateway=HttpGateway(whatsapp_on),
        settings=whatsapp_on,
    )
    assert outcome == "failed"
    (failed,) = _messages(implementation_runtime)
    assert (failed.status, failed.attempts, failed.last_error) == ("failed", 1, "HTTP 400")


def test_nothing_by_whatsapp_when_off_not_opted_in_or_an_account_link(
    implementation_runtime: Any, client: TestClient, tokens: Any, gateway: Gateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    _opt_in(client, tokens)
    record(implementation_runtime, requested(key="off:1"))  # no gateway configured: off by default
    settings = implementation_runtime.settings.model_copy(
        update={"whatsapp_gateway_url": gateway.url, "whatsapp_gateway_token": TOKEN}
    )
    monkeypatch.setattr(implementation_runtime, "_settings", settings)
    link = requested(key="account-link:1").model_copy(deep=True)
    payload = link.payload.model_copy(update={"template": "account_reset_password", "channels": [Channel.EMAIL]})
    record(implementation_runtime, link.model_copy(update={"payload": payload}))
    other = requested(key="other:1")
    stranger = other.payload.model_copy(
        update={"recipient": other.payload.recipient.model_copy(update={"user_id": uuid.uuid4()})}
    )
    record(implementation_runtime, other.model_copy(update={"payload": stranger}))  # never opted in
    with implementation_runtime.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(WhatsAppMessage)) == 0
