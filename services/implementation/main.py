"""The implementation service's HTTP API (port 8003): tickets, notifications, webhooks, public view."""

from __future__ import annotations

from services.implementation.accountability.routes import router as public_router
from services.implementation.agencies.routes import router as agencies_router
from services.implementation.db import audit, audit_log, runtime
from services.implementation.evidence.routes import public_router as public_evidence_router
from services.implementation.evidence.routes import router as evidence_router
from services.implementation.notifications.routes import router as notifications_router
from services.implementation.tickets.routes import router as tickets_router
from services.implementation.webhooks.routes import router as webhooks_router
from shared.audit import AuditOriginMiddleware
from shared.audit_routes import audit_router
from shared.dead_letter_routes import dead_letters_router
from shared.http import create_app

app = create_app(
    service="implementation",
    title="Audisi — implementation",
    description=(
        "Implementation tickets for selected ideas: agencies accept, plan and report them; proposers and the "
        "committee are notified of every change; the public sees the progress."
    ),
    settings=runtime.settings,
    engine_provider=lambda: runtime.engine,
    routers=[
        tickets_router,
        notifications_router,
        webhooks_router,
        agencies_router,
        public_router,
        evidence_router,
        public_evidence_router,
        audit_router(table=audit_log, get_session=runtime.get_session),
        dead_letters_router(audit=audit, get_session=runtime.get_session),
    ],
    # Evidence uploads carry files: their own limit (plus room for the multipart envelope); JSON stays at 1 MiB.
    body_limit_overrides={"/api/v1/evidence": runtime.settings.evidence_max_bytes + 64 * 1024},
)
# Outermost: the audit log records each request's client address and user agent.
app.add_middleware(AuditOriginMiddleware)
