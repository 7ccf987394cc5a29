"""Per-process wiring of a service: its settings, engine and sessions, created once and lazily."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from typing import Generic, TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from shared.db import make_engine, make_session_factory
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

    def dispose(self) -> None:
        """Close pooled connections (before a fork, at shutdown, on reconfigure)."""
        if "engine" in self.__dict__:
            self.engine.dispose()
            del self.__dict__["engine"]
        self.__dict__.pop("session_factory", None)

    def configure_logging(self) -> None:
        """JSON logs tagged with this service."""
        configure_logging(self.name, level=self.settings.log_level, json=self.settings.log_json)

    def get_session(self) -> Iterator[Session]:
        """FastAPI dependency: a session per request, rolled back unless the service layer committed."""
        with self.session_factory() as session:
            yield session
