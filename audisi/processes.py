"""The one list of long-running processes: docker-compose.yml runs these commands, and so do `make run`
and the end-to-end tests. A test checks that the compose file says exactly the same."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Process:
    """One long-running process of the stack."""

    name: str
    service: str
    command: tuple[str, ...]
    http_port: int | None = None


PROCESSES: tuple[Process, ...] = (
    Process("submission-api", "submission", ("audisi", "api", "submission"), 8001),
    Process("judging-api", "judging", ("audisi", "api", "judging"), 8002),
    Process("implementation-api", "implementation", ("audisi", "api", "implementation"), 8003),
    Process("web", "web", ("audisi", "api", "web"), 8080),
    Process("submission-worker", "submission", ("audisi", "worker", "submission")),
    Process("judging-worker", "judging", ("audisi", "worker", "judging")),
    Process("implementation-worker", "implementation", ("audisi", "worker", "implementation")),
    Process(
        "notifications-worker", "implementation", ("audisi", "worker", "implementation", "--queues", "notifications")
    ),
    Process("webhooks-worker", "implementation", ("audisi", "worker", "implementation", "--queues", "webhooks")),
    Process("submission-relay", "submission", ("audisi", "relay", "submission")),
    Process("judging-relay", "judging", ("audisi", "relay", "judging")),
    Process("implementation-relay", "implementation", ("audisi", "relay", "implementation")),
    Process("implementation-beat", "implementation", ("audisi", "beat", "implementation")),
)

#: One-shot jobs the APIs wait for (compose: `service_completed_successfully`).
MIGRATIONS: tuple[Process, ...] = tuple(
    Process(f"{name}-migrate", name, ("audisi", "migrate", name))
    for name in ("submission", "judging", "implementation")
)
