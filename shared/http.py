"""The FastAPI app factory: one error format, health, metrics, correlation ids, body limits.

Metrics are counted here but served on a port of their own (`audisi api`, METRICS_PORT), never the public one.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import redis
from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from prometheus_client import Counter, Histogram
from pydantic import BaseModel
from sqlalchemy import Engine, text
from sqlalchemy.exc import DataError, DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.auth import TokenService
from shared.dead_letters import DeadLetterCollector
from shared.errors import SERVICE_UNAVAILABLE, AppError, RuleError
from shared.errors import Message as Text
from shared.logging import get_logger, new_correlation_id, set_correlation_id
from shared.openapi import document_app_errors
from shared.query import refuse_repeated_query_parameters
from shared.revocation import Loader
from shared.settings import ServiceSettings

log = get_logger(__name__)

REQUESTS = Counter("audisi_http_requests_total", "HTTP requests", ["service", "method", "route", "status"])
LATENCY = Histogram(
    "audisi_http_request_seconds",
    "HTTP request latency",
    ["service", "method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)

CORRELATION_HEADER = "X-Correlation-ID"


def request_language(request: Request) -> str:
    """The caller's language: English if Accept-Language prefers it, Indonesian otherwise."""
    accept = request.headers.get("accept-language", "")
    first = accept.split(",")[0].strip().lower()
    return "en" if first.startswith("en") else "id"


def error_response(request: Request, status: int, code: str, message: Text, details: Any = None) -> JSONResponse:
    """The one error body every service returns."""
    language = request_language(request)
    body = {"error": {"code": code, "message": message.in_language(language), "details": _localized(details, language)}}
    return JSONResponse(body, status_code=status, headers={"Content-Language": language})


def _localized(details: Any, language: str) -> Any:
    """Details with each `Message` in them said in the caller's language (a rule broken, a reason)."""
    if isinstance(details, Text):
        return details.in_language(language)
    if isinstance(details, dict):
        return {key: _localized(value, language) for key, value in details.items()}
    if isinstance(details, list):
        return [_localized(value, language) for value in details]
    return details


# Pydantic's error types, said in Indonesian; anything else falls back to pydantic's English text.
_VALIDATION_ID = {
    "missing": "wajib diisi",
    "string_too_short": "terlalu pendek",
    "string_too_long": "terlalu panjang",
    "string_pattern_mismatch": "formatnya tidak sesuai",
    "int_parsing": "harus berupa bilangan bulat",
    "int_type": "harus berupa bilangan bulat",
    "float_parsing": "harus berupa angka",
    "greater_than_equal": "terlalu kecil",
    "greater_than": "terlalu kecil",
    "less_than_equal": "terlalu besar",
    "less_than": "terlalu besar",
    "enum": "bukan pilihan yang tersedia",
    "literal_error": "bukan pilihan yang tersedia",
    "value_error": "nilainya tidak sah",
    "uuid_parsing": "bukan UUID yang sah",
    "date_from_datetime_parsing": "bukan tanggal yang sah",
    "date_parsing": "bukan tanggal yang sah",
    "datetime_parsing": "bukan waktu yang sah",
    "json_invalid": "bukan JSON yang sah",
    "model_attributes_type": "harus berupa objek",
    "dict_type": "harus berupa objek",
    "list_type": "harus berupa daftar",
    "bool_parsing": "harus true atau false",
    "extra_forbidden": "tidak dikenal",
    "too_long": "terlalu banyak isian",
    "too_short": "terlalu sedikit isian",
}


def _validation_details(exc: RequestValidationError, language: str) -> list[dict[str, Any]]:
    details = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "header")]
        message = err.get("msg", "")
        broken = (err.get("ctx") or {}).get("error")
        if isinstance(broken, RuleError):
            message = broken.message.in_language(language)
        elif language == "id":
            ctx_message = str((err.get("ctx") or {}).get("error", "")) if err.get("type") == "value_error" else ""
            message = ctx_message or _VALIDATION_ID.get(err.get("type", ""), message)
        details.append({"field": ".".join(loc), "type": err.get("type"), "message": message})
    return details


class Readiness(BaseModel):
    """What `/readyz` found: `ready`, or `not ready` with the check that failed (answered with 503)."""

    status: str
    checks: dict[str, str]


class BodySizeLimit:
    """Refuses request bodies over a limit with 413, before the app reads them into memory."""

    def __init__(self, app: ASGIApp, max_bytes: int, overrides: dict[str, int] | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.overrides = overrides or {}
        self.smallest = min([max_bytes, *self.overrides.values()])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) <= self.smallest:
            # Within every limit: no need to find this request's own.
            await self.app(scope, receive, send)
            return
        limit = self.limit(scope)
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self.refuse(scope, receive, send, limit)
            return
        if declared is None:
            # A streamed (chunked) body: read it up to the limit first, so an oversized one is a clean 413
            # rather than an error half-way through the app's body parser.
            buffered: list[Message] = []
            size = 0
            while True:
                message = await receive()
                if message["type"] != "http.request":
                    return  # the client went away
                size += len(message.get("body", b""))
                if size > limit:
                    await self.refuse(scope, receive, send, limit)
                    return
                buffered.append(message)
                if not message.get("more_body", False):
                    break

            async def replay() -> Message:
                return buffered.pop(0) if buffered else await receive()

            await self.app(scope, replay, send)
            return
        await self.app(scope, receive, send)

    def limit(self, scope: Scope) -> int:
        """The largest body this request may carry: its path's override, or the general limit."""
        return next((v for k, v in self.overrides.items() if scope["path"].startswith(k)), self.max_bytes)

    async def refuse(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        """Answer 413 in the one error format, naming the limit."""
        response = error_response(
            Request(scope, receive),
            413,
            "payload_too_large",
            Text(f"Isi permintaan melebihi batas {limit} byte", f"Request body exceeds the limit of {limit} bytes"),
            {"max_bytes": limit},
        )
        await response(scope, receive, send)


class ObserveRequests:
    """Per request: the correlation id (taken or made, and echoed), the Prometheus metrics and one log line.

    Pure ASGI: `@app.middleware("http")` runs the rest of the app in a task of its own with streams between
    them, which cost about a fifth of a score save's CPU (bench/RESULTS.md).
    """

    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        correlation_id = (Headers(scope=scope).get(CORRELATION_HEADER) or new_correlation_id())[:64]
        set_correlation_id(correlation_id)
        started = time.perf_counter()
        status = 500

        async def send_observed(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[CORRELATION_HEADER] = correlation_id
            await send(message)

        await self.app(scope, receive, send_observed)
        # The router put the matched route in the (shared) scope: its template keeps the metric's labels few.
        template = getattr(scope.get("route"), "path", "unmatched")
        elapsed = time.perf_counter() - started
        method = scope["method"]
        REQUESTS.labels(self.service, method, template, str(status)).inc()
        LATENCY.labels(self.service, method, template).observe(elapsed)
        if template not in ("/healthz", "/readyz"):
            log.info("request", method=method, path=scope["path"], status=status, ms=round(elapsed * 1000, 1))


def create_app(
    *,
    service: str,
    title: str,
    settings: ServiceSettings,
    engine_provider: Callable[[], Engine],
    routers: Sequence[APIRouter],
    description: str = "",
    body_limit_overrides: dict[str, int] | None = None,
    revocation_loader: Loader | None = None,
) -> FastAPI:
    """A service's FastAPI app with Audisi's error format, auth, health, metrics and logging."""
    app = FastAPI(
        title=title,
        description=description,
        version="1.0.0",
        docs_url="/docs",
        openapi_url="/openapi.json",
        dependencies=[Depends(refuse_repeated_query_parameters)],
    )
    app.state.settings = settings
    # Only the service that owns accounts passes a loader: it refills the revocation hash after Redis lost it.
    app.state.token_service = TokenService(settings, revocation_loader=revocation_loader)
    app.state.service = service

    for router in routers:
        app.include_router(router)

    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError) -> JSONResponse:
        response = error_response(request, exc.status_code, exc.code, exc.message, exc.details)
        # A rate limit says when to come back, in the header clients and proxies read.
        if isinstance(exc.details, dict) and "retry_after_seconds" in exc.details:
            response.headers["Retry-After"] = str(exc.details["retry_after_seconds"])
        return response

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(
            request,
            422,
            "validation_error",
            Text("Isian tidak valid", "Invalid input"),
            _validation_details(exc, request_language(request)),
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        messages = {
            404: ("not_found", Text("Alamat tidak ditemukan", "Not found")),
            405: ("method_not_allowed", Text("Metode tidak diizinkan", "Method not allowed")),
            401: ("unauthenticated", Text("Silakan masuk terlebih dahulu", "Please sign in first")),
            403: ("forbidden", Text("Akses ditolak", "Forbidden")),
        }
        code, message = messages.get(
            exc.status_code, ("http_error", Text("Permintaan tidak dapat diproses", "Request cannot be processed"))
        )
        response = error_response(request, exc.status_code, code, message)
        for k, v in (exc.headers or {}).items():
            response.headers[k] = v
        return response

    @app.exception_handler(OperationalError)
    @app.exception_handler(PoolTimeoutError)
    async def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
        log.warning("database unavailable", error=str(exc).splitlines()[0])
        response = error_response(request, 503, "service_unavailable", SERVICE_UNAVAILABLE)
        response.headers["Retry-After"] = "2"
        return response

    @app.exception_handler(DataError)
    async def _unstorable_input(request: Request, exc: DataError) -> JSONResponse:
        # Input the schema let through but PostgreSQL cannot store (a NUL character in text, a number out of
        # range): the caller's mistake, so a 422; the request's transaction is rolled back with its session.
        log.warning("input refused by the database", error=str(exc.orig).splitlines()[0] if exc.orig else "")
        return error_response(
            request,
            422,
            "unstorable_input",
            Text(
                "Isian mengandung karakter atau nilai yang tidak dapat disimpan",
                "The input contains characters or values that cannot be stored",
            ),
        )

    @app.exception_handler(DBAPIError)
    async def _database_error(request: Request, exc: DBAPIError) -> JSONResponse:
        if exc.connection_invalidated:
            return await _database_unavailable(request, exc)
        log.error("database error", exc_info=exc)
        return error_response(
            request, 500, "internal_error", Text("Terjadi kesalahan di server", "Internal server error")
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled error", exc_info=exc)
        return error_response(
            request, 500, "internal_error", Text("Terjadi kesalahan di server", "Internal server error")
        )

    @app.get("/healthz", tags=["ops"], summary="The process is up")
    def healthz() -> dict[str, str]:
        return {"status": "ok", "service": service}

    @app.get(
        "/readyz",
        tags=["ops"],
        summary="Database and broker reachable",
        responses={503: {"model": Readiness, "description": "Not ready: the same body, naming the check that failed"}},
    )
    def readyz(response: Response) -> Readiness:
        checks: dict[str, str] = {}
        try:
            with engine_provider().connect() as conn:
                conn.execute(text("SELECT 1"))
            checks["database"] = "ok"
        except Exception as exc:
            checks["database"] = f"error: {type(exc).__name__}"
        try:
            client = redis.Redis.from_url(settings.redis_url, socket_timeout=2, socket_connect_timeout=2)
            client.ping()
            client.close()
            checks["broker"] = "ok"
        except Exception as exc:
            checks["broker"] = f"error: {type(exc).__name__}"
        ready = all(v == "ok" for v in checks.values())
        response.status_code = 200 if ready else 503
        return Readiness(status="ready" if ready else "not ready", checks=checks)

    # Counted in this service's database at each scrape; `audisi api` registers it with the metrics port's
    # registry once per process (an app built in a test registers nothing global).
    app.state.dead_letter_collector = DeadLetterCollector(service, engine_provider)

    app.add_middleware(ObserveRequests, service=service)
    app.openapi = document_app_errors(app)  # type: ignore[method-assign]
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_request_body_bytes, overrides=body_limit_overrides)
    return app
