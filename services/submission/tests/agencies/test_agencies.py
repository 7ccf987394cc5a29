"""The managed list of agencies."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from shared.agencies import AGENCIES
from shared.auth import Role

REGISTER = {
    "nip": "199001152015032002",
    "name": "Dewi Lestari",
    "email": "dewi@trenggalekkab.go.id",
    "password": "rahasia-123",
    "position_group": "pelaksana",
}


def test_agency_list_is_the_regency_catalogue(client: TestClient) -> None:
    codes = [a["code"] for a in client.get("/api/v1/agencies").json()]
    assert codes == sorted(a.code for a in AGENCIES)
    assert "KEC-PANGGUL" in codes


def test_admin_adds_and_deactivates_agencies(client: TestClient, tokens: Any) -> None:
    new = {"name": "Badan Riset dan Inovasi Daerah", "email": "brida@trenggalekkab.go.id"}
    assert client.put("/api/v1/agencies/BRIDA", headers=tokens(Role.COMMITTEE), json=new).status_code == 403
    assert client.put("/api/v1/agencies/BRIDA", headers=tokens(Role.ADMIN), json=new).status_code == 200
    assert client.post("/api/v1/participants/register", json=REGISTER | {"agency_code": "BRIDA"}).status_code == 202
    closed = client.put("/api/v1/agencies/DLH", headers=tokens(Role.ADMIN), json=new | {"active": False})
    assert closed.status_code == 200
    assert "DLH" not in [a["code"] for a in client.get("/api/v1/agencies").json()]
    refused = client.post(
        "/api/v1/participants/register",
        json=REGISTER | {"agency_code": "DLH", "nip": "199001152015032003", "email": "x@trenggalekkab.go.id"},
    )
    assert refused.json()["error"]["code"] == "unknown_agency"


def test_the_managed_list_shows_deactivated_agencies_to_admins_only(client: TestClient, tokens: Any) -> None:
    dlh = {"name": "Dinas Lingkungan Hidup", "email": "dlh@trenggalekkab.go.id", "active": False}
    assert client.put("/api/v1/agencies/DLH", headers=tokens(Role.ADMIN), json=dlh).status_code == 200
    assert client.get("/api/v1/agencies/managed", headers=tokens(Role.COMMITTEE)).status_code == 403
    assert client.get("/api/v1/agencies/managed").status_code == 401
    managed = client.get("/api/v1/agencies/managed", headers=tokens(Role.ADMIN)).json()
    assert [a["code"] for a in managed] == sorted(a.code for a in AGENCIES)
    assert next(a for a in managed if a["code"] == "DLH") == {
        "code": "DLH",
        "name": "Dinas Lingkungan Hidup",
        "email": "dlh@trenggalekkab.go.id",
        "active": False,
    }
    assert [a["code"] for a in managed if not a["active"]] == ["DLH"]
