"""A team of three walks an edition across the real processes, and each member hears every step exactly once.

Every process of the compose file runs as its own process (the three APIs, their workers and relays, the
notifications worker) against PostgreSQL, Redis and a local SMTP sink. The team registers and opens the mailed
link, forms, submits; the committee screens; the idea gets an audition slot, is scored and selected; the agency
accepts the ticket, starts and reports progress with a photo. At the end each member's in-app list holds each
notification of tests/notifications/expected.py once, and their mailbox holds each one's email once (the same
subject as its in-app title), besides the link that verified the address.
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from email.header import decode_header, make_header
from email.message import Message
from typing import Any

import httpx
import pytest

from tests.notifications.expected import team_notifications
from tests.support import RUBRIC, RunningStack, login, wait_until

pytestmark = pytest.mark.e2e

PASSWORD = "Gagasan-2026"
#: The team: (NIP, name, email, agency); the first one owns the idea.
TEAM = (
    ("198503122010032001", "Siti Rahmawati", "siti.rahmawati@e2e.test", "KEC-PANGGUL"),
    ("199001152015031002", "Budi Santoso", "budi.santoso@e2e.test", "RSUD"),
    ("198807202012012003", "Rina Wulandari", "rina.wulandari@e2e.test", "DINSOS"),
)
PHOTO = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
#: The one email that is not also in the app: the link that verified the address.
VERIFY_SUBJECT = "[Audisi] Verifikasi email Anda"
#: How long a duplicate would have to show up after the last expected message (the relay polls about every second).
QUIET_SECONDS = 3.0


def _subject(message: Message) -> str:
    return " ".join(str(make_header(decode_header(message["Subject"] or ""))).split())


def _staff(stack: RunningStack, http: httpx.Client) -> dict[str, dict[str, str]]:
    """Signed-in headers of the committee, a judge and the implementing agency's officer."""
    stack.create_user(role="admin", email="admin@walk.test", password="Admin-walk-2026", name="Admin")
    admin = login(http, stack.urls["submission"], "admin@walk.test", "Admin-walk-2026")
    staff = {}
    for role, agency in (("committee", "BKPSDM"), ("judge", "BAPPEDA"), ("agency", "DISDUKCAPIL")):
        email = f"{role}@walk.test"
        body = {
            "role": role,
            "email": email,
            "name": role.title(),
            "password": "Rahasia-walk-2026",
            "agency_code": agency,
        }
        created = http.post(f"{stack.urls['submission']}/api/v1/accounts", headers=admin, json=body)
        assert created.status_code == 201, created.text
        staff[role] = login(http, stack.urls["submission"], email, "Rahasia-walk-2026")
    return staff


def _register(stack: RunningStack, http: httpx.Client) -> dict[str, dict[str, str]]:
    """Each member registers, opens the link mailed to them, and signs in; their headers by email."""
    s = stack.urls["submission"]
    for nip, name, email, agency in TEAM:
        body = {"nip": nip, "name": name, "email": email, "phone": "081234567890", "password": PASSWORD,
                "position_group": "pelaksana", "agency_code": agency}  # fmt: skip
        assert http.post(f"{s}/api/v1/participants/register", json=body).status_code == 202
    members = {}
    stack.mail.wait_for(lambda: all(stack.mail.to(email) for _, _, email, _ in TEAM))
    for nip, _, email, _ in TEAM:
        verified = http.post(f"{s}/api/v1/auth/verify-email", json={"token": stack.mail.link_token(email)})
        assert verified.status_code == 200, verified.text
        members[email] = login(http, s, nip, PASSWORD)
    return members


def test_team_of_three_hears_every_step_exactly_once_across_processes(
    running_stack: RunningStack, http: httpx.Client
) -> None:
    s, j, i = (running_stack.urls[name] for name in ("submission", "judging", "implementation"))
    mail = running_stack.mail
    staff = _staff(running_stack, http)
    committee, judge, officer = staff["committee"], staff["judge"], staff["agency"]
    now = datetime.now(UTC)
    edition = {"code": "ATA-2026", "name": "ASN Talent Academy 2026", "year": 2026,
               "submission_opens_at": (now - timedelta(days=1)).isoformat(),
               "submission_closes_at": (now + timedelta(days=30)).isoformat()}  # fmt: skip
    assert http.post(f"{s}/api/v1/editions", headers=committee, json=edition).status_code == 201
    assert http.put(f"{j}/api/v1/editions/ATA-2026/rubric", headers=committee, json=RUBRIC).status_code == 200
    members = _register(running_stack, http)
    (owner, *mates) = (email for _, _, email, _ in TEAM)

    # Submission: the owner drafts the idea and invites two mates, who accept; it goes in and is screened.
    idea = {
        "edition_code": "ATA-2026",
        "title": "Antrean daring KTP elektronik",
        "problem": "Warga Panggul antre sejak subuh di kantor Dukcapil untuk merekam KTP elektronik.",
        "solution": "Warga memilih jam rekam lewat WhatsApp; petugas melayani sesuai antrean daring.",
        "beneficiaries": "Warga wajib KTP di kecamatan terpencil",
        "time_saved_minutes_per_case": 180,
        "cost_saved_per_year_rp": 45_000_000,
        "estimated_budget_rp": 5_000_000,
        "target_agency_code": "DISDUKCAPIL",
        "service_area": "kependudukan",
    }
    created = http.post(f"{s}/api/v1/ideas", headers=members[owner], json=idea)
    assert created.status_code == 201, created.text
    idea_url = f"{s}/api/v1/ideas/{created.json()['id']}"
    idea_id = created.json()["id"]
    for nip, _, email, _ in TEAM[1:]:
        invited = http.post(f"{idea_url}/co-proposers", headers=members[owner], json={"nip": nip})
        assert invited.status_code == 200, invited.text
        assert http.post(f"{idea_url}/co-proposers/accept", headers=members[email]).status_code == 200
    assert http.post(f"{idea_url}/submit", headers=members[owner]).status_code == 200
    screened = http.post(f"{idea_url}/screening", headers=committee, json={"eligible": True, "reason": None})
    assert screened.status_code == 200, screened.text

    # Judging: once it knows the idea is eligible, an audition slot, the judge's scores, the selection.
    wait_until(
        lambda: http.get(f"{j}/api/v1/ideas/{idea_id}", headers=committee).json().get("eligible") is True,
        what="the idea to reach judging as eligible",
    )
    day = {"day": "2027-08-10", "start": "08:00", "end": "09:00", "slot_minutes": 20, "rooms": ["Ruang A"]}
    assert http.post(f"{j}/api/v1/editions/ATA-2026/audition-days", json=day, headers=committee).status_code == 201
    assigned = http.post(f"{j}/api/v1/editions/ATA-2026/schedule/assign", headers=committee)
    assert (assigned.status_code, assigned.json()["assigned"]) == (200, 1), assigned.text
    assert http.post(f"{j}/api/v1/editions/ATA-2026/declaration", headers=judge, json={"conflicts": []}).is_success
    scores = {"scores": [{"criterion": c["key"], "value": 5, "comment": None} for c in RUBRIC["criteria"]]}
    saved = http.put(f"{j}/api/v1/ideas/{idea_id}/scores", headers={**judge, "Idempotency-Key": "walk-1"}, json=scores)
    assert saved.status_code == 200, saved.text
    assert http.post(f"{j}/api/v1/ideas/{idea_id}/scores/submit", headers=judge).status_code == 200
    decision = {"selected": True, "implementing_agency_code": "DISDUKCAPIL", "due_date": "2027-06-30",
                "reason": "Dipilih rapat panitia"}  # fmt: skip
    decided = http.post(f"{j}/api/v1/ideas/{idea_id}/decision", headers=committee, json=decision)
    assert decided.status_code == 200, decided.text

    # Implementation: one ticket every member reads; the agency accepts it, starts, reports progress with a photo.
    def tickets() -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = http.get(
            f"{i}/api/v1/tickets", headers=officer, params={"idea_id": idea_id}
        ).json()["items"]
        return found

    (ticket,) = wait_until(tickets, what="the implementation ticket")
    ticket_url = f"{i}/api/v1/tickets/{ticket['id']}"
    for to in ("accepted", "in_progress"):
        moved = http.post(f"{ticket_url}/transitions", headers=officer, json={"to": to})
        assert moved.status_code == 200, moved.text
    update = http.post(
        f"{ticket_url}/updates", headers=officer, json={"body": "Uji coba di 3 desa", "percent_complete": 30}
    )
    assert update.status_code == 201, update.text
    photo = http.post(
        f"{i}/api/v1/evidence",
        headers=officer,
        data={"update_id": update.json()["id"]},
        files={"file": ("uji-coba.png", PHOTO, "image/png")},
    )
    assert photo.status_code == 201, photo.text
    for email in members:
        download = http.get(f"{i}/api/v1/evidence/{photo.json()['id']}", headers=members[email])
        assert (download.status_code, download.content) == (200, PHOTO)
        [listed] = http.get(ticket_url, headers=members[email]).json()["updates"]
        assert [f["filename"] for f in listed["evidence_files"]] == ["uji-coba.png"]

    # Every member hears every step once: in the app, and by email with the same subject.
    expected = team_notifications(owner, mates)

    def in_app(email: str) -> list[dict[str, Any]]:
        page = http.get(f"{i}/api/v1/notifications", headers=members[email], params={"limit": 200})
        assert page.status_code == 200, page.text
        items: list[dict[str, Any]] = page.json()["items"]
        return items

    def all_arrived() -> bool:
        return all(
            len(in_app(email)) >= wanted.total() and len(mail.to(email)) >= wanted.total() + 1
            for email, wanted in expected.items()
        )

    wait_until(all_arrived, what="every member's notifications and emails", timeout=60, every=0.5)
    time.sleep(QUIET_SECONDS)  # a duplicate delivered late would arrive now
    for email, wanted in expected.items():
        notifications = in_app(email)
        assert Counter(n["template"] for n in notifications) == wanted, email
        mailbox = Counter(_subject(m) for m in mail.to(email))
        assert mailbox == Counter(n["title"] for n in notifications) + Counter([VERIFY_SUBJECT]), email
