"""Event contracts: the only thing services share besides this kernel.

Every event is a versioned, typed record with an envelope (`event_id`, `type`, `occurred_at`,
`producer`, `correlation_id`) and a `payload`. Events are delivered **at least once** through the
producer's transactional outbox; every consumer records the `event_id` it handled in the same
transaction as its effect (the inbox), so a redelivery changes nothing. Order between events is not
guaranteed: consumers compare revisions or timestamps where order matters.

Changes are additive only (new optional fields); a breaking change is a new type with `.v2`. Each
event's JSON schema is kept under version control in `shared/event_schemas/` (`audisi event-schemas`
writes them); tests fail when a stored schema differs from the models, or when a change does more than
add optional fields to the schema on `main`.
`SUBSCRIPTIONS` below is the one routing table from event type to consuming queues: the outbox writes
one delivery per entry, and each queue's consumer must handle exactly the types routed to it.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

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
    work_unit: str | None = Field(default=None, description="unit kerja within the agency (conflicts of interest)")


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


class AttachmentRef(_Record):
    """An idea's attached file as other services know it: its metadata, never its bytes.

    Judging hands an authorised judge a short-lived signed link to the submission service's copy
    (`shared.attachment_links`), so files are fetched from their owner instead of copied around.
    """

    attachment_id: uuid.UUID
    filename: str
    content_type: str
    size_bytes: int
    sha256: str


class ExtraAnswer(_Record):
    """An answer to one of the edition's extra questions, with the question's label as asked."""

    key: str
    label: str
    answer: str | int | float | None = None


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
    attachments: list[AttachmentRef] = Field(default_factory=list, description="files attached at this revision")
    extra_answers: list[ExtraAnswer] = Field(default_factory=list, description="answers to the extra questions")


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
    status: str | None = Field(
        default=None, description="the ticket's workflow status when opened; absent in events from before it was added"
    )


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


class NotificationTemplate(StrEnum):
    """What a notification says: one template each in services/implementation/notifications/templates.

    A closed set, so a producer cannot name a template the notifications worker does not have (a test ties
    the members to the template files). A new member ships with its template files in the implementation
    service, deployed before any producer uses it: an older notifications worker refuses the unknown value,
    and the message waits as a dead letter until it is replayed.
    """

    # accounts (submission)
    ACCOUNT_VERIFY_EMAIL = "account_verify_email"
    ACCOUNT_CLAIM = "account_claim"
    ACCOUNT_RESET_PASSWORD = "account_reset_password"  # noqa: S105 - a template name, not a secret
    # ideas and teams (submission)
    IDEA_SUBMITTED = "idea_submitted"
    IDEA_SCREENED = "idea_screened"
    TEAM_INVITATION = "team_invitation"
    TEAM_INVITATION_ANSWERED = "team_invitation_answered"
    # judging
    AUDITION_SLOT_ASSIGNED = "audition_slot_assigned"
    AUDITION_SLOT_MOVED = "audition_slot_moved"
    IDEA_NOT_SELECTED = "idea_not_selected"
    FEEDBACK_READY = "feedback_ready"
    # implementation
    TICKET_CREATED = "ticket_created"
    TICKET_STATUS_CHANGED = "ticket_status_changed"
    MILESTONE_CHANGED = "milestone_changed"
    PROGRESS_UPDATED = "progress_updated"
    IMPACT_RECORDED = "impact_recorded"
    TICKET_REASSIGNED = "ticket_reassigned"
    ESCALATION = "escalation"
    DAILY_DIGEST = "daily_digest"


class NotificationRequestedPayload(_Record):
    """A job for the notifications worker; `idempotency_key` makes one job give one message."""

    idempotency_key: str
    recipient: Person
    channels: list[Channel]
    template: NotificationTemplate
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


class IdeaSubmitted(Event):
    """idea.submitted.v1 — producer: submission; consumers: judging (keeps its own copy of the idea)."""

    type: Literal["idea.submitted.v1"] = "idea.submitted.v1"
    payload: IdeaSubmittedPayload


class IdeaWithdrawn(Event):
    """idea.withdrawn.v1 — producer: submission; consumers: judging, implementation."""

    type: Literal["idea.withdrawn.v1"] = "idea.withdrawn.v1"
    payload: IdeaWithdrawnPayload


class IdeaScreened(Event):
    """idea.screened.v1 — producer: submission; consumers: judging (only eligible ideas can be scored)."""

    type: Literal["idea.screened.v1"] = "idea.screened.v1"
    payload: IdeaScreenedPayload


class IdeaJudged(Event):
    """idea.judged.v1 — producer: judging; consumers: implementation (a ticket when selected), submission."""

    type: Literal["idea.judged.v1"] = "idea.judged.v1"
    payload: IdeaJudgedPayload


class TicketCreated(Event):
    """ticket.created.v1 — producer: implementation; consumers: submission (shows progress on the idea)."""

    type: Literal["ticket.created.v1"] = "ticket.created.v1"
    payload: TicketCreatedPayload


class TicketStatusChanged(Event):
    """ticket.status_changed.v1 — producer: implementation; consumers: submission."""

    type: Literal["ticket.status_changed.v1"] = "ticket.status_changed.v1"
    payload: TicketStatusChangedPayload


class NotificationRequested(Event):
    """notification.requested.v1 — producers: any service; consumer: the notifications worker."""

    type: Literal["notification.requested.v1"] = "notification.requested.v1"
    payload: NotificationRequestedPayload


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

#: The routing table: event type -> the queues that receive it. The outbox writes one delivery per entry;
#: the consumer of each queue (registered in the service that lists the queue in audisi/services.py)
#: handles exactly the types routed to it, or refuses to start. tests/test_routing.py checks both ends.
SUBSCRIPTIONS: dict[type[Event], tuple[Queue, ...]] = {
    IdeaSubmitted: (Queue.JUDGING,),
    IdeaWithdrawn: (Queue.JUDGING, Queue.IMPLEMENTATION),
    IdeaScreened: (Queue.JUDGING,),
    IdeaJudged: (Queue.IMPLEMENTATION, Queue.SUBMISSION),
    TicketCreated: (Queue.SUBMISSION,),
    TicketStatusChanged: (Queue.SUBMISSION,),
    NotificationRequested: (Queue.NOTIFICATIONS,),
}

EVENT_TYPES: dict[str, type[Event]] = {cls.model_fields["type"].default: cls for cls in SUBSCRIPTIONS}


def subscribers(event: Event) -> tuple[Queue, ...]:
    """The queues an event is delivered to; an event missing from the routing table is a programming error."""
    try:
        return SUBSCRIPTIONS[type(event)]
    except KeyError:
        raise LookupError(f"{type(event).__name__} is not in shared.events.SUBSCRIPTIONS") from None


def routed_to(queue: Queue) -> frozenset[type[Event]]:
    """The event types the routing table sends to `queue`: what its consumer must handle."""
    return frozenset(cls for cls, queues in SUBSCRIPTIONS.items() if queue in queues)


def parse_event(data: dict[str, Any]) -> Event:
    """Validate a received envelope into its typed event."""
    return _any_event.validate_python(data)


def is_known_event_type(data: dict[str, Any]) -> bool:
    """Whether this build knows the event's type (a newer producer may send types it does not know yet)."""
    return data.get("type") in EVENT_TYPES


def event_json_schema(cls: type[Event]) -> dict[str, Any]:
    """The JSON schema of one event type, as stored under shared/event_schemas/<type>.json."""
    return cls.model_json_schema()
