"""Teams: the proposer invites co-proposers by NIP, they accept or decline, the proposer removes them."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.submission.editions.models import Edition
from services.submission.ideas.access import require_changeable, viewable
from services.submission.ideas.models import Idea, IdeaMember, MemberStatus
from services.submission.ideas.notices import tell
from services.submission.ideas.revisions import person, revise_if_submitted
from services.submission.participants.models import Participant
from services.submission.participants.service import participant_of
from shared.auth import Principal
from shared.db import utcnow
from shared.errors import Message, conflict, forbidden, invalid, not_found
from shared.events import NotificationTemplate

MAX_CO_PROPOSERS = 4


def invite_co_proposer(
    session: Session, *, principal: Principal, idea_id: uuid.UUID, nip: str, now: datetime | None = None
) -> Idea:
    """The proposer invites another participant by NIP."""
    now = now or utcnow()
    idea, access = viewable(session, idea_id, principal, lock=True)
    if not access.proposer:
        raise forbidden({"reason": "only the proposer invites co-proposers"})
    edition = session.get_one(Edition, idea.edition_id)
    require_changeable(idea, edition, now)
    invitee = session.scalar(select(Participant).where(Participant.nip == nip))
    if invitee is None:
        raise not_found("Peserta dengan NIP ini", "A participant with this NIP", {"nip": nip})
    if invitee.id == idea.proposer_id:
        raise invalid(
            "self_invite", Message("Pengusul tidak dapat mengundang diri sendiri", "You cannot invite yourself")
        )
    members = {m.participant_id: m for m in session.scalars(select(IdeaMember).where(IdeaMember.idea_id == idea.id))}
    if invitee.id in members and members[invitee.id].status != MemberStatus.DECLINED:
        raise conflict("already_invited", Message("Peserta ini sudah diundang", "This participant is already invited"))
    active = [m for m in members.values() if m.status != MemberStatus.DECLINED]
    if len(active) >= MAX_CO_PROPOSERS:
        raise conflict(
            "team_full",
            Message(
                f"Tim paling banyak {MAX_CO_PROPOSERS} pengusul pendamping", f"At most {MAX_CO_PROPOSERS} co-proposers"
            ),
        )
    if invitee.id in members:
        members[invitee.id].status, members[invitee.id].invited_at = MemberStatus.INVITED, now
        members[invitee.id].responded_at = None
    else:
        session.add(IdeaMember(idea_id=idea.id, participant_id=invitee.id, status=MemberStatus.INVITED, invited_at=now))
    proposer = session.get_one(Participant, idea.proposer_id)
    tell(
        session,
        people=[person(invitee)],
        cause=f"invitation:{idea.id}:{invitee.id}:{now.isoformat()}",
        template=NotificationTemplate.TEAM_INVITATION,
        idea=idea,
        edition=edition,
        proposer_name=proposer.name,
    )
    session.commit()
    return idea


def respond_to_invitation(
    session: Session, *, principal: Principal, idea_id: uuid.UUID, accept: bool, now: datetime | None = None
) -> Idea:
    """An invited participant accepts or declines; a team change of a submitted idea is a new revision."""
    now = now or utcnow()
    idea, access = viewable(session, idea_id, principal, lock=True)
    if access.member_status != MemberStatus.INVITED:
        raise conflict("no_invitation", Message("Tidak ada undangan yang menunggu", "There is no pending invitation"))
    edition = session.get_one(Edition, idea.edition_id)
    if accept:
        require_changeable(idea, edition, now)
    me = participant_of(session, principal)
    member = session.get_one(IdeaMember, (idea.id, me.id))
    member.status = MemberStatus.ACCEPTED if accept else MemberStatus.DECLINED
    member.responded_at = now
    session.flush()
    tell(
        session,
        people=[person(session.get_one(Participant, idea.proposer_id))],
        cause=f"invitation-answer:{idea.id}:{me.id}:{now.isoformat()}",
        template=NotificationTemplate.TEAM_INVITATION_ANSWERED,
        idea=idea,
        edition=edition,
        member_name=me.name,
        accepted=accept,
    )
    if accept:
        revise_if_submitted(session, idea, edition, principal.user_id)
    session.commit()
    return idea


def remove_co_proposer(
    session: Session,
    *,
    principal: Principal,
    idea_id: uuid.UUID,
    participant_id: uuid.UUID,
    now: datetime | None = None,
) -> Idea:
    """The proposer removes a team member (or a pending invitation); a submitted idea gets a new revision."""
    now = now or utcnow()
    idea, access = viewable(session, idea_id, principal, lock=True)
    if not access.proposer:
        raise forbidden({"reason": "only the proposer changes the team"})
    edition = session.get_one(Edition, idea.edition_id)
    require_changeable(idea, edition, now)
    member = session.get(IdeaMember, (idea.id, participant_id))
    if member is None:
        raise not_found("Anggota tim", "Team member")
    was_accepted = member.status == MemberStatus.ACCEPTED
    session.delete(member)
    if was_accepted:
        revise_if_submitted(session, idea, edition, principal.user_id)
    session.commit()
    return idea
