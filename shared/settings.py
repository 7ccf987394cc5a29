"""Settings base: every process reads its configuration from environment variables, validated at start-up."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Self, TypeVar

from pydantic import Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_SECRET = "audisi-development-secret-change-me-0123456789"  # noqa: S105 - refused in production


class Environment(StrEnum):
    """Where a process runs; production (the default) refuses development defaults."""

    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class ServiceSettings(BaseSettings):
    """Settings common to every Audisi process (API, worker, relay, beat, migrations)."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # Production unless said otherwise: a process started without ENVIRONMENT must never accept the
    # development secret that is in the repository. `make run` says development, the tests say test.
    environment: Environment = Environment.PRODUCTION
    database_url: str = Field(description="SQLAlchemy URL of this service's own database")
    redis_url: str = Field(default="redis://127.0.0.1:6379/0", description="Celery broker and ack lists")

    # Pool sized for a threadpool of FastAPI sync routes: 60 judges saving at once share ~20 connections;
    # a request holds a connection only for its one short transaction.
    db_pool_size: int = 10
    db_max_overflow: int = 10
    db_pool_timeout_seconds: float = 10.0

    jwt_secret: SecretStr = SecretStr(DEVELOPMENT_SECRET)
    jwt_issuer: str = "audisi"
    jwt_audience: str = "audisi"
    access_token_minutes: int = 8 * 60  # one audition day
    # Sign-out, deactivation and role, agency, work unit or password changes void a person's tokens in every service
    # within this many seconds (each process caches a user's revocation time this long; see shared/revocation).
    auth_revocation_cache_seconds: float = Field(default=30.0, ge=0, le=60)
    # An external OpenID Connect issuer (a regency SSO): tokens signed by its JWKS keys are accepted too.
    oidc_issuer: str | None = None
    oidc_audience: str | None = None
    oidc_jwks_url: str | None = None
    oidc_role_claim: str = "audisi_role"
    oidc_agency_claim: str = "audisi_agency"

    # Celery/Redis: a message taken by a worker that dies unacknowledged returns to the queue after this
    # long. It must exceed the longest task (an SMTP send with retries is < 2 min), or a slow task would be
    # delivered twice; it bounds how late a message of a SIGKILLed worker comes back.
    broker_visibility_timeout_seconds: int = 3600
    # Outbox: an event not acknowledged by its consumer this long after publishing is sent again (doubling
    # each attempt). It is what recovers messages lost with a Redis restart (Redis keeps nothing on disk).
    outbox_redeliver_after_seconds: float = 300.0
    outbox_max_attempts: int = 12
    # The relay wakes on PostgreSQL NOTIFY at once; this poll only catches what a lost notification missed.
    outbox_poll_seconds: float = 2.0
    outbox_batch_size: int = 500
    # Dead letters and retention (ARCHITECTURE.md, "Delivery"). A consumer parks a message it failed on (or
    # whose worker died under it) this many times, instead of trying it forever.
    consumer_max_tries: int = 5
    # Acknowledged outbox rows are deleted after this long; inbox rows (the dedupe record) after the longer
    # period, which exceeds the outbox's whole redelivery schedule (~37 h with the defaults) by far.
    outbox_retention_days: float = 7.0
    inbox_retention_days: float = 30.0
    outbox_prune_every_seconds: float = 3600.0

    max_request_body_bytes: int = 1_048_576
    log_level: str = "INFO"
    log_json: bool = True

    @model_validator(mode="after")
    def _refuse_development_secrets(self) -> Self:
        if self.environment == Environment.PRODUCTION and (
            self.jwt_secret.get_secret_value() == DEVELOPMENT_SECRET or len(self.jwt_secret.get_secret_value()) < 32
        ):
            raise ValueError(
                "JWT_SECRET must be set to a random value of at least 32 characters in production "
                "(ENVIRONMENT=development or test for a local run)"
            )
        if bool(self.oidc_jwks_url) != bool(self.oidc_issuer):
            raise ValueError("OIDC_ISSUER and OIDC_JWKS_URL must be set together")
        return self


S = TypeVar("S", bound=BaseSettings)


def load_settings(settings_class: type[S]) -> S:
    """Build settings from the environment, or exit with a readable list of what is wrong."""
    try:
        return settings_class()
    except ValidationError as exc:
        lines = [f"Configuration error in {settings_class.__name__}:"]
        for error in exc.errors():
            name = "_".join(str(part) for part in error["loc"]).upper() or "(settings)"
            lines.append(f"  - {name}: {error['msg']}")
        print("\n".join(lines), file=sys.stderr)
        raise SystemExit(2) from exc
