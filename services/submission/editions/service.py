"""Editions and their timeline: which action is allowed when, in Asia/Jakarta time."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.submission.common import wib
from services.submission.editions.models import Edition
from services.submission.editions.schemas import EditionCreate, EditionRead, EditionSummary, EditionUpdate
from services.submission.ideas.models import Idea
from shared.db import utcnow
from shared.errors import AppError, Message, conflict, invalid, not_found

# (earlier, later, strict, rule): checked whenever both are set; every broken rule is reported at once, its
# text in the caller's language.
# Windows must have length (strict); one phase may begin the moment the previous one does or ends.
_ORDER = (
    ("submission_opens_at", "submission_closes_at", True,
     Message("Pengajuan dibuka sebelum ditutup", "submission opens before it closes")),
    ("screening_opens_at", "screening_closes_at", True,
     Message("Seleksi administrasi dibuka sebelum ditutup", "screening opens before it closes")),
    ("submission_opens_at", "screening_opens_at", False,
     Message("Seleksi administrasi dimulai sesudah pengajuan dibuka", "screening starts after submission opens")),
    ("submission_closes_at", "auditions_start_at", False,
     Message("Audisi dimulai sesudah pengajuan ditutup", "auditions start after submission closes")),
    ("auditions_start_at", "auditions_end_at", True,
     Message("Audisi dimulai sebelum berakhir", "auditions start before they end")),
    ("screening_closes_at", "auditions_start_at", False,
     Message("Seleksi administrasi selesai sebelum audisi dimulai", "screening ends before auditions start")),
    ("auditions_end_at", "decisions_at", False,
     Message("Keputusan diumumkan sesudah audisi", "decisions come after the auditions")),
    ("submission_closes_at", "decisions_at", True,
     Message("Keputusan diumumkan sesudah pengajuan ditutup", "decisions come after submission closes")),
)  # fmt: skip


def _bridged() -> list[tuple[str, str, tuple[str, ...]]]:
    """(earlier, later, via): pairs ordered through one or more moments in between, checked when those are unset."""
    after: dict[str, list[str]] = {}
    for earlier, later, _, _ in _ORDER:
        after.setdefault(earlier, []).append(later)
    pairs = []
    for start in after:
        stack = [(step, [step]) for step in after[start]]
        while stack:
            field, path = stack.pop()
            for nxt in after.get(field, []):
                pairs.append((start, nxt, tuple(path)))
                stack.append((nxt, [*path, nxt]))
    return pairs


_BRIDGED = _bridged()


def _check_timeline(edition: Edition) -> None:
    problems: list[dict[str, Any]] = []
    for earlier, later, strict, rule in _ORDER:
        a, b = getattr(edition, earlier), getattr(edition, later)
        if a is not None and b is not None and (a >= b if strict else a > b):
            problems.append({"fields": [earlier, later], "rule": rule})
    # A moment left unset (or cleared) must not let the ones around it swap: screening opening after the
    # auditions started is refused even when the screening has no closing time.
    reported = {(p["fields"][0], p["fields"][1]) for p in problems}
    for earlier, later, via in _BRIDGED:
        a, b = getattr(edition, earlier), getattr(edition, later)
        unset_between = all(getattr(edition, f) is None for f in via)
        if a is not None and b is not None and a > b and unset_between and (earlier, later) not in reported:
            reported.add((earlier, later))
            rule = Message(f"{earlier} tidak boleh sesudah {later}", f"{earlier} comes no later than {later}")
            problems.append({"fields": [earlier, later], "rule": rule})
    if problems:
        raise invalid(
            "invalid_timeline",
            Message("Urutan jadwal edisi tidak masuk akal", "The edition's timeline is out of order"),
            problems,
        )


def create_edition(session: Session, *, data: EditionCreate) -> Edition:
    """Open a new edition (committee)."""
    if session.scalar(select(Edition.id).where(Edition.code == data.code)) is not None:
        raise conflict(
            "edition_exists",
            Message(f"Edisi {data.code} sudah ada", f"Edition {data.code} already exists"),
            {"code": data.code},
        )
    values = data.model_dump()
    values["position_groups"] = [str(g) for g in data.position_groups]
    values["extra_questions"] = [q.model_dump(mode="json") for q in data.extra_questions]
    edition = Edition(**values)
    _check_timeline(edition)
    session.add(edition)
    session.commit()
    return edition


def update_edition(session: Session, *, code: str, data: EditionUpdate) -> Edition:
    """Change an edition's timeline, groups, limit or form (committee)."""
    edition = get_edition(session, code=code)
    values = data.model_dump(exclude_unset=True)
    if "position_groups" in values and data.position_groups is not None:
        values["position_groups"] = [str(g) for g in data.position_groups]
    if "extra_questions" in values and data.extra_questions is not None:
        values["extra_questions"] = [q.model_dump(mode="json") for q in data.extra_questions]
    # Only what was sent changes; an explicit null clears an optional time (the schema refuses it elsewhere).
    for key in data.model_fields_set:
        setattr(edition, key, values[key])
    _check_timeline(edition)
    session.commit()
    return edition


def get_edition(session: Session, *, code: str) -> Edition:
    """An edition by code; 404 if unknown."""
    edition = session.scalar(select(Edition).where(Edition.code == code))
    if edition is None:
        raise not_found("Edisi", "Edition", {"code": code})
    return edition


def list_editions(session: Session) -> list[Edition]:
    """Every edition, newest first."""
    return list(session.scalars(select(Edition).order_by(Edition.year.desc(), Edition.code)))


# ---------------------------------------------------------------------------------------------- windows


def submission_deadline(edition: Edition) -> datetime:
    """The last moment an idea can be submitted or changed: closing time plus the grace period."""
    return edition.submission_closes_at + timedelta(minutes=edition.grace_period_minutes)


def phase(edition: Edition, now: datetime | None = None) -> str:
    """Where the edition is now: before_submission, submission_open, grace_period, screening, ... decided."""
    now = now or utcnow()
    if now < edition.submission_opens_at:
        return "before_submission"
    if now <= edition.submission_closes_at:
        return "submission_open"
    if now <= submission_deadline(edition):
        return "grace_period"
    if edition.decisions_at and now >= edition.decisions_at:
        return "decided"
    if edition.auditions_start_at and now >= edition.auditions_start_at:
        return "auditions" if edition.auditions_end_at is None or now <= edition.auditions_end_at else "deliberation"
    if edition.screening_closes_at is None or now <= edition.screening_closes_at:
        return "screening"
    return "awaiting_auditions"


def describe(edition: Edition, now: datetime | None = None) -> EditionRead:
    """The edition as the API shows it."""
    read = EditionRead.model_validate(edition)
    read.phase = phase(edition, now)
    read.timeline_wib = {
        name: wib(value) if value else None
        for name, value in (
            ("submission_opens", edition.submission_opens_at),
            ("submission_closes", edition.submission_closes_at),
            ("submission_deadline_with_grace", submission_deadline(edition)),
            ("screening_opens", edition.screening_opens_at),
            ("screening_closes", edition.screening_closes_at),
            ("auditions_start", edition.auditions_start_at),
            ("auditions_end", edition.auditions_end_at),
            ("decisions", edition.decisions_at),
        )
    }
    return read


_WINDOW_NAMES = {
    "submission": ("masa pengajuan gagasan", "the submission window"),
    "screening": ("masa seleksi administrasi", "the screening window"),
    "withdrawal": ("masa pengunduran gagasan", "the withdrawal window"),
}


def outside_window(window: str, opens: datetime | None, closes: datetime | None, now: datetime) -> AppError:
    """409 that names the window and its times in WIB."""
    name_id, name_en = _WINDOW_NAMES[window]
    span_id = f"{wib(opens) if opens else 'awal'} s.d. {wib(closes) if closes else 'selesai'}"
    span_en = f"{wib(opens) if opens else 'the start'} to {wib(closes) if closes else 'the end'}"
    when_id, when_en = (
        ("belum dibuka", "has not opened yet") if opens and now < opens else ("sudah ditutup", "is closed")
    )
    details: dict[str, Any] = {
        "window": window,
        "opens_at": opens.isoformat() if opens else None,
        "closes_at": closes.isoformat() if closes else None,
        "now": now.isoformat(),
    }
    return conflict(
        "outside_window",
        Message(
            f"Tindakan ini hanya dapat dilakukan pada {name_id} ({span_id}); {name_id} {when_id}",
            f"This can only be done during {name_en} ({span_en}); {name_en} {when_en}",
        ),
        details,
    )


def require_before_deadline(edition: Edition, now: datetime) -> None:
    """Drafts, edits, teams and attachments: allowed until the submission deadline (grace included)."""
    if now > submission_deadline(edition):
        raise outside_window("submission", edition.submission_opens_at, submission_deadline(edition), now)


def require_submission_open(edition: Edition, now: datetime) -> None:
    """Submitting: from the opening to the deadline (grace included)."""
    if not edition.submission_opens_at <= now <= submission_deadline(edition):
        raise outside_window("submission", edition.submission_opens_at, submission_deadline(edition), now)


def require_screening_open(edition: Edition, now: datetime) -> None:
    """Screening: within the screening window when the committee set one (rolling screening otherwise)."""
    opens, closes = edition.screening_opens_at, edition.screening_closes_at
    if (opens and now < opens) or (closes and now > closes) or now < edition.submission_opens_at:
        raise outside_window("screening", opens or edition.submission_opens_at, closes, now)


def require_withdrawal_open(edition: Edition, now: datetime) -> None:
    """Withdrawing: possible until decisions are published."""
    if edition.decisions_at and now >= edition.decisions_at:
        raise outside_window("withdrawal", edition.submission_opens_at, edition.decisions_at, now)


def summarise(session: Session, *, code: str) -> EditionSummary:
    """Counts of the edition's ideas by position group and status (one grouped query and one count)."""
    edition = get_edition(session, code=code)
    rows = session.execute(
        select(Idea.position_group, Idea.status, func.count())
        .where(Idea.edition_id == edition.id)
        .group_by(Idea.position_group, Idea.status)
    ).all()
    by_status: dict[str, int] = {}
    by_group: dict[str, dict[str, int]] = {g: {} for g in edition.position_groups}
    for group, status, count in rows:
        by_status[status] = by_status.get(status, 0) + count
        by_group.setdefault(group, {})[status] = count
    proposers = session.scalar(select(func.count(func.distinct(Idea.proposer_id))).where(Idea.edition_id == edition.id))
    return EditionSummary(
        code=edition.code,
        phase=phase(edition),
        participants_with_ideas=proposers or 0,
        ideas_by_status=by_status,
        ideas_by_group_and_status=by_group,
    )
