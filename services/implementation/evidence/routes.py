"""HTTP routes of evidence files (uploads have their own, larger body limit under /api/v1/evidence)."""

from __future__ import annotations

import uuid
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Response, UploadFile

from services.implementation.db import SessionDep, runtime
from services.implementation.evidence import service
from services.implementation.evidence.models import EvidenceFile
from services.implementation.evidence.schemas import EvidenceRead
from shared.auth import CurrentPrincipal
from shared.files import ALLOWED, IMAGES, LocalStorage, Storage
from shared.openapi import errors, file_response

router = APIRouter(prefix="/api/v1/evidence", tags=["evidence"], responses=errors(401, 404))
public_router = APIRouter(prefix="/api/v1/public/evidence", tags=["public"], responses=errors(404))


def get_storage() -> Storage:
    """The configured evidence store (a local volume)."""
    return LocalStorage(runtime.settings.evidence_dir)


@router.post(
    "",
    status_code=201,
    summary="Attach an evidence file to a progress update (implementing agency; PDF, images, Office, MP4)",
    responses=errors(
        403,
        409,
        notes={
            413: "`evidence_too_large`",
            415: "`unsupported_evidence`: not one of the allowed kinds of file",
            422: "also `empty_evidence`",
        },
    ),
)
def upload(
    principal: CurrentPrincipal,
    session: SessionDep,
    update_id: Annotated[uuid.UUID, Form()],
    file: Annotated[UploadFile, File()],
) -> EvidenceRead:
    limit = runtime.settings.evidence_max_bytes
    evidence = service.upload(
        session,
        storage=get_storage(),
        principal=principal,
        update_id=update_id,
        filename=file.filename,
        content=file.file.read(limit + 1),  # one byte more than allowed is enough to refuse it
        max_bytes=limit,
    )
    return EvidenceRead.model_validate(evidence)


@router.get(
    "/{evidence_id}",
    summary="Download an evidence file (the ticket's agency, the committee, the idea's team)",
    response_class=Response,
    responses=file_response(*sorted(ALLOWED), description="The file, of the kind found when it was uploaded"),
)
def download(evidence_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep) -> Response:
    evidence, content = service.download(session, storage=get_storage(), principal=principal, evidence_id=evidence_id)
    return _file(evidence, content, cache="private, no-store")


@router.delete(
    "/{evidence_id}",
    status_code=204,
    summary="Delete an evidence file (implementing agency; also gone from the public page at once)",
    responses=errors(403),
)
def delete(evidence_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep) -> Response:
    service.delete(session, storage=get_storage(), principal=principal, evidence_id=evidence_id)
    return Response(status_code=204)


@public_router.get(
    "/{evidence_id}",
    summary="A photo of an implemented idea (public)",
    response_class=Response,
    responses=file_response(*sorted(IMAGES), description="The photo"),
)
def public_photo(evidence_id: uuid.UUID, session: SessionDep) -> Response:
    evidence, content = service.public_photo(session, storage=get_storage(), evidence_id=evidence_id)
    return _file(evidence, content, cache="public, max-age=300", inline=True)


def _file(evidence: EvidenceFile, content: bytes, *, cache: str, inline: bool = False) -> Response:
    # The public photo is shown inline under a neutral name, so no file name chosen by an officer leaks out.
    disposition = "inline; filename=foto" if inline else f"attachment; filename*=UTF-8''{quote(evidence.filename)}"
    return Response(
        content,
        media_type=evidence.content_type,
        headers={"Content-Disposition": disposition, "X-Content-Type-Options": "nosniff", "Cache-Control": cache},
    )
