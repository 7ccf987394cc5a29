"""The foundation contract over HTTP: exactly the calls the lead's end-to-end test makes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text

from services.submission.accounts.commands import create_user
from services.submission.tests.factories import verify_registration
from shared.auth import Role
from shared.db import utcnow

IDEA = {
    "edition_code": "ATA-2026",
    "title": "Antrean daring KTP elektronik",
    "problem": "Warga antre berjam-jam untuk mencetak KTP elektronik.",
    "solution": "Antrean daring lewat WhatsApp dengan jadwal per desa.",
    "beneficiaries": "Warga desa terpencil dan lansia",
    "time_saved_minutes_per_case": 90,
    "cost_saved_per_year_rp": 45000000,
    "estimated_budget_rp": 15000000,
    "partners": [{"name": "Karang Taruna", "kind": "community"}],
    "target_agency_code": "DISDUKCAPIL",
    "service_area": "kependudukan",
}


def _login(client: TestClient, username: str, password: str) -> dict[str, str]:
    response = client.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_contract_flow_register_submit_screen_withdraw(client: TestClient, submission_runtime: Any) -> None:
    create_user(role="admin", email="admin@audisi.test", password="admin-pass-1", name="Admin", agency_code=None)
    admin = _login(client, "admin@audisi.test", "admin-pass-1")
    created = client.post(
        "/api/v1/accounts",
        headers=admin,
        json={
            "role": "committee",
            "email": "panitia@audisi.test",
            "name": "Panitia",
            "password": "panitia-pass",
            "agency_code": "BKPSDM",
        },
    )
    assert created.status_code == 201, created.text
    assert created.json()["role"] == "committee"
    committee = _login(client, "panitia@audisi.test", "panitia-pass")
    now = utcnow()
    edition = client.post(
        "/api/v1/editions",
        headers=committee,
        json={
            "code": "ATA-2026",
            "name": "ASN Talent Academy 2026",
            "year": 2026,
            "submission_opens_at": (now - timedelta(days=1)).isoformat(),
            "submission_closes_at": (now + timedelta(days=30)).isoformat(),
        },
    )
    assert edition.status_code == 201, edition.text
    registered = client.post(
        "/api/v1/participants/register",
        json={
            "nip": "198504122010031001",
            "name": "Siti Rahayu",
            "email": "siti@trenggalekkab.go.id",
            "phone": "081234567890",
            "password": "rahasia-123",
            "position_group": "pelaksana",
            "agency_code": "DINKES",
        },
    )
    assert registered.status_code == 202, registered.text
    verify_registration(client, submission_runtime.engine, "siti@trenggalekkab.go.id")
    by_nip = _login(client, "198504122010031001", "rahasia-123")
    login = client.post("/api/v1/auth/login", json={"username": "SITI@trenggalekkab.go.id", "password": "rahasia-123"})
    assert login.json()["token_type"] == "bearer"
    assert login.json()["user"]["role"] == "participant"
    assert login.json()["user"]["agency_code"] == "DINKES"
    me = client.get("/api/v1/auth/me", headers=by_nip)
    assert me.json()["email"] == "siti@trenggalekkab.go.id"

    draft = client.post("/api/v1/ideas", headers=by_nip, json=IDEA)
    assert draft.status_code == 201, draft.text
    assert draft.json()["status"] == "draft"
    idea_id = draft.json()["id"]
    submitted = client.post(f"/api/v1/ideas/{idea_id}/submit", headers=by_nip)
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["status"] == "submitted"
    screened = client.post(
        f"/api/v1/ideas/{idea_id}/screening", headers=committee, json={"eligible": True, "reason": None}
    )
    assert screened.status_code == 200, screened.text
    assert screened.json()["status"] == "eligible"
    withdrawn = client.post(f"/api/v1/ideas/{idea_id}/withdraw", headers=by_nip, json={"reason": "Pindah tugas"})
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["status"] == "withdrawn"

    with submission_runtime.engine.connect() as conn:
        types = conn.execute(text("SELECT event_type FROM outbox_event ORDER BY created_at")).scalars().all()
        deliveries = conn.execute(
            text("SELECT e.event_type, d.subscriber FROM outbox_delivery d JOIN outbox_event e USING (event_id)")
        ).all()
    # The idea's events in order; notifications: the registration link, the receipt, the screening result.
    assert [t for t in types if not t.startswith("notification.")] == [
        "idea.submitted.v1",
        "idea.screened.v1",
        "idea.withdrawn.v1",
    ]
    assert types.count("notification.requested.v1") == 3
    assert sorted((t, s) for t, s in deliveries) == [
        ("idea.screened.v1", "judging"),
        ("idea.submitted.v1", "judging"),
        ("idea.withdrawn.v1", "implementation"),
        ("idea.withdrawn.v1", "judging"),
        *[("notification.requested.v1", "notifications")] * 3,
    ]


def test_judge_gets_403_on_ideas(client: TestClient, tokens: Any) -> None:
    headers = tokens(Role.JUDGE, agency="DINKES")
    assert client.get("/api/v1/ideas", headers=headers).status_code == 403
    assert client.post("/api/v1/ideas", headers=headers, json=IDEA).status_code == 403
