"""The registry of Audisi's services: where each one's app, worker, migrations and seed live.

Only import paths as strings: this module never imports a service, so no service imports another.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class ServiceSpec:
    """How to run one service."""

    name: str
    api_port: int
    queues: tuple[str, ...]
    beat: bool = False
    #: Called by the service's relay on every pass (`package.module:function`).
    relay_hook: str | None = None

    @property
    def metrics_port(self) -> int:
        """The default port of the API's Prometheus metrics (never the public API port)."""
        return self.api_port + 1000

    @property
    def package(self) -> str:
        """The service's Python package."""
        return f"services.{self.name}"

    @property
    def app_path(self) -> str:
        """The ASGI app, for uvicorn."""
        return f"{self.package}.main:app"

    @property
    def celery_path(self) -> str:
        """The Celery app, for workers, beat and the relay."""
        return f"{self.package}.worker:celery_app"

    @property
    def runtime_path(self) -> str:
        """The service's runtime (settings, engine)."""
        return f"{self.package}.db:runtime"

    @property
    def seed_path(self) -> str:
        """The demo-data loader."""
        return f"{self.package}.seed:seed"

    @property
    def migrations_dir(self) -> Path:
        """The service's Alembic folder."""
        return ROOT / "services" / self.name / "migrations"


SERVICES: dict[str, ServiceSpec] = {
    spec.name: spec
    for spec in (
        ServiceSpec(
            "submission", 8001, ("submission",), relay_hook="services.submission.accounts.sessions:restore_if_lost"
        ),
        ServiceSpec("judging", 8002, ("judging",)),
        ServiceSpec("implementation", 8003, ("implementation", "notifications"), beat=True),
    )
}


@dataclass(frozen=True)
class FrontSpec:
    """The web front: pages on the server, calling the services' APIs; no database, worker or seed."""

    name: str
    api_port: int

    @property
    def app_path(self) -> str:
        """The ASGI app, for uvicorn."""
        return f"services.{self.name}.main:app"


#: The web front (http://localhost:8080): the pages, and the services' APIs under the same origin.
WEB = FrontSpec("web", 8080)


def load(path: str) -> object:
    """Import `package.module:attribute`."""
    import importlib

    module_name, _, attribute = path.partition(":")
    return getattr(importlib.import_module(module_name), attribute)
