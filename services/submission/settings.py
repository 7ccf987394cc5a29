"""Settings of the submission service."""

from __future__ import annotations

from pathlib import Path
from typing import Self

from pydantic import Field, SecretStr, model_validator

from shared.attachment_links import DEVELOPMENT_LINK_SECRET, check_link_secret
from shared.settings import Environment, ServiceSettings


class SubmissionSettings(ServiceSettings):
    """Submission service settings (environment variables, case-insensitive)."""

    attachments_dir: Path = Path(".audisi/attachments")
    attachment_max_bytes: int = 20 * 1024 * 1024
    # Verifies the judging service's signed links to attachments (same secret in both).
    attachment_link_secret: SecretStr = DEVELOPMENT_LINK_SECRET
    login_attempts_per_minute: int = 10
    import_max_bytes: int = 10 * 1024 * 1024

    # Links sent by email (the web front serves these pages; the API takes the token they carry).
    public_base_url: str = "http://localhost:8080"
    account_verify_path: str = "/akun/verifikasi-email"
    account_password_path: str = "/akun/atur-kata-sandi"  # noqa: S105 - a page path
    email_verification_minutes: int = Field(default=24 * 60, ge=5)
    password_reset_minutes: int = Field(default=60, ge=5)
    # Emailed links asked for one address (registration, claim, reset) per hour; ten times that per client address.
    account_emails_per_hour: int = Field(default=5, ge=1)
    # Development only: answers carry the emailed token, so the curl walk-through needs no mailbox.
    expose_account_tokens: bool | None = None
    # Sign-in through the regency's single sign-on (OpenID Connect): the issuer and the client id the web front
    # uses there (the audience of its ID tokens). Off while unset. The skew allows for clocks a little apart.
    sso_issuer: str | None = None
    sso_client_id: str | None = None
    sso_clock_skew_seconds: int = Field(default=60, ge=0, le=600)

    @model_validator(mode="after")
    def _account_tokens_only_in_development(self) -> Self:
        if self.expose_account_tokens is None:
            self.expose_account_tokens = self.environment == Environment.DEVELOPMENT
        if self.expose_account_tokens and self.environment == Environment.PRODUCTION:
            raise ValueError("EXPOSE_ACCOUNT_TOKENS must not be set in production")
        check_link_secret(self.environment, self.attachment_link_secret)
        if bool(self.sso_issuer) != bool(self.sso_client_id):
            raise ValueError("SSO_ISSUER and SSO_CLIENT_ID must be set together")
        return self
