"""Reading BKPSDM's participant lists (CSV or XLSX) into rows with line numbers; no database here."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from openpyxl import load_workbook

from services.submission.common import EMAIL_PATTERN
from services.submission.participants.nip import nip_problems
from services.submission.participants.schemas import ImportRowError
from shared.errors import Message
from shared.events import PositionGroup

MAX_ROWS = 20_000
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024  # a 10 MB upload must not unpack into gigabytes

# Column headers as BKPSDM writes them (Indonesian) or as our template does (English).
HEADER_ALIASES = {
    "nip": "nip",
    "name": "name",
    "nama": "name",
    "nama_lengkap": "name",
    "email": "email",
    "surel": "email",
    "phone": "phone",
    "telepon": "phone",
    "no_hp": "phone",
    "hp": "phone",
    "position_group": "position_group",
    "kelompok_jabatan": "position_group",
    "jabatan": "position_group",
    "agency_code": "agency_code",
    "kode_opd": "agency_code",
    "opd": "agency_code",
    "work_unit": "work_unit",
    "unit_kerja": "work_unit",
}
TOO_MANY_ROWS = Message(f"lebih dari {MAX_ROWS} baris", f"more than {MAX_ROWS} rows")
_LONGER_THAN_200 = ("lebih dari 200 karakter", "longer than 200 characters")
REQUIRED = ("nip", "name", "email", "position_group", "agency_code")

# How the groups are written in HR spreadsheets, normalised to the enum.
GROUP_ALIASES = {
    "pengawas": PositionGroup.PENGAWAS,
    "jabatan pengawas": PositionGroup.PENGAWAS,
    "fungsional penyetaraan": PositionGroup.FUNGSIONAL_PENYETARAAN,
    "pejabat fungsional penyetaraan": PositionGroup.FUNGSIONAL_PENYETARAAN,
    "fungsional ahli": PositionGroup.FUNGSIONAL_AHLI,
    "fungsional jenjang ahli": PositionGroup.FUNGSIONAL_AHLI,
    "pelaksana": PositionGroup.PELAKSANA,
    "jabatan pelaksana": PositionGroup.PELAKSANA,
}


class ImportFileError(Exception):
    """The file as a whole cannot be read (wrong format, no header, missing columns); why, in both languages."""

    def __init__(self, reason: Message) -> None:
        super().__init__(reason.en)
        self.reason = reason


@dataclass
class ParsedRow:
    """One data row of the file and the problems found in it alone."""

    line: int
    values: dict[str, Any]
    errors: list[ImportRowError] = field(default_factory=list)


@dataclass(frozen=True)
class CleanRow:
    """A row ready to import."""

    line: int
    nip: str
    name: str
    email: str
    phone: str | None
    position_group: PositionGroup
    agency_code: str
    work_unit: str | None = None  # optional column: left out, the stored one stays


def _header_key(raw: Any) -> str:
    return str(raw or "").strip().lower().replace(" ", "_").replace("-", "_")


def _map_header(header: list[Any]) -> list[str | None]:
    mapped = [HEADER_ALIASES.get(_header_key(h)) for h in header]
    missing = [c for c in REQUIRED if c not in mapped]
    if missing:
        columns, found = ", ".join(missing), ", ".join(map(str, header))
        raise ImportFileError(
            Message(
                f"kolom tidak ada: {columns} (baris judul: {found})",
                f"missing columns: {columns} (header row: {found})",
            )
        )
    return mapped


def read_rows(content: bytes) -> list[ParsedRow]:
    """The data rows of a CSV (comma or semicolon, UTF-8) or XLSX file, with their line numbers."""
    if content.startswith(b"PK\x03\x04"):
        return _read_xlsx(content)
    return _read_csv(content)


def _read_csv(content: bytes) -> list[ParsedRow]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            Message("berkas bukan XLSX maupun CSV UTF-8", "the file is neither XLSX nor UTF-8 CSV")
        ) from exc
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if not header:
        raise ImportFileError(Message("berkas kosong", "the file is empty"))
    columns = _map_header(header)
    rows = []
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        values = {col: cells[i].strip() for i, col in enumerate(columns) if col and i < len(cells)}
        rows.append(ParsedRow(reader.line_num, values))
        if len(rows) > MAX_ROWS:
            raise ImportFileError(TOO_MANY_ROWS)
    return rows


def _read_xlsx(content: bytes) -> list[ParsedRow]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(i.file_size for i in archive.infolist()) > MAX_UNCOMPRESSED_BYTES:
                raise ImportFileError(
                    Message("isi buku kerja lebih dari 100 MB", "the workbook unpacks to more than 100 MB")
                )
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportFileError(
            Message("berkas bukan buku kerja XLSX yang dapat dibaca", "the file is not a readable XLSX workbook")
        ) from exc
    sheet = workbook.worksheets[0]
    iterator = sheet.iter_rows(values_only=True)
    header = next(iterator, None)
    if not header:
        raise ImportFileError(Message("lembar pertama kosong", "the first sheet is empty"))
    columns = _map_header(list(header))
    rows = []
    for line, cells in enumerate(iterator, start=2):
        if not any(c is not None and str(c).strip() for c in cells):
            continue
        values: dict[str, Any] = {}
        for i, col in enumerate(columns):
            if col and i < len(cells):
                cell = cells[i]
                values[col] = cell if isinstance(cell, int | float) and col == "nip" else str(cell or "").strip()
        rows.append(ParsedRow(line, values))
        if len(rows) > MAX_ROWS:
            raise ImportFileError(TOO_MANY_ROWS)
    workbook.close()
    return rows


def clean(row: ParsedRow, agency_codes: set[str]) -> CleanRow | None:
    """Validate one row on its own; problems go to `row.errors`."""

    def problem(column: str | None, id_: str, en: str) -> None:
        row.errors.append(ImportRowError.of(row.line, column, Message(id_, en)))

    v = row.values
    for column in REQUIRED:
        if v.get(column) in (None, ""):
            problem(column, "wajib diisi", "required")
    nip = v.get("nip")
    if isinstance(nip, int | float):
        # Excel keeps numbers as doubles: an 18-digit NIP typed as a number has lost its last digits.
        problem(
            "nip",
            "NIP tersimpan sebagai angka di lembar kerja; ubah format kolomnya menjadi teks",
            "NIP is stored as a number in the spreadsheet; format the column as text",
        )
    elif nip:
        nip = str(nip).replace(" ", "").replace(".", "")
        for reason in nip_problems(nip):
            problem("nip", reason.id, reason.en)
    email = str(v.get("email") or "")
    if email:
        email = email.strip().lower()
        if not re.match(EMAIL_PATTERN, email) or len(email) > 254:
            problem("email", f"'{email}' bukan alamat email yang sah", f"'{email}' is not a valid email address")
    raw_group = str(v.get("position_group") or "").strip().lower().replace("_", " ")
    group = GROUP_ALIASES.get(raw_group)
    if raw_group and group is None:
        written = v.get("position_group")
        problem("position_group", f"kelompok jabatan '{written}' tidak dikenal", f"unknown position group '{written}'")
    agency = str(v.get("agency_code") or "").strip().upper()
    if agency and agency not in agency_codes:
        problem("agency_code", f"kode perangkat daerah '{agency}' tidak dikenal", f"unknown agency code '{agency}'")
    name = str(v.get("name") or "")
    if len(name) > 200:
        problem("name", *_LONGER_THAN_200)
    phone = str(v.get("phone") or "") or None
    if phone and len(phone) > 30:
        problem("phone", "lebih dari 30 karakter", "longer than 30 characters")
    work_unit = str(v.get("work_unit") or "").strip() or None
    if work_unit and len(work_unit) > 200:
        problem("work_unit", *_LONGER_THAN_200)
    if row.errors or group is None or not isinstance(nip, str):
        return None
    return CleanRow(row.line, nip, name, email, phone, group, agency, work_unit)
