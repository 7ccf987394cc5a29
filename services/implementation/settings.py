"""Settings of the implementation service (tickets and the notifications worker)."""

from __future__ import annotations

from ipaddress import IPv4Network, IPv6Network
from pathlib import Path
from typing import Self

from pydantic import Field, model_validator

from shared.settings import Environment, ServiceSettings


class ImplementationSettings(ServiceSettings):
    """Implementation service settings (environment variables, case-insensitive)."""

    # Evidence files of progress updates (photos, documents, PDF): a local volume, the attachments' size limit.
    evidence_dir: Path = Path(".audisi/evidence")
    evidence_max_bytes: int = 20 * 1024 * 1024
    smtp_host: str = "127.0.0.1"  # a local mail catcher: development and tests only; production must say
    smtp_port: int = 1025
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    # Each SMTP network operation may wait `smtp_timeout_seconds`; the whole exchange (connect to QUIT) is cut
    # at `smtp_send_deadline_seconds`, so the worst send has a bound that the job's lease can exceed.
    smtp_timeout_seconds: float = 10.0
    smtp_send_deadline_seconds: float = 60.0
    # Once the server has an email, a worker keeps trying to record it as sent through a database outage this
    # long. The lease covers the send and this window, so nobody takes the job over meanwhile.
    smtp_record_sent_within_seconds: float = 300.0
    # A send task claims up to this many due emails in one statement and sends them one after another over the
    # kept connection; it starts a send only within `smtp_send_deadline_seconds` of the claim (the lease adds
    # that window), and hands the rest back.
    smtp_batch_size: int = Field(default=25, ge=1, le=500)
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
    # WhatsApp through an HTTP gateway: off unless a URL is set; people opt in with a number in their preferences.
    whatsapp_gateway_url: str | None = None
    whatsapp_gateway_token: str | None = None
    whatsapp_timeout_seconds: float = 10.0
    whatsapp_max_attempts: int = 8
    whatsapp_retry_base_seconds: float = 10.0
    whatsapp_retry_max_seconds: float = 900.0
    webhook_max_attempts: int = 8
    webhook_retry_base_seconds: float = 10.0
    webhook_timeout_seconds: float = 10.0
    webhook_dispatch_seconds: float = 5.0
    # A dispatched delivery may wait this long in the webhooks queue before its lease must still cover the POST.
    webhook_queue_wait_seconds: float = 120.0
    # At most this many deliveries in flight per endpoint (in order of change), so one slow receiver holds at
    # most this many of the webhook worker's processes.
    webhook_concurrency_per_endpoint: int = 2
    # Circuit breaker: after this many failures in a row an endpoint gets nothing for `webhook_circuit_open_seconds`,
    # then one delivery at a time until one succeeds.
    webhook_circuit_failures: int = 5
    webhook_circuit_open_seconds: float = 300.0
    # Webhook targets must resolve to public addresses. Development and tests may allow private networks here
    # (unset: loopback only, for local receivers); production refuses to start with any.
    webhook_allowed_private_networks: list[IPv4Network | IPv6Network] | None = None
    # Deadlines: a ticket or milestone past its due date reminds the agency; this many days later, the committee.
    escalation_committee_after_days: int = 7
    escalation_interval_seconds: float = 3600.0
    # Daily digest for agency and committee users who chose it, sent at this hour, Asia/Jakarta.
    digest_hour_wib: int = 7

    @property
    def webhook_private_networks(self) -> list[IPv4Network | IPv6Network]:
        """The private networks webhook targets may be in: none in production, loopback unless set elsewhere."""
        if self.environment == Environment.PRODUCTION:
            return []
        if self.webhook_allowed_private_networks is None:
            return [IPv4Network("127.0.0.0/8"), IPv6Network("::1/128")]
        return self.webhook_allowed_private_networks

    @property
    def webhook_require_https(self) -> bool:
        """Plain http only for local receivers in development and tests."""
        return self.environment == Environment.PRODUCTION

    def email_batch_window_seconds(self) -> float:
        """How long after claiming a batch of emails its task may still start sending one of them."""
        return self.smtp_send_deadline_seconds

    def email_lease_seconds(self) -> float:
        """How long a worker holds a claimed email: the batch's window to start it, the worst send, then the
        window to record it as sent."""
        return (
            self.email_batch_window_seconds()
            + self.smtp_send_deadline_seconds
            + self.smtp_record_sent_within_seconds
            + 15.0
        )

    def whatsapp_lease_seconds(self) -> float:
        """How long a worker holds a claimed WhatsApp message: the whole POST (cut at 3 x the timeout), plus margin."""
        return 3 * self.whatsapp_timeout_seconds + 15.0

    def webhook_lease_seconds(self) -> float:
        """How long a claimed delivery is held: the wait in the webhooks queue, then the worst POST (connect,
        send, answer) with room to spare; the task sends only while that much of the lease is left."""
        return self.webhook_queue_wait_seconds + 4 * self.webhook_timeout_seconds

    @model_validator(mode="after")
    def _production_delivery(self) -> Self:
        if self.smtp_send_deadline_seconds < self.smtp_timeout_seconds:
            raise ValueError("SMTP_SEND_DEADLINE_SECONDS must be at least SMTP_TIMEOUT_SECONDS")
        if self.whatsapp_gateway_url and not self.whatsapp_gateway_token:
            raise ValueError("WHATSAPP_GATEWAY_TOKEN is required when WHATSAPP_GATEWAY_URL is set")
        if self.environment == Environment.PRODUCTION:
            # The default is a local mail catcher: in production, official email would vanish into it.
            if "smtp_host" not in self.model_fields_set:
                raise ValueError("SMTP_HOST must name the mail server in production")
            if self.webhook_allowed_private_networks:
                raise ValueError("WEBHOOK_ALLOWED_PRIVATE_NETWORKS is for development and tests only")
            lease = max(self.email_lease_seconds(), self.webhook_lease_seconds(), self.whatsapp_lease_seconds())
            if self.broker_visibility_timeout_seconds <= lease:
                # Redis would hand a running send's message to a second worker before the lease ends.
                raise ValueError(f"BROKER_VISIBILITY_TIMEOUT_SECONDS must exceed the longest lease ({lease:.0f} s)")
        return self
