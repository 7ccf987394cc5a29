"""Opaque cursors of the ticket listing: (created_at, id) of the last row seen."""

from __future__ import annotations

import base64
import binascii
import uuid
from datetime import datetime

from services.implementation.tickets.models import (
    Ticket,
)
from shared.errors import Message, invalid


def encode_cursor(ticket: Ticket) -> str:
    """The cursor that continues the listing after this ticket."""
    return base64.urlsafe_b64encode(f"{ticket.created_at.isoformat()}|{ticket.id}".encode()).decode()


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    """The (created_at, id) a cursor names; 422 for anything else."""
    try:
        created, _, ident = base64.urlsafe_b64decode(cursor.encode()).decode().partition("|")
        return datetime.fromisoformat(created), uuid.UUID(ident)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise invalid("invalid_cursor", Message("Kursor tidak sah", "Invalid cursor")) from None
