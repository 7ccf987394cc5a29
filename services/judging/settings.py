"""Settings of the judging service."""

from __future__ import annotations

from pydantic import Field

from shared.settings import ServiceSettings


class JudgingSettings(ServiceSettings):
    """Judging service settings (environment variables, case-insensitive)."""

    api_port: int = 8002
    # Audition day keeps ~20 requests in the database at once (60 judges autosaving): 20 pooled connections,
    # kept open. With the base's 10 + 10 overflow, every overflow connection was closed on return and
    # reopened by the next request (a new PostgreSQL backend each time: the bench's profile showed it).
    db_pool_size: int = 20
    # Printed (and QR-coded) on every piagam; `{code}` becomes its verification code. Point it at the web
    # front's verification page once it has one; the default is this API's public JSON route.
    certificate_verify_url: str = Field(
        default="http://localhost:8002/api/v1/public/certificates/{code}",
        description="public URL where anyone checks a piagam, with {code}",
    )
