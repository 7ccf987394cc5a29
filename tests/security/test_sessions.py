"""Ending sessions: after sign-out, deactivation or a role change, a token already issued is refused by all three
services (the test settings make the cache window 0; the window itself is tested in tests/shared/test_revocation.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.submission.accounts.commands import create_user
from shared.auth import Role
from tests.security.conftest import make_tokens

#: A route of each service that a judge may call.
PROBES = {
    "submission": "/api/v1/auth/me",
    "judging": "/api/v1/editions/ATA-2026/ideas",
    "implementation": "/api/v1/notifications",
}
EMAIL = "juri.sesi@trenggalekkab.go.id"
PASSWORD = "sandi-juri-123"


def _answers(service_client: Callable[[str], TestClient], headers: dict[str, str]) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for name, path in PROBES.items():
        response = service_client(name).get(path, headers=headers)
        reason = response.json()["error"]["details"]["reason"] if response.status_code == 401 else None
        answers[name] = (response.status_code, reason)
    return answers


def _sign_in(client: TestClient) -> dict[str, str]:
    response = client.post("/api/v1/auth/login", json={"username": EMAIL, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _logout(client: TestClient, headers: dict[str, str], admin: dict[str, str], user_id: str) -> None:
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204


def _deactivate(client: TestClient, headers: dict[str, str], admin: dict[str, str], user_id: str) -> None:
    assert client.post(f"/api/v1/accounts/{user_id}/deactivate", headers=admin).status_code == 200


def _role_change(client: TestClient, headers: dict[str, str], admin: dict[str, str], user_id: str) -> None:
    response = client.patch(f"/api/v1/accounts/{user_id}", headers=admin, json={"role": "committee"})
    assert (response.status_code, response.json()["role"]) == (200, "committee")


def _agency_change(client: TestClient, headers: dict[str, str], admin: dict[str, str], user_id: str) -> None:
    assert client.patch(f"/api/v1/accounts/{user_id}", headers=admin, json={"agency_code": "DINSOS"}).status_code == 200


@pytest.mark.parametrize("end", [_logout, _deactivate, _role_change, _agency_change], ids=lambda f: f.__name__[1:])
def test_issued_token_is_refused_by_every_service_once_the_session_ends(
    service_client: Callable[[str], TestClient], submission_runtime: Any, end: Callable[..., None]
) -> None:
    user_id = str(create_user(role="judge", email=EMAIL, password=PASSWORD, name="Juri", agency_code="DINKES"))
    submission = service_client("submission")
    headers = _sign_in(submission)
    assert _answers(service_client, headers) == dict.fromkeys(PROBES, (200, None))
    end(submission, headers, make_tokens(submission_runtime)(Role.ADMIN), user_id)
    assert _answers(service_client, headers) == dict.fromkeys(PROBES, (401, "session ended"))


def test_signing_in_again_after_logout_gives_a_working_token(
    service_client: Callable[[str], TestClient], submission_runtime: Any
) -> None:
    create_user(role="judge", email=EMAIL, password=PASSWORD, name="Juri", agency_code="DINKES")
    submission = service_client("submission")
    assert submission.post("/api/v1/auth/logout", headers=_sign_in(submission)).status_code == 204
    assert _answers(service_client, _sign_in(submission)) == dict.fromkeys(PROBES, (200, None))


def test_deactivated_account_cannot_sign_in_until_reactivated(
    service_client: Callable[[str], TestClient], submission_runtime: Any
) -> None:
    user_id = create_user(role="judge", email=EMAIL, password=PASSWORD, name="Juri", agency_code="DINKES")
    submission = service_client("submission")
    admin = make_tokens(submission_runtime)(Role.ADMIN)
    submission.post(f"/api/v1/accounts/{user_id}/deactivate", headers=admin)
    login = submission.post("/api/v1/auth/login", json={"username": EMAIL, "password": PASSWORD})
    assert (login.status_code, login.json()["error"]["code"]) == (401, "bad_credentials")
    reactivated = submission.post(f"/api/v1/accounts/{user_id}/reactivate", headers=admin)
    assert (reactivated.status_code, reactivated.json()["is_active"]) == (200, True)
    assert _answers(service_client, _sign_in(submission)) == dict.fromkeys(PROBES, (200, None))
