"""The refusal scoring gives until a judge has declared their conflicts for the edition.

Apart from service.py so that scoring (which the declarations service builds on) can raise it too.
"""

from __future__ import annotations

from shared.errors import AppError, Message

DECLARATION_REQUIRED = Message(
    "Isi dulu pernyataan konflik kepentingan untuk edisi ini sebelum menilai",
    "Declare your conflicts of interest for this edition before scoring",
)


def declaration_required(edition_code: str) -> AppError:
    """403 `declaration_required` for an edition the judge has not declared for yet."""
    return AppError(403, "declaration_required", DECLARATION_REQUIRED, {"edition_code": edition_code})
