"""The demo seed: the brief's figures, valid NIPs, ideas through the outbox, idempotent."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, text

from services.submission.ideas.models import Idea
from services.submission.participants.models import Participant
from services.submission.participants.nip import nip_problems
from services.submission.seed import load_demo


def test_seed_loads_the_brief_figures_and_is_idempotent(submission_runtime: Any) -> None:
    with submission_runtime.session_factory() as session:
        first = load_demo(session)
        again = load_demo(session)
        groups = dict(
            session.execute(select(Participant.position_group, func.count()).group_by(Participant.position_group)).all()
        )
        nips = session.scalars(select(Participant.nip)).all()
        statuses = dict(session.execute(select(Idea.status, func.count()).group_by(Idea.status)).all())
        submitted_events = session.execute(
            text("SELECT count(*) FROM outbox_event WHERE event_type = 'idea.submitted.v1'")
        ).scalar_one()
        agencies = session.scalar(select(func.count(func.distinct(Participant.agency_code))))
    assert groups == {"pengawas": 28, "fungsional_penyetaraan": 22, "fungsional_ahli": 43, "pelaksana": 54}
    assert all(nip_problems(n) == [] for n in nips)
    assert (first.participants_created, first.ideas_created) == (147, 147)
    assert (again.participants_created, again.ideas_created, again.ideas_submitted) == (0, 0, 0)
    assert statuses["eligible"] > 50
    assert statuses["draft"] == 12
    assert submitted_events >= first.ideas_submitted  # team changes add revisions, never fewer events
    assert agencies is not None
    assert agencies > 20
    roles = [role for role, _, _ in first.logins]
    assert roles.count("judge") == 6
    assert "committee" in roles
    assert "admin" in roles
