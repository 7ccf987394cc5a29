"""Small helpers shared by the submission service's domain folders: time in WIB, pagination."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from shared.clock import WIB


def wib(moment: datetime) -> str:
    """A moment as people in Trenggalek read it, e.g. '31-03-2026 23:59 WIB'."""
    return moment.astimezone(WIB).strftime("%d-%m-%Y %H:%M WIB")


class Page(BaseModel):
    """Page-number pagination (committee screens and exports want totals and page jumps)."""

    page: int = Field(default=1, ge=1, le=100_000)  # bounded: a huge page number would overflow OFFSET
    page_size: int = Field(default=20, ge=1, le=200)

    @property
    def offset(self) -> int:
        """Rows to skip."""
        return (self.page - 1) * self.page_size


# Deliberately simple: regency test servers use domains like .local or .test that strict validators refuse.
EMAIL_PATTERN = r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$"
Email = Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, max_length=254, pattern=EMAIL_PATTERN)]
