"""The caller's notification preferences: channels, language, daily digest and WhatsApp number."""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.implementation.db import audit
from services.implementation.notifications.models import (
    NotificationPreference,
)
from services.implementation.notifications.schemas import PreferenceUpdate
from services.implementation.notifications.whatsapp import normalise_phone
from shared.auth import Principal, Role
from shared.errors import Message, invalid


def get_preference(session: Session, *, principal: Principal) -> NotificationPreference:
    """The caller's preferences (defaults when never set: everything on, no digest)."""
    pref = session.get(NotificationPreference, principal.user_id)
    if pref is None:
        pref = NotificationPreference(
            user_id=principal.user_id,
            role=str(principal.role),
            agency_code=principal.agency_code,
            name=principal.name,
            email=principal.email,
            email_enabled=True,
            in_app_enabled=True,
            daily_digest=False,
            last_digest_seq=0,
            language="id",
            whatsapp_phone=None,
            whatsapp_enabled=False,
        )
    return pref


DIGEST_ROLES = (Role.AGENCY, Role.COMMITTEE)  # and admins, who hold every role


def _whatsapp_phone(raw: str | None) -> str | None:
    """The number in the gateway's form; "" removes it; 422 for what is not an Indonesian mobile number."""
    if not raw:
        return None
    phone = normalise_phone(raw)
    if phone is None:
        raise invalid(
            "invalid_whatsapp_phone",
            Message(
                "Nomor WhatsApp tidak sah (contoh: 0812-3456-7890 atau +62 812 3456 7890)",
                "Invalid WhatsApp number (e.g. 0812-3456-7890 or +62 812 3456 7890)",
            ),
            [{"field": "whatsapp_phone", "message": "nomor ponsel Indonesia / an Indonesian mobile number"}],
        )
    return phone


def update_preference(session: Session, *, principal: Principal, data: PreferenceUpdate) -> NotificationPreference:
    """Change the caller's per-channel choices; the daily digest is for agency and committee users."""
    if data.daily_digest and not principal.has_role(*DIGEST_ROLES):
        raise invalid(
            "digest_not_available",
            Message(
                "Ringkasan harian hanya tersedia untuk pengguna instansi dan panitia",
                "The daily digest is only available to agency and committee users",
            ),
        )
    if data.daily_digest and not principal.email:
        raise invalid(
            "email_required",
            Message("Akun Anda tidak memiliki alamat email", "Your account has no email address"),
        )
    phone = _whatsapp_phone(data.whatsapp_phone)
    pref = session.get(NotificationPreference, principal.user_id, with_for_update=True)
    if pref is None:
        pref = get_preference(session, principal=principal)
        session.add(pref)
    pref.role, pref.agency_code, pref.name, pref.email = (
        str(principal.role),
        principal.agency_code,
        principal.name,
        principal.email,
    )
    values: dict[str, object] = data.model_dump(exclude_unset=True, exclude={"whatsapp_phone"})
    if data.whatsapp_phone is not None:
        values["whatsapp_phone"] = phone
    changes: dict[str, dict[str, object]] = {}
    for field, value in values.items():
        if value is not None and value != getattr(pref, field):
            # The number itself stays out of the append-only log (personal data); that it changed is enough.
            shown = (value, getattr(pref, field)) if field != "whatsapp_phone" else ("***", "***")
            changes[field] = {"from": shown[1], "to": shown[0]}
            setattr(pref, field, value)
    if data.whatsapp_phone == "":
        pref.whatsapp_phone = None
    if pref.whatsapp_enabled and not pref.whatsapp_phone:
        raise invalid(
            "whatsapp_phone_required",
            Message(
                "Isi nomor WhatsApp untuk menerima pemberitahuan lewat WhatsApp",
                "Give a WhatsApp number to receive notifications by WhatsApp",
            ),
            [{"field": "whatsapp_phone", "message": "wajib diisi / required"}],
        )
    if changes:
        audit.record(
            session,
            actor=principal,
            action="notification.preferences_changed",
            object_type="notification_preference",
            object_id=principal.user_id,
            details={"changes": changes},
        )
    session.commit()
    return pref
