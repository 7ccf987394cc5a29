"""The daily digest: one email a day of the feed's news for agency and committee users who chose it."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from services.implementation.notifications.digest import send_digests
from services.implementation.tests.helpers import notifications, open_ticket
from shared.auth import Role


def digests(runtime: Any) -> list[dict[str, Any]]:
    with runtime.session_factory() as session:
        return [n for n in notifications(session) if n["template"] == "daily_digest"]


def test_digest_carries_own_agency_changes_once(implementation_runtime: Any, client: TestClient, tokens: Any) -> None:
    officer = tokens(Role.AGENCY, agency="DISDUKCAPIL", email="kabid@disdukcapil.example")
    client.put("/api/v1/notifications/preferences", headers=officer, json={"daily_digest": True})
    open_ticket(implementation_runtime.session_factory, agency="DISDUKCAPIL", title="Antar KTP")
    open_ticket(implementation_runtime.session_factory, agency="DINKES", title="Posyandu digital")
    with implementation_runtime.session_factory() as session:
        assert send_digests(session) == 1
    with implementation_runtime.session_factory() as session:
        assert send_digests(session) == 0  # nothing new since
    [digest] = digests(implementation_runtime)
    assert digest["recipient"]["email"] == "kabid@disdukcapil.example"
    assert [(c["title"], c["kind"]) for c in digest["context"]["changes"]] == [("Antar KTP", "created")]


def test_committee_digest_covers_every_agency(implementation_runtime: Any, client: TestClient, tokens: Any) -> None:
    client.put("/api/v1/notifications/preferences", headers=tokens(Role.COMMITTEE), json={"daily_digest": True})
    open_ticket(implementation_runtime.session_factory, agency="DISDUKCAPIL")
    open_ticket(implementation_runtime.session_factory, agency="DINKES")
    with implementation_runtime.session_factory() as session:
        send_digests(session)
    [digest] = digests(implementation_runtime)
    assert sorted(c["agency_code"] for c in digest["context"]["changes"]) == ["DINKES", "DISDUKCAPIL"]
