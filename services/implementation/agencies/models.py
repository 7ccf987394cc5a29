"""The implementation service's own agency contacts: where ticket mail for each agency goes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, func
from sqlalchemy.orm import Mapped, mapped_column

from services.implementation.db import Base


class AgencyContact(Base):
    """An agency (OPD) and the address that receives its tickets; seeded from shared.agencies, editable."""

    __tablename__ = "agency_contact"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True, server_default="true")
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())
