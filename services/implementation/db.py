"""The implementation service's database: its tables, its outbox and inbox, and its runtime."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from sqlalchemy.orm import Session

from services.implementation.settings import ImplementationSettings
from shared.audit import AuditLog, define_audit_table
from shared.db import ServiceBase, new_metadata
from shared.messaging import define_messaging_tables
from shared.runtime import ServiceRuntime

metadata = new_metadata()
messaging = define_messaging_tables(metadata)
audit_log = define_audit_table(metadata)
audit = AuditLog(audit_log)  # every entry of this service goes through `audit.record(...)`
runtime = ServiceRuntime("implementation", ImplementationSettings)
SessionDep = Annotated[Session, Depends(runtime.get_session)]


class Base(ServiceBase):
    """Declarative base of the implementation service's tables."""

    __abstract__ = True
    metadata = metadata
