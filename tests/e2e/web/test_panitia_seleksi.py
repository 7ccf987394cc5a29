"""The committee from results to publication in a browser, on an edition of its own (SEL-2026): five ideas in two
position groups scored by three judges through the APIs; the committee sets the quotas, reviews the proposal,
selects one idea outside the quota with a reason, publishes behind the confirmation, sees the agencies' tickets
charted, and downloads the recap (read with openpyxl) and the berita acara (read with pypdf). The results page
with its charts is kept for the README: in the screenshots folder, or as docs/screenshots/hasil-penilaian.png itself
with `REFRESH_DOCS_SCREENSHOTS=1` (a test run leaves the checkout as it found it)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, ViewportSize, expect
from pypdf import PdfReader

from audisi.services import ROOT
from tests.e2e.browser import SCREENSHOTS, Visitor, visitor
from tests.e2e.web.steps import PASSWORD, RUBRIC, eligible_idea, opened_edition, sign_in
from tests.support import RunningStack, login, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

EDITION = "SEL-2026"
COMMITTEE = "panitia-seleksi@web.test"
SCREENSHOT = (
    ROOT / "docs" / "screenshots" if os.environ.get("REFRESH_DOCS_SCREENSHOTS") else SCREENSHOTS / "readme"
) / "hasil-penilaian.png"
#: (title, position group, agency the idea proposes, each judge's scores on the three criteria)
IDEAS = (
    ("Antrean KTP-el lewat WhatsApp", "pelaksana", "DISDUKCAPIL", ((5, 4, 5), (4, 4, 4), (5, 5, 4))),
    ("Akta kelahiran langsung dari puskesmas", "pelaksana", "DISDUKCAPIL", ((4, 4, 4), (4, 3, 4), (4, 4, 5))),
    ("Posyandu mencatat gizi balita secara daring", "pelaksana", "DINKES", ((3, 3, 4), (4, 3, 3), (3, 4, 3))),
    ("Pengawasan jalan desa dengan foto warga", "pengawas", "DPUPR", ((5, 5, 4), (4, 5, 5), (5, 4, 4))),
    ("Jadwal pengangkutan sampah di peta", "pengawas", "DLH", ((3, 2, 3), (3, 3, 2), (2, 3, 3))),
)
JUDGES = (("Dr. Sari Wulandari", "BAPPEDA"), ("Ir. Bambang Hartono", "BKPSDM"), ("Dra. Lestari Ningsih", "DISKOMINFO"))


def _edition(running_stack: RunningStack, http: httpx.Client) -> tuple[dict[str, str], list[dict[str, str]]]:
    """Its own admin, committee member, three judges and edition with the shared rubric; returns their headers."""
    s, j = running_stack.urls["submission"], running_stack.urls["judging"]
    running_stack.create_user(role="admin", email="admin-seleksi@web.test", password=PASSWORD, name="Admin Seleksi")
    admin = login(http, s, "admin-seleksi@web.test", PASSWORD)
    people = [("committee", COMMITTEE, "Panitia Seleksi", "BKPSDM")] + [
        ("judge", f"juri-seleksi-{n}@web.test", name, agency) for n, (name, agency) in enumerate(JUDGES, start=1)
    ]
    for role, email, name, agency in people:
        response = http.post(
            f"{s}/api/v1/accounts",
            headers=admin,
            json={"role": role, "email": email, "name": name, "password": PASSWORD, "agency_code": agency},
        )
        assert response.status_code == 201, response.text
    committee = login(http, s, COMMITTEE, PASSWORD)
    opened_edition(running_stack, http, committee, EDITION, "Audisi seleksi 2026")
    assert http.put(f"{j}/api/v1/editions/{EDITION}/rubric", headers=committee, json=RUBRIC).status_code == 200
    judges = [login(http, s, f"juri-seleksi-{n}@web.test", PASSWORD) for n in range(1, len(JUDGES) + 1)]
    for judge in judges:
        response = http.post(f"{j}/api/v1/editions/{EDITION}/declaration", headers=judge, json={"conflicts": []})
        assert response.status_code == 200, response.text
    return committee, judges


def _score(http: httpx.Client, j: str, judges: list[dict[str, str]], ideas: list[str]) -> None:
    """Each judge scores and locks every idea, as IDEAS says."""
    for n, idea_id in enumerate(ideas):
        for judge, values in zip(judges, IDEAS[n][3], strict=True):
            scores = [
                {"criterion": key, "value": value, "comment": None}
                for key, value in zip(("kecepatan", "hemat_biaya", "kepraktisan"), values, strict=True)
            ]
            response = http.put(
                f"{j}/api/v1/ideas/{idea_id}/scores",
                headers={**judge, "Idempotency-Key": f"seleksi-{idea_id}-{judge['Authorization'][-12:]}"},
                json={"scores": scores},
            )
            assert response.status_code == 200, response.text
            assert http.post(f"{j}/api/v1/ideas/{idea_id}/scores/submit", headers=judge).status_code == 200


def _download(member: Visitor, name: str) -> bytes:
    """Click a download link of the page; what the browser saved."""
    with member.page.expect_download() as info:
        member.page.get_by_role("link", name=name).click()
    return Path(info.value.path()).read_bytes()


def _readme_screenshot(page: Page) -> None:
    """The whole page in a viewport as tall as it: a full-page capture resizes the viewport while it shoots, and
    the charts, redrawn for that moment, come out smaller than the page around them."""
    for _ in range(2):  # the charts redraw at the new width, which changes the page's height once more
        height = int(page.evaluate("document.documentElement.scrollHeight"))
        page.set_viewport_size({"width": 1280, "height": height})
        page.wait_for_timeout(500)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))
    page.set_viewport_size({"width": 1280, "height": 900})


def _charts_drawn(page: Page) -> list[bool]:
    return list(
        page.evaluate("() => [...document.querySelectorAll('canvas[data-chart]')].map(c => !!window.Chart.getChart(c))")
    )


def test_the_committee_sets_quotas_adjusts_with_a_reason_publishes_and_downloads_the_recap(
    running_stack: RunningStack, http: httpx.Client, browser: Browser
) -> None:
    j = running_stack.urls["judging"]
    committee, judges = _edition(running_stack, http)
    ideas = [
        eligible_idea(running_stack, http, {"committee": committee}, 201 + n, position_group=group,
                      edition_code=EDITION, extra_answers={}, title=title, target_agency_code=agency)
        for n, (title, group, agency, _) in enumerate(IDEAS)
    ]  # fmt: skip
    response = http.post(
        f"{j}/api/v1/editions/{EDITION}/audition-days",
        headers=committee,
        json={"day": "2026-08-11", "start": "09:00", "end": "10:00", "slot_minutes": 10, "rooms": ["Pendopo Manggala"]},
    )
    assert response.status_code == 201, response.text
    assert http.post(f"{j}/api/v1/editions/{EDITION}/schedule/assign", headers=committee).status_code == 200

    member = visitor(browser, running_stack.urls["web"], "committee-selection", ViewportSize(width=1280, height=900))
    page = member.page
    page.goto(f"/panitia/penetapan?edisi={EDITION}")
    sign_in(page, COMMITTEE)
    expect(page.get_by_role("heading", level=1)).to_have_text("Seleksi dan penerbitan")
    member.check("selection rules before scoring")

    # Before scoring: two of the executors, one of the supervisors; no reason needed yet.
    page.get_by_label("Pelaksana", exact=True).fill("2")
    page.get_by_label("Pengawas", exact=True).fill("1")
    page.get_by_label("Penentu ke-1").select_option("calibrated_score")
    page.get_by_role("button", name="Simpan aturan").click()
    expect(page.get_by_role("status")).to_have_text("Aturan seleksi tersimpan; usulan di bawah dihitung ulang.")
    expect(page.get_by_label("Pelaksana", exact=True)).to_have_value("2")
    member.check("rules saved")

    _score(http, j, judges, ideas)

    page.goto(f"/panitia/hasil?edisi={EDITION}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hasil penilaian")
    expect(page.locator("tr[data-judge]")).to_have_count(3)
    assert _charts_drawn(page) == [True, True, True]
    member.check("results with charts")
    _readme_screenshot(page)

    page.goto(f"/panitia/penetapan?edisi={EDITION}")
    executors = page.locator("section.selection-group", has_text="Pelaksana · kuota 2")
    expect(executors.locator("tbody tr")).to_have_count(3)
    expect(executors.locator("tr.quota-line")).to_have_count(1)
    third = executors.locator(f'tr[data-idea="{ideas[2]}"]')
    expect(third.locator('[data-cell="selection"]')).to_contain_text("Tidak terpilih")
    member.check("proposal per group")

    # The posyandu idea, third of the executors, is selected outside the quota: the reason is required.
    third.get_by_text("Sesuaikan").click()
    third.get_by_label("Keputusan", exact=True).select_option("1")
    third.get_by_role("button", name="Simpan penyesuaian").click()
    expect(page.locator(".error-summary")).to_be_visible()
    third = page.locator(f'tr[data-idea="{ideas[2]}"]')
    expect(third.locator(".error-message")).to_be_visible()
    member.check("adjustment without a reason")
    third.get_by_label("Keputusan", exact=True).select_option("1")
    third.get_by_label("Alasan penyesuaian").fill("Gizi balita prioritas bupati 2026; Dinkes siap mendanai")
    third.get_by_role("button", name="Simpan penyesuaian").click()
    expect(page.get_by_role("status")).to_have_text("Penyesuaian tersimpan beserta alasannya.")
    cell = page.locator(f'tr[data-idea="{ideas[2]}"] [data-cell="selection"]')
    expect(cell).to_contain_text("Terpilih")
    expect(cell).to_contain_text("Pengecualian")
    expect(cell).to_contain_text("Gizi balita prioritas bupati 2026")
    member.check("adjustment with its reason")

    page.get_by_role("link", name="Lanjut ke penerbitan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Terbitkan keputusan")
    expect(page.locator(".panel")).to_contain_text("4 gagasan terpilih: tiap gagasan mendapat tiket")
    expect(page.locator(".panel")).to_contain_text("Setiap tim pengusul diberi tahu hasilnya")
    page.get_by_label("Target selesai pelaksanaan").fill("2027-06-30")
    page.get_by_role("button", name="Terbitkan sekarang").click()
    expect(page.locator("#confirm-error")).to_have_text("Centang pernyataan bahwa Anda memahami akibat penerbitan.")
    member.check("publish refused without the confirmation")
    page.get_by_label("Target selesai pelaksanaan").fill("2027-06-30")
    page.get_by_label("Saya memahami").check()
    page.get_by_role("button", name="Terbitkan sekarang").click()
    expect(page.get_by_role("status")).to_contain_text("Keputusan diterbitkan.")
    expect(page.get_by_role("heading", name="Keputusan sudah diterbitkan")).to_be_visible()
    expect(page.get_by_role("link", name="Lanjut ke penerbitan")).to_have_count(0)
    expect(page.locator("form.adjust-form")).to_have_count(0)
    member.check("published")

    # The agencies' tickets come from the decisions' events: the chart shows them once they are made.
    page.get_by_role("link", name="Lihat tiket pelaksanaan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pelaksanaan gagasan")

    def tickets_shown() -> bool:
        page.reload()
        return page.locator("#jumlah-tiket strong").inner_text() == "4"

    wait_until(tickets_shown, what="the four tickets on the page", every=1.0)
    expect(page.locator('tr[data-agency="DINKES"]')).to_contain_text("1")
    expect(page.locator('tr[data-agency="DISDUKCAPIL"] td').last).to_have_text("2")
    assert _charts_drawn(page) == [True, True]
    member.check("tickets charted")

    page.goto(f"/panitia/dokumen?edisi={EDITION}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Rekap dan dokumen")
    # A selected idea's piagam (the team's) and each of its members', with the public check of each code.
    expect(page.locator("td a", has_text="Periksa").first).to_be_visible()
    member.check("documents")
    workbook = load_workbook(io.BytesIO(_download(member, "Rekap nilai (Excel, satu lembar per kelompok jabatan)")))
    assert workbook["Pelaksana"]["A1"].value == f"Rekap nilai {EDITION} — kelompok Pelaksana"
    minutes = PdfReader(io.BytesIO(_download(member, "Berita acara penilaian audisi (PDF)")))
    text = " ".join(p.extract_text() for p in minutes.pages)
    assert "BERITA ACARA PENILAIAN" in text
    assert "Gizi balita prioritas bupati 2026" in text
    member.check("after the downloads")
    member.context.close()
