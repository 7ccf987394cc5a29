"""Object property level authorisation (OWASP API3 2023): what a caller may set, and what a response shows."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from services.submission.accounts.models import User
from services.submission.agencies.service import sync_agencies
from services.submission.tests.factories import make_edition, make_idea, make_participant, nip, verify_registration
from shared.auth import Role
from tests.security.conftest import ATTACHMENTS_DIR, make_tokens
from tests.security.worlds import judging_world, submission_world


def test_participant_cannot_set_status_screening_or_owner_through_patch(
    service_client: Any, submission_runtime: Any
) -> None:
    with submission_runtime.session_factory() as session:
        make_edition(session)
        a, a_p = make_participant(session)
        b, _ = make_participant(session)
        idea = make_idea(session, a_p)
    client: TestClient = service_client("submission")
    headers = make_tokens(submission_runtime)(Role.PARTICIPANT, user_id=a.user_id, agency=a.agency_code)
    forged = {
        "title": "Judul baru",
        "status": "eligible",
        "screened_eligible": True,
        "screening_reason": "Lolos",
        "screening": {"eligible": True, "reason": "Lolos", "screened_at": "2026-01-01T00:00:00Z"},
        "decision": {"selected": True, "score": 100, "rank": 1},
        "proposer_id": str(b.id),
        "proposer": {"participant_id": str(b.id)},
        "revision": 99,
        "position_group": "pengawas",
        "submitted_late": False,
    }
    response = client.patch(f"/api/v1/ideas/{idea.id}", headers=headers, json=forged)
    assert response.status_code == 200
    body = response.json()
    assert (body["title"], body["status"], body["screening"], body["decision"]) == ("Judul baru", "draft", None, None)
    assert (body["proposer"]["participant_id"], body["revision"], body["position_group"]) == (
        str(a.id),
        0,
        "pelaksana",
    )


def test_registration_cannot_choose_role_or_activation(service_client: Any, submission_runtime: Any) -> None:
    client: TestClient = service_client("submission")
    number = nip()
    body = {
        "nip": number,
        "name": "Peserta Licik",
        "email": "licik@trenggalekkab.go.id",
        "phone": "081234567890",
        "password": "kata-sandi-kuat",
        "position_group": "pelaksana",
        "agency_code": "DINKES",
        "role": "admin",
        "is_active": True,
        "password_hash": "$argon2id$v=19$forged",
        "user_id": "00000000-0000-0000-0000-000000000001",
    }
    with submission_runtime.session_factory() as session:
        sync_agencies(session)
        session.commit()
    response = client.post("/api/v1/participants/register", json=body)
    assert response.status_code == 202
    verify_registration(client, submission_runtime.engine, "licik@trenggalekkab.go.id")
    login = client.post("/api/v1/auth/login", json={"username": number, "password": "kata-sandi-kuat"})
    assert (login.status_code, login.json()["user"]["role"]) == (200, "participant")
    with submission_runtime.session_factory() as session:
        user = session.scalars(select(User).where(User.nip == number)).one()
        assert str(user.id) != "00000000-0000-0000-0000-000000000001"
        assert (user.role, user.password_hash is not None and user.password_hash.startswith("$argon2id$v=19$m=")) == (
            "participant",
            True,
        )


def test_account_responses_never_carry_password_hashes(service_client: Any, submission_runtime: Any) -> None:
    client: TestClient = service_client("submission")
    tokens = make_tokens(submission_runtime)
    created = client.post(
        "/api/v1/accounts",
        headers=tokens(Role.ADMIN),
        json={"role": "judge", "email": "juri@trenggalekkab.go.id", "name": "Juri", "password": "sandi-juri-1"},
    )
    login = client.post("/api/v1/auth/login", json={"username": "juri@trenggalekkab.go.id", "password": "sandi-juri-1"})
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {login.json()['access_token']}"})
    for response in (created, login, me):
        assert response.status_code in (200, 201)
        assert "password" not in response.text
        assert "$argon2" not in response.text


def test_participant_idea_pages_show_no_other_participant_contact(service_client: Any, submission_runtime: Any) -> None:
    world = submission_world(submission_runtime, ATTACHMENTS_DIR)
    client: TestClient = service_client("submission")
    headers = make_tokens(submission_runtime)(Role.PARTICIPANT, user_id=world.participant_id, agency="DINKES")
    pages = [
        client.get("/api/v1/ideas", headers=headers),
        client.get(f"/api/v1/ideas/{world.own['idea_id']}", headers=headers),
        client.get(f"/api/v1/ideas/{world.own['idea_id']}/similar", headers=headers),
    ]
    assert [p.status_code for p in pages] == [200, 200, 200]
    for page in pages:
        for secret in world.other_private:
            assert secret not in page.text
    # Similar ideas are the committee's: a participant learns at most that some exist.
    assert sorted(pages[2].json()) == ["ideas", "similar_exist"]
    assert pages[2].json()["ideas"] == []


def test_judges_see_no_proposer_email_or_nip(service_client: Any, judging_runtime: Any) -> None:
    world = judging_world(judging_runtime, participant_id=uuid.uuid4())
    client: TestClient = service_client("judging")
    headers = make_tokens(judging_runtime)(Role.JUDGE, agency="BAPPEDA")
    pages = [
        client.get(f"/api/v1/ideas/{world.other['idea_id']}", headers=headers),
        client.get(f"/api/v1/editions/{world.other['edition_code']}/ideas", headers=headers),
        client.get(f"/api/v1/ideas/{world.other['idea_id']}/materials", headers=headers),
    ]
    assert [p.status_code for p in pages] == [200, 200, 200]
    for page in pages:
        for secret in world.other_private:
            assert secret not in page.text
