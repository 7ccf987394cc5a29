"""The committee sets up an edition from the pages alone (Debian's Chromium through Playwright, the real stack):
a new edition with an extra question, participants imported from a file (a bad row reported, the fixed file
imported), the screening queue (one idea eligible, one not eligible with the reason its proposer then reads),
and the edition's chart of ideas per position group and status. Its own edition and accounts: nothing that
tests/e2e/web/test_journeys.py uses is touched."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, expect

from shared.clock import WIB
from tests.e2e.browser import visitor
from tests.e2e.web.steps import PASSWORD, registered, sign_in, submitted_idea
from tests.support import RunningStack, login, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CODE = "UJI-PANITIA-2027"
HEADER = "nip,nama,email,kelompok_jabatan,kode_opd\n"
# Two ASN of Kecamatan Panggul (NIP: born 15 February 1990, appointed April 2015, male then female).
PEOPLE = (
    ("199002152015041071", "Bayu Panggul", "bayu.edisi@web.test"),
    ("199002152015042072", "Ratna Panggul", "ratna.edisi@web.test"),
)


def _csv(rows: list[tuple[str, str, str, str]]) -> bytes:
    return (
        HEADER + "".join(f"{nip},{name},{email},pelaksana,{agency}\n" for nip, name, email, agency in rows)
    ).encode()


def test_the_committee_sets_up_an_edition_imports_participants_and_screens_their_ideas(
    running_stack: RunningStack, http: httpx.Client, browser: Browser, tmp_path: Path
) -> None:
    running_stack.create_user(
        role="committee", email="panitia.edisi@web.test", password=PASSWORD, name="Panitia Edisi", agency="BKPSDM"
    )
    member = visitor(browser, running_stack.urls["web"], "committee-edition")
    page = member.page
    page.goto("/panitia")
    sign_in(page, "panitia.edisi@web.test")
    expect(page.get_by_role("heading", level=1)).to_have_text("Edisi Audisi")
    member.check("editions")

    # A new edition whose submission opened yesterday (written in WIB), with one extra question.
    page.get_by_role("link", name="Buat edisi baru").click()
    now = datetime.now(UTC).astimezone(WIB)
    page.get_by_label("Kode edisi").fill(CODE)
    page.get_by_label("Nama edisi").fill("Audisi Uji Panitia 2027")
    page.get_by_label("Tahun").fill("2027")
    page.get_by_label("Pengajuan dibuka").fill((now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Pengajuan ditutup").fill((now + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Tambah pertanyaan").click()
    # The key the API refuses (capitals and a space) is shown next to its field.
    page.get_by_label("Kunci").fill("Lokasi Uji")
    page.get_by_label("Pertanyaan (Bahasa Indonesia)").fill("Di mana gagasan ini akan diuji coba?")
    page.get_by_label("Pertanyaan (English)").fill("Where will the idea be piloted?")
    page.get_by_label("Jenis jawaban").select_option("choice")
    page.get_by_label("Pilihan jawaban (satu per baris)").fill("Panggul\nWatulimo")
    page.get_by_label("Wajib dijawab").check()
    page.get_by_role("button", name="Simpan edisi").click()
    expect(page.get_by_role("alert")).to_contain_text("Ada yang perlu diperbaiki")
    expect(page.locator("[id='extra_questions.0.key-error']")).to_be_visible()
    member.check("edition refused at the question key")
    page.get_by_label("Kunci").fill("lokasi_uji")
    page.get_by_role("button", name="Simpan edisi").click()
    expect(page.get_by_role("status")).to_have_text("Edisi tersimpan.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Audisi Uji Panitia 2027")
    expect(page.locator("[data-phase]")).to_have_text("Pengajuan dibuka sekarang")
    expect(page.locator("[data-question='lokasi_uji']")).to_contain_text("Di mana gagasan ini akan diuji coba?")
    member.check("edition with its timeline")

    # The import: a file with a bad row is reported row by row and nothing is imported; the fixed file is.
    page.get_by_role("link", name="Impor peserta").click()
    bad = tmp_path / "peserta-salah.csv"
    bad.write_bytes(_csv([(PEOPLE[0][0], PEOPLE[0][1], PEOPLE[0][2], "KEC-PANGGUL"),
                          (PEOPLE[1][0], PEOPLE[1][1], PEOPLE[1][2], "KEC-ENTAH")]))  # fmt: skip
    page.get_by_label("Berkas CSV atau XLSX").set_input_files(str(bad))
    page.get_by_role("button", name="Periksa berkas").click()
    expect(page.locator("#laporan-impor")).to_contain_text("Belum ada yang diimpor")
    row = page.locator("tr[data-line='3']")
    expect(row).to_contain_text("Kode OPD")
    expect(row).to_contain_text("kode perangkat daerah 'KEC-ENTAH' tidak dikenal")
    expect(page.get_by_role("button", name="Impor sekarang")).to_have_count(0)
    member.check("import report with a bad row")
    good = tmp_path / "peserta.csv"
    good.write_bytes(_csv([(nip, name, email, "KEC-PANGGUL") for nip, name, email in PEOPLE]))
    page.get_by_label("Berkas CSV atau XLSX").set_input_files(str(good))
    page.get_by_role("button", name="Periksa berkas").click()
    expect(page.locator("#laporan-impor")).to_contain_text("Berkas bersih.")
    member.check("clean file awaiting confirmation")
    page.get_by_label("Saya yakin: impor peserta dari berkas ini sekarang").check()
    page.get_by_role("button", name="Impor sekarang").click()
    expect(page.locator("[data-count='created']")).to_have_text("2")
    member.check("participants imported")

    # Both claim their imported accounts, then submit an idea each (through the API).
    ideas = []
    for (nip, name, email), title in zip(
        PEOPLE, ("Surat pengantar lewat WhatsApp", "Jadwal ambil surat pengantar daring"), strict=True
    ):
        registered(running_stack, http, nip, name, email)
        fields = {"edition_code": CODE, "title": title, "target_agency_code": "KEC-PANGGUL",
                  "extra_answers": {"lokasi_uji": "Panggul"}}  # fmt: skip
        ideas.append(submitted_idea(running_stack, http, nip, fields))

    # The screening queue: one at a time with the similar ideas beside it, the count of what is left.
    page.goto(f"/panitia/seleksi?edisi={CODE}&kelompok=pelaksana")
    expect(page.locator("#sisa-antrean")).to_have_attribute("data-left", "2")
    expect(page.get_by_role("heading", name="Gagasan yang mirip")).to_be_visible()
    member.check("screening queue")
    first = page.locator("#gagasan").get_attribute("data-idea")
    page.get_by_label("Memenuhi syarat", exact=True).check()
    page.get_by_role("button", name="Simpan dan lanjut").click()
    expect(page.get_by_role("status")).to_have_text("Gagasan dinyatakan memenuhi syarat.")
    expect(page.locator("#sisa-antrean")).to_have_attribute("data-left", "1")
    second = page.locator("#gagasan").get_attribute("data-idea")
    assert {first, second} == set(ideas)
    # Not eligible without a reason is refused at the reason; with one, the queue is empty.
    page.get_by_label("Tidak memenuhi syarat", exact=True).check()
    page.get_by_role("button", name="Simpan dan lanjut").click()
    expect(page.locator("#reason-error")).to_be_visible()
    member.check("a reason is required")
    reason = "Gagasan sama dengan gagasan rekan satu kecamatan yang sudah lolos."
    page.get_by_label("Alasan").fill(reason)
    page.get_by_role("button", name="Simpan dan lanjut").click()
    expect(page.locator("#sisa-antrean")).to_have_attribute("data-left", "0")
    expect(page.get_by_text("Semua gagasan yang terkirim sudah diseleksi.")).to_be_visible()
    member.check("queue empty")
    s = running_stack.urls["submission"]
    proposer = PEOPLE[ideas.index(str(second))][0]
    seen: Any = http.get(f"{s}/api/v1/ideas/{second}", headers=login(http, s, proposer, PASSWORD)).json()
    assert (seen["status"], seen["screening"]["reason"]) == ("not_eligible", reason)

    # The edition's chart draws the two ideas of the pelaksana group, one per status.
    page.get_by_role("link", name="Lihat edisi").click()
    wait_until(
        lambda: (
            page.evaluate(
                "() => { const c = window.Chart && Chart.getChart(document.querySelector('canvas[data-chart]'));"
                " return !!c && c.data.datasets.length; }"
            )
            == 2
        ),
        what="the chart to draw",
    )
    expect(page.locator("table.status-table")).to_contain_text("Pelaksana")
    member.check("edition chart")
    member.context.close()
