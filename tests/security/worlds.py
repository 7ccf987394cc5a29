"""Objects the authorisation tests act on: for each service, an object of "mine" and one of someone else's.

Callers (the same people across services, so a token means the same person everywhere):
- participant A (agency DINKES) owns the "own" idea; participant B owns the "other" idea;
- the agency officer works for DISDUKCAPIL, which implements the "own" ticket; the "other" ticket is DINSOS's;
- the judge is from BAPPEDA (no conflict with either idea); committee (BKPSDM); admin.

Each build uses fresh codes and ids, so a test may build a world per caller when a call changes state.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import update

from services.submission.agencies.service import sync_agencies
from services.submission.attachments import service as attachments
from services.submission.ideas.teams import invite_co_proposer
from services.submission.tests.factories import make_edition, make_idea, make_participant
from shared.auth import Principal, Role
from shared.db import utcnow
from shared.files import LocalStorage

ANON = "anonymous"
PARTICIPANT = "participant"
JUDGE = "judge"
COMMITTEE = "committee"
AGENCY = "agency"
ADMIN = "admin"
CALLERS = (ANON, PARTICIPANT, JUDGE, COMMITTEE, AGENCY, ADMIN)

OWN_AGENCY = "DISDUKCAPIL"
OTHER_AGENCY = "DINSOS"
JUDGE_AGENCY = "BAPPEDA"
#: The judge's and the admin's accounts: fixed, so the judging world can hold their conflict declarations.
JUDGE_USER_ID = uuid.UUID(int=0xB4)
ADMIN_USER_ID = uuid.UUID(int=0xAD)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class World:
    """Path values for "own" and "other" objects, the callers' identities, and secrets that must not leak."""

    own: dict[str, str]
    other: dict[str, str]
    participant_id: uuid.UUID
    participant_agency: str = "DINKES"
    # Strings about participant B that only B, B's team, the committee and admins may read.
    other_private: list[str] = field(default_factory=list)


def _code() -> str:
    return f"SEC-{secrets.token_hex(3).upper()}"


def submission_world(runtime: Any, attachments_dir: str) -> World:
    """An edition, participants A and B with a complete draft each (B's submitted), invitations, attachments."""
    code = _code()
    storage = LocalStorage(Path(attachments_dir))
    with runtime.session_factory() as session:
        sync_agencies(session)
        session.commit()
        make_edition(session, code=code, screening_opens_at=utcnow() - timedelta(days=5))
        a, a_p = make_participant(session, agency_code="DINKES")
        b, b_p = make_participant(session, agency_code="DINSOS")
        c, _ = make_participant(session)
        d, _ = make_participant(session)
        e, _ = make_participant(session)
        mine = make_idea(session, a_p, edition_code=code, title="Gagasan milik A")
        theirs = make_idea(session, b_p, edition_code=code, title="Gagasan milik B", submit=True)
        invite_co_proposer(session, principal=a_p, idea_id=mine.id, nip=c.nip)
        invite_co_proposer(session, principal=b_p, idea_id=theirs.id, nip=d.nip)
        own_file = attachments.upload(
            session,
            storage=storage,
            principal=a_p,
            idea_id=mine.id,
            filename="a.pdf",
            content=PDF,
            max_bytes=10**6,
        )
        other_file = attachments.upload(
            session,
            storage=storage,
            principal=b_p,
            idea_id=theirs.id,
            filename="b.pdf",
            content=PDF,
            max_bytes=10**6,
        )
        return World(
            own={
                "code": code,
                "idea_id": str(mine.id),
                "participant_id": str(c.id),
                "attachment_id": str(own_file.id),
                "agency_code": "DINKES",
                "nip": e.nip,
                "user_id": str(e.user_id),
            },
            other={
                "code": code,
                "idea_id": str(theirs.id),
                "participant_id": str(d.id),
                "attachment_id": str(other_file.id),
                "agency_code": "DINKES",
                "nip": c.nip,
                "user_id": str(d.user_id),
            },
            participant_id=a.user_id,
            other_private=[b.email, b.nip, d.email],
        )


def judging_world(runtime: Any, participant_id: uuid.UUID) -> World:
    """An edition with a rubric and two eligible ideas: A's (with A's user id) and B's; the judge and the
    admin declared no conflicts, as scoring requires."""
    from services.judging.declarations.schemas import DeclarationIn
    from services.judging.declarations.service import declare
    from services.judging.ideas import service as ideas
    from services.judging.rubric.schemas import RubricIn
    from services.judging.rubric.service import put_rubric
    from services.judging.tests import factories as jf

    code = _code()
    other_user = uuid.uuid4()
    b_email = f"b-{other_user.hex[:8]}@example.go.id"
    with runtime.session_factory() as session:
        put_rubric(session, edition_code=code, rubric=RubricIn.model_validate(jf.RUBRIC), actor_id=jf.ACTOR)
        ids = []
        for user_id, agency, email, nip in (
            (participant_id, "DINKES", "a@example.go.id", "198504122010031001"),
            (other_user, "DINSOS", b_email, "198707152012012002"),
        ):
            proposer = jf.person(agency, user_id=user_id, nip=nip).model_copy(update={"email": email})
            payload = jf.submitted(proposer=proposer).payload.model_copy(update={"edition_code": code})
            ideas.apply_submitted(session, payload)
            screened = jf.screened(payload.idea_id).payload.model_copy(update={"edition_code": code})
            ideas.apply_screened(session, screened)
            ids.append(payload.idea_id)
        session.commit()
        for user_id, role in ((JUDGE_USER_ID, Role.JUDGE), (ADMIN_USER_ID, Role.ADMIN)):
            principal = Principal(user_id=user_id, role=role, agency_code=JUDGE_AGENCY, name="Juri", email=None)
            declare(session, edition_code=code, principal=principal, body=DeclarationIn())
    common = {
        "edition_code": code,
        "kind": "audition",
        "slot_id": str(uuid.uuid4()),
        "room_id": str(uuid.uuid4()),
        "day_id": str(uuid.uuid4()),
        "certificate_code": "0000-0000-0000-0000",
    }
    return World(
        own=common | {"idea_id": str(ids[0]), "judge_id": str(uuid.uuid4())},
        other=common | {"idea_id": str(ids[1]), "judge_id": str(uuid.uuid4())},
        participant_id=participant_id,
        other_private=[b_email, "198707152012012002"],
    )


def implementation_world(runtime: Any, participant_id: uuid.UUID) -> World:
    """Two tickets: the own agency's (proposer A) and another agency's (proposer B), each with a milestone."""
    from services.implementation.evidence.service import upload as upload_evidence
    from services.implementation.tests import factories as imf
    from services.implementation.tickets.agency_work import add_milestone, add_progress
    from services.implementation.tickets.models import Ticket
    from services.implementation.tickets.schemas import MilestoneCreate, ProgressUpdateCreate
    from services.implementation.tickets.service import handle_idea_judged
    from services.implementation.webhooks.models import WebhookSubscription
    from services.implementation.webhooks.schemas import WebhookCreate
    from services.implementation.webhooks.service import create_subscription
    from shared.auth import Principal

    code = _code()
    other_user = uuid.uuid4()
    b_email = f"b-{other_user.hex[:8]}@example.go.id"
    tickets: list[uuid.UUID] = []
    milestones: list[str] = []
    hooks: list[str] = []
    updates: list[str] = []
    evidence: list[str] = []
    with runtime.session_factory() as session:
        # Only one active endpoint per agency: with two, every ticket change fails on a duplicate delivery id
        # (finding: webhooks.service.enqueue_deliveries gives all rows of its INSERT ... SELECT one id).
        session.execute(update(WebhookSubscription).values(active=False))
        session.commit()
        for user_id, agency, email, nip in (
            (participant_id, OWN_AGENCY, "a@example.go.id", "198504122010031001"),
            (other_user, OTHER_AGENCY, b_email, "198707152012012002"),
        ):
            event = imf.judged(
                agency=agency,
                edition_code=code,
                person=imf.proposer(user_id=user_id, email=email, nip=nip, agency_code="DINKES"),
            )
            handle_idea_judged(session, event)
            session.commit()
            ticket = session.query(Ticket).filter(Ticket.idea_id == event.payload.idea_id).one()
            tickets.append(ticket.id)
            officer = Principal(uuid.uuid4(), Role.AGENCY, agency, "Petugas", None)
            milestone = add_milestone(
                session,
                principal=officer,
                ticket_id=ticket.id,
                data=MilestoneCreate(title="Uji coba di 3 desa", due_date=date(2027, 3, 1)),
            )
            milestones.append(str(milestone.id))
            progress = add_progress(
                session, principal=officer, ticket_id=ticket.id, data=ProgressUpdateCreate(body="Uji coba berjalan")
            )
            updates.append(str(progress.id))
            file = upload_evidence(
                session,
                storage=LocalStorage(runtime.settings.evidence_dir),
                principal=officer,
                update_id=progress.id,
                filename="foto.png",
                content=b"\x89PNG\r\n\x1a\n" + b"\0" * 16,
                max_bytes=runtime.settings.evidence_max_bytes,
            )
            evidence.append(str(file.id))
            hook = create_subscription(
                session,
                principal=officer,
                data=WebhookCreate.model_validate({"url": f"https://{agency.lower()}.example.go.id/hook"}),
            )
            hooks.append(str(hook.id))
    common = {"edition_code": code, "code": OWN_AGENCY, "notification_id": str(uuid.uuid4())}
    return World(
        own=common
        | {
            "ticket_id": str(tickets[0]),
            "milestone_id": milestones[0],
            "subscription_id": hooks[0],
            "update_id": updates[0],
            "evidence_id": evidence[0],
        },
        other=common
        | {
            "ticket_id": str(tickets[1]),
            "milestone_id": milestones[1],
            "subscription_id": hooks[1],
            "update_id": updates[1],
            "evidence_id": evidence[1],
        },
        participant_id=participant_id,
        # A civil servant of the implementing agency proposed the idea: the token carries that agency.
        participant_agency=OWN_AGENCY,
        other_private=[b_email, "198707152012012002"],
    )


def caller_headers(tokens: Any, caller: str, world: World) -> dict[str, str]:
    """The Authorization header of each caller (none for the anonymous one)."""
    if caller == ANON:
        return {}
    if caller == PARTICIPANT:
        return tokens(Role.PARTICIPANT, user_id=world.participant_id, agency=world.participant_agency)  # type: ignore[no-any-return]
    if caller == JUDGE:
        return tokens(Role.JUDGE, agency=JUDGE_AGENCY, name="Juri Bappeda", user_id=JUDGE_USER_ID)  # type: ignore[no-any-return]
    if caller == COMMITTEE:
        return tokens(Role.COMMITTEE, agency="BKPSDM", name="Panitia")  # type: ignore[no-any-return]
    if caller == AGENCY:
        return tokens(Role.AGENCY, agency=OWN_AGENCY, name="Petugas Disdukcapil")  # type: ignore[no-any-return]
    if caller == ADMIN:
        return tokens(Role.ADMIN, name="Admin", user_id=ADMIN_USER_ID)  # type: ignore[no-any-return]
    raise ValueError(caller)


def fill(path: str, values: dict[str, Any]) -> str:
    """The path with its {params} replaced."""
    return path.format(**values)
