"""Webhook targets (SSRF): production refuses loopback, private, link-local and metadata addresses, and names
that resolve to them, at registration and at every delivery, without sending them a single packet."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from services.implementation.settings import ImplementationSettings
from services.implementation.tests.conftest import SilentServer
from services.implementation.tests.helpers import open_ticket
from services.implementation.tests.webhooks.conftest import Receiver
from services.implementation.tests.webhooks.test_delivery import deliveries, send
from services.implementation.webhooks.schemas import WebhookCreate
from services.implementation.webhooks.service import create_subscription
from services.implementation.webhooks.targets import BlockedTargetError, check_url, system_resolver
from shared.auth import Principal, Role
from shared.errors import AppError

JWT = "x" * 40
RESOLVES = {
    "intranet.example.go.id": ["10.20.30.40"],
    "metadata.example.go.id": ["169.254.169.254"],
    "mixed.example.go.id": ["203.0.113.7", "127.0.0.1"],  # one public and one loopback address: refused
    "v6loop.example.go.id": ["::1"],
    "mapped.example.go.id": ["::ffff:10.0.0.1"],
    "public.example.go.id": ["8.8.8.8"],
}


def fake_resolver(host: str, _port: int) -> list[str]:
    """A resolver that never asks the network."""
    if host in RESOLVES:
        return RESOLVES[host]
    raise OSError(f"unknown host {host}")


def production(runtime: Any, **overrides: Any) -> ImplementationSettings:
    values = {
        "environment": "production",
        "jwt_secret": JWT,
        "database_url": runtime.settings.database_url,
        "smtp_host": "mail.example.go.id",
    }
    return ImplementationSettings(**{**values, **overrides})


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://127.0.0.1/hook", "private_address"),
        ("https://10.1.2.3/hook", "private_address"),
        ("https://169.254.169.254/latest/meta-data/", "private_address"),
        ("https://[::1]:8443/hook", "private_address"),
        ("https://localhost/hook", "private_address"),  # a real name that resolves to 127.0.0.1
        ("https://intranet.example.go.id/hook", "private_address"),
        ("https://metadata.example.go.id/hook", "private_address"),
        ("https://mixed.example.go.id/hook", "private_address"),
        ("https://v6loop.example.go.id/hook", "private_address"),
        ("https://mapped.example.go.id/hook", "private_address"),
        ("http://public.example.go.id/hook", "https_required"),
    ],
)
def test_production_refuses_internal_targets(implementation_runtime: Any, url: str, reason: str) -> None:
    settings = production(implementation_runtime)

    def resolve(host: str, port: int) -> list[str]:
        return system_resolver(host, port) if host == "localhost" else fake_resolver(host, port)

    with pytest.raises(BlockedTargetError) as refused:
        check_url(url, settings, resolve)
    assert refused.value.reason == reason


def test_production_accepts_a_public_https_target(implementation_runtime: Any) -> None:
    check_url("https://public.example.go.id/hook", production(implementation_runtime), fake_resolver)


def test_production_settings_refuse_a_private_allow_list(implementation_runtime: Any) -> None:
    with pytest.raises(ValidationError, match="WEBHOOK_ALLOWED_PRIVATE_NETWORKS is for development and tests only"):
        production(implementation_runtime, webhook_allowed_private_networks=["127.0.0.0/8"])
    assert production(implementation_runtime).webhook_private_networks == []


def test_test_settings_allow_only_the_listed_private_networks(implementation_runtime: Any) -> None:
    settings = implementation_runtime.settings.model_copy(update={"webhook_allowed_private_networks": []})
    with pytest.raises(BlockedTargetError):
        check_url("http://127.0.0.1:9000/hook", settings, fake_resolver)
    check_url("http://127.0.0.1:9000/hook", implementation_runtime.settings, fake_resolver)  # default: loopback


def test_registration_refuses_internal_target_in_both_languages(
    implementation_runtime: Any, client: TestClient, tokens: Any
) -> None:
    officer = tokens(Role.AGENCY, agency="DISDUKCAPIL")
    url = "http://169.254.169.254/latest/meta-data/"
    response = client.post("/api/v1/webhooks", headers=officer, json={"url": url})
    assert (response.status_code, response.json()["error"]["code"]) == (422, "webhook_url_refused")
    assert response.json()["error"]["details"] == {"reason": "private_address"}
    assert response.json()["error"]["message"] == "Alamat webhook mengarah ke jaringan internal atau lokal"
    english = client.post("/api/v1/webhooks", headers={**officer, "Accept-Language": "en"}, json={"url": url})
    assert english.json()["error"]["message"] == "The webhook URL points at an internal or local network address"
    assert client.get("/api/v1/webhooks", headers=officer).json() == []


def test_production_registration_refuses_a_name_resolving_to_a_private_address(implementation_runtime: Any) -> None:
    officer = Principal(uuid.uuid4(), Role.AGENCY, "DISDUKCAPIL", "Petugas", None)
    data = WebhookCreate.model_validate({"url": "https://intranet.example.go.id/hook"})
    with implementation_runtime.session_factory() as session:
        with pytest.raises(AppError) as refused:
            create_subscription(
                session,
                principal=officer,
                data=data,
                settings=production(implementation_runtime),
                resolve=fake_resolver,
            )
        assert refused.value.code == "webhook_url_refused"


def test_delivery_to_an_internal_address_is_refused_without_a_packet(
    implementation_runtime: Any, silent_server: SilentServer
) -> None:
    # Registered where loopback was allowed (or while the name pointed elsewhere): production's check at delivery
    # refuses it before connecting.
    officer = Principal(uuid.uuid4(), Role.AGENCY, "DISDUKCAPIL", "Petugas", None)
    data = WebhookCreate.model_validate({"url": f"https://127.0.0.1:{silent_server.port}/hook"})
    with implementation_runtime.session_factory() as session:
        create_subscription(session, principal=officer, data=data, settings=implementation_runtime.settings)
    open_ticket(implementation_runtime.session_factory)
    settings = production(implementation_runtime, webhook_timeout_seconds=1.0)
    assert send(implementation_runtime, settings) == "pending"
    [row] = deliveries(implementation_runtime)
    assert (row.attempts, row.last_error, row.last_status_code) == (1, "private_address", None)
    assert silent_server.accepted == []


def test_delivery_over_plain_http_is_refused_in_production(
    implementation_runtime: Any, client: TestClient, tokens: Any, receiver: Receiver
) -> None:
    response = client.post(
        "/api/v1/webhooks", headers=tokens(Role.AGENCY, agency="DISDUKCAPIL"), json={"url": receiver.url}
    )
    assert response.status_code == 201
    open_ticket(implementation_runtime.session_factory)
    assert send(implementation_runtime, production(implementation_runtime)) == "pending"
    [row] = deliveries(implementation_runtime)
    assert (row.attempts, row.last_error) == (1, "https_required")
    assert receiver.received == []
