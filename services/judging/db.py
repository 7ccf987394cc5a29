"""The judging service's database: its tables, its outbox and inbox, and its runtime."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from sqlalchemy import Index
from sqlalchemy.orm import Session

from services.judging.settings import JudgingSettings
from shared.audit import AuditLog, define_audit_table
from shared.db import ServiceBase, new_metadata
from shared.messaging import define_messaging_tables
from shared.runtime import ServiceRuntime

metadata = new_metadata()
messaging = define_messaging_tables(metadata)
audit_log = define_audit_table(metadata)
audit = AuditLog(audit_log)  # every entry of this service goes through `audit.record(...)`
# The committee reads one edition's log (GET /editions/{code}/audit): every judging entry carries its edition.
Index("ix_audit_log_edition_code", audit_log.c.details["edition_code"].astext, audit_log.c.id)
runtime = ServiceRuntime("judging", JudgingSettings)
SessionDep = Annotated[Session, Depends(runtime.get_session)]


class Base(ServiceBase):
    """Declarative base of the judging service's tables."""

    __abstract__ = True
    metadata = metadata
