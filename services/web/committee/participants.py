"""The committee's participant import: a dry run first, its report row by row, and the import only once the
file is clean and the member confirms.

The file checked is carried to the confirmation in the form (base64), so what is imported is exactly what
was checked; the submission service checks it again either way and imports nothing from a file with errors.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from services.web.backend import ApiError
from services.web.pages import api, checked_form, language, render, require_user

router = APIRouter(include_in_schema=False)

#: Files larger than this are refused here, before they are carried through a form twice.
MAX_FILE_BYTES = 5 * 1024 * 1024


def reason_in(error: dict[str, Any], lang: str) -> str:
    """A refusal's reason in the person's language: the service gives `reason` (English) and `reason_id`."""
    if lang == "en":
        return str(error.get("reason") or "")
    return str(error.get("reason_id") or error.get("reason") or "")


async def _run(request: Request, name: str, content: bytes, *, dry_run: bool) -> dict[str, Any]:
    report: dict[str, Any] = await api(
        request,
        "submission",
        "POST",
        "/api/v1/participants/import",
        params={"dry_run": "true" if dry_run else "false"},
        files={"file": (name, content, "application/octet-stream")},
    )
    lang = language(request)
    for error in report["errors"]:
        error["reason"] = reason_in(error, lang)
    return report


def _page(request: Request, **context: Any) -> Response:
    context.setdefault("report", None)
    context.setdefault("failure", None)
    return render(request, "committee/import.html", **context)


@router.get("/panitia/peserta/impor")
async def import_page(request: Request) -> Response:
    """The upload form with the columns a file needs."""
    await require_user(request, "committee")
    return _page(request)


@router.post("/panitia/peserta/impor")
async def check_file(request: Request) -> Response:
    """The dry run of the uploaded file: every bad row, or the confirmation to import."""
    await require_user(request, "committee")
    form = await checked_form(request)
    upload = form.get("berkas")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _page(request, errors={"berkas": ""})
    content = await upload.read(MAX_FILE_BYTES + 1)
    if len(content) > MAX_FILE_BYTES:
        return _page(request, errors={"berkas": "5 MB"})
    try:
        report = await _run(request, upload.filename, content, dry_run=True)
    except ApiError as exc:
        if exc.status not in (400, 413, 422):
            raise
        return _page(request, failure=exc.message, detail=_detail(request, exc))
    return _page(
        request,
        report=report,
        filename=upload.filename,
        carried=base64.b64encode(content).decode() if not report["errors"] else None,
    )


def _detail(request: Request, exc: ApiError) -> str | None:
    if not isinstance(exc.details, dict):
        return None
    return reason_in(exc.details, language(request)) or None


@router.post("/panitia/peserta/impor/jalankan")
async def run_import(request: Request) -> Response:
    """Import the file checked a moment ago, once confirmed; the counts of what changed."""
    await require_user(request, "committee")
    form = await checked_form(request)
    name = str(form.get("nama_berkas") or "peserta.csv")
    try:
        content = base64.b64decode(str(form.get("isi_berkas") or ""), validate=True)
    except (binascii.Error, ValueError):
        content = b""
    if not content or form.get("setuju") != "1":
        return _page(
            request,
            errors={"setuju": ""} if content else {"berkas": ""},
            filename=name,
            carried=(base64.b64encode(content).decode() if content else None),
            report=None,
        )
    try:
        report = await _run(request, name, content, dry_run=False)
    except ApiError as exc:
        if exc.status not in (400, 413, 422):
            raise
        return _page(request, failure=exc.message, detail=_detail(request, exc))
    # A file that went wrong between the check and the import (a NIP imported by someone else meanwhile) is
    # reported as a dry run is: nothing was imported.
    return _page(request, report=report, filename=name, done=bool(report["imported"]))
