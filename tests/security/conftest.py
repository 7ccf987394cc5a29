"""Fixtures of the security tests: every service's runtime on its own test database, clients, tokens, worlds.

`service_fixtures` gives each service's `<name>_runtime`; its `client`/`tokens`/`db_session` fixtures share
names across services, so only the runtimes are taken and the clients and tokens are built here.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis
from fastapi.testclient import TestClient

from audisi.services import SERVICES, load
from audisi.testing.service import service_fixtures
from services.submission.agencies.service import sync_agencies
from shared.auth import Role, TokenService
from shared.db import unit_of_work

ATTACHMENTS_DIR = tempfile.mkdtemp(prefix="audisi-security-attachments-")

EVIDENCE_DIR = tempfile.mkdtemp(prefix="audisi-security-evidence-")

submission_runtime = service_fixtures("submission", attachments_dir=ATTACHMENTS_DIR, login_attempts_per_minute=3)[0]
judging_runtime = service_fixtures("judging")[0]
implementation_runtime = service_fixtures("implementation", evidence_dir=EVIDENCE_DIR)[0]

Headers = dict[str, str]
TokenFactory = Callable[..., Headers]


def make_tokens(runtime: Any) -> TokenFactory:
    """Authorization headers signed with the service's settings (every service verifies the same secret)."""
    service = TokenService(runtime.settings)

    def make(
        role: Role,
        *,
        agency: str | None = None,
        user_id: uuid.UUID | None = None,
        name: str = "Test User",
        email: str | None = "test@example.go.id",
    ) -> Headers:
        token, _ = service.issue(user_id=user_id or uuid.uuid4(), role=role, name=name, email=email, agency_code=agency)
        return {"Authorization": f"Bearer {token}"}

    return make


@pytest.fixture
def service_client(request: pytest.FixtureRequest) -> Iterator[Callable[[str], TestClient]]:
    """`service_client("judging")`: a TestClient of that service's app on its configured test runtime."""
    opened: dict[str, TestClient] = {}

    def get(name: str) -> TestClient:
        if name not in opened:
            request.getfixturevalue(f"{name}_runtime")
            app: Any = load(SERVICES[name].app_path)
            opened[name] = TestClient(app).__enter__()
        return opened[name]

    yield get
    for client in opened.values():
        client.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def agencies(submission_runtime: Any) -> None:
    """The submission service's agency list (emptied with every table after each test)."""
    with unit_of_work(submission_runtime.session_factory) as session:
        sync_agencies(session)


@pytest.fixture(autouse=True)
def fresh_login_limits(submission_runtime: Any) -> None:
    """No failed logins counted before the test (all test clients share one address)."""
    client = redis.Redis.from_url(submission_runtime.settings.redis_url)
    keys = list(client.scan_iter("audisi:login:*")) + list(client.scan_iter("audisi:links:*"))
    if keys:
        client.delete(*keys)
    client.close()
