"""Fixtures of the judging service's tests: a migrated database, HTTP client, tokens, sessions."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from audisi.testing.service import service_fixtures
from services.judging.declarations.models import ConflictDeclaration
from services.judging.tests.factories import EDITION
from shared.auth import Role
from shared.db import utcnow


def declare_judge(runtime: Any, role: Role, user_id: uuid.UUID, options: dict[str, Any]) -> None:
    """A judge's test token comes with a declaration of no conflicts for EDITION, as scoring requires;
    `tokens(Role.JUDGE, declared=False)` gives a judge who has not declared yet."""
    declared = options.pop("declared", True)
    if options:
        raise TypeError(f"tokens() got unexpected keywords {sorted(options)}")
    if role != Role.JUDGE or not declared:
        return
    now = utcnow()
    with runtime.session_factory() as s:
        s.execute(
            pg_insert(ConflictDeclaration)
            .values(
                id=uuid.uuid4(), edition_code=EDITION, judge_id=user_id, judge_name="", declared_at=now, updated_at=now
            )
            .on_conflict_do_nothing()
        )
        s.commit()


judging_runtime, db_session, client, tokens = service_fixtures("judging", on_token=declare_judge)


@pytest.fixture
def session(judging_runtime: Any) -> Iterator[Session]:
    """A session whose commits are real (for tests that also go through HTTP); tables are emptied after."""
    with judging_runtime.session_factory() as s:
        yield s
