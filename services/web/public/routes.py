"""The public accountability page: the selected ideas of an edition and their progress, and the open data."""

from __future__ import annotations

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from services.web.pages import api, current_user, render

router = APIRouter(include_in_schema=False)


@router.get("/publik")
async def public_default(request: Request) -> Response:
    """The current edition's page."""
    from services.web.pages import redirect, settings_of

    return redirect(f"/publik/{settings_of(request).default_edition}")


@router.get("/publik/{edition_code}")
async def public_page(request: Request, edition_code: str = Path(pattern=r"^[A-Za-z0-9._-]{1,40}$")) -> Response:
    """Everyone may see what was selected and how far each agency has come."""
    await current_user(request)
    view = await api(request, "implementation", "GET", f"/api/v1/public/editions/{edition_code}/ideas")
    items = view.get("items", [])
    done = sum(1 for item in items if item.get("status") == "implemented")
    return render(request, "public/edition.html", edition_code=edition_code, items=items, done=done)
