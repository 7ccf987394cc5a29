"""Account administration: admins list, change, deactivate and reactivate accounts; the committee lists judges."""

from __future__ import annotations

import uuid

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from services.submission.accounts.models import User
from services.submission.accounts.schemas import AccountPage, AccountRead, AccountUpdate, JudgePage, JudgeRead
from services.submission.accounts.service import get_user, upsert_user
from services.submission.accounts.sessions import end_sessions
from services.submission.common import Page
from services.submission.db import audit
from shared.auth import Principal, Role
from shared.errors import Message, invalid


def _filtered(query: Select[User, int], *, q: str | None, agency_code: str | None) -> Select[User, int]:
    if agency_code:
        query = query.where(User.agency_code == agency_code)
    if q:
        pattern = f"%{q.strip()}%"
        query = query.where(or_(User.name.ilike(pattern), User.email.ilike(pattern), User.nip.like(pattern)))
    return query


def _page(session: Session, query: Select[User, int], page: Page) -> tuple[list[User], int]:
    """One page of a query that carries its total as a window count."""
    rows = session.execute(query.limit(page.page_size).offset(page.offset)).all()
    return [r[0] for r in rows], (rows[0][1] if rows else 0)


def list_accounts(
    session: Session, *, page: Page, role: Role | None, active: bool | None, agency_code: str | None, q: str | None
) -> AccountPage:
    """One page of accounts by name, filtered by role, active state, agency and a search text (admin)."""
    query = select(User, func.count().over().label("total")).order_by(User.name, User.email)
    if role is not None:
        query = query.where(User.role == str(role))
    if active is not None:
        query = query.where(User.is_active.is_(active))
    users, total = _page(session, _filtered(query, q=q, agency_code=agency_code), page)
    return AccountPage(
        items=[AccountRead.model_validate(u) for u in users], total=total, page=page.page, page_size=page.page_size
    )


def list_judges(session: Session, *, page: Page, agency_code: str | None, q: str | None) -> JudgePage:
    """Active judge accounts with agency and work unit, for building panels (committee)."""
    query = (
        select(User, func.count().over().label("total"))
        .where(User.role == str(Role.JUDGE), User.is_active.is_(True))
        .order_by(User.name, User.email)
    )
    users, total = _page(session, _filtered(query, q=q, agency_code=agency_code), page)
    return JudgePage(
        items=[JudgeRead.model_validate(u) for u in users], total=total, page=page.page, page_size=page.page_size
    )


def update_account(session: Session, *, user_id: uuid.UUID, data: AccountUpdate, actor: Principal) -> AccountRead:
    """Change an account's role, name, agency or work unit; a role or agency change ends its sessions."""
    user = get_user(session, user_id)
    fields = data.model_dump(exclude_unset=True)
    role = Role(fields.get("role") or user.role)
    if user.role == str(Role.PARTICIPANT) and role != Role.PARTICIPANT:
        raise invalid(
            "participant_role_fixed",
            Message("Peran akun peserta tidak dapat diubah", "A participant account's role cannot be changed"),
            {"field": "role"},
        )
    _refuse_self(user, actor, "role")
    upsert_user(
        session,
        role=role,
        email=user.email,
        password=None,
        name=fields.get("name") or user.name,
        agency_code=fields.get("agency_code", user.agency_code),
        work_unit=fields.get("work_unit"),
        actor=actor,
        reactivate=False,
    )
    session.commit()
    return AccountRead.model_validate(user)


def set_active(session: Session, *, user_id: uuid.UUID, active: bool, actor: Principal) -> AccountRead:
    """Deactivate (sessions end at once, sign-in refused) or reactivate an account (admin; audited)."""
    user = get_user(session, user_id)
    _refuse_self(user, actor, "is_active")
    if user.is_active != active:
        user.is_active = active
        audit.record(
            session,
            actor=actor,
            action="account.reactivated" if active else "account.deactivated",
            object_type="user",
            object_id=user.id,
        )
        if not active:
            end_sessions(session, user=user, reason="deactivated", actor=actor)
        session.commit()
    return AccountRead.model_validate(user)


def _refuse_self(user: User, actor: Principal, field: str) -> None:
    """An admin cannot lock themselves out (another admin must do it)."""
    if user.id == actor.user_id:
        raise invalid(
            "own_account",
            Message(
                "Anda tidak dapat mengubah peran atau status akun Anda sendiri",
                "You cannot change the role or state of your own account",
            ),
            {"field": field},
        )
