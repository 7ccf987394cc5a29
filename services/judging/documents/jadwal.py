"""The printable audition schedule (jadwal audisi) drawn with ReportLab: one page per room of a day.

Like the other documents (pdf.py): plain data in, PDF bytes out, no database and no clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.platypus import Flowable, LongTable, PageBreak, Spacer, TableStyle

from services.judging.documents.pdf import (
    BODY,
    CENTER,
    GRID,
    HEAD,
    PROGRAMME,
    SUBTITLE,
    TITLE,
    _build,
    _letterhead,
    _p,
    hari,
    tanggal,
)


def jam(moment: time) -> str:
    """A time the Indonesian way: 08.00."""
    return f"{moment:%H.%M}"


@dataclass(frozen=True)
class ScheduleLine:
    """A slot (with its idea, if any) or a break, in time order."""

    starts: time
    ends: time
    title: str
    group: str = "–"
    team: str = "–"
    is_break: bool = False


@dataclass(frozen=True)
class RoomSchedule:
    """One room's day: its hours, its panel and its lines."""

    room: str
    opens: time
    closes: time
    judges: list[str]
    lines: list[ScheduleLine]


@dataclass(frozen=True)
class DaySchedule:
    """An audition day of an edition, room by room."""

    edition_code: str
    day: date
    rooms: list[RoomSchedule]


def jadwal_audisi(data: DaySchedule) -> bytes:
    """The day's schedule: a page per room with its times, ideas, breaks and judges."""
    story: list[Flowable] = []
    for i, room in enumerate(data.rooms):
        if i:
            story.append(PageBreak())
        story += _room_page(data, room)
    return _build(story, pagesize=A4, title=f"Jadwal audisi {data.edition_code} {data.day.isoformat()}")


def _room_page(data: DaySchedule, room: RoomSchedule) -> list[Flowable]:
    rows: list[list[Any]] = [[_p(h, HEAD) for h in ("No", "Waktu (WIB)", "Judul gagasan", "Kelompok jabatan", "Tim")]]
    shaded: list[int] = []
    number = 0
    for line in room.lines:
        when = _p(f"{jam(line.starts)}–{jam(line.ends)}")
        if line.is_break:
            shaded.append(len(rows))
            rows.append(["", when, _p(line.title.upper(), HEAD), "", ""])
            continue
        number += 1
        rows.append([_p(str(number)), when, _p(line.title), _p(line.group), _p(line.team)])
    if not room.lines:
        rows.append(["", "", _p("Tidak ada slot di ruang ini."), "", ""])
    table = LongTable(rows, colWidths=[1 * cm, 2.6 * cm, 6.2 * cm, 3 * cm, 3.8 * cm], repeatRows=1, style=GRID)
    for row in shaded:
        table.setStyle(
            TableStyle(
                [("BACKGROUND", (0, row), (-1, row), colors.Color(0.93, 0.93, 0.93)), ("SPAN", (2, row), (-1, row))]
            )
        )
    judges = [_p(f"{n}. {name}", BODY) for n, name in enumerate(room.judges, start=1)]
    return [
        *_letterhead(f"PANITIA {PROGRAMME.upper()} — EDISI {data.edition_code}"),
        _p("JADWAL AUDISI", TITLE),
        _p(f"{hari(data.day)}, {tanggal(data.day)} — {room.room}", CENTER),
        _p(f"Jam ruang: {jam(room.opens)}–{jam(room.closes)} WIB", CENTER),
        Spacer(1, 10),
        table,
        _p("Dewan juri", SUBTITLE),
        *(judges or [_p("Belum ditetapkan.", BODY)]),
    ]
