"""Co-proposers: invited by NIP, accept or decline, shown on the idea and in the event."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from services.submission.ideas.reads import get_idea, read_idea
from services.submission.ideas.service import submit_idea
from services.submission.ideas.teams import invite_co_proposer, remove_co_proposer, respond_to_invitation
from services.submission.tests.factories import make_edition, make_idea, make_participant
from services.submission.tests.ideas.helpers import published
from shared.errors import AppError


def test_accepting_after_submission_republishes_with_team(db_session: Session) -> None:
    make_edition(db_session)
    _, owner = make_participant(db_session)
    mate, mate_p = make_participant(db_session, agency_code="RSUD")
    idea = make_idea(db_session, owner, submit=True)
    invite_co_proposer(db_session, principal=owner, idea_id=idea.id, nip=mate.nip)
    assert [e["payload"]["revision"] for e in published(db_session, "idea.submitted.v1")] == [1]
    respond_to_invitation(db_session, principal=mate_p, idea_id=idea.id, accept=True)
    events = published(db_session, "idea.submitted.v1")
    assert [e["payload"]["revision"] for e in events] == [1, 2]
    assert [p["nip"] for p in events[1]["payload"]["co_proposers"]] == [mate.nip]
    assert events[1]["payload"]["co_proposers"][0]["agency_code"] == "RSUD"
    team = read_idea(db_session, idea).team
    assert [(t.nip, t.status) for t in team] == [(mate.nip, "accepted")]


def test_declined_invitee_loses_sight_of_the_idea(db_session: Session) -> None:
    make_edition(db_session)
    _, owner = make_participant(db_session)
    mate, mate_p = make_participant(db_session)
    idea = make_idea(db_session, owner)
    invite_co_proposer(db_session, principal=owner, idea_id=idea.id, nip=mate.nip)
    respond_to_invitation(db_session, principal=mate_p, idea_id=idea.id, accept=False)
    with pytest.raises(AppError) as hidden:
        get_idea(db_session, principal=mate_p, idea_id=idea.id)
    assert hidden.value.status_code == 404
    # The proposer may invite again after a decline.
    invite_co_proposer(db_session, principal=owner, idea_id=idea.id, nip=mate.nip)
    assert read_idea(db_session, idea).team[0].status == "invited"


def test_invite_rules(db_session: Session) -> None:
    make_edition(db_session)
    owner_record, owner = make_participant(db_session)
    mate, mate_p = make_participant(db_session)
    idea = make_idea(db_session, owner)
    with pytest.raises(AppError) as unknown:
        invite_co_proposer(db_session, principal=owner, idea_id=idea.id, nip="198504122010031999")
    assert unknown.value.status_code == 404
    with pytest.raises(AppError) as self_invite:
        invite_co_proposer(db_session, principal=owner, idea_id=idea.id, nip=owner_record.nip)
    assert self_invite.value.code == "self_invite"
    invite_co_proposer(db_session, principal=owner, idea_id=idea.id, nip=mate.nip)
    with pytest.raises(AppError) as twice:
        invite_co_proposer(db_session, principal=owner, idea_id=idea.id, nip=mate.nip)
    assert twice.value.code == "already_invited"
    respond_to_invitation(db_session, principal=mate_p, idea_id=idea.id, accept=True)
    third, _ = make_participant(db_session)
    with pytest.raises(AppError) as not_proposer:
        invite_co_proposer(db_session, principal=mate_p, idea_id=idea.id, nip=third.nip)
    assert not_proposer.value.status_code == 403
    with pytest.raises(AppError) as no_invitation:
        respond_to_invitation(db_session, principal=mate_p, idea_id=idea.id, accept=True)
    assert no_invitation.value.code == "no_invitation"


def test_team_limited_to_four_co_proposers(db_session: Session) -> None:
    make_edition(db_session)
    _, owner = make_participant(db_session)
    idea = make_idea(db_session, owner)
    for _ in range(4):
        mate, _ = make_participant(db_session)
        invite_co_proposer(db_session, principal=owner, idea_id=idea.id, nip=mate.nip)
    fifth, _ = make_participant(db_session)
    with pytest.raises(AppError) as full:
        invite_co_proposer(db_session, principal=owner, idea_id=idea.id, nip=fifth.nip)
    assert full.value.code == "team_full"


def test_proposer_removes_member_and_submitted_idea_is_republished(db_session: Session) -> None:
    make_edition(db_session)
    _, owner = make_participant(db_session)
    mate, mate_p = make_participant(db_session)
    idea = make_idea(db_session, owner)
    invite_co_proposer(db_session, principal=owner, idea_id=idea.id, nip=mate.nip)
    respond_to_invitation(db_session, principal=mate_p, idea_id=idea.id, accept=True)
    submit_idea(db_session, principal=owner, idea_id=idea.id)
    with pytest.raises(AppError) as not_proposer:
        remove_co_proposer(db_session, principal=mate_p, idea_id=idea.id, participant_id=mate.id)
    assert not_proposer.value.status_code == 403
    remove_co_proposer(db_session, principal=owner, idea_id=idea.id, participant_id=mate.id)
    events = published(db_session, "idea.submitted.v1")
    assert [(e["payload"]["revision"], len(e["payload"]["co_proposers"])) for e in events] == [(1, 1), (2, 0)]
    assert read_idea(db_session, idea).team == []
