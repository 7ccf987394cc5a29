"""Login by email or NIP, bad credentials, the rate limit, and account administration."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.submission.accounts.commands import create_user
from services.submission.accounts.deps import get_login_limiter
from services.submission.accounts.models import User
from services.submission.accounts.passwords import verify_password
from services.submission.tests.factories import make_participant
from shared.auth import Role


def _login(client: TestClient, username: str, password: str, **headers: str) -> Any:
    return client.post("/api/v1/auth/login", json={"username": username, "password": password}, headers=headers)


def test_login_by_nip_and_email_returns_token_and_user(client: TestClient, submission_runtime: Any) -> None:
    with submission_runtime.session_factory() as session:
        participant, _ = make_participant(session, password="rahasia-123", agency_code="DINSOS")
    by_nip = _login(client, participant.nip, "rahasia-123")
    by_email = _login(client, participant.email.upper(), "rahasia-123")
    assert by_nip.status_code == 200
    assert by_email.status_code == 200
    body = by_nip.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 8 * 60 * 60
    assert body["user"]["agency_code"] == "DINSOS"
    assert body["user"]["role"] == "participant"
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.json()["id"] == str(participant.user_id)


def test_login_wrong_password_is_401_in_error_format(client: TestClient, submission_runtime: Any) -> None:
    create_user(role="committee", email="panitia@x.go.id", password="benar-sekali", name="P", agency_code="BKPSDM")
    response = _login(client, "panitia@x.go.id", "salah-sekali", **{"Accept-Language": "en"})
    assert response.status_code == 401
    assert response.json() == {
        "error": {"code": "bad_credentials", "message": "Wrong username or password", "details": None}
    }


def test_login_unknown_user_is_401(client: TestClient) -> None:
    assert _login(client, "nobody@x.go.id", "whatever-1").status_code == 401


def test_login_rate_limited_after_failures_even_with_right_password(client: TestClient) -> None:
    create_user(role="judge", email="juri@x.go.id", password="benar-sekali", name="J", agency_code="DINKES")
    for _ in range(3):  # the test settings allow 3 failures a minute
        assert _login(client, "juri@x.go.id", "salah").status_code == 401
    limited = _login(client, "juri@x.go.id", "benar-sekali")
    assert limited.status_code == 429
    assert limited.json()["error"]["code"] == "too_many_attempts"
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert _login(client, "other@x.go.id", "salah").status_code == 401  # other usernames are not blocked


def test_login_rate_limited_per_address_across_usernames(client: TestClient) -> None:
    create_user(role="judge", email="juri3@x.go.id", password="benar-sekali", name="J", agency_code="DINKES")
    limiter = get_login_limiter()
    for i in range(29):  # 10 x the per-account limit, spread over many usernames (password spraying)
        limiter.check_attempt(f"user{i}@x.go.id", "testclient")
    assert _login(client, "user99@x.go.id", "Password1").status_code == 401  # the 30th attempt from this address
    assert _login(client, "juri3@x.go.id", "benar-sekali").status_code == 429


def test_login_success_resets_failure_count(client: TestClient) -> None:
    create_user(role="judge", email="juri2@x.go.id", password="benar-sekali", name="J", agency_code="DINKES")
    for _ in range(2):
        _login(client, "juri2@x.go.id", "salah")
    assert _login(client, "juri2@x.go.id", "benar-sekali").status_code == 200
    for _ in range(2):
        assert _login(client, "juri2@x.go.id", "salah").status_code == 401
    assert _login(client, "juri2@x.go.id", "benar-sekali").status_code == 200


def test_imported_account_without_password_cannot_login(client: TestClient, submission_runtime: Any) -> None:
    with submission_runtime.session_factory() as session:
        participant, _ = make_participant(session, password=None)
    assert _login(client, participant.nip, "anything-1").status_code == 401


def test_create_user_is_idempotent_and_resets_password(db_session: Session, submission_runtime: Any) -> None:
    first = create_user(role="judge", email="Juri@X.go.id", password="pertama-1", name="A", agency_code="DINKES")
    again = create_user(role="committee", email="juri@x.go.id", password="kedua-22", name="B", agency_code="BKPSDM")
    assert first == again
    with submission_runtime.session_factory() as session:
        user = session.scalars(select(User).where(User.email == "juri@x.go.id")).one()
        assert (user.role, user.name, user.agency_code) == ("committee", "B", "BKPSDM")
        assert user.password_hash is not None
        assert user.password_hash.startswith("$argon2id$")
        assert verify_password(user.password_hash, "kedua-22")
        assert not verify_password(user.password_hash, "pertama-1")


def test_create_account_by_admin_returns_201(client: TestClient, tokens: Any) -> None:
    body = {"role": "agency", "email": "opd@x.go.id", "name": "OPD", "password": "rahasia-123", "agency_code": "DLH"}
    response = client.post("/api/v1/accounts", headers=tokens(Role.ADMIN), json=body)
    assert response.status_code == 201
    assert response.json()["agency_code"] == "DLH"
    duplicate = client.post("/api/v1/accounts", headers=tokens(Role.ADMIN), json=body)
    assert duplicate.status_code == 409


def test_create_account_refused_for_non_admin(client: TestClient, tokens: Any) -> None:
    body = {"role": "judge", "email": "j@x.go.id", "name": "Juri", "password": "rahasia-123", "agency_code": None}
    assert client.post("/api/v1/accounts", headers=tokens(Role.COMMITTEE), json=body).status_code == 403


def test_create_account_refuses_participant_role_and_agency_without_code(client: TestClient, tokens: Any) -> None:
    participant = {"role": "participant", "email": "p@x.go.id", "name": "Peserta", "password": "rahasia-123"}
    agency = {"role": "agency", "email": "a@x.go.id", "name": "Agen", "password": "rahasia-123"}
    unknown = {"role": "judge", "email": "u@x.go.id", "name": "Umi", "password": "rahasia-123", "agency_code": "NOPE"}
    assert client.post("/api/v1/accounts", headers=tokens(Role.ADMIN), json=participant).json()["error"]["code"] == (
        "participant_via_registration"
    )
    assert client.post("/api/v1/accounts", headers=tokens(Role.ADMIN), json=agency).json()["error"]["code"] == (
        "agency_required"
    )
    assert client.post("/api/v1/accounts", headers=tokens(Role.ADMIN), json=unknown).json()["error"]["code"] == (
        "unknown_agency"
    )


def test_me_without_token_is_401(client: TestClient) -> None:
    assert client.get("/api/v1/auth/me").status_code == 401
