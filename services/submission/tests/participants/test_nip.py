"""NIP validation rules."""

from __future__ import annotations

from datetime import date

from services.submission.participants.nip import nip_problems

TODAY = date(2026, 11, 29)


def _en(nip: str) -> list[str]:
    return [problem.en for problem in nip_problems(nip, TODAY)]


def test_nip_valid_has_no_problems() -> None:
    assert _en("198504122010031001") == []


def test_nip_not_18_digits_refused() -> None:
    assert _en("19850412201003100") == ["NIP must be exactly 18 digits"]
    assert _en("19850412201003100A") == ["NIP must be exactly 18 digits"]


def test_nip_impossible_birth_date_refused() -> None:
    assert _en("198502302010031001") == ["digits 1-8 (19850230) are not a real date of birth (yyyymmdd)"]


def test_nip_appointment_month_13_refused() -> None:
    assert _en("198504122010131001") == ["digits 9-14 (201013) are not a real appointment month (yyyymm)"]


def test_nip_appointment_before_birth_refused() -> None:
    assert _en("198504121980031001") == ["appointment month 1980-03 is not after the date of birth"]


def test_nip_appointment_in_future_refused() -> None:
    assert _en("198504122027011001") == ["appointment month 2027-01 is in the future"]


def test_nip_gender_digit_other_than_1_or_2_refused() -> None:
    assert _en("198504122010033001") == ["digit 15 (3) must be the gender: 1 (male) or 2 (female)"]


def test_nip_sequence_000_refused() -> None:
    assert _en("198504122010031000") == ["digits 16-18 (sequence) cannot be 000"]


def test_nip_every_problem_reported_at_once() -> None:
    assert len(nip_problems("198513402010133000", TODAY)) == 4


def test_nip_problems_are_given_in_indonesian_too() -> None:
    assert [p.id for p in nip_problems("198504122010033000", TODAY)] == [
        "angka ke-15 (3) harus jenis kelamin: 1 (laki-laki) atau 2 (perempuan)",
        "angka ke-16 s.d. 18 (nomor urut) tidak boleh 000",
    ]
    assert [p.id for p in nip_problems("1985", TODAY)] == ["NIP harus tepat 18 angka"]
