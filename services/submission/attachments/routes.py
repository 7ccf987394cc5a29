"""HTTP routes of attachments (uploads have their own, larger body limit under /api/v1/attachments)."""

from __future__ import annotations

import uuid
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Query, Response, UploadFile

from services.submission.attachments import service
from services.submission.attachments.models import Attachment
from services.submission.db import SessionDep, runtime
from services.submission.deps import IdeaUser
from services.submission.ideas.schemas import AttachmentRead
from shared.attachment_links import AttachmentGrant
from shared.files import ALLOWED, LocalStorage, Storage
from shared.openapi import errors, file_response

router = APIRouter(prefix="/api/v1/attachments", tags=["attachments"], responses=errors(401, 403, 404))
ideas_router = APIRouter(prefix="/api/v1/ideas", tags=["attachments"], responses=errors(401, 403, 404))


def get_storage() -> Storage:
    """The configured attachment store (a local volume)."""
    return LocalStorage(runtime.settings.attachments_dir)


@router.post(
    "",
    status_code=201,
    summary="Attach a file to an idea (PDF, images, PPTX, DOCX, XLSX, MP4)",
    responses=errors(
        409,
        notes={
            413: "`attachment_too_large`",
            415: "`unsupported_attachment`: not one of the allowed kinds of file",
            422: "also `empty_attachment`",
        },
    ),
)
def upload(
    principal: IdeaUser,
    session: SessionDep,
    idea_id: Annotated[uuid.UUID, Form()],
    file: Annotated[UploadFile, File()],
) -> AttachmentRead:
    limit = runtime.settings.attachment_max_bytes
    content = file.file.read(limit + 1)
    a = service.upload(
        session,
        storage=get_storage(),
        principal=principal,
        idea_id=idea_id,
        filename=file.filename,
        content=content,
        max_bytes=limit,
    )
    return AttachmentRead.model_validate(a)


@ideas_router.get("/{idea_id}/attachments", summary="An idea's attachments (team, committee)")
def list_attachments(idea_id: uuid.UUID, principal: IdeaUser, session: SessionDep) -> list[AttachmentRead]:
    return [
        AttachmentRead.model_validate(a) for a in service.list_for_idea(session, principal=principal, idea_id=idea_id)
    ]


@router.get(
    "/{attachment_id}",
    summary="Download an attachment (team, committee)",
    response_class=Response,
    responses=file_response(*sorted(ALLOWED), description="The file, of the kind found when it was uploaded"),
)
def download(attachment_id: uuid.UUID, principal: IdeaUser, session: SessionDep) -> Response:
    attachment, content = service.download(
        session, storage=get_storage(), principal=principal, attachment_id=attachment_id
    )
    return _file(attachment, content)


@router.get(
    "/{attachment_id}/signed",
    summary="Download an attachment through a judging-signed link (a judge on the idea's panel; minutes)",
    response_class=Response,
    responses=file_response(*sorted(ALLOWED), description="The file, of the kind found when it was uploaded"),
)
def download_signed(
    attachment_id: uuid.UUID,
    session: SessionDep,
    idea: Annotated[uuid.UUID, Query()],
    judge: Annotated[uuid.UUID, Query()],
    expires: Annotated[int, Query()],
    signature: Annotated[str, Query(max_length=128)],
) -> Response:
    # No token: the link itself is the authorisation, issued by judging after its panel checks.
    grant = AttachmentGrant(attachment_id=attachment_id, idea_id=idea, judge_id=judge, expires=expires)
    attachment, content = service.download_signed(
        session,
        storage=get_storage(),
        secret=runtime.settings.attachment_link_secret,
        grant=grant,
        signature=signature,
    )
    return _file(attachment, content)


def _file(attachment: Attachment, content: bytes) -> Response:
    return Response(
        content,
        media_type=attachment.content_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(attachment.filename)}",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


@router.delete(
    "/{attachment_id}",
    status_code=204,
    summary="Remove an attachment",
    response_class=Response,
    responses=errors(409),
)
def remove(attachment_id: uuid.UUID, principal: IdeaUser, session: SessionDep) -> Response:
    service.remove(session, storage=get_storage(), principal=principal, attachment_id=attachment_id)
    return Response(status_code=204)
