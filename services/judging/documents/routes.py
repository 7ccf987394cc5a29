"""HTTP routes of the signed documents (PDF) and the public check of a piagam's code."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from services.judging.db import SessionDep, runtime
from services.judging.deps import EditionCode, RoundQuery
from services.judging.documents import schedule, service
from services.judging.documents.schemas import CertificateRead, CertificateVerification
from services.judging.rubric.models import DEFAULT_ROUND
from shared.auth import Committee, CurrentPrincipal
from shared.events import PositionGroup
from shared.openapi import PDF, errors, file_response

router = APIRouter(prefix="/api/v1", tags=["documents"])

# The code goes into the download's file name (a header): only characters a header carries as they are.
CertificateCode = Annotated[str, Path(max_length=40, description="as printed, XXXX-XXXX-XXXX-XXXX")]


def _pdf(body: bytes, filename: str) -> Response:
    return Response(body, media_type=PDF, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get(
    "/editions/{edition_code}/documents/berita-acara.pdf",
    summary="Berita acara penilaian of a round as PDF (committee)",
    response_class=Response,
    responses=file_response(PDF) | errors(401, 403, notes={409: "`document_not_ready`"}),
)
def minutes(
    edition_code: EditionCode,
    session: SessionDep,
    _principal: Committee,
    round_kind: RoundQuery = DEFAULT_ROUND,
    group: Annotated[PositionGroup | None, Query(description="one position group; all when left out")] = None,
) -> Response:
    """Berita acara penilaian of a round: ranking, rules, ties, exceptions, judges' names to sign."""
    body = service.minutes(session, edition_code=edition_code, kind=round_kind, group=group)
    suffix = f"-{group}" if group else ""
    return _pdf(body, f"berita-acara-{round_kind}-{edition_code}{suffix}.pdf")


@router.get(
    "/editions/{edition_code}/documents/lampiran-keputusan.pdf",
    summary="Lampiran keputusan as PDF (committee)",
    response_class=Response,
    responses=file_response(PDF) | errors(401, 403, notes={409: "`document_not_ready`"}),
)
def decision_list(edition_code: EditionCode, session: SessionDep, _principal: Committee) -> Response:
    """Lampiran keputusan: selected ideas with their implementing agencies and due dates."""
    body = service.decision_list(session, edition_code=edition_code)
    return _pdf(body, f"lampiran-keputusan-{edition_code}.pdf")


@router.get(
    "/editions/{edition_code}/audition-days/{day_id}/jadwal.pdf",
    summary="The printable schedule of an audition day, a page per room (committee, its judges)",
    response_class=Response,
    responses=file_response(PDF) | errors(401, 403, 404),
)
def day_schedule(
    edition_code: EditionCode,
    day_id: uuid.UUID,
    session: SessionDep,
    principal: CurrentPrincipal,
    room_id: Annotated[uuid.UUID | None, Query(description="one room; every room of the day when left out")] = None,
) -> Response:
    """Jadwal audisi of a day, a page per room: the committee's every room, a judge's own rooms."""
    day, body = schedule.day_schedule(
        session, edition_code=edition_code, day_id=day_id, room_id=room_id, principal=principal
    )
    return _pdf(body, f"jadwal-audisi-{edition_code}-{day.day.isoformat()}.pdf")


@router.get(
    "/ideas/{idea_id}/certificates",
    summary="The piagam of a decided idea the caller may have",
    response_model=list[CertificateRead],
    responses=errors(401, 404),
)
def certificates(idea_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal) -> list[CertificateRead]:
    """The piagam of a decided idea: a team member's own and the team's; the committee's every one."""
    return service.list_certificates(session, idea_id=idea_id, principal=principal)


@router.get(
    "/ideas/{idea_id}/certificates/{certificate_code}.pdf",
    summary="One piagam as PDF",
    response_class=Response,
    responses=file_response(PDF) | errors(401, 404),
)
def certificate(
    idea_id: uuid.UUID, certificate_code: CertificateCode, session: SessionDep, principal: CurrentPrincipal
) -> Response:
    """One piagam as PDF, with its verification code and a QR code of the public verification URL."""
    cert, body = service.certificate_pdf(
        session,
        idea_id=idea_id,
        code=certificate_code,
        principal=principal,
        verify_url=runtime.settings.certificate_verify_url,
    )
    return _pdf(body, f"piagam-{cert.kind}-{cert.code}.pdf")


@router.get(
    "/public/certificates/{certificate_code}",
    summary="Verify a piagam code (public)",
    response_model=CertificateVerification,
    responses=errors(404),
)
def verify(certificate_code: CertificateCode, session: SessionDep) -> CertificateVerification:
    """Public, unauthenticated: whether a piagam code is genuine, whose it is and what it is for."""
    return service.verify(session, code=certificate_code)
