"""Fixtures for one service's tests: its runtime on a fresh test database, HTTP client, tokens.

A service's `tests/conftest.py` calls `service_fixtures("<name>")` and assigns the result to module
globals, which is how pytest finds them:

    runtime_ready, db_session, client, tokens = service_fixtures("submission")
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from audisi.services import SERVICES, load
from audisi.testing.infra import Infra
from audisi.testing.plugin import service_settings, truncate_all
from shared.auth import Role, TokenService
from shared.revocation import RevocationStore

TokenFactory = Callable[..., dict[str, str]]
#: Called for every token the `tokens` fixture makes: (runtime, role, user id, the call's other keywords).
TokenHook = Callable[[Any, Role, uuid.UUID, dict[str, Any]], None]


def service_fixtures(
    name: str, *, on_token: TokenHook | None = None, **setting_overrides: Any
) -> tuple[Any, Any, Any, Any]:
    """The fixtures `<name>_runtime`, `db_session`, `client` and `tokens` for service `name`.

    `on_token` lets a service give the people behind its test tokens what every such person has
    (judging: a conflict declaration), taking its own keywords from the `tokens(...)` call.
    """
    spec = SERVICES[name]

    @pytest.fixture(name=f"{name}_runtime")
    def runtime_ready(infra: Infra, service_database: Callable[[str], str]) -> Iterator[Any]:
        """The service's runtime pointed at its test database; tables emptied after each test."""
        runtime: Any = load(spec.runtime_path)
        metadata = load(f"{spec.package}.db:metadata")
        runtime.configure(service_settings(runtime.settings_class, infra, service_database(name), **setting_overrides))
        # As the submission service does after Redis starts empty: no revocations yet, the hash is loaded.
        RevocationStore(runtime.settings.redis_url, cache_seconds=0).restore({})
        yield runtime
        truncate_all(runtime.engine, metadata)

    @pytest.fixture(name="db_session")
    def db_session(request: pytest.FixtureRequest) -> Iterator[Session]:
        """A session inside a transaction that is rolled back after the test (commits become savepoints)."""
        runtime = request.getfixturevalue(f"{name}_runtime")
        with runtime.engine.connect() as connection:
            transaction = connection.begin()
            session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
            try:
                yield session
            finally:
                session.close()
                transaction.rollback()

    @pytest.fixture(name="client")
    def client(request: pytest.FixtureRequest) -> Iterator[TestClient]:
        """An HTTP client of the service's app (real routing, real database)."""
        request.getfixturevalue(f"{name}_runtime")
        app = load(spec.app_path)
        with TestClient(app) as test_client:  # type: ignore[arg-type]
            yield test_client

    @pytest.fixture(name="tokens")
    def tokens(request: pytest.FixtureRequest) -> TokenFactory:
        """Build Authorization headers: tokens(Role.JUDGE, agency="DINKES", user_id=...)."""
        runtime = request.getfixturevalue(f"{name}_runtime")
        service = TokenService(runtime.settings)

        def make(
            role: Role,
            *,
            agency: str | None = None,
            user_id: uuid.UUID | None = None,
            name: str = "Test User",
            email: str | None = "test@example.go.id",
            work_unit: str | None = None,
            **options: Any,
        ) -> dict[str, str]:
            user_id = user_id or uuid.uuid4()
            if on_token is not None:
                on_token(runtime, role, user_id, options)
            elif options:
                raise TypeError(f"tokens() got unexpected keywords {sorted(options)}")
            token, _ = service.issue(
                user_id=user_id, role=role, name=name, email=email, agency_code=agency, work_unit=work_unit
            )
            return {"Authorization": f"Bearer {token}"}

        return make

    return runtime_ready, db_session, client, tokens
