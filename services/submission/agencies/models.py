"""Agencies (OPD) of the regency, seeded from `shared.agencies`; participants and ideas refer to them."""

from __future__ import annotations

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from services.submission.db import Base


class Agency(Base):
    """A regency agency (OPD); the managed list participants choose from."""

    __tablename__ = "agency"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")
