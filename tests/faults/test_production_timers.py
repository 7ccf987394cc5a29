"""Lost messages come back promptly with the production timers (outbox redelivery 300 s, doubling; broker
visibility 1 h), not after them: a Redis restart with more than a thousand unacknowledged deliveries."""

from __future__ import annotations

import time

import pytest

from tests.faults.burst import PROCESS, Burst

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

IDEAS = 1200
# A delivery the relay did not resend at once would wait for its timer: 300 s after its first send, and
# 600 s after a postponed resend. The flow must finish well inside that, so the bound below is the timer's.
WITHIN_THE_REDELIVERY_TIMER = 280


def test_redis_restart_with_over_a_thousand_unacknowledged_deliveries_resends_every_one_at_once(
    production_burst: Burst,
) -> None:
    burst = production_burst
    burst.stack.stack.kill("implementation-worker")  # its queue fills up and nothing is acknowledged
    ids = burst.publish("redis-production-timers", IDEAS)
    burst.wait_until(
        lambda: burst.deliveries(ids, "implementation").published == IDEAS, 180, f"{IDEAS} deliveries in the queue"
    )
    before = burst.deliveries(ids, "implementation")

    burst.servers.redis.restart()  # no persistence: the 1,200 queued messages are gone
    restarted = time.monotonic()
    burst.stack.stack.start_one(PROCESS["implementation-worker"])
    burst.wait_until(lambda: burst.tickets(ids) == IDEAS, WITHIN_THE_REDELIVERY_TIMER, f"{IDEAS} tickets")
    burst.wait_until(
        lambda: burst.deliveries(ids, "implementation").acked == IDEAS, 60, f"{IDEAS} acknowledged deliveries"
    )
    elapsed = time.monotonic() - restarted
    time.sleep(2.0)  # let any late duplicate arrive before counting
    after = burst.deliveries(ids, "implementation")
    print(f"\n[Redis restart, production timers] before: {before}; after: {after}; all back in {elapsed:.0f} s")

    assert (before.total, before.published, before.acked) == (IDEAS, IDEAS, 0)
    assert (after.total, after.acked, after.dead, burst.tickets(ids)) == (IDEAS, IDEAS, 0, IDEAS)
