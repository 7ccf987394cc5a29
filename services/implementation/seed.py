"""Demo data of the implementation service: the agency contacts (tickets come from judged ideas)."""

from __future__ import annotations

from services.implementation.agencies.service import seed_contacts
from services.implementation.db import runtime


def seed() -> None:
    """Load the agency contacts from the regency catalogue (idempotent; edited contacts are kept)."""
    with runtime.session_factory() as session:
        inserted = seed_contacts(session)
    print(f"implementation: {inserted} agency contacts seeded")
