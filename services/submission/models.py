"""Every table of the submission service (Alembic's env imports this module)."""

from services.submission.accounts.models import AccountToken, User
from services.submission.agencies.models import Agency
from services.submission.attachments.models import Attachment
from services.submission.editions.models import Edition
from services.submission.ideas.models import Idea, IdeaMember, IdeaVersion
from services.submission.participants.models import Participant

__all__ = [
    "AccountToken",
    "Agency",
    "Attachment",
    "Edition",
    "Idea",
    "IdeaMember",
    "IdeaVersion",
    "Participant",
    "User",
]
