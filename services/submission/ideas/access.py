"""Who may see or change an idea, and whether it can still change."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.submission.editions.models import Edition
from services.submission.editions.service import require_before_deadline
from services.submission.ideas.models import Idea, IdeaMember, IdeaStatus, MemberStatus
from services.submission.participants.models import Participant
from services.submission.participants.service import participant_of
from shared.auth import Principal, Role
from shared.errors import Message, conflict, forbidden, not_found

EDITABLE = (IdeaStatus.DRAFT, IdeaStatus.SUBMITTED)

FROZEN = Message(
    "Gagasan sudah dikunci (sudah diseleksi, diundurkan, atau melewati batas waktu) dan tidak dapat diubah",
    "The idea is frozen (screened, withdrawn or past the deadline) and cannot be changed",
)


@dataclass(frozen=True)
class Access:
    """What the caller is to an idea."""

    committee: bool
    proposer: bool
    member_status: str | None  # invited / accepted / declined, for a co-proposer

    @property
    def can_view(self) -> bool:
        """Committee, proposer, and invited or accepted co-proposers see the idea."""
        return self.committee or self.proposer or self.member_status in (MemberStatus.INVITED, MemberStatus.ACCEPTED)

    @property
    def can_edit(self) -> bool:
        """The proposer and accepted co-proposers change the idea."""
        return self.proposer or self.member_status == MemberStatus.ACCEPTED


def access_of(session: Session, idea: Idea, principal: Principal) -> tuple[Access, Participant | None]:
    """What the caller is to this idea, and their participant row (none for the committee)."""
    if principal.has_role(Role.COMMITTEE):
        return Access(True, False, None), None
    if not principal.has_role(Role.PARTICIPANT):
        raise forbidden({"reason": "only participants and the committee use ideas"})
    me = participant_of(session, principal)
    if idea.proposer_id == me.id:
        return Access(False, True, None), me
    status = session.scalar(
        select(IdeaMember.status).where(IdeaMember.idea_id == idea.id, IdeaMember.participant_id == me.id)
    )
    return Access(False, False, status), me


def load_idea(session: Session, idea_id: uuid.UUID, *, lock: bool = False) -> Idea:
    """An idea by id (locked when asked), whoever asks; 404 when there is none."""
    query = select(Idea).where(Idea.id == idea_id)
    idea = session.scalar(query.with_for_update() if lock else query)
    if idea is None:
        raise not_found("Gagasan", "Idea")
    return idea


def viewable(session: Session, idea_id: uuid.UUID, principal: Principal, *, lock: bool = False) -> tuple[Idea, Access]:
    """An idea the caller may see, with what they are to it; 404 otherwise."""
    idea = load_idea(session, idea_id, lock=lock)
    access, _ = access_of(session, idea, principal)
    if not access.can_view:
        raise not_found("Gagasan", "Idea")  # not theirs: do not reveal that it exists
    return idea, access


def load_for_change(session: Session, idea_id: uuid.UUID, principal: Principal) -> tuple[Idea, Edition]:
    """An idea (locked) and its edition, for someone allowed to change it; 404/403 otherwise."""
    idea, access = viewable(session, idea_id, principal, lock=True)
    if not access.can_edit:
        raise forbidden({"reason": "only the proposer and accepted co-proposers change an idea"})
    edition = session.get_one(Edition, idea.edition_id)
    return idea, edition


def require_changeable(idea: Idea, edition: Edition, now: datetime) -> None:
    """Refuse a change to a screened or withdrawn idea (409), or one after the deadline."""
    if idea.status not in EDITABLE:
        raise conflict("idea_frozen", FROZEN, {"status": idea.status})
    require_before_deadline(edition, now)
