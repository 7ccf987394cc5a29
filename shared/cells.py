"""Spreadsheet cells from text people typed: every CSV and XLSX writer passes its values through `safe_cell`.

Spreadsheet software (Excel, LibreOffice, Google Sheets) reads a cell that starts with `=`, `+`, `-`,
`@`, a tab or a carriage return as a formula, so an idea titled `=HYPERLINK("http://…")` would become
a live link in the committee's workbook (CSV or formula injection). Following OWASP's CSV-injection
guidance such text gets a leading apostrophe, which the software shows as text and never runs;
openpyxl would otherwise even store a string starting with `=` as a formula. Numbers, booleans, dates
and None are left as they are, so a score or a budget is still a number that sums.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

#: The first characters that make spreadsheet software evaluate a cell (OWASP, CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """The value to write in a CSV or XLSX cell: text that would run as a formula is made inert text."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    """Every value of a row through `safe_cell`."""
    return [safe_cell(v) for v in values]
