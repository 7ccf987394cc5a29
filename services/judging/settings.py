"""Settings of the judging service."""

from __future__ import annotations

from typing import Self

from pydantic import Field, SecretStr, model_validator

from shared.attachment_links import DEVELOPMENT_LINK_SECRET, check_link_secret
from shared.settings import ServiceSettings


class JudgingSettings(ServiceSettings):
    """Judging service settings (environment variables, case-insensitive)."""

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
    # Signed links to an idea's attachments, served by the submission service (same secret in both).
    attachment_link_secret: SecretStr = DEVELOPMENT_LINK_SECRET
    attachment_link_seconds: int = Field(default=300, ge=30, le=3600, description="how long a link works")
    submission_public_url: str = Field(
        default="http://localhost:8001", description="the submission API as judges' devices reach it"
    )

    @model_validator(mode="after")
    def _refuse_development_link_secret(self) -> Self:
        check_link_secret(self.environment, self.attachment_link_secret)
        return self
