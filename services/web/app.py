"""The web front's app factory: pages, static files, the API proxy, error pages, security headers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from services.web.account.routes import router as account_router
from services.web.admin.routes import router as admin_router
from services.web.agency.evidence import router as evidence_router
from services.web.agency.routes import router as agency_router
from services.web.auth.routes import router as auth_router
from services.web.backend import ApiError, Backend
from services.web.committee.audition import router as audition_router
from services.web.committee.documents import router as committee_documents_router
from services.web.committee.editions import router as editions_router
from services.web.committee.participants import router as participants_router
from services.web.committee.rounds import router as rounds_router
from services.web.committee.routes import router as committee_router
from services.web.committee.screening import router as screening_router
from services.web.committee.selection import router as committee_selection_router
from services.web.i18n import translate
from services.web.judge.routes import router as judge_router
from services.web.limits import PageBodyLimit
from services.web.pages import CsrfRefusedError, SignInRequiredError, language, redirect, render, sign_in_url
from services.web.participant.routes import router as participant_router
from services.web.proxy.routes import PROXIED_PREFIXES
from services.web.proxy.routes import router as proxy_router
from services.web.public.routes import router as public_router
from services.web.security import SecurityHeaders, clear_session
from services.web.sessions import SignedIn
from services.web.settings import WebSettings

STATIC = Path(__file__).parent / "static"


def create_app(settings: WebSettings, backend: Backend | None = None) -> FastAPI:
    """The web front's ASGI app."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        await app.state.backend.close()

    app = FastAPI(title="Audisi — web", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.settings = settings
    app.state.backend = backend or Backend(settings)
    app.state.signed_in = SignedIn(settings.auth_revocation_cache_seconds)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon() -> FileResponse:
        return FileResponse(STATIC / "favicon.svg", media_type="image/svg+xml")

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> PlainTextResponse:
        return PlainTextResponse("ok")

    @app.get("/readyz", include_in_schema=False)
    async def readyz() -> PlainTextResponse:
        return PlainTextResponse("ready")

    for router in (
        auth_router,
        account_router,
        participant_router,
        judge_router,
        agency_router,
        evidence_router,
        committee_router,
        editions_router,
        participants_router,
        screening_router,
        committee_selection_router,
        committee_documents_router,
        rounds_router,
        audition_router,
        admin_router,
        public_router,
        proxy_router,
    ):
        app.include_router(router)

    @app.exception_handler(SignInRequiredError)
    async def sign_in(request: Request, _exc: SignInRequiredError) -> Response:
        response = redirect(sign_in_url(request))
        clear_session(response, settings)
        return response

    @app.exception_handler(CsrfRefusedError)
    async def csrf_refused(request: Request, _exc: CsrfRefusedError) -> Response:
        message = translate("Formulir ini kedaluwarsa. Muat ulang halaman lalu coba lagi.", language(request))
        return render(request, "error.html", status_code=403, title=message, message=message)

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> Response:
        lang = language(request)
        titles = {403: "Tidak berwenang", 404: "Tidak ditemukan", 503: "Layanan tidak tersedia"}
        title = translate(titles.get(exc.status, "Terjadi kesalahan"), lang)
        status = exc.status if exc.status in (400, 403, 404, 409, 422, 503) else 502
        return render(request, "error.html", status_code=status, title=title, message=exc.message)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        lang = language(request)
        title = translate("Tidak ditemukan" if exc.status_code == 404 else "Terjadi kesalahan", lang)
        message = translate("Halaman yang Anda cari tidak ada.", lang) if exc.status_code == 404 else str(exc.detail)
        return render(request, "error.html", status_code=exc.status_code, title=title, message=message)

    # Inside the security headers, so that a refused body's page carries them too.
    app.add_middleware(PageBodyLimit, settings=settings, proxied_prefixes=PROXIED_PREFIXES)
    app.add_middleware(SecurityHeaders, proxied_prefixes=PROXIED_PREFIXES)
    return app
