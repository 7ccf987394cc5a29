"""Forgotten password by emailed link, changing the password when signed in, and signing out."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text

from services.submission.accounts.commands import create_user
from services.submission.tests.factories import emailed_token, make_participant

EMAIL = "panitia@trenggalekkab.go.id"


def _login(client: TestClient, username: str, password: str) -> Any:
    return client.post("/api/v1/auth/login", json={"username": username, "password": password})


def _bearer(response: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _reset(client: TestClient, token: str, password: str) -> Any:
    return client.post("/api/v1/auth/password-reset/confirm", json={"token": token, "password": password})


def test_password_reset_link_sets_a_new_password_once(client: TestClient, submission_runtime: Any) -> None:
    create_user(role="committee", email=EMAIL, password="sandi-lama-1", name="Panitia", agency_code="BKPSDM")
    old_session = _bearer(_login(client, EMAIL, "sandi-lama-1"))
    asked = client.post("/api/v1/auth/password-reset", json={"email": EMAIL.upper()})
    assert (asked.status_code, asked.json()) == (
        202,
        {"status": "link_sent", "valid_minutes": 60, "development_token": None},
    )
    token = emailed_token(submission_runtime.engine, email=EMAIL, template="account_reset_password")
    assert _reset(client, token, "sandi-baru-22").json() == {"status": "password_set"}
    assert _login(client, EMAIL, "sandi-lama-1").status_code == 401
    assert _login(client, EMAIL, "sandi-baru-22").status_code == 200
    assert client.get("/api/v1/auth/me", headers=old_session).status_code == 401  # sessions ended
    again = _reset(client, token, "sandi-ketiga-3")
    assert (again.status_code, again.json()["error"]["code"]) == (410, "link_used")


def test_password_reset_link_expires(client: TestClient, submission_runtime: Any) -> None:
    create_user(role="committee", email=EMAIL, password="sandi-lama-1", name="Panitia", agency_code="BKPSDM")
    client.post("/api/v1/auth/password-reset", json={"email": EMAIL})
    token = emailed_token(submission_runtime.engine, email=EMAIL, template="account_reset_password")
    with submission_runtime.engine.begin() as conn:
        conn.execute(text("UPDATE account_token SET expires_at = now() - interval '1 second'"))
    expired = _reset(client, token, "sandi-baru-22")
    assert (expired.status_code, expired.json()["error"]["code"]) == (410, "link_expired")
    assert _login(client, EMAIL, "sandi-lama-1").status_code == 200


def test_password_reset_for_unknown_email_answers_the_same_and_sends_nothing(
    client: TestClient, submission_runtime: Any
) -> None:
    asked = client.post("/api/v1/auth/password-reset", json={"email": "tidak.ada@trenggalekkab.go.id"})
    assert (asked.status_code, asked.json()) == (
        202,
        {"status": "link_sent", "valid_minutes": 60, "development_token": None},
    )
    with submission_runtime.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM outbox_event")).scalar_one() == 0


def test_imported_participant_claims_account_through_password_reset(
    client: TestClient, submission_runtime: Any
) -> None:
    with submission_runtime.session_factory() as session:
        imported, _ = make_participant(session, password=None)
    client.post("/api/v1/auth/password-reset", json={"email": imported.email})
    token = emailed_token(submission_runtime.engine, email=imported.email, template="account_reset_password")
    assert _reset(client, token, "sandi-sendiri-1").status_code == 200
    assert _login(client, imported.nip, "sandi-sendiri-1").status_code == 200


def test_change_password_ends_other_sessions_and_returns_a_fresh_token(client: TestClient) -> None:
    create_user(role="judge", email=EMAIL, password="sandi-lama-1", name="Juri", agency_code="DINKES")
    tablet = _bearer(_login(client, EMAIL, "sandi-lama-1"))
    laptop = _bearer(_login(client, EMAIL, "sandi-lama-1"))
    body = {"current_password": "sandi-lama-1", "new_password": "sandi-baru-22"}
    changed = client.post("/api/v1/auth/password", headers=laptop, json=body)
    assert changed.status_code == 200
    assert client.get("/api/v1/auth/me", headers=tablet).status_code == 401
    assert client.get("/api/v1/auth/me", headers=laptop).status_code == 401
    assert client.get("/api/v1/auth/me", headers=_bearer(changed)).status_code == 200
    assert _login(client, EMAIL, "sandi-baru-22").status_code == 200


def test_change_password_refuses_a_wrong_current_password(client: TestClient) -> None:
    create_user(role="judge", email=EMAIL, password="sandi-lama-1", name="Juri", agency_code="DINKES")
    headers = _bearer(_login(client, EMAIL, "sandi-lama-1"))
    body = {"current_password": "tebakan", "new_password": "sandi-baru-22"}
    wrong = client.post("/api/v1/auth/password", headers=headers, json=body)
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (403, "wrong_current_password")
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 200  # nothing changed


def test_logout_ends_every_session_of_the_account(client: TestClient) -> None:
    create_user(role="judge", email=EMAIL, password="sandi-lama-1", name="Juri", agency_code="DINKES")
    first = _bearer(_login(client, EMAIL, "sandi-lama-1"))
    second = _bearer(_login(client, EMAIL, "sandi-lama-1"))
    assert client.post("/api/v1/auth/logout", headers=first).status_code == 204
    refused = client.get("/api/v1/auth/me", headers=second)
    assert (refused.status_code, refused.json()["error"]["details"]) == (401, {"reason": "session ended"})
