"""Route dependencies shared by judging's domains, so no `routes.py` imports another."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from services.judging.rubric.models import RoundKind
from shared.auth import Principal, Role, require_roles

RoundQuery = Annotated[RoundKind, Query(alias="round", description="screening or audition (default)")]
# For routes whose edition code goes into a download's file name (a header): only characters a header carries.
EditionCode = Annotated[str, Path(pattern=r"^[A-Za-z0-9._-]{1,40}$")]
JudgeOrCommittee = Annotated[Principal, require_roles(Role.JUDGE, Role.COMMITTEE)]
