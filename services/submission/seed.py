"""Demo data: the edition "ASN Talent Academy 2026" with its 147 participants, their ideas and the staff.

`seed()` is idempotent: accounts are matched by email, participants by NIP, and a participant who
already has an idea in the edition gets no second one, so running it again changes nothing. Ideas are
submitted and screened through the domain functions, so their events go through the outbox and the
judging service receives them like any real submission.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.submission.accounts.models import User
from services.submission.accounts.passwords import hash_password
from services.submission.accounts.service import upsert_user
from services.submission.agencies.service import sync_agencies
from services.submission.db import runtime
from services.submission.editions.models import Edition
from services.submission.ideas.models import Idea
from services.submission.ideas.schemas import IdeaCreate
from services.submission.ideas.service import create_idea, screen_idea, submit_idea, withdraw_idea
from services.submission.ideas.teams import invite_co_proposer, respond_to_invitation
from services.submission.participants.models import Participant
from services.submission.seed_data import (
    FAMILY,
    FEMALE,
    MALE,
    PROBLEM_DETAILS,
    SOLUTION_DETAILS,
    TEMPLATES,
    TITLE_SUFFIXES,
    VILLAGES,
)
from shared.agencies import AGENCIES
from shared.auth import Principal, Role
from shared.db import utcnow
from shared.events import PositionGroup

EDITION_CODE = "ATA-2026"
EDITION_NAME = "ASN Talent Academy 2026"

#: The brief's figures: 147 participants in four position groups.
DISTRIBUTION = {
    PositionGroup.PENGAWAS: 28,
    PositionGroup.FUNGSIONAL_PENYETARAAN: 22,
    PositionGroup.FUNGSIONAL_AHLI: 43,
    PositionGroup.PELAKSANA: 54,
}

PARTICIPANT_PASSWORD = "Peserta#2026"  # noqa: S105 - printed demo password
STAFF = (
    # role, email, name, agency, password
    (Role.ADMIN, "admin@audisi.trenggalekkab.go.id", "Admin Audisi", None, "Admin#2026"),
    (Role.COMMITTEE, "panitia@audisi.trenggalekkab.go.id", "Panitia BKPSDM", "BKPSDM", "Panitia#2026"),
    (Role.JUDGE, "juri.bappeda@audisi.trenggalekkab.go.id", "Ir. Hartono Wibisono", "BAPPEDA", "Juri#2026"),
    (Role.JUDGE, "juri.diskominfo@audisi.trenggalekkab.go.id", "Dra. Endang Sulistyowati", "DISKOMINFO", "Juri#2026"),
    (Role.JUDGE, "juri.dinkes@audisi.trenggalekkab.go.id", "dr. Bambang Prasetyo", "DINKES", "Juri#2026"),
    (Role.JUDGE, "juri.dpmptsp@audisi.trenggalekkab.go.id", "Sri Wahyuningsih, S.E.", "DPMPTSP", "Juri#2026"),
    (Role.JUDGE, "juri.disdik@audisi.trenggalekkab.go.id", "Drs. Agus Santoso, M.Pd.", "DISDIK", "Juri#2026"),
    (Role.JUDGE, "juri.rsud@audisi.trenggalekkab.go.id", "dr. Ratna Maharani, Sp.PD", "RSUD", "Juri#2026"),
    (Role.AGENCY, "opd.disdukcapil@audisi.trenggalekkab.go.id", "Petugas Disdukcapil", "DISDUKCAPIL", "Opd#2026"),
    (Role.AGENCY, "opd.dinkes@audisi.trenggalekkab.go.id", "Petugas Dinas Kesehatan", "DINKES", "Opd#2026"),
    (Role.AGENCY, "opd.dpmptsp@audisi.trenggalekkab.go.id", "Petugas DPMPTSP", "DPMPTSP", "Opd#2026"),
    (Role.AGENCY, "opd.rsud@audisi.trenggalekkab.go.id", "Petugas RSUD dr. Soedomo", "RSUD", "Opd#2026"),
    (Role.AGENCY, "opd.kec-panggul@audisi.trenggalekkab.go.id", "Petugas Kecamatan Panggul", "KEC-PANGGUL", "Opd#2026"),
)  # fmt: skip


@dataclass
class SeedReport:
    """What the seed created this time (zeros on a re-run)."""

    participants_created: int = 0
    ideas_created: int = 0
    ideas_submitted: int = 0
    ideas_screened: int = 0
    logins: list[tuple[str, str, str]] = field(default_factory=list)


def demo_nip(rng: random.Random, index: int) -> tuple[str, str]:
    """A valid NIP (birth date, appointment month at 20-30 years old, gender, sequence) and the gender."""
    birth = date(1966, 1, 1) + timedelta(days=rng.randrange(0, 365 * 32))
    appointed_year = min(birth.year + rng.randint(20, 30), 2024)
    appointed_month = rng.randint(1, 12)
    if (appointed_year, appointed_month) <= (birth.year, birth.month):
        appointed_year = birth.year + 20
    gender = rng.choice("12")
    return f"{birth:%Y%m%d}{appointed_year:04d}{appointed_month:02d}{gender}{index + 1:03d}", gender


def _participants(session: Session, rng: random.Random, report: SeedReport) -> list[Participant]:
    existing = {p.nip: p for p in session.scalars(select(Participant))}
    password_hash = hash_password(PARTICIPANT_PASSWORD)  # one hash for all demo participants: fast seeding
    # Offices get more participants than districts, as in the real academy.
    weights = [3 if not a.code.startswith("KEC-") else 1 for a in AGENCIES]
    result = []
    index = 0
    for group, count in DISTRIBUTION.items():
        for _ in range(count):
            nip, gender = demo_nip(rng, index)
            agency = rng.choices(AGENCIES, weights=weights)[0]
            first = rng.choice(MALE if gender == "1" else FEMALE)
            name = f"{first} {rng.choice(FAMILY)}"
            phone = f"08{rng.randint(1100000000, 9899999999)}"  # drawn even when skipped: same data every run
            index += 1
            if nip in existing:
                result.append(existing[nip])
                continue
            email = f"{first.lower()}.{nip[-3:]}@trenggalekkab.go.id"
            user = User(
                email=email,
                nip=nip,
                name=name,
                role=str(Role.PARTICIPANT),
                agency_code=agency.code,
                password_hash=password_hash,
                email_verified_at=utcnow(),  # demo accounts: as if each had opened the registration link
            )
            session.add(user)
            session.flush()
            participant = Participant(
                user_id=user.id,
                nip=nip,
                name=name,
                email=email,
                phone=phone,
                position_group=str(group),
                agency_code=agency.code,
            )
            session.add(participant)
            result.append(participant)
            report.participants_created += 1
    session.commit()
    return result


def _principal(p: Participant) -> Principal:
    return Principal(p.user_id, Role.PARTICIPANT, p.agency_code, p.name, p.email)


def _edition(session: Session, now: datetime) -> Edition:
    edition = session.scalar(select(Edition).where(Edition.code == EDITION_CODE))
    if edition is None:
        # The demo runs mid-submission: open for three weeks already, closing in two, screening on a rolling basis.
        edition = Edition(
            code=EDITION_CODE,
            name=EDITION_NAME,
            year=2026,
            submission_opens_at=now - timedelta(days=21),
            submission_closes_at=now + timedelta(days=14),
            grace_period_minutes=60,
            screening_opens_at=now - timedelta(days=21),
            screening_closes_at=now + timedelta(days=21),
            auditions_start_at=now + timedelta(days=28),
            auditions_end_at=now + timedelta(days=30),
            decisions_at=now + timedelta(days=35),
            position_groups=[str(g) for g in PositionGroup],
            max_ideas_per_participant=2,
            extra_questions=[
                {
                    "key": "sudah_diuji_coba",
                    "label": "Apakah gagasan sudah diuji coba?",
                    "label_en": "Has the idea been piloted?",
                    "kind": "choice",
                    "required": True,
                    "choices": ["belum", "sebagian", "sudah"],
                    "max_length": 2000,
                    "min_value": None,
                    "max_value": None,
                },
                {
                    "key": "jumlah_penerima_manfaat",
                    "label": "Perkiraan jumlah penerima manfaat per tahun",
                    "label_en": "Estimated beneficiaries per year",
                    "kind": "number",
                    "required": False,
                    "choices": [],
                    "max_length": 2000,
                    "min_value": 0,
                    "max_value": 10_000_000,
                },
            ],
        )
        session.add(edition)
        session.commit()
    return edition


def _ideas(
    session: Session, rng: random.Random, edition: Edition, people: list[Participant], now: datetime, report: SeedReport
) -> None:
    has_idea = set(session.scalars(select(Idea.proposer_id).where(Idea.edition_id == edition.id)))
    committee = Principal(
        session.scalar(select(User.id).where(User.role == str(Role.COMMITTEE)).limit(1)) or people[0].user_id,
        Role.COMMITTEE,
        "BKPSDM",
        "Panitia BKPSDM",
        None,
    )
    for i, person in enumerate(people):
        if person.id in has_idea:
            continue
        t = TEMPLATES[i % len(TEMPLATES)]
        village = rng.choice(VILLAGES)
        target = t.target_agency
        if target.startswith("KEC-") and person.agency_code.startswith("KEC-"):
            target = person.agency_code
        me = _principal(person)
        numbers = {"n": rng.randrange(40, 900, 10), "h": rng.randint(4, 12), "rp": rng.randrange(25, 150, 5)}
        problem_extra = rng.choice(PROBLEM_DETAILS).format(village=village, **numbers)
        solution_extra = rng.choice(SOLUTION_DETAILS).format(village=village)
        title = (t.title + rng.choice(TITLE_SUFFIXES)).format(village=village)[:200]
        idea = create_idea(
            session,
            principal=me,
            now=now,
            data=IdeaCreate(
                edition_code=edition.code,
                title=title,
                problem=f"{t.problem.format(village=village)} {problem_extra}",
                solution=f"{t.solution.format(village=village)} {solution_extra}",
                beneficiaries=t.beneficiaries,
                time_saved_minutes_per_case=t.minutes_saved,
                cost_saved_per_year_rp=t.cost_saved_rp + rng.randrange(0, 20) * 1_000_000,
                estimated_budget_rp=t.budget_rp + rng.randrange(0, 10) * 1_000_000,
                partners=[{"name": t.partner[0].format(village=village), "kind": t.partner[1]}],
                target_agency_code=target,
                service_area=t.service_area,
                extra_answers={
                    "sudah_diuji_coba": rng.choice(["belum", "sebagian", "sudah"]),
                    "jumlah_penerima_manfaat": rng.randrange(100, 20_000, 50),
                },
            ),
        )
        report.ideas_created += 1
        if i % 10 == 3 and i + 1 < len(people):  # some ideas are team efforts
            partner = people[i + 1]
            invite_co_proposer(session, principal=me, idea_id=idea.id, nip=partner.nip, now=now)
            respond_to_invitation(session, principal=_principal(partner), idea_id=idea.id, accept=True, now=now)
        if i % 12 == 11:
            continue  # still a draft
        submit_idea(session, principal=me, idea_id=idea.id, now=now)
        report.ideas_submitted += 1
        if i % 29 == 7:
            withdraw_idea(session, principal=me, idea_id=idea.id, reason="Dipindahtugaskan ke instansi lain", now=now)
        elif i % 15 == 4:
            reason = "Gagasan serupa sudah berjalan di OPD tujuan sejak 2025"
            screen_idea(session, principal=committee, idea_id=idea.id, eligible=False, reason=reason, now=now)
            report.ideas_screened += 1
        elif i % 2 == 0:
            screen_idea(session, principal=committee, idea_id=idea.id, eligible=True, reason=None, now=now)
            report.ideas_screened += 1


def load_demo(session: Session, *, now: datetime | None = None, seed: int = 2026) -> SeedReport:
    """Load the demo edition into the session's database (idempotent)."""
    now = now or utcnow()
    rng = random.Random(seed)
    report = SeedReport()
    sync_agencies(session)
    for role, email, name, agency, password in STAFF:
        if session.scalar(select(User.id).where(User.email == email)) is None:
            upsert_user(session, role=role, email=email, password=password, name=name, agency_code=agency)
        report.logins.append((str(role), email, password))
    session.commit()
    people = _participants(session, rng, report)
    edition = _edition(session, now)
    _ideas(session, rng, edition, people, now, report)
    for group in PositionGroup:
        sample = next(p for p in people if p.position_group == group)
        report.logins.append((f"participant ({group})", sample.nip, PARTICIPANT_PASSWORD))
    return report


def seed() -> None:
    """`audisi seed submission`: load the demo edition and print the demo logins."""
    with runtime.session_factory() as session:
        report = load_demo(session)
    print(
        f"submission: {EDITION_NAME} ({EDITION_CODE}) ready — {report.participants_created} participants and "
        f"{report.ideas_created} ideas created now ({report.ideas_submitted} submitted, "
        f"{report.ideas_screened} screened)"
    )
    print("Demo logins (username = email or NIP):")
    for role, username, password in report.logins:
        print(f"  {role:<34} {username:<48} {password}")
    print(f"  every participant (147, any NIP)  {'':<48} {PARTICIPANT_PASSWORD}")
