"""Settings of the implementation service (tickets and the notifications worker)."""

from __future__ import annotations

from typing import Self

from pydantic import model_validator

from shared.settings import Environment, ServiceSettings


class ImplementationSettings(ServiceSettings):
    """Implementation service settings (environment variables, case-insensitive)."""

    api_port: int = 8003
    smtp_host: str = "127.0.0.1"  # a local mail catcher: development and tests only; production must say
    smtp_port: int = 1025
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    smtp_timeout_seconds: float = 10.0
    mail_from: str = "Audisi <noreply@audisi.trenggalekkab.go.id>"
    public_base_url: str = "http://localhost:8003"
    committee_email: str = "panitia.ata@trenggalekkab.go.id"
    # Mail: a transient failure (connection refused, 4xx reply) is retried with exponential backoff (base,
    # 2x, 4x, ... capped), this many times: with the defaults a mail server may be down for about 1.5 hours.
    smtp_max_attempts: int = 15
    smtp_retry_base_seconds: float = 5.0
    smtp_retry_max_seconds: float = 600.0
    # The sweep queues due email jobs (retries after a backoff, jobs of a killed worker) this often; a job
    # queued but not sent within `smtp_requeue_after_seconds` (its task was lost) is queued again.
    smtp_sweep_seconds: float = 5.0
    smtp_requeue_after_seconds: float = 120.0
    # Webhooks: receivers that are down get the delivery again after base * 2**attempt, then a dead letter.
    webhook_max_attempts: int = 8
    webhook_retry_base_seconds: float = 10.0
    webhook_timeout_seconds: float = 10.0
    webhook_dispatch_seconds: float = 5.0
    # Deadlines: a ticket or milestone past its due date reminds the agency; this many days later, the committee.
    escalation_committee_after_days: int = 7
    escalation_interval_seconds: float = 3600.0
    # Daily digest for agency and committee users who chose it, sent at this hour, Asia/Jakarta.
    digest_hour_wib: int = 7

    @model_validator(mode="after")
    def _refuse_the_mail_catcher_in_production(self) -> Self:
        # The default is a local mail catcher: in production, official email would vanish into it.
        if self.environment == Environment.PRODUCTION and "smtp_host" not in self.model_fields_set:
            raise ValueError("SMTP_HOST must name the mail server in production")
        return self
