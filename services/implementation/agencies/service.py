"""Agency contacts and the notification recipients that stand for an agency or the committee."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from services.implementation.agencies.models import AgencyContact
from services.implementation.agencies.schemas import AgencyContactUpdate
from services.implementation.db import audit, runtime
from shared.agencies import AGENCIES, AGENCY_BY_CODE
from shared.auth import Principal
from shared.errors import not_found
from shared.events import Person

# Mailboxes that are not user accounts get stable ids, so their notification jobs still have a recipient id.
_RECIPIENT_NAMESPACE = uuid.UUID("6f1c1d2e-7f4b-4d0e-9a55-2b8f3c1a9e01")


def mailbox_user_id(kind: str, key: str) -> uuid.UUID:
    """The stable recipient id of a shared mailbox (an agency's, the committee's)."""
    return uuid.uuid5(_RECIPIENT_NAMESPACE, f"{kind}:{key}")


def agency_name(session: Session, code: str) -> str:
    """An agency's display name (the contact's, else the catalogue's, else the code)."""
    contact = session.get(AgencyContact, code)
    if contact is not None:
        return contact.name
    known = AGENCY_BY_CODE.get(code)
    return known.name if known else code


def agency_recipient(session: Session, code: str) -> Person:
    """The agency's mailbox: its own contact if set, else the regency catalogue's address.

    Its name is the agency's display name, as `agency_name` gives it: a caller that needs both looks up once.
    """
    contact = session.get(AgencyContact, code)
    if contact is not None:
        name, email = contact.name, contact.email
    else:
        known = AGENCY_BY_CODE.get(code)
        name = known.name if known else code
        email = known.email if known else f"{code.lower()}@trenggalekkab.go.id"
    return Person(user_id=mailbox_user_id("agency", code), name=name, email=email, agency_code=code)


def committee_recipient() -> Person:
    """The committee's mailbox (COMMITTEE_EMAIL)."""
    email = runtime.settings.committee_email
    return Person(user_id=mailbox_user_id("committee", email), name="Panitia ASN Talent Academy", email=email)


def list_contacts(session: Session) -> list[AgencyContact]:
    """Every agency contact, by code."""
    return list(session.scalars(select(AgencyContact).order_by(AgencyContact.code)))


def update_contact(session: Session, *, actor: Principal, code: str, data: AgencyContactUpdate) -> AgencyContact:
    """Change an agency's contact (committee); unknown codes are 404. The change is audited (before/after)."""
    contact = session.get(AgencyContact, code, with_for_update=True)
    if contact is None:
        known = AGENCY_BY_CODE.get(code)
        if known is None:
            raise not_found("Instansi", "Agency", {"code": code})
        contact = AgencyContact(code=code, name=known.name, email=known.email, active=True)
        session.add(contact)
    before = {"name": contact.name, "email": contact.email, "active": contact.active}
    if data.name is not None:
        contact.name = data.name
    if data.email is not None:
        contact.email = str(data.email)
    if data.active is not None:
        contact.active = data.active
    after = {"name": contact.name, "email": contact.email, "active": contact.active}
    changes = {k: {"from": before[k], "to": after[k]} for k in before if before[k] != after[k]}
    if changes:
        audit.record(
            session,
            actor=actor,
            action="agency.contact_changed",
            object_type="agency",
            object_id=code,
            details={"changes": changes},
        )
    session.commit()
    return contact


def seed_contacts(session: Session) -> int:
    """Insert the catalogue's agencies that have no contact yet (never overwrites an edited one)."""
    result = session.execute(
        pg_insert(AgencyContact)
        .values([{"code": a.code, "name": a.name, "email": a.email, "active": True} for a in AGENCIES])
        .on_conflict_do_nothing(index_elements=[AgencyContact.code])
        .returning(AgencyContact.code)
    )
    inserted = len(result.all())
    session.commit()
    return inserted
