"""Settings of the judging service."""

from __future__ import annotations

from shared.settings import ServiceSettings


class JudgingSettings(ServiceSettings):
    """Judging service settings (environment variables, case-insensitive)."""

    api_port: int = 8002
