"""What the benchmarks' smoke tests share: the test session's servers, handed to the harness they start."""

from __future__ import annotations

import os

import pytest

from audisi.testing.infra import Infra


@pytest.fixture
def bench_env(infra: Infra) -> dict[str, str]:
    """The environment of a harness run on this test session's servers (the embedded ones where nothing else
    answers), so the smoke tests keep the README's promise that `make test` needs only Python."""
    return {**os.environ, "TEST_POSTGRES_URL": infra.postgres_url, "TEST_REDIS_URL": infra.redis_base_url}
