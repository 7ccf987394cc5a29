"""Uploaded files, shared by the services that take them: what a file really is, from its first bytes (and, for
Office files, its zip members) never its name; the checks every upload passes; and where the bytes live."""

from __future__ import annotations

import io
import os
import re
import tempfile
import unicodedata
import zipfile
from pathlib import Path
from typing import Protocol

from shared.errors import AppError, Message, invalid

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
WEBP = "image/webp"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MP4 = "video/mp4"

ALLOWED = frozenset({PDF, PNG, JPEG, WEBP, PPTX, DOCX, XLSX, MP4})

_OOXML = (("ppt/presentation.xml", PPTX), ("word/document.xml", DOCX), ("xl/workbook.xml", XLSX))

# A zip whose members would inflate beyond this is refused (a zip bomb disguised as a pitch deck).
MAX_UNCOMPRESSED = 200 * 1024 * 1024


def sniff(content: bytes) -> str | None:
    """The content type of an allowed kind of file, or None when it is anything else."""
    head = content[:16]
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if content[4:8] == b"ftyp":
        return MP4
    if head.startswith(b"PK\x03\x04"):
        return _ooxml(content)
    return None


def _ooxml(content: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
            names = {i.filename for i in infos}
            if "[Content_Types].xml" not in names or sum(i.file_size for i in infos) > MAX_UNCOMPRESSED:
                return None
    except (zipfile.BadZipFile, ValueError):
        return None
    return next((kind for member, kind in _OOXML if member in names), None)


IMAGES = frozenset({PNG, JPEG, WEBP})

_NAMES = {PDF: "PDF", PNG: "PNG", JPEG: "JPEG", WEBP: "WEBP", PPTX: "PPTX", DOCX: "DOCX", XLSX: "XLSX", MP4: "MP4"}


def checked_type(content: bytes, *, max_bytes: int, allowed: frozenset[str], code: str, noun: Message) -> str:
    """The sniffed type of an upload within the limit and of an allowed kind; 413, 422 or 415 otherwise.

    `code` names the errors (`<code>_too_large`, `empty_<code>`, `unsupported_<code>`), `noun` the file in both
    languages ("Lampiran" / "The attachment").
    """
    if len(content) > max_bytes:
        raise AppError(
            413,
            f"{code}_too_large",
            Message(f"{noun.id} melebihi batas {max_bytes} byte", f"{noun.en} exceeds {max_bytes} bytes"),
            {"max_bytes": max_bytes, "size_bytes": len(content)},
        )
    if not content:
        raise invalid(f"empty_{code}", Message("Berkas kosong", "The file is empty"))
    content_type = sniff(content)
    if content_type not in allowed:
        kinds = ", ".join(name for kind, name in _NAMES.items() if kind in allowed)
        raise AppError(
            415,
            f"unsupported_{code}",
            Message(f"Jenis berkas tidak didukung ({kinds})", f"Unsupported file type ({kinds})"),
            {"allowed": sorted(allowed)},
        )
    return content_type


def display_name(filename: str | None, *, default: str = "lampiran") -> str:
    """A safe name to show and to offer on download: no directories, no control characters."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in unicodedata.normalize("NFC", name) if unicodedata.category(c)[0] != "C").strip()
    return (name or default)[:255]


_KEY = re.compile(r"^[0-9a-f]{32}$")


class Storage(Protocol):
    """A blob store addressed by keys the service generates (never by user-supplied names)."""

    def put(self, key: str, content: bytes) -> None:
        """Store `content` under `key`."""

    def get(self, key: str) -> bytes:
        """The bytes stored under `key` (FileNotFoundError if missing)."""

    def delete(self, key: str) -> None:
        """Remove `key` (no error if already gone)."""


class LocalStorage:
    """Files under a directory (a mounted volume in compose); written atomically."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        if not _KEY.match(key):  # keys are uuid4 hex: nothing a caller could turn into a path
            raise ValueError("invalid storage key")
        return self.root / key[:2] / key

    def put(self, key: str, content: bytes) -> None:
        """Write to a temporary file and rename, so a crash never leaves half a file under the key."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        """The stored bytes."""
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        """Remove the file."""
        self._path(key).unlink(missing_ok=True)
