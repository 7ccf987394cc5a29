"""Every table of the judging service (Alembic's env imports this module)."""

from services.judging.conflicts.models import Exclusion
from services.judging.db import audit_log, messaging, metadata
from services.judging.decisions.models import Decision, SelectionAdjustment
from services.judging.declarations.models import ConflictDeclaration
from services.judging.documents.models import Certificate
from services.judging.ideas.models import Idea
from services.judging.rubric.models import Criterion, Edition, Round
from services.judging.schedule.models import AuditionBreak, AuditionDay, PanelMember, Room, RoomHours, Slot
from services.judging.scoring.models import Score, ScoreRequest, ScoreSet

__all__ = [
    "AuditionBreak",
    "AuditionDay",
    "Certificate",
    "ConflictDeclaration",
    "Criterion",
    "Decision",
    "Edition",
    "Exclusion",
    "Idea",
    "PanelMember",
    "Room",
    "RoomHours",
    "Round",
    "Score",
    "ScoreRequest",
    "ScoreSet",
    "SelectionAdjustment",
    "Slot",
    "audit_log",
    "messaging",
    "metadata",
]
