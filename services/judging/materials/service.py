"""What a judge reads to score an idea, for the judges of that idea only.

Judging keeps the attachments' metadata and the extra answers from idea.submitted.v1; the files
stay in the submission service, which serves each one through a link judging signs for the caller
(`shared.attachment_links`) after the same checks as scoring: on the idea's panel, neither
conflicted nor excluded.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from pydantic import SecretStr
from sqlalchemy.orm import Session

from services.judging.ideas.service import get_known_idea
from services.judging.materials.schemas import AttachmentLinkRead, IdeaMaterialsRead
from services.judging.scoring.access import authorise_reader
from shared.attachment_links import AttachmentGrant, signed_path
from shared.auth import Principal
from shared.errors import not_found
from shared.events import AttachmentRef, ExtraAnswer


def idea_materials(
    session: Session,
    *,
    idea_id: uuid.UUID,
    principal: Principal,
    secret: SecretStr,
    submission_url: str,
    link_seconds: int,
    now: datetime | None = None,
) -> IdeaMaterialsRead:
    """The idea's extra answers and signed links to its files; 403 for a judge who does not judge it."""
    idea = get_known_idea(session, idea_id=idea_id)
    if idea.withdrawn:  # out of judging: nobody reads its files through judging any more
        raise not_found("Gagasan", "Idea", {"idea_id": str(idea_id)})
    authorise_reader(session, idea, principal)
    expires_at = (now or datetime.now(UTC)).replace(microsecond=0) + timedelta(seconds=link_seconds)
    base = submission_url.rstrip("/")
    links = []
    for stored in idea.attachments:
        ref = AttachmentRef.model_validate(stored)
        grant = AttachmentGrant(
            attachment_id=ref.attachment_id,
            idea_id=idea.id,
            judge_id=principal.user_id,
            expires=int(expires_at.timestamp()),
        )
        links.append(AttachmentLinkRead(**ref.model_dump(), url=base + signed_path(secret, grant)))
    return IdeaMaterialsRead(
        idea_id=idea.id,
        revision=idea.revision,
        extra_answers=[ExtraAnswer.model_validate(a) for a in idea.extra_answers],
        attachments=links,
        links_expire_at=expires_at,
    )
