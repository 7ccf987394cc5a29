"""The committee prepares the auditions from the pages alone, in Chromium against the real stack: the audition
rubric (a sum that is not 100 refused next to its field), advancing ideas from screening after a confirmation,
an audition day with a break and two rooms, automatic assignment, a slot moved (a refusal first), a panel
proposal adjusted and confirmed, the day's jadwal.pdf, declarations and exclusions. Its own edition (AUD-2026)
and accounts; every step screenshotted and checked by axe-core."""

from __future__ import annotations

import io

import httpx
import pytest
from playwright.sync_api import Browser, expect
from pypdf import PdfReader

from tests.e2e.browser import visitor
from tests.e2e.web.steps import PASSWORD, eligible_idea, opened_edition, sign_in
from tests.support import RunningStack, login

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

EDITION = "AUD-2026"
ROOMS = ("Pendopo Manggala Praja", "Ruang Rapat Bappeda")


@pytest.fixture(scope="module")
def committee(running_stack: RunningStack, http: httpx.Client) -> dict[str, str]:
    """Its own committee member, three judges (one of the participants' agency) and the edition AUD-2026."""
    s = running_stack.urls["submission"]
    running_stack.create_user(
        role="committee", email="panitia.audisi@web.test", password=PASSWORD, name="Panitia Audisi", agency="BKPSDM"
    )
    for email, name, agency in (
        ("juri.audisi.bappeda@trenggalekkab.go.id", "Dr. Sari Bappeda", "BAPPEDA"),
        ("juri.audisi.dinkes@trenggalekkab.go.id", "Ir. Bambang Dinkes", "DINKES"),
        ("juri.audisi.panggul@trenggalekkab.go.id", "Drs. Wahyu Panggul", "KEC-PANGGUL"),
    ):
        running_stack.create_user(role="judge", email=email, password=PASSWORD, name=name, agency=agency)
    headers = login(http, s, "panitia.audisi@web.test", PASSWORD)
    opened_edition(running_stack, http, headers, EDITION, "Audisi uji halaman panitia")
    return headers


def test_the_committee_prepares_the_auditions_from_the_pages(
    running_stack: RunningStack, http: httpx.Client, committee: dict[str, str], browser: Browser
) -> None:
    j = running_stack.urls["judging"]
    # Three ideas of AUD-2026, screened eligible, known to judging.
    ideas = [
        eligible_idea(running_stack, http, {"committee": committee}, n, edition_code=EDITION, extra_answers={},
                      title=f"Layanan jemput bola nomor {n - 100}")
        for n in (101, 102, 103)
    ]  # fmt: skip
    panitia = visitor(browser, running_stack.urls["web"], "committee-audition")
    page = panitia.page
    page.goto(f"/panitia/rubrik?edisi={EDITION}&babak=audition")
    sign_in(page, "panitia.audisi@web.test")
    expect(page.get_by_role("heading", level=1)).to_have_text("Rubrik penilaian")
    panitia.check("empty rubric")

    # The audition rubric: weights that add up to 90 are refused, with the API's words on the page.
    for n, (key, name, weight) in enumerate((("kecepatan", "Kecepatan layanan", "60"), ("hemat", "Hemat biaya", "30"))):
        page.locator(f"#c{n}-key").fill(key)
        page.locator(f"#c{n}-name").fill(name)
        page.locator(f"#c{n}-weight").fill(weight)
    page.locator("#c0-levels").fill("1: Tidak ada perubahan\n5: Selesai hari itu juga")
    page.get_by_role("button", name="Simpan rubrik").click()
    expect(page.get_by_role("alert")).to_contain_text("100")
    panitia.check("rubric refused")
    page.locator("#c1-weight").fill("40")
    page.get_by_role("button", name="Simpan rubrik").click()
    expect(page.get_by_role("status")).to_have_text("Rubrik tersimpan.")
    expect(page.locator("#c0-levels")).to_have_value("1: Tidak ada perubahan\n5: Selesai hari itu juga")
    panitia.check("rubric saved")
    rubric = http.get(f"{j}/api/v1/editions/{EDITION}/rubric", headers=committee).json()
    assert [(c["key"], c["weight"]) for c in rubric["criteria"]] == [("kecepatan", 60), ("hemat", 40)]

    # Two of the three ideas advance, after the confirmation.
    page.get_by_role("link", name="Loloskan ke audisi").first.click()
    for n in (1, 2):
        page.get_by_label(f"Layanan jemput bola nomor {n}").check()
    page.get_by_role("button", name="Loloskan yang dicentang").click()
    expect(page.get_by_role("heading", level=2, name="Yakin meloloskan gagasan ini ke audisi?")).to_be_visible()
    panitia.check("advance confirmation")
    page.get_by_role("button", name="Ya, loloskan").click()
    expect(page.get_by_role("status")).to_contain_text("2")
    panitia.check("advanced")

    # An audition day with a break and two rooms, then automatic assignment.
    page.get_by_role("link", name="Hari audisi dan panel").first.click()
    page.get_by_label("Tanggal").fill("2026-09-15")
    page.get_by_label("Mulai", exact=True).fill("08:00")
    page.get_by_label("Selesai", exact=True).fill("09:20")
    page.get_by_label("Lama tiap slot (menit)").fill("20")
    page.get_by_label("Ruang", exact=True).fill("\n".join(ROOMS))
    page.locator("#break0_start").fill("08:40")
    page.locator("#break0_end").fill("09:00")
    page.get_by_role("button", name="Buat hari audisi").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Jadwal audisi")
    expect(page.get_by_text("Ishoma: 08.40–09.00")).to_be_visible()
    panitia.check("day created")
    page.get_by_role("link", name="Kembali ke hari audisi").click()
    page.get_by_role("button", name="Tempatkan otomatis").click()
    expect(page.get_by_role("status")).to_contain_text("Gagasan yang mendapat slot: 2")
    panitia.check("assigned")
    page.get_by_role("link", name="Jadwal dan panel hari ini").click()
    pendopo = page.locator(f'section[data-room="{ROOMS[0]}"]')
    expect(pendopo.locator("tbody tr")).to_have_count(3)  # 08.00, 08.20 and 09.00: none in the break
    panitia.check("day schedule")

    # Move the first idea to a free slot of the other room: a reason too short is refused, then it moves.
    slots = http.get(f"{j}/api/v1/editions/{EDITION}/schedule", headers=committee).json()
    first = next(s for s in slots if s["idea_id"] == ideas[0])
    free = next(s for s in slots if s["idea_id"] is None and s["room"] != first["room"])
    row = page.locator(f'tr[data-slot="{first["id"]}"]')
    row.locator("summary").click()
    row.get_by_label("Tempat baru").select_option(free["id"])
    row.get_by_label("Alasan (dikirim ke tim dan juri)").fill("ok")
    row.get_by_role("button", name="Pindahkan").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.locator(f"#reason-{first['id']}-error")).to_be_visible()
    panitia.check("move refused")
    row = page.locator(f'tr[data-slot="{first["id"]}"]')
    row.get_by_label("Alasan (dikirim ke tim dan juri)").fill("Pengusul bertugas pagi di kecamatan")
    row.get_by_role("button", name="Pindahkan").click()
    expect(page.get_by_role("status")).to_contain_text("Slot dipindahkan")
    panitia.check("slot moved")
    moved = http.get(f"{j}/api/v1/editions/{EDITION}/schedule", headers=committee).json()
    assert next(s["id"] for s in moved if s["idea_id"] == ideas[0]) == free["id"]

    # A proposal of one judge per room, with the reasons the others were left out; add one and confirm.
    page.get_by_label("Juri per ruang", exact=True).fill("1")
    page.get_by_role("button", name="Usulkan panel").click()
    expect(page.locator("legend", has_text="usulan").first).to_be_visible()
    panitia.check("panel proposal")
    forms = [page.locator(f'form.panel-form[data-room="{room}"]') for room in ROOMS]
    for form in forms:
        form.locator("summary").click()
        expect(form.locator(".left-out li").first).to_be_visible()
    expect(page.locator("form.panel-form .left-out").first).to_contain_text("Drs. Wahyu Panggul")
    proposed = [form.locator("input[type=checkbox]:checked").count() for form in forms]
    assert proposed == [1, 1]
    extra = forms[0].locator("input[type=checkbox]:not(:checked)").first
    extra_label = forms[0].locator(f'label[for="{extra.get_attribute("id")}"]').inner_text()
    extra.check()
    forms[0].get_by_role("button", name=f"Simpan panel {ROOMS[0]}").click()
    expect(page.get_by_role("status")).to_have_text("Panel ruang disimpan.")
    page.get_by_label("Juri per ruang", exact=True).fill("1")
    page.get_by_role("button", name="Usulkan panel").click()
    page.locator(f'form.panel-form[data-room="{ROOMS[1]}"]').get_by_role(
        "button", name=f"Simpan panel {ROOMS[1]}"
    ).click()
    expect(page.get_by_role("status")).to_have_text("Panel ruang disimpan.")
    expect(page.locator(f'section[data-room="{ROOMS[0]}"]')).to_contain_text(extra_label.split(" · ")[0])
    panitia.check("panels confirmed")
    days = http.get(f"{j}/api/v1/editions/{EDITION}/audition-days", headers=committee).json()
    assert sorted(len(r["judges"]) for r in days[0]["rooms"]) == [1, 2]

    # The day's printable schedule names both rooms.
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh jadwal (PDF)").click()
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert all(room in text for room in ROOMS), text

    page.get_by_role("link", name="Pernyataan dan pengecualian").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pernyataan dan pengecualian")
    expect(page.get_by_role("cell", name="Belum menyatakan").first).to_be_visible()
    panitia.check("declarations and exclusions")
    panitia.context.close()
