"""Webhooks: Standard Webhooks signatures checked by the `standardwebhooks` library, backoff while a receiver
is down, dead letters, replay, leases, per-endpoint concurrency and the circuit breaker."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from services.implementation.settings import ImplementationSettings
from services.implementation.tests.conftest import SilentServer
from services.implementation.tests.helpers import open_ticket
from services.implementation.tests.webhooks.conftest import Receiver
from services.implementation.webhooks.delivery import Claim, claim_due, deliver
from services.implementation.webhooks.models import WebhookDeadLetter, WebhookDelivery, WebhookSubscription
from services.implementation.webhooks.service import replay_dead_letters
from services.implementation.webhooks.signing import new_secret, sign
from shared.auth import Role
from shared.db import unit_of_work, utcnow


def settings_of(runtime: Any, **overrides: Any) -> ImplementationSettings:
    values = {"webhook_retry_base_seconds": 10.0, "webhook_max_attempts": 4, "webhook_timeout_seconds": 5.0}
    settings: ImplementationSettings = runtime.settings.model_copy(update={**values, **overrides})
    return settings


def register(client: TestClient, tokens: Any, url: str, agency: str = "DISDUKCAPIL") -> tuple[str, str]:
    """Register an endpoint through the API; returns its id and the secret shown once."""
    response = client.post("/api/v1/webhooks", headers=tokens(Role.AGENCY, agency=agency), json={"url": url})
    assert response.status_code == 201, response.text
    listed = client.get("/api/v1/webhooks", headers=tokens(Role.AGENCY, agency=agency)).json()
    assert all("secret" not in w for w in listed)  # shown at registration only
    return str(response.json()["id"]), str(response.json()["secret"])


def deliveries(runtime: Any) -> list[WebhookDelivery]:
    with runtime.session_factory() as session:
        return list(session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.change_seq)))


def claim(runtime: Any, settings: ImplementationSettings, now: datetime | None = None) -> list[Claim]:
    with unit_of_work(runtime.session_factory) as session:
        return claim_due(session, now=now or utcnow(), settings=settings)


def send(runtime: Any, settings: ImplementationSettings, now: datetime | None = None) -> str:
    """Claim the one due delivery and send it, as the dispatcher and the delivery task do."""
    [one] = claim(runtime, settings, now)
    return deliver(session_factory=runtime.session_factory, claim=one, settings=settings, now=now)


def test_signature_is_standard_webhooks_and_rejects_tampering() -> None:
    secret = new_secret()
    body = b'{"seq":1}'
    now = int(time.time())
    headers = {"webhook-id": "d1", "webhook-timestamp": str(now), "webhook-signature": ""}
    headers["webhook-signature"] = sign(secret, msg_id="d1", timestamp=now, body=body)
    assert Webhook(secret).verify(body, headers) == {"seq": 1}
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(b'{"seq":2}', headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(body, headers)
    stale = {**headers, "webhook-timestamp": str(now - 3600)}
    stale["webhook-signature"] = sign(secret, msg_id="d1", timestamp=now - 3600, body=body)
    with pytest.raises(WebhookVerificationError):  # a replayed capture: too old
        Webhook(secret).verify(body, stale)


def test_registration_refuses_a_secret_not_in_standard_form(
    implementation_runtime: Any, client: TestClient, tokens: Any
) -> None:
    response = client.post(
        "/api/v1/webhooks",
        headers=tokens(Role.AGENCY, agency="DISDUKCAPIL"),
        json={"url": "https://sistem.disdukcapil.example/audisi", "secret": "rahasia-biasa-0123456789"},
    )
    assert (response.status_code, response.json()["error"]["code"]) == (422, "validation_error")
    own = new_secret()
    response = client.post(
        "/api/v1/webhooks",
        headers=tokens(Role.AGENCY, agency="DISDUKCAPIL"),
        json={"url": "https://sistem.disdukcapil.example/audisi", "secret": own},
    )
    assert (response.status_code, response.json()["secret"]) == (201, own)


def test_ticket_events_delivered_and_verified_by_the_standardwebhooks_library(
    implementation_runtime: Any, client: TestClient, tokens: Any, receiver: Receiver
) -> None:
    _, receiver.secret = register(client, tokens, receiver.url)
    ticket_id, _ = open_ticket(implementation_runtime.session_factory)
    settings = settings_of(implementation_runtime)
    [due] = claim(implementation_runtime, settings)
    assert claim(implementation_runtime, settings) == []  # leased: a second dispatcher does not take it
    status = deliver(session_factory=implementation_runtime.session_factory, claim=due, settings=settings)
    assert status == "delivered"
    [got] = receiver.received
    assert (got["verified"], got["event"], got["id"]) == (True, "ticket.created", str(due.delivery_id))
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
    _, receiver.secret = register(client, tokens, receiver.url)
    open_ticket(implementation_runtime.session_factory)
    factory = implementation_runtime.session_factory
    settings = settings_of(implementation_runtime)
    [delivery] = deliveries(implementation_runtime)
    receiver.status = 503  # the agency's system is down
    now = utcnow()
    waits = []
    for _ in range(3):
        assert send(implementation_runtime, settings, now) == "pending"
        [row] = deliveries(implementation_runtime)
        waits.append((row.next_attempt_at - now).total_seconds())
        now = row.next_attempt_at
    assert waits == [10.0, 20.0, 40.0]
    assert send(implementation_runtime, settings, now) == "dead"
    [row] = deliveries(implementation_runtime)
    assert (row.status, row.attempts, row.last_error, row.last_status_code) == ("dead", 4, "HTTP 503", 503)
    with factory() as session:
        [letter] = session.scalars(select(WebhookDeadLetter)).all()
        assert (letter.agency_code, letter.event_type, letter.attempts) == ("DISDUKCAPIL", "ticket.created", 4)
    assert len(receiver.received) == 4
    assert all(r["id"] == str(delivery.id) for r in receiver.received)  # same id on every retry

    receiver.status = 204  # fixed; ops replay the dead letters
    with factory() as session:
        assert replay_dead_letters(session) == 1
    with factory() as session:
        assert replay_dead_letters(session) == 0  # replayed once
    assert send(implementation_runtime, settings) == "delivered"
    [row] = deliveries(implementation_runtime)
    assert (row.status, row.attempts) == ("delivered", 1)
    assert len(receiver.received) == 5
    assert receiver.received[-1]["verified"] is True


def test_receiver_unreachable_is_retried_and_the_error_is_a_category(
    implementation_runtime: Any, client: TestClient, tokens: Any
) -> None:
    subscription_id, _ = register(client, tokens, "http://127.0.0.1:9/closed")
    open_ticket(implementation_runtime.session_factory)
    assert send(implementation_runtime, settings_of(implementation_runtime)) == "pending"
    [row] = deliveries(implementation_runtime)
    assert (row.attempts, row.last_error) == (1, "connection_failed")
    assert row.next_attempt_at > utcnow() + timedelta(seconds=5)
    listed = client.get(
        f"/api/v1/webhooks/{subscription_id}/deliveries", headers=tokens(Role.AGENCY, agency="DISDUKCAPIL")
    ).json()
    assert [(d["last_error"], d["last_status_code"]) for d in listed] == [("connection_failed", None)]


def test_endpoint_that_accepts_and_never_answers_times_out_and_is_retried(
    implementation_runtime: Any, client: TestClient, tokens: Any, silent_server: SilentServer
) -> None:
    register(client, tokens, f"http://127.0.0.1:{silent_server.port}/hook")
    open_ticket(implementation_runtime.session_factory)
    settings = settings_of(implementation_runtime, webhook_timeout_seconds=1.0)
    assert send(implementation_runtime, settings) == "pending"
    [row] = deliveries(implementation_runtime)
    assert (row.status, row.attempts, row.last_error, row.lease_token) == ("pending", 1, "timeout", None)
    assert len(silent_server.accepted) == 1


def test_delivery_whose_lease_was_taken_over_is_not_sent(
    implementation_runtime: Any, client: TestClient, tokens: Any, receiver: Receiver
) -> None:
    _, receiver.secret = register(client, tokens, receiver.url)
    open_ticket(implementation_runtime.session_factory)
    settings = settings_of(implementation_runtime)
    now = utcnow()
    [first] = claim(implementation_runtime, settings, now)
    # The first task waited in the queue past its lease; the next dispatch run took the delivery over.
    later = now + timedelta(seconds=settings.webhook_lease_seconds() + 1)
    [second] = claim(implementation_runtime, settings, later)
    factory = implementation_runtime.session_factory
    assert deliver(session_factory=factory, claim=first, settings=settings, now=later) == "lease_lost"
    assert receiver.received == []
    assert deliver(session_factory=factory, claim=second, settings=settings, now=later) == "delivered"
    assert deliver(session_factory=factory, claim=second, settings=settings, now=later) == "lease_lost"
    assert len(receiver.received) == 1


def test_delivery_not_sent_when_too_little_of_its_lease_is_left(
    implementation_runtime: Any, client: TestClient, tokens: Any, receiver: Receiver
) -> None:
    _, receiver.secret = register(client, tokens, receiver.url)
    open_ticket(implementation_runtime.session_factory)
    settings = settings_of(implementation_runtime)
    now = utcnow()
    [one] = claim(implementation_runtime, settings, now)
    almost_over = now + timedelta(seconds=settings.webhook_lease_seconds() - 2 * settings.webhook_timeout_seconds)
    factory = implementation_runtime.session_factory
    assert deliver(session_factory=factory, claim=one, settings=settings, now=almost_over) == "lease_lost"
    assert receiver.received == []


def test_at_most_the_endpoint_concurrency_in_flight_per_endpoint(
    implementation_runtime: Any, client: TestClient, tokens: Any
) -> None:
    slow = "https://lambat.example.go.id/hook"
    slow_id, _ = register(client, tokens, slow)
    shared_id, _ = register(client, tokens, slow, agency="DINKES")  # the same endpoint serves two agencies
    other_id, _ = register(client, tokens, "https://dinkes.example.go.id/hook", agency="DINKES")
    for _ in range(3):
        open_ticket(implementation_runtime.session_factory)
    open_ticket(implementation_runtime.session_factory, agency="DINKES")
    settings = settings_of(implementation_runtime, webhook_concurrency_per_endpoint=2)
    now = utcnow()
    claimed = {c.delivery_id for c in claim(implementation_runtime, settings, now)}
    rows = deliveries(implementation_runtime)  # in order of change

    def taken(subscription_id: str) -> list[bool]:
        return [row.id in claimed for row in rows if str(row.subscription_id) == subscription_id]

    assert (taken(slow_id), taken(shared_id), taken(other_id)) == ([True, True, False], [False], [True])
    assert claim(implementation_runtime, settings, now + timedelta(seconds=1)) == []  # two still in flight


def test_circuit_opens_after_failures_in_a_row_then_one_probe_at_a_time(
    implementation_runtime: Any, client: TestClient, tokens: Any
) -> None:
    subscription_id, _ = register(client, tokens, "http://127.0.0.1:9/closed")
    for _ in range(3):
        open_ticket(implementation_runtime.session_factory)
    settings = settings_of(
        implementation_runtime,
        webhook_circuit_failures=2,
        webhook_circuit_open_seconds=300.0,
        webhook_concurrency_per_endpoint=3,
        webhook_retry_base_seconds=1.0,
        webhook_max_attempts=10,
    )
    factory = implementation_runtime.session_factory
    now = utcnow()
    claims = claim(implementation_runtime, settings, now)
    assert len(claims) == 3
    for one in claims[:2]:
        assert deliver(session_factory=factory, claim=one, settings=settings, now=now) == "pending"
    with factory() as session:
        subscription = session.get(WebhookSubscription, subscription_id)
        assert subscription is not None
        assert (subscription.consecutive_failures, subscription.circuit_open_until) == (
            2,
            now + timedelta(seconds=300),
        )
    # Open: the third in-flight delivery may finish, but nothing new is handed out until the circuit half-opens.
    assert claim(implementation_runtime, settings, now + timedelta(seconds=299)) == []
    half_open = now + timedelta(seconds=301)
    assert len(claim(implementation_runtime, settings, half_open)) == 1  # half-open: one probe at a time
    assert claim(implementation_runtime, settings, half_open) == []


def test_circuit_closes_after_a_successful_probe(
    implementation_runtime: Any, client: TestClient, tokens: Any, receiver: Receiver
) -> None:
    subscription_id, receiver.secret = register(client, tokens, receiver.url)
    open_ticket(implementation_runtime.session_factory)
    settings = settings_of(implementation_runtime, webhook_circuit_failures=1)
    receiver.status = 500
    now = utcnow()
    assert send(implementation_runtime, settings, now) == "pending"
    with implementation_runtime.session_factory() as session:
        subscription = session.get(WebhookSubscription, subscription_id)
        assert subscription is not None
        assert subscription.circuit_open_until is not None
        reopen = subscription.circuit_open_until
    receiver.status = 204
    assert send(implementation_runtime, settings, reopen + timedelta(seconds=11)) == "delivered"
    with implementation_runtime.session_factory() as session:
        subscription = session.get(WebhookSubscription, subscription_id)
        assert subscription is not None
        assert (subscription.consecutive_failures, subscription.circuit_open_until) == (0, None)


def test_ops_replay_endpoint_is_admin_only(implementation_runtime: Any, client: TestClient, tokens: Any) -> None:
    url = "/api/v1/ops/webhooks/dead-letters/replay"
    assert client.post(url, headers=tokens(Role.AGENCY, agency="DISDUKCAPIL"), json={}).status_code == 403
    response = client.post(url, headers=tokens(Role.ADMIN), json={})
    assert (response.status_code, response.json()) == (200, {"replayed": 0})
    assert client.get("/api/v1/ops/webhooks/dead-letters", headers=tokens(Role.ADMIN)).json() == []


def test_agency_sees_only_its_webhooks(implementation_runtime: Any, client: TestClient, tokens: Any) -> None:
    subscription_id, _ = register(client, tokens, "https://sistem.disdukcapil.example/audisi")
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
        json={"url": "https://x.example/h", "agency_code": "DINKES"},
    )
    assert response.status_code == 403
