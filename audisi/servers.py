"""Where PostgreSQL and Redis come from, one rule for `make run` and for the tests.

Each of the two servers on its own: the URL given, if any; else the server answering on localhost's
default port; else a private embedded one (audisi.embedded), started by the caller's function. The
mode (`AUDISI_SERVERS` for make run, `AUDISI_TEST_SERVERS` for the tests) changes that: `embedded`
always starts private servers, `external` never does (and says what is missing instead).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from audisi.embedded import EmbeddedServers, tcp_answers

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS = "redis://127.0.0.1:6379"
MODES = ("auto", "embedded", "external")

StartEmbedded = Callable[[bool, bool], EmbeddedServers]  # (postgres wanted, redis wanted) -> started servers


class ServersUnavailableError(RuntimeError):
    """Mode `external`, and a server neither given nor answering on localhost."""


@dataclass
class Servers:
    """The PostgreSQL and Redis to use, and where each came from (given, localhost or embedded)."""

    postgres_url: str  # a URL to the server's maintenance database (or the one given)
    redis_url: str  # as given; localhost's and embedded ones without a database index
    postgres_source: str
    redis_source: str
    embedded: EmbeddedServers | None = None

    @property
    def source(self) -> str:
        """One word for both: `localhost`, `embedded`, `given`, or two joined by `+` when they differ."""
        if self.postgres_source == self.redis_source:
            return self.postgres_source
        return f"{self.postgres_source}+{self.redis_source}"

    def stop(self) -> None:
        """Stop the embedded servers, if any (given and localhost servers are not ours to stop)."""
        if self.embedded is not None:
            self.embedded.stop()


def mode_from(variable: str) -> str:
    """The servers mode named by an environment variable: auto (default), embedded or external."""
    mode = os.environ.get(variable, "auto").strip().lower() or "auto"
    if mode not in MODES:
        raise ValueError(f"{variable}={mode!r}: choose one of {', '.join(MODES)}")
    return mode


def url_answers(url: str, default_port: int) -> bool:
    """Whether something accepts TCP connections at the URL's host and port."""
    parts = urlsplit(url.replace("postgresql+psycopg", "postgresql"))
    return tcp_answers(parts.hostname or "127.0.0.1", parts.port or default_port)


def locate(
    *,
    start_embedded: StartEmbedded,
    postgres_url: str | None = None,
    redis_url: str | None = None,
    mode: str = "auto",
) -> Servers:
    """The servers to use under the rule above; the caller stops `Servers.embedded` when done."""
    if mode == "embedded":
        postgres_url = redis_url = None
    pg_url, pg_source = (postgres_url, "given") if postgres_url else (DEFAULT_POSTGRES, "localhost")
    rd_url, rd_source = (redis_url, "given") if redis_url else (DEFAULT_REDIS, "localhost")
    want_pg = mode == "embedded" or (not postgres_url and not url_answers(DEFAULT_POSTGRES, 5432))
    want_redis = mode == "embedded" or (not redis_url and not url_answers(DEFAULT_REDIS, 6379))
    if not (want_pg or want_redis):
        return Servers(pg_url, rd_url, pg_source, rd_source)
    if mode == "external":
        missing = " and ".join(name for name, want in (("PostgreSQL", want_pg), ("Redis", want_redis)) if want)
        raise ServersUnavailableError(f"{missing} neither given nor answering on localhost")
    embedded = start_embedded(want_pg, want_redis)
    if want_pg:
        pg_url, pg_source = embedded.postgres.url, "embedded"
    if want_redis:
        rd_url, rd_source = embedded.redis.url, "embedded"
    return Servers(pg_url, rd_url, pg_source, rd_source, embedded)
