"""The managed list of agencies: kept in step with `shared.agencies`, validated wherever a code is given."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from services.submission.agencies.models import Agency
from services.submission.db import audit
from shared.agencies import AGENCIES
from shared.auth import Principal
from shared.errors import Message, invalid


def sync_agencies(session: Session) -> None:
    """Add any agency of the regency catalogue that the table lacks (idempotent; does not commit)."""
    session.execute(
        pg_insert(Agency)
        .values([{"code": a.code, "name": a.name, "email": a.email, "active": True} for a in AGENCIES])
        .on_conflict_do_nothing()
    )


def list_agencies(session: Session) -> list[Agency]:
    """Active agencies, by code."""
    return list(session.scalars(select(Agency).where(Agency.active).order_by(Agency.code)))


def list_managed_agencies(session: Session) -> list[Agency]:
    """Every agency of the managed list, deactivated ones too (an admin reactivates them), by code."""
    return list(session.scalars(select(Agency).order_by(Agency.code)))


def unknown_agency(code: str, field: str = "agency_code") -> Exception:
    """422 naming the unknown agency code."""
    return invalid(
        "unknown_agency",
        Message(f"Kode perangkat daerah '{code}' tidak dikenal", f"Unknown agency code '{code}'"),
        {"field": field, "value": code},
    )


def active_codes(session: Session) -> set[str]:
    """The codes of active agencies (one query; callers validate many rows against it)."""
    return set(session.scalars(select(Agency.code).where(Agency.active)))


def require_agency(session: Session, code: str, field: str = "agency_code") -> None:
    """Refuse an unknown or inactive agency code."""
    found = session.scalar(select(Agency.code).where(Agency.code == code, Agency.active))
    if found is None:
        raise unknown_agency(code, field)


def upsert_agency(
    session: Session, *, code: str, name: str, email: str, active: bool, actor: Principal | None = None
) -> Agency:
    """Add an agency or change it; deactivating keeps history but refuses the code for new records (audited)."""
    agency = session.get(Agency, code)
    after = {"name": name, "email": email, "active": active}
    if agency is None:
        agency = Agency(code=code, name=name, email=email, active=active)
        session.add(agency)
        action, details = "agency.created", after
    else:
        before = {"name": agency.name, "email": agency.email, "active": agency.active}
        agency.name, agency.email, agency.active = name, email, active
        changes = {k: {"from": before[k], "to": after[k]} for k in after if before[k] != after[k]}
        action, details = "agency.changed", {"changes": changes}
    audit.record(session, actor=actor, action=action, object_type="agency", object_id=code, details=details)
    session.commit()
    return agency
