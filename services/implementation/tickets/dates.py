"""Dates in Trenggalek: deadlines are dates in WIB."""

from __future__ import annotations

from datetime import date

from shared.clock import WIB
from shared.db import utcnow


def today_wib() -> date:
    """Today's date in Trenggalek (deadlines are dates in WIB)."""
    return utcnow().astimezone(WIB).date()
