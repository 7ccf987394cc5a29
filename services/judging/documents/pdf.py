"""The signed documents drawn with ReportLab: berita acara, piagam and lampiran keputusan.

Every function takes plain data and returns PDF bytes, with no database and no clock: `invariant=1`
fixes the creation date and the document ID, so the same data always gives the same bytes. Text uses
the PDF standard fonts (Times), which every reader has and which pypdf reads back as text.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    LongTable,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import BaseDocTemplate

REGENCY = "PEMERINTAH KABUPATEN TRENGGALEK"
PROGRAMME = "ASN Talent Academy"
MONTHS = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip
DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")

BODY = ParagraphStyle("body", fontName="Times-Roman", fontSize=11, leading=14.5, alignment=TA_JUSTIFY)
CELL = ParagraphStyle("cell", fontName="Times-Roman", fontSize=9.5, leading=11.5)
HEAD = ParagraphStyle("head", parent=CELL, fontName="Times-Bold")
TITLE = ParagraphStyle("title", fontName="Times-Bold", fontSize=13, leading=17, alignment=TA_CENTER)
CENTER = ParagraphStyle("center", parent=BODY, alignment=TA_CENTER)
SUBTITLE = ParagraphStyle("subtitle", parent=BODY, fontName="Times-Bold", spaceBefore=8, spaceAfter=4)
GRID = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.9, 0.9)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
)


def tanggal(day: date) -> str:
    """A date the Indonesian way: 30 November 2026."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def hari(day: date) -> str:
    """The Indonesian name of the day of the week."""
    return DAYS[day.weekday()]


def angka(value: float | None) -> str:
    """A score with two decimals and a decimal comma (75,50); a dash when there is none."""
    return "–" if value is None else f"{value:.2f}".replace(".", ",")


def _p(text: str, style: ParagraphStyle = CELL) -> Paragraph:
    return Paragraph(escape(text), style)


def _build(flowables: list[Flowable], *, pagesize: tuple[float, float], title: str, on_page: Any = None) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=2.2 * cm,
        rightMargin=2.2 * cm,
        topMargin=1.8 * cm,
        bottomMargin=1.8 * cm,
        title=title,
        author=f"Panitia {PROGRAMME}, Kabupaten Trenggalek",
        creator="Audisi",
        producer="Audisi (ReportLab)",
        subject=title,
        invariant=1,
    )
    doc.build(flowables, onFirstPage=on_page or _page_number, onLaterPages=on_page or _page_number)
    return buffer.getvalue()


def _page_number(canvas: Canvas, doc: BaseDocTemplate) -> None:
    canvas.setFont("Times-Roman", 9)
    canvas.drawRightString(doc.pagesize[0] - doc.rightMargin, 1 * cm, f"Halaman {doc.page}")


def _letterhead(unit: str) -> list[Flowable]:
    line = Table([[""]], colWidths=["100%"], style=[("LINEBELOW", (0, 0), (-1, -1), 1.5, colors.black)])
    return [
        _p(REGENCY, TITLE),
        _p(unit, CENTER),
        line,
        Spacer(1, 10),
    ]


def _signatures(names: Sequence[str], *, place_date: str, heading: str) -> Flowable:
    """A table of names with room to sign, kept on one page."""
    rows: list[list[Any]] = [[_p("No", HEAD), _p(heading, HEAD), _p("Tanda tangan", HEAD)]]
    for i, name in enumerate(names, start=1):
        rows.append([_p(str(i)), _p(name), _p(f"{i}. ........................................")])
    # Each judge's row is tall enough to sign in.
    heights = [None] + [1.3 * cm] * len(names)
    table = Table(rows, colWidths=[1.2 * cm, 8.3 * cm, 7 * cm], rowHeights=heights, style=GRID)
    table.setStyle(TableStyle([("VALIGN", (0, 1), (-1, -1), "MIDDLE")]))
    return KeepTogether([Spacer(1, 12), _p(place_date, BODY), Spacer(1, 6), table])


# ------------------------------------------------------------------------------------------------ berita acara


@dataclass(frozen=True)
class RankedIdea:
    """One line of the ranking in the minutes."""

    rank: int | None
    title: str
    proposer: str
    raw_score: float | None
    calibrated_score: float | None
    proposed: bool
    selected: bool
    exception: bool
    flagged: bool


@dataclass(frozen=True)
class GroupMinutes:
    """The part of the minutes about one position group."""

    group: str
    quota: int | None
    ranking: list[RankedIdea]
    ties: list[str]
    exceptions: list[tuple[str, str]]


@dataclass(frozen=True)
class Minutes:
    """Berita acara penilaian of one round: the rules, and per position group the outcome."""

    edition_code: str
    round_title: str
    held_on: date
    score_basis: str
    threshold: float | None
    tie_breaks: list[str]
    groups: list[GroupMinutes]
    judges: list[str]


def berita_acara(minutes: Minutes) -> bytes:
    """The minutes: one berita acara per position group, each on its own pages with the judges' signatures."""
    story: list[Flowable] = []
    for i, group in enumerate(minutes.groups):
        if i:
            story.append(PageBreak())
        story += _group_minutes(minutes, group)
    title = f"Berita acara penilaian {minutes.round_title} {minutes.edition_code}"
    return _build(story, pagesize=A4, title=title)


def _group_minutes(m: Minutes, g: GroupMinutes) -> list[Flowable]:
    held = f"{hari(m.held_on)}, tanggal {tanggal(m.held_on)}"
    rules = [
        f"Dasar peringkat: {m.score_basis}.",
        f"Kuota kelompok {g.group}: {g.quota if g.quota is not None else 'tidak ditetapkan'}.",
        f"Nilai ambang: {angka(m.threshold) if m.threshold is not None else 'tidak ditetapkan'}.",
        "Penentu urutan bila nilai sama: " + ("; ".join(m.tie_breaks) or "tidak ditetapkan") + ".",
    ]
    story: list[Flowable] = [
        *_letterhead(f"PANITIA {PROGRAMME.upper()} — EDISI {m.edition_code}"),
        _p("BERITA ACARA PENILAIAN", TITLE),
        _p(f"Babak {m.round_title} — Kelompok Jabatan {g.group}", CENTER),
        _p("Nomor: ..............................................", CENTER),
        Spacer(1, 10),
        _p(
            f"Pada hari ini, {held}, dewan juri {PROGRAMME} edisi {m.edition_code} telah menyelesaikan "
            f"penilaian babak {m.round_title} untuk kelompok jabatan {g.group}, berdasarkan aturan seleksi "
            "yang ditetapkan sebelum penilaian dimulai, dengan hasil sebagai berikut.",
            BODY,
        ),
        _p("A. Aturan seleksi", SUBTITLE),
        *[_p(f"{n}. {text}", BODY) for n, text in enumerate(rules, start=1)],
        _p("B. Peringkat", SUBTITLE),
    ]
    header = ["Peringkat", "Judul gagasan", "Pengusul", "Nilai mentah", "Nilai terkalibrasi", "Keterangan"]
    rows: list[list[Any]] = [[_p(h, HEAD) for h in header]]
    for r in g.ranking:
        notes = [
            text
            for flag, text in (
                (r.proposed, "diusulkan"),
                (r.selected, "terpilih"),
                (r.exception, "pengecualian"),
                (r.flagged, "perlu dibahas"),
            )
            if flag
        ]
        rows.append(
            [
                _p("–" if r.rank is None else str(r.rank)),
                _p(r.title),
                _p(r.proposer),
                _p(angka(r.raw_score)),
                _p(angka(r.calibrated_score)),
                _p(", ".join(notes) or "–"),
            ]
        )
    if not g.ranking:
        rows.append([_p("–"), _p("Tidak ada gagasan yang dinilai."), "", "", "", ""])
    widths = [2 * cm, 4.9 * cm, 3.4 * cm, 1.8 * cm, 2.1 * cm, 2.4 * cm]
    story.append(LongTable(rows, colWidths=widths, repeatRows=1, style=GRID))
    story.append(_p("C. Nilai sama dan penentu urutan", SUBTITLE))
    story += [_p(t, BODY) for t in g.ties] or [_p("Tidak ada nilai yang sama di antara gagasan yang dinilai.", BODY)]
    story.append(_p("D. Pengecualian aturan", SUBTITLE))
    if g.exceptions:
        ex_rows: list[list[Any]] = [[_p("Judul gagasan", HEAD), _p("Alasan", HEAD)]]
        ex_rows += [[_p(title), _p(reason or "–")] for title, reason in g.exceptions]
        story.append(LongTable(ex_rows, colWidths=[6 * cm, 10.6 * cm], repeatRows=1, style=GRID))
    else:
        story.append(_p("Tidak ada keputusan yang menyimpang dari aturan seleksi.", BODY))
    story.append(Spacer(1, 8))
    story.append(
        _p(
            "Demikian berita acara ini dibuat dengan sebenarnya untuk dipergunakan sebagaimana mestinya.",
            BODY,
        )
    )
    story.append(_signatures(m.judges, place_date=f"Trenggalek, {tanggal(m.held_on)}", heading="Nama juri"))
    return story


# ------------------------------------------------------------------------------------------------------ piagam


@dataclass(frozen=True)
class Piagam:
    """A certificate: who, for what, when, and how to check it."""

    holder: str
    citation: str
    idea_title: str
    edition_code: str
    issued_on: date
    code: str
    verify_url: str


def piagam(cert: Piagam) -> bytes:
    """A one-page landscape certificate with its verification code and a QR code of the verification URL."""
    page = landscape(A4)
    big = ParagraphStyle("holder", parent=TITLE, fontSize=24, leading=30, spaceBefore=6, spaceAfter=6)
    heading = ParagraphStyle("piagam", parent=TITLE, fontSize=30, leading=36, spaceAfter=4)
    story: list[Flowable] = [
        Spacer(1, 0.6 * cm),
        _p(REGENCY, TITLE),
        _p(f"{PROGRAMME} — edisi {cert.edition_code}", CENTER),
        Spacer(1, 0.5 * cm),
        _p("PIAGAM PENGHARGAAN", heading),
        _p("diberikan kepada", CENTER),
        _p(cert.holder, big),
        _p(cert.citation, CENTER),
        _p(f"“{cert.idea_title}”", ParagraphStyle("idea", parent=CENTER, fontName="Times-Italic", fontSize=13)),
        Spacer(1, 0.6 * cm),
        _p(f"Trenggalek, {tanggal(cert.issued_on)}", CENTER),
        _p("BUPATI TRENGGALEK,", CENTER),
        Spacer(1, 1.6 * cm),
        _p("(...........................................)", CENTER),
    ]

    def frame(canvas: Canvas, _doc: BaseDocTemplate) -> None:
        w, h = page
        canvas.setLineWidth(3)
        canvas.rect(1 * cm, 1 * cm, w - 2 * cm, h - 2 * cm)
        canvas.setLineWidth(0.8)
        canvas.rect(1.3 * cm, 1.3 * cm, w - 2.6 * cm, h - 2.6 * cm)
        qr = QrCodeWidget(cert.verify_url)
        x0, y0, x1, y1 = qr.getBounds()
        size = 2.6 * cm
        drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
        drawing.add(qr)
        drawing.drawOn(canvas, 1.8 * cm, 1.6 * cm)
        canvas.setFont("Times-Roman", 9)
        canvas.drawString(4.7 * cm, 3.3 * cm, f"Kode verifikasi: {cert.code}")
        canvas.drawString(4.7 * cm, 2.8 * cm, f"Periksa keaslian piagam ini di {cert.verify_url}")

    return _build(story, pagesize=page, title=f"Piagam {cert.holder} — {cert.edition_code}", on_page=frame)


# --------------------------------------------------------------------------------------------------- lampiran


@dataclass(frozen=True)
class DecisionLine:
    """One selected idea in the decision list."""

    title: str
    proposers: str
    group: str
    agency: str
    due_date: date | None


@dataclass(frozen=True)
class DecisionList:
    """Lampiran keputusan: the selected ideas with their implementing agencies and due dates."""

    edition_code: str
    decided_on: date
    lines: list[DecisionLine]


def lampiran_keputusan(data: DecisionList) -> bytes:
    """The list of selected ideas attached to the Regent's decision, with room for number and signature."""
    page = landscape(A4)
    head = Table(
        [
            [_p("LAMPIRAN KEPUTUSAN BUPATI TRENGGALEK", HEAD)],
            [_p("NOMOR    : ...............................................")],
            [_p("TANGGAL : ...............................................")],
            [_p(f"TENTANG : PENETAPAN GAGASAN TERPILIH {PROGRAMME.upper()} EDISI {data.edition_code}")],
        ],
        colWidths=[11 * cm],
        hAlign="RIGHT",
    )
    header = ["No", "Judul gagasan", "Pengusul", "Kelompok jabatan", "Perangkat daerah pelaksana", "Batas waktu"]
    rows: list[list[Any]] = [[_p(h, HEAD) for h in header]]
    for i, line in enumerate(data.lines, start=1):
        rows.append(
            [
                _p(str(i)),
                _p(line.title),
                _p(line.proposers),
                _p(line.group),
                _p(line.agency),
                _p(tanggal(line.due_date) if line.due_date else "–"),
            ]
        )
    if not data.lines:
        rows.append([_p("–"), _p("Tidak ada gagasan terpilih."), "", "", "", ""])
    widths = [1 * cm, 7.3 * cm, 5 * cm, 3.3 * cm, 5.4 * cm, 3.2 * cm]
    story: list[Flowable] = [
        head,
        Spacer(1, 12),
        _p(f"DAFTAR GAGASAN TERPILIH {PROGRAMME.upper()} EDISI {data.edition_code}", TITLE),
        Spacer(1, 8),
        LongTable(rows, colWidths=widths, repeatRows=1, style=GRID),
        Spacer(1, 6),
        _p(f"Sesuai keputusan panitia yang diterbitkan sampai dengan tanggal {tanggal(data.decided_on)}.", BODY),
        KeepTogether(
            [
                Spacer(1, 18),
                Table(
                    [
                        [_p("BUPATI TRENGGALEK,", CENTER)],
                        [Spacer(1, 1.8 * cm)],
                        [_p("(...........................................)", CENTER)],
                    ],
                    colWidths=[8 * cm],
                    hAlign="RIGHT",
                ),
            ]
        ),
    ]
    return _build(story, pagesize=page, title=f"Lampiran keputusan {data.edition_code}")
