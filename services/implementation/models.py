"""Every table of the implementation service (Alembic's env imports this to see them all)."""

from services.implementation.agencies.models import AgencyContact
from services.implementation.evidence.models import EvidenceFile
from services.implementation.notifications.models import InAppNotification, NotificationJob, NotificationPreference
from services.implementation.tickets.models import (
    Escalation,
    IdeaState,
    Milestone,
    ProgressUpdate,
    Ticket,
    TicketChange,
)
from services.implementation.webhooks.models import WebhookDeadLetter, WebhookDelivery, WebhookSubscription

__all__ = [
    "AgencyContact",
    "Escalation",
    "EvidenceFile",
    "IdeaState",
    "InAppNotification",
    "Milestone",
    "NotificationJob",
    "NotificationPreference",
    "ProgressUpdate",
    "Ticket",
    "TicketChange",
    "WebhookDeadLetter",
    "WebhookDelivery",
    "WebhookSubscription",
]
