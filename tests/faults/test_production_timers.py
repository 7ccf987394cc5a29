"""Lost messages come back promptly with the production timers (outbox redelivery 300 s, doubling; broker
visibility 1 h), not after them: a Redis restart with more than a thousand unacknowledged deliveries."""

from __future__ import annotations

import time

import pytest

from tests.faults.burst import PROCESS, Burst

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

IDEAS = 1200
# A delivery the relay did not resend at once would wait for its timer: 300 s after its first send, 600 s
# after a postponed resend. Every lost message must be back in its queue well before that.
WITHIN_THE_REDELIVERY_TIMER = 240


def test_redis_restart_with_over_a_thousand_unacknowledged_deliveries_resends_every_one_at_once(
    production_burst: Burst,
) -> None:
    burst = production_burst
    # The implementation worker is stopped: its queue fills up and nothing in it is acknowledged.
    burst.stack.stack.kill("implementation-worker")
    ids = burst.publish("redis-production-timers", IDEAS)
    burst.wait_until(lambda: burst.queued("implementation") == IDEAS, 180, f"{IDEAS} messages in the queue")
    before = burst.deliveries(ids, "implementation")

    burst.servers.redis.restart()  # no persistence: the 1,200 queued messages are gone
    restarted = time.monotonic()
    burst.wait_until(
        lambda: burst.queued("implementation") == IDEAS,
        WITHIN_THE_REDELIVERY_TIMER,
        f"all {IDEAS} lost messages back in the queue before their redelivery timer",
    )
    resent_in = time.monotonic() - restarted

    # Then the worker handles them all, each once (throughput on a shared machine: a generous bound).
    burst.stack.stack.start_one(PROCESS["implementation-worker"])
    burst.wait_until(lambda: burst.tickets(ids) == IDEAS, 900, f"{IDEAS} tickets")
    burst.wait_until(
        lambda: burst.deliveries(ids, "implementation").acked == IDEAS, 60, f"{IDEAS} acknowledged deliveries"
    )
    after = burst.deliveries(ids, "implementation")
    print(f"\n[Redis restart, production timers] before: {before}; after: {after}; all resent in {resent_in:.0f} s")

    assert (before.total, before.published, before.acked) == (IDEAS, IDEAS, 0)
    assert (after.total, after.acked, after.dead, burst.tickets(ids)) == (IDEAS, IDEAS, 0, IDEAS)
    assert burst.queued("implementation") == 0
