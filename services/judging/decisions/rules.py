"""Selection rules: declared before scoring, changed afterwards only with a logged reason."""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.judging.audit.service import record
from services.judging.decisions.schemas import SelectionRulesIn, SelectionRulesRead
from services.judging.results.schemas import SelectionRules
from services.judging.results.service import load_rules, scoring_begun
from services.judging.rubric.service import ensure_edition
from shared.auth import Principal
from shared.db import utcnow
from shared.errors import Message, conflict


def get_rules(session: Session, *, edition_code: str) -> SelectionRulesRead:
    """The edition's selection rules and whether they are declared and locked."""
    rules, declared = load_rules(session, edition_code)
    return SelectionRulesRead(**rules.model_dump(), declared=declared, locked=scoring_begun(session, edition_code))


def put_rules(
    session: Session, *, edition_code: str, body: SelectionRulesIn, principal: Principal
) -> SelectionRulesRead:
    """Declare the selection rules; once scoring has begun a change needs a reason, which is logged."""
    edition = ensure_edition(session, edition_code)
    session.refresh(edition, with_for_update=True)
    rules = SelectionRules.model_validate(body.model_dump(exclude={"reason"}))
    locked = scoring_begun(session, edition_code)
    if edition.rules is not None and SelectionRules.model_validate(edition.rules) == rules:
        session.rollback()
        return get_rules(session, edition_code=edition_code)
    if locked and not (body.reason and body.reason.strip()):
        raise conflict(
            "rules_locked",
            Message(
                "Aturan seleksi terkunci karena penilaian sudah dimulai; sertakan alasan perubahan",
                "Selection rules are locked because scoring has begun; give a reason to change them",
            ),
        )
    record(
        session,
        edition_code=edition_code,
        action="selection_rules_changed" if edition.rules is not None else "selection_rules_declared",
        actor=principal,
        object_type="edition",
        object_id=edition_code,
        reason=body.reason,
        data={"before": edition.rules, "after": rules.model_dump(mode="json"), "scoring_begun": locked},
    )
    edition.rules = rules.model_dump(mode="json")
    edition.rules_declared_at = utcnow()
    session.commit()
    return get_rules(session, edition_code=edition_code)
