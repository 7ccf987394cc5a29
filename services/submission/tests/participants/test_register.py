"""Participant self-registration and claiming over HTTP: nobody signs in before opening the emailed link."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text

from services.submission.tests.factories import emailed_token, make_participant
from shared.auth import Role

BODY = {
    "nip": "199001152015032002",
    "name": "Dewi Lestari",
    "email": "dewi@trenggalekkab.go.id",
    "phone": "081234567890",
    "password": "rahasia-123",
    "position_group": "fungsional_ahli",
    "agency_code": "DINKES",
    "work_unit": "Bidang Pelayanan Kesehatan",
}


def _login(client: TestClient, username: str, password: str = "rahasia-123") -> Any:  # noqa: S107
    return client.post("/api/v1/auth/login", json={"username": username, "password": password})


def _verify(client: TestClient, token: str) -> Any:
    return client.post("/api/v1/auth/verify-email", json={"token": token}, headers={"Accept-Language": "en"})


def _expire_links(runtime: Any) -> None:
    with runtime.engine.begin() as conn:
        conn.execute(text("UPDATE account_token SET expires_at = now() - interval '1 second'"))


def test_register_sends_link_and_only_a_verified_account_signs_in(client: TestClient, submission_runtime: Any) -> None:
    response = client.post("/api/v1/participants/register", json=BODY)
    assert response.status_code == 202
    assert response.json() == {"status": "link_sent", "valid_minutes": 24 * 60, "development_token": None}
    refused = _login(client, BODY["nip"])
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "email_not_verified")

    token = emailed_token(submission_runtime.engine, email=BODY["email"])
    assert _verify(client, token).json() == {"status": "email_verified"}
    login = _login(client, BODY["nip"])
    assert login.status_code == 200
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    me = client.get("/api/v1/participants/me", headers=headers).json()
    assert (me["nip"], me["position_group"], me["work_unit"]) == (
        BODY["nip"],
        "fungsional_ahli",
        "Bidang Pelayanan Kesehatan",
    )


def test_registration_email_links_to_the_configured_page(client: TestClient, submission_runtime: Any) -> None:
    client.post("/api/v1/participants/register", json=BODY)
    with submission_runtime.engine.connect() as conn:
        link = conn.execute(text("SELECT body->'payload'->>'link' FROM outbox_event")).scalar_one()
    token = emailed_token(submission_runtime.engine, email=BODY["email"])
    assert link == f"http://localhost:8080/akun/verifikasi-email?token={token}"
    with submission_runtime.engine.connect() as conn:
        stored = conn.execute(text("SELECT token_hash FROM account_token")).scalar_one()
    assert token not in stored  # only the hash is kept


def test_used_link_is_refused_with_410(client: TestClient, submission_runtime: Any) -> None:
    client.post("/api/v1/participants/register", json=BODY)
    token = emailed_token(submission_runtime.engine, email=BODY["email"])
    assert _verify(client, token).status_code == 200
    again = _verify(client, token)
    assert again.status_code == 410
    assert again.json()["error"] == {
        "code": "link_used",
        "message": "This link has already been used. Ask for a new one",
        "details": None,
    }


def test_expired_link_is_refused_with_410_and_the_account_stays_locked(
    client: TestClient, submission_runtime: Any
) -> None:
    client.post("/api/v1/participants/register", json=BODY)
    token = emailed_token(submission_runtime.engine, email=BODY["email"])
    _expire_links(submission_runtime)
    expired = _verify(client, token)
    assert (expired.status_code, expired.json()["error"]["code"]) == (410, "link_expired")
    assert _login(client, BODY["nip"]).status_code == 403


def test_unknown_link_is_400(client: TestClient) -> None:
    response = _verify(client, "x" * 43)
    assert (response.status_code, response.json()["error"]["code"]) == (400, "invalid_link")


def test_registering_again_before_verifying_sends_a_new_link_and_voids_the_old(
    client: TestClient, submission_runtime: Any
) -> None:
    client.post("/api/v1/participants/register", json=BODY)
    first = emailed_token(submission_runtime.engine, email=BODY["email"])
    assert client.post("/api/v1/participants/register", json=BODY | {"password": "sandi-kedua-2"}).status_code == 202
    second = emailed_token(submission_runtime.engine, email=BODY["email"])
    assert _verify(client, first).status_code == 400
    assert _verify(client, second).status_code == 200
    assert _login(client, BODY["nip"]).status_code == 401
    assert _login(client, BODY["nip"], "sandi-kedua-2").status_code == 200


def test_abandoned_registration_frees_its_nip_and_email(client: TestClient, submission_runtime: Any) -> None:
    client.post("/api/v1/participants/register", json=BODY)
    other_email = BODY | {"email": "dewi.asli@trenggalekkab.go.id"}
    assert client.post("/api/v1/participants/register", json=other_email).status_code == 409  # link still live
    _expire_links(submission_runtime)
    assert client.post("/api/v1/participants/register", json=other_email).status_code == 202
    token = emailed_token(submission_runtime.engine, email="dewi.asli@trenggalekkab.go.id")
    assert _verify(client, token).status_code == 200
    assert _login(client, "dewi.asli@trenggalekkab.go.id").status_code == 200


def test_register_invalid_nip_lists_each_problem(client: TestClient) -> None:
    response = client.post("/api/v1/participants/register", json=BODY | {"nip": "199013152015033002"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_nip"
    assert response.json()["error"]["details"]["problems"] == [
        "digits 1-8 (19901315) are not a real date of birth (yyyymmdd)",
        "digit 15 (3) must be the gender: 1 (male) or 2 (female)",
    ]
    assert response.json()["error"]["details"]["problems_id"] == [
        "angka ke-1 s.d. 8 (19901315) bukan tanggal lahir yang nyata (ttttbbhh)",
        "angka ke-15 (3) harus jenis kelamin: 1 (laki-laki) atau 2 (perempuan)",
    ]


def test_register_unknown_agency_or_group_refused(client: TestClient) -> None:
    assert (
        client.post("/api/v1/participants/register", json=BODY | {"agency_code": "DINAS-X"}).json()["error"]["code"]
        == "unknown_agency"
    )
    wrong_group = client.post("/api/v1/participants/register", json=BODY | {"position_group": "eselon_2"})
    assert wrong_group.status_code == 422
    assert wrong_group.json()["error"]["details"][0]["field"] == "position_group"


def test_register_duplicate_nip_or_email_is_409(client: TestClient, submission_runtime: Any) -> None:
    assert client.post("/api/v1/participants/register", json=BODY).status_code == 202
    assert _verify(client, emailed_token(submission_runtime.engine, email=BODY["email"])).status_code == 200
    same_nip = client.post("/api/v1/participants/register", json=BODY | {"email": "lain@trenggalekkab.go.id"})
    same_email = client.post("/api/v1/participants/register", json=BODY | {"nip": "199001152015032003"})
    assert (same_nip.status_code, same_nip.json()["error"]["code"]) == (409, "nip_registered")
    assert (same_email.status_code, same_email.json()["error"]["code"]) == (409, "email_taken")


def test_claim_of_imported_account_takes_effect_only_through_the_emailed_link(
    client: TestClient, submission_runtime: Any
) -> None:
    with submission_runtime.session_factory() as session:
        imported, _ = make_participant(session, password=None)
    body = BODY | {"nip": imported.nip, "email": imported.email, "name": "Nama Lain"}
    response = client.post("/api/v1/participants/register", json=body)
    assert response.status_code == 202
    # Knowing the NIP and email is not enough: the chosen password works only after the link is opened.
    assert _login(client, imported.nip).status_code == 401
    token = emailed_token(submission_runtime.engine, email=imported.email, template="account_claim")
    assert _verify(client, token).status_code == 200
    login = _login(client, imported.nip)
    assert login.status_code == 200
    assert login.json()["user"]["name"] == imported.name  # HR data stays as BKPSDM imported it
    assert client.post("/api/v1/participants/register", json=body).status_code == 409  # claimed once


def test_registration_links_are_rate_limited_per_email(client: TestClient) -> None:
    answers = [client.post("/api/v1/participants/register", json=BODY).status_code for _ in range(6)]
    assert answers == [202, 202, 202, 202, 202, 429]  # five links an hour per email (settings)
    limited = client.post("/api/v1/participants/register", json=BODY)
    assert limited.json()["error"]["code"] == "too_many_attempts"
    assert 3500 <= int(limited.headers["Retry-After"]) <= 3600


def test_participant_list_is_for_committee_only(client: TestClient, tokens: Any) -> None:
    client.post("/api/v1/participants/register", json=BODY)
    assert client.get("/api/v1/participants", headers=tokens(Role.JUDGE)).status_code == 403
    page = client.get("/api/v1/participants?position_group=fungsional_ahli", headers=tokens(Role.COMMITTEE)).json()
    assert (page["total"], page["items"][0]["nip"]) == (1, BODY["nip"])
