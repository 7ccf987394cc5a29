"""Fault tests: the real stack on private PostgreSQL and Redis that the test owns (and restarts)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from audisi.embedded import EmbeddedServers
from audisi.testing.infra import embedded_infra
from tests.faults.burst import Burst
from tests.support import SmtpSink, start_stack


@pytest.fixture(scope="module")
def smtp() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture(scope="module")
def burst(
    private_servers: EmbeddedServers, smtp: SmtpSink, test_run_id: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Burst]:
    """The whole stack on private servers, and a way to push a burst of selected ideas through it."""
    private_servers.start()
    infra = embedded_infra(private_servers, "private")
    with start_stack(
        infra,
        prefix=f"audisi_{test_run_id}f",
        smtp_port=smtp.port,
        workdir=tmp_path_factory.mktemp("faults"),
        mail=smtp.mail,
        extra_env={"SMTP_RETRY_BASE_SECONDS": "0.5", "WEBHOOK_RETRY_BASE_SECONDS": "0.5"},
    ) as stack:
        yield Burst(stack=stack, servers=private_servers, smtp=smtp)
