"""Evidence files on progress updates: checked by their bytes, the ticket's readers download them, and the public
sees only the photos of implemented ideas, without who uploaded them."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from services.implementation.tests.helpers import open_ticket
from shared.auth import Role
from shared.events import IdeaJudged
from shared.files import LocalStorage

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00 this program cannot be run in DOS mode"
OFFICER_NAME = "Budi Santoso Petugas"


def _ticket_with_update(runtime: Any, client: TestClient, tokens: Any) -> tuple[uuid.UUID, str, uuid.UUID]:
    """A ticket with one progress update; its id, the update's id, and the proposer's user id."""
    ticket_id, event = open_ticket(runtime.session_factory)
    officer = tokens(Role.AGENCY, agency="DISDUKCAPIL", name=OFFICER_NAME)
    posted = client.post(f"/api/v1/tickets/{ticket_id}/updates", headers=officer, json={"body": "Uji coba di desa"})
    assert posted.status_code == 201, posted.text
    assert isinstance(event, IdeaJudged)
    return ticket_id, posted.json()["id"], event.payload.proposer.user_id


def _upload(client: TestClient, headers: dict[str, str], update_id: str, name: str, content: bytes) -> Any:
    return client.post(
        "/api/v1/evidence",
        headers=headers,
        data={"update_id": update_id},
        files={"file": (name, content, "image/jpeg")},
    )


def test_agency_uploads_and_readers_download(implementation_runtime: Any, client: TestClient, tokens: Any) -> None:
    _, update_id, proposer_id = _ticket_with_update(implementation_runtime, client, tokens)
    officer = tokens(Role.AGENCY, agency="DISDUKCAPIL")
    # The browser's claimed type and name say JPEG; the bytes are a PDF, and that is what is recorded.
    uploaded = _upload(client, officer, update_id, "../laporan.jpg", PDF)
    assert uploaded.status_code == 201, uploaded.text
    evidence = uploaded.json()
    assert (evidence["content_type"], evidence["filename"], evidence["size_bytes"]) == (
        "application/pdf",
        "laporan.jpg",
        len(PDF),
    )
    [update] = client.get(f"/api/v1/tickets/{evidence['ticket_id']}", headers=officer).json()["updates"]
    assert [f["id"] for f in update["evidence_files"]] == [evidence["id"]]
    for reader in (officer, tokens(Role.COMMITTEE), tokens(Role.PARTICIPANT, user_id=proposer_id)):
        download = client.get(f"/api/v1/evidence/{evidence['id']}", headers=reader)
        assert (download.status_code, download.content) == (200, PDF)
        assert download.headers["content-type"] == "application/pdf"
        assert download.headers["x-content-type-options"] == "nosniff"
    for stranger in (tokens(Role.AGENCY, agency="DINKES"), tokens(Role.PARTICIPANT), tokens(Role.JUDGE)):
        assert client.get(f"/api/v1/evidence/{evidence['id']}", headers=stranger).status_code == 404
    with implementation_runtime.engine.connect() as connection:
        actions = connection.execute(
            text("SELECT details->>'evidence_id' FROM audit_log WHERE action = 'ticket.evidence_added'")
        ).scalars()
        assert list(actions) == [evidence["id"]]


def test_disguised_file_is_refused_in_both_languages(
    implementation_runtime: Any, client: TestClient, tokens: Any
) -> None:
    _, update_id, _ = _ticket_with_update(implementation_runtime, client, tokens)
    officer = tokens(Role.AGENCY, agency="DISDUKCAPIL")
    refused = _upload(client, officer, update_id, "foto.jpg", EXE)
    assert (refused.status_code, refused.json()["error"]["code"]) == (415, "unsupported_evidence")
    assert refused.json()["error"]["message"].startswith("Jenis berkas tidak didukung")
    english = client.post(
        "/api/v1/evidence",
        headers={**officer, "Accept-Language": "en"},
        data={"update_id": update_id},
        files={"file": ("foto.jpg", EXE, "image/jpeg")},
    )
    assert english.json()["error"]["message"].startswith("Unsupported file type")
    empty = _upload(client, officer, update_id, "kosong.png", b"")
    assert (empty.status_code, empty.json()["error"]["code"]) == (422, "empty_evidence")


def test_too_large_is_refused(
    implementation_runtime: Any, client: TestClient, tokens: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, update_id, _ = _ticket_with_update(implementation_runtime, client, tokens)
    monkeypatch.setattr(implementation_runtime.settings, "evidence_max_bytes", len(PNG) - 1)
    refused = _upload(client, tokens(Role.AGENCY, agency="DISDUKCAPIL"), update_id, "foto.png", PNG)
    assert (refused.status_code, refused.json()["error"]["code"]) == (413, "evidence_too_large")
    assert refused.json()["error"]["details"] == {"max_bytes": len(PNG) - 1, "size_bytes": len(PNG)}


def test_only_the_implementing_agency_uploads(implementation_runtime: Any, client: TestClient, tokens: Any) -> None:
    _, update_id, proposer_id = _ticket_with_update(implementation_runtime, client, tokens)
    other_agency = _upload(client, tokens(Role.AGENCY, agency="DINKES"), update_id, "foto.png", PNG)
    assert other_agency.status_code == 404  # never confirms another agency's update exists
    # Readers of the ticket who are not its agency may look, not add.
    for reader in (tokens(Role.COMMITTEE), tokens(Role.PARTICIPANT, user_id=proposer_id)):
        assert _upload(client, reader, update_id, "foto.png", PNG).status_code == 403
    missing = _upload(client, tokens(Role.AGENCY, agency="DISDUKCAPIL"), str(uuid.uuid4()), "foto.png", PNG)
    assert missing.status_code == 404


def test_public_sees_photos_of_implemented_ideas_only(
    implementation_runtime: Any, client: TestClient, tokens: Any
) -> None:
    ticket_id, update_id, _ = _ticket_with_update(implementation_runtime, client, tokens)
    officer = tokens(Role.AGENCY, agency="DISDUKCAPIL", name=OFFICER_NAME)
    photo = _upload(client, officer, update_id, "Foto Budi Santoso.png", PNG).json()
    document = _upload(client, officer, update_id, "laporan.pdf", PDF).json()

    def public() -> tuple[list[Any], int, int]:
        [idea] = client.get("/api/v1/public/editions/ATA-2026/ideas").json()["items"]
        return (
            idea["photos"],
            client.get(f"/api/v1/public/evidence/{photo['id']}").status_code,
            client.get(f"/api/v1/public/evidence/{document['id']}").status_code,
        )

    assert public() == ([], 404, 404)  # still in progress: nothing public
    for to in ("accepted", "in_progress", "piloting", "implemented"):
        moved = client.post(f"/api/v1/tickets/{ticket_id}/transitions", headers=officer, json={"to": to})
        assert moved.status_code == 200, moved.text
    photos, photo_status, document_status = public()
    assert [(p["url"], p["content_type"]) for p in photos] == [(f"/api/v1/public/evidence/{photo['id']}", "image/png")]
    assert (photo_status, document_status) == (200, 404)  # a PDF is evidence for readers, never public
    served = client.get(photos[0]["url"])
    assert (served.content, served.headers["content-type"]) == (PNG, "image/png")
    # No personal data: neither the officer's name nor the file name they chose is in any public answer.
    page = client.get("/public/editions/ATA-2026")
    answers = [client.get("/api/v1/public/editions/ATA-2026/ideas").text, page.text, str(served.headers)]
    assert photos[0]["url"] in page.text
    assert not [a for a in answers if "Budi" in a or "Petugas" in a]


def test_agency_deletes_a_file_and_it_is_gone_everywhere(
    implementation_runtime: Any, client: TestClient, tokens: Any
) -> None:
    ticket_id, update_id, proposer_id = _ticket_with_update(implementation_runtime, client, tokens)
    officer = tokens(Role.AGENCY, agency="DISDUKCAPIL", name=OFFICER_NAME)
    photo = _upload(client, officer, update_id, "foto-pribadi.png", PNG).json()
    kept = _upload(client, officer, update_id, "foto-desa.png", PNG).json()
    for to in ("accepted", "in_progress", "piloting", "implemented"):
        assert client.post(f"/api/v1/tickets/{ticket_id}/transitions", headers=officer, json={"to": to}).is_success
    assert client.get(f"/api/v1/public/evidence/{photo['id']}").status_code == 200
    storage = LocalStorage(implementation_runtime.settings.evidence_dir)
    with implementation_runtime.engine.connect() as connection:
        key = connection.execute(
            text("SELECT storage_key FROM evidence_file WHERE id = :id"), {"id": photo["id"]}
        ).scalar_one()
    assert storage.get(key) == PNG

    # Another agency never learns the file exists; the ticket's other readers may look, not remove.
    assert (
        client.delete(f"/api/v1/evidence/{photo['id']}", headers=tokens(Role.AGENCY, agency="DINKES")).status_code
        == 404
    )
    for reader in (tokens(Role.COMMITTEE), tokens(Role.PARTICIPANT, user_id=proposer_id)):
        assert client.delete(f"/api/v1/evidence/{photo['id']}", headers=reader).status_code == 403
    assert client.delete(f"/api/v1/evidence/{photo['id']}", headers=officer).status_code == 204

    # Gone from the ticket, the public page and the disk at once; the other file stays; deleting again is 404.
    [update] = client.get(f"/api/v1/tickets/{ticket_id}", headers=officer).json()["updates"]
    assert [f["id"] for f in update["evidence_files"]] == [kept["id"]]
    [idea] = client.get("/api/v1/public/editions/ATA-2026/ideas").json()["items"]
    assert [p["url"] for p in idea["photos"]] == [f"/api/v1/public/evidence/{kept['id']}"]
    assert client.get(f"/api/v1/public/evidence/{photo['id']}").status_code == 404
    assert client.get(f"/api/v1/evidence/{photo['id']}", headers=officer).status_code == 404
    assert client.delete(f"/api/v1/evidence/{photo['id']}", headers=officer).status_code == 404
    with pytest.raises(FileNotFoundError):
        storage.get(key)
    with implementation_runtime.engine.connect() as connection:
        removed = (
            connection.execute(text("SELECT details FROM audit_log WHERE action = 'ticket.evidence_removed'"))
            .scalars()
            .all()
        )
    assert [(d["evidence_id"], d["filename"], d["sha256"]) for d in removed] == [
        (photo["id"], "foto-pribadi.png", photo["sha256"])
    ]
