"""Idea rules: drafts, submission checks, versions after submission, freezing, withdrawal, screening."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from services.submission.ideas.reads import list_versions
from services.submission.ideas.schemas import IdeaCreate, IdeaUpdate
from services.submission.ideas.service import create_idea, screen_idea, submit_idea, update_idea, withdraw_idea
from services.submission.tests.factories import committee, make_edition, make_idea, make_participant
from services.submission.tests.ideas.helpers import published
from shared.db import utcnow
from shared.errors import AppError
from shared.events import PositionGroup


def test_submit_reports_every_missing_field_at_once(db_session: Session) -> None:
    make_edition(db_session)
    _, me = make_participant(db_session)
    draft = create_idea(db_session, principal=me, data=IdeaCreate(edition_code="ATA-2026", title="Judul saja"))
    with pytest.raises(AppError) as refused:
        submit_idea(db_session, principal=me, idea_id=draft.id)
    assert refused.value.code == "idea_incomplete"
    assert [p["field"] for p in refused.value.details] == [
        "problem",
        "solution",
        "beneficiaries",
        "time_saved_minutes_per_case",
        "cost_saved_per_year_rp",
        "estimated_budget_rp",
        "target_agency_code",
        "service_area",
    ]
    assert refused.value.details[0] == {
        "field": "problem",
        "message_id": "permasalahan wajib diisi",
        "message_en": "problem is required",
    }
    assert published(db_session, "idea.submitted.v1") == []


def test_submit_publishes_revision_1_with_proposer_and_snapshot(db_session: Session) -> None:
    make_edition(db_session)
    participant, me = make_participant(db_session, agency_code="DINSOS", position_group=PositionGroup.PENGAWAS)
    idea = make_idea(db_session, me, submit=True)
    assert (idea.status, idea.revision, idea.submitted_late) == ("submitted", 1, False)
    [event] = published(db_session, "idea.submitted.v1")
    payload = event["payload"]
    assert (event["producer"], payload["idea_id"], payload["revision"]) == ("submission", str(idea.id), 1)
    assert payload["position_group"] == "pengawas"
    assert payload["proposer"] == {
        "user_id": str(participant.user_id),
        "name": participant.name,
        "email": participant.email,
        "agency_code": "DINSOS",
        "nip": participant.nip,
        "work_unit": None,
    }
    assert payload["idea"]["target_agency_code"] == "DISDUKCAPIL"
    assert payload["idea"]["partners"] == [{"name": "Karang Taruna Desa Panggul", "kind": "community"}]


def test_submit_twice_is_409(db_session: Session) -> None:
    make_edition(db_session)
    _, me = make_participant(db_session)
    idea = make_idea(db_session, me, submit=True)
    with pytest.raises(AppError) as refused:
        submit_idea(db_session, principal=me, idea_id=idea.id)
    assert (refused.value.status_code, refused.value.code) == (409, "not_a_draft")


def test_edit_after_submission_is_versioned_and_republished(db_session: Session) -> None:
    make_edition(db_session)
    _, me = make_participant(db_session)
    idea = make_idea(db_session, me, submit=True)
    update_idea(db_session, principal=me, idea_id=idea.id, data=IdeaUpdate(estimated_budget_rp=9_000_000))
    unchanged = update_idea(db_session, principal=me, idea_id=idea.id, data=IdeaUpdate(estimated_budget_rp=9_000_000))
    assert unchanged.revision == 2  # no change, no new revision
    events = published(db_session, "idea.submitted.v1")
    assert [e["payload"]["revision"] for e in events] == [1, 2]
    assert events[1]["payload"]["idea"]["estimated_budget_rp"] == 9_000_000
    versions = list_versions(db_session, principal=me, idea_id=idea.id)
    assert [(v.revision, v.snapshot["estimated_budget_rp"]) for v in versions] == [(1, 15_000_000), (2, 9_000_000)]


def test_edit_after_submission_cannot_empty_a_required_field(db_session: Session) -> None:
    make_edition(db_session)
    _, me = make_participant(db_session)
    idea = make_idea(db_session, me, submit=True)
    with pytest.raises(AppError) as refused:
        update_idea(db_session, principal=me, idea_id=idea.id, data=IdeaUpdate(problem=" "))
    assert (refused.value.code, refused.value.details[0]["field"]) == ("idea_incomplete", "problem")


def test_idea_frozen_after_deadline(db_session: Session) -> None:
    now = utcnow()
    make_edition(db_session, submission_closes_at=now + timedelta(hours=1), grace_period_minutes=30)
    _, me = make_participant(db_session)
    idea = make_idea(db_session, me, submit=True)
    later = now + timedelta(hours=1, minutes=31)
    with pytest.raises(AppError) as refused:
        update_idea(db_session, principal=me, idea_id=idea.id, data=IdeaUpdate(title="Judul baru"), now=later)
    assert (refused.value.status_code, refused.value.code) == (409, "outside_window")
    assert refused.value.details["window"] == "submission"
    assert "masa pengajuan gagasan" in refused.value.message.id
    assert "the submission window" in refused.value.message.en
    assert "sudah ditutup" in refused.value.message.id


def test_idea_frozen_after_screening(db_session: Session) -> None:
    make_edition(db_session)
    _, me = make_participant(db_session)
    idea = make_idea(db_session, me, submit=True)
    screen_idea(db_session, principal=committee(), idea_id=idea.id, eligible=True, reason=None)
    with pytest.raises(AppError) as refused:
        update_idea(db_session, principal=me, idea_id=idea.id, data=IdeaUpdate(title="Judul baru"))
    assert refused.value.code == "idea_frozen"


def test_submit_in_grace_period_is_accepted_and_marked_late(db_session: Session) -> None:
    now = utcnow()
    make_edition(db_session, submission_closes_at=now - timedelta(minutes=10), grace_period_minutes=30)
    _, me = make_participant(db_session)
    idea = make_idea(db_session, me, submit=True)
    assert (idea.status, idea.submitted_late) == ("submitted", True)


def test_submit_before_opening_refused_naming_the_window(db_session: Session) -> None:
    now = utcnow()
    make_edition(db_session, submission_opens_at=now + timedelta(days=1), submission_closes_at=now + timedelta(days=9))
    _, me = make_participant(db_session)
    idea = make_idea(db_session, me)  # drafting ahead of the opening is fine
    with pytest.raises(AppError) as refused:
        submit_idea(db_session, principal=me, idea_id=idea.id)
    assert refused.value.code == "outside_window"
    assert "belum dibuka" in refused.value.message.id
    assert "has not opened yet" in refused.value.message.en


def test_ideas_per_participant_limit(db_session: Session) -> None:
    make_edition(db_session, max_ideas_per_participant=1)
    _, me = make_participant(db_session)
    first = make_idea(db_session, me)
    with pytest.raises(AppError) as refused:
        make_idea(db_session, me, title="Gagasan kedua")
    assert (refused.value.code, refused.value.details) == ("idea_limit_reached", {"limit": 1})
    withdraw_idea(db_session, principal=me, idea_id=first.id, reason="Salah edisi")
    assert make_idea(db_session, me, title="Gagasan pengganti").status == "draft"  # withdrawn ones do not count


def test_position_group_not_taking_part_refused(db_session: Session) -> None:
    make_edition(db_session, position_groups=["pengawas"])
    _, me = make_participant(db_session, position_group=PositionGroup.PELAKSANA)
    with pytest.raises(AppError) as refused:
        make_idea(db_session, me)
    assert refused.value.code == "group_not_taking_part"


def test_unknown_target_agency_refused_on_save(db_session: Session) -> None:
    make_edition(db_session)
    _, me = make_participant(db_session)
    with pytest.raises(AppError) as refused:
        make_idea(db_session, me, target_agency_code="DINAS-X")
    assert (refused.value.code, refused.value.details["field"]) == ("unknown_agency", "target_agency_code")


def test_extra_questions_checked_on_save_and_on_submit(db_session: Session) -> None:
    questions = [
        {
            "key": "uji_coba",
            "label": "Sudah diuji coba?",
            "kind": "choice",
            "required": True,
            "choices": ["ya", "tidak"],
        },
        {"key": "jumlah", "label": "Jumlah penerima", "kind": "number", "required": True, "min_value": 0},
        {"key": "catatan", "label": "Catatan", "kind": "text", "required": False, "max_length": 10},
    ]
    make_edition(db_session, extra_questions=questions)
    _, me = make_participant(db_session)
    with pytest.raises(AppError) as bad:
        make_idea(
            db_session, me, extra_answers={"uji_coba": "mungkin", "jumlah": "banyak", "catatan": "x" * 11, "z": 1}
        )
    assert [(p["field"], p["message_en"]) for p in bad.value.details] == [
        ("extra_answers.z", "unknown question"),
        ("extra_answers.uji_coba", "not one of the choices"),
        ("extra_answers.jumlah", "must be a number"),
        ("extra_answers.catatan", "too long"),
    ]
    idea = make_idea(db_session, me, extra_answers={"uji_coba": "ya"})
    with pytest.raises(AppError) as incomplete:
        submit_idea(db_session, principal=me, idea_id=idea.id)
    assert [p["field"] for p in incomplete.value.details] == ["extra_answers.jumlah"]
    update_idea(
        db_session, principal=me, idea_id=idea.id, data=IdeaUpdate(extra_answers={"uji_coba": "ya", "jumlah": 250})
    )
    assert submit_idea(db_session, principal=me, idea_id=idea.id).status == "submitted"


def test_withdraw_publishes_event_with_reason(db_session: Session) -> None:
    make_edition(db_session)
    _, me = make_participant(db_session)
    idea = make_idea(db_session, me, submit=True)
    withdrawn = withdraw_idea(db_session, principal=me, idea_id=idea.id, reason="  Pindah tugas  ")
    assert (withdrawn.status, withdrawn.withdraw_reason) == ("withdrawn", "Pindah tugas")
    [event] = published(db_session, "idea.withdrawn.v1")
    assert (event["payload"]["idea_id"], event["payload"]["reason"]) == (str(idea.id), "Pindah tugas")
    with pytest.raises(AppError) as again:
        withdraw_idea(db_session, principal=me, idea_id=idea.id, reason="lagi")
    assert again.value.code == "already_withdrawn"


def test_withdrawing_a_draft_publishes_nothing(db_session: Session) -> None:
    make_edition(db_session)
    _, me = make_participant(db_session)
    idea = make_idea(db_session, me)
    withdraw_idea(db_session, principal=me, idea_id=idea.id, reason="Belum siap")
    assert published(db_session, "idea.withdrawn.v1") == []


def test_withdraw_refused_after_decisions(db_session: Session) -> None:
    now = utcnow()
    make_edition(
        db_session,
        submission_opens_at=now - timedelta(days=30),
        submission_closes_at=now - timedelta(days=20),
        decisions_at=now - timedelta(days=1),
    )
    _, me = make_participant(db_session)
    idea = make_idea(db_session, me, submit=True, now=now - timedelta(days=25))
    with pytest.raises(AppError) as refused:
        withdraw_idea(db_session, principal=me, idea_id=idea.id, reason="Terlambat")
    assert (refused.value.code, refused.value.details["window"]) == ("outside_window", "withdrawal")


def test_screening_not_eligible_needs_reason_and_publishes(db_session: Session) -> None:
    make_edition(db_session)
    _, me = make_participant(db_session)
    idea = make_idea(db_session, me, submit=True)
    with pytest.raises(AppError) as refused:
        screen_idea(db_session, principal=committee(), idea_id=idea.id, eligible=False, reason=" ")
    assert refused.value.code == "reason_required"
    screened = screen_idea(db_session, principal=committee(), idea_id=idea.id, eligible=False, reason="Di luar tema")
    assert (screened.status, screened.screening_reason, screened.screened_eligible) == (
        "not_eligible",
        "Di luar tema",
        False,
    )
    [event] = published(db_session, "idea.screened.v1")
    assert (event["payload"]["eligible"], event["payload"]["reason"]) == (False, "Di luar tema")


def test_screening_a_draft_is_409(db_session: Session) -> None:
    make_edition(db_session)
    _, me = make_participant(db_session)
    idea = make_idea(db_session, me)
    with pytest.raises(AppError) as refused:
        screen_idea(db_session, principal=committee(), idea_id=idea.id, eligible=True, reason=None)
    assert refused.value.code == "not_submitted"


def test_screening_outside_its_window_refused(db_session: Session) -> None:
    now = utcnow()
    make_edition(db_session, screening_opens_at=now + timedelta(days=11), screening_closes_at=now + timedelta(days=20))
    _, me = make_participant(db_session)
    idea = make_idea(db_session, me, submit=True)
    with pytest.raises(AppError) as refused:
        screen_idea(db_session, principal=committee(), idea_id=idea.id, eligible=True, reason=None)
    assert (refused.value.code, refused.value.details["window"]) == ("outside_window", "screening")
    assert "masa seleksi administrasi" in refused.value.message.id
    later = now + timedelta(days=12)
    assert screen_idea(
        db_session, principal=committee(), idea_id=idea.id, eligible=True, reason=None, now=later
    ).status == ("eligible")
