"""The judge's tablet pages: today's schedule, the idea with its pitch deck, scoring, submit, recusal."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
