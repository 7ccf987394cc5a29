"""Audition days, rooms, slots of set length, and the panels of judges per room."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.judging.db import Base
from shared.db import new_id, utcnow


class AuditionDay(Base):
    """A day of auditions (interpreted in Asia/Jakarta) with its slot length."""

    __tablename__ = "audition_day"
    __table_args__ = (UniqueConstraint("edition_code", "day"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    edition_code: Mapped[str] = mapped_column(String(40))
    day: Mapped[date]
    slot_minutes: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Room(Base):
    """A room where one panel hears pitches."""

    __tablename__ = "room"
    __table_args__ = (UniqueConstraint("edition_code", "name"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    edition_code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(120))


class Slot(Base):
    """A time in a room for one idea's pitch."""

    __tablename__ = "slot"
    __table_args__ = (
        UniqueConstraint("room_id", "starts_at"),
        UniqueConstraint("idea_id"),
        Index("ix_slot_edition_starts", "edition_code", "starts_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    edition_code: Mapped[str] = mapped_column(String(40))
    day_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("audition_day.id", ondelete="CASCADE"))
    room_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("room.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    idea_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("idea.id"))


class PanelMember(Base):
    """A judge on the panel of a round: of one room (auditions), or of the whole round (room_id NULL)."""

    __tablename__ = "panel_member"
    __table_args__ = (
        UniqueConstraint("round_id", "room_id", "judge_id", postgresql_nulls_not_distinct=True),
        Index("ix_panel_member_round", "round_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    round_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"))
    room_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("room.id", ondelete="CASCADE"))
    judge_id: Mapped[uuid.UUID]
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    agency_code: Mapped[str | None] = mapped_column(String(40))


class AuditionBreak(Base):
    """A pause in an audition day (ishoma): no slot overlaps it in any room."""

    __tablename__ = "audition_break"
    __table_args__ = (Index("ix_audition_break_day", "day_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    day_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("audition_day.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    label: Mapped[str] = mapped_column(String(80))


class RoomHours(Base):
    """A room's own opening hours on one audition day, when they differ from the day's."""

    __tablename__ = "room_hours"
    __table_args__ = (UniqueConstraint("day_id", "room_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    day_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("audition_day.id", ondelete="CASCADE"))
    room_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("room.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
