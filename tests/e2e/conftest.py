"""End-to-end fixtures: the real stack as separate processes on the session's PostgreSQL and Redis."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from audisi.testing.infra import Infra
from tests.support import RunningStack, SmtpSink, start_stack


@contextmanager
def e2e_stack(
    infra: Infra, test_run_id: str, tmp_path_factory: pytest.TempPathFactory, tag: str = "e2e"
) -> Iterator[RunningStack]:
    """Every process of the compose file, started with its compose command, with a local SMTP sink; stopped after."""
    sink = SmtpSink()
    sink.start()
    try:
        with start_stack(
            infra,
            prefix=f"audisi_{test_run_id}{tag}",
            smtp_port=sink.port,
            workdir=tmp_path_factory.mktemp(tag),
            mail=sink.mail,
        ) as stack:
            yield stack
    finally:
        sink.stop()


@pytest.fixture(scope="module")
def running_stack(infra: Infra, test_run_id: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    """Every process of the compose file for one test module; stopped at the end."""
    with e2e_stack(infra, test_run_id, tmp_path_factory) as stack:
        yield stack


@pytest.fixture(scope="session")
def http() -> Iterator[httpx.Client]:
    """One HTTP client for the end-to-end tests' calls to the APIs (it keeps no state between them)."""
    with httpx.Client(timeout=15) as client:
        yield client
