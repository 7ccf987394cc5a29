"""Dates and times in WIB, numbers and rupiah the Indonesian way."""

from __future__ import annotations

from services.web.formatting import clock, day, moment, number, rupiah


def test_rupiah_groups_thousands_with_dots() -> None:
    assert rupiah(45_000_000) == "Rp 45.000.000"
    assert rupiah(0) == "Rp 0"
    assert rupiah(None) == "–"


def test_numbers_use_a_comma_before_decimals() -> None:
    assert number(1_234_567.5, 1) == "1.234.567,5"
    assert number(180) == "180"


def test_moments_are_shown_in_wib_whatever_zone_the_api_sends() -> None:
    assert moment("2026-11-30T20:06:00+00:00", "id") == "1 Desember 2026 03.06 WIB"
    assert moment("2026-11-30T20:06:00+00:00", "en") == "1 December 2026 03:06 WIB"
    assert clock("2026-11-30T02:00:00Z", "id") == "09.00"


def test_a_plain_date_is_written_with_the_month_name() -> None:
    assert day("2027-06-30", "id") == "30 Juni 2027"
    assert day("2027-06-30", "en") == "30 June 2027"
