"""Fixtures for testing the shared kernel against real PostgreSQL and Redis, without any service."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis
from sqlalchemy import Engine, create_engine

from audisi.testing.infra import Infra, create_database, drop_database
from shared.db import new_metadata
from shared.messaging import MessagingTables, define_messaging_tables
from shared.settings import ServiceSettings

KERNEL_METADATA = new_metadata()
KERNEL_TABLES = define_messaging_tables(KERNEL_METADATA)


@pytest.fixture(scope="session")
def kernel_database_url(infra: Infra, test_run_id: str) -> Iterator[str]:
    """A database with only the outbox and inbox tables."""
    name = f"audisi_{test_run_id}_kernel"
    url = create_database(infra, name)
    engine = create_engine(url)
    KERNEL_METADATA.create_all(engine)
    engine.dispose()
    yield url
    drop_database(infra, name)


@pytest.fixture
def kernel_settings(infra: Infra, kernel_database_url: str) -> ServiceSettings:
    """Settings with short redelivery times, as the fault tests use."""
    return ServiceSettings(
        environment="test",
        database_url=kernel_database_url,
        redis_url=infra.redis_url,
        outbox_redeliver_after_seconds=0.2,
        outbox_poll_seconds=0.5,
    )


@pytest.fixture
def kernel_engine(kernel_settings: ServiceSettings) -> Iterator[Engine]:
    """An engine on the kernel database; tables emptied after each test."""
    engine = create_engine(kernel_settings.database_url)
    yield engine
    with engine.begin() as conn:
        conn.exec_driver_sql("TRUNCATE outbox_delivery, outbox_event, inbox_event, inbox_dead_letter")
    engine.dispose()


@pytest.fixture
def tables() -> MessagingTables:
    """The kernel database's outbox and inbox tables."""
    return KERNEL_TABLES


@pytest.fixture
def redis_client(infra: Infra) -> Iterator[redis.Redis]:
    """The session's Redis database, emptied after each test."""
    client = redis.Redis.from_url(infra.redis_url)
    yield client
    client.flushdb()
    client.close()
