"""Pytest fixtures for real PostgreSQL and Redis (see audisi.testing.infra for where they come from)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from audisi.embedded import EmbeddedServerError, EmbeddedServers
from audisi.servers import ServersUnavailableError, locate, mode_from
from audisi.services import ROOT, SERVICES
from audisi.testing.infra import (
    HOW_TO_START,
    SERVERS_ENV,
    Infra,
    create_database,
    docker_engine_available,
    drop_database,
    new_infra,
    release_redis_db,
    start_temporary,
)


def pytest_configure(config: pytest.Config) -> None:  # noqa: ARG001 - pytest's hook signature
    """Tests run as ENVIRONMENT=test, whatever the shell says: a process without it would be production."""
    os.environ["ENVIRONMENT"] = "test"


@pytest.fixture(scope="session")
def infra(request: pytest.FixtureRequest) -> Iterator[Infra]:
    """PostgreSQL and Redis for this test session (see audisi.testing.infra for the order)."""
    mode = mode_from(SERVERS_ENV)
    given = {"postgres_url": os.environ.get("TEST_POSTGRES_URL"), "redis_url": os.environ.get("TEST_REDIS_URL")}
    if mode != "embedded" and not any(given.values()) and docker_engine_available():
        infra = new_infra(*_compose_servers(request), "docker")
        yield infra
        release_redis_db(infra.redis_base_url, infra.redis_db)
        return
    try:
        servers = locate(start_embedded=start_temporary, mode=mode, **given)
    except ServersUnavailableError as exc:
        pytest.fail(f"{HOW_TO_START}\n{exc}", pytrace=False)
    except EmbeddedServerError as exc:
        pytest.fail(f"{HOW_TO_START}\nPrivate servers could not start either: {exc}", pytrace=False)
    try:
        infra = new_infra(servers.postgres_url, servers.redis_url, servers.source)
        yield infra
        release_redis_db(infra.redis_base_url, infra.redis_db)
    finally:
        servers.stop()


def _compose_servers(request: pytest.FixtureRequest) -> tuple[str, str]:
    """The compose file's postgres and redis, started by pytest-docker; their URLs."""
    docker_services = request.getfixturevalue("docker_services")
    docker_ip = request.getfixturevalue("docker_ip")
    pg_port = docker_services.port_for("postgres", 5432)
    redis_port = docker_services.port_for("redis", 6379)
    password = os.environ[COMPOSE_PASSWORD_ENV]
    pg_url = f"postgresql+psycopg://audisi:{password}@{docker_ip}:{pg_port}/postgres"
    docker_services.wait_until_responsive(timeout=60, pause=0.5, check=lambda: _pg_ready(pg_url))
    redis_password = os.environ[COMPOSE_REDIS_PASSWORD_ENV]
    return pg_url, f"redis://:{redis_password}@{docker_ip}:{redis_port}"


@pytest.fixture(scope="session")
def private_servers() -> Iterator[EmbeddedServers]:
    """Embedded PostgreSQL and Redis owned by this test session, whatever the mode: for fault tests.

    `private_servers.postgres` / `.redis` have `stop()`, `start()`, `restart()` (same port, same data)
    and `crash()`; `.url` gives their URLs, `audisi.testing.infra.embedded_infra(private_servers)` an
    Infra. Shared by every test of the session: a test that stops a server starts it again (`start()`
    is a no-op on a running server, so `private_servers.start()` at a test's start is always safe).
    """
    try:
        servers = EmbeddedServers.temporary().start()
    except EmbeddedServerError as exc:
        pytest.fail(f"private servers could not start: {exc}", pytrace=False)
    yield servers
    servers.stop()


def _pg_ready(url: str) -> bool:
    from sqlalchemy import create_engine, pool, text

    try:
        engine = create_engine(url, poolclass=pool.NullPool)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def docker_compose_file() -> list[str]:
    """pytest-docker: the project's own compose file (postgres and redis services), with their ports
    published on the loopback for the tests (the deployment publishes neither)."""
    return [str(ROOT / "docker-compose.yml"), str(ROOT / "deploy" / "docker-compose.test.yml")]


COMPOSE_PASSWORD_ENV = "POSTGRES_PASSWORD"  # noqa: S105 - the name of a variable, not a password
COMPOSE_REDIS_PASSWORD_ENV = "REDIS_PASSWORD"  # noqa: S105 - the name of a variable, not a password


@pytest.fixture(scope="session")
def docker_setup() -> list[str]:
    """pytest-docker: start only the data services the tests need (no image build)."""
    # The compose file refuses to load without its required secrets; the test containers get throwaway ones.
    os.environ.setdefault(COMPOSE_PASSWORD_ENV, "audisi-test")
    os.environ.setdefault(COMPOSE_REDIS_PASSWORD_ENV, "audisi-test-redis")
    os.environ.setdefault("JWT_SECRET", "audisi-test-secret-0123456789-0123456789")
    os.environ.setdefault("FLOWER_BASIC_AUTH", "ops:audisi-test")
    os.environ.setdefault("SMTP_HOST", "mailcatcher")
    return ["up -d postgres redis"]


@pytest.fixture(scope="session")
def test_run_id() -> str:
    """A short id naming this session's databases."""
    return f"t{os.getpid()}{secrets.token_hex(2)}"


@pytest.fixture(scope="session")
def service_database(infra: Infra, test_run_id: str) -> Iterator[Callable[[str], str]]:
    """Create (once per session) and migrate a service's own test database; returns its URL."""
    from shared.migrations import upgrade

    created: dict[str, str] = {}

    def get(service: str) -> str:
        if service not in created:
            name = f"audisi_{test_run_id}_{service}"
            url = create_database(infra, name)
            upgrade(SERVICES[service].migrations_dir, url)
            created[service] = name
        return infra.database_url(created[service])

    yield get
    for name in created.values():
        drop_database(infra, name)


def service_settings(settings_class: type[Any], infra: Infra, database_url: str, **overrides: Any) -> Any:
    """Test settings for a service: its test database, the session's Redis, short timeouts."""
    values: dict[str, Any] = {
        "environment": "test",
        "database_url": database_url,
        "redis_url": infra.redis_url,
        "log_json": False,
        # Revocations take effect at once in tests (the cache itself is tested in tests/shared/test_revocation.py).
        "auth_revocation_cache_seconds": 0,
    }
    values.update(overrides)
    return settings_class(**values)


def truncate_all(engine: Any, metadata: Any) -> None:
    """Empty every table of a service (between tests that commit)."""
    from sqlalchemy import text

    names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
    if names:
        with engine.begin() as conn:
            # An append-only audit log (shared.audit) refuses TRUNCATE unless this transaction allows it.
            conn.execute(text("SET LOCAL audisi.allow_audit_truncate = 'on'"))
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


def project_root() -> Path:
    """The repository root."""
    return ROOT
