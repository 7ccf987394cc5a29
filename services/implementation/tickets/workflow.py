"""The ticket workflow: which status may follow which, and who may move it there."""

from __future__ import annotations

from services.implementation.tickets.models import TicketStatus

S = TicketStatus

#: Forward moves of the happy path; blocked and cancelled are reachable from every open status.
FORWARD: dict[str, tuple[str, ...]] = {
    S.NEW: (S.ACCEPTED,),
    S.ACCEPTED: (S.IN_PROGRESS,),
    S.IN_PROGRESS: (S.PILOTING,),
    S.PILOTING: (S.IMPLEMENTED,),
    S.IMPLEMENTED: (),
    S.CANCELLED: (),
}

#: Transitions that must say why.
REASON_REQUIRED = frozenset({S.BLOCKED, S.CANCELLED})
#: Only the committee may cancel (an agency that cannot do it blocks, with a reason).
COMMITTEE_ONLY = frozenset({S.CANCELLED})


def allowed_transitions(status: str, status_before_block: str | None) -> list[str]:
    """The statuses a ticket in `status` may move to (a blocked ticket resumes where it was blocked)."""
    if status == S.BLOCKED:
        return [status_before_block or S.NEW, S.CANCELLED]
    forward = list(FORWARD.get(status, ()))
    if not forward:
        return []
    return [*forward, S.BLOCKED, S.CANCELLED]
