"""Settings of the web front: where the three services' APIs are, and the secret that signs its forms."""

from __future__ import annotations

from typing import Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.settings import Environment

DEVELOPMENT_FORM_SECRET = "audisi-web-development-secret-change-me-0123"  # noqa: S105 - refused in production


class WebSettings(BaseSettings):
    """Web front settings (environment variables, case-insensitive). It has no database."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # Production when unset, as the services: a forgotten variable must not accept the repository's form secret.
    environment: Environment = Environment.PRODUCTION
    # The services' APIs as this process reaches them (compose: their container names).
    submission_api_url: str = "http://127.0.0.1:8001"
    judging_api_url: str = "http://127.0.0.1:8002"
    implementation_api_url: str = "http://127.0.0.1:8003"
    api_timeout_seconds: float = 15.0
    # How long the front trusts the submission service's answer of who holds a token: the services' own window
    # for noticing a revoked session (the same variable), so a revocation shows everywhere within it.
    auth_revocation_cache_seconds: float = Field(default=30.0, ge=0, le=60)
    # Signs the CSRF tokens of forms; the session cookie is the API's own signed token.
    web_secret: SecretStr = SecretStr(DEVELOPMENT_FORM_SECRET)
    # Cookies only over HTTPS; on by default in production (behind the regency's TLS proxy).
    cookie_secure: bool | None = None
    default_edition: str = "ATA-2026"
    # Sign-in through the regency's single sign-on (OpenID Connect, authorization code with PKCE); off while
    # unset. The submission service must name the same issuer and client id: it verifies the ID tokens.
    sso_issuer: str | None = None
    sso_client_id: str | None = None
    sso_client_secret: SecretStr | None = None
    # Where the issuer sends the browser back; by default this front's /masuk/sso/kembali as the request saw it.
    sso_redirect_url: str | None = None
    # Request bodies, refused with 413 before they are read. A page's form carries text (an idea's longest
    # fields are 10 000 characters each); an upload carries files up to the services' own file limit
    # (ATTACHMENT_MAX_BYTES, EVIDENCE_MAX_BYTES: 20 MB) with room for the multipart envelope.
    max_form_bytes: int = 1024 * 1024
    max_upload_bytes: int = 20 * 1024 * 1024 + 64 * 1024
    log_level: str = "INFO"
    log_json: bool = True

    @model_validator(mode="after")
    def _refuse_development_secret(self) -> Self:
        if self.environment == Environment.PRODUCTION and (
            self.web_secret.get_secret_value() == DEVELOPMENT_FORM_SECRET
            or len(self.web_secret.get_secret_value()) < 32
        ):
            raise ValueError("WEB_SECRET must be set to a random value of at least 32 characters in production")
        if self.sso_enabled != bool(self.sso_issuer or self.sso_client_id or self._sso_secret):
            raise ValueError("SSO_ISSUER, SSO_CLIENT_ID and SSO_CLIENT_SECRET must be set together")
        return self

    @property
    def sso_enabled(self) -> bool:
        """Whether the sign-in page offers the regency's single sign-on."""
        return bool(self.sso_issuer and self.sso_client_id and self._sso_secret)

    @property
    def _sso_secret(self) -> str:
        return self.sso_client_secret.get_secret_value() if self.sso_client_secret else ""

    @property
    def secure_cookies(self) -> bool:
        """Whether cookies carry the Secure flag."""
        if self.cookie_secure is not None:
            return self.cookie_secure
        return self.environment == Environment.PRODUCTION

    def api_url(self, service: str) -> str:
        """The base URL of one service's API."""
        return {
            "submission": self.submission_api_url,
            "judging": self.judging_api_url,
            "implementation": self.implementation_api_url,
        }[service].rstrip("/")
