"""The committee's edition pages: the home with each edition's window and counts, an edition's setup (timeline in
WIB, groups, extra questions added, moved and removed without script, the API's refusals at their fields), its
page with the chart, the participant import (dry run, row by row, then a confirmed import) and the screening
queue. The submission service is a recording stand-in that refuses as the real one does."""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from services.web.app import create_app
from services.web.backend import Backend
from services.web.security import LANGUAGE_COOKIE, SESSION_COOKIE
from services.web.tests.test_app import SETTINGS

PANITIA = {"id": "u1", "role": "committee", "name": "Panitia", "email": "panitia@x.id", "agency_code": "BKPSDM",
           "nip": None}  # fmt: skip
PESERTA = {"id": "u2", "role": "participant", "name": "Sari", "email": "sari@x.id", "agency_code": "DISDUKCAPIL",
           "nip": "198507142010012003"}  # fmt: skip
IDEA_A = "1dea0000-0000-4000-8000-00000000000a"
IDEA_B = "1dea0000-0000-4000-8000-00000000000b"
EDITION: dict[str, Any] = {
    "id": "e1", "code": "UJI-2027", "name": "Audisi Uji 2027", "year": 2027,
    "submission_opens_at": "2027-01-31T17:00:00Z", "submission_closes_at": "2027-02-28T09:00:00Z",
    "grace_period_minutes": 30, "screening_opens_at": None, "screening_closes_at": None,
    "auditions_start_at": None, "auditions_end_at": None, "decisions_at": None,
    "position_groups": ["pengawas", "pelaksana"], "max_ideas_per_participant": 2,
    "extra_questions": [{"key": "lokasi", "label": "Lokasi uji coba", "label_en": "Pilot site", "kind": "choice",
                         "required": True, "choices": ["Watulimo", "Panggul"], "max_length": 2000}],
    "phase": "submission_open",
    "timeline_wib": {"submission_opens": "01-02-2027 00:00 WIB", "submission_closes": "28-02-2027 16:00 WIB"},
}  # fmt: skip
SUMMARY = {"code": "UJI-2027", "phase": "submission_open", "participants_with_ideas": 3,
           "ideas_by_status": {"submitted": 2, "eligible": 1},
           "ideas_by_group_and_status": {"pelaksana": {"submitted": 2}, "pengawas": {"eligible": 1}}}  # fmt: skip


def _error(status: int, code: str, message: str, details: object = None) -> httpx.Response:
    return httpx.Response(status, json={"error": {"code": code, "message": message, "details": details}})


def _idea(idea_id: str, title: str) -> dict[str, Any]:
    return {"id": idea_id, "edition_code": "UJI-2027", "status": "submitted", "title": title,
            "problem": "Antrean panjang", "solution": "Daring", "beneficiaries": "Warga", "position_group": "pelaksana",
            "proposer": {"participant_id": "p1", "name": "Sari", "nip": "1", "agency_code": "DISDUKCAPIL"},
            "team": [], "extra_answers": {"lokasi": "Watulimo", "lama": "x"}, "submitted_at": "2027-02-10T03:00:00Z",
            "submitted_late": False}  # fmt: skip


class FakeSubmission:
    """The submission service's editions, import, ideas and screening as these pages use them."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, Any]] = []
        self.waiting = [IDEA_A, IDEA_B]
        self.files: list[bytes] = []

    def sent(self, method: str, path: str) -> list[Any]:
        return [body for m, p, body in self.calls if (m, p) == (method, path)]

    def handle(self, request: httpx.Request) -> httpx.Response:
        path, method = request.url.path, request.method
        is_json = request.headers.get("content-type", "").startswith("application/json")
        body: Any = json.loads(request.content) if is_json and request.content else dict(request.url.params)
        self.calls.append((method, path, body))
        user = {"tok-panitia": PANITIA, "tok-peserta": PESERTA}.get(
            (request.headers.get("authorization") or "").removeprefix("Bearer ")
        )
        if user is None:
            return _error(401, "unauthenticated", "Sesi berakhir")
        if path == "/api/v1/auth/me":
            return httpx.Response(200, json=user)
        if user is not PANITIA:
            return _error(403, "forbidden", "Khusus panitia")
        if path == "/api/v1/editions" and method == "GET":
            return httpx.Response(200, json=[EDITION])
        if path == "/api/v1/editions" and method == "POST":
            if body["extra_questions"] and body["extra_questions"][0]["key"] == "Salah Kunci":
                return _error(422, "validation_error", "Data tidak valid", [
                    {"field": "extra_questions.0.key", "message": "tidak sesuai pola"},
                    {"field": "submission_closes_at", "message": "wajib diisi"}])  # fmt: skip
            return httpx.Response(201, json={**EDITION, **body})
        if path == "/api/v1/editions/UJI-2027" and method == "PATCH" and body.get("decisions_at") == "2027-01-01T08:00":
            rule = {
                "fields": ["submission_closes_at", "decisions_at"],
                "rule": "Keputusan diumumkan sesudah pengajuan ditutup",
            }
            return _error(422, "invalid_timeline", "Urutan jadwal edisi tidak masuk akal", [rule])
        if path == "/api/v1/editions/UJI-2027" and method == "PATCH" and body.get("submission_closes_at", 1) is None:
            return _error(422, "validation_error", "Isian tidak valid",
                          [{"field": "submission_closes_at", "message": "wajib diisi"}])  # fmt: skip
        if path == "/api/v1/editions/UJI-2027" and method in ("GET", "PATCH"):
            return httpx.Response(200, json=EDITION)
        if path == "/api/v1/editions/UJI-2027/summary":
            return httpx.Response(200, json=SUMMARY)
        if path == "/api/v1/participants/import":
            content = request.content
            self.files.append(content)
            dry = request.url.params["dry_run"] == "true"
            if b"PK\x03\x04" in content:
                return _error(422, "unreadable_import", "Berkas impor tidak dapat dibaca", {
                    "reason": "the file is not a readable XLSX workbook",
                    "reason_id": "berkas bukan buku kerja XLSX yang dapat dibaca"})  # fmt: skip
            if b"19850714BAD" in content:
                errors = [{"line": 3, "field": "nip", "reason": "NIP must be exactly 18 digits",
                           "reason_id": "NIP harus tepat 18 angka"},
                          {"line": 3, "field": "agency_code", "reason": "unknown agency code 'XYZ'",
                           "reason_id": "kode perangkat daerah 'XYZ' tidak dikenal"}]  # fmt: skip
                return httpx.Response(200, json={"dry_run": dry, "imported": False, "total_rows": 2, "created": 0,
                                                 "updated": 0, "unchanged": 0, "errors": errors})  # fmt: skip
            return httpx.Response(200, json={"dry_run": dry, "imported": not dry, "total_rows": 2, "created": 2,
                                             "updated": 0, "unchanged": 0, "errors": []})  # fmt: skip
        if path == "/api/v1/ideas" and method == "GET":
            items = [{"id": i} for i in self.waiting[:1]]
            return httpx.Response(200, json={"items": items, "total": len(self.waiting), "page": 1, "page_size": 1})
        for idea_id, title in ((IDEA_A, "Antrean KTP daring"), (IDEA_B, "KTP tanpa antre")):
            if path == f"/api/v1/ideas/{idea_id}":
                return httpx.Response(200, json=_idea(idea_id, title))
            if path == f"/api/v1/ideas/{idea_id}/similar":
                other = IDEA_B if idea_id == IDEA_A else IDEA_A
                return httpx.Response(200, json={"similar_exist": True, "ideas": [
                    {"id": other, "title": "Mirip <sekali>", "status": "submitted", "proposer_agency_code": "DPMPTSP",
                     "score": 0.734}]})  # fmt: skip
            if path == f"/api/v1/ideas/{idea_id}/screening":
                if not body["eligible"] and not body["reason"]:
                    return _error(422, "reason_required", "Alasan wajib diisi bila gagasan tidak memenuhi syarat",
                                  [{"field": "reason", "message": "wajib diisi"}])  # fmt: skip
                self.waiting.remove(idea_id)
                return httpx.Response(200, json={**_idea(idea_id, title), "status": "eligible"})
        return _error(404, "not_found", "Tidak ditemukan")


@pytest.fixture
def submission() -> FakeSubmission:
    return FakeSubmission()


@pytest.fixture
def panitia(submission: FakeSubmission) -> Iterator[TestClient]:
    backend = Backend(SETTINGS, transport=httpx.MockTransport(submission.handle))
    with TestClient(create_app(SETTINGS, backend), follow_redirects=False) as client:
        client.cookies.set(SESSION_COOKIE, "tok-panitia")
        yield client


def _csrf(client: TestClient, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200, page.text
    return str(page.text.split('name="csrf_token" value="')[1].split('"')[0])


def _edition_form(token: str, **more: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "csrf_token": token, "code": "uji-2028", "name": "Audisi Uji 2028", "year": "2028",
        "submission_opens_at": "2028-02-01T08:00", "submission_closes_at": "2028-02-28T16:00",
        "grace_period_minutes": "30", "max_ideas_per_participant": "2", "position_groups": ["pelaksana", "pengawas"],
        "q-count": "2",
        "q-0-key": "lokasi", "q-0-label": "Lokasi uji coba", "q-0-label_en": "", "q-0-kind": "choice",
        "q-0-choices": "Watulimo\n Panggul \n", "q-0-required": "1",
        "q-1-key": "biaya", "q-1-label": "Perkiraan biaya", "q-1-label_en": "Estimated cost", "q-1-kind": "number",
        "q-1-choices": "",
    }  # fmt: skip
    return {**form, **more}


def test_the_home_lists_each_edition_with_its_window_and_counts_and_the_committee_nav(panitia: TestClient) -> None:
    page = panitia.get("/panitia")
    assert page.status_code == 200, page.text
    row = page.text.split('data-edition="UJI-2027"')[1].split("</tr>")[0]
    assert '<a href="/panitia/edisi/UJI-2027">Audisi Uji 2027</a>' in row
    assert '<td data-cell="phase">Pengajuan dibuka sekarang</td>' in row
    assert '<td data-cell="ideas">3</td>' in row
    assert '<a href="/panitia/seleksi?edisi=UJI-2027">2</a>' in row
    nav = page.text.split('aria-label="Menu panitia"')[1].split("</nav>")[0]
    for link in ("/panitia", "/panitia/peserta/impor", "/panitia/seleksi", "/panitia/papan", "/panitia/hasil"):
        assert f'href="{link}"' in nav
    assert 'href="/panitia/edisi/baru"' in page.text


def test_only_the_committee_sees_these_pages(panitia: TestClient) -> None:
    panitia.cookies.set(SESSION_COOKIE, "tok-peserta")
    for path in ("/panitia", "/panitia/edisi/baru", "/panitia/peserta/impor", "/panitia/seleksi?edisi=UJI-2027"):
        assert panitia.get(path).status_code == 403, path
    panitia.cookies.delete(SESSION_COOKIE)
    assert panitia.get("/panitia").headers["location"] == "/masuk?next=/panitia"


def test_a_new_edition_is_sent_with_times_as_written_in_wib_and_its_questions(
    panitia: TestClient, submission: FakeSubmission
) -> None:
    token = _csrf(panitia, "/panitia/edisi/baru")
    saved = panitia.post("/panitia/edisi/baru", data=_edition_form(token, aksi="simpan"))
    assert saved.status_code == 303, saved.text
    assert saved.headers["location"] == "/panitia/edisi/UJI-2028?pesan=disimpan"
    [body] = submission.sent("POST", "/api/v1/editions")
    assert body["code"] == "UJI-2028"
    assert body["year"] == 2028
    assert (body["submission_opens_at"], body["submission_closes_at"]) == ("2028-02-01T08:00", "2028-02-28T16:00")
    assert "screening_opens_at" not in body
    assert body["position_groups"] == ["pelaksana", "pengawas"]
    assert body["extra_questions"] == [
        {"key": "lokasi", "label": "Lokasi uji coba", "label_en": None, "kind": "choice", "required": True,
         "choices": ["Watulimo", "Panggul"]},
        {"key": "biaya", "label": "Perkiraan biaya", "label_en": "Estimated cost", "kind": "number",
         "required": False, "choices": []},
    ]  # fmt: skip


def test_question_rows_are_added_moved_and_removed_without_saving(
    panitia: TestClient, submission: FakeSubmission
) -> None:
    token = _csrf(panitia, "/panitia/edisi/baru")
    moved = panitia.post("/panitia/edisi/baru", data=_edition_form(token, aksi="turun-0")).text
    assert moved.index('value="biaya"') < moved.index('value="lokasi"')
    added = panitia.post("/panitia/edisi/baru", data=_edition_form(token, aksi="tambah")).text
    assert 'name="q-count" value="3"' in added
    assert 'name="q-2-key" value=""' in added
    removed = panitia.post("/panitia/edisi/baru", data=_edition_form(token, aksi="hapus-0")).text
    assert 'value="lokasi"' not in removed
    assert 'name="q-0-key" value="biaya"' in removed
    assert submission.sent("POST", "/api/v1/editions") == []


def test_the_apis_refusals_are_shown_next_to_their_fields(panitia: TestClient) -> None:
    token = _csrf(panitia, "/panitia/edisi/baru")
    page = panitia.post("/panitia/edisi/baru", data=_edition_form(token, **{"q-0-key": "Salah Kunci"}))
    assert page.status_code == 200
    body = page.text
    assert '<a href="#extra_questions.0.key">Pertanyaan 1 · Kunci: tidak sesuai pola</a>' in body
    assert '<p class="error-message" id="extra_questions.0.key-error">tidak sesuai pola</p>' in body
    assert 'href="#submission_closes_at">Pengajuan ditutup: wajib diisi</a>' in body
    assert 'value="Salah Kunci"' in body
    assert "form-group-error" in body.split('id="submission_closes_at"')[0].rsplit('<div class="form-group', 1)[1]


def test_an_edition_is_edited_from_its_times_in_wib(panitia: TestClient, submission: FakeSubmission) -> None:
    form = panitia.get("/panitia/edisi/UJI-2027/ubah").text
    assert 'id="submission_opens_at" name="submission_opens_at" type="datetime-local" value="2027-02-01T00:00"' in form
    assert 'name="q-0-choices" rows="3">Watulimo\nPanggul</textarea>' in form
    assert 'name="code"' not in form
    token = form.split('name="csrf_token" value="')[1].split('"')[0]
    saved = panitia.post("/panitia/edisi/UJI-2027/ubah", data=_edition_form(token, name="Audisi Uji 2027 (baru)"))
    assert saved.status_code == 303
    [body] = submission.sent("PATCH", "/api/v1/editions/UJI-2027")
    assert body["name"] == "Audisi Uji 2027 (baru)"
    assert "code" not in body
    assert "year" not in body
    # A time left blank when editing is sent as null: the API clears it.
    assert all(body[name] is None for name in ("screening_opens_at", "auditions_end_at", "decisions_at"))


def test_clearing_a_required_time_when_editing_shows_the_apis_refusal_at_the_field(
    panitia: TestClient, submission: FakeSubmission
) -> None:
    token = _csrf(panitia, "/panitia/edisi/UJI-2027/ubah")
    page = panitia.post("/panitia/edisi/UJI-2027/ubah", data=_edition_form(token, submission_closes_at=""))
    assert page.status_code == 200
    assert 'href="#submission_closes_at">Pengajuan ditutup: wajib diisi</a>' in page.text
    [body] = submission.sent("PATCH", "/api/v1/editions/UJI-2027")
    assert body["submission_closes_at"] is None


def test_a_timeline_out_of_order_marks_both_times_at_their_inputs_with_the_rule(panitia: TestClient) -> None:
    token = _csrf(panitia, "/panitia/edisi/UJI-2027/ubah")
    page = panitia.post("/panitia/edisi/UJI-2027/ubah", data=_edition_form(token, decisions_at="2027-01-01T08:00"))
    assert "Urutan jadwal edisi tidak masuk akal" in page.text
    rule = "Keputusan diumumkan sesudah pengajuan ditutup"
    for name in ("submission_closes_at", "decisions_at"):
        assert f'id="{name}-error"><span class="visually-hidden">Kesalahan:</span> {rule}' in page.text


def test_the_edition_page_shows_the_timeline_and_the_chart_with_its_table(panitia: TestClient) -> None:
    page = panitia.get("/panitia/edisi/UJI-2027?pesan=disimpan")
    body = page.text
    assert "Edisi tersimpan." in body
    assert 'Batas akhir dengan masa tenggang</span>: <span class="timeline-time">28 Februari 2027 16.30 WIB' in body
    assert 'Audisi dimulai</span>: <span class="timeline-time">belum ditetapkan' in body
    assert '<li data-question="lokasi"><strong>Lokasi uji coba</strong>' in body
    [chart] = [json.loads(html.unescape(found)) for found in re.findall(r'data-chart="([^"]*)"', body)]
    assert chart == {
        "labels": ["Pengawas", "Pelaksana"],
        "series": [{"label": "Lolos seleksi", "values": [1, 0]}, {"label": "Terkirim", "values": [0, 2]}],
        "stacked": True,
    }
    assert '<tr><th scope="row">Pelaksana</th><td>0</td><td>2</td></tr>' in body
    assert '<script src="/static/js/results.js" defer></script>' in body
    panitia.cookies.set(LANGUAGE_COOKIE, "en")
    english = panitia.get("/panitia/edisi/UJI-2027").text
    assert "Ideas per position group and status" in english
    assert "<strong>Pilot site</strong>" in english


def test_the_import_reports_every_bad_row_and_imports_nothing(panitia: TestClient, submission: FakeSubmission) -> None:
    token = _csrf(panitia, "/panitia/peserta/impor")
    bad = b"nip,nama,email,kelompok_jabatan,kode_opd\n19850714BAD,Sari,s@x.id,pelaksana,XYZ\n"
    page = panitia.post("/panitia/peserta/impor", data={"csrf_token": token}, files={"berkas": ("p.csv", bad)})
    body = page.text
    assert '<tr data-line="3"><td>3</td><td>NIP</td><td>NIP harus tepat 18 angka</td></tr>' in body
    assert "<td>Kode OPD</td><td>kode perangkat daerah &#39;XYZ&#39; tidak dikenal</td>" in body
    assert "impor/jalankan" not in body
    assert [c[2] for c in submission.calls if c[1] == "/api/v1/participants/import"] == [{"dry_run": "true"}]
    panitia.cookies.set(LANGUAGE_COOKIE, "en")
    english = panitia.post("/panitia/peserta/impor", data={"csrf_token": token}, files={"berkas": ("p.csv", bad)})
    assert "<td>Agency code</td><td>unknown agency code &#39;XYZ&#39;</td>" in english.text


def test_an_unreadable_file_says_why_in_the_persons_language(panitia: TestClient) -> None:
    token = _csrf(panitia, "/panitia/peserta/impor")
    broken = {"berkas": ("p.xlsx", b"PK\x03\x04 broken")}
    page = panitia.post("/panitia/peserta/impor", data={"csrf_token": token}, files=broken).text
    assert '<p class="meta">berkas bukan buku kerja XLSX yang dapat dibaca</p>' in page
    panitia.cookies.set(LANGUAGE_COOKIE, "en")
    english = panitia.post("/panitia/peserta/impor", data={"csrf_token": token}, files=broken).text
    assert '<p class="meta">the file is not a readable XLSX workbook</p>' in english


def test_a_clean_file_is_imported_only_once_confirmed_and_the_counts_shown(
    panitia: TestClient, submission: FakeSubmission
) -> None:
    token = _csrf(panitia, "/panitia/peserta/impor")
    good = b"nip,nama,email,kelompok_jabatan,kode_opd\n198507142010012003,Sari,s@x.id,pelaksana,DISDUKCAPIL\n"
    checked = panitia.post("/panitia/peserta/impor", data={"csrf_token": token}, files={"berkas": ("p.csv", good)})
    carried = checked.text.split('name="isi_berkas" value="')[1].split('"')[0]
    assert base64.b64decode(carried) == good
    form = {"csrf_token": token, "nama_berkas": "p.csv", "isi_berkas": carried}
    unconfirmed = panitia.post("/panitia/peserta/impor/jalankan", data=form)
    assert "Centang konfirmasi untuk mengimpor." in unconfirmed.text
    done = panitia.post("/panitia/peserta/impor/jalankan", data={**form, "setuju": "1"})
    assert '<dd data-count="created">2</dd>' in done.text
    runs = [c[2] for c in submission.calls if c[1] == "/api/v1/participants/import"]
    assert runs == [{"dry_run": "true"}, {"dry_run": "false"}]
    assert good in submission.files[-1]


def test_an_import_that_fails_after_its_check_shows_its_rows_and_no_counts(panitia: TestClient) -> None:
    token = _csrf(panitia, "/panitia/peserta/impor")
    bad = b"nip,nama,email,kelompok_jabatan,kode_opd\n19850714BAD,Sari,s@x.id,pelaksana,XYZ\n"
    form = {"csrf_token": token, "nama_berkas": "p.csv", "isi_berkas": base64.b64encode(bad).decode(), "setuju": "1"}
    page = panitia.post("/panitia/peserta/impor/jalankan", data=form).text
    assert 'data-count="created"' not in page
    assert "<td>NIP</td><td>NIP harus tepat 18 angka</td>" in page


def test_the_queue_shows_one_idea_with_its_similar_ones_and_moves_on(
    panitia: TestClient, submission: FakeSubmission
) -> None:
    page = panitia.get("/panitia/seleksi?edisi=UJI-2027&kelompok=pelaksana")
    body = page.text
    assert 'data-left="2"' in body
    assert f'data-idea="{IDEA_A}"' in body
    assert "Antrean KTP daring" in body
    similar = body.split(f'data-similar="{IDEA_B}"')[1].split("</tr>")[0]
    link = f'href="/panitia/seleksi?edisi=UJI-2027&amp;kelompok=pelaksana&amp;gagasan={IDEA_B}">'
    assert link + "Mirip &lt;sekali&gt;" in similar
    assert "<td>73%</td>" in similar
    asked = submission.sent("GET", "/api/v1/ideas")[-1]
    assert (asked["status"], asked["position_group"], asked["edition_code"]) == ("submitted", "pelaksana", "UJI-2027")
    token = body.split('name="csrf_token" value="')[1].split('"')[0]
    form = {"csrf_token": token, "edisi": "UJI-2027", "kelompok": "pelaksana"}
    refused = panitia.post(f"/panitia/seleksi/{IDEA_A}", data={**form, "keputusan": "tidak_layak", "alasan": " "})
    assert '<p class="error-message" id="reason-error">wajib diisi</p>' in refused.text
    assert f'data-idea="{IDEA_A}"' in refused.text
    done = panitia.post(f"/panitia/seleksi/{IDEA_A}", data={**form, "keputusan": "layak"})
    assert done.headers["location"] == "/panitia/seleksi?edisi=UJI-2027&kelompok=pelaksana&pesan=layak"
    assert submission.sent("POST", f"/api/v1/ideas/{IDEA_A}/screening")[-1] == {"eligible": True, "reason": None}
    following = panitia.get(done.headers["location"]).text
    assert "Gagasan dinyatakan memenuhi syarat." in following
    assert 'data-left="1"' in following
    assert f'data-idea="{IDEA_B}"' in following


def test_the_queue_labels_extra_answers_by_their_question_in_the_persons_language(panitia: TestClient) -> None:
    body = panitia.get("/panitia/seleksi?edisi=UJI-2027").text
    # "lama" is no longer a question of the edition's form: it keeps its key.
    assert "<div><dt>Lokasi uji coba</dt><dd>Watulimo</dd></div><div><dt>lama</dt><dd>x</dd></div>" in body
    panitia.cookies.set(LANGUAGE_COOKIE, "en")
    assert "<dt>Pilot site</dt><dd>Watulimo</dd>" in panitia.get("/panitia/seleksi?edisi=UJI-2027").text
