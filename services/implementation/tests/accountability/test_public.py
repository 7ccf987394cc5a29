"""The public accountability view: progress and impact, and no personal data unless the committee allows it."""

from __future__ import annotations

import csv
import io
from typing import Any

from fastapi.testclient import TestClient

from services.implementation.tests.helpers import open_ticket
from shared.auth import Role

PERSONAL = ("siti.rahmawati@example.go.id", "198703122010012003", "Siti Rahmawati", "Budi Santoso", "budi@dukcapil")


def prepare(runtime: Any, client: TestClient, tokens: Any) -> str:
    ticket_id, _ = open_ticket(runtime.session_factory)
    officer = tokens(Role.AGENCY, agency="DISDUKCAPIL")
    url = f"/api/v1/tickets/{ticket_id}"
    client.patch(
        url, headers=officer, json={"person_in_charge": "Budi Santoso", "person_in_charge_contact": "budi@dukcapil"}
    )
    client.post(f"{url}/transitions", headers=officer, json={"to": "accepted"})
    client.post(f"{url}/milestones", headers=officer, json={"title": "Jadwal keliling", "due_date": "2027-01-31"})
    client.post(
        f"{url}/updates", headers=officer, json={"body": "Dikerjakan oleh Budi Santoso", "percent_complete": 40}
    )
    client.put(
        f"{url}/impact", headers=officer, json={"baseline_minutes_per_case": 180, "measured_minutes_per_case": 80}
    )
    return url


def test_public_json_shows_progress_and_impact(implementation_runtime: Any, client: TestClient, tokens: Any) -> None:
    prepare(implementation_runtime, client, tokens)
    response = client.get("/api/v1/public/editions/ATA-2026/ideas")
    assert response.status_code == 200
    [idea] = response.json()["items"]
    assert (idea["title"], idea["agency_code"], idea["status"], idea["percent_complete"]) == (
        "Antar KTP ke desa dengan jadwal keliling",
        "DISDUKCAPIL",
        "accepted",
        40,
    )
    assert idea["milestones"] == [{"title": "Jadwal keliling", "due_date": "2027-01-31", "done": False}]
    assert (
        idea["promised_minutes_saved_per_case"],
        idea["baseline_minutes_per_case"],
        idea["measured_minutes_per_case"],
    ) == (
        90,
        180,
        80,
    )
    assert idea["proposer_name"] is None


def test_public_views_leak_no_personal_data(implementation_runtime: Any, client: TestClient, tokens: Any) -> None:
    prepare(implementation_runtime, client, tokens)
    bodies = [
        client.get("/api/v1/public/editions/ATA-2026/ideas").text,
        client.get("/public/editions/ATA-2026").text,
        client.get("/api/v1/public/editions/ATA-2026/export.csv").text,
        client.get("/api/v1/public/editions/ATA-2026/export.json").text,
    ]
    for body in bodies:
        assert "Antar KTP ke desa" in body
        for secret in PERSONAL:
            assert secret not in body


def test_proposer_name_shown_when_committee_marks_it_public(
    implementation_runtime: Any, client: TestClient, tokens: Any
) -> None:
    url = prepare(implementation_runtime, client, tokens)
    client.patch(url, headers=tokens(Role.COMMITTEE), json={"proposer_public": True})
    [idea] = client.get("/api/v1/public/editions/ATA-2026/ideas").json()["items"]
    assert idea["proposer_name"] == "Siti Rahmawati"
    page = client.get("/public/editions/ATA-2026").text
    assert "Siti Rahmawati" in page
    assert "siti.rahmawati@example.go.id" not in page


def test_csv_export_has_one_row_per_idea(implementation_runtime: Any, client: TestClient, tokens: Any) -> None:
    prepare(implementation_runtime, client, tokens)
    open_ticket(implementation_runtime.session_factory, title="Posyandu digital")
    response = client.get("/api/v1/public/editions/ATA-2026/export.csv")
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert sorted((r["title"], r["milestones_total"]) for r in rows) == [
        ("Antar KTP ke desa dengan jadwal keliling", "1"),
        ("Posyandu digital", "0"),
    ]


def test_public_page_escapes_html(implementation_runtime: Any, client: TestClient) -> None:
    open_ticket(implementation_runtime.session_factory, title="<script>alert(1)</script> Layanan")
    page = client.get("/public/editions/ATA-2026")
    assert page.headers["content-type"].startswith("text/html")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Layanan" in page.text
    assert "<script>alert(1)</script>" not in page.text


def test_other_edition_is_empty(implementation_runtime: Any, client: TestClient) -> None:
    open_ticket(implementation_runtime.session_factory)
    assert client.get("/api/v1/public/editions/ATA-2027/ideas").json() == {"edition_code": "ATA-2027", "items": []}


def test_csv_export_formula_title_is_inert_text(implementation_runtime: Any, client: TestClient) -> None:
    title = '=HYPERLINK("http://penipu.example/x","Unduh data")'
    open_ticket(implementation_runtime.session_factory, title=title)
    [row] = list(csv.DictReader(io.StringIO(client.get("/api/v1/public/editions/ATA-2026/export.csv").text)))
    assert (row["title"], row["milestones_total"], row["estimated_budget_rp"]) == ("'" + title, "0", "8000000")
