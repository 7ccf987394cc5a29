"""Evidence files on the agency officer's ticket page: uploaded with a progress report or added to one later,
downloaded and deleted through this front with the officer's token.

The implementation service decides everything about a file (its kind from its bytes, its size, who may add or
remove it); the page forwards the bytes and shows the service's refusal next to the file field.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData, UploadFile

from services.web.backend import ApiError, error_of
from services.web.pages import api, backend_of, checked_form, language, redirect, require_user, token_of

router = APIRouter(include_in_schema=False)

#: Refusals of an upload the page shows at the file field (the kind, the size, an empty file, a closed ticket).
UPLOAD_FAILURES = (400, 403, 404, 409, 413, 415, 422)


def chosen_files(form: FormData, name: str) -> list[UploadFile]:
    """The files picked in one file field (a browser sends an empty part when none was picked)."""
    return [f for f in form.getlist(name) if isinstance(f, UploadFile) and f.filename]


async def attach(request: Request, update_id: str, files: list[UploadFile]) -> ApiError | None:
    """Send each file to the progress update in turn; the first refusal stops there and is returned."""
    for file in files:
        content = await file.read()
        try:
            await api(
                request,
                "implementation",
                "POST",
                "/api/v1/evidence",
                data={"update_id": update_id},
                files={"file": (file.filename, content, file.content_type or "application/octet-stream")},
            )
        except ApiError as exc:
            if exc.status not in UPLOAD_FAILURES:
                raise
            return exc
    return None


@router.get("/opd/bukti/{evidence_id}")
async def download(evidence_id: str, request: Request) -> Response:
    """The file, fetched with the officer's token (the service answers 404 for another agency's file)."""
    await require_user(request, "agency")
    upstream = await backend_of(request).request(
        "implementation", "GET", f"/api/v1/evidence/{evidence_id}", token=token_of(request), language=language(request)
    )
    if upstream.status_code >= 400:
        raise error_of(upstream, language(request))
    headers = {k: v for k, v in upstream.headers.items() if k.lower() in ("content-type", "content-disposition")}
    # The kind is the one the service found in the bytes; the browser must not guess another.
    return Response(upstream.content, headers={**headers, "X-Content-Type-Options": "nosniff"})


@router.post("/opd/tiket/{ticket_id}/bukti/{evidence_id}/hapus")
async def delete(ticket_id: str, evidence_id: str, request: Request) -> Response:
    """Delete a file after the officer confirmed it on the page."""
    await require_user(request, "agency")
    await checked_form(request)
    await api(request, "implementation", "DELETE", f"/api/v1/evidence/{evidence_id}")
    return redirect(f"/opd/tiket/{ticket_id}?pesan=bukti_dihapus")
