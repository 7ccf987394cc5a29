"""Participant self-registration over HTTP."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from services.submission.tests.factories import make_participant
from shared.auth import Role

BODY = {
    "nip": "199001152015032002",
    "name": "Dewi Lestari",
    "email": "dewi@trenggalekkab.go.id",
    "phone": "081234567890",
    "password": "rahasia-123",
    "position_group": "fungsional_ahli",
    "agency_code": "DINKES",
}


def test_register_creates_participant_who_can_log_in(client: TestClient) -> None:
    response = client.post("/api/v1/participants/register", json=BODY)
    assert response.status_code == 201
    body = response.json()
    assert (body["nip"], body["position_group"], body["agency_code"]) == (BODY["nip"], "fungsional_ahli", "DINKES")
    login = client.post("/api/v1/auth/login", json={"username": BODY["nip"], "password": "rahasia-123"})
    assert login.json()["user"]["id"] == body["user_id"]
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    assert client.get("/api/v1/participants/me", headers=headers).json()["id"] == body["id"]


def test_register_invalid_nip_lists_each_problem(client: TestClient) -> None:
    response = client.post("/api/v1/participants/register", json=BODY | {"nip": "199013152015033002"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_nip"
    assert response.json()["error"]["details"]["problems"] == [
        "digits 1-8 (19901315) are not a real date of birth (yyyymmdd)",
        "digit 15 (3) must be the gender: 1 (male) or 2 (female)",
    ]


def test_register_unknown_agency_or_group_refused(client: TestClient) -> None:
    assert (
        client.post("/api/v1/participants/register", json=BODY | {"agency_code": "DINAS-X"}).json()["error"]["code"]
        == "unknown_agency"
    )
    wrong_group = client.post("/api/v1/participants/register", json=BODY | {"position_group": "eselon_2"})
    assert wrong_group.status_code == 422
    assert wrong_group.json()["error"]["details"][0]["field"] == "position_group"


def test_register_duplicate_nip_or_email_is_409(client: TestClient) -> None:
    assert client.post("/api/v1/participants/register", json=BODY).status_code == 201
    same_nip = client.post("/api/v1/participants/register", json=BODY | {"email": "lain@trenggalekkab.go.id"})
    same_email = client.post("/api/v1/participants/register", json=BODY | {"nip": "199001152015032003"})
    assert (same_nip.status_code, same_nip.json()["error"]["code"]) == (409, "nip_registered")
    assert (same_email.status_code, same_email.json()["error"]["code"]) == (409, "email_taken")


def test_register_claims_account_imported_without_password(client: TestClient, submission_runtime: Any) -> None:
    with submission_runtime.session_factory() as session:
        imported, _ = make_participant(session, password=None)
    body = BODY | {"nip": imported.nip, "email": imported.email, "name": "Nama Dikoreksi"}
    response = client.post("/api/v1/participants/register", json=body)
    assert response.status_code == 201
    assert response.json()["id"] == str(imported.id)
    assert response.json()["name"] == "Nama Dikoreksi"
    assert (
        client.post("/api/v1/auth/login", json={"username": imported.nip, "password": "rahasia-123"}).status_code == 200
    )
    # Once claimed, nobody can claim it again.
    assert client.post("/api/v1/participants/register", json=body).status_code == 409


def test_participant_list_is_for_committee_only(client: TestClient, tokens: Any) -> None:
    client.post("/api/v1/participants/register", json=BODY)
    assert client.get("/api/v1/participants", headers=tokens(Role.JUDGE)).status_code == 403
    page = client.get("/api/v1/participants?position_group=fungsional_ahli", headers=tokens(Role.COMMITTEE)).json()
    assert (page["total"], page["items"][0]["nip"]) == (1, BODY["nip"])
