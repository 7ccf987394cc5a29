"""Event contracts: the only thing services share besides this kernel.

Every event is a versioned, typed record with an envelope (`event_id`, `type`, `occurred_at`,
`producer`, `correlation_id`) and a `payload`. Events are delivered **at least once** through the
producer's transactional outbox; every consumer records the `event_id` it handled in the same
transaction as its effect (the inbox), so a redelivery changes nothing. Order between events is not
guaranteed: consumers compare revisions or timestamps where order matters.

Changes are additive only (new optional fields); a breaking change is a new type with `.v2`.
`SUBSCRIPTIONS` below is the one routing table from event type to consuming queues.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from shared.db import utcnow
from shared.logging import get_correlation_id


class PositionGroup(StrEnum):
    """The four position groups of the ASN Talent Academy; each competes separately."""

    PENGAWAS = "pengawas"  # supervisors
    FUNGSIONAL_PENYETARAAN = "fungsional_penyetaraan"  # functional-equivalency officials
    FUNGSIONAL_AHLI = "fungsional_ahli"  # expert-level functional officials
    PELAKSANA = "pelaksana"  # executor staff


class Queue(StrEnum):
    """One Celery queue per consuming service (notifications is the implementation service's mailer)."""

    SUBMISSION = "submission"
    JUDGING = "judging"
    IMPLEMENTATION = "implementation"
    NOTIFICATIONS = "notifications"


def handle_event_task_name(queue: str) -> str:
    """The explicit dotted name of the task that consumes events on `queue`."""
    return f"audisi.{queue}.handle_event"


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class Partner(_Record):
    """A mitra: who helps implement an idea."""

    name: str
    kind: str = Field(description="business, university, community, agency, other")


class Person(_Record):
    """Contact details a consumer needs to address a person, copied from the producer."""

    user_id: uuid.UUID
    name: str
    email: str
    agency_code: str | None = None
    nip: str | None = None


class IdeaSnapshot(_Record):
    """What an idea says, as copied into the consumers' own tables."""

    title: str
    problem: str
    solution: str
    beneficiaries: str
    time_saved_minutes_per_case: int | None = None
    cost_saved_per_year_rp: int | None = None
    estimated_budget_rp: int = 0
    partners: list[Partner] = Field(default_factory=list)
    target_agency_code: str
    service_area: str | None = None


# ---------------------------------------------------------------------------------------------- payloads


class IdeaSubmittedPayload(_Record):
    """An idea was submitted, or changed after submission (a higher `revision`)."""

    idea_id: uuid.UUID
    edition_code: str
    revision: int
    position_group: PositionGroup
    proposer: Person
    co_proposers: list[Person] = Field(default_factory=list)
    idea: IdeaSnapshot
    submitted_at: datetime


class IdeaWithdrawnPayload(_Record):
    """A proposer withdrew an idea; it leaves judging and any open ticket is cancelled."""

    idea_id: uuid.UUID
    edition_code: str
    reason: str
    withdrawn_at: datetime


class IdeaScreenedPayload(_Record):
    """The committee screened a submitted idea: only eligible ideas go on to judging."""

    idea_id: uuid.UUID
    edition_code: str
    eligible: bool
    reason: str | None = None
    screened_at: datetime


class IdeaJudgedPayload(_Record):
    """The committee published a decision on an idea."""

    idea_id: uuid.UUID
    edition_code: str
    selected: bool
    score: float | None = None
    rank: int | None = None
    position_group: PositionGroup
    implementing_agency_code: str | None = Field(default=None, description="set when selected")
    due_date: date | None = Field(default=None, description="set when selected")
    proposer: Person
    co_proposers: list[Person] = Field(default_factory=list, description="the rest of the team")
    idea: IdeaSnapshot
    decided_at: datetime


class TicketCreatedPayload(_Record):
    """An implementation ticket was opened for a selected idea."""

    ticket_id: uuid.UUID
    idea_id: uuid.UUID
    edition_code: str
    agency_code: str
    due_date: date | None
    title: str


class TicketStatusChangedPayload(_Record):
    """A ticket moved along its workflow."""

    ticket_id: uuid.UUID
    idea_id: uuid.UUID
    agency_code: str
    old_status: str
    new_status: str
    reason: str | None = None
    changed_by: uuid.UUID | None = None
    changed_at: datetime


class Channel(StrEnum):
    """How a notification reaches a person."""

    EMAIL = "email"
    IN_APP = "in_app"


class NotificationRequestedPayload(_Record):
    """A job for the notifications worker; `idempotency_key` makes one job give one message."""

    idempotency_key: str
    recipient: Person
    channels: list[Channel]
    template: str
    context: dict[str, Any] = Field(default_factory=dict)
    link: str | None = None


# ---------------------------------------------------------------------------------------------- envelopes


class Event(_Record):
    """Envelope fields shared by every event."""

    type: str
    event_id: uuid.UUID = Field(default_factory=uuid.uuid4)
    occurred_at: datetime = Field(default_factory=utcnow)
    producer: str
    correlation_id: str | None = Field(default_factory=get_correlation_id)

    subscribers: ClassVar[tuple[Queue, ...]] = ()


class IdeaSubmitted(Event):
    """idea.submitted.v1 — producer: submission; consumers: judging (keeps its own copy of the idea)."""

    type: Literal["idea.submitted.v1"] = "idea.submitted.v1"
    payload: IdeaSubmittedPayload
    subscribers: ClassVar[tuple[Queue, ...]] = (Queue.JUDGING,)


class IdeaWithdrawn(Event):
    """idea.withdrawn.v1 — producer: submission; consumers: judging, implementation."""

    type: Literal["idea.withdrawn.v1"] = "idea.withdrawn.v1"
    payload: IdeaWithdrawnPayload
    subscribers: ClassVar[tuple[Queue, ...]] = (Queue.JUDGING, Queue.IMPLEMENTATION)


class IdeaScreened(Event):
    """idea.screened.v1 — producer: submission; consumers: judging (only eligible ideas can be scored)."""

    type: Literal["idea.screened.v1"] = "idea.screened.v1"
    payload: IdeaScreenedPayload
    subscribers: ClassVar[tuple[Queue, ...]] = (Queue.JUDGING,)


class IdeaJudged(Event):
    """idea.judged.v1 — producer: judging; consumers: implementation (a ticket when selected), submission."""

    type: Literal["idea.judged.v1"] = "idea.judged.v1"
    payload: IdeaJudgedPayload
    subscribers: ClassVar[tuple[Queue, ...]] = (Queue.IMPLEMENTATION, Queue.SUBMISSION)


class TicketCreated(Event):
    """ticket.created.v1 — producer: implementation; consumers: submission (shows progress on the idea)."""

    type: Literal["ticket.created.v1"] = "ticket.created.v1"
    payload: TicketCreatedPayload
    subscribers: ClassVar[tuple[Queue, ...]] = (Queue.SUBMISSION,)


class TicketStatusChanged(Event):
    """ticket.status_changed.v1 — producer: implementation; consumers: submission."""

    type: Literal["ticket.status_changed.v1"] = "ticket.status_changed.v1"
    payload: TicketStatusChangedPayload
    subscribers: ClassVar[tuple[Queue, ...]] = (Queue.SUBMISSION,)


class NotificationRequested(Event):
    """notification.requested.v1 — producers: any service; consumer: the notifications worker."""

    type: Literal["notification.requested.v1"] = "notification.requested.v1"
    payload: NotificationRequestedPayload
    subscribers: ClassVar[tuple[Queue, ...]] = (Queue.NOTIFICATIONS,)


AnyEvent = Annotated[
    IdeaSubmitted
    | IdeaWithdrawn
    | IdeaScreened
    | IdeaJudged
    | TicketCreated
    | TicketStatusChanged
    | NotificationRequested,
    Field(discriminator="type"),
]
_any_event: TypeAdapter[AnyEvent] = TypeAdapter(AnyEvent)

EVENT_TYPES: dict[str, type[Event]] = {
    cls.model_fields["type"].default: cls
    for cls in (
        IdeaSubmitted,
        IdeaWithdrawn,
        IdeaScreened,
        IdeaJudged,
        TicketCreated,
        TicketStatusChanged,
        NotificationRequested,
    )
}

#: The routing table: event type -> queues that receive it. The outbox writes one delivery per entry.
SUBSCRIPTIONS: dict[str, tuple[Queue, ...]] = {name: cls.subscribers for name, cls in EVENT_TYPES.items()}


def parse_event(data: dict[str, Any]) -> Event:
    """Validate a received envelope into its typed event."""
    return _any_event.validate_python(data)


def is_known_event_type(data: dict[str, Any]) -> bool:
    """Whether this build knows the event's type (a newer producer may send types we ignore)."""
    return data.get("type") in EVENT_TYPES
