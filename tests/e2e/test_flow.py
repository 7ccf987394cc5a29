"""The flow that must never break, across real processes: submit -> screen -> score -> decide -> one
ticket for the right agency -> emails and in-app notifications -> a ticket change reaches the proposer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from tests.support import RUBRIC, RunningStack, login, wait_until

pytestmark = pytest.mark.e2e


def test_selected_idea_becomes_one_ticket_and_notifies_everyone(
    running_stack: RunningStack, http: httpx.Client
) -> None:
    s, j, i = (running_stack.urls[name] for name in ("submission", "judging", "implementation"))
    mail = running_stack.mail

    running_stack.create_user(role="admin", email="admin@e2e.test", password="Admin-e2e-2026", name="Admin")
    admin = login(http, s, "admin@e2e.test", "Admin-e2e-2026")
    for role, email, name, agency in (
        ("committee", "panitia1@e2e.test", "Panitia Satu", "BKPSDM"),
        ("judge", "juri1@e2e.test", "Juri Satu", "DINKES"),
        ("agency", "capil@e2e.test", "Petugas Capil", "DISDUKCAPIL"),
    ):
        response = http.post(
            f"{s}/api/v1/accounts",
            headers=admin,
            json={"role": role, "email": email, "name": name, "password": "Rahasia-e2e-2026", "agency_code": agency},
        )
        assert response.status_code == 201, response.text
    committee = login(http, s, "panitia1@e2e.test", "Rahasia-e2e-2026")
    judge = login(http, s, "juri1@e2e.test", "Rahasia-e2e-2026")
    officer = login(http, s, "capil@e2e.test", "Rahasia-e2e-2026")

    # The committee opens the edition (submission) and declares its rubric (judging).
    now = datetime.now(UTC)
    response = http.post(
        f"{s}/api/v1/editions",
        headers=committee,
        json={
            "code": "ATA-2026",
            "name": "ASN Talent Academy 2026",
            "year": 2026,
            "submission_opens_at": (now - timedelta(days=1)).isoformat(),
            "submission_closes_at": (now + timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 201, response.text
    response = http.put(f"{j}/api/v1/editions/ATA-2026/rubric", headers=committee, json=RUBRIC)
    assert response.status_code == 200, response.text
    # Before scoring in the edition, the judge declares the ties HR data cannot show (none here).
    response = http.post(f"{j}/api/v1/editions/ATA-2026/declaration", headers=judge, json={"conflicts": []})
    assert response.status_code == 200, response.text

    # A participant registers, drafts and submits an idea.
    response = http.post(
        f"{s}/api/v1/participants/register",
        json={
            "nip": "198503122010032001",
            "name": "Sri Wahyuni",
            "email": "sri.wahyuni@e2e.test",
            "phone": "081234567890",
            "password": "Gagasan-2026",
            "position_group": "pelaksana",
            "agency_code": "KEC-PANGGUL",
        },
    )
    assert response.status_code == 202, response.text
    # Nobody signs in before opening the link mailed to them (through the notifications worker).
    mail.wait_for(lambda: bool(mail.to("sri.wahyuni@e2e.test")))
    response = http.post(f"{s}/api/v1/auth/verify-email", json={"token": mail.link_token("sri.wahyuni@e2e.test")})
    assert response.status_code == 200, response.text
    participant = login(http, s, "198503122010032001", "Gagasan-2026")
    response = http.post(
        f"{s}/api/v1/ideas",
        headers=participant,
        json={
            "edition_code": "ATA-2026",
            "title": "Akta kelahiran langsung dari puskesmas",
            "problem": "Orang tua di Panggul harus ke kota dua kali untuk mengurus akta kelahiran bayi.",
            "solution": "Bidan puskesmas mengunggah berkas kelahiran; Dukcapil menerbitkan akta elektronik.",
            "beneficiaries": "Keluarga dengan bayi baru lahir di kecamatan terpencil",
            "time_saved_minutes_per_case": 240,
            "cost_saved_per_year_rp": 150_000_000,
            "estimated_budget_rp": 25_000_000,
            "partners": [{"name": "Puskesmas Panggul", "kind": "agency"}],
            "target_agency_code": "DISDUKCAPIL",
            "service_area": "kependudukan",
        },
    )
    assert response.status_code == 201, response.text
    idea_id = response.json()["id"]
    deck = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
    response = http.post(
        f"{s}/api/v1/attachments",
        headers=participant,
        data={"idea_id": idea_id},
        files={"file": ("paparan.pdf", deck, "application/pdf")},
    )
    assert response.status_code == 201, response.text
    deck_id = response.json()["id"]
    response = http.post(f"{s}/api/v1/ideas/{idea_id}/submit", headers=participant)
    assert (response.status_code, response.json()["status"]) == (200, "submitted"), response.text

    # Screening by the committee; judging learns both facts from events.
    response = http.post(
        f"{s}/api/v1/ideas/{idea_id}/screening", headers=committee, json={"eligible": True, "reason": None}
    )
    assert response.status_code == 200, response.text

    def eligible_in_judging() -> Any:
        r = http.get(f"{j}/api/v1/ideas/{idea_id}", headers=committee)
        return r.status_code == 200 and r.json().get("eligible") is True

    wait_until(eligible_in_judging, what="the idea to reach judging as eligible")

    # The judge reads the pitch deck through a link judging signs; submission refuses the judge's own token.
    response = http.get(f"{j}/api/v1/ideas/{idea_id}/materials", headers=judge)
    assert response.status_code == 200, response.text
    [link] = response.json()["attachments"]
    assert (link["attachment_id"], link["filename"]) == (deck_id, "paparan.pdf")
    signed = urlsplit(link["url"])
    response = http.get(f"{s}{signed.path}?{signed.query}")
    assert (response.status_code, response.content) == (200, deck)
    assert http.get(f"{s}/api/v1/attachments/{deck_id}", headers=judge).status_code == 403

    # The judge scores and submits; the committee decides.
    scores = {
        "scores": [
            {"criterion": "kecepatan", "value": 5, "comment": "Memangkas dua kali perjalanan"},
            {"criterion": "hemat_biaya", "value": 4, "comment": "Biaya transport warga hilang"},
            {"criterion": "kepraktisan", "value": 4, "comment": "Bidan sudah terbiasa"},
        ]
    }
    for _attempt in range(2):  # a retry after a dropped connection must not double anything
        response = http.put(
            f"{j}/api/v1/ideas/{idea_id}/scores", headers={**judge, "Idempotency-Key": "tablet-1-idea-1"}, json=scores
        )
        assert response.status_code == 200, response.text
    response = http.post(f"{j}/api/v1/ideas/{idea_id}/scores/submit", headers=judge)
    assert response.status_code == 200, response.text
    response = http.post(
        f"{j}/api/v1/ideas/{idea_id}/decision",
        headers=committee,
        json={
            "selected": True,
            "implementing_agency_code": "DISDUKCAPIL",
            "due_date": "2027-06-30",
            "reason": "Dipilih rapat panitia",  # no quota declared here: selecting is an exception
        },
    )
    assert response.status_code == 200, response.text

    # Exactly one ticket, for the right agency.
    def tickets() -> list[dict[str, Any]]:
        r = http.get(f"{i}/api/v1/tickets", headers=officer, params={"idea_id": idea_id})
        assert r.status_code == 200, r.text
        items: list[dict[str, Any]] = r.json()["items"]
        return items

    found = wait_until(tickets, what="the implementation ticket")
    assert [(t["idea_id"], t["agency_code"], t["status"]) for t in found] == [(idea_id, "DISDUKCAPIL", "new")]
    ticket_id = found[0]["id"]

    # Mail to the proposer, the agency and the committee; in-app notifications for the proposer.
    mail.wait_for(
        lambda: len(mail.to("sri.wahyuni@e2e.test")) == 5 and bool(mail.to("disdukcapil@trenggalekkab.go.id"))
    )
    mail.wait_for(lambda: bool(mail.to("panitia@e2e.test")))
    # The registration link, the receipt, the screening result, the judges' feedback, the ticket.
    assert len(mail.to("sri.wahyuni@e2e.test")) == 5
    assert len(mail.to("disdukcapil@trenggalekkab.go.id")) == 1

    def participant_notifications() -> list[dict[str, Any]]:
        r = http.get(f"{i}/api/v1/notifications", headers=participant)
        assert r.status_code == 200, r.text
        items: list[dict[str, Any]] = r.json()["items"]
        return items

    wait_until(lambda: len(participant_notifications()) == 4, what="the proposer's in-app notifications")
    assert sorted(n["template"] for n in participant_notifications()) == [
        "feedback_ready",
        "idea_screened",
        "idea_submitted",
        "ticket_created",
    ]

    # The agency accepts the ticket: the proposer hears of it, and the idea shows its progress.
    response = http.post(f"{i}/api/v1/tickets/{ticket_id}/transitions", headers=officer, json={"to": "accepted"})
    assert (response.status_code, response.json()["status"]) == (200, "accepted"), response.text
    mail.wait_for(lambda: len(mail.to("sri.wahyuni@e2e.test")) == 6)
    wait_until(lambda: len(participant_notifications()) == 5, what="the status-change notification")

    def idea_progress() -> Any:
        r = http.get(f"{s}/api/v1/ideas/{idea_id}", headers=participant)
        implementation = r.json().get("implementation") or {}
        return implementation.get("status") == "accepted" and r.json()

    idea = wait_until(idea_progress, what="the idea to show its ticket's status")
    assert idea["decision"]["selected"] is True
    assert idea["implementation"]["ticket_id"] == ticket_id

    # Another agency's officer cannot see the ticket.
    response = http.get(f"{i}/api/v1/tickets", headers=judge, params={"idea_id": idea_id})
    assert response.status_code == 403
