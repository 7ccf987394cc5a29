"""The chaos soak: minutes of submissions, decisions and ticket changes through the real APIs while a random
API, worker or relay is SIGKILLed every few seconds, Redis is restarted once and PostgreSQL crashed once;
then, once everything is delivered, exact counts.

`make test` runs a short soak (CHAOS_SECONDS=75 of chaos, about three minutes in all); `make chaos` runs ten
minutes. CHAOS_SECONDS, CHAOS_KILL_INTERVAL, CHAOS_CLIENTS and CHAOS_SEED (the victims' order) override.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator

import pytest

from audisi.processes import PROCESSES
from tests.faults.burst import Burst
from tests.faults.chaos import Clients, Ledger, Monkey, SoakConfig, quiesce, set_up, summary
from tests.support import WebhookReceiver

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CONFIG = SoakConfig.from_env()
#: The processes whose death at the wrong instant may send one email / one webhook twice (ARCHITECTURE.md:
#: a job is marked sent right after the server accepted it, so only a sender dying in between repeats it).
EMAIL_SENDERS = ("notifications-worker",)
WEBHOOK_SENDERS = tuple(p.name for p in PROCESSES if p.name == "implementation-worker" or "webhook" in p.name)


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    hook = WebhookReceiver()
    hook.start()
    yield hook
    hook.stop()


@pytest.mark.timeout(int(CONFIG.seconds) + 1200)
def test_chaos_soak_every_ticket_email_and_webhook_exactly_once(
    burst: Burst, receiver: WebhookReceiver, capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.monotonic()
    burst.servers.start()
    people = set_up(burst.stack, receiver.url, burst.smtp.mail)
    ledger = Ledger()
    clients = Clients(people, ledger, count=CONFIG.clients)
    monkey = Monkey(burst, seconds=CONFIG.seconds, interval=CONFIG.kill_interval, rng=random.Random(CONFIG.seed))

    clients.start()
    monkey.start()
    try:
        clients.failed.wait(CONFIG.seconds)
        clients.finish(timeout=600)
    finally:
        monkey.join()  # no kills during the counting, nor during the stack's teardown
    counts = quiesce(burst, ledger, receiver.deliveries, timeout=300)
    with capsys.disabled():  # shown in every run, not only with -s
        print("\n" + summary(CONFIG, ledger, monkey, counts, time.monotonic() - started))

    assert (ledger.errors, monkey.error) == ([], None)
    assert len(monkey.servers) == 2, "Redis restarted and PostgreSQL crashed once each"
    # Each selected idea has exactly one ticket; the others none.
    assert counts.tickets_per_idea == {o.idea_id: 1 for o in ledger.selected}
    # The proposers see each decision and their ticket's last status (events arrive unordered, and twice).
    assert counts.proposer_view == ledger.proposer_view()
    # Every expected email was sent and arrived, each with its own Message-ID.
    assert dict(counts.email_jobs) == {"sent": ledger.expected_emails}
    assert len(counts.message_ids) == ledger.expected_emails
    # A second copy only where a sender died between the SMTP server's acceptance and the "sent" mark.
    assert max(counts.message_ids.values(), default=0) <= 2
    assert counts.duplicate_emails <= sum(monkey.kills[name] for name in EMAIL_SENDERS)
    # Every change of the agency's tickets reached its endpoint, each delivery under its own id.
    assert dict(counts.webhook_rows) == {"delivered": ledger.expected_webhooks}
    assert len(counts.webhook_ids) == ledger.expected_webhooks
    assert max(counts.webhook_ids.values(), default=0) <= 2
    assert counts.duplicate_webhooks <= sum(monkey.kills[name] for name in WEBHOOK_SENDERS)
    # No event left undelivered in any outbox, no dead letters anywhere.
    assert counts.undelivered == {"submission": 0, "judging": 0, "implementation": 0}
    assert set(counts.dead_letters.values()) <= {0}
