"""The copy of ideas kept from submission's events: revisions, screening, withdrawal, redelivery."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.judging.db import messaging
from services.judging.ideas.models import Idea
from services.judging.ideas.tasks import on_idea_screened, on_idea_submitted, on_idea_withdrawn
from services.judging.tests.factories import EDITION, T0, person, screened, submitted
from shared.events import IdeaWithdrawn, IdeaWithdrawnPayload


def test_idea_submitted_stores_copy_with_team_agencies(db_session: Session) -> None:
    co = person("KEC-PANGGUL")
    event = submitted(proposer=person("DISDUKCAPIL"), co_proposers=[co])
    on_idea_submitted(db_session, event)
    idea = db_session.get(Idea, event.payload.idea_id)
    assert idea is not None
    assert idea.revision == 1
    assert idea.title == "Antrean daring KTP-el"
    assert idea.team_agency_codes == ["DISDUKCAPIL", "KEC-PANGGUL"]
    assert idea.team_user_ids == [str(event.payload.proposer.user_id), str(co.user_id)]
    assert idea.eligible is None


def test_idea_submitted_older_revision_ignored_when_newer_stored(db_session: Session) -> None:
    newer = submitted(revision=2, title="Versi dua")
    older = submitted(idea_id=newer.payload.idea_id, revision=1, title="Versi satu")
    on_idea_submitted(db_session, newer)
    on_idea_submitted(db_session, older)
    idea = db_session.get(Idea, newer.payload.idea_id)
    assert idea is not None
    assert (idea.revision, idea.title) == (2, "Versi dua")


def test_idea_screened_before_submitted_keeps_eligibility(db_session: Session) -> None:
    event = submitted()
    on_idea_screened(db_session, screened(event.payload.idea_id, eligible=True))
    db_session.flush()
    hidden = db_session.get(Idea, event.payload.idea_id)
    assert hidden is not None
    assert hidden.known is False
    on_idea_submitted(db_session, event)
    idea = db_session.get(Idea, event.payload.idea_id)
    assert idea is not None
    assert (idea.known, idea.eligible, idea.judgeable) == (True, True, True)


def test_idea_screened_older_screening_ignored(db_session: Session) -> None:
    event = submitted()
    on_idea_submitted(db_session, event)
    on_idea_screened(db_session, screened(event.payload.idea_id, eligible=False, at=T0 + timedelta(days=1)))
    on_idea_screened(db_session, screened(event.payload.idea_id, eligible=True, at=T0))
    idea = db_session.get(Idea, event.payload.idea_id)
    assert idea is not None
    assert idea.eligible is False


def test_idea_withdrawn_excludes_from_judging(db_session: Session) -> None:
    event = submitted()
    on_idea_submitted(db_session, event)
    on_idea_screened(db_session, screened(event.payload.idea_id))
    on_idea_withdrawn(
        db_session,
        IdeaWithdrawn(
            producer="submission",
            payload=IdeaWithdrawnPayload(
                idea_id=event.payload.idea_id, edition_code=EDITION, reason="pindah tugas", withdrawn_at=T0
            ),
        ),
    )
    idea = db_session.get(Idea, event.payload.idea_id)
    assert idea is not None
    assert (idea.withdrawn, idea.judgeable, idea.withdrawal_reason) == (True, False, "pindah tugas")


def test_consumer_redelivered_event_handled_once(judging_runtime: Any) -> None:
    from services.judging.worker import handle_event

    event = submitted()
    body = event.model_dump(mode="json")
    assert handle_event(event=body) == "handled"
    assert handle_event(event=body) == "duplicate"
    with judging_runtime.session_factory() as s:
        assert s.scalar(select(func.count()).select_from(Idea)) == 1
        inbox = s.scalar(select(func.count()).select_from(messaging.inbox_event))
        assert inbox == 1
