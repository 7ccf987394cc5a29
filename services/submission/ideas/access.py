"""Who may see or change an idea, and whether it can still change."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from services.submission.editions.models import Edition
from services.submission.editions.service import require_before_deadline
from services.submission.ideas.models import Idea, IdeaMember, IdeaStatus, MemberStatus
from services.submission.participants.models import Participant
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


def load_idea(session: Session, idea_id: uuid.UUID, *, lock: bool = False) -> Idea:
    """An idea by id (locked when asked), whoever asks; 404 when there is none."""
    query = select(Idea).where(Idea.id == idea_id)
    idea = session.scalar(query.with_for_update() if lock else query)
    if idea is None:
        raise not_found("Gagasan", "Idea")
    return idea


# The idea, its edition, the caller's participant row and their place on the team in one round trip: the
# statements are built once (bound parameters), not per request (issue 14: a third of a submit's CPU went
# into loading and checking access with three or four statements built and compiled each time).
_MEMBER_STATUS = (
    select(IdeaMember.status)
    .where(IdeaMember.idea_id == Idea.id, IdeaMember.participant_id == Participant.id)
    .scalar_subquery()
)
_WITH_ACCESS = (
    select(Idea, Edition, Participant, _MEMBER_STATUS)
    .join(Edition, Edition.id == Idea.edition_id)
    .outerjoin(Participant, Participant.user_id == bindparam("user_id"))
    .where(Idea.id == bindparam("idea_id"))
)
_WITH_ACCESS_LOCKED = _WITH_ACCESS.with_for_update(of=Idea)


def _with_access(
    session: Session, idea_id: uuid.UUID, principal: Principal, *, lock: bool
) -> tuple[Idea, Edition, Access]:
    """The idea, its edition and what the caller is to it (one query); 404 when there is none, 403 for others."""
    row = session.execute(
        _WITH_ACCESS_LOCKED if lock else _WITH_ACCESS, {"idea_id": idea_id, "user_id": principal.user_id}
    ).first()
    if row is None:
        raise not_found("Gagasan", "Idea")
    idea, edition, me, member_status = row
    if principal.has_role(Role.COMMITTEE):
        return idea, edition, Access(True, False, None)
    if not principal.has_role(Role.PARTICIPANT):
        raise forbidden({"reason": "only participants and the committee use ideas"})
    if me is None:
        raise forbidden({"reason": "the caller has no participant profile"})
    if idea.proposer_id == me.id:
        return idea, edition, Access(False, True, None)
    return idea, edition, Access(False, False, member_status)


def viewable(session: Session, idea_id: uuid.UUID, principal: Principal, *, lock: bool = False) -> tuple[Idea, Access]:
    """An idea the caller may see, with what they are to it; 404 otherwise."""
    idea, _, access = _with_access(session, idea_id, principal, lock=lock)
    if not access.can_view:
        raise not_found("Gagasan", "Idea")  # not theirs: do not reveal that it exists
    return idea, access


def load_for_change(session: Session, idea_id: uuid.UUID, principal: Principal) -> tuple[Idea, Edition]:
    """An idea (locked) and its edition, for someone allowed to change it; 404/403 otherwise."""
    idea, edition, access = _with_access(session, idea_id, principal, lock=True)
    if not access.can_view:
        raise not_found("Gagasan", "Idea")
    if not access.can_edit:
        raise forbidden({"reason": "only the proposer and accepted co-proposers change an idea"})
    return idea, edition


def require_changeable(idea: Idea, edition: Edition, now: datetime) -> None:
    """Refuse a change to a screened or withdrawn idea (409), or one after the deadline."""
    if idea.status not in EDITABLE:
        raise conflict("idea_frozen", FROZEN, {"status": idea.status})
    require_before_deadline(edition, now)
