"""The committee's ticket summary: counts per agency and status, and progress month by month."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi.testclient import TestClient

from services.implementation.tests.helpers import open_ticket
from shared.auth import Role
from shared.clock import WIB
from shared.db import utcnow


def test_summary_counts_by_agency_and_status_and_progress_by_month(
    implementation_runtime: Any, client: TestClient, tokens: Any
) -> None:
    code = f"SUM-{secrets.token_hex(3).upper()}"
    factory = implementation_runtime.session_factory
    first, _ = open_ticket(factory, edition_code=code)
    second, _ = open_ticket(factory, edition_code=code)
    open_ticket(factory, edition_code=code, agency="DINKES")
    open_ticket(factory, edition_code="LAIN-2026")  # another edition's: not counted
    officer = tokens(Role.AGENCY, agency="DISDUKCAPIL")
    for to in ("accepted", "in_progress", "piloting", "implemented"):
        assert client.post(f"/api/v1/tickets/{first}/transitions", headers=officer, json={"to": to}).status_code == 200
    assert (
        client.post(f"/api/v1/tickets/{second}/transitions", headers=officer, json={"to": "accepted"}).status_code
        == 200
    )
    posted = client.post(
        f"/api/v1/tickets/{second}/updates", headers=officer, json={"body": "Uji coba", "percent_complete": 40}
    )
    assert posted.status_code == 201, posted.text

    response = client.get(f"/api/v1/editions/{code}/tickets/summary", headers=tokens(Role.COMMITTEE))

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == 3
    assert [(a["agency_code"], a["total"]) for a in body["by_agency"]] == [("DINKES", 1), ("DISDUKCAPIL", 2)]
    disdukcapil = body["by_agency"][1]["by_status"]
    assert (disdukcapil["implemented"], disdukcapil["accepted"], disdukcapil["new"]) == (1, 1, 0)
    assert body["by_agency"][0]["by_status"]["new"] == 1
    this_month = body["by_month"][-1]
    assert this_month["month"] == utcnow().astimezone(WIB).strftime("%Y-%m")
    assert (this_month["tickets"], this_month["implemented"], this_month["updates"]) == (3, 1, 1)
    assert this_month["mean_percent"] == round((100 + 40 + 0) / 3, 1)


def test_summary_refused_to_an_agency_officer(client: TestClient, tokens: Any) -> None:
    response = client.get("/api/v1/editions/ATA-2026/tickets/summary", headers=tokens(Role.AGENCY, agency="DINKES"))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
