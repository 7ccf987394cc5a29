"""Steps the browser journeys share: accounts and ideas set up through the APIs, so that each journey's
pages start from the state a real edition would be in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from playwright.sync_api import Page, expect

from tests.e2e.browser import Visitor
from tests.support import RunningStack, login, wait_until

PASSWORD = "Rahasia-web-2026"
PDF_DECK = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
RUBRIC = {
    "criteria": [
        {"key": "kecepatan", "name": "Kecepatan layanan", "description": "Waktu layanan berkurang", "weight": 40,
         "min_score": 1, "max_score": 5, "levels": [
             {"score": 1, "description": "Tidak ada perubahan waktu"},
             {"score": 3, "description": "Waktu layanan berkurang separuh"},
             {"score": 5, "description": "Layanan selesai di tempat, hari itu juga"}]},
        {"key": "hemat_biaya", "name": "Penghematan biaya", "description": "Biaya berkurang", "weight": 30,
         "min_score": 1, "max_score": 5},
        {"key": "kepraktisan", "name": "Kepraktisan", "description": "Mudah dijalankan", "weight": 30,
         "min_score": 1, "max_score": 5},
    ]
}  # fmt: skip


def screen_eligible(running_stack: RunningStack, http: httpx.Client, staff: dict[str, Any], idea_id: str) -> None:
    """The committee finds the idea eligible; wait until the judging service knows."""
    s, j = running_stack.urls["submission"], running_stack.urls["judging"]
    response = http.post(
        f"{s}/api/v1/ideas/{idea_id}/screening", headers=staff["committee"], json={"eligible": True, "reason": None}
    )
    assert response.status_code == 200, response.text
    wait_until(
        lambda: http.get(f"{j}/api/v1/ideas/{idea_id}", headers=staff["committee"]).json().get("eligible") is True,
        what="the idea to reach judging",
    )


def judge_and_select(running_stack: RunningStack, http: httpx.Client, staff: dict[str, Any], idea_id: str) -> str:
    """Screening, scores, the decision and the agency's first steps, through the APIs; returns the ticket id."""
    s, j, i = (running_stack.urls[name] for name in ("submission", "judging", "implementation"))
    screen_eligible(running_stack, http, staff, idea_id)
    response = http.post(  # one slot, on 10 August 2026 at 09.00 WIB
        f"{j}/api/v1/editions/ATA-2026/audition-days",
        headers=staff["committee"],
        json={"day": "2026-08-10", "start": "09:00", "end": "09:10", "slot_minutes": 10, "rooms": ["Aula BKPSDM"]},
    )
    assert response.status_code == 201, response.text
    assert http.post(f"{j}/api/v1/editions/ATA-2026/schedule/assign", headers=staff["committee"]).status_code == 200
    scores = [
        {"criterion": "kecepatan", "value": 5, "comment": "Warga tidak perlu antre setengah hari"},
        {"criterion": "hemat_biaya", "value": 4, "comment": None},
        {"criterion": "kepraktisan", "value": 4, "comment": "Karang Taruna siap membantu"},
    ]
    response = http.put(
        f"{j}/api/v1/ideas/{idea_id}/scores",
        headers={**staff["judge"], "Idempotency-Key": f"api-{idea_id}"},
        json={"scores": scores},
    )
    assert response.status_code == 200, response.text
    assert http.post(f"{j}/api/v1/ideas/{idea_id}/scores/submit", headers=staff["judge"]).status_code == 200
    response = http.post(
        f"{j}/api/v1/ideas/{idea_id}/decision",
        headers=staff["committee"],
        # no selection rules are declared in this edition, so the committee gives its reason
        json={
            "selected": True,
            "implementing_agency_code": "DISDUKCAPIL",
            "due_date": "2027-06-30",
            "reason": "Satu-satunya gagasan yang diaudisi; nilai juri tinggi",
        },
    )
    assert response.status_code == 200, response.text

    def ticket() -> Any:
        r = http.get(f"{i}/api/v1/tickets", headers=staff["officer"], params={"idea_id": idea_id})
        return r.json()["items"]

    ticket_id = str(wait_until(ticket, what="the ticket")[0]["id"])
    response = http.post(
        f"{i}/api/v1/tickets/{ticket_id}/transitions", headers=staff["officer"], json={"to": "accepted"}
    )
    assert response.status_code == 200, response.text
    response = http.post(
        f"{i}/api/v1/tickets/{ticket_id}/milestones",
        headers=staff["officer"],
        json={"title": "Nomor antrean WhatsApp aktif di Watulimo", "due_date": "2027-02-28"},
    )
    assert response.status_code == 201, response.text
    wait_until(
        lambda: (http.get(f"{s}/api/v1/ideas/{idea_id}", headers=login(http, s, "199105172015032001", "Gagasan#2026"))
                 .json().get("implementation") or {}).get("status") == "accepted",
        what="the idea to show its ticket's status",
    )  # fmt: skip
    return ticket_id


def follow_the_registration_link(running_stack: RunningStack, person: Visitor, email: str) -> None:
    """Open the emailed link as she would, and press the button that activates the account."""
    mail = running_stack.mail
    mail.wait_for(lambda: bool(mail.to(email)))
    link = mail.link(email)
    assert link.startswith(f"{running_stack.urls['web']}/akun/verifikasi-email?token="), link
    person.page.goto(link)
    expect(person.page.get_by_role("heading", level=1)).to_have_text("Aktifkan akun")
    person.check("verification link")
    person.page.get_by_role("button", name="Aktifkan akun saya").click()
    expect(person.page.get_by_role("status")).to_have_text(
        "Email Anda sudah dipastikan. Silakan masuk dengan NIP dan kata sandi Anda."
    )
    person.check("email verified")


def opened_edition(
    running_stack: RunningStack, http: httpx.Client, committee: dict[str, str], code: str, name: str, **fields: Any
) -> None:
    """An edition of 2026 whose submission opened yesterday and closes in 30 days; `fields` add to it."""
    now = datetime.now(UTC)
    response = http.post(
        f"{running_stack.urls['submission']}/api/v1/editions",
        headers=committee,
        json={"code": code, "name": name, "year": 2026, "submission_opens_at": (now - timedelta(days=1)).isoformat(),
              "submission_closes_at": (now + timedelta(days=30)).isoformat(), **fields},
    )  # fmt: skip
    assert response.status_code == 201, response.text


def sign_in(page: Page, who: str, password: str = PASSWORD) -> None:
    """Fill in the sign-in form the page shows (NIP or email, password) and press Masuk."""
    page.get_by_label("NIP atau email").fill(who)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()


def registered(
    running_stack: RunningStack, http: httpx.Client, nip: str, name: str, email: str, position_group: str = "pelaksana"
) -> None:
    """A participant registered through the API who opened the emailed link."""
    s = running_stack.urls["submission"]
    response = http.post(
        f"{s}/api/v1/participants/register",
        json={"nip": nip, "name": name, "email": email, "password": PASSWORD, "position_group": position_group,
              "agency_code": "KEC-PANGGUL"},
    )  # fmt: skip
    assert response.status_code == 202, response.text
    running_stack.mail.wait_for(lambda: bool(running_stack.mail.to(email)))
    response = http.post(f"{s}/api/v1/auth/verify-email", json={"token": running_stack.mail.link_token(email)})
    assert response.status_code == 200, response.text


def submitted_idea(
    running_stack: RunningStack, http: httpx.Client, nip: str, fields: dict[str, Any], deck: str = "paparan.pdf"
) -> str:
    """The participant's idea (`fields`: edition, title, extra answers, ...) with its deck, submitted."""
    s = running_stack.urls["submission"]
    proposer = login(http, s, nip, PASSWORD)
    response = http.post(
        f"{s}/api/v1/ideas",
        headers=proposer,
        json={"problem": "Warga menunggu lama di loket.", "solution": "Layanan daring dengan jadwal datang.",
              "beneficiaries": "Warga Kecamatan Panggul", "time_saved_minutes_per_case": 60,
              "cost_saved_per_year_rp": 10_000_000, "estimated_budget_rp": 2_000_000,
              "target_agency_code": "DISDUKCAPIL", "service_area": "kependudukan", **fields},
    )  # fmt: skip
    assert response.status_code == 201, response.text
    idea_id = str(response.json()["id"])
    response = http.post(
        f"{s}/api/v1/attachments",
        headers=proposer,
        data={"idea_id": idea_id},
        files={"file": (deck, PDF_DECK, "application/pdf")},
    )
    assert response.status_code == 201, response.text
    assert http.post(f"{s}/api/v1/ideas/{idea_id}/submit", headers=proposer).status_code == 200
    return idea_id


def eligible_idea(
    running_stack: RunningStack,
    http: httpx.Client,
    staff: dict[str, Any],
    n: int,
    *,
    position_group: str = "pelaksana",
    **fields: Any,
) -> str:
    """The n-th participant's submitted idea, screened eligible, known to the judging service.

    `fields` replace the idea's own: another edition (`edition_code`, with its `extra_answers`), a title, the
    agency it proposes. Every journey shares the stack, so each uses its own range of `n`."""
    nip = f"198503122010032{n:03d}"
    registered(running_stack, http, nip, f"Peserta {n}", f"peserta{n}@web.test", position_group)
    idea = {"edition_code": "ATA-2026", "title": f"Gagasan pelayanan nomor {n}",
            "extra_answers": {"sudah_diuji_coba": "belum"}, **fields}  # fmt: skip
    idea_id = submitted_idea(running_stack, http, nip, idea, deck=f"paparan-{n}.pdf")
    screen_eligible(running_stack, http, staff, idea_id)
    return idea_id


def selected_ticket(running_stack: RunningStack, http: httpx.Client, staff: dict[str, Any], n: int) -> str:
    """An eligible idea the committee selects for DISDUKCAPIL; returns the ticket the event opened (still new)."""
    j, i = running_stack.urls["judging"], running_stack.urls["implementation"]
    idea_id = eligible_idea(running_stack, http, staff, n)
    response = http.post(
        f"{j}/api/v1/ideas/{idea_id}/decision",
        headers=staff["committee"],
        json={"selected": True, "implementing_agency_code": "DISDUKCAPIL", "due_date": "2027-06-30",
              "reason": "Dipilih panitia untuk uji halaman perangkat daerah"},
    )  # fmt: skip
    assert response.status_code == 200, response.text
    tickets = wait_until(
        lambda: http.get(f"{i}/api/v1/tickets", headers=staff["officer"], params={"idea_id": idea_id}).json()["items"],
        what="the ticket",
    )
    return str(tickets[0]["id"])
