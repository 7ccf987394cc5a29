"""What judges read: extra answers and signed links to attachments, for the idea's judges only."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.judging.conflicts.models import Exclusion
from services.judging.ideas import service as ideas
from services.judging.tests.factories import EDITION, T0, eligible_idea, person, rubric, submitted
from services.judging.tests.schedule.test_schedule import judge, make_day
from shared.attachment_links import AttachmentGrant, verify
from shared.auth import Role
from shared.events import AttachmentRef, ExtraAnswer, IdeaWithdrawnPayload

DECK = AttachmentRef(
    attachment_id=uuid.UUID(int=77),
    filename="paparan final.pdf",
    content_type="application/pdf",
    size_bytes=48_213,
    sha256="ab" * 32,
)
ANSWER = ExtraAnswer(key="sudah_diuji_coba", label="Apakah gagasan sudah diuji coba?", answer="sebagian")


def materials(client: TestClient, idea_id: uuid.UUID, headers: dict[str, str]) -> Any:
    return client.get(f"/api/v1/ideas/{idea_id}/materials", headers=headers)


def grant_in(url: str) -> tuple[AttachmentGrant, str]:
    """The grant and signature a link carries, as the submission service reads them."""
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    attachment_id = uuid.UUID(parts.path.split("/")[-2])
    grant = AttachmentGrant(
        attachment_id=attachment_id,
        idea_id=uuid.UUID(query["idea"]),
        judge_id=uuid.UUID(query["judge"]),
        expires=int(query["expires"]),
    )
    return grant, query["signature"]


def panel_idea(client: TestClient, tokens: Any, session: Session, panel: list[dict[str, Any]]) -> uuid.UUID:
    """An eligible idea with a deck and an answer, in a room whose panel is `panel`."""
    rubric(session)
    day = make_day(client, tokens)
    idea_id = eligible_idea(
        session, proposer=person("DINKES", work_unit="Bidang P2P"), attachments=[DECK], extra_answers=[ANSWER]
    )
    client.post(f"/api/v1/editions/{EDITION}/schedule/assign", headers=tokens(Role.COMMITTEE))
    room = day["slots"][0]["room_id"]
    r = client.put(
        f"/api/v1/editions/{EDITION}/rooms/{room}/panel", json={"judges": panel}, headers=tokens(Role.COMMITTEE)
    )
    assert r.status_code == 200, r.text
    return idea_id


def test_panel_judge_gets_answers_and_a_signed_link_to_the_deck(
    client: TestClient, tokens: Any, session: Session, judging_runtime: Any
) -> None:
    a = judge("BAPPEDA", "Pak Joko")
    idea_id = panel_idea(client, tokens, session, [a])
    judge_id = uuid.UUID(a["user_id"])
    before = int(datetime.now(UTC).timestamp())
    r = materials(client, idea_id, tokens(Role.JUDGE, agency="BAPPEDA", user_id=judge_id))
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["idea_id"], body["revision"]) == (str(idea_id), 1)
    assert body["extra_answers"] == [ANSWER.model_dump(mode="json")]
    [link] = body["attachments"]
    assert {k: v for k, v in link.items() if k != "url"} == DECK.model_dump(mode="json")
    assert link["url"].startswith(f"http://localhost:8001/api/v1/attachments/{DECK.attachment_id}/signed?")
    grant, signature = grant_in(link["url"])
    assert (grant.attachment_id, grant.idea_id, grant.judge_id) == (DECK.attachment_id, idea_id, judge_id)
    assert before + 300 <= grant.expires <= before + 302  # ATTACHMENT_LINK_SECONDS, 5 minutes
    assert datetime.fromisoformat(body["links_expire_at"]).timestamp() == grant.expires
    verify(judging_runtime.settings.attachment_link_secret, grant, signature)  # what submission checks


def test_materials_refused_to_judges_who_do_not_judge_the_idea(
    client: TestClient, tokens: Any, session: Session
) -> None:
    a, recused = judge("BAPPEDA", "Pak Joko"), judge("DLH", "Bu Ani")
    idea_id = panel_idea(client, tokens, session, [a, recused])

    def refused(headers: dict[str, str]) -> tuple[int, str, Any]:
        r = materials(client, idea_id, headers)
        return r.status_code, r.json()["error"]["code"], r.json()["error"].get("details")

    assert refused(tokens(Role.JUDGE, agency="DISHUB"))[:2] == (403, "not_on_panel")
    # A colleague of the proposer's unit kerja: conflicted before any panel question, and logged.
    colleague_id = uuid.uuid4()
    same_unit = tokens(Role.JUDGE, agency="DINKES", user_id=colleague_id, work_unit=" bidang  p2p ")
    assert refused(same_unit) == (403, "conflict_of_interest", {"reason": "same_work_unit"})
    logged = session.scalars(select(Exclusion.reason).where(Exclusion.judge_id == colleague_id)).all()
    assert logged == ["same_work_unit"]
    recused_h = tokens(Role.JUDGE, agency="DLH", user_id=uuid.UUID(recused["user_id"]))
    assert (
        client.post(
            f"/api/v1/ideas/{idea_id}/recusal", json={"reason": "Kakak ipar pengusul"}, headers=recused_h
        ).status_code
        == 201
    )
    assert refused(recused_h)[:2] == (403, "judge_excluded")
    assert materials(client, idea_id, tokens(Role.PARTICIPANT)).status_code == 403
    committee = materials(client, idea_id, tokens(Role.COMMITTEE))
    assert (committee.status_code, len(committee.json()["attachments"])) == (200, 1)


def test_materials_follow_the_latest_revision_and_end_with_withdrawal(
    client: TestClient, tokens: Any, session: Session
) -> None:
    rubric(session)  # no panels: every judge without a conflict judges every idea
    proposer = person("DINKES")
    idea_id = eligible_idea(session, proposer=proposer, attachments=[DECK], extra_answers=[ANSWER])
    reader = tokens(Role.JUDGE, agency="BAPPEDA")
    assert len(materials(client, idea_id, reader).json()["attachments"]) == 1
    ideas.apply_submitted(session, submitted(idea_id=idea_id, revision=2, proposer=proposer).payload)
    session.commit()
    latest = materials(client, idea_id, reader).json()
    assert (latest["revision"], latest["attachments"], latest["extra_answers"]) == (2, [], [])
    ideas.apply_withdrawn(
        session, IdeaWithdrawnPayload(idea_id=idea_id, edition_code=EDITION, reason="Pindah tugas", withdrawn_at=T0)
    )
    session.commit()
    assert materials(client, idea_id, reader).status_code == 404


def test_materials_wait_for_a_rubric(client: TestClient, tokens: Any, session: Session) -> None:
    idea_id = eligible_idea(session, attachments=[DECK])
    r = materials(client, idea_id, tokens(Role.JUDGE, agency="BAPPEDA"))
    assert (r.status_code, r.json()["error"]["code"]) == (409, "rubric_missing")
