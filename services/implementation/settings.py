"""Settings of the implementation service (tickets and the notifications worker)."""

from __future__ import annotations

from shared.settings import ServiceSettings


class ImplementationSettings(ServiceSettings):
    """Implementation service settings (environment variables, case-insensitive)."""

    api_port: int = 8003
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    smtp_timeout_seconds: float = 10.0
    mail_from: str = "Audisi <noreply@audisi.trenggalekkab.go.id>"
    public_base_url: str = "http://localhost:8003"
