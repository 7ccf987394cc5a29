"""Route dependencies shared by judging's domains, so no `routes.py` imports another."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from services.judging.rubric.models import RoundKind

RoundQuery = Annotated[RoundKind, Query(alias="round", description="screening or audition (default)")]
