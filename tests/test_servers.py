"""audisi.servers.locate: the one rule by which make run and the tests find PostgreSQL and Redis."""

from __future__ import annotations

import socket
import uuid
from types import SimpleNamespace
from typing import Any, cast

import pytest
import redis

from audisi import servers
from audisi.embedded import EmbeddedServers
from audisi.servers import DEFAULT_POSTGRES, DEFAULT_REDIS, ServersUnavailableError, locate
from audisi.testing import infra as infra_module
from audisi.testing.infra import Infra


class Starter:
    """Stands in for starting embedded servers: records what was asked for."""

    def __init__(self) -> None:
        self.asked: list[tuple[bool, bool]] = []

    def __call__(self, postgres: bool, redis: bool) -> EmbeddedServers:
        self.asked.append((postgres, redis))
        started = SimpleNamespace(
            postgres=SimpleNamespace(url="postgresql+psycopg://postgres@127.0.0.1:20001/postgres"),
            redis=SimpleNamespace(url="redis://127.0.0.1:20002"),
            stop=lambda: None,
        )
        return cast(EmbeddedServers, started)


def answering(monkeypatch: pytest.MonkeyPatch, *ports: int) -> None:
    """Pretend only these localhost ports answer."""
    monkeypatch.setattr(servers, "url_answers", lambda _url, port: port in ports)


def test_localhost_servers_are_used_when_both_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    answering(monkeypatch, 5432, 6379)
    start = Starter()
    found = locate(start_embedded=start)
    assert (found.postgres_url, found.redis_url, found.source, found.embedded) == (
        DEFAULT_POSTGRES,
        DEFAULT_REDIS,
        "localhost",
        None,
    )
    assert start.asked == []


def test_only_the_missing_server_is_started(monkeypatch: pytest.MonkeyPatch) -> None:
    answering(monkeypatch, 5432)
    start = Starter()
    found = locate(start_embedded=start)
    assert start.asked == [(False, True)]
    assert (found.postgres_source, found.redis_source, found.source) == ("localhost", "embedded", "localhost+embedded")
    assert found.redis_url == "redis://127.0.0.1:20002"


def test_given_urls_win_over_localhost_and_are_not_probed(monkeypatch: pytest.MonkeyPatch) -> None:
    answering(monkeypatch)
    start = Starter()
    given: dict[str, Any] = {"postgres_url": "postgresql+psycopg://u@db:5432/x", "redis_url": "redis://cache:6379/2"}
    found = locate(start_embedded=start, mode="external", **given)
    assert (found.postgres_url, found.redis_url, found.source) == (given["postgres_url"], given["redis_url"], "given")
    assert start.asked == []


def test_external_mode_names_what_is_missing_instead_of_starting_it(monkeypatch: pytest.MonkeyPatch) -> None:
    answering(monkeypatch, 6379)
    start = Starter()
    with pytest.raises(ServersUnavailableError, match=r"^PostgreSQL neither given nor answering on localhost$"):
        locate(start_embedded=start, mode="external")
    assert start.asked == []


def test_embedded_mode_ignores_given_and_local_servers(monkeypatch: pytest.MonkeyPatch) -> None:
    answering(monkeypatch, 5432, 6379)
    start = Starter()
    found = locate(start_embedded=start, mode="embedded", postgres_url="postgresql+psycopg://u@db:5432/x")
    assert start.asked == [(True, True)]
    assert found.source == "embedded"


def test_an_unknown_mode_is_refused_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUDISI_SERVERS", "docker")
    with pytest.raises(ValueError, match="AUDISI_SERVERS='docker': choose one of auto, embedded, external"):
        servers.mode_from("AUDISI_SERVERS")


def test_each_test_session_claims_a_redis_database_of_its_own(infra: Infra, monkeypatch: pytest.MonkeyPatch) -> None:
    key = f"audisi:test-claims-{uuid.uuid4().hex}:{{db}}"  # this test's own claims: other sessions keep theirs
    monkeypatch.setattr(infra_module, "_CLAIM_KEY", key)
    client = redis.Redis.from_url(f"{infra.redis_base_url}/0", decode_responses=True)
    try:
        claimed = [infra_module.claim_redis_db(infra.redis_base_url) for _ in infra_module.REDIS_TEST_DBS]
        assert sorted(claimed) == list(infra_module.REDIS_TEST_DBS)  # never the same one twice
        with pytest.raises(RuntimeError, match="every Redis test database"):
            infra_module.claim_redis_db(infra.redis_base_url)
        # a session on this machine that died without giving its database back
        client.set(key.format(db=claimed[0]), f"{socket.gethostname()}:999999999")
        assert infra_module.claim_redis_db(infra.redis_base_url) == claimed[0]
        infra_module.release_redis_db(infra.redis_base_url, claimed[1])
        assert client.get(key.format(db=claimed[1])) is None
    finally:
        client.delete(*(key.format(db=db) for db in infra_module.REDIS_TEST_DBS))
        client.close()
