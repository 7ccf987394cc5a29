"""HTTP routes of the recap exports."""

from __future__ import annotations

from fastapi import APIRouter, Response

from services.judging.db import SessionDep
from services.judging.deps import EditionCode
from services.judging.exports import service
from shared.auth import Committee
from shared.openapi import CSV, XLSX, errors, file_response

router = APIRouter(prefix="/api/v1", tags=["exports"], responses=errors(401, 403))


@router.get(
    "/editions/{edition_code}/exports/recap.xlsx",
    summary="Rekap nilai as XLSX (committee)",
    response_class=Response,
    responses=file_response(XLSX),
)
def recap_xlsx(edition_code: EditionCode, session: SessionDep, _principal: Committee) -> Response:
    """Rekap nilai as XLSX, one sheet per position group."""
    body = service.recap_xlsx(session, edition_code=edition_code)
    filename = f"rekap-nilai-{edition_code}.xlsx"
    return Response(body, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get(
    "/editions/{edition_code}/exports/recap.csv",
    summary="Rekap nilai as CSV (committee)",
    response_class=Response,
    responses=file_response(CSV),
)
def recap_csv(edition_code: EditionCode, session: SessionDep, _principal: Committee) -> Response:
    """Rekap nilai as CSV (UTF-8 with BOM so spreadsheet software reads Indonesian text right)."""
    body = "\ufeff" + service.recap_csv(session, edition_code=edition_code)
    filename = f"rekap-nilai-{edition_code}.csv"
    return Response(
        body.encode(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
