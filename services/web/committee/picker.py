"""The edition a committee page shows (`?edisi=`, else the default one) and the picker that changes it.

The picker is a small GET form under the committee's menu (`_nav.html`): a select of the editions the /panitia
page lists, so that nobody has to type an edition's code into the address bar.
"""

from __future__ import annotations

from fastapi import Request

from services.web.backend import ApiError
from services.web.pages import api, settings_of


def edition_of(request: Request, edisi: str | None) -> str:
    """The edition asked for, else the default one."""
    return (edisi or "").strip() or settings_of(request).default_edition


async def edition_choices(request: Request) -> list[dict[str, str]]:
    """The editions for the picker, newest first: code and name."""
    try:
        found = await api(request, "submission", "GET", "/api/v1/editions")
    except ApiError as exc:
        # The picker is a convenience: judging's pages (the board on audition day) must not fail with submission.
        if exc.status != 503:
            raise
        return []
    newest = sorted(found, key=lambda e: str(e.get("submission_opens_at") or ""), reverse=True)
    return [{"code": str(e["code"]), "name": str(e["name"])} for e in newest]
