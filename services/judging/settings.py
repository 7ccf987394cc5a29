"""Settings of the judging service."""

from __future__ import annotations

from pydantic import Field

from shared.settings import ServiceSettings


class JudgingSettings(ServiceSettings):
    """Judging service settings (environment variables, case-insensitive)."""

    # Printed (and QR-coded) on every piagam; `{code}` becomes its verification code. Point it at the web
    # front's verification page once it has one; the default is this API's public JSON route.
    certificate_verify_url: str = Field(
        default="http://localhost:8002/api/v1/public/certificates/{code}",
        description="public URL where anyone checks a piagam, with {code}",
    )
