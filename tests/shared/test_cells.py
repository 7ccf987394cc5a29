"""The one safe-cell function every CSV and XLSX writer uses (OWASP CSV injection)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from shared.cells import safe_cell, safe_row


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("http://x","klik")', "+62 812", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"],
)
def test_text_starting_like_a_formula_gets_an_apostrophe(text: str) -> None:
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", [-5, -2.5, Decimal("-7.25"), 0, True, None, date(2026, 3, 1), "Antrean KTP", ""])
def test_numbers_and_plain_text_stay_as_they_are(value: object) -> None:
    assert safe_cell(value) == value
    assert type(safe_cell(value)) is type(value)


def test_safe_row_handles_every_cell() -> None:
    assert safe_row(["=1+1", 3, None, "ok"]) == ["'=1+1", 3, None, "ok"]
