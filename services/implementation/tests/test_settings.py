"""Implementation settings: production never mails through the development mail catcher."""

from __future__ import annotations

import pytest

from services.implementation.settings import ImplementationSettings

DATABASE_URL = "postgresql+psycopg://unused@127.0.0.1:1/none"


def test_production_refuses_to_start_without_an_smtp_host(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SMTP_HOST", raising=False)
    with pytest.raises(ValueError, match="SMTP_HOST must name the mail server in production"):
        ImplementationSettings(environment="production", database_url=DATABASE_URL, jwt_secret="r" * 40)


def test_production_uses_the_smtp_host_it_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMTP_HOST", "mail.trenggalekkab.go.id")
    settings = ImplementationSettings(environment="production", database_url=DATABASE_URL, jwt_secret="r" * 40)
    assert settings.smtp_host == "mail.trenggalekkab.go.id"


def test_development_defaults_to_the_local_mail_catcher(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SMTP_HOST", raising=False)
    settings = ImplementationSettings(environment="development", database_url=DATABASE_URL)
    assert (settings.smtp_host, settings.smtp_port) == ("127.0.0.1", 1025)


def test_whatsapp_is_off_by_default_and_a_gateway_url_needs_its_token(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("WHATSAPP_GATEWAY_URL", "WHATSAPP_GATEWAY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    assert ImplementationSettings(environment="development", database_url=DATABASE_URL).whatsapp_gateway_url is None
    monkeypatch.setenv("WHATSAPP_GATEWAY_URL", "")  # as docker compose passes an unset one: still off
    assert not ImplementationSettings(environment="development", database_url=DATABASE_URL).whatsapp_gateway_url
    monkeypatch.setenv("WHATSAPP_GATEWAY_URL", "https://wa-gateway.example.go.id/send")
    with pytest.raises(ValueError, match="WHATSAPP_GATEWAY_TOKEN is required when WHATSAPP_GATEWAY_URL is set"):
        ImplementationSettings(environment="development", database_url=DATABASE_URL)
    monkeypatch.setenv("WHATSAPP_GATEWAY_TOKEN", "t" * 32)
    settings = ImplementationSettings(environment="development", database_url=DATABASE_URL)
    assert (settings.whatsapp_gateway_url, settings.whatsapp_gateway_token) == (
        "https://wa-gateway.example.go.id/send",
        "t" * 32,
    )
