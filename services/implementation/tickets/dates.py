"""Dates in Trenggalek: deadlines are dates in WIB."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from shared.db import utcnow

WIB = ZoneInfo("Asia/Jakarta")


def today_wib() -> date:
    """Today's date in Trenggalek (deadlines are dates in WIB)."""
    return utcnow().astimezone(WIB).date()
