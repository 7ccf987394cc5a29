"""Fault tests: the real stack on private PostgreSQL and Redis that the test owns (and restarts)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from audisi.embedded import EmbeddedServers
from audisi.testing.infra import embedded_infra
from tests.faults.burst import Burst
from tests.support import SmtpSink, start_stack

#: The production values of the timers that recover lost messages (ServiceSettings' defaults).
PRODUCTION_TIMERS = {"OUTBOX_REDELIVER_AFTER_SECONDS": "300", "BROKER_VISIBILITY_TIMEOUT_SECONDS": "3600"}


@pytest.fixture(scope="module")
def smtp() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.start()
    yield sink
    sink.stop()


#: Retries and leases short enough that a killed sender's email or webhook goes out again within a test's
#: patience (production: a 435 s email lease, 160 s webhook lease); the fencing they test is the same.
FAULT_TIMERS = {
    "SMTP_RETRY_BASE_SECONDS": "0.5",
    "WEBHOOK_RETRY_BASE_SECONDS": "0.5",
    "SMTP_TIMEOUT_SECONDS": "5",
    "SMTP_SEND_DEADLINE_SECONDS": "10",
    "SMTP_RECORD_SENT_WITHIN_SECONDS": "30",
    "WEBHOOK_TIMEOUT_SECONDS": "5",
    "WEBHOOK_QUEUE_WAIT_SECONDS": "10",
}


@contextmanager
def burst_stack(
    servers: EmbeddedServers, smtp: SmtpSink, *, prefix: str, workdir: Path, extra_env: dict[str, str]
) -> Iterator[Burst]:
    servers.start()
    infra = embedded_infra(servers, "private")
    with start_stack(
        infra,
        prefix=prefix,
        smtp_port=smtp.port,
        workdir=workdir,
        mail=smtp.mail,
        extra_env={**FAULT_TIMERS, **extra_env},
    ) as stack:
        yield Burst(stack=stack, servers=servers, smtp=smtp)


@pytest.fixture(scope="module")
def burst(
    private_servers: EmbeddedServers, smtp: SmtpSink, test_run_id: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Burst]:
    """The whole stack on private servers (test timers), and a way to push a burst of selected ideas through it."""
    with burst_stack(
        private_servers, smtp, prefix=f"audisi_{test_run_id}f", workdir=tmp_path_factory.mktemp("faults"), extra_env={}
    ) as burst:
        yield burst


@pytest.fixture(scope="module")
def production_burst(
    private_servers: EmbeddedServers, smtp: SmtpSink, test_run_id: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Burst]:
    """The same, with the production timers for lost messages (outbox redelivery 300 s, broker visibility 1 h)."""
    with burst_stack(
        private_servers,
        smtp,
        prefix=f"audisi_{test_run_id}p",
        workdir=tmp_path_factory.mktemp("faults-production-timers"),
        extra_env=PRODUCTION_TIMERS,
    ) as burst:
        yield burst
