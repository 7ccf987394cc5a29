"""Account administration: admins list, change, deactivate and reactivate; the committee lists judges."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text

from services.submission.accounts.commands import create_user
from services.submission.tests.factories import make_participant
from shared.auth import Role, TokenService


def _judge(client: TestClient, tokens: Any, email: str, name: str, agency: str, unit: str | None) -> str:
    body = {"role": "judge", "email": email, "name": name, "password": "sandi-juri-1", "agency_code": agency}
    response = client.post("/api/v1/accounts", headers=tokens(Role.ADMIN), json=body | {"work_unit": unit})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def test_committee_lists_active_judges_with_agency_and_work_unit(client: TestClient, tokens: Any) -> None:
    _judge(client, tokens, "budi@x.go.id", "Budi Santoso", "DINKES", "Bidang Yankes")
    ani = _judge(client, tokens, "ani@x.go.id", "Ani Rahma", "BAPPEDA", None)
    gone = _judge(client, tokens, "cici@x.go.id", "Cici", "DINSOS", None)
    create_user(role="committee", email="panitia@x.go.id", password="sandi-panitia", name="P", agency_code="BKPSDM")
    client.post(f"/api/v1/accounts/{gone}/deactivate", headers=tokens(Role.ADMIN))
    page = client.get("/api/v1/judges", headers=tokens(Role.COMMITTEE)).json()
    assert page["total"] == 2
    assert [(j["name"], j["agency_code"], j["work_unit"]) for j in page["items"]] == [
        ("Ani Rahma", "BAPPEDA", None),
        ("Budi Santoso", "DINKES", "Bidang Yankes"),
    ]
    assert page["items"][0]["id"] == ani
    filtered = client.get("/api/v1/judges?agency_code=DINKES", headers=tokens(Role.COMMITTEE)).json()
    assert [j["email"] for j in filtered["items"]] == ["budi@x.go.id"]
    assert client.get("/api/v1/judges", headers=tokens(Role.JUDGE)).status_code == 403


def test_admin_lists_accounts_by_role_and_state(client: TestClient, tokens: Any) -> None:
    budi = _judge(client, tokens, "budi@x.go.id", "Budi", "DINKES", None)
    create_user(role="committee", email="panitia@x.go.id", password="sandi-panitia", name="P", agency_code="BKPSDM")
    client.post(f"/api/v1/accounts/{budi}/deactivate", headers=tokens(Role.ADMIN))
    judges = client.get("/api/v1/accounts?role=judge", headers=tokens(Role.ADMIN)).json()
    assert [(a["email"], a["is_active"], a["email_verified"]) for a in judges["items"]] == [
        ("budi@x.go.id", False, True)
    ]
    active = client.get("/api/v1/accounts?active=true", headers=tokens(Role.ADMIN)).json()
    assert [a["email"] for a in active["items"]] == ["panitia@x.go.id"]
    assert client.get("/api/v1/accounts", headers=tokens(Role.COMMITTEE)).status_code == 403


def test_admin_changes_role_and_work_unit_and_cannot_lock_themselves_out(client: TestClient, tokens: Any) -> None:
    budi = _judge(client, tokens, "budi@x.go.id", "Budi", "DINKES", None)
    changed = client.patch(
        f"/api/v1/accounts/{budi}", headers=tokens(Role.ADMIN), json={"role": "committee", "work_unit": "Sekretariat"}
    )
    assert (changed.json()["role"], changed.json()["work_unit"], changed.json()["agency_code"]) == (
        "committee",
        "Sekretariat",
        "DINKES",
    )
    own = client.post(f"/api/v1/accounts/{budi}/deactivate", headers=tokens(Role.ADMIN, user_id=changed.json()["id"]))
    assert (own.status_code, own.json()["error"]["code"]) == (422, "own_account")


def test_update_keeps_a_deactivated_account_deactivated(client: TestClient, tokens: Any) -> None:
    budi = _judge(client, tokens, "budi@x.go.id", "Budi", "DINKES", None)
    client.post(f"/api/v1/accounts/{budi}/deactivate", headers=tokens(Role.ADMIN))
    changed = client.patch(f"/api/v1/accounts/{budi}", headers=tokens(Role.ADMIN), json={"name": "Budi S."})
    assert (changed.json()["name"], changed.json()["is_active"]) == ("Budi S.", False)


def test_participant_role_cannot_be_changed(client: TestClient, tokens: Any, submission_runtime: Any) -> None:
    with submission_runtime.session_factory() as session:
        participant, _ = make_participant(session, password="sandi-peserta")
    response = client.patch(
        f"/api/v1/accounts/{participant.user_id}", headers=tokens(Role.ADMIN), json={"role": "judge"}
    )
    assert (response.status_code, response.json()["error"]["code"]) == (422, "participant_role_fixed")


def test_unknown_account_is_404(client: TestClient, tokens: Any) -> None:
    response = client.post(
        "/api/v1/accounts/00000000-0000-0000-0000-000000000000/deactivate", headers=tokens(Role.ADMIN)
    )
    assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")


def test_deactivation_and_reactivation_are_audited(client: TestClient, tokens: Any, submission_runtime: Any) -> None:
    budi = _judge(client, tokens, "budi@x.go.id", "Budi", "DINKES", None)
    client.post(f"/api/v1/accounts/{budi}/deactivate", headers=tokens(Role.ADMIN))
    client.post(f"/api/v1/accounts/{budi}/reactivate", headers=tokens(Role.ADMIN))
    with submission_runtime.engine.connect() as conn:
        actions = (
            conn.execute(text("SELECT action FROM audit_log WHERE object_id = :id ORDER BY id"), {"id": budi})
            .scalars()
            .all()
        )
    assert actions == ["account.created", "account.deactivated", "account.sessions_ended", "account.reactivated"]


def test_judges_token_carries_the_work_unit_and_a_changed_unit_ends_it(
    client: TestClient, tokens: Any, submission_runtime: Any
) -> None:
    budi = _judge(client, tokens, "budi@x.go.id", "Budi", "DINKES", "Bidang Yankes")
    login = client.post("/api/v1/auth/login", json={"username": "budi@x.go.id", "password": "sandi-juri-1"})
    token = login.json()["access_token"]
    principal = TokenService(submission_runtime.settings).verify(token)
    assert (principal.agency_code, principal.work_unit) == ("DINKES", "Bidang Yankes")
    mine = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/auth/me", headers=mine).status_code == 200
    moved = client.patch(f"/api/v1/accounts/{budi}", headers=tokens(Role.ADMIN), json={"work_unit": "Bidang P2P"})
    assert moved.status_code == 200, moved.text
    # The old token names the old unit (a judge's conflicts depend on it), so it no longer works.
    ended = client.get("/api/v1/auth/me", headers=mine)
    assert (ended.status_code, ended.json()["error"]["details"]) == (401, {"reason": "session ended"})
