"""What each member of a team of three hears on its walk through an edition, as one table for the walk in one
process (tests/notifications/test_team_walk.py) and the walk across the real processes (tests/e2e/test_team_walk.py).

The walk: the owner invites two mates, who accept; the idea is submitted and screened eligible; it gets an
audition slot; the judges score it and the committee selects it; the ticket opens, the agency accepts it, starts
work and reports progress.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

#: What every member hears, in the order of the walk.
EVERYONE = (
    "idea_submitted",
    "idea_screened",
    "audition_slot_assigned",
    "feedback_ready",
    "ticket_created",
    "ticket_status_changed",  # accepted
    "ticket_status_changed",  # in progress
    "progress_updated",
)


def team_notifications(owner: str, mates: Sequence[str]) -> dict[str, Counter[str]]:
    """Each member's notification templates, each as often as it must arrive: the owner hears every mate's
    answer, each mate their own invitation."""
    return {
        owner: Counter([*EVERYONE, *["team_invitation_answered"] * len(mates)]),
        **{mate: Counter([*EVERYONE, "team_invitation"]) for mate in mates},
    }
