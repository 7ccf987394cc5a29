"""The submission service's HTTP API (port 8001): accounts and login, editions, participants, ideas."""

from __future__ import annotations

from services.submission.accounts.routes import router as accounts_router
from services.submission.accounts.sessions import load_revocations
from services.submission.agencies.routes import router as agencies_router
from services.submission.attachments.routes import ideas_router as idea_attachments_router
from services.submission.attachments.routes import router as attachments_router
from services.submission.db import audit, audit_log, runtime
from services.submission.editions.routes import router as editions_router
from services.submission.ideas.routes import router as ideas_router
from services.submission.participants.routes import router as participants_router
from shared.audit import AuditOriginMiddleware
from shared.audit_routes import audit_router
from shared.dead_letter_routes import dead_letters_router
from shared.http import create_app

_settings = runtime.settings

app = create_app(
    service="submission",
    title="Audisi — submission",
    description="Accounts and login, editions, participants, ideas, teams, attachments and screening.",
    settings=_settings,
    engine_provider=lambda: runtime.engine,
    routers=[
        accounts_router,
        agencies_router,
        editions_router,
        participants_router,
        ideas_router,
        attachments_router,
        idea_attachments_router,
        audit_router(table=audit_log, get_session=runtime.get_session),
        dead_letters_router(audit=audit, get_session=runtime.get_session),
    ],
    # Uploads carry files: their own limit (plus room for the multipart envelope); JSON stays at 1 MiB.
    body_limit_overrides={
        "/api/v1/attachments": _settings.attachment_max_bytes + 64 * 1024,
        "/api/v1/participants/import": _settings.import_max_bytes,
    },
    # Accounts live here: this API refills the session revocations in Redis if Redis lost them.
    revocation_loader=load_revocations,
)
# Outermost: the audit log records each request's client address and user agent.
app.add_middleware(AuditOriginMiddleware)
