"""How the pages write dates, times, numbers and money: in WIB, the Indonesian way (`Rp 45.000.000`)."""

from __future__ import annotations

from datetime import date, datetime

from shared.clock import WIB

_MONTHS = {
    "id": ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
           "November", "Desember"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
}  # fmt: skip


def number(value: int | float | None, decimals: int = 0) -> str:
    """1234567.5 -> `1.234.567,5`: dots group thousands, a comma before decimals (both languages: one site)."""
    if value is None:
        return "–"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def rupiah(value: int | float | None) -> str:
    """45000000 -> `Rp 45.000.000`."""
    if value is None:
        return "–"
    sign = "-" if value < 0 else ""
    return f"{sign}Rp {number(abs(value))}"


def _parse(value: datetime | date | str | None) -> datetime | date | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return date.fromisoformat(value)
    return value


def day(value: datetime | date | str | None, language: str = "id") -> str:
    """A date, in WIB when it has a time: `30 November 2026`."""
    parsed = _parse(value)
    if parsed is None:
        return "–"
    if isinstance(parsed, datetime):
        parsed = parsed.astimezone(WIB) if parsed.tzinfo else parsed
    return f"{parsed.day} {_MONTHS.get(language, _MONTHS['id'])[parsed.month - 1]} {parsed.year}"


def moment(value: datetime | str | None, language: str = "id") -> str:
    """A moment in WIB: `30 November 2026 10.06 WIB` (Indonesian writes a dot between hours and minutes)."""
    parsed = _parse(value)
    if parsed is None:
        return "–"
    if not isinstance(parsed, datetime):
        return day(parsed, language)
    local = parsed.astimezone(WIB) if parsed.tzinfo else parsed.replace(tzinfo=WIB)
    separator = "." if language == "id" else ":"
    return f"{day(local, language)} {local.hour:02d}{separator}{local.minute:02d} WIB"


def clock(value: datetime | str | None, language: str = "id") -> str:
    """Only the time in WIB: `10.06`."""
    parsed = _parse(value)
    if not isinstance(parsed, datetime):
        return "–"
    local = parsed.astimezone(WIB) if parsed.tzinfo else parsed
    separator = "." if language == "id" else ":"
    return f"{local.hour:02d}{separator}{local.minute:02d}"
