"""In-app notifications and preferences over HTTP."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.testclient import TestClient

from services.implementation.notifications.service import record_job
from services.implementation.tests.notifications.test_jobs import USER, requested
from shared.auth import Role
from shared.db import unit_of_work


def seed_notifications(runtime: Any, count: int) -> None:
    with unit_of_work(runtime.session_factory) as session:
        for n in range(count):
            record_job(session, requested(key=f"k{n}"))


def test_user_lists_own_notifications_only(implementation_runtime: Any, client: TestClient, tokens: Any) -> None:
    seed_notifications(implementation_runtime, 2)
    mine = client.get("/api/v1/notifications", headers=tokens(Role.PARTICIPANT, user_id=USER)).json()
    assert (len(mine["items"]), mine["unread"]) == (2, 2)
    assert mine["items"][0]["template"] == "ticket_status_changed"
    others = client.get("/api/v1/notifications", headers=tokens(Role.PARTICIPANT, user_id=uuid.uuid4())).json()
    assert others["items"] == []


def test_mark_read_and_read_all(implementation_runtime: Any, client: TestClient, tokens: Any) -> None:
    seed_notifications(implementation_runtime, 3)
    me = tokens(Role.PARTICIPANT, user_id=USER)
    first = client.get("/api/v1/notifications", headers=me).json()["items"][0]
    read = client.post(f"/api/v1/notifications/{first['id']}/read", headers=me)
    assert read.status_code == 200
    assert read.json()["read_at"] is not None
    assert client.get("/api/v1/notifications", headers=me).json()["unread"] == 2
    assert client.post("/api/v1/notifications/read-all", headers=me).json() == {"marked": 2}
    assert client.get("/api/v1/notifications", headers=me, params={"unread": True}).json()["items"] == []


def test_cannot_mark_someone_elses_notification(implementation_runtime: Any, client: TestClient, tokens: Any) -> None:
    seed_notifications(implementation_runtime, 1)
    item = client.get("/api/v1/notifications", headers=tokens(Role.PARTICIPANT, user_id=USER)).json()["items"][0]
    response = client.post(f"/api/v1/notifications/{item['id']}/read", headers=tokens(Role.PARTICIPANT))
    assert response.status_code == 404


def test_preferences_default_and_update(implementation_runtime: Any, client: TestClient, tokens: Any) -> None:
    officer = tokens(Role.AGENCY, agency="DINKES")
    defaults = {
        "email_enabled": True,
        "in_app_enabled": True,
        "daily_digest": False,
        "language": "id",
        "whatsapp_phone": None,
        "whatsapp_enabled": False,
    }
    assert client.get("/api/v1/notifications/preferences", headers=officer).json() == defaults
    response = client.put("/api/v1/notifications/preferences", headers=officer, json={"daily_digest": True})
    assert response.json() == {**defaults, "daily_digest": True}


def test_participant_cannot_choose_digest(implementation_runtime: Any, client: TestClient, tokens: Any) -> None:
    response = client.put(
        "/api/v1/notifications/preferences", headers=tokens(Role.PARTICIPANT), json={"daily_digest": True}
    )
    assert (response.status_code, response.json()["error"]["code"]) == (422, "digest_not_available")
