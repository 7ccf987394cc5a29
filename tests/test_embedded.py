"""Embedded mode: private PostgreSQL and Redis from the pinned wheels, with restarts the fault tests rely on."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import redis

from audisi.embedded import EmbeddedServerError, EmbeddedServers, reap_orphaned_temporaries
from audisi.servers import DEFAULT_POSTGRES, locate
from audisi.testing.infra import embedded_infra, start_temporary


def pg_connect(url: str) -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True, connect_timeout=5)


@pytest.fixture
def scratch() -> Iterator[Path]:
    """A scratch folder outside /tmp/pytest-of-<user>, which every new pytest session closes to 0700
    (and other sessions may start while ours runs): PostgreSQL's own account must keep reaching it."""
    folder = Path(tempfile.mkdtemp(prefix="audisi-test-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def servers(private_servers: EmbeddedServers) -> Iterator[EmbeddedServers]:
    """The session's private servers, running at the start and at the end of each test."""
    private_servers.start()
    yield private_servers
    private_servers.start()


def test_postgres_runs_queries_and_delivers_listen_notify(servers: EmbeddedServers) -> None:
    with pg_connect(servers.postgres.url) as listener, pg_connect(servers.postgres.url) as sender:
        listener.execute("LISTEN audisi_test")
        sender.execute("SELECT pg_notify('audisi_test', 'halo')")
        received = [(n.channel, n.payload) for n in listener.notifies(timeout=5, stop_after=1)]
        row = sender.execute("SELECT current_setting('server_version_num')::int / 10000, 2 + 3").fetchone()
    assert received == [("audisi_test", "halo")]
    assert row == (18, 5)


def test_postgres_listens_on_loopback_only_with_test_settings(servers: EmbeddedServers) -> None:
    with pg_connect(servers.postgres.url) as conn:
        rows = conn.execute(
            "SELECT name, setting FROM pg_settings WHERE name IN "
            "('listen_addresses', 'unix_socket_directories', 'fsync', 'server_encoding') ORDER BY name"
        ).fetchall()
    assert rows == [
        ("fsync", "off"),
        ("listen_addresses", "127.0.0.1"),
        ("server_encoding", "UTF8"),
        ("unix_socket_directories", ""),
    ]


def test_redis_round_trip_with_production_flags(servers: EmbeddedServers) -> None:
    client = redis.Redis.from_url(f"{servers.redis.url}/3")
    try:
        client.rpush("audisi:test", "a", "b")
        assert client.lrange("audisi:test", 0, -1) == [b"a", b"b"]
        config = {k: v for key in ("save", "appendonly", "maxmemory-policy") for k, v in client.config_get(key).items()}
        assert config == {"save": "", "appendonly": "no", "maxmemory-policy": "noeviction"}
        assert client.info("server")["redis_version"].startswith("6.2.")
    finally:
        client.delete("audisi:test")
        client.close()


def test_redis_refuses_clients_without_the_password_as_compose_does(servers: EmbeddedServers) -> None:
    anonymous = redis.Redis(host="127.0.0.1", port=servers.redis.port or 0, socket_timeout=5)
    try:
        with pytest.raises(redis.AuthenticationError):
            anonymous.rpush("audisi:test", "forged")
    finally:
        anonymous.close()
    assert servers.redis.password is not None
    assert servers.redis.url == f"redis://:{servers.redis.password}@127.0.0.1:{servers.redis.port}"


def test_persistent_redis_keeps_its_password_across_runs(scratch: Path) -> None:
    root = scratch / "data"
    with EmbeddedServers.persistent(root).start(postgres=False) as first:
        url = first.redis.url
    assert oct((root / "redis.password").stat().st_mode & 0o777) == "0o600"
    with EmbeddedServers.persistent(root).start(postgres=False) as second:
        assert second.redis.url == url
        assert redis.Redis.from_url(f"{url}/0").ping() is True


def test_postgres_restart_keeps_port_and_data(servers: EmbeddedServers) -> None:
    url = servers.postgres.url
    with pg_connect(url) as conn:
        conn.execute("DROP TABLE IF EXISTS kept; CREATE TABLE kept (n int); INSERT INTO kept VALUES (7)")
    servers.postgres.restart()
    assert servers.postgres.url == url
    with pg_connect(url) as conn:
        assert conn.execute("SELECT n FROM kept").fetchall() == [(7,)]
        conn.execute("DROP TABLE kept")


def test_postgres_stop_refuses_connections_until_started(servers: EmbeddedServers) -> None:
    servers.postgres.stop()
    assert servers.postgres.running is False
    with pytest.raises(psycopg.OperationalError):
        pg_connect(servers.postgres.url)
    servers.postgres.start()
    with pg_connect(servers.postgres.url) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_postgres_crash_breaks_open_connection_and_recovers(servers: EmbeddedServers) -> None:
    conn = pg_connect(servers.postgres.url)
    conn.execute("DROP TABLE IF EXISTS committed; CREATE TABLE committed (n int); INSERT INTO committed VALUES (1)")
    servers.postgres.crash()
    with pytest.raises(psycopg.OperationalError):
        conn.execute("SELECT 1")
    conn.close()
    servers.postgres.start()
    with pg_connect(servers.postgres.url) as fresh:
        assert fresh.execute("SELECT n FROM committed").fetchall() == [(1,)]
        fresh.execute("DROP TABLE committed")


def test_redis_restart_same_port_client_reconnects(servers: EmbeddedServers) -> None:
    client = redis.Redis.from_url(f"{servers.redis.url}/4", retry_on_error=[redis.ConnectionError])
    try:
        assert client.ping() is True
        servers.redis.restart()
        # the old socket is dead; redis-py reconnects to the same URL on the next command
        assert client.set("after-restart", "1") is True
        assert client.get("after-restart") == b"1"
    finally:
        client.delete("after-restart")
        client.close()


def test_redis_crash_loses_unpersisted_keys(servers: EmbeddedServers) -> None:
    client = redis.Redis.from_url(f"{servers.redis.url}/5")
    try:
        client.set("volatile", "x")
        servers.redis.crash()
        servers.redis.start()
        assert client.get("volatile") is None  # test servers keep nothing: --save "" --appendonly no
    finally:
        client.close()


def test_listen_resumes_after_postgres_restart(servers: EmbeddedServers) -> None:
    received: list[str] = []
    listening = threading.Event()

    def listen_once() -> None:
        with pg_connect(servers.postgres.url) as conn:
            conn.execute("LISTEN after_restart")
            listening.set()
            received.extend(n.payload for n in conn.notifies(timeout=10, stop_after=1))

    servers.postgres.restart()
    thread = threading.Thread(target=listen_once)
    thread.start()
    assert listening.wait(timeout=10)
    with pg_connect(servers.postgres.url) as sender:
        sender.execute("SELECT pg_notify('after_restart', 'again')")
    thread.join(timeout=10)
    assert received == ["again"]


def test_persistent_servers_keep_data_and_ports_across_runs(scratch: Path) -> None:
    root = scratch / "data"
    with EmbeddedServers.persistent(root) as first:
        with pg_connect(first.postgres.url) as conn:
            conn.execute("CREATE TABLE demo (n int); INSERT INTO demo VALUES (42)")
        redis.Redis.from_url(f"{first.redis.url}/0").set("seeded", "yes")
        ports = (first.postgres.port, first.redis.port)
    assert not (root / "owner.pid").exists()
    with EmbeddedServers.persistent(root) as second:
        assert (second.postgres.port, second.redis.port) == ports
        with pg_connect(second.postgres.url) as conn:
            assert conn.execute("SELECT n FROM demo").fetchall() == [(42,)]
            assert conn.execute("SHOW fsync").fetchone() == ("on",)
        assert redis.Redis.from_url(f"{second.redis.url}/0").get("seeded") == b"yes"  # append-only file


def test_persistent_redis_alone_keeps_remembered_postgres_port(scratch: Path) -> None:
    root = scratch / "data"
    with EmbeddedServers.persistent(root) as both:
        pg_port = both.postgres.port
    with EmbeddedServers.persistent(root).start(postgres=False) as redis_only:
        assert redis_only.postgres.running is False
        assert redis_only.redis.running is True
    with EmbeddedServers.persistent(root).start(redis=False) as postgres_only:
        assert postgres_only.postgres.port == pg_port


def test_persistent_folder_in_use_by_live_owner_is_refused(scratch: Path) -> None:
    root = scratch / "data"
    root.mkdir()
    sleeper = subprocess.Popen(["sleep", "30"])
    try:
        (root / "owner.pid").write_text(f"{sleeper.pid}\n", encoding="utf-8")
        with pytest.raises(EmbeddedServerError, match=f"in use by process {sleeper.pid}"):
            EmbeddedServers.persistent(root).start()
    finally:
        sleeper.kill()
        sleeper.wait()


def test_orphaned_server_of_dead_owner_is_stopped_before_start(scratch: Path) -> None:
    root = scratch / "data"
    with EmbeddedServers.persistent(root) as first:
        orphan_pg = first.postgres.process
        orphan_redis = first.redis.process
        assert orphan_pg is not None
        assert orphan_redis is not None
        # forget the servers as a killed `audisi run` would: still running, owner.pid of a dead process
        first.postgres.process = first.redis.process = None
        (root / "owner.pid").write_text("999999999\n", encoding="utf-8")
    assert orphan_pg.poll() is None
    assert orphan_redis.poll() is None
    with EmbeddedServers.persistent(root) as second:
        orphan_pg.wait(timeout=5)
        orphan_redis.wait(timeout=5)
        # a clean shutdown, not a kill
        assert "received fast shutdown request" in (root / "postgres.log").read_text(encoding="utf-8")
        assert "User requested shutdown" in (root / "redis" / "redis.log").read_text(encoding="utf-8")
        with pg_connect(second.postgres.url) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)


def test_stale_pid_files_of_other_processes_are_removed(scratch: Path) -> None:
    root = scratch / "data"
    EmbeddedServers.persistent(root).start().stop()
    (root / "postgres" / "postmaster.pid").write_text(f"{os.getpid()}\n{root}\n", encoding="utf-8")
    (root / "redis" / "redis.pid").write_text("1\n", encoding="utf-8")
    with EmbeddedServers.persistent(root) as servers, pg_connect(servers.postgres.url) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_temporary_folder_of_killed_run_is_reaped(scratch: Path) -> None:
    root = scratch / "audisi-servers-killed"
    servers = EmbeddedServers(root, durable=False, temporary=True).start(postgres=False)
    orphan = servers.redis.process
    assert orphan is not None
    (root / "owner.pid").write_text("999999999\n", encoding="utf-8")
    assert reap_orphaned_temporaries(scratch) == [root]
    assert orphan.wait(timeout=5) == 0
    assert not root.exists()
    servers.redis.process = None


def test_embedded_only_mode_starts_both_servers() -> None:
    located = locate(start_embedded=start_temporary, mode="embedded", postgres_url=DEFAULT_POSTGRES)
    servers = located.embedded
    assert servers is not None
    try:
        assert located.source == "embedded"  # the URL given is not used in this mode
        assert (located.postgres_url, located.redis_url) == (servers.postgres.url, servers.redis.url)
        infra = embedded_infra(servers)
        assert infra.redis_url.startswith(f"{servers.redis.url}/")
        with pg_connect(infra.database_url("postgres")) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
    finally:
        servers.stop()
    assert not servers.root.exists()


def test_servers_run_outside_our_process_group(servers: EmbeddedServers) -> None:
    # Ctrl-C reaches the terminal's whole foreground group; the servers must wait for an orderly stop
    assert servers.postgres.process is not None
    assert servers.redis.process is not None
    assert os.getpgid(servers.postgres.process.pid) != os.getpgid(0)
    assert os.getpgid(servers.redis.process.pid) != os.getpgid(0)
