"""Per-process wiring of a service: its settings, engine and sessions, created once and lazily."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from functools import cached_property
from typing import Generic, TypeVar

from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session, sessionmaker

from shared.db import make_async_engine, make_async_session_factory, make_engine, make_session_factory
from shared.logging import configure_logging
from shared.settings import ServiceSettings, load_settings

S = TypeVar("S", bound=ServiceSettings)


class ServiceRuntime(Generic[S]):
    """The one place a process gets its settings, engine and session factory from.

    Nothing connects at import time: tests point a runtime at their own database with `configure`.
    """

    def __init__(self, name: str, settings_class: type[S]) -> None:
        self.name = name
        self.settings_class = settings_class
        self._settings: S | None = None
        self._async: tuple[asyncio.AbstractEventLoop, AsyncEngine, async_sessionmaker[AsyncSession]] | None = None

    @property
    def settings(self) -> S:
        """Settings from the environment, validated on first use."""
        if self._settings is None:
            self._settings = load_settings(self.settings_class)
        return self._settings

    def configure(self, settings: S) -> None:
        """Use these settings instead of the environment's (tests, tools); drops any existing engine."""
        self.dispose()
        self._settings = settings

    @cached_property
    def engine(self) -> Engine:
        """The process's pooled engine."""
        return make_engine(self.settings)

    @cached_property
    def session_factory(self) -> sessionmaker[Session]:
        """Sessions bound to the engine."""
        return make_session_factory(self.engine)

    @property
    def async_session_factory(self) -> async_sessionmaker[AsyncSession]:
        """Async sessions on a pool of psycopg async connections (the hot routes: no worker thread).

        One pool per event loop: a server has one loop, but each test client runs its own, and an asyncio
        connection must not wander to another loop.
        """
        loop = asyncio.get_running_loop()
        if self._async is None or self._async[0] is not loop:
            engine = make_async_engine(self.settings)
            self._async = (loop, engine, make_async_session_factory(engine))
        return self._async[2]

    async def dispose_async(self) -> None:
        """Close the async pool's connections (at the app's shutdown, on its loop)."""
        if self._async is not None:
            engine, self._async = self._async[1], None
            await engine.dispose()

    def dispose(self) -> None:
        """Close pooled connections (before a fork, at shutdown, on reconfigure)."""
        if "engine" in self.__dict__:
            self.engine.dispose()
            del self.__dict__["engine"]
        self.__dict__.pop("session_factory", None)
        self._async = None  # its connections belong to a loop: closed by `dispose_async` on it, or dropped

    def configure_logging(self) -> None:
        """JSON logs tagged with this service."""
        configure_logging(self.name, level=self.settings.log_level, json=self.settings.log_json)

    def get_session(self) -> Iterator[Session]:
        """FastAPI dependency: a session per request, rolled back unless the service layer committed."""
        with self.session_factory() as session:
            yield session
