"""The append-only audit log every service keeps in its own database: who did what, when, from where.

A service adds the table to its MetaData (`audit_log = define_audit_table(metadata)` in its db.py) and
binds it there once (`audit = AuditLog(audit_log)`); it creates the table in a migration followed by
`create_append_only_trigger(op)` (UPDATE, DELETE and TRUNCATE then fail inside PostgreSQL, whatever code
runs), writes entries with `audit.record(...)` in the same transaction as the change it records (so a
rolled-back change leaves no entry and a committed change always has one), and mounts
`shared.audit_routes.audit_router(...)` for admins: `GET /api/v1/audit` (filters, pages) and
`GET /api/v1/audit/export?format=csv`.

Where a request came from (client address, user agent, correlation id) is captured by
`AuditOriginMiddleware` into a context variable, so service functions record it without taking HTTP
objects; outside a request (CLI, worker) the origin is empty and the correlation id is the event's.

The table refuses TRUNCATE too, except in a transaction that first runs
`SET LOCAL audisi.allow_audit_truncate = 'on'`: only the test suite's reset between tests does that.
The trigger protects the log from the application and from mistakes; against a database owner who
drops triggers, deploy the API with a role that is not the table's owner.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Identity,
    Index,
    Insert,
    MetaData,
    String,
    Table,
    Uuid,
    func,
    insert,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session
from starlette.types import ASGIApp, Receive, Scope, Send

from shared.auth import Principal
from shared.logging import get_correlation_id

AUDIT_TABLE = "audit_log"
TRUNCATE_SETTING = "audisi.allow_audit_truncate"


def define_audit_table(metadata: MetaData) -> Table:
    """Add the audit table to a service's MetaData."""
    return Table(
        AUDIT_TABLE,
        metadata,
        # A sequence, not a random id: the order entries were written in, and a gap shows a lost write.
        Column("id", BigInteger, Identity(always=True), primary_key=True),
        Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("actor_id", Uuid),
        Column("actor_role", String(20)),
        Column("actor_name", String(200)),
        Column("action", String(80), nullable=False),
        Column("object_type", String(60), nullable=False),
        Column("object_id", String(100)),
        Column("details", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
        Column("client_ip", String(64)),
        Column("user_agent", String(300)),
        Column("correlation_id", String(64)),
        Index("ix_audit_log_at", "at"),
        Index("ix_audit_log_object", "object_type", "object_id"),
        Index("ix_audit_log_actor_id", "actor_id"),
        Index("ix_audit_log_action", "action"),
    )


# ---------------------------------------------------------------------------------------------- origin


@dataclass(frozen=True)
class AuditOrigin:
    """Where a request came from."""

    client_ip: str | None
    user_agent: str | None


_origin: ContextVar[AuditOrigin | None] = ContextVar("audit_origin", default=None)


def current_origin() -> AuditOrigin | None:
    """The origin of the request being handled, None outside a request."""
    return _origin.get()


class AuditOriginMiddleware:
    """Captures the client address and user agent of each HTTP request for `AuditLog.record`.

    Pure ASGI (no task switch), so the context variable reaches the thread pool that runs sync routes.
    The address is the peer's, which uvicorn replaces with the client's for a proxy in FORWARDED_ALLOW_IPS.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        agent = dict(scope.get("headers") or []).get(b"user-agent")
        origin = AuditOrigin(
            client_ip=str(client[0])[:64] if client else None,
            user_agent=agent.decode("latin-1")[:300] if agent else None,
        )
        token = _origin.set(origin)
        try:
            await self.app(scope, receive, send)
        finally:
            _origin.reset(token)


# ---------------------------------------------------------------------------------------------- writing


@dataclass(frozen=True)
class AuditLog:
    """A service's audit log, bound to its table once (`audit = AuditLog(audit_log)` in its db.py)."""

    table: Table

    @cached_property
    def _insert(self) -> Insert:
        """The INSERT of one entry, built once: its values come as parameters, so SQLAlchemy compiles and keys it
        once, where `insert().values(...)` per entry rebuilt it (a sixth of a score save's own CPU)."""
        return insert(self.table)

    def record(
        self,
        session: Session,
        *,
        actor: Principal | None,
        action: str,
        object_type: str,
        object_id: object | None = None,
        details: dict[str, Any] | None = None,
        origin: AuditOrigin | None = None,
        correlation_id: str | None = None,
    ) -> None:
        """Write one entry in the session's transaction (the caller commits it with the change it records).

        `actor` is None for the system (CLI, an event handler); `origin` and `correlation_id` default to the
        current request's. `details` is JSON: never put secrets (passwords, tokens) in it.
        """
        origin = origin or current_origin()
        session.execute(
            self._insert,
            {
                "actor_id": actor.user_id if actor else None,
                "actor_role": str(actor.role) if actor else None,
                "actor_name": actor.name[:200] if actor else None,
                "action": action,
                "object_type": object_type,
                "object_id": str(object_id)[:100] if object_id is not None else None,
                "details": details or {},
                "client_ip": origin.client_ip if origin else None,
                "user_agent": origin.user_agent if origin else None,
                "correlation_id": correlation_id or get_correlation_id() or None,
            },
        )


# ---------------------------------------------------------------------------------------------- migration


def append_only_sql(table_name: str = AUDIT_TABLE) -> list[str]:
    """SQL that makes `table_name` append-only (a trigger function and two triggers)."""
    function = f"{table_name}_append_only"
    return [
        f"""
        CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'TRUNCATE' AND current_setting('{TRUNCATE_SETTING}', true) = 'on' THEN
                RETURN NULL;
            END IF;
            RAISE EXCEPTION 'audit log % is append-only: % refused', TG_TABLE_NAME, TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END
        $$
        """,
        f"CREATE TRIGGER {table_name}_no_change BEFORE UPDATE OR DELETE ON {table_name} "
        f"FOR EACH ROW EXECUTE FUNCTION {function}()",
        f"CREATE TRIGGER {table_name}_no_truncate BEFORE TRUNCATE ON {table_name} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
    ]


def drop_append_only_sql(table_name: str = AUDIT_TABLE) -> list[str]:
    """SQL that removes what `append_only_sql` created."""
    return [
        f"DROP TRIGGER IF EXISTS {table_name}_no_truncate ON {table_name}",
        f"DROP TRIGGER IF EXISTS {table_name}_no_change ON {table_name}",
        f"DROP FUNCTION IF EXISTS {table_name}_append_only()",
    ]


def create_audit_log_v1(op: Any) -> None:
    """In a service's migration: the audit table (version 1), its indexes and its append-only trigger.

    Frozen as migration operations: a later change to `define_audit_table` comes as a new migration in each
    service, never as an edit here (that would change what old migrations create).
    """
    import sqlalchemy as sa
    from sqlalchemy.dialects import postgresql

    op.create_table(
        AUDIT_TABLE,
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("actor_role", sa.String(length=20), nullable=True),
        sa.Column("actor_name", sa.String(length=200), nullable=True),
        sa.Column("action", sa.String(length=80), nullable=False),
        sa.Column("object_type", sa.String(length=60), nullable=False),
        sa.Column("object_id", sa.String(length=100), nullable=True),
        sa.Column(
            "details", postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'{}'::jsonb"), nullable=False
        ),
        sa.Column("client_ip", sa.String(length=64), nullable=True),
        sa.Column("user_agent", sa.String(length=300), nullable=True),
        sa.Column("correlation_id", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index("ix_audit_log_action", AUDIT_TABLE, ["action"], unique=False)
    op.create_index("ix_audit_log_actor_id", AUDIT_TABLE, ["actor_id"], unique=False)
    op.create_index("ix_audit_log_at", AUDIT_TABLE, ["at"], unique=False)
    op.create_index("ix_audit_log_object", AUDIT_TABLE, ["object_type", "object_id"], unique=False)
    create_append_only_trigger(op)


def drop_audit_log_v1(op: Any) -> None:
    """Undo `create_audit_log_v1` (a migration's downgrade)."""
    drop_append_only_trigger(op)
    op.drop_index("ix_audit_log_object", table_name=AUDIT_TABLE)
    op.drop_index("ix_audit_log_at", table_name=AUDIT_TABLE)
    op.drop_index("ix_audit_log_actor_id", table_name=AUDIT_TABLE)
    op.drop_index("ix_audit_log_action", table_name=AUDIT_TABLE)
    op.drop_table(AUDIT_TABLE)


def create_append_only_trigger(op: Any, table_name: str = AUDIT_TABLE) -> None:
    """In an Alembic migration, after creating the table: `create_append_only_trigger(op)`."""
    for statement in append_only_sql(table_name):
        op.execute(statement)


def drop_append_only_trigger(op: Any, table_name: str = AUDIT_TABLE) -> None:
    """In a migration's downgrade, before dropping the table."""
    for statement in drop_append_only_sql(table_name):
        op.execute(statement)
