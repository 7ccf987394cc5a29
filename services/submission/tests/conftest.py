"""Fixtures of the submission service's tests: a migrated test database, HTTP client, tokens, factories."""

from __future__ import annotations

import tempfile
from typing import Any

import pytest
import redis

from audisi.testing.service import service_fixtures
from services.submission.agencies.service import sync_agencies
from shared.db import unit_of_work

ATTACHMENTS_DIR = tempfile.mkdtemp(prefix="audisi-test-attachments-")

submission_runtime, db_session, client, tokens = service_fixtures(
    "submission", attachments_dir=ATTACHMENTS_DIR, login_attempts_per_minute=3
)


@pytest.fixture(autouse=True)
def agencies(submission_runtime: Any) -> None:
    """The agency list (tables are emptied after each test, the migration's rows with them)."""
    with unit_of_work(submission_runtime.session_factory) as session:
        sync_agencies(session)


@pytest.fixture(autouse=True)
def fresh_login_limits(submission_runtime: Any) -> None:
    """Every test starts with no sign-in attempts or emailed links counted (all test clients share one address)."""
    client = redis.Redis.from_url(submission_runtime.settings.redis_url)
    keys = list(client.scan_iter("audisi:login:*")) + list(client.scan_iter("audisi:links:*"))
    if keys:
        client.delete(*keys)
    client.close()
