"""Settings: a process that is not told where it runs is production, and refuses the development secret."""

from __future__ import annotations

import os
import subprocess

import pytest

from audisi.services import ROOT
from audisi.stack import resolve_command
from shared.settings import DEVELOPMENT_SECRET, Environment, ServiceSettings

DATABASE_URL = "postgresql+psycopg://unused@127.0.0.1:1/none"


def test_settings_without_environment_are_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ENVIRONMENT", raising=False)
    settings = ServiceSettings(database_url=DATABASE_URL, jwt_secret="r" * 40)
    assert settings.environment == Environment.PRODUCTION


def test_settings_without_environment_refuse_the_development_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ENVIRONMENT", raising=False)
    monkeypatch.delenv("JWT_SECRET", raising=False)
    with pytest.raises(ValueError, match="JWT_SECRET must be set"):
        ServiceSettings(database_url=DATABASE_URL)
    with pytest.raises(ValueError, match="JWT_SECRET must be set"):
        ServiceSettings(database_url=DATABASE_URL, jwt_secret=DEVELOPMENT_SECRET)


def test_development_and_test_accept_the_development_secret_when_said_explicitly() -> None:
    for environment in ("development", "test"):
        settings = ServiceSettings(environment=environment, database_url=DATABASE_URL)
        assert settings.jwt_secret.get_secret_value() == DEVELOPMENT_SECRET


@pytest.mark.parametrize("command", [("audisi", "api", "submission"), ("audisi", "worker", "judging")])
def test_process_started_without_environment_refuses_to_start_without_a_secret(command: tuple[str, ...]) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("ENVIRONMENT", "JWT_SECRET")}
    env["DATABASE_URL"] = DATABASE_URL
    result = subprocess.run(
        resolve_command(command), env=env, cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 2
    assert "JWT_SECRET must be set to a random value of at least 32 characters in production" in result.stderr


@pytest.mark.parametrize("service", ["submission", "judging"])
def test_production_refuses_the_development_attachment_link_secret(service: str) -> None:
    from services.judging.settings import JudgingSettings
    from services.submission.settings import SubmissionSettings

    settings_class = {"submission": SubmissionSettings, "judging": JudgingSettings}[service]
    production = {"environment": "production", "database_url": DATABASE_URL, "jwt_secret": "r" * 40}
    with pytest.raises(ValueError, match="ATTACHMENT_LINK_SECRET must be set to the same random value"):
        settings_class(**production)
    with pytest.raises(ValueError, match="ATTACHMENT_LINK_SECRET must be set"):
        settings_class(**production, attachment_link_secret="short")
    chosen = settings_class(**production, attachment_link_secret="l" * 40)
    assert chosen.attachment_link_secret.get_secret_value() == "l" * 40
