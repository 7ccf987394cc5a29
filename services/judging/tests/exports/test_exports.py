"""Recap exports: XLSX with one sheet per position group, and CSV."""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from services.judging.tests.factories import EDITION, eligible_idea, full_scores, person, rubric
from shared.auth import Role
from shared.events import PositionGroup


def scored(client: TestClient, tokens: Any, session: Session) -> None:
    rubric(session)
    judge = tokens(Role.JUDGE, agency="BAPPEDA")
    for group, values, title in (
        (PositionGroup.PELAKSANA, (5, 5, 5), "Antrean KTP"),
        (PositionGroup.PELAKSANA, (3, 3, 3), "Posyandu digital"),
        (PositionGroup.PENGAWAS, (4, 4, 4), "Izin usaha kilat"),
    ):
        idea = eligible_idea(session, group=group, title=title, proposer=person("DINSOS", name="Rina"))
        r = client.put(
            f"/api/v1/ideas/{idea}/scores",
            json=full_scores(*values),
            headers={**judge, "Idempotency-Key": uuid.uuid4().hex},
        )
        assert r.status_code == 200
        client.post(f"/api/v1/ideas/{idea}/scores/submit", headers=judge)


def test_recap_xlsx_one_sheet_per_group_ranked(client: TestClient, tokens: Any, session: Session) -> None:
    scored(client, tokens, session)
    r = client.get(f"/api/v1/editions/{EDITION}/exports/recap.xlsx", headers=tokens(Role.COMMITTEE))
    assert r.status_code == 200
    assert r.headers["content-disposition"] == 'attachment; filename="rekap-nilai-ATA-2026.xlsx"'
    book = load_workbook(io.BytesIO(r.content))
    assert book.sheetnames == ["Pengawas", "Fungsional Penyetaraan", "Fungsional Ahli", "Pelaksana"]
    rows = list(book["Pelaksana"].iter_rows(min_row=3, values_only=True))
    assert [(row[0], row[1], row[2], row[6]) for row in rows] == [
        (1, "Antrean KTP", "Rina", 100),
        (2, "Posyandu digital", "Rina", 50),
    ]
    assert [row[1] for row in book["Pengawas"].iter_rows(min_row=3, values_only=True)] == ["Izin usaha kilat"]
    assert list(book["Fungsional Ahli"].iter_rows(min_row=3, values_only=True)) == []


def test_recap_csv_has_group_column(client: TestClient, tokens: Any, session: Session) -> None:
    scored(client, tokens, session)
    r = client.get(f"/api/v1/editions/{EDITION}/exports/recap.csv", headers=tokens(Role.COMMITTEE))
    assert r.status_code == 200
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Kelompok jabatan", "Peringkat", "Judul gagasan"]
    assert [(row[0], row[1], row[2]) for row in rows[1:]] == [
        ("Pengawas", "1", "Izin usaha kilat"),
        ("Pelaksana", "1", "Antrean KTP"),
        ("Pelaksana", "2", "Posyandu digital"),
    ]


def test_recap_judge_forbidden(client: TestClient, tokens: Any) -> None:
    assert client.get(f"/api/v1/editions/{EDITION}/exports/recap.csv", headers=tokens(Role.JUDGE)).status_code == 403


FORMULA_TITLE = '=HYPERLINK("http://penipu.example/x","Klik")'


def _scored_with_formula_title(client: TestClient, tokens: Any, session: Session) -> None:
    rubric(session)
    judge = tokens(Role.JUDGE, agency="BAPPEDA")
    idea = eligible_idea(session, group=PositionGroup.PELAKSANA, title=FORMULA_TITLE, proposer=person("DINSOS"))
    headers = {**judge, "Idempotency-Key": uuid.uuid4().hex}
    assert client.put(f"/api/v1/ideas/{idea}/scores", json=full_scores(5, 5, 5), headers=headers).status_code == 200
    assert client.post(f"/api/v1/ideas/{idea}/scores/submit", headers=judge).status_code == 200


def test_recap_xlsx_formula_title_is_inert_text(client: TestClient, tokens: Any, session: Session) -> None:
    _scored_with_formula_title(client, tokens, session)
    r = client.get(f"/api/v1/editions/{EDITION}/exports/recap.xlsx", headers=tokens(Role.COMMITTEE))
    sheet = load_workbook(io.BytesIO(r.content))["Pelaksana"]
    title, raw = sheet.cell(row=3, column=2), sheet.cell(row=3, column=7)
    assert (title.value, title.data_type) == ("'" + FORMULA_TITLE, "s")
    assert (raw.value, raw.data_type) == (100, "n")  # numbers stay numbers


def test_recap_csv_formula_title_is_inert_text(client: TestClient, tokens: Any, session: Session) -> None:
    _scored_with_formula_title(client, tokens, session)
    r = client.get(f"/api/v1/editions/{EDITION}/exports/recap.csv", headers=tokens(Role.COMMITTEE))
    [row] = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))[1:]
    assert (row[0], row[1], row[2], row[7]) == ("Pelaksana", "1", "'" + FORMULA_TITLE, "100.0")
