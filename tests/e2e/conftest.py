"""End-to-end fixtures: the real stack as separate processes on the session's PostgreSQL and Redis."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from audisi.testing.infra import Infra
from tests.support import RunningStack, SmtpSink, start_stack


@pytest.fixture(scope="module")
def running_stack(infra: Infra, test_run_id: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    """Every process of the compose file, started with its compose command; stopped at the end."""
    sink = SmtpSink()
    sink.start()
    try:
        with start_stack(
            infra,
            prefix=f"audisi_{test_run_id}e2e",
            smtp_port=sink.port,
            workdir=tmp_path_factory.mktemp("e2e"),
            mail=sink.mail,
        ) as stack:
            yield stack
    finally:
        sink.stop()
