"""The catalogue of Trenggalek regency agencies (OPD): reference data every service validates codes against.

Each service may keep its own table of agencies (contacts, active flag) seeded from this list; the
codes are the shared vocabulary that events carry.
"""

from __future__ import annotations

from dataclasses import dataclass

DISTRICTS = (
    "Panggul", "Munjungan", "Watulimo", "Kampak", "Dongko", "Pule", "Karangan",
    "Suruh", "Gandusari", "Durenan", "Pogalan", "Trenggalek", "Tugu", "Bendungan",
)  # fmt: skip


@dataclass(frozen=True)
class Agency:
    """A regency agency (OPD) with the address that receives its implementation tickets."""

    code: str
    name: str
    email: str


_OFFICES = (
    ("DINKES", "Dinas Kesehatan"),
    ("DISDIK", "Dinas Pendidikan"),
    ("DISDUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil"),
    ("DPMPTSP", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu"),
    ("BAPPEDA", "Badan Perencanaan Pembangunan Daerah"),
    ("BKPSDM", "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia"),
    ("DINSOS", "Dinas Sosial"),
    ("DISHUB", "Dinas Perhubungan"),
    ("DPUPR", "Dinas Pekerjaan Umum dan Penataan Ruang"),
    ("DLH", "Dinas Lingkungan Hidup"),
    ("DISKOMINFO", "Dinas Komunikasi dan Informatika"),
    ("DISPERTA", "Dinas Pertanian dan Pangan"),
    ("SATPOLPP", "Satuan Polisi Pamong Praja"),
    ("RSUD", "RSUD dr. Soedomo"),
)

AGENCIES: tuple[Agency, ...] = tuple(
    Agency(code, name, f"{code.lower()}@trenggalekkab.go.id") for code, name in _OFFICES
) + tuple(Agency(f"KEC-{d.upper()}", f"Kecamatan {d}", f"kec.{d.lower()}@trenggalekkab.go.id") for d in DISTRICTS)

AGENCY_BY_CODE: dict[str, Agency] = {a.code: a for a in AGENCIES}


def is_agency_code(code: str) -> bool:
    """Whether `code` names an agency of the regency."""
    return code in AGENCY_BY_CODE
