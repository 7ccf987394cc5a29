"""What a file really is, from its first bytes (and, for Office files, its zip members), never its name."""

from __future__ import annotations

import io
import zipfile

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
