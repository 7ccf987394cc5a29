"""Time as Audisi tells it: stored in UTC (`shared.db.utcnow`), shown and scheduled in WIB, the regency's time."""

from __future__ import annotations

from zoneinfo import ZoneInfo

#: Western Indonesia Time (UTC+7, no daylight saving): deadlines, audition slots, digests and dates on documents.
WIB = ZoneInfo("Asia/Jakarta")
