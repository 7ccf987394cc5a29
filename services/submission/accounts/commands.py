"""Account commands for ops tooling (`audisi create-user`)."""

from __future__ import annotations

import uuid

from services.submission.accounts.service import upsert_user
from services.submission.agencies.service import sync_agencies
from services.submission.db import runtime
from shared.auth import Role
from shared.db import unit_of_work


def create_user(*, role: str, email: str, password: str, name: str, agency_code: str | None) -> uuid.UUID:
    """Create an account, or reset the name, password, role and agency of the one with this email."""
    with unit_of_work(runtime.session_factory) as session:
        sync_agencies(session)
        user = upsert_user(session, role=Role(role), email=email, password=password, name=name, agency_code=agency_code)
        return user.id
