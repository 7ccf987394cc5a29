"""The judging service's HTTP API (stateless: run as many replicas as audition day needs)."""

from __future__ import annotations

from services.judging.audit.routes import router as committee_audit_router
from services.judging.conflicts.routes import router as conflicts_router
from services.judging.db import audit, audit_log, runtime
from services.judging.decisions.routes import router as decisions_router
from services.judging.declarations.routes import router as declarations_router
from services.judging.documents.routes import router as documents_router
from services.judging.exports.routes import router as exports_router
from services.judging.ideas.routes import router as ideas_router
from services.judging.materials.routes import router as materials_router
from services.judging.progress.routes import router as progress_router
from services.judging.results.routes import router as results_router
from services.judging.rubric.routes import router as rubric_router
from services.judging.schedule.routes import router as schedule_router
from services.judging.scoring.routes import router as scoring_router
from shared.audit import AuditOriginMiddleware
from shared.audit_routes import audit_router
from shared.dead_letter_routes import dead_letters_router
from shared.http import create_app

app = create_app(
    service="judging",
    title="Audisi — Penjurian (judging)",
    description="Rubrics, audition scoring, calibrated results and decisions of the ASN Talent Academy.",
    settings=runtime.settings,
    engine_provider=lambda: runtime.engine,
    routers=[
        ideas_router,
        materials_router,
        rubric_router,
        scoring_router,
        conflicts_router,
        declarations_router,
        schedule_router,
        progress_router,
        decisions_router,
        results_router,
        exports_router,
        documents_router,
        committee_audit_router,
        audit_router(table=audit_log, get_session=runtime.get_session),
        dead_letters_router(audit=audit, get_session=runtime.get_session),
    ],
)
# Outermost: the audit log records each request's client address and user agent.
app.add_middleware(AuditOriginMiddleware)
