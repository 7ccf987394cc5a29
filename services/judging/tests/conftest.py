"""Fixtures of the judging service's tests: a migrated database, HTTP client, tokens, sessions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.orm import Session

from audisi.testing.service import service_fixtures

judging_runtime, db_session, client, tokens = service_fixtures("judging")


@pytest.fixture
def session(judging_runtime: Any) -> Iterator[Session]:
    """A session whose commits are real (for tests that also go through HTTP); tables are emptied after."""
    with judging_runtime.session_factory() as s:
        yield s
