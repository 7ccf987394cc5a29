"""Public, read-only routes: JSON, a server-rendered page, and the open-data export. No sign-in."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from services.implementation.accountability import service
from services.implementation.accountability.schemas import PublicEdition
from services.implementation.db import SessionDep
from services.implementation.notifications.mailer import status_en, status_id
from shared.openapi import CSV, file_response

router = APIRouter(tags=["public"])

_pages = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=select_autoescape(["html"])
)
_pages.globals.update(status_id=status_id, status_en=status_en)

EditionCode = PathParam(pattern=r"^[A-Za-z0-9._-]{1,40}$")


@router.get("/api/v1/public/editions/{edition_code}/ideas", summary="Selected ideas of an edition (public)")
def public_ideas(session: SessionDep, edition_code: str = EditionCode) -> PublicEdition:
    return service.edition_view(session, edition_code=edition_code)


@router.get(
    "/api/v1/public/editions/{edition_code}/export.json",
    summary="Open data, JSON",
    responses={200: {"model": PublicEdition, "description": "The open data, as a download"}},
)
def export_json(session: SessionDep, edition_code: str = EditionCode) -> Response:
    view = service.edition_view(session, edition_code=edition_code)
    return Response(
        view.model_dump_json(indent=2),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="audisi-{edition_code}.json"'},
    )


@router.get(
    "/api/v1/public/editions/{edition_code}/export.csv",
    summary="Open data, CSV",
    response_class=Response,
    responses=file_response(CSV),
)
def export_csv(session: SessionDep, edition_code: str = EditionCode) -> Response:
    view = service.edition_view(session, edition_code=edition_code)
    return Response(
        service.to_csv(view),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="audisi-{edition_code}.csv"'},
    )


@router.get("/public/editions/{edition_code}", response_class=HTMLResponse, summary="Public progress page")
def public_page(request: Request, session: SessionDep, edition_code: str = EditionCode) -> HTMLResponse:
    view = service.edition_view(session, edition_code=edition_code)
    html = _pages.get_template("edition.html").render(view=view, base=str(request.base_url).rstrip("/"))
    return HTMLResponse(html)
