"""Signed documents through the API: berita acara, lampiran keputusan, piagam and their public verification.

Each PDF is read back as text with pypdf, so the assertions are about what a reader of the paper sees.
"""

from __future__ import annotations

import io
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy.orm import Session

from services.judging.documents.pdf import tanggal
from services.judging.documents.service import normalise_code
from services.judging.ideas import service as ideas
from services.judging.tests.factories import (
    EDITION,
    T0,
    eligible_idea,
    full_scores,
    person,
    rubric,
    screened,
    submitted,
)
from shared.auth import Role
from shared.clock import WIB
from shared.events import PositionGroup

JUDGES = ("Ir. Hartono Wibisono", "Dra. Siti Aminah")


def text_of(pdf: bytes) -> str:
    """The PDF's text, whitespace runs collapsed (table cells wrap where the layout wants)."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


@dataclass
class Edition:
    committee: dict[str, str]
    rina: uuid.UUID
    budi: uuid.UUID
    best: uuid.UUID
    tied_first: uuid.UUID
    tied_second: uuid.UUID
    pengawas: uuid.UUID


def _score(client: TestClient, judge: dict[str, str], idea: uuid.UUID, values: tuple[int, int, int]) -> None:
    headers = {**judge, "Idempotency-Key": uuid.uuid4().hex}
    assert client.put(f"/api/v1/ideas/{idea}/scores", json=full_scores(*values), headers=headers).status_code == 200
    assert client.post(f"/api/v1/ideas/{idea}/scores/submit", headers=judge).status_code == 200


def judged(client: TestClient, tokens: Any, session: Session, *, publish: bool = True) -> Edition:
    """Pelaksana: one best idea, two tied behind it (the later one selected by exception); one pengawas idea."""
    rubric(session)
    committee = tokens(Role.COMMITTEE)
    rules = {"quota_per_group": {"pelaksana": 1}, "tie_break": ["calibrated_score", "submitted_at"]}
    assert client.put(f"/api/v1/editions/{EDITION}/selection-rules", json=rules, headers=committee).status_code == 200
    rina, budi = uuid.uuid4(), uuid.uuid4()
    best = eligible_idea(
        session,
        title="Antrean KTP",
        proposer=person("DINSOS", name="Rina", user_id=rina),
        co_proposers=[person("DINSOS", name="Budi", user_id=budi)],
        target_agency="DINKES",
    )
    tied_first = eligible_idea(session, title="Posyandu digital", proposer=person("DINSOS", name="Tari"))
    tied_second = eligible_idea(
        session, title="Bank sampah desa", proposer=person("DINSOS", name="Yudi"), submitted_at=T0 + timedelta(hours=1)
    )
    pengawas = eligible_idea(
        session, title="Izin usaha kilat", group=PositionGroup.PENGAWAS, proposer=person("DINSOS", name="Wati")
    )
    for name in JUDGES:
        judge = tokens(Role.JUDGE, agency="BAPPEDA", name=name)
        for idea, values in (
            (best, (5, 5, 5)),
            (tied_first, (3, 3, 3)),
            (tied_second, (3, 3, 3)),
            (pengawas, (4, 4, 4)),
        ):
            _score(client, judge, idea, values)
    adjusted = client.post(
        f"/api/v1/editions/{EDITION}/selection/adjustments",
        json={"idea_id": str(tied_second), "selected": True, "reason": "Mitra desa siap mendanai"},
        headers=committee,
    )
    assert adjusted.status_code == 200
    if publish:
        published = client.post(
            f"/api/v1/editions/{EDITION}/selection/publish", json={"due_date": "2027-06-30"}, headers=committee
        )
        assert published.status_code == 200
    return Edition(committee, rina, budi, best, tied_first, tied_second, pengawas)


def today_wib() -> str:
    return tanggal(datetime.now(WIB).date())


# ------------------------------------------------------------------------------------------------ berita acara


def test_berita_acara_shows_ranking_rules_ties_exceptions_and_judges(
    client: TestClient, tokens: Any, session: Session
) -> None:
    e = judged(client, tokens, session, publish=False)
    r = client.get(
        f"/api/v1/editions/{EDITION}/documents/berita-acara.pdf",
        params={"group": "pelaksana"},
        headers=e.committee,
    )
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"] == 'attachment; filename="berita-acara-audition-ATA-2026-pelaksana.pdf"'
    text = text_of(r.content)
    for expected in (
        "PEMERINTAH KABUPATEN TRENGGALEK",
        "BERITA ACARA PENILAIAN",
        "Babak Audisi — Kelompok Jabatan Pelaksana",
        "Dasar peringkat: nilai mentah.",
        "Kuota kelompok Pelaksana: 1.",
        "Penentu urutan bila nilai sama: nilai terkalibrasi tertinggi; gagasan yang lebih dahulu dikirim.",
        "Peringkat 2, 3 memperoleh nilai yang sama (50,00); urutan ditentukan menurut nilai terkalibrasi "
        "tertinggi; gagasan yang lebih dahulu dikirim.",
        "Mitra desa siap mendanai",
        f"Trenggalek, {today_wib()}",
        "1 Dra. Siti Aminah 1. ....",
        "2 Ir. Hartono Wibisono 2. ....",
    ):
        assert expected in text, expected
    # Ranked in order, with raw and calibrated scores side by side.
    assert text.index("Antrean KTP") < text.index("Posyandu digital") < text.index("Bank sampah desa")
    assert "1 Antrean KTP Rina, Budi 100,00 100,00 diusulkan, terpilih" in text
    assert "3 Bank sampah desa Yudi 50,00 50,00 terpilih, pengecualian" in text
    assert "Izin usaha kilat" not in text  # another group's minutes


def test_berita_acara_without_group_has_one_part_per_group(client: TestClient, tokens: Any, session: Session) -> None:
    e = judged(client, tokens, session, publish=False)
    r = client.get(f"/api/v1/editions/{EDITION}/documents/berita-acara.pdf", headers=e.committee)
    assert r.status_code == 200
    reader = PdfReader(io.BytesIO(r.content))
    texts = [" ".join((page.extract_text() or "").split()) for page in reader.pages]
    groups = [re.findall(r"Kelompok Jabatan (Pengawas|Fungsional \w+|Pelaksana)", t) for t in texts]
    assert [g for found in groups for g in found] == [
        "Pengawas",
        "Fungsional Penyetaraan",
        "Fungsional Ahli",
        "Pelaksana",
    ]
    assert "Tidak ada gagasan yang dinilai." in text_of(r.content)


def test_berita_acara_same_data_same_bytes(client: TestClient, tokens: Any, session: Session) -> None:
    e = judged(client, tokens, session, publish=False)
    url = f"/api/v1/editions/{EDITION}/documents/berita-acara.pdf"
    first, second = (client.get(url, headers=e.committee).content for _ in range(2))
    assert first == second
    metadata = PdfReader(io.BytesIO(first)).metadata
    assert metadata is not None
    assert str(metadata["/CreationDate"]) == "D:20000101000000+00'00'"


def test_berita_acara_before_any_score_is_409(client: TestClient, tokens: Any, session: Session) -> None:
    rubric(session)
    r = client.get(f"/api/v1/editions/{EDITION}/documents/berita-acara.pdf", headers=tokens(Role.COMMITTEE))
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "document_not_ready"
    assert r.json()["error"]["message"] == "Berita acara belum dapat dibuat"


def test_berita_acara_unknown_group_is_422(client: TestClient, tokens: Any) -> None:
    r = client.get(
        f"/api/v1/editions/{EDITION}/documents/berita-acara.pdf",
        params={"group": "eselon"},
        headers=tokens(Role.COMMITTEE),
    )
    assert r.status_code == 422


def test_berita_acara_and_lampiran_refused_to_judge_and_participant(client: TestClient, tokens: Any) -> None:
    for doc in ("berita-acara.pdf", "lampiran-keputusan.pdf"):
        for role in (Role.JUDGE, Role.PARTICIPANT, Role.AGENCY):
            r = client.get(f"/api/v1/editions/{EDITION}/documents/{doc}", headers=tokens(role))
            assert r.status_code == 403, (doc, role)


# --------------------------------------------------------------------------------------------------- lampiran


def test_lampiran_lists_selected_ideas_with_agency_and_due_date(
    client: TestClient, tokens: Any, session: Session
) -> None:
    e = judged(client, tokens, session)
    r = client.get(f"/api/v1/editions/{EDITION}/documents/lampiran-keputusan.pdf", headers=e.committee)
    assert r.status_code == 200
    assert r.headers["content-disposition"] == 'attachment; filename="lampiran-keputusan-ATA-2026.pdf"'
    text = text_of(r.content)
    assert "LAMPIRAN KEPUTUSAN BUPATI TRENGGALEK" in text
    assert f"Sesuai keputusan panitia yang diterbitkan sampai dengan tanggal {today_wib()}." in text
    assert "1 Antrean KTP Rina, Budi Pelaksana Dinas Kesehatan 30 Juni 2027" in text
    assert "2 Bank sampah desa Yudi Pelaksana Dinas Kependudukan dan" in text
    assert "Posyandu digital" not in text
    assert "Izin usaha kilat" not in text  # no quota for pengawas: not proposed, not selected
    again = client.get(f"/api/v1/editions/{EDITION}/documents/lampiran-keputusan.pdf", headers=e.committee)
    assert again.content == r.content


def test_lampiran_before_publication_is_409(client: TestClient, tokens: Any, session: Session) -> None:
    e = judged(client, tokens, session, publish=False)
    r = client.get(f"/api/v1/editions/{EDITION}/documents/lampiran-keputusan.pdf", headers=e.committee)
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "document_not_ready"


# ------------------------------------------------------------------------------------------------------ piagam


def _certs(client: TestClient, headers: dict[str, str], idea: uuid.UUID) -> Any:
    r = client.get(f"/api/v1/ideas/{idea}/certificates", headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


def test_participant_lists_own_and_team_piagam_only(client: TestClient, tokens: Any, session: Session) -> None:
    e = judged(client, tokens, session)
    rina = tokens(Role.PARTICIPANT, user_id=e.rina)
    mine = _certs(client, rina, e.best)
    assert [(c["kind"], c["holder_name"], c["holder_user_id"]) for c in mine] == [
        ("participation", "Rina", str(e.rina)),
        ("selection", "Rina, Budi", None),
    ]
    everyone = _certs(client, e.committee, e.best)
    assert [(c["kind"], c["holder_name"]) for c in everyone] == [
        ("participation", "Budi"),
        ("participation", "Rina"),
        ("selection", "Rina, Budi"),
    ]
    # Issued once: the same codes on every read.
    assert _certs(client, rina, e.best) == mine
    # Not selected: participation only.
    assert [c["kind"] for c in _certs(client, e.committee, e.tied_first)] == ["participation"]


def test_piagam_pdf_names_holder_idea_and_verification_code(client: TestClient, tokens: Any, session: Session) -> None:
    e = judged(client, tokens, session)
    rina = tokens(Role.PARTICIPANT, user_id=e.rina)
    own, team = _certs(client, rina, e.best)
    r = client.get(own["download_path"], headers=rina)
    assert r.status_code == 200
    assert r.headers["content-disposition"] == f'attachment; filename="piagam-participation-{own["code"]}.pdf"'
    text = text_of(r.content)
    for expected in (
        "PIAGAM PENGHARGAAN",
        "diberikan kepada Rina",
        "sebagai peserta ASN Talent Academy edisi ATA-2026 dengan gagasan “Antrean KTP”",
        f"Trenggalek, {today_wib()}",
        f"Kode verifikasi: {own['code']}",
        f"http://localhost:8002/api/v1/public/certificates/{own['code']}",
    ):
        assert expected in text, expected
    assert r.content == client.get(own["download_path"], headers=rina).content
    selection = text_of(client.get(team["download_path"], headers=rina).content)
    assert "diberikan kepada Rina, Budi atas gagasan terpilih ASN Talent Academy edisi ATA-2026" in selection


def test_piagam_of_someone_else_is_404(client: TestClient, tokens: Any, session: Session) -> None:
    e = judged(client, tokens, session)
    budi_code = next(c["code"] for c in _certs(client, e.committee, e.best) if c["holder_name"] == "Budi")
    rina = tokens(Role.PARTICIPANT, user_id=e.rina)
    assert client.get(f"/api/v1/ideas/{e.best}/certificates/{budi_code}.pdf", headers=rina).status_code == 404
    stranger = tokens(Role.PARTICIPANT)
    assert client.get(f"/api/v1/ideas/{e.best}/certificates", headers=stranger).status_code == 404
    assert client.get(f"/api/v1/ideas/{e.best}/certificates/{budi_code}.pdf", headers=stranger).status_code == 404
    judge = tokens(Role.JUDGE, agency="BAPPEDA")
    assert client.get(f"/api/v1/ideas/{e.best}/certificates", headers=judge).status_code == 404
    assert client.get(f"/api/v1/ideas/{e.best}/certificates/{budi_code}.pdf", headers=e.committee).status_code == 200


def test_participant_screened_out_gets_participation_piagam_once_results_are_out(
    client: TestClient, tokens: Any, session: Session
) -> None:
    user = uuid.uuid4()
    event = submitted(title="Gagasan tidak lolos", proposer=person("DINSOS", name="Dewi", user_id=user))
    ideas.apply_submitted(session, event.payload)
    ideas.apply_screened(session, screened(event.payload.idea_id, eligible=False).payload)
    session.commit()
    dewi = tokens(Role.PARTICIPANT, user_id=user)
    idea = event.payload.idea_id
    assert client.get(f"/api/v1/ideas/{idea}/certificates", headers=dewi).status_code == 404  # no results yet
    judged(client, tokens, session)
    [cert] = _certs(client, dewi, idea)
    assert (cert["kind"], cert["holder_name"], cert["issued_on"]) == (
        "participation",
        "Dewi",
        datetime.now(WIB).date().isoformat(),
    )


def test_no_piagam_before_publication(client: TestClient, tokens: Any, session: Session) -> None:
    e = judged(client, tokens, session, publish=False)
    r = client.get(f"/api/v1/ideas/{e.best}/certificates", headers=tokens(Role.PARTICIPANT, user_id=e.rina))
    assert r.status_code == 404
    assert client.get(f"/api/v1/ideas/{e.best}/certificates", headers=e.committee).status_code == 404


# ------------------------------------------------------------------------------------------------ verification


def test_public_verification_shows_holder_edition_and_purpose_only(
    client: TestClient, tokens: Any, session: Session
) -> None:
    e = judged(client, tokens, session)
    own, team = _certs(client, tokens(Role.PARTICIPANT, user_id=e.rina), e.best)
    r = client.get(f"/api/v1/public/certificates/{own['code']}")  # no token
    assert r.status_code == 200
    assert r.json() == {
        "code": own["code"],
        "valid": True,
        "holder_name": "Rina",
        "edition_code": EDITION,
        "kind": "participation",
        "purpose": "Peserta ASN Talent Academy edisi ATA-2026",
        "idea_title": "Antrean KTP",
        "issued_on": own["issued_on"],
    }
    typed = team["code"].replace("-", " ").lower()
    again = client.get(f"/api/v1/public/certificates/{typed}")
    assert (again.status_code, again.json()["purpose"]) == (200, "Gagasan terpilih ASN Talent Academy edisi ATA-2026")


def test_public_verification_of_unknown_or_malformed_code_is_404(client: TestClient) -> None:
    for code in ("ABCD-EFGH-JKMN-PQRS", "x", "';--"):
        r = client.get(f"/api/v1/public/certificates/{code}")
        assert r.status_code == 404, code
        assert r.json()["error"]["code"] == "not_found"


def test_code_typed_with_look_alike_letters_is_read_as_printed() -> None:
    assert normalise_code("abcd efgh jkmn pqoi") == "ABCD-EFGH-JKMN-PQ01"
    assert normalise_code("ABCD-EFGH-JKMN-PQR") is None
    assert normalise_code("ABCD-EFGH-JKMN-PQRU") is None  # U is not in the alphabet
