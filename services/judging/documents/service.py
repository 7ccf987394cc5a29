"""The documents a regency signs and hands out, built from judging's own data.

The berita acara and the lampiran read the same results the recap does (`exports.service.recap_data`);
piagam are issued once per person and idea (their code and the holder's name stored), so every
download of a document prints the same bytes until the data it shows changes.
"""

from __future__ import annotations

import re
import secrets
import uuid
from datetime import date, datetime
from itertools import pairwise
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from services.judging.decisions.models import Decision
from services.judging.documents import pdf
from services.judging.documents.models import Certificate, CertificateKind
from services.judging.documents.schemas import CertificateRead, CertificateVerification
from services.judging.exports.service import GROUP_TITLES, RecapData, recap_data
from services.judging.ideas.models import Idea
from services.judging.ideas.service import is_on_team
from services.judging.results.schemas import IdeaResult, SelectionRules
from services.judging.rubric.models import Round, RoundKind
from services.judging.scoring.models import ScoreSet, SetStatus
from shared.agencies import AGENCY_BY_CODE
from shared.auth import Principal, Role
from shared.clock import WIB
from shared.errors import AppError, Message, not_found
from shared.events import PositionGroup

ROUND_TITLES = {RoundKind.SCREENING: "Seleksi Administrasi dan Substansi", RoundKind.AUDITION: "Audisi"}
BASIS_TITLES = {"raw": "nilai mentah", "calibrated": "nilai terkalibrasi"}
#: Crockford's base32: no I, L, O or U, so a code read aloud or typed from paper is not misread.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_CHARS = 16  # 80 bits: guessing a valid code is hopeless even without a rate limit
_CODE_SHAPE = re.compile(rf"^[{CODE_ALPHABET}]{{{CODE_CHARS}}}$")
CITATIONS = {
    CertificateKind.PARTICIPATION: "sebagai peserta {programme} edisi {edition} dengan gagasan",
    CertificateKind.SELECTION: "atas gagasan terpilih {programme} edisi {edition} untuk dilaksanakan, yaitu",
}


def _not_ready(what_id: str, what_en: str) -> AppError:
    return AppError(
        409,
        "document_not_ready",
        Message(f"{what_id} belum dapat dibuat", f"The {what_en} cannot be made yet"),
    )


def _wib_date(moment: datetime) -> date:
    return moment.astimezone(WIB).date()


def tie_break_title(rule: str, criteria_names: dict[str, str]) -> str:
    """A declared tie-break in words."""
    if rule == "calibrated_score":
        return "nilai terkalibrasi tertinggi"
    if rule == "raw_score":
        return "nilai mentah tertinggi"
    if rule == "submitted_at":
        return "gagasan yang lebih dahulu dikirim"
    key = rule.removeprefix("criterion:")
    return f"nilai kriteria {criteria_names.get(key, key)} tertinggi"


def _ties(members: list[IdeaResult], rules: SelectionRules, criteria_names: dict[str, str]) -> list[str]:
    """Sentences naming each run of equal scores in a group and how it was ordered."""
    order = "; ".join(tie_break_title(t, criteria_names) for t in rules.tie_break) or "urutan pengiriman"
    ranked = [r for r in members if r.rank is not None and r.score is not None]
    runs: list[list[IdeaResult]] = []
    for a, b in pairwise(ranked):
        if round(a.score or 0.0, 2) == round(b.score or 0.0, 2):
            if runs and runs[-1][-1] is a:
                runs[-1].append(b)
            else:
                runs.append([a, b])
    return [
        f"Peringkat {', '.join(str(r.rank) for r in run)} memperoleh nilai yang sama ({pdf.angka(run[0].score)}); "
        f"urutan ditentukan menurut {order}."
        for run in runs
    ]


def minutes(session: Session, *, edition_code: str, kind: RoundKind, group: PositionGroup | None) -> bytes:
    """Berita acara penilaian of a round: per position group (or one group), from the recap's data."""
    data = recap_data(session, edition_code=edition_code, kind=kind)
    held = _held_on(session, edition_code, kind)
    if held is None:
        raise _not_ready("Berita acara", "minutes: no judge has submitted scores in this round")
    rules = data.results.rules
    names = {c.key: c.name for c in data.criteria}
    groups = [group] if group is not None else list(PositionGroup)
    return pdf.berita_acara(
        pdf.Minutes(
            edition_code=edition_code,
            round_title=ROUND_TITLES[kind],
            held_on=held,
            score_basis=BASIS_TITLES[rules.score_basis],
            threshold=rules.threshold,
            tie_breaks=[tie_break_title(t, names) for t in rules.tie_break],
            groups=[_group_minutes(data, g) for g in groups],
            judges=_judges(session, edition_code, kind),
        )
    )


def _group_minutes(data: RecapData, group: PositionGroup) -> pdf.GroupMinutes:
    rules = data.results.rules
    members = [r for r in data.results.ideas if r.position_group == group and r.score is not None]
    return pdf.GroupMinutes(
        group=GROUP_TITLES[group],
        quota=rules.quota_per_group.get(group),
        ranking=[
            pdf.RankedIdea(
                rank=r.rank,
                title=r.title or "",
                proposer=_team_names(data.ideas.get(r.idea_id)),
                raw_score=r.raw_score,
                calibrated_score=r.calibrated_score,
                proposed=r.proposed,
                selected=data.selected(r),
                exception=r.exception,
                flagged=r.flagged,
            )
            for r in members
        ],
        ties=_ties(members, rules, {c.key: c.name for c in data.criteria}),
        exceptions=[(r.title or "", data.exception_reason(r)) for r in members if r.exception],
    )


def _held_on(session: Session, edition_code: str, kind: RoundKind) -> date | None:
    """The day the round's judging ended: its last submitted score set (WIB)."""
    last = session.scalar(
        select(func.max(ScoreSet.submitted_at))
        .join(Round, Round.id == ScoreSet.round_id)
        .where(Round.edition_code == edition_code, Round.kind == kind, ScoreSet.status == SetStatus.SUBMITTED)
    )
    return _wib_date(last) if last is not None else None


def _judges(session: Session, edition_code: str, kind: RoundKind) -> list[str]:
    """The names of the judges who submitted scores in the round (from their tokens, kept on the score sets)."""
    names = session.scalars(
        select(ScoreSet.judge_name)
        .join(Round, Round.id == ScoreSet.round_id)
        .where(Round.edition_code == edition_code, Round.kind == kind, ScoreSet.status == SetStatus.SUBMITTED)
        .distinct()
    ).all()
    return sorted((n for n in names if n), key=str.casefold)


def _team(idea: Idea | None) -> list[dict[str, Any]]:
    if idea is None:
        return []
    return [p for p in [idea.proposer, *(idea.co_proposers or [])] if p]


def _team_names(idea: Idea | None) -> str:
    return ", ".join(str(p.get("name", "")) for p in _team(idea))


def decision_list(session: Session, *, edition_code: str) -> bytes:
    """Lampiran keputusan: the selected ideas in group and rank order, with agency and due date."""
    data = recap_data(session, edition_code=edition_code)
    decided = [d.decided_at for d in data.decisions.values()]
    if not decided:
        raise _not_ready("Lampiran keputusan", "decision list: no decision has been published")
    order = {str(g): i for i, g in enumerate(PositionGroup)}
    selected = sorted(
        (r for r in data.results.ideas if r.idea_id in data.decisions and data.decisions[r.idea_id].selected),
        key=lambda r: (order.get(r.position_group or "", 99), r.rank or 10**9, str(r.idea_id)),
    )
    lines = []
    for r in selected:
        decision = data.decisions[r.idea_id]
        code = decision.implementing_agency_code or ""
        agency = AGENCY_BY_CODE.get(code)
        lines.append(
            pdf.DecisionLine(
                title=r.title or "",
                proposers=_team_names(data.ideas.get(r.idea_id)),
                group=GROUP_TITLES.get(PositionGroup(r.position_group), "") if r.position_group else "",
                agency=agency.name if agency else code,
                due_date=decision.due_date,
            )
        )
    return pdf.lampiran_keputusan(
        pdf.DecisionList(edition_code=edition_code, decided_on=_wib_date(max(decided)), lines=lines)
    )


# --------------------------------------------------------------------------------------------------- piagam


def new_code() -> str:
    """A fresh verification code, XXXX-XXXX-XXXX-XXXX."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_CHARS))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_CHARS, 4))


def normalise_code(text: str) -> str | None:
    """A code as typed (any case, spaces or dashes, O for 0, I or L for 1) in its printed form; None if malformed."""
    raw = re.sub(r"[\s-]", "", text.upper()).translate(str.maketrans("OIL", "011"))
    if not _CODE_SHAPE.match(raw):
        return None
    return "-".join(raw[i : i + 4] for i in range(0, CODE_CHARS, 4))


def _issue(session: Session, idea: Idea, issued_at: datetime, selected: bool) -> None:
    """Issue the idea's missing piagam: one per team member, and one for the team if selected."""
    wanted: list[tuple[CertificateKind, str | None, str]] = [
        (CertificateKind.PARTICIPATION, str(p["user_id"]), str(p.get("name", ""))) for p in _team(idea)
    ]
    if selected:
        wanted.append((CertificateKind.SELECTION, None, _team_names(idea)))
    for kind, user_id, name in wanted:
        session.execute(
            insert(Certificate)
            .values(
                code=new_code(),
                edition_code=idea.edition_code,
                idea_id=idea.id,
                kind=kind,
                holder_user_id=uuid.UUID(user_id) if user_id else None,
                holder_name=name,
                idea_title=idea.title or "",
                issued_at=issued_at,
            )
            .on_conflict_do_nothing()
        )
    session.commit()


def _issue_date(session: Session, idea: Idea, decision: Decision | None) -> datetime | None:
    """The idea's decision's publication; for an idea never decided (screened out), the edition's first one."""
    if decision is not None:
        return decision.decided_at
    return session.scalar(select(func.min(Decision.decided_at)).where(Decision.edition_code == idea.edition_code))


def _may_hold(cert: Certificate, idea: Idea, principal: Principal) -> bool:
    """The committee sees every piagam; a team member their own and the team's selection piagam."""
    if principal.has_role(Role.COMMITTEE):
        return True
    if not is_on_team(idea, principal):
        return False
    return cert.holder_user_id is None or cert.holder_user_id == principal.user_id


def _certificates_of(session: Session, idea_id: uuid.UUID, principal: Principal) -> tuple[Idea, list[Certificate]]:
    idea = session.get(Idea, idea_id)
    allowed = idea is not None and (is_on_team(idea, principal) or principal.has_role(Role.COMMITTEE))
    decision = session.get(Decision, idea_id) if idea is not None else None
    issued_at = _issue_date(session, idea, decision) if idea is not None and idea.known and not idea.withdrawn else None
    if idea is None or issued_at is None or not allowed:
        # Before publication there is no piagam; someone else's idea is as unknown as a missing one.
        raise not_found("Piagam", "Certificate", {"idea_id": str(idea_id)})
    _issue(session, idea, issued_at, selected=decision is not None and decision.selected)
    certs = session.scalars(
        select(Certificate).where(Certificate.idea_id == idea_id).order_by(Certificate.kind, Certificate.holder_name)
    ).all()
    return idea, [c for c in certs if _may_hold(c, idea, principal)]


def _read(cert: Certificate) -> CertificateRead:
    return CertificateRead(
        code=cert.code,
        kind=CertificateKind(cert.kind),
        idea_id=cert.idea_id,
        edition_code=cert.edition_code,
        holder_name=cert.holder_name,
        holder_user_id=cert.holder_user_id,
        issued_on=_wib_date(cert.issued_at),
        download_path=f"/api/v1/ideas/{cert.idea_id}/certificates/{cert.code}.pdf",
    )


def list_certificates(session: Session, *, idea_id: uuid.UUID, principal: Principal) -> list[CertificateRead]:
    """The piagam of a decided idea the caller may download (issued on first request)."""
    _, certs = _certificates_of(session, idea_id, principal)
    return [_read(c) for c in certs]


def certificate_pdf(
    session: Session, *, idea_id: uuid.UUID, code: str, principal: Principal, verify_url: str
) -> tuple[CertificateRead, bytes]:
    """One piagam as PDF, for its holder, the holder's team (selection piagam) or the committee."""
    _, certs = _certificates_of(session, idea_id, principal)
    printed = normalise_code(code)
    cert = next((c for c in certs if c.code == printed), None)
    if cert is None:
        raise not_found("Piagam", "Certificate", {"code": code})
    kind = CertificateKind(cert.kind)
    body = pdf.piagam(
        pdf.Piagam(
            holder=cert.holder_name,
            citation=CITATIONS[kind].format(programme=pdf.PROGRAMME, edition=cert.edition_code),
            idea_title=cert.idea_title,
            edition_code=cert.edition_code,
            issued_on=_wib_date(cert.issued_at),
            code=cert.code,
            verify_url=verify_url.format(code=cert.code),
        )
    )
    return _read(cert), body


PURPOSES = {
    CertificateKind.PARTICIPATION: "Peserta {programme} edisi {edition}",
    CertificateKind.SELECTION: "Gagasan terpilih {programme} edisi {edition}",
}


def verify(session: Session, *, code: str) -> CertificateVerification:
    """What a piagam with this code says: holder, edition and purpose, nothing else personal."""
    printed = normalise_code(code)
    cert = session.get(Certificate, printed) if printed else None
    if cert is None:
        raise not_found("Piagam dengan kode ini", "A certificate with this code", {"code": code})
    kind = CertificateKind(cert.kind)
    return CertificateVerification(
        code=cert.code,
        valid=True,
        holder_name=cert.holder_name,
        edition_code=cert.edition_code,
        kind=kind,
        purpose=PURPOSES[kind].format(programme=pdf.PROGRAMME, edition=cert.edition_code),
        idea_title=cert.idea_title,
        issued_on=_wib_date(cert.issued_at),
    )
