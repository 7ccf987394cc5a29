"""NIP (Nomor Induk Pegawai) validation: 18 digits = birth date, appointment month, gender, sequence."""

from __future__ import annotations

from datetime import date

from shared.clock import WIB
from shared.db import utcnow
from shared.errors import Message


def nip_problems(nip: str, today: date | None = None) -> list[Message]:
    """Every reason this is not a plausible NIP, in Indonesian and English (empty when valid)."""
    today = today or utcnow().astimezone(WIB).date()
    if len(nip) != 18 or not nip.isdigit():
        return [Message("NIP harus tepat 18 angka", "NIP must be exactly 18 digits")]
    problems = []
    birth: date | None = None
    try:
        birth = date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        problems.append(
            Message(
                f"angka ke-1 s.d. 8 ({nip[0:8]}) bukan tanggal lahir yang nyata (ttttbbhh)",
                f"digits 1-8 ({nip[0:8]}) are not a real date of birth (yyyymmdd)",
            )
        )
    if birth is not None and not (birth.year >= 1900 and birth <= today):
        problems.append(
            Message(
                f"tanggal lahir {birth.isoformat()} tidak masuk akal",
                f"date of birth {birth.isoformat()} is not plausible",
            )
        )
    appointment_year, appointment_month = int(nip[8:12]), int(nip[12:14])
    month = f"{nip[8:12]}-{nip[12:14]}"
    if not 1 <= appointment_month <= 12:
        problems.append(
            Message(
                f"angka ke-9 s.d. 14 ({nip[8:14]}) bukan bulan pengangkatan yang nyata (ttttbb)",
                f"digits 9-14 ({nip[8:14]}) are not a real appointment month (yyyymm)",
            )
        )
    elif (appointment_year, appointment_month) > (today.year, today.month):
        problems.append(
            Message(f"bulan pengangkatan {month} ada di masa depan", f"appointment month {month} is in the future")
        )
    elif birth is not None and (appointment_year, appointment_month) <= (birth.year, birth.month):
        problems.append(
            Message(
                f"bulan pengangkatan {month} tidak sesudah tanggal lahir",
                f"appointment month {month} is not after the date of birth",
            )
        )
    if nip[14] not in "12":
        problems.append(
            Message(
                f"angka ke-15 ({nip[14]}) harus jenis kelamin: 1 (laki-laki) atau 2 (perempuan)",
                f"digit 15 ({nip[14]}) must be the gender: 1 (male) or 2 (female)",
            )
        )
    if nip[15:18] == "000":
        problems.append(
            Message("angka ke-16 s.d. 18 (nomor urut) tidak boleh 000", "digits 16-18 (sequence) cannot be 000")
        )
    return problems
