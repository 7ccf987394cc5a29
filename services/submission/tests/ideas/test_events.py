"""Consuming idea.judged.v1 and the ticket events: decision and implementation shown on the idea."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.submission.db import messaging
from services.submission.ideas.tasks import on_idea_judged, on_ticket_created, on_ticket_status_changed
from services.submission.tests.factories import make_edition, make_idea, make_participant
from shared.auth import Role
from shared.db import utcnow
from shared.events import (
    IdeaJudged,
    IdeaJudgedPayload,
    IdeaSnapshot,
    Person,
    PositionGroup,
    TicketCreated,
    TicketCreatedPayload,
    TicketStatusChanged,
    TicketStatusChangedPayload,
)


def judged(idea_id: uuid.UUID, *, selected: bool, score: float, rank: int, minutes_ago: int = 0) -> IdeaJudged:
    return IdeaJudged(
        producer="judging",
        payload=IdeaJudgedPayload(
            idea_id=idea_id,
            edition_code="ATA-2026",
            selected=selected,
            score=score,
            rank=rank,
            position_group=PositionGroup.PELAKSANA,
            implementing_agency_code="DISDUKCAPIL" if selected else None,
            proposer=Person(user_id=uuid.uuid4(), name="P", email="p@x.go.id"),
            idea=IdeaSnapshot(
                title="T", problem="P", solution="S", beneficiaries="B", target_agency_code="DISDUKCAPIL"
            ),
            decided_at=utcnow() - timedelta(minutes=minutes_ago),
        ),
    )


def status_changed(idea_id: uuid.UUID, ticket_id: uuid.UUID, new: str, minutes_ago: int) -> TicketStatusChanged:
    return TicketStatusChanged(
        producer="implementation",
        payload=TicketStatusChangedPayload(
            ticket_id=ticket_id,
            idea_id=idea_id,
            agency_code="DISDUKCAPIL",
            old_status="open",
            new_status=new,
            changed_at=utcnow() - timedelta(minutes=minutes_ago),
        ),
    )


def created(idea_id: uuid.UUID, ticket_id: uuid.UUID, status: str | None = "new") -> TicketCreated:
    return TicketCreated(
        producer="implementation",
        payload=TicketCreatedPayload(
            ticket_id=ticket_id,
            idea_id=idea_id,
            edition_code="ATA-2026",
            agency_code="DISDUKCAPIL",
            due_date=None,
            title="T",
            status=status,
        ),
    )


def test_decision_and_progress_shown_on_the_idea(client: TestClient, tokens: Any, submission_runtime: Any) -> None:
    with submission_runtime.session_factory() as session:
        make_edition(session)
        owner, owner_p = make_participant(session)
        idea = make_idea(session, owner_p, submit=True)
        ticket = uuid.uuid4()
        on_idea_judged(session, judged(idea.id, selected=True, score=87.5, rank=1))
        on_ticket_created(session, created(idea.id, ticket))
        on_ticket_status_changed(session, status_changed(idea.id, ticket, "accepted", minutes_ago=0))
        session.commit()
    body = client.get(f"/api/v1/ideas/{idea.id}", headers=tokens(Role.PARTICIPANT, user_id=owner.user_id)).json()
    assert body["decision"]["selected"] is True
    assert (body["decision"]["score"], body["decision"]["rank"]) == (87.5, 1)
    assert body["implementation"]["ticket_id"] == str(ticket)
    assert body["implementation"]["status"] == "accepted"


def test_older_events_arriving_late_do_not_overwrite(db_session: Session) -> None:
    make_edition(db_session)
    _, owner_p = make_participant(db_session)
    idea = make_idea(db_session, owner_p, submit=True)
    ticket = uuid.uuid4()
    on_ticket_status_changed(db_session, status_changed(idea.id, ticket, "in_progress", minutes_ago=1))
    on_ticket_created(db_session, created(idea.id, ticket))  # created arrives after a status change
    on_ticket_status_changed(db_session, status_changed(idea.id, ticket, "accepted", minutes_ago=5))
    on_idea_judged(db_session, judged(idea.id, selected=True, score=80.0, rank=2, minutes_ago=0))
    on_idea_judged(db_session, judged(idea.id, selected=False, score=60.0, rank=9, minutes_ago=10))
    db_session.flush()
    assert (idea.ticket_id, idea.ticket_status) == (ticket, "in_progress")
    assert (idea.decision_selected, idea.decision_rank) == (True, 2)


def test_event_for_unknown_idea_is_ignored(db_session: Session) -> None:
    make_edition(db_session)
    _, owner_p = make_participant(db_session)
    known = make_idea(db_session, owner_p, submit=True)
    db_session.flush()
    on_idea_judged(db_session, judged(uuid.uuid4(), selected=True, score=1.0, rank=1))  # no error
    assert not db_session.new  # nothing created
    assert not db_session.dirty  # nothing changed
    assert (known.decision_selected, known.decision_score, known.decided_at) == (None, None, None)


def test_redelivered_event_is_handled_once(submission_runtime: Any) -> None:
    from services.submission.worker import handle_event

    with submission_runtime.session_factory() as session:
        make_edition(session)
        _, owner_p = make_participant(session)
        idea = make_idea(session, owner_p, submit=True)
    event = judged(idea.id, selected=True, score=91.0, rank=1).model_dump(mode="json")
    assert handle_event.apply(kwargs={"event": event}).get() == "handled"
    assert handle_event.apply(kwargs={"event": event}).get() == "duplicate"
    with submission_runtime.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(messaging.inbox_event)) == 1


def test_new_ticket_shows_the_status_it_was_opened_with_until_a_change_arrives(db_session: Session) -> None:
    make_edition(db_session)
    _, owner_p = make_participant(db_session)
    idea = make_idea(db_session, owner_p, submit=True)
    ticket = uuid.uuid4()
    on_ticket_created(db_session, created(idea.id, ticket))
    db_session.flush()
    assert (idea.ticket_id, idea.ticket_status) == (ticket, "new")
    on_ticket_status_changed(db_session, status_changed(idea.id, ticket, "accepted", minutes_ago=60))
    db_session.flush()
    assert idea.ticket_status == "accepted"


def test_ticket_created_by_an_older_producer_without_status_links_the_ticket_and_invents_no_status(
    db_session: Session,
) -> None:
    make_edition(db_session)
    _, owner_p = make_participant(db_session)
    idea = make_idea(db_session, owner_p, submit=True)
    ticket = uuid.uuid4()
    on_ticket_created(db_session, created(idea.id, ticket, status=None))
    db_session.flush()
    assert (idea.ticket_id, idea.ticket_status) == (ticket, None)
