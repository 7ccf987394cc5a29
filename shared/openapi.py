"""What the OpenAPI documents say an operation answers: every error status with the one error body, real file types.

Agencies generate their clients from these documents, so an answer left out is an answer their client cannot read.
Two places say it, one for each kind of fact:

- a route (or its router, where every route shares them) declares the errors of its own logic with
  `errors(401, 403, 404, ...)` and the media types of a file it sends with `file_response(...)`;
- the app factory's generator (`document_app_errors`) adds what every operation can answer because of the app
  itself: 422 where input is validated, 400 (a body that cannot be decoded) and 413 (too large) where a body is
  read, and 503 (database, broker or session store unavailable) everywhere but the health checks.

`tests/security/test_openapi_documents.py` checks from the route tables that every operation documents its errors
this way; `tests/security/test_schemathesis.py` (status code and content type conformance) that the services
answer nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Annotated, Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, BeforeValidator


class ErrorDetail(BaseModel):
    """What went wrong, in the caller's language."""

    code: str
    message: str
    details: Any = None


class ErrorResponse(BaseModel):
    """The one error body of every service."""

    error: ErrorDetail


ERROR_REF = "#/components/schemas/ErrorResponse"

#: What each error status means in every service (English / Indonesian); a route may add its codes to one.
MEANINGS: dict[int, str] = {
    400: "Bad request, e.g. a body that cannot be decoded / Permintaan tidak sah",
    401: "Not signed in: token missing, invalid, expired or its session ended / Belum masuk atau sesi berakhir",
    403: "Signed in, but not allowed to do this / Tidak berwenang",
    404: "Not found, or not visible to the caller / Tidak ditemukan",
    409: "Contradicts the current state (a transition, a duplicate, a closed period) / Bertentangan dengan keadaan",
    410: "Gone / Sudah tidak berlaku",
    413: "Request body too large / Isi permintaan terlalu besar",
    415: "Unsupported kind of file / Jenis berkas tidak didukung",
    422: "Invalid input / Isian tidak valid",
    429: "Too many attempts, see Retry-After / Terlalu banyak percobaan",
    503: "Temporarily unavailable, see Retry-After / Layanan sedang tidak tersedia",
}

#: Health checks answer without the error body: /healthz never fails, /readyz sends its checks with a 503.
OWN_HEALTH_ANSWERS = ("/healthz", "/readyz")

BINARY = {"schema": {"type": "string", "format": "binary"}}
CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"


_NUMBER = re.compile(r"\s*[+-]?\d+(\.\d*)?\s*")


def _iso_text_only(value: Any) -> Any:
    if isinstance(value, str) and _NUMBER.fullmatch(value):
        raise ValueError("expected an ISO 8601 date-time, e.g. 2026-01-31T08:00:00+07:00")
    return value


#: A date-time parameter as the documents say (`format: date-time`): ISO 8601 text; pydantic alone would also take
#: a number as seconds since 1970, which a client generated from the document never means.
IsoDateTime = Annotated[datetime, BeforeValidator(_iso_text_only)]


def errors(*statuses: int, notes: Mapping[int, str] | None = None) -> dict[int | str, dict[str, Any]]:
    """`responses=` for the error statuses of an operation, each with the error body; `notes` add the error codes."""
    notes = notes or {}
    return {
        status: {"model": ErrorResponse, "description": _described(status, notes.get(status))}
        for status in sorted({*statuses, *notes})
    }


def file_response(*media_types: str, description: str = "The file") -> dict[int | str, dict[str, Any]]:
    """`responses=` for a 200 that sends a file of one of `media_types` (with `response_class=Response`)."""
    return {200: {"description": description, "content": dict.fromkeys(media_types, BINARY)}}


def _described(status: int, note: str | None) -> str:
    meaning = MEANINGS.get(status, "Error / Kesalahan")
    return f"{meaning}: {note}" if note else meaning


def _reads_input(operation: dict[str, Any]) -> bool:
    return bool(operation.get("parameters") or operation.get("requestBody"))


def _reads_body(operation: dict[str, Any]) -> bool:
    return "requestBody" in operation


def document_app_errors(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """The app's OpenAPI generator: the errors every operation answers because of the app factory, with its body."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        error_schema = ErrorResponse.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(error_schema.pop("$defs", {}))
        components["ErrorResponse"] = error_schema
        app_errors = {400: _reads_body, 413: _reads_body, 422: _reads_input}
        for path, path_item in schema.get("paths", {}).items():
            for operation in path_item.values():
                responses = operation.setdefault("responses", {})
                for status, applies in app_errors.items():
                    # FastAPI documents its 422 with its own `{"detail": [...]}`; the app answers the error body.
                    if applies(operation):
                        responses[str(status)] = _error(status, responses.get(str(status)))
                if path not in OWN_HEALTH_ANSWERS:
                    responses["503"] = _error(503, responses.get("503"))
        for unused in ("HTTPValidationError", "ValidationError"):
            components.pop(unused, None)
        app.openapi_schema = schema
        return schema

    return openapi


def _error(status: int, declared: dict[str, Any] | None) -> dict[str, Any]:
    """A documented error status with the error body, keeping a route's own description of it."""
    description = (declared or {}).get("description") or MEANINGS[status]
    if status == 422 and description == "Validation Error":
        description = MEANINGS[422]
    return {"description": description, "content": {"application/json": {"schema": {"$ref": ERROR_REF}}}}
