"""What a team hears from the submission service (HTTP): invitations and answers, receipt, screening result."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from services.submission.tests.factories import make_edition, make_idea, make_participant
from services.submission.tests.ideas.helpers import published
from shared.auth import Role


def _headers(tokens: Any, participant: Any) -> dict[str, str]:
    return tokens(Role.PARTICIPANT, user_id=participant.user_id, agency=participant.agency_code)  # type: ignore[no-any-return]


def _told(runtime: Any) -> list[tuple[str, str, dict[str, Any]]]:
    """(template, recipient email, context) of every notification published, in order."""
    with runtime.session_factory() as session:
        events = published(session, "notification.requested.v1")
    return [(e["payload"]["template"], e["payload"]["recipient"]["email"], e["payload"]["context"]) for e in events]


def test_team_hears_invitations_answers_receipt_and_screening(
    client: TestClient, tokens: Any, submission_runtime: Any
) -> None:
    with submission_runtime.session_factory() as session:
        make_edition(session)
        owner, owner_p = make_participant(session, name="Siti Rahmawati")
        mate, _ = make_participant(session, name="Budi Santoso")
        declining, _ = make_participant(session, name="Rina Wulandari")
        idea = make_idea(session, owner_p, title="Antrean daring KTP elektronik")
    base = f"/api/v1/ideas/{idea.id}"
    owner_h = _headers(tokens, owner)
    for person in (mate, declining):
        invited = client.post(f"{base}/co-proposers", headers=owner_h, json={"nip": person.nip})
        assert invited.status_code == 200, invited.text
    assert client.post(f"{base}/co-proposers/accept", headers=_headers(tokens, mate)).status_code == 200
    assert client.post(f"{base}/co-proposers/decline", headers=_headers(tokens, declining)).status_code == 200
    assert client.post(f"{base}/submit", headers=owner_h).status_code == 200
    screened = client.post(
        f"{base}/screening", headers=tokens(Role.COMMITTEE), json={"eligible": False, "reason": "Di luar tema"}
    )
    assert screened.status_code == 200, screened.text
    told = _told(submission_runtime)
    assert [(template, email) for template, email, _ in told] == [
        ("team_invitation", mate.email),
        ("team_invitation", declining.email),
        ("team_invitation_answered", owner.email),
        ("team_invitation_answered", owner.email),
        ("idea_submitted", owner.email),
        ("idea_submitted", mate.email),  # the team that submitted: not who declined
        ("idea_screened", owner.email),
        ("idea_screened", mate.email),
    ]
    assert told[0][2] == {
        "idea_id": str(idea.id),
        "title": "Antrean daring KTP elektronik",
        "edition_code": "ATA-2026",
        "proposer_name": "Siti Rahmawati",
    }
    assert [(c["member_name"], c["accepted"]) for t, _, c in told if t == "team_invitation_answered"] == [
        ("Budi Santoso", True),
        ("Rina Wulandari", False),
    ]
    assert {(c["eligible"], c["reason"]) for t, _, c in told if t == "idea_screened"} == {(False, "Di luar tema")}
    with submission_runtime.session_factory() as session:
        payloads = [e["payload"] for e in published(session, "notification.requested.v1")]
        (submitted,) = published(session, "idea.submitted.v1")
    keys = [p["idempotency_key"] for p in payloads]
    assert len(set(keys)) == len(keys)
    receipt = next(p for p in payloads if p["template"] == "idea_submitted")
    assert receipt["idempotency_key"] == f"{submitted['event_id']}:{owner.user_id}:idea_submitted"
    assert receipt["channels"] == ["email", "in_app"]


def test_refused_screening_tells_nobody(client: TestClient, tokens: Any, submission_runtime: Any) -> None:
    with submission_runtime.session_factory() as session:
        make_edition(session)
        _, owner_p = make_participant(session)
        idea = make_idea(session, owner_p, submit=True)
    before = len(_told(submission_runtime))
    refused = client.post(
        f"/api/v1/ideas/{idea.id}/screening", headers=tokens(Role.COMMITTEE), json={"eligible": False, "reason": " "}
    )
    assert (refused.status_code, refused.json()["error"]["code"]) == (422, "reason_required")
    assert len(_told(submission_runtime)) == before
