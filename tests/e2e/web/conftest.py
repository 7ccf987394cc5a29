"""The browser journeys' fixtures: one real stack for the whole package (started as `make run` starts it),
one Chromium, and the staff and edition every journey of tests/e2e/web/test_journeys.py shares. Journeys in
other modules create their own edition and accounts, so the order the modules run in does not matter."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser

from audisi.testing.infra import Infra
from tests.e2e.browser import chromium
from tests.e2e.conftest import e2e_stack
from tests.e2e.web.steps import PASSWORD, RUBRIC, opened_edition
from tests.support import RunningStack, login


@pytest.fixture(scope="package")
def running_stack(infra: Infra, test_run_id: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    """The stack for every browser journey (started once: a start costs a minute on two cores)."""
    with e2e_stack(infra, test_run_id, tmp_path_factory, tag="web") as stack:
        yield stack


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="package")
def staff(running_stack: RunningStack, http: httpx.Client) -> dict[str, dict[str, str]]:
    """The committee, a judge and an agency officer; an open edition with an extra question and a rubric."""
    s, j = running_stack.urls["submission"], running_stack.urls["judging"]
    running_stack.create_user(role="admin", email="admin@web.test", password=PASSWORD, name="Admin")
    admin = login(http, s, "admin@web.test", PASSWORD)
    for role, email, name, agency in (
        ("committee", "panitia@web.test", "Panitia Audisi", "BKPSDM"),
        ("judge", "juri@web.test", "Juri Bappeda", "BAPPEDA"),
        ("agency", "capil@web.test", "Petugas Capil", "DISDUKCAPIL"),
    ):
        response = http.post(
            f"{s}/api/v1/accounts",
            headers=admin,
            json={"role": role, "email": email, "name": name, "password": PASSWORD, "agency_code": agency},
        )
        assert response.status_code == 201, response.text
    committee = login(http, s, "panitia@web.test", PASSWORD)
    question = {"key": "sudah_diuji_coba", "label": "Sudah diuji coba?", "label_en": "Piloted already?",
                "kind": "choice", "required": True, "choices": ["belum", "sebagian", "sudah"]}  # fmt: skip
    opened_edition(running_stack, http, committee, "ATA-2026", "ASN Talent Academy 2026", extra_questions=[question])
    response = http.put(f"{j}/api/v1/editions/ATA-2026/rubric", headers=committee, json=RUBRIC)
    assert response.status_code == 200, response.text
    judge = login(http, s, "juri@web.test", PASSWORD)
    response = http.post(f"{j}/api/v1/editions/ATA-2026/declaration", headers=judge, json={"conflicts": []})
    assert response.status_code == 200, response.text
    return {"committee": committee, "judge": judge, "officer": login(http, s, "capil@web.test", PASSWORD)}
