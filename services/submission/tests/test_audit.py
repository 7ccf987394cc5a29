"""The append-only audit log: screening, accounts, roles, agencies and imports recorded; admins read and export."""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from services.submission.accounts.commands import create_user
from services.submission.db import audit_log
from services.submission.tests.factories import make_edition, make_idea, make_participant, verify_registration
from shared.auth import Role


def _entries(runtime: Any, action: str | None = None) -> list[dict[str, Any]]:
    query = select(audit_log).order_by(audit_log.c.id)
    if action:
        query = query.where(audit_log.c.action == action)
    with runtime.engine.connect() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


def test_screening_recorded_with_who_when_and_from_where(
    client: TestClient, tokens: Any, submission_runtime: Any
) -> None:
    with submission_runtime.session_factory() as session:
        make_edition(session)
        _, me = make_participant(session)
        idea = make_idea(session, me, submit=True)
    committee_id = uuid.uuid4()
    headers = tokens(Role.COMMITTEE, user_id=committee_id, name="Bu Panitia") | {
        "User-Agent": "tablet-panitia/1.0",
        "X-Correlation-ID": "corr-screen-1",
    }
    response = client.post(
        f"/api/v1/ideas/{idea.id}/screening", headers=headers, json={"eligible": False, "reason": "Di luar tema"}
    )
    assert response.status_code == 200
    [entry] = _entries(submission_runtime, "idea.screened")
    assert (entry["actor_id"], entry["actor_role"], entry["actor_name"]) == (committee_id, "committee", "Bu Panitia")
    assert (entry["object_type"], entry["object_id"]) == ("idea", str(idea.id))
    assert entry["details"] == {
        "edition_code": "ATA-2026",
        "eligible": False,
        "reason": "Di luar tema",
        "previous_status": "submitted",
    }
    assert (entry["client_ip"], entry["user_agent"], entry["correlation_id"]) == (
        "testclient",
        "tablet-panitia/1.0",
        "corr-screen-1",
    )
    assert entry["at"] is not None


def test_refused_screening_leaves_no_entry(client: TestClient, tokens: Any, submission_runtime: Any) -> None:
    with submission_runtime.session_factory() as session:
        make_edition(session)
        _, me = make_participant(session)
        idea = make_idea(session, me, submit=True)
    response = client.post(
        f"/api/v1/ideas/{idea.id}/screening", headers=tokens(Role.COMMITTEE), json={"eligible": False}
    )
    assert response.status_code == 422
    assert _entries(submission_runtime, "idea.screened") == []


def test_update_delete_and_truncate_refused_by_the_database(submission_runtime: Any) -> None:
    with submission_runtime.session_factory() as session:
        make_edition(session)
        _, me = make_participant(session)
        make_idea(session, me, submit=True)
    with submission_runtime.engine.begin() as conn:
        conn.execute(text("INSERT INTO audit_log (action, object_type) VALUES ('test.entry', 'test')"))
    for statement in (
        "UPDATE audit_log SET action = 'forged'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
    ):
        with pytest.raises(DBAPIError, match="append-only") as refused, submission_runtime.engine.begin() as conn:
            conn.execute(text(statement))
        assert refused.value.orig is not None
        assert refused.value.orig.sqlstate == "42501"  # type: ignore[attr-defined]
    assert [e["action"] for e in _entries(submission_runtime)] == ["test.entry"]


def test_account_creation_and_role_change_recorded(client: TestClient, tokens: Any, submission_runtime: Any) -> None:
    admin_id = uuid.uuid4()
    body = {"role": "judge", "email": "Juri1@trenggalekkab.go.id", "name": "Juri Satu", "password": "rahasia-juri-1"}
    response = client.post("/api/v1/accounts", headers=tokens(Role.ADMIN, user_id=admin_id), json=body)
    assert response.status_code == 201
    user_id = response.json()["id"]
    [created] = _entries(submission_runtime, "account.created")
    assert (created["actor_id"], created["object_id"]) == (admin_id, user_id)
    assert created["details"] == {"role": "judge", "agency_code": None, "email": "juri1@trenggalekkab.go.id"}
    assert "rahasia" not in str(created)

    create_user(
        role="committee", email="juri1@trenggalekkab.go.id", password="baru-12345", name="Juri Satu", agency_code=None
    )
    [changed] = _entries(submission_runtime, "account.changed")
    assert (changed["actor_id"], changed["details"]["changed"]) == (None, ["role", "password"])
    [role] = _entries(submission_runtime, "account.role_changed")
    assert (role["object_id"], role["details"]) == (user_id, {"from": "judge", "to": "committee"})


def test_agency_change_recorded_with_before_and_after(client: TestClient, tokens: Any, submission_runtime: Any) -> None:
    body = {"name": "Dinas Kesehatan, Pengendalian Penduduk dan KB", "email": "dinkes@trenggalekkab.go.id"}
    assert client.put("/api/v1/agencies/DINKES", headers=tokens(Role.ADMIN), json=body).status_code == 200
    [entry] = _entries(submission_runtime, "agency.changed")
    assert entry["object_id"] == "DINKES"
    assert entry["details"]["changes"]["name"]["to"] == "Dinas Kesehatan, Pengendalian Penduduk dan KB"
    assert "active" not in entry["details"]["changes"]


def test_registration_and_import_recorded(client: TestClient, tokens: Any, submission_runtime: Any) -> None:
    registration = {
        "nip": "198504122010031001",
        "name": "Sri Wahyuni",
        "email": "sri@trenggalekkab.go.id",
        "phone": "081234567890",
        "password": "kata-sandi-kuat",
        "position_group": "pelaksana",
        "agency_code": "DINKES",
        "role": "admin",
    }
    response = client.post("/api/v1/participants/register", json=registration)
    assert response.status_code == 202
    [entry] = _entries(submission_runtime, "participant.registered")
    assert (str(entry["actor_id"]), entry["actor_role"]) == (entry["object_id"], "participant")
    assert entry["details"]["role"] == "participant"
    [sent] = _entries(submission_runtime, "participant.verification_sent")
    assert sent["object_id"] == entry["object_id"]
    verify_registration(client, submission_runtime.engine, "sri@trenggalekkab.go.id")
    [verified] = _entries(submission_runtime, "account.email_verified")
    assert (str(verified["actor_id"]), verified["object_id"]) == (entry["object_id"], entry["object_id"])

    csv_body = (
        "nip,nama,email,telepon,kelompok_jabatan,kode_opd\n"
        "198707152012012002,Dewi Lestari,dewi@trenggalekkab.go.id,081300000001,pengawas,DISDUKCAPIL\n"
    )
    committee_id = uuid.uuid4()
    response = client.post(
        "/api/v1/participants/import",
        headers=tokens(Role.COMMITTEE, user_id=committee_id),
        files={"file": ("peserta.csv", csv_body.encode(), "text/csv")},
    )
    assert response.status_code == 200, response.text
    [imported] = _entries(submission_runtime, "participants.imported")
    assert imported["actor_id"] == committee_id
    assert imported["details"]["created_nips"] == ["198707152012012002"]


def test_admin_lists_with_filters_and_pages(client: TestClient, tokens: Any, submission_runtime: Any) -> None:
    admin = tokens(Role.ADMIN)
    for code in ("DINKES", "DINSOS", "BAPPEDA"):
        body = {"name": f"Perangkat {code} baru", "email": f"{code.lower()}@trenggalekkab.go.id"}
        assert client.put(f"/api/v1/agencies/{code}", headers=admin, json=body).status_code == 200
    page = client.get("/api/v1/audit", headers=admin, params={"action": "agency.changed", "page_size": 2}).json()
    assert (page["total"], page["page"], page["page_size"]) == (3, 1, 2)
    assert [e["object_id"] for e in page["items"]] == ["BAPPEDA", "DINSOS"]  # newest first
    second = client.get(
        "/api/v1/audit", headers=admin, params={"action": "agency.changed", "page_size": 2, "page": 2}
    ).json()
    assert [e["object_id"] for e in second["items"]] == ["DINKES"]
    one = client.get("/api/v1/audit", headers=admin, params={"object_type": "agency", "object_id": "DINSOS"}).json()
    assert [e["object_id"] for e in one["items"]] == ["DINSOS"]
    future = client.get("/api/v1/audit", headers=admin, params={"since": "2999-01-01T00:00:00Z"}).json()
    assert future["total"] == 0
    assert client.get("/api/v1/audit", headers=admin, params={"page_size": 201}).status_code == 422


def test_export_is_csv_with_formulas_neutralised(client: TestClient, tokens: Any, submission_runtime: Any) -> None:
    admin = tokens(Role.ADMIN, name='=HYPERLINK("http://x")')
    body = {"name": "Dinas Kesehatan", "email": "dinkes@trenggalekkab.go.id"}
    assert client.put("/api/v1/agencies/DINKES", headers=admin, json=body).status_code == 200
    response = client.get("/api/v1/audit/export", headers=admin, params={"format": "csv"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["action"] for r in rows] == ["agency.changed"]
    assert rows[0]["object_id"] == "DINKES"
    assert rows[0]["client_ip"] == "testclient"
    assert rows[0]["actor_name"] == '\'=HYPERLINK("http://x")'
    assert client.get("/api/v1/audit/export", headers=admin, params={"format": "xlsx"}).status_code == 422


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.JUDGE, Role.COMMITTEE, Role.AGENCY])
def test_non_admins_refused(client: TestClient, tokens: Any, role: Role) -> None:
    for path in ("/api/v1/audit", "/api/v1/audit/export"):
        response = client.get(path, headers=tokens(role, agency="DINKES"))
        assert (response.status_code, response.json()["error"]["code"]) == (403, "forbidden")
    assert client.get("/api/v1/audit").status_code == 401
