"""Nothing lost, nothing duplicated: 500 selected ideas through the real stack while something breaks.

Each test prints what it counted. Timings are shortened for tests (outbox redelivery 20 s, broker
visibility 10 s, SMTP retry 0.5 s); the production values are in ARCHITECTURE.md, and
test_production_timers.py runs what is about those timers with their production values.
"""

from __future__ import annotations

import time
import uuid

import httpx
import pytest

from shared.auth import Role, TokenService
from shared.relay import FAILPOINT_AFTER_SEND, FAILPOINT_ENV, FAILPOINT_EXIT_CODE
from shared.settings import ServiceSettings
from tests.faults.burst import EMAILS_PER_TICKET, Burst, Counts
from tests.support import JWT_SECRET, WebhookReceiver

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

BURST = 500


def report(name: str, counts: Counts) -> None:
    print(
        f"\n[{name}] ideas={counts.ideas} tickets={counts.tickets} email_jobs={counts.email_jobs} "
        f"sent={counts.email_jobs_sent} emails_received={counts.emails_received} "
        f"distinct_message_ids={counts.distinct_message_ids} duplicates={counts.duplicate_emails}"
    )


def assert_exact(counts: Counts, *, allowed_duplicates: int = 0) -> None:
    expected = EMAILS_PER_TICKET * counts.ideas
    assert (counts.tickets, counts.email_jobs, counts.email_jobs_sent, counts.distinct_message_ids) == (
        counts.ideas,
        expected,
        expected,
        expected,
    )
    assert counts.duplicate_emails <= allowed_duplicates


def token(role: Role, *, agency: str) -> dict[str, str]:
    """Bearer headers signed with the stack's secret (as the submission service's login would issue)."""
    settings = ServiceSettings(environment="test", database_url="postgresql+psycopg://unused/x", jwt_secret=JWT_SECRET)
    value, _ = TokenService(settings).issue(
        user_id=uuid.uuid4(), role=role, name="Fault test", email=None, agency_code=agency
    )
    return {"Authorization": f"Bearer {value}"}


@pytest.fixture(autouse=True)
def fresh(burst: Burst) -> None:
    burst.servers.start()
    burst.smtp.start()
    burst.reset()


def test_implementation_worker_killed_mid_batch_loses_and_duplicates_nothing(burst: Burst) -> None:
    ids = burst.publish("kill-impl", BURST)
    burst.wait_until(lambda: burst.tickets(ids) >= 100, 120, "100 tickets")
    burst.restart_process("implementation-worker")
    counts = burst.drain(ids)
    report("implementation worker SIGKILL", counts)
    assert_exact(counts)


def test_notifications_worker_killed_mid_send_loses_nothing(burst: Burst) -> None:
    ids = burst.publish("kill-mail", BURST)
    burst.wait_until(lambda: burst.emails_sent() >= 200, 180, "200 emails")
    burst.restart_process("notifications-worker")
    counts = burst.drain(ids)
    report("notifications worker SIGKILL", counts)
    # The one email in flight at the kill may be sent again; it carries the same Message-ID.
    assert_exact(counts, allowed_duplicates=1)


def test_outbox_relay_killed_between_send_and_mark_sends_again_and_loses_nothing(burst: Burst) -> None:
    # The judging relay runs with its failpoint armed: it exits right after sending its first batch, before
    # marking it sent, which is where a crash makes the outbox send the same messages twice.
    doomed = burst.restart_process("judging-relay", extra_env={FAILPOINT_ENV: FAILPOINT_AFTER_SEND})
    ids = burst.publish("kill-relay", BURST)
    assert doomed.wait(timeout=120) == FAILPOINT_EXIT_CODE
    # Proof it died in that window: its first batch reached the consumers (tickets appear) while not one
    # of this burst's deliveries is marked published.
    burst.wait_until(lambda: burst.tickets(ids) >= 1, 120, "a ticket from the batch sent before the crash")
    sent_but_unmarked = burst.deliveries(ids, "implementation")
    burst.restart_process("judging-relay")
    burst.wait_until(lambda: burst.tickets(ids) >= 150, 120, "150 tickets")
    burst.restart_process("implementation-relay")  # and the implementation relay is SIGKILLed mid-flow
    counts = burst.drain(ids)
    report("outbox relays killed (judging at the send/mark failpoint, implementation by SIGKILL)", counts)
    print(f"[relay failpoint] at the crash: {sent_but_unmarked}; after: {burst.deliveries(ids, 'implementation')}")
    assert (sent_but_unmarked.total, sent_but_unmarked.published) == (BURST, 0)
    assert_exact(counts)


def test_redis_restarted_mid_flow_outbox_makes_up_for_lost_messages(burst: Burst) -> None:
    ids = burst.publish("redis", BURST)
    burst.wait_until(lambda: burst.tickets(ids) >= 100, 120, "100 tickets")
    burst.servers.redis.restart()  # it keeps nothing on disk: queued messages and acks are gone
    counts = burst.drain(ids)
    report("Redis restart", counts)
    assert_exact(counts)


@pytest.mark.parametrize("how", ["stop", "crash"])
def test_postgres_stopped_or_crashed_mid_flow_apis_answer_503_then_recover(burst: Burst, how: str) -> None:
    headers = token(Role.COMMITTEE, agency="BKPSDM")
    tickets_url = f"{burst.stack.urls['implementation']}/api/v1/tickets"
    ids = burst.publish(f"postgres-{how}", BURST)
    burst.wait_until(lambda: burst.tickets(ids) >= 100, 120, "100 tickets")

    # "stop": a clean shutdown; "crash": an immediate stop (every backend killed, crash recovery at start).
    getattr(burst.servers.postgres, how)()
    down = httpx.get(tickets_url, headers=headers, timeout=15)
    burst.servers.postgres.start()
    up = httpx.get(tickets_url, headers=headers, timeout=15)

    counts = burst.drain(ids)
    report(f"PostgreSQL {how} and restart", counts)
    print(f"[PostgreSQL {how}] while down: {down.status_code} {down.json()['error']['code']}; after: {up.status_code}")
    assert (down.status_code, down.json()["error"]["code"]) == (503, "service_unavailable")
    assert up.status_code == 200
    assert_exact(counts)


def test_smtp_server_and_webhook_endpoint_down_for_a_while_then_everything_arrives_once(burst: Burst) -> None:
    officer = token(Role.AGENCY, agency="DISDUKCAPIL")
    receiver = WebhookReceiver()
    hook = httpx.post(
        f"{burst.stack.urls['implementation']}/api/v1/webhooks",
        headers=officer,
        json={"url": receiver.url},
        timeout=15,
    )
    assert hook.status_code == 201, hook.text
    burst.smtp.stop()  # receiver not started yet: the agency's endpoint is down too
    try:
        ids = burst.publish("smtp", BURST)
        burst.wait_until(lambda: burst.tickets(ids) == BURST, 180, "every ticket while mail and webhook are down")
        time.sleep(3)
        assert (burst.emails_sent(), len(receiver.deliveries())) == (0, 0)
        burst.smtp.start()
        receiver.start()
        counts = burst.drain(ids)
        burst.wait_until(lambda: len(set(receiver.deliveries())) >= BURST, 240, f"{BURST} webhook deliveries")
        time.sleep(2)
        deliveries = receiver.deliveries()
        report("SMTP and webhook endpoint down, then back", counts)
        print(f"[webhook down, then back] deliveries={len(deliveries)} distinct={len(set(deliveries))}")
        assert_exact(counts)
        assert (len(deliveries), len(set(deliveries))) == (BURST, BURST)
    finally:
        receiver.stop()
        httpx.delete(
            f"{burst.stack.urls['implementation']}/api/v1/webhooks/{hook.json()['id']}", headers=officer, timeout=15
        )
