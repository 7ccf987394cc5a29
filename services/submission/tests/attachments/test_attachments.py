"""Attachments: type by content, size limits, generated storage keys, downloads only for those allowed."""

from __future__ import annotations

import hashlib
import io
import uuid
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.orm import Session

from services.submission.attachments.service import remove, upload
from services.submission.tests.conftest import ATTACHMENTS_DIR
from services.submission.tests.factories import make_edition, make_idea, make_participant
from shared.attachment_links import AttachmentGrant, signed_path
from shared.auth import Role
from shared.db import utcnow
from shared.errors import AppError
from shared.files import DOCX, JPEG, PDF, PNG, PPTX, LocalStorage, display_name, sniff

PDF_BYTES = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def office_zip(member: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(member, "<x/>")
    return buffer.getvalue()


def test_sniff_by_content_not_name() -> None:
    assert sniff(PDF_BYTES) == PDF
    assert sniff(b"\x89PNG\r\n\x1a\n" + b"\0" * 20) == PNG
    assert sniff(b"\xff\xd8\xff\xe0" + b"\0" * 20) == JPEG
    assert sniff(office_zip("ppt/presentation.xml")) == PPTX
    assert sniff(office_zip("word/document.xml")) == DOCX
    assert sniff(b"MZ\x90\x00 this is a windows program") is None
    assert sniff(b"PK\x03\x04 not really a zip") is None
    assert sniff(b"<html><script>alert(1)</script>") is None


def test_display_name_never_keeps_a_path() -> None:
    assert display_name("../../etc/passwd.pdf") == "passwd.pdf"
    assert display_name("C:\\Users\\x\\deck.pptx") == "deck.pptx"
    assert display_name("a\x00b\nc.pdf") == "abc.pdf"
    assert display_name("") == "lampiran"


def test_local_storage_refuses_keys_that_are_not_ours(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    with pytest.raises(ValueError, match="invalid storage key"):
        storage.put("../evil", b"x")
    storage.put("a" * 32, b"isi")
    assert storage.get("a" * 32) == b"isi"
    assert (tmp_path / "aa" / ("a" * 32)).read_bytes() == b"isi"


def test_upload_refuses_oversized_and_unknown_files(db_session: Session, tmp_path: Path) -> None:
    make_edition(db_session)
    _, me = make_participant(db_session)
    idea = make_idea(db_session, me)
    storage = LocalStorage(tmp_path)
    kwargs: dict[str, Any] = {"storage": storage, "principal": me, "idea_id": idea.id, "filename": "x.pdf"}
    with pytest.raises(AppError) as too_big:
        upload(db_session, content=PDF_BYTES, max_bytes=10, **kwargs)
    assert (too_big.value.status_code, too_big.value.code) == (413, "attachment_too_large")
    with pytest.raises(AppError) as wrong_type:
        upload(db_session, content=b"MZ\x90\x00 program", max_bytes=1000, **kwargs)
    assert (wrong_type.value.status_code, wrong_type.value.code) == (415, "unsupported_attachment")
    assert list(tmp_path.iterdir()) == []  # nothing stored for refused files


def test_upload_refused_after_the_deadline(db_session: Session, tmp_path: Path) -> None:
    make_edition(db_session)
    _, me = make_participant(db_session)
    idea = make_idea(db_session, me)
    with pytest.raises(AppError) as late:
        upload(
            db_session,
            storage=LocalStorage(tmp_path),
            principal=me,
            idea_id=idea.id,
            filename="x.pdf",
            content=PDF_BYTES,
            max_bytes=1000,
            now=utcnow() + timedelta(days=30),
        )
    assert late.value.code == "outside_window"


def test_upload_and_download_over_http(client: TestClient, tokens: Any, submission_runtime: Any) -> None:
    with submission_runtime.session_factory() as session:
        make_edition(session)
        owner, owner_p = make_participant(session)
        stranger, _ = make_participant(session)
        idea = make_idea(session, owner_p)
    owner_h = tokens(Role.PARTICIPANT, user_id=owner.user_id)
    uploaded = client.post(
        "/api/v1/attachments",
        headers=owner_h,
        data={"idea_id": str(idea.id)},
        files={"file": ("../../proposal final.exe", PDF_BYTES, "application/x-msdownload")},
    )
    assert uploaded.status_code == 201, uploaded.text
    body = uploaded.json()
    assert (body["filename"], body["content_type"], body["size_bytes"]) == ("proposal final.exe", PDF, len(PDF_BYTES))
    stored = [p for p in Path(ATTACHMENTS_DIR).rglob("*") if p.is_file()]
    assert all(p.name != "proposal final.exe" for p in stored)
    url = f"/api/v1/attachments/{body['id']}"
    download = client.get(url, headers=owner_h)
    assert download.status_code == 200
    assert download.content == PDF_BYTES
    assert download.headers["content-type"] == PDF
    assert download.headers["x-content-type-options"] == "nosniff"
    assert client.get(url, headers=tokens(Role.COMMITTEE)).status_code == 200
    assert client.get(url, headers=tokens(Role.PARTICIPANT, user_id=stranger.user_id)).status_code == 404
    assert client.get(url, headers=tokens(Role.JUDGE)).status_code == 403  # judges read through judging's links
    listed = client.get(f"/api/v1/ideas/{idea.id}", headers=owner_h).json()["attachments"]
    assert [a["id"] for a in listed] == [body["id"]]
    assert client.delete(url, headers=tokens(Role.PARTICIPANT, user_id=stranger.user_id)).status_code == 404
    assert client.delete(url, headers=owner_h).status_code == 204
    assert client.get(url, headers=owner_h).status_code == 404


def _submitted_with_deck(session: Session) -> tuple[Any, uuid.UUID, Any, uuid.UUID]:
    """A submitted idea with a pitch deck, and a draft with one (ids of the ideas and of their files)."""
    make_edition(session)
    _, owner_p = make_participant(session)
    draft = make_idea(session, owner_p, title="Draf yang belum dikirim")
    submitted = make_idea(session, owner_p, submit=True)
    files = {
        idea.id: upload(
            session,
            storage=LocalStorage(Path(ATTACHMENTS_DIR)),
            principal=owner_p,
            idea_id=idea.id,
            filename="paparan.pdf",
            content=PDF_BYTES,
            max_bytes=1_000_000,
        ).id
        for idea in (draft, submitted)
    }
    return submitted.id, files[submitted.id], draft.id, files[draft.id]


def _link(
    secret: SecretStr, attachment_id: uuid.UUID, idea_id: uuid.UUID, judge_id: uuid.UUID, *, seconds: int = 300
) -> str:
    """A link as the judging service signs it for a judge on the idea's panel."""
    expires = int((utcnow() + timedelta(seconds=seconds)).timestamp())
    return signed_path(
        secret, AttachmentGrant(attachment_id=attachment_id, idea_id=idea_id, judge_id=judge_id, expires=expires)
    )


def test_judges_token_reads_no_attachment_any_more(client: TestClient, tokens: Any, submission_runtime: Any) -> None:
    with submission_runtime.session_factory() as session:
        idea_id, file_id, _, _ = _submitted_with_deck(session)
    judge = tokens(Role.JUDGE)
    listed = client.get(f"/api/v1/ideas/{idea_id}/attachments", headers=judge)
    download = client.get(f"/api/v1/attachments/{file_id}", headers=judge)
    assert (listed.status_code, listed.json()["error"]["code"]) == (403, "forbidden")
    assert (download.status_code, download.json()["error"]["code"]) == (403, "forbidden")
    assert client.get(f"/api/v1/ideas/{idea_id}/attachments", headers=tokens(Role.AGENCY)).status_code == 403


def test_signed_link_serves_the_judge_the_pitch_deck(client: TestClient, submission_runtime: Any) -> None:
    with submission_runtime.session_factory() as session:
        idea_id, file_id, _, _ = _submitted_with_deck(session)
    secret = submission_runtime.settings.attachment_link_secret
    download = client.get(_link(secret, file_id, idea_id, uuid.uuid4()))  # no token: the link is the grant
    assert (download.status_code, download.content) == (200, PDF_BYTES)
    assert download.headers["content-type"] == PDF
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.headers["cache-control"] == "private, no-store"


def test_signed_link_refused_when_expired_forged_or_altered(client: TestClient, submission_runtime: Any) -> None:
    with submission_runtime.session_factory() as session:
        idea_id, file_id, draft_id, draft_file_id = _submitted_with_deck(session)
    secret = submission_runtime.settings.attachment_link_secret
    judge = uuid.uuid4()

    def refused(path: str, **headers: str) -> tuple[int, str, str]:
        response = client.get(path, headers=headers)
        error = response.json()["error"]
        return response.status_code, error["code"], error["message"]

    expired = refused(_link(secret, file_id, idea_id, judge, seconds=-1))
    assert expired == (
        403,
        "attachment_link_expired",
        "Tautan lampiran sudah kedaluwarsa; minta tautan baru dari halaman penilaian",
    )
    assert refused(_link(secret, file_id, idea_id, judge, seconds=-1), **{"Accept-Language": "en"})[2] == (
        "The attachment link has expired; ask for a new one from the judging page"
    )
    good = _link(secret, file_id, idea_id, judge)
    forged = good[:-4] + ("0000" if not good.endswith("0000") else "1111")
    assert refused(forged)[:2] == (403, "attachment_link_invalid")
    assert refused(good[: good.index("signature=")] + "signature=%C3%A9%C3%A9")[:2] == (403, "attachment_link_invalid")
    assert refused(good.replace(str(judge), str(uuid.uuid4())))[:2] == (403, "attachment_link_invalid")
    later = int((utcnow() + timedelta(days=1)).timestamp())
    assert refused(good.replace("expires=", f"expires={later}&x="))[:2] == (403, "attachment_link_invalid")
    other_secret = SecretStr("another-secret-of-at-least-thirty-two-characters")
    assert refused(_link(other_secret, file_id, idea_id, judge))[:2] == (403, "attachment_link_invalid")
    # Validly signed, but the file is not this idea's, or the idea is a draft: nothing to serve.
    assert refused(_link(secret, file_id, draft_id, judge))[:2] == (404, "not_found")
    assert refused(_link(secret, draft_file_id, draft_id, judge))[:2] == (404, "not_found")
    assert client.get(f"/api/v1/attachments/{file_id}/signed?idea={idea_id}").status_code == 422


def _submitted_events(engine: Any, idea_id: uuid.UUID) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT body FROM outbox_event WHERE event_type = 'idea.submitted.v1' "
                "AND body->'payload'->>'idea_id' = :idea ORDER BY (body->'payload'->>'revision')::int"
            ),
            {"idea": str(idea_id)},
        ).scalars()
        return [r["payload"] for r in rows]


def test_submitted_idea_events_carry_files_answers_and_work_unit(submission_runtime: Any) -> None:
    question = {
        "key": "sudah_diuji_coba",
        "label": "Apakah gagasan sudah diuji coba?",
        "kind": "choice",
        "required": True,
        "choices": ["belum", "sebagian", "sudah"],
    }
    with submission_runtime.session_factory() as session:
        make_edition(session, extra_questions=[question])
        participant, owner = make_participant(session)
        participant.work_unit = "Bidang Pelayanan Kesehatan"
        session.commit()
        idea = make_idea(session, owner, submit=True, extra_answers={"sudah_diuji_coba": "sebagian"})
        deck = upload(
            session,
            storage=LocalStorage(Path(ATTACHMENTS_DIR)),
            principal=owner,
            idea_id=idea.id,
            filename="paparan.pdf",
            content=PDF_BYTES,
            max_bytes=1_000_000,
        )
        remove(session, storage=LocalStorage(Path(ATTACHMENTS_DIR)), principal=owner, attachment_id=deck.id)
    first, with_deck, without = _submitted_events(submission_runtime.engine, idea.id)
    assert [first["revision"], with_deck["revision"], without["revision"]] == [1, 2, 3]
    assert first["extra_answers"] == [
        {"key": "sudah_diuji_coba", "label": "Apakah gagasan sudah diuji coba?", "answer": "sebagian"}
    ]
    assert first["proposer"]["work_unit"] == "Bidang Pelayanan Kesehatan"
    assert first["attachments"] == []
    assert with_deck["attachments"] == [
        {
            "attachment_id": str(deck.id),
            "filename": "paparan.pdf",
            "content_type": PDF,
            "size_bytes": len(PDF_BYTES),
            "sha256": hashlib.sha256(PDF_BYTES).hexdigest(),
        }
    ]
    assert without["attachments"] == []
