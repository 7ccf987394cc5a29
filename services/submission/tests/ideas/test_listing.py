"""Listing with filters, full-text search and pagination in one query; committee exports."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import event
from sqlalchemy.orm import Session

from services.submission.common import Page
from services.submission.ideas.listing import IdeaFilters, list_ideas
from services.submission.ideas.service import screen_idea
from services.submission.tests.factories import committee, make_edition, make_idea, make_participant
from shared.auth import Role
from shared.events import PositionGroup


@pytest.fixture
def ideas(db_session: Session) -> Session:
    """Three ideas: two submitted (one screened eligible), one draft, across groups and agencies."""
    make_edition(db_session)
    _, a = make_participant(db_session, agency_code="DINKES", position_group=PositionGroup.PENGAWAS)
    _, b = make_participant(db_session, agency_code="RSUD", position_group=PositionGroup.PELAKSANA)
    _, c = make_participant(db_session, agency_code="RSUD", position_group=PositionGroup.PELAKSANA)
    first = make_idea(db_session, a, title="Antrean daring puskesmas", service_area="kesehatan", submit=True)
    make_idea(
        db_session,
        b,
        title="Sampah pasar jadi kompos",
        problem="Sampah organik pasar menumpuk setiap hari",
        service_area="lingkungan",
        submit=True,
    )
    make_idea(db_session, c, title="Perizinan UMKM di kecamatan", service_area="Perizinan")
    screen_idea(db_session, principal=committee(), idea_id=first.id, eligible=True, reason=None)
    return db_session


def _titles(session: Session, **filters: Any) -> list[str]:
    page = list_ideas(session, principal=committee(), filters=IdeaFilters(**filters), page=Page())
    return sorted(i.title for i in page.items)


def test_list_filters(ideas: Session) -> None:
    assert _titles(ideas, status="eligible") == ["Antrean daring puskesmas"]
    assert _titles(ideas, position_group="pelaksana") == ["Perizinan UMKM di kecamatan", "Sampah pasar jadi kompos"]
    assert _titles(ideas, agency_code="DINKES") == ["Antrean daring puskesmas"]
    assert _titles(ideas, service_area="perizinan") == ["Perizinan UMKM di kecamatan"]
    assert _titles(ideas, edition_code="ATA-2099") == []
    assert _titles(ideas, target_agency_code="DISDUKCAPIL", status="draft") == ["Perizinan UMKM di kecamatan"]


def test_full_text_search_ranks_matches(ideas: Session) -> None:
    assert _titles(ideas, q="kompos") == ["Sampah pasar jadi kompos"]
    assert _titles(ideas, q="sampah organik") == ["Sampah pasar jadi kompos"]
    assert _titles(ideas, q="helikopter") == []
    page = list_ideas(ideas, principal=committee(), filters=IdeaFilters(q="antrean"), page=Page())
    assert page.items[0].rank is not None


def test_pagination_reports_total(ideas: Session) -> None:
    first = list_ideas(ideas, principal=committee(), filters=IdeaFilters(), page=Page(page=1, page_size=2))
    second = list_ideas(ideas, principal=committee(), filters=IdeaFilters(), page=Page(page=2, page_size=2))
    assert (first.total, len(first.items), second.total, len(second.items)) == (3, 2, 3, 1)
    assert {i.id for i in first.items}.isdisjoint({i.id for i in second.items})


def test_list_page_is_one_query(ideas: Session) -> None:
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not statement.startswith(("SAVEPOINT", "RELEASE SAVEPOINT")):  # the test's own transaction handling
            statements.append(statement)

    _, participant = make_participant(ideas)
    make_idea(ideas, participant, title="Gagasan peserta")
    engine = ideas.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        list_ideas(ideas, principal=committee(), filters=IdeaFilters(status="submitted"), page=Page(page_size=50))
        own = list_ideas(ideas, principal=participant, filters=IdeaFilters(), page=Page(page_size=50))
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert [i.title for i in own.items] == ["Gagasan peserta"]
    assert len(statements) == 2  # one per page, for the committee and for a participant
    assert statements[0].startswith("SELECT idea.id")


def test_export_csv_and_xlsx_for_committee(client: TestClient, tokens: Any, submission_runtime: Any) -> None:
    with submission_runtime.session_factory() as session:
        make_edition(
            session,
            extra_questions=[{"key": "uji_coba", "label": "Uji coba?", "kind": "choice", "choices": ["ya", "tidak"]}],
        )
        _, a = make_participant(session)
        make_idea(session, a, title='=HYPERLINK("http://x")', extra_answers={"uji_coba": "ya"}, submit=True)
    h = tokens(Role.COMMITTEE)
    response = client.get("/api/v1/ideas/export?format=csv&edition_code=ATA-2026", headers=h)
    assert response.status_code == 200
    assert response.headers["content-disposition"] == 'attachment; filename="gagasan-ATA-2026.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 1
    assert rows[0]["title"] == '\'=HYPERLINK("http://x")'  # neutralised: Excel shows it as text
    assert (rows[0]["status"], rows[0]["extra_uji_coba"], rows[0]["estimated_budget_rp"]) == (
        "submitted",
        "ya",
        "15000000",
    )
    xlsx = client.get("/api/v1/ideas/export?format=xlsx&status=submitted", headers=h)
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:4] == ("id", "edition", "status", "title")
    assert len(values) == 2
    title = sheet.cell(row=2, column=4)
    assert (title.value, title.data_type) == ('\'=HYPERLINK("http://x")', "s")  # text, not a live formula
    budget = sheet.cell(row=2, column=16)
    assert (budget.value, budget.data_type) == (15000000, "n")
