"""Settings of the submission service."""

from __future__ import annotations

from pathlib import Path

from shared.settings import ServiceSettings


class SubmissionSettings(ServiceSettings):
    """Submission service settings (environment variables, case-insensitive)."""

    api_port: int = 8001
    attachments_dir: Path = Path(".audisi/attachments")
    attachment_max_bytes: int = 20 * 1024 * 1024
    login_attempts_per_minute: int = 10
    import_max_bytes: int = 10 * 1024 * 1024
