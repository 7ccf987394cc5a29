"""Who may see and change which idea (HTTP): own and team ideas for participants, all for the committee."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from services.submission.ideas.teams import invite_co_proposer
from services.submission.tests.factories import make_edition, make_idea, make_participant
from shared.auth import Role


def _headers(tokens: Any, participant: Any) -> dict[str, str]:
    return tokens(Role.PARTICIPANT, user_id=participant.user_id, agency=participant.agency_code)  # type: ignore[no-any-return]


def test_participant_sees_only_own_and_team_ideas(client: TestClient, tokens: Any, submission_runtime: Any) -> None:
    with submission_runtime.session_factory() as session:
        make_edition(session)
        owner, owner_p = make_participant(session)
        _, other_p = make_participant(session)
        teammate, _ = make_participant(session)
        mine = make_idea(session, owner_p, title="Gagasan saya")
        theirs = make_idea(session, other_p, title="Gagasan orang lain")
        invite_co_proposer(session, principal=other_p, idea_id=theirs.id, nip=teammate.nip)
    owner_h, teammate_h = _headers(tokens, owner), _headers(tokens, teammate)
    assert client.get(f"/api/v1/ideas/{theirs.id}", headers=owner_h).status_code == 404
    assert client.get(f"/api/v1/ideas/{mine.id}", headers=owner_h).status_code == 200
    assert [i["title"] for i in client.get("/api/v1/ideas", headers=owner_h).json()["items"]] == ["Gagasan saya"]
    assert [i["title"] for i in client.get("/api/v1/ideas", headers=teammate_h).json()["items"]] == [
        "Gagasan orang lain"
    ]
    committee = client.get("/api/v1/ideas", headers=tokens(Role.COMMITTEE)).json()
    assert committee["total"] == 2


def test_other_participant_cannot_change_submit_or_withdraw(
    client: TestClient, tokens: Any, submission_runtime: Any
) -> None:
    with submission_runtime.session_factory() as session:
        make_edition(session)
        _, owner_p = make_participant(session)
        stranger, _ = make_participant(session)
        idea = make_idea(session, owner_p)
    h = _headers(tokens, stranger)
    assert client.patch(f"/api/v1/ideas/{idea.id}", headers=h, json={"title": "Dibajak"}).status_code == 404
    assert client.post(f"/api/v1/ideas/{idea.id}/submit", headers=h).status_code == 404
    assert client.post(f"/api/v1/ideas/{idea.id}/withdraw", headers=h, json={"reason": "iseng"}).status_code == 404


def test_invited_co_proposer_sees_but_cannot_edit_until_accepting(
    client: TestClient, tokens: Any, submission_runtime: Any
) -> None:
    with submission_runtime.session_factory() as session:
        make_edition(session)
        _, owner_p = make_participant(session)
        invitee, _ = make_participant(session)
        idea = make_idea(session, owner_p)
        invite_co_proposer(session, principal=owner_p, idea_id=idea.id, nip=invitee.nip)
    h = _headers(tokens, invitee)
    assert client.get(f"/api/v1/ideas/{idea.id}", headers=h).json()["team"][0]["status"] == "invited"
    assert client.patch(f"/api/v1/ideas/{idea.id}", headers=h, json={"title": "Diubah"}).status_code == 403
    assert client.post(f"/api/v1/ideas/{idea.id}/co-proposers/accept", headers=h).status_code == 200
    changed = client.patch(f"/api/v1/ideas/{idea.id}", headers=h, json={"title": "Diubah bersama"})
    assert changed.json()["title"] == "Diubah bersama"
    # A co-proposer may edit but not withdraw the proposer's idea.
    assert client.post(f"/api/v1/ideas/{idea.id}/withdraw", headers=h, json={"reason": "tidak"}).status_code == 403


def test_judges_and_agencies_get_403_on_every_idea_route(
    client: TestClient, tokens: Any, submission_runtime: Any
) -> None:
    with submission_runtime.session_factory() as session:
        make_edition(session)
        _, owner_p = make_participant(session)
        idea = make_idea(session, owner_p, submit=True)
    for role in (Role.JUDGE, Role.AGENCY):
        h = tokens(role, agency="DINKES")
        assert client.get(f"/api/v1/ideas/{idea.id}", headers=h).status_code == 403
        assert client.get(f"/api/v1/ideas/{idea.id}/similar", headers=h).status_code == 403
        assert client.get("/api/v1/ideas/export", headers=h).status_code == 403
        assert client.post(f"/api/v1/ideas/{idea.id}/screening", headers=h, json={"eligible": True}).status_code == 403


def test_participant_cannot_screen_or_export(client: TestClient, tokens: Any, submission_runtime: Any) -> None:
    with submission_runtime.session_factory() as session:
        make_edition(session)
        owner, owner_p = make_participant(session)
        idea = make_idea(session, owner_p, submit=True)
    h = _headers(tokens, owner)
    assert client.post(f"/api/v1/ideas/{idea.id}/screening", headers=h, json={"eligible": True}).status_code == 403
    assert client.get("/api/v1/ideas/export", headers=h).status_code == 403


def test_participant_sees_screening_reason(client: TestClient, tokens: Any, submission_runtime: Any) -> None:
    with submission_runtime.session_factory() as session:
        make_edition(session)
        owner, owner_p = make_participant(session)
        idea = make_idea(session, owner_p, submit=True)
    screened = client.post(
        f"/api/v1/ideas/{idea.id}/screening",
        headers=tokens(Role.COMMITTEE),
        json={"eligible": False, "reason": "Anggaran melebihi pagu"},
    )
    assert screened.status_code == 200
    seen = client.get(f"/api/v1/ideas/{idea.id}", headers=_headers(tokens, owner)).json()
    assert seen["status"] == "not_eligible"
    assert (seen["screening"]["eligible"], seen["screening"]["reason"]) == (False, "Anggaran melebihi pagu")


def test_withdraw_without_reason_is_422(client: TestClient, tokens: Any, submission_runtime: Any) -> None:
    with submission_runtime.session_factory() as session:
        make_edition(session)
        owner, owner_p = make_participant(session)
        idea = make_idea(session, owner_p, submit=True)
    response = client.post(f"/api/v1/ideas/{idea.id}/withdraw", headers=_headers(tokens, owner), json={"reason": ""})
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "reason"


def test_submit_over_http_reports_problems_in_both_languages(
    client: TestClient, tokens: Any, submission_runtime: Any
) -> None:
    with submission_runtime.session_factory() as session:
        make_edition(session)
        owner, _ = make_participant(session)
    h = _headers(tokens, owner)
    draft = client.post("/api/v1/ideas", headers=h, json={"edition_code": "ATA-2026", "title": "Baru judul"}).json()
    response = client.post(f"/api/v1/ideas/{draft['id']}/submit", headers=h | {"Accept-Language": "en"})
    assert response.status_code == 422
    assert response.json()["error"]["message"] == "The idea is incomplete: 8 fields need attention"
    indonesian = client.post(f"/api/v1/ideas/{draft['id']}/submit", headers=h).json()
    assert indonesian["error"]["message"] == "Gagasan belum lengkap: 8 isian perlu diperbaiki"
