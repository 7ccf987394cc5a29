"""Test data builders (real rows, no mocks)."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from services.submission.accounts.models import User
from services.submission.accounts.passwords import hash_password
from services.submission.editions.models import Edition
from services.submission.ideas.models import Idea
from services.submission.ideas.schemas import IdeaCreate
from services.submission.ideas.service import create_idea, submit_idea
from services.submission.participants.models import Participant
from shared.auth import Principal, Role
from shared.db import utcnow
from shared.events import PositionGroup

_seq = itertools.count(1)

COMPLETE_IDEA: dict[str, Any] = {
    "problem": "Warga antre berjam-jam di kantor Disdukcapil untuk mencetak KTP elektronik.",
    "solution": "Layanan jemput bola dan antrean daring lewat WhatsApp dengan jadwal per desa.",
    "beneficiaries": "Warga desa terpencil, lansia, dan petugas loket Disdukcapil",
    "time_saved_minutes_per_case": 90,
    "cost_saved_per_year_rp": 45_000_000,
    "estimated_budget_rp": 15_000_000,
    "partners": [{"name": "Karang Taruna Desa Panggul", "kind": "community"}],
    "target_agency_code": "DISDUKCAPIL",
    "service_area": "kependudukan",
}


def nip(seq: int | None = None, *, birth: str = "19850412", appointed: str = "201003", gender: str = "1") -> str:
    """A valid NIP with a unique sequence."""
    n = seq if seq is not None else next(_seq)
    return f"{birth}{appointed}{gender}{n % 1000:03d}" if n % 1000 else f"{birth}{appointed}{gender}999"


def make_edition(session: Session, *, code: str = "ATA-2026", now: datetime | None = None, **values: Any) -> Edition:
    """An edition whose submission window is open now (unless told otherwise)."""
    now = now or utcnow()
    fields: dict[str, Any] = {
        "code": code,
        "name": f"ASN Talent Academy {code}",
        "year": 2026,
        "submission_opens_at": now - timedelta(days=10),
        "submission_closes_at": now + timedelta(days=10),
        "position_groups": [str(g) for g in PositionGroup],
        "max_ideas_per_participant": 3,
        "extra_questions": [],
    }
    fields.update(values)
    edition = Edition(**fields)
    session.add(edition)
    session.commit()
    return edition


def make_participant(
    session: Session,
    *,
    agency_code: str = "DINKES",
    position_group: PositionGroup = PositionGroup.PELAKSANA,
    password: str | None = None,
    name: str | None = None,
) -> tuple[Participant, Principal]:
    """A participant with an account, and the principal a token of theirs would carry."""
    seq = next(_seq)
    number = nip(seq)
    email = f"peserta{seq}@trenggalekkab.go.id"
    user = User(
        email=email,
        nip=number,
        name=name or f"Peserta {seq}",
        role=str(Role.PARTICIPANT),
        agency_code=agency_code,
        password_hash=hash_password(password) if password else None,
        email_verified_at=utcnow() if password else None,  # a registered account; an imported one is not
    )
    session.add(user)
    session.flush()
    participant = Participant(
        user_id=user.id,
        nip=number,
        name=user.name,
        email=email,
        phone="081234567890",
        position_group=str(position_group),
        agency_code=agency_code,
    )
    session.add(participant)
    session.commit()
    return participant, principal_of(participant)


def principal_of(participant: Participant) -> Principal:
    """What a participant's token says."""
    return Principal(
        user_id=participant.user_id,
        role=Role.PARTICIPANT,
        agency_code=participant.agency_code,
        name=participant.name,
        email=participant.email,
    )


def committee() -> Principal:
    """A committee member (BKPSDM)."""
    import uuid

    return Principal(uuid.uuid4(), Role.COMMITTEE, "BKPSDM", "Panitia", "panitia@trenggalekkab.go.id")


def make_idea(
    session: Session,
    principal: Principal,
    *,
    edition_code: str = "ATA-2026",
    title: str = "Antrean daring KTP elektronik",
    submit: bool = False,
    now: datetime | None = None,
    **values: Any,
) -> Idea:
    """A draft (complete unless overridden), submitted when asked."""
    fields = COMPLETE_IDEA | values
    idea = create_idea(
        session, principal=principal, data=IdeaCreate(edition_code=edition_code, title=title, **fields), now=now
    )
    if submit:
        idea = submit_idea(session, principal=principal, idea_id=idea.id, now=now)
    return idea


def emailed_token(engine: Engine, *, email: str, template: str = "account_verify_email") -> str:
    """The token of the newest account email to `email`, read from the outbox as the notifications worker gets it."""
    with engine.connect() as conn:
        body = conn.execute(
            text(
                "SELECT body FROM outbox_event WHERE event_type = 'notification.requested.v1' "
                "AND body->'payload'->'recipient'->>'email' = :email AND body->'payload'->>'template' = :template "
                "ORDER BY created_at DESC LIMIT 1"
            ),
            {"email": email.lower(), "template": template},
        ).scalar_one()
    return str(parse_qs(urlsplit(body["payload"]["link"]).query)["token"][0])


def verify_registration(client: Any, engine: Engine, email: str) -> None:
    """Open the link of a registration email, as the person would."""
    token = emailed_token(engine, email=email)
    response = client.post("/api/v1/auth/verify-email", json={"token": token})
    assert response.status_code == 200, response.text
