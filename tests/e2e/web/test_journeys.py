"""The web front in a browser (Debian's Chromium through Playwright) against the real stack, started as
`make run` starts it: a participant from registration to the ticket of her selected idea and the public
page, a forgotten password, a judge on a tablet, an agency officer, an admin, the committee's live board.
Every step is screenshotted into `.artifacts/screenshots/`, checked by axe-core (no serious or critical
violation) and must log no console error."""

from __future__ import annotations

import base64
import re
from datetime import datetime
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, expect

from services.web.security import SESSION_COOKIE
from shared.clock import WIB
from tests.e2e.browser import PHONE, visitor
from tests.e2e.web.steps import (
    PASSWORD,
    PDF_DECK,
    eligible_idea,
    follow_the_registration_link,
    judge_and_select,
    registered,
    selected_ticket,
    sign_in,
)
from tests.support import RunningStack, WebhookReceiver, login, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_a_participant_registers_submits_and_follows_her_selected_idea_to_its_ticket(
    running_stack: RunningStack, http: httpx.Client, staff: dict[str, Any], browser: Browser, tmp_path: Any
) -> None:
    rina = visitor(browser, running_stack.urls["web"], "participant")
    page = rina.page

    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Audisi gagasan pelayanan publik")
    rina.check("home")

    page.get_by_role("link", name="Daftar sebagai peserta").first.click()
    page.get_by_label("NIP").fill("19910517201503200")  # 17 digits: refused, with the field named
    page.get_by_label("Nama lengkap").fill("Rina Kartika")
    page.get_by_label("Email").fill("rina.kartika@example.go.id")
    page.get_by_label("Nomor HP").fill("081233344455")
    page.get_by_label("Kelompok jabatan").select_option("pelaksana")
    page.get_by_label("Perangkat daerah").select_option("KEC-WATULIMO")
    page.get_by_label("Kata sandi").fill("Gagasan#2026")
    page.get_by_role("button", name="Daftar").click()
    expect(page.get_by_role("alert")).to_contain_text("Ada yang perlu diperbaiki")
    expect(page.locator("#nip-error")).to_be_visible()
    rina.check("register with a wrong nip")

    page.get_by_label("NIP").fill("199105172015032001")
    page.get_by_label("Kata sandi").fill("Gagasan#2026")
    page.get_by_role("button", name="Daftar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Periksa email Anda")
    expect(page.get_by_text("rina.kartika@example.go.id")).to_be_visible()
    rina.check("registered, check your email")
    follow_the_registration_link(running_stack, rina, "rina.kartika@example.go.id")
    sign_in(page, "199105172015032001", "Gagasan#2026")
    expect(page).to_have_url(f"{running_stack.urls['web']}/gagasan")
    rina.check("signed in after verifying")

    page.get_by_role("link", name="Tulis gagasan baru").click()
    page.get_by_label("Judul gagasan").fill("KT")  # too short: the API's own rule, shown at the field
    page.get_by_role("button", name="Simpan draf").click()
    expect(page.locator("#title-error")).to_be_visible()
    rina.check("idea form with an error")

    page.get_by_label("Judul gagasan").fill("Antrean online pembuatan KTP-el di kecamatan")
    page.get_by_label("Masalah yang diselesaikan").fill(
        "Warga Watulimo menunggu setengah hari di kecamatan untuk perekaman KTP-el."
    )
    page.get_by_label("Solusi").fill("Nomor antrean lewat WhatsApp dengan jam datang, diumumkan setiap pagi.")
    page.get_by_label("Penerima manfaat").fill("Warga Kecamatan Watulimo yang mengurus KTP-el")
    page.get_by_label("Waktu yang dihemat per layanan (menit)").fill("180")
    page.get_by_label("Biaya yang dihemat per tahun (Rp)").fill("45.000.000")
    page.get_by_label("Perkiraan anggaran (Rp)").fill("5.000.000")
    page.get_by_label("Perangkat daerah pelaksana").select_option("DISDUKCAPIL")
    page.get_by_label("Bidang layanan").fill("kependudukan")
    page.get_by_label("Nama mitra").fill("Karang Taruna Watulimo")
    page.get_by_label("Jenis mitra").select_option("community")
    page.get_by_label("Sudah diuji coba?").select_option("sebagian")
    page.get_by_role("button", name="Simpan draf").click()
    expect(page.get_by_role("status")).to_have_text("Gagasan tersimpan.")
    expect(page.get_by_text("Rp 45.000.000")).to_be_visible()
    rina.check("draft saved")

    deck = tmp_path / "paparan.pdf"
    deck.write_bytes(PDF_DECK)
    page.get_by_label("Tambah lampiran").set_input_files(str(deck))
    page.get_by_role("button", name="Unggah").click()
    expect(page.get_by_role("link", name="paparan.pdf")).to_be_visible()

    # A colleague registers in his own browser; she invites him, he signs in from the idea's link and accepts.
    agus = visitor(browser, running_stack.urls["web"], "co-proposer")
    agus.page.goto("/daftar")
    agus.page.get_by_label("NIP").fill("199201012019031003")
    agus.page.get_by_label("Nama lengkap").fill("Agus Santoso")
    agus.page.get_by_label("Email").fill("agus.santoso@example.go.id")
    agus.page.get_by_label("Kelompok jabatan").select_option("pelaksana")
    agus.page.get_by_label("Perangkat daerah").select_option("KEC-WATULIMO")
    agus.page.get_by_label("Kata sandi").fill(PASSWORD)
    agus.page.get_by_role("button", name="Daftar").click()
    expect(agus.page.get_by_role("heading", level=1)).to_have_text("Periksa email Anda")
    follow_the_registration_link(running_stack, agus, "agus.santoso@example.go.id")
    page.get_by_label("Undang rekan dengan NIP").fill("199201012019031003")
    page.get_by_role("button", name="Undang", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Undangan terkirim.")
    expect(page.get_by_text("Agus Santoso · KEC-WATULIMO (diundang)")).to_be_visible()
    idea_path = page.url.split("?")[0].removeprefix(running_stack.urls["web"])
    agus.page.goto(idea_path)
    sign_in(agus.page, "199201012019031003")
    expect(agus.page.get_by_text("Anda diundang menjadi anggota tim gagasan ini oleh Rina Kartika.")).to_be_visible()
    agus.check("invitation")
    agus.page.get_by_role("button", name="Terima undangan").click()
    expect(agus.page.get_by_role("status")).to_have_text("Anda sekarang anggota tim gagasan ini.")
    agus.check("invitation accepted")
    agus.context.close()
    page.reload()
    expect(page.get_by_text("Agus Santoso · KEC-WATULIMO (anggota)")).to_be_visible()

    page.get_by_role("button", name="Kirim gagasan").click()
    expect(page.get_by_role("status")).to_have_text("Gagasan terkirim. Panitia akan menyeleksinya.")
    expect(page.locator(".tag-submitted").first).to_have_text("Terkirim")
    rina.check("submitted")
    idea_id = page.url.split("/gagasan/")[1].split("?")[0]

    page.get_by_role("link", name="English").click()
    expect(page.locator(".tag-submitted").first).to_have_text("Submitted")
    page.goto(f"/gagasan/{idea_id}")
    expect(page.get_by_role("heading", name="The idea")).to_be_visible()  # remembered on the next page
    rina.check("in english")
    page.get_by_role("link", name="Bahasa Indonesia").click()

    ticket_id = judge_and_select(running_stack, http, staff, idea_id)

    page.goto(f"/gagasan/{idea_id}")
    expect(page.get_by_text("Terpilih", exact=False).first).to_be_visible()
    expect(page.locator("#ticket-title")).to_have_text("Tiket pelaksanaan")
    expect(page.get_by_text("Diterima perangkat daerah").first).to_be_visible()
    expect(page.get_by_role("heading", name="Umpan balik juri")).to_be_visible()
    expect(page.get_by_text("10 Agustus 2026 09.00 WIB · Aula BKPSDM")).to_be_visible()
    rina.check("selected with feedback and ticket")

    page.get_by_role("link", name="Lihat tonggak dan laporan kemajuan").click()
    expect(page).to_have_url(f"{running_stack.urls['web']}/tiket/{ticket_id}")
    expect(page.get_by_text("Nomor antrean WhatsApp aktif di Watulimo")).to_be_visible()
    expect(page.get_by_text("28 Februari 2027")).to_be_visible()
    rina.check("ticket")

    page.get_by_role("link", name="Notifikasi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifikasi")
    wait_until(lambda: (page.reload(), page.locator(".list-item").count())[1] >= 1, what="a notification")
    rina.check("notifications")

    page.set_viewport_size(PHONE)
    page.goto("/gagasan")
    expect(page.get_by_role("link", name="Antrean online pembuatan KTP-el di kecamatan")).to_be_visible()
    rina.check("my ideas on a phone")

    page.get_by_role("button", name="Keluar").click()
    expect(page.get_by_role("status")).to_have_text("Anda sudah keluar.")
    page.goto(f"/gagasan/{idea_id}")
    expect(page).to_have_url(f"{running_stack.urls['web']}/masuk?next=/gagasan/{idea_id}")
    rina.check("signed out")
    rina.context.close()

    # The public sees the selected idea and its progress, on the same site.
    public = visitor(browser, running_stack.urls["web"], "public")
    public.page.goto("/publik")
    expect(public.page.get_by_role("heading", name="Antrean online pembuatan KTP-el di kecamatan")).to_be_visible()
    expect(public.page.get_by_text("Diterima perangkat daerah").first).to_be_visible()
    public.check("public page")
    response = http.get(f"{running_stack.urls['web']}/implementation/api/v1/public/editions/ATA-2026/export.json")
    assert response.status_code == 200
    assert [item["title"] for item in response.json()["items"]] == ["Antrean online pembuatan KTP-el di kecamatan"]
    public.context.close()


def test_a_participant_who_forgot_her_password_sets_a_new_one_from_the_emailed_link(
    running_stack: RunningStack, http: httpx.Client, staff: dict[str, Any], browser: Browser
) -> None:
    s, j, i = (running_stack.urls[name] for name in ("submission", "judging", "implementation"))
    email = "dewi.lestari@example.go.id"
    registered(running_stack, http, "198807072012032004", "Dewi Lestari", email)
    dewi = visitor(browser, running_stack.urls["web"], "forgotten-password")
    page = dewi.page

    page.goto("/masuk")
    page.get_by_role("link", name="Lupa kata sandi?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lupa kata sandi")
    dewi.check("forgotten password")
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Kirim tautan").click()
    expect(page.get_by_role("status")).to_contain_text("Jika alamat ini terdaftar di Audisi")
    dewi.check("reset link sent")

    mail = running_stack.mail
    mail.wait_for(lambda: len(mail.to(email)) == 2)  # the registration link, then the reset link
    link = mail.link(email)
    assert link.startswith(f"{running_stack.urls['web']}/akun/atur-kata-sandi?token="), link
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Atur kata sandi baru")
    dewi.check("reset link")
    page.get_by_label("Kata sandi baru").fill("Sandi-baru-2026")
    page.get_by_role("button", name="Simpan kata sandi").click()
    expect(page.get_by_role("status")).to_have_text("Kata sandi baru tersimpan. Silakan masuk dengannya.")
    dewi.check("new password saved")

    # The link works once: opened again, it says so and offers a new one.
    page.goto(link)
    page.get_by_label("Kata sandi baru").fill("Sandi-lain-2026")
    page.get_by_role("button", name="Simpan kata sandi").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_role("link", name="Minta tautan baru")).to_have_attribute("href", "/lupa-sandi")
    dewi.check("reset link used twice")

    page.goto("/masuk")
    sign_in(page, "198807072012032004")  # the old one no longer works
    expect(page.get_by_role("alert")).to_be_visible()
    page.get_by_label("Kata sandi").fill("Sandi-baru-2026")
    page.get_by_role("button", name="Masuk").click()
    expect(page).to_have_url(f"{running_stack.urls['web']}/gagasan")
    dewi.check("signed in with the new password")

    # Signed in, she changes it again; this browser stays signed in with the fresh token.
    page.get_by_role("link", name="Kata sandi", exact=True).click()
    page.get_by_label("Kata sandi sekarang").fill("Sandi-baru-2026")
    page.get_by_label("Kata sandi baru").fill("Sandi-ketiga-2026")
    page.get_by_role("button", name="Ubah kata sandi").click()
    expect(page.get_by_role("status")).to_have_text("Kata sandi diubah. Sesi Anda di perangkat lain sudah berakhir.")
    dewi.check("password changed")
    page.goto("/gagasan")
    expect(page).to_have_url(f"{running_stack.urls['web']}/gagasan")

    # Signing out ends the session in every service, not only in this browser.
    token = next(c["value"] for c in dewi.context.cookies() if c["name"] == SESSION_COOKIE)
    bearer = {"Authorization": f"Bearer {token}"}
    calls = [f"{s}/api/v1/participants/me", f"{j}/api/v1/editions/ATA-2026/schedule", f"{i}/api/v1/notifications"]
    assert [http.get(url, headers=bearer).status_code for url in calls] == [200, 200, 200]
    page.get_by_role("button", name="Keluar").click()
    expect(page.get_by_role("status")).to_have_text("Anda sudah keluar.")
    wait_until(
        lambda: [http.get(url, headers=bearer).status_code for url in calls] == [401, 401, 401],
        timeout=2 * 30 + 10,  # the services trust a token for AUTH_REVOCATION_CACHE_SECONDS (30 s) at most
        what="every service to refuse the signed-out token",
    )
    dewi.context.close()


def test_a_judge_scores_three_pitches_on_a_tablet_through_a_dropped_connection(
    running_stack: RunningStack, http: httpx.Client, staff: dict[str, Any], browser: Browser
) -> None:
    s, j = running_stack.urls["submission"], running_stack.urls["judging"]
    ideas = [eligible_idea(running_stack, http, staff, n) for n in (1, 2, 3, 4)]
    today = datetime.now(WIB).date().isoformat()
    response = http.post(
        f"{j}/api/v1/editions/ATA-2026/audition-days",
        headers=staff["committee"],
        json={"day": today, "start": "08:00", "end": "12:00", "slot_minutes": 10, "rooms": ["Pendopo Manggala Praja"]},
    )
    assert response.status_code == 201, response.text
    response = http.post(f"{j}/api/v1/editions/ATA-2026/schedule/assign", headers=staff["committee"])
    assert response.status_code == 200, response.text
    running_stack.create_user(role="judge", email="juri.tablet@web.test", password=PASSWORD, name="Juri Tablet")
    judge_api = login(http, s, "juri.tablet@web.test", PASSWORD)

    tablet = visitor(browser, running_stack.urls["web"], "judge")
    page = tablet.page
    page.goto("/juri")
    sign_in(page, "juri.tablet@web.test")
    expect(page.get_by_role("heading", level=1)).to_have_text("Jadwal penilaian")
    # Before the first pitch she declares the ties HR data cannot show: none yet (her cousin turns up later).
    page.get_by_role("link", name="Isi pernyataan konflik kepentingan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pernyataan konflik kepentingan")
    for n in (1, 2, 3, 4):  # her four pitches among the round's ideas (the module's earlier journeys add others)
        pitch = page.locator("fieldset", has=page.get_by_text(f"Gagasan pelayanan nomor {n}", exact=True))
        expect(pitch.get_by_label("Hubungan dengan tim pengusul")).to_have_count(1)
    tablet.check("declaration")
    page.get_by_role("button", name="Kirim pernyataan").click()
    expect(page.get_by_role("status").first).to_have_text("Pernyataan konflik kepentingan Anda sudah tercatat.")
    todays = page.locator("#hari-ini + .slots")
    for n in (1, 2, 3, 4):  # today's pitches, each at its time in WIB
        row = todays.locator(".slot", has=page.get_by_role("link", name=f"Gagasan pelayanan nomor {n}"))
        expect(row.locator(".slot-time")).to_have_text(re.compile(r"^(08|09|10|11)\.[0-5]0$"))
    tablet.check("schedule")

    def score(criterion: str, value: int) -> None:
        page.locator(f'[data-criterion="{criterion}"] .level', has=page.locator(f'input[value="{value}"]')).click()

    state = page.locator("#save-state")

    # First pitch: scored, saved as entered, locked.
    page.get_by_role("link", name="Gagasan pelayanan nomor 1").click()
    expect(page.get_by_text("Waktu layanan berkurang separuh")).to_be_visible()  # the level descriptors
    deck = page.get_by_role("link", name="paparan-1.pdf")  # the pitch deck, from the submission service
    deck_file = page.request.get(str(deck.get_attribute("href")))
    assert (deck_file.status, deck_file.body()) == (200, PDF_DECK)
    page.get_by_role("button", name="Mulai").click()
    for criterion, value in (("kecepatan", 4), ("hemat_biaya", 4), ("kepraktisan", 5)):
        score(criterion, value)
    expect(state).to_have_text("Tersimpan")
    tablet.check("first pitch scored")
    page.get_by_role("button", name="Kirim dan kunci nilai").click()
    expect(page.get_by_role("status").first).to_have_text("Nilai terkirim dan terkunci.")
    expect(state).to_have_text("Terkunci")
    tablet.check("first pitch locked")

    # Second pitch: the connection drops mid-pitch; the entries wait in the browser and go when it returns.
    page.goto(f"/juri/gagasan/{ideas[1]}")
    score("kecepatan", 5)
    expect(state).to_have_text("Tersimpan")
    tablet.tolerated = ("ERR_INTERNET_DISCONNECTED",)  # the failed sends of the outage itself
    tablet.context.set_offline(True)
    score("hemat_biaya", 3)
    score("kepraktisan", 2)
    page.get_by_label("Catatan untuk Kepraktisan").fill("Perlu pelatihan petugas loket")
    score("kepraktisan", 4)  # changed her mind while offline: the last entry wins
    expect(state).to_contain_text("Belum terkirim")
    tablet.check("offline mid-pitch")
    tablet.context.set_offline(False)
    expect(state).to_have_text("Tersimpan", timeout=20_000)
    tablet.tolerated = ()
    tablet.check("back online")
    mine = http.get(f"{j}/api/v1/ideas/{ideas[1]}/scores", headers=judge_api).json()["mine"]
    assert {(sc["criterion"], sc["value"], sc["comment"]) for sc in mine["scores"]} == {
        ("kecepatan", 5.0, None),
        ("hemat_biaya", 3.0, None),
        ("kepraktisan", 4.0, "Perlu pelatihan petugas loket"),
    }
    assert mine["weighted_score"] == 77.5  # 40 * 4/4 + 30 * 2/4 + 30 * 3/4: each score counted once
    page.reload()
    expect(page.locator('[data-criterion="kepraktisan"] input[value="4"]')).to_be_checked()
    page.get_by_role("button", name="Kirim dan kunci nilai").click()
    expect(state).to_have_text("Terkunci")

    # Third pitch, in English this time.
    page.goto(f"/juri/gagasan/{ideas[2]}")
    page.get_by_role("link", name="English").click()
    for criterion, value in (("kecepatan", 3), ("hemat_biaya", 3), ("kepraktisan", 3)):
        score(criterion, value)
    expect(state).to_have_text("Saved")
    page.get_by_role("button", name="Submit and lock the scores").click()
    expect(state).to_have_text("Locked")
    tablet.check("third pitch in english")

    # The fourth idea's proposer turns out to be her cousin: she steps back, with a reason.
    page.get_by_role("link", name="Bahasa Indonesia").click()
    page.goto(f"/juri/gagasan/{ideas[3]}")
    page.get_by_text("Mundur dari penilaian gagasan ini").click()
    page.get_by_label("Alasan (misalnya hubungan keluarga dengan pengusul)").fill("Pengusul adalah sepupu saya")
    page.get_by_role("button", name="Mundur", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Anda mundur dari penilaian gagasan itu; panitia sudah tercatat.")
    expect(page.locator(".slot-done")).to_have_count(3)
    expect(todays.locator(".slot", has=page.get_by_role("link", name="Gagasan pelayanan nomor 4"))).to_contain_text(
        "Mundur"
    )
    tablet.check("schedule after three pitches and a recusal")
    for idea_id in ideas[:3]:
        assert http.get(f"{j}/api/v1/ideas/{idea_id}/scores", headers=judge_api).json()["mine"]["status"] == "submitted"
    exclusions = http.get(f"{j}/api/v1/editions/ATA-2026/exclusions", headers=staff["committee"]).json()
    assert [(e["idea_id"], e["judge_name"], e["reason"]) for e in exclusions] == [
        (ideas[3], "Juri Tablet", "Pengusul adalah sepupu saya")
    ]
    tablet.context.close()


#: A real one-pixel PNG, as a phone's photo would be to the service (which reads the kind from the bytes).
PHOTO = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def test_an_agency_officer_moves_a_ticket_from_new_to_implemented_with_a_milestone_and_impact(
    running_stack: RunningStack, http: httpx.Client, staff: dict[str, Any], browser: Browser
) -> None:
    i = running_stack.urls["implementation"]
    ticket_id = selected_ticket(running_stack, http, staff, 5)
    receiver = WebhookReceiver()
    receiver.start()
    officer = visitor(browser, running_stack.urls["web"], "agency")
    page = officer.page
    try:
        page.goto("/opd")
        sign_in(page, "capil@web.test")
        expect(page.get_by_role("heading", level=1)).to_have_text("Tiket perangkat daerah")
        new_column = page.locator("section", has=page.locator("#kolom-new"))
        expect(new_column.get_by_role("link", name="Gagasan pelayanan nomor 5")).to_be_visible()
        officer.check("board")

        # The agency's system listens for the ticket's changes.
        page.get_by_role("link", name="Webhook", exact=True).click()
        page.get_by_label("Alamat (URL)").fill(receiver.url)
        page.get_by_role("button", name="Daftarkan", exact=True).click()
        expect(page.locator("#webhook-secret")).to_contain_text("whsec_")
        officer.check("webhook registered")

        page.goto(f"/opd/tiket/{ticket_id}")
        expect(page.get_by_role("heading", level=1)).to_have_text("Gagasan pelayanan nomor 5")
        offered = page.locator('input[name="to"]').evaluate_all("inputs => inputs.map(i => i.value)")
        allowed = http.get(f"{i}/api/v1/tickets/{ticket_id}", headers=staff["officer"]).json()["allowed_transitions"]
        assert offered == allowed == ["accepted", "blocked"]  # an officer may not cancel: only what the API offers
        officer.check("ticket new")

        page.get_by_label("Terhambat").check()  # the API says a block needs a reason
        page.get_by_role("button", name="Simpan status").click()
        expect(page.get_by_role("alert")).to_contain_text("Alasan wajib diisi")
        officer.check("block refused without a reason")

        def move(label: str) -> None:
            page.get_by_label(label, exact=True).check()
            page.get_by_role("button", name="Simpan status").click()
            expect(page.get_by_role("status")).to_have_text("Status tiket diubah.")
            expect(page.locator("#ticket-status")).to_have_text(label)

        move("Diterima perangkat daerah")
        page.get_by_label(re.compile(r"^Penanggung jawab")).fill("Sri Wahyuni, Seksi Pelayanan KTP")
        page.get_by_label("Mitra pelaksana (satu per baris)").fill("Karang Taruna Watulimo")
        page.get_by_role("button", name="Simpan penanggung jawab dan mitra").click()
        expect(page.get_by_role("status")).to_have_text("Penanggung jawab dan mitra tersimpan.")
        page.get_by_label("Tonggak baru").fill("Nomor antrean WhatsApp aktif di Watulimo")
        page.get_by_label("Target", exact=True).fill("2027-02-28")
        page.get_by_role("button", name="Tambah tonggak").click()
        expect(page.get_by_role("status")).to_have_text("Tonggak ditambahkan.")
        expect(page.get_by_role("cell", name="28 Februari 2027")).to_be_visible()
        officer.check("milestone added")
        move("Dikerjakan")
        page.get_by_label("Laporan", exact=True).fill("Uji coba antrean WhatsApp di Kecamatan Watulimo")
        page.get_by_label("Tautan bukti (satu per baris)").fill("https://trenggalekkab.go.id/berita/antrean-ktp")
        page.get_by_label("Persen selesai").fill("60")
        page.locator("#update_files").set_input_files(
            {"name": "antrean-watulimo.png", "mimeType": "image/png", "buffer": PHOTO}
        )
        page.get_by_role("button", name="Kirim laporan").click()
        expect(page.get_by_role("status")).to_have_text("Laporan kemajuan tersimpan.")
        expect(page.get_by_role("link", name="https://trenggalekkab.go.id/berita/antrean-ktp")).to_be_visible()
        photo = page.get_by_role("link", name="antrean-watulimo.png")
        expect(photo).to_be_visible()
        expect(page.locator(".evidence-file").first).to_contain_text("PNG")
        downloaded = page.request.get(str(photo.get_attribute("href")))  # through the front, with the session
        assert (downloaded.status, downloaded.body()) == (200, PHOTO)
        officer.check("progress reported with a photo")

        # A file that is not what it claims is refused with the service's words, at the report's file field.
        page.get_by_text("Tambah berkas bukti", exact=True).click()
        added = page.locator('input[type="file"][name^="bukti-"]')
        added.set_input_files({"name": "foto-salah.png", "mimeType": "image/png", "buffer": b"bukan gambar"})
        page.get_by_role("button", name="Unggah", exact=True).click()
        expect(page.locator(".form-group-error .error-message")).to_contain_text("Jenis berkas tidak didukung")
        officer.check("evidence refused")
        added.set_input_files({"name": "foto-salah.png", "mimeType": "image/png", "buffer": PHOTO})
        page.get_by_role("button", name="Unggah", exact=True).click()
        expect(page.get_by_role("status")).to_have_text("Berkas bukti diunggah.")
        page.get_by_text("Hapus foto-salah.png").click()  # a confirmation that says it cannot be undone
        page.get_by_role("button", name="Ya, hapus berkas foto-salah.png").click()
        expect(page.get_by_role("status")).to_have_text("Berkas bukti dihapus.")
        expect(page.get_by_role("link", name="foto-salah.png")).to_have_count(0)
        expect(photo).to_be_visible()
        officer.check("evidence deleted")
        page.get_by_role("button", name="Tandai selesai: Nomor antrean WhatsApp aktif di Watulimo").click()
        expect(page.get_by_role("status")).to_have_text("Tonggak ditandai selesai.")
        officer.check("progress reported, milestone done")
        move("Uji coba")
        page.get_by_label("Waktu per layanan sebelum (menit)").fill("240")
        page.get_by_label("Waktu per layanan sesudah (menit)").fill("45")
        page.get_by_label("Biaya per tahun sebelum (Rp)").fill("60.000.000")
        page.get_by_label("Biaya per tahun sesudah (Rp)").fill("12.500.000")
        page.get_by_role("button", name="Simpan dampak").click()
        expect(page.get_by_role("status")).to_have_text("Dampak tercatat.")
        expect(page.get_by_text("195 menit per layanan · Rp 47.500.000 per tahun")).to_be_visible()
        move("Terlaksana")
        expect(page.get_by_text("Tidak ada perubahan status yang dapat Anda lakukan pada tiket ini.")).to_be_visible()
        officer.check("implemented")

        ticket = http.get(f"{i}/api/v1/tickets/{ticket_id}", headers=staff["officer"]).json()
        assert (ticket["status"], ticket["percent_complete"], ticket["allowed_transitions"]) == ("implemented", 100, [])
        assert (ticket["person_in_charge"], ticket["partners"]) == (
            "Sri Wahyuni, Seksi Pelayanan KTP",
            [{"name": "Karang Taruna Watulimo", "kind": "other"}],
        )
        assert [f["filename"] for u in ticket["updates"] for f in u["evidence_files"]] == ["antrean-watulimo.png"]
        assert [(m["title"], m["done"]) for m in ticket["milestones"]] == [
            ("Nomor antrean WhatsApp aktif di Watulimo", True)
        ]
        assert (
            ticket["impact"]["measured_minutes_saved_per_case"],
            ticket["impact"]["measured_cost_saved_per_year_rp"],
        ) == (
            195,
            47_500_000,
        )

        # Every change went to the agency's endpoint, and its page says so.
        wait_until(lambda: len(receiver.deliveries()) >= 5, timeout=120, what="five changes at the agency's endpoint")
        page.goto("/opd/webhook")

        delivered = page.get_by_role("cell", name="Terkirim ke sistem", exact=True)
        wait_until(lambda: (page.reload(), delivered.count())[1] >= 5, timeout=30, what="five delivered on the page")
        officer.check("webhook deliveries")
        page.goto("/opd")
        expect(
            page.locator("section", has=page.locator("#kolom-implemented")).get_by_role(
                "link", name="Gagasan pelayanan nomor 5"
            )
        ).to_be_visible()
        officer.check("board after implementing")
    finally:
        officer.context.close()
        receiver.stop()


def test_an_admin_deactivates_an_account_and_that_person_is_signed_out(
    running_stack: RunningStack, http: httpx.Client, staff: dict[str, Any], browser: Browser
) -> None:
    running_stack.create_user(role="judge", email="juri.pindah@web.test", password=PASSWORD, name="Juri Pindah Tugas")
    judge = visitor(browser, running_stack.urls["web"], "deactivated-judge")
    judge.page.goto("/masuk")
    sign_in(judge.page, "juri.pindah@web.test")
    expect(judge.page.get_by_role("heading", level=1)).to_have_text("Jadwal penilaian")

    admin = visitor(browser, running_stack.urls["web"], "admin")
    page = admin.page
    page.goto("/admin")
    sign_in(page, "admin@web.test")
    expect(page.get_by_role("heading", level=1)).to_have_text("Akun")
    admin.check("accounts")

    # A new officer for the health agency: the service's own rule (an officer needs an agency) is shown first.
    page.get_by_role("link", name="Buat akun staf").click()
    page.get_by_label("Peran", exact=True).select_option("agency")
    page.get_by_label("Nama lengkap").fill("Petugas Dinkes")
    page.get_by_label("Email").fill("dinkes@web.test")
    page.get_by_label("Kata sandi awal").fill(PASSWORD)
    page.get_by_role("button", name="Buat akun").click()
    expect(page.get_by_role("alert")).to_contain_text("Ada yang perlu diperbaiki")
    admin.check("new account refused without an agency")
    page.get_by_label("Perangkat daerah").select_option("DINKES")
    page.get_by_label("Kata sandi awal").fill(PASSWORD)
    page.get_by_role("button", name="Buat akun").click()
    expect(page.get_by_role("status")).to_have_text("Akun dibuat.")
    expect(page.get_by_text("dinkes@web.test")).to_be_visible()
    assert login(http, running_stack.urls["submission"], "dinkes@web.test", PASSWORD)

    page.goto("/admin/akun?peran=judge")
    page.get_by_role("button", name="Nonaktifkan: Juri Pindah Tugas").click()
    expect(page.get_by_role("status")).to_have_text("Akun dinonaktifkan; semua sesinya berakhir.")
    row = page.get_by_role("row", name=re.compile("Juri Pindah Tugas"))
    expect(row.get_by_role("button", name="Aktifkan: Juri Pindah Tugas")).to_be_visible()
    admin.check("judge deactivated")

    # Her open page no longer works: her next click leads to the sign-in page, and signing in is refused.
    wait_until(
        lambda: judge.page.goto("/juri") and "/masuk" in judge.page.url,
        timeout=2 * 30 + 10,  # the services trust a token for AUTH_REVOCATION_CACHE_SECONDS (30 s) at most
        what="the deactivated judge to be signed out",
    )
    assert judge.page.url.endswith("/masuk?next=/juri")
    sign_in(judge.page, "juri.pindah@web.test")
    expect(judge.page.get_by_role("alert")).to_be_visible()
    judge.check("signed out and refused")
    judge.context.close()

    page.get_by_role("link", name="Perangkat daerah", exact=True).click()
    expect(page.get_by_role("cell", name="DISDUKCAPIL", exact=True)).to_be_visible()
    admin.check("agencies")
    page.get_by_role("link", name="Pesan gagal").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pesan gagal")
    admin.check("dead letters")
    admin.context.close()


def test_the_committees_live_board_shows_a_judges_save_within_two_seconds_without_a_reload(
    running_stack: RunningStack, http: httpx.Client, staff: dict[str, Any], browser: Browser
) -> None:
    j = running_stack.urls["judging"]
    idea_id = eligible_idea(running_stack, http, staff, 7)
    laptop = visitor(browser, running_stack.urls["web"], "committee")
    page = laptop.page
    page.goto("/panitia/papan")
    sign_in(page, "panitia@web.test")
    expect(page.get_by_role("heading", level=1)).to_have_text("Papan penilaian")
    row = page.locator(f'tr[data-idea="{idea_id}"]')
    expect(row).to_contain_text("Gagasan pelayanan nomor 7")
    expect(row.locator('[data-cell="state"]')).to_have_text("Belum dinilai")
    expect(page.locator("#papan-status")).to_contain_text("Diperbarui langsung pukul")  # the stream is open
    laptop.check("board before the save")
    page.evaluate("window.audisiNotReloaded = true")

    response = http.put(
        f"{j}/api/v1/ideas/{idea_id}/scores",
        headers={**staff["judge"], "Idempotency-Key": f"board-{idea_id}"},
        json={"scores": [{"criterion": "kecepatan", "value": 4, "comment": None}]},
    )
    assert response.status_code == 200, response.text
    expect(row.locator('[data-cell="judges"]')).to_contain_text("Juri Bappeda: Draf", timeout=2_000)
    expect(row.locator('[data-cell="state"]')).to_have_text("Sedang dinilai", timeout=2_000)
    assert page.evaluate("window.audisiNotReloaded") is True
    laptop.check("board after the judge's save")

    # She finishes and locks the set; the results page draws its charts with the vendored Chart.js.
    response = http.put(
        f"{j}/api/v1/ideas/{idea_id}/scores",
        headers={**staff["judge"], "Idempotency-Key": f"board-rest-{idea_id}"},
        json={"scores": [{"criterion": "hemat_biaya", "value": 3, "comment": None},
                         {"criterion": "kepraktisan", "value": 5, "comment": None}]},
    )  # fmt: skip
    assert response.status_code == 200, response.text
    assert http.post(f"{j}/api/v1/ideas/{idea_id}/scores/submit", headers=staff["judge"]).status_code == 200
    # (the state stays "being scored" while another judge of the round has not scored it: only her own is asserted)
    expect(row.locator('[data-cell="judges"]')).to_contain_text("Juri Bappeda: Terkunci", timeout=2_000)
    page.get_by_role("link", name="Hasil penilaian").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hasil penilaian")
    result = page.locator(f'tr[data-idea="{idea_id}"]')
    expect(result).to_contain_text("Gagasan pelayanan nomor 7")
    expect(result.locator('[data-cell="raw"]')).not_to_have_text("–")
    drawn = "() => [...document.querySelectorAll('canvas[data-chart]')].map(c => !!window.Chart.getChart(c))"
    assert page.evaluate(drawn) == [True, True, True]
    expect(page.locator("tr[data-judge]", has_text="Juri Bappeda")).to_have_count(1)
    laptop.check("results with charts")
    laptop.context.close()
