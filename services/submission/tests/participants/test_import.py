"""BKPSDM's bulk import: dry run, every bad row reported, all or nothing, idempotent."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import Workbook
from sqlalchemy import func, select

from services.submission.participants.models import Participant
from services.submission.tests.factories import make_participant
from shared.auth import Role

HEADER = "nip,name,email,phone,position_group,agency_code\n"
GOOD = (
    "198504122010031001,Agus Santoso,agus@trenggalekkab.go.id,0811111111,pengawas,DINKES\n"
    "199001152015032002,Dewi Lestari,dewi@trenggalekkab.go.id,0822222222,Fungsional Jenjang Ahli,DISDIK\n"
    "199203032019031003,Budi Utomo,budi@trenggalekkab.go.id,,pelaksana,KEC-PANGGUL\n"
)


def _post(client: TestClient, headers: dict[str, str], content: bytes, *, dry_run: bool, name: str = "p.csv") -> Any:
    return client.post(
        f"/api/v1/participants/import?dry_run={'true' if dry_run else 'false'}",
        headers=headers,
        files={"file": (name, content, "application/octet-stream")},
    )


def _count(runtime: Any) -> int:
    with runtime.session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(Participant)) or 0)


def test_import_dry_run_reports_every_bad_row_with_line_and_imports_nothing(
    client: TestClient, tokens: Any, submission_runtime: Any
) -> None:
    bad = (
        HEADER
        + GOOD
        + "198502302010031004,Salah Tanggal,s1@trenggalekkab.go.id,,pengawas,DINKES\n"  # line 5
        + "199001152015032005,Tanpa Email,,,pelaksana,DINKES\n"  # line 6
        + "199001152015032006,Grup Salah,g@trenggalekkab.go.id,,eselon,DINKES\n"  # line 7
        + "199001152015032007,OPD Salah,o@trenggalekkab.go.id,,pelaksana,DINAS-X\n"  # line 8
        + "198504122010031001,NIP Ganda,ganda@trenggalekkab.go.id,,pengawas,DINKES\n"  # line 9
        + "199001152015032008,Email Rusak,bukan-email,,pelaksana,DINKES\n"  # line 10
    )
    response = _post(client, tokens(Role.COMMITTEE), bad.encode(), dry_run=True)
    assert response.status_code == 200
    report = response.json()
    assert [(e["line"], e["field"]) for e in report["errors"]] == [
        (5, "nip"),
        (6, "email"),
        (7, "position_group"),
        (8, "agency_code"),
        (9, "nip"),
        (10, "email"),
    ]
    assert (report["errors"][4]["reason"], report["errors"][4]["reason_id"]) == (
        "same NIP as line 2",
        "NIP sama dengan baris 2",
    )
    assert report["errors"][3]["reason_id"] == "kode perangkat daerah 'DINAS-X' tidak dikenal"
    assert (report["total_rows"], report["created"], report["imported"]) == (9, 3, False)
    refused = _post(client, tokens(Role.COMMITTEE), bad.encode(), dry_run=False)
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "import_has_errors"
    assert len(refused.json()["error"]["details"]["errors"]) == 6
    assert _count(submission_runtime) == 0


def test_import_clean_file_then_same_file_again_changes_nothing(
    client: TestClient, tokens: Any, submission_runtime: Any
) -> None:
    content = (HEADER + GOOD).encode()
    dry = _post(client, tokens(Role.COMMITTEE), content, dry_run=True).json()
    assert (dry["created"], dry["imported"]) == (3, False)
    assert _count(submission_runtime) == 0
    first = _post(client, tokens(Role.COMMITTEE), content, dry_run=False).json()
    assert (first["created"], first["updated"], first["unchanged"], first["imported"]) == (3, 0, 0, True)
    again = _post(client, tokens(Role.COMMITTEE), content, dry_run=False).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 3)
    assert _count(submission_runtime) == 3
    corrected = (HEADER + GOOD.replace("Budi Utomo", "Budi Utomo Wibowo")).encode()
    changed = _post(client, tokens(Role.COMMITTEE), corrected, dry_run=False).json()
    assert (changed["created"], changed["updated"], changed["unchanged"]) == (0, 1, 2)


def test_import_semicolon_csv_with_indonesian_headers(client: TestClient, tokens: Any) -> None:
    content = (
        "NIP;Nama;Email;No HP;Kelompok Jabatan;Kode OPD\n"
        "198504122010031001;Agus Santoso;agus@trenggalekkab.go.id;0811;Jabatan Pelaksana;dinkes\n"
    ).encode("utf-8-sig")
    report = _post(client, tokens(Role.COMMITTEE), content, dry_run=False).json()
    assert (report["created"], report["errors"]) == (1, [])


def test_import_xlsx_flags_nip_typed_as_number(client: TestClient, tokens: Any, submission_runtime: Any) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["nip", "nama", "email", "telepon", "kelompok_jabatan", "kode_opd"])
    sheet.append(["198504122010031001", "Agus", "agus@trenggalekkab.go.id", "0811", "pengawas", "DINKES"])
    sheet.append([199001152015032002, "Dewi", "dewi@trenggalekkab.go.id", "0822", "pelaksana", "DISDIK"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = _post(client, tokens(Role.COMMITTEE), buffer.getvalue(), dry_run=True, name="p.xlsx").json()
    assert report["errors"] == [
        {
            "line": 3,
            "field": "nip",
            "reason": "NIP is stored as a number in the spreadsheet; format the column as text",
            "reason_id": "NIP tersimpan sebagai angka di lembar kerja; ubah format kolomnya menjadi teks",
        }
    ]
    sheet.delete_rows(3)
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert _post(client, tokens(Role.COMMITTEE), buffer.getvalue(), dry_run=False, name="p.xlsx").json()["created"] == 1
    assert _count(submission_runtime) == 1


def test_import_missing_column_is_unreadable(client: TestClient, tokens: Any) -> None:
    response = _post(client, tokens(Role.COMMITTEE), b"nip,name\n198504122010031001,Agus\n", dry_run=True)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "unreadable_import"
    assert response.json()["error"]["details"]["reason"].startswith(
        "missing columns: email, position_group, agency_code"
    )
    assert response.json()["error"]["details"]["reason_id"].startswith(
        "kolom tidak ada: email, position_group, agency_code"
    )


def test_import_refused_for_participants(client: TestClient, tokens: Any) -> None:
    assert _post(client, tokens(Role.PARTICIPANT), (HEADER + GOOD).encode(), dry_run=True).status_code == 403


def test_import_refuses_broken_and_oversized_workbooks(client: TestClient, tokens: Any) -> None:
    broken = _post(client, tokens(Role.COMMITTEE), b"PK\x03\x04 not a workbook", dry_run=True, name="p.xlsx")
    assert broken.json()["error"]["details"] == {
        "reason": "the file is not a readable XLSX workbook",
        "reason_id": "berkas bukan buku kerja XLSX yang dapat dibaca",
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b"\0" * (101 * 1024 * 1024))
    bomb = _post(client, tokens(Role.COMMITTEE), buffer.getvalue(), dry_run=True, name="p.xlsx")
    assert bomb.status_code == 422
    assert bomb.json()["error"]["details"]["reason"] == "the workbook unpacks to more than 100 MB"


def test_import_moving_a_participant_to_another_agency_ends_their_sessions(
    client: TestClient, tokens: Any, submission_runtime: Any
) -> None:
    with submission_runtime.session_factory() as session:
        participant, _ = make_participant(session, password="sandi-peserta-1", agency_code="DINKES")
    login = client.post("/api/v1/auth/login", json={"username": participant.nip, "password": "sandi-peserta-1"})
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    row = f"{participant.nip},{participant.name},{participant.email},081234567890,pelaksana,DINSOS\n"
    response = _post(client, tokens(Role.COMMITTEE), (HEADER + row).encode(), dry_run=False)
    assert (response.status_code, response.json()["updated"]) == (200, 1)
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401
    again = client.post("/api/v1/auth/login", json={"username": participant.nip, "password": "sandi-peserta-1"})
    assert again.json()["user"]["agency_code"] == "DINSOS"


def test_import_reads_the_optional_work_unit_and_keeps_it_when_the_column_is_left_out(
    client: TestClient, tokens: Any, submission_runtime: Any
) -> None:
    with_unit = "nip,nama,email,telepon,kelompok_jabatan,kode_opd,unit_kerja\n" + GOOD.replace(
        ",DINKES\n", ",DINKES,Bidang Kesehatan Masyarakat\n"
    ).replace(",DISDIK\n", ",DISDIK,\n").replace(",KEC-PANGGUL\n", ",KEC-PANGGUL,\n")
    assert _post(client, tokens(Role.COMMITTEE), with_unit.encode(), dry_run=False).json()["created"] == 3
    again = _post(client, tokens(Role.COMMITTEE), (HEADER + GOOD).encode(), dry_run=False).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 3)
    with submission_runtime.session_factory() as session:
        units = dict(session.execute(select(Participant.nip, Participant.work_unit)).all())
    assert units["198504122010031001"] == "Bidang Kesehatan Masyarakat"
    assert units["199001152015032002"] is None
