"""A burst of selected ideas pushed through the real stack, and the counts that prove nothing was lost
or duplicated: tickets, notification jobs, and emails (by their deterministic Message-ID)."""

from __future__ import annotations

import json
import subprocess
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import redis
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from audisi.embedded import EmbeddedServers
from audisi.processes import PROCESSES
from shared.events import IdeaJudged, IdeaJudgedPayload, IdeaSnapshot, Person, PositionGroup, handle_event_task_name
from shared.outbox import publish
from tests.support import RunningStack, SmtpSink

PROCESS = {p.name: p for p in PROCESSES}
EMAILS_PER_TICKET = 3  # the proposer, the agency, the committee


@dataclass(frozen=True)
class Deliveries:
    """Outbox deliveries by state (a delivery is counted in each state it reached)."""

    total: int
    published: int
    acked: int
    dead: int


@dataclass(frozen=True)
class Counts:
    """What one burst produced."""

    ideas: int
    tickets: int
    email_jobs: int
    email_jobs_sent: int
    emails_received: int
    distinct_message_ids: int

    @property
    def duplicate_emails(self) -> int:
        """Emails received more than once (the same Message-ID)."""
        return self.emails_received - self.distinct_message_ids


def judged_event(label: str, n: int) -> IdeaJudged:
    """A selected idea as the judging service publishes it."""
    return IdeaJudged(
        producer="judging",
        payload=IdeaJudgedPayload(
            idea_id=uuid.uuid4(),
            edition_code="ATA-2026",
            selected=True,
            score=80.0,
            rank=n + 1,
            position_group=PositionGroup.PELAKSANA,
            implementing_agency_code="DISDUKCAPIL",
            due_date=date(2027, 6, 30),
            proposer=Person(
                user_id=uuid.uuid4(), name=f"Peserta {n}", email=f"peserta{n}@{label}.test", agency_code="KEC-PULE"
            ),
            idea=IdeaSnapshot(
                title=f"Gagasan {n}",
                problem="Antrean panjang di loket",
                solution="Pendaftaran daring",
                beneficiaries="Warga",
                target_agency_code="DISDUKCAPIL",
            ),
            decided_at=datetime.now(UTC),
        ),
    )


@dataclass
class Burst:
    """Pushes selected ideas into the judging service's outbox and counts what comes out."""

    stack: RunningStack
    servers: EmbeddedServers
    smtp: SmtpSink

    def publish(self, label: str, count: int, batch: int = 50) -> list[uuid.UUID]:
        """Publish `count` idea.judged.v1 events as the judging service would, in committed batches."""
        engine = create_engine(self.stack.database_url("judging"))
        ids: list[uuid.UUID] = []
        with Session(engine) as session:
            for start in range(0, count, batch):
                events = [judged_event(label, n) for n in range(start, min(start + batch, count))]
                publish(session, *events)
                session.commit()
                ids.extend(e.payload.idea_id for e in events)
        engine.dispose()
        return ids

    def rows(self, sql: str, service: str = "implementation", **params: object) -> list[Any]:
        """The rows of a query on one service's database (raises while it is down)."""
        engine = create_engine(self.stack.database_url(service), poolclass=NullPool)
        try:
            with engine.connect() as conn:
                return list(conn.execute(text(sql), params).all())
        finally:
            engine.dispose()

    def _scalar(self, sql: str, service: str = "implementation", **params: object) -> int:
        return int(self.rows(sql, service, **params)[0][0])

    def tickets(self, ids: list[uuid.UUID]) -> int:
        """Tickets for these ideas (0 while the database is down)."""
        try:
            return self._scalar("SELECT count(*) FROM ticket WHERE idea_id = ANY(:ids)", ids=ids)
        except Exception:
            return 0

    def emails_sent(self) -> int:
        """Email jobs marked sent."""
        try:
            return self._scalar("SELECT count(*) FROM notification_job WHERE email_status = 'sent'")
        except Exception:
            return 0

    def counts(self, ids: list[uuid.UUID]) -> Counts:
        """Everything the burst produced."""
        messages = self.smtp.mail.messages
        message_ids = Counter(str(m.get("Message-ID")) for m in messages)
        return Counts(
            ideas=len(ids),
            tickets=self.tickets(ids),
            email_jobs=self._scalar("SELECT count(*) FROM notification_job WHERE channels ? 'email'"),
            email_jobs_sent=self.emails_sent(),
            emails_received=len(messages),
            distinct_message_ids=len(message_ids),
        )

    def reset(self) -> None:
        """Forget earlier bursts' mail and jobs (the previous burst has fully drained)."""
        with self.smtp.mail.lock:
            self.smtp.mail.messages.clear()
        engine = create_engine(self.stack.database_url("implementation"))
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM in_app_notification"))
            conn.execute(text("DELETE FROM notification_job"))
        engine.dispose()

    def wait_until(self, predicate: Callable[[], bool], timeout: float, what: str) -> None:
        """Poll until the predicate holds."""
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}\n{self.stack.stack.log_tail(8)}")
            time.sleep(0.2)

    def drain(self, ids: list[uuid.UUID], timeout: float = 300.0) -> Counts:
        """Wait until every idea has its ticket and every email job its one email; return the counts."""
        expected_emails = EMAILS_PER_TICKET * len(ids)

        def settled() -> bool:
            if self.tickets(ids) != len(ids):
                return False
            counts = self.counts(ids)
            return counts.email_jobs_sent >= expected_emails and counts.distinct_message_ids >= expected_emails

        self.wait_until(settled, timeout, f"{len(ids)} tickets and {expected_emails} emails")
        time.sleep(2.0)  # let any late duplicate arrive before counting
        return self.counts(ids)

    def restart_process(self, name: str, extra_env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        """SIGKILL a process of the stack (if it still runs) and start it again with the same command."""
        self.stack.stack.kill(name)
        return self.stack.stack.start_one(PROCESS[name], extra_env=extra_env)

    def queued(self, queue: str) -> int:
        """Events waiting in one of the stack's Celery queues (0 while Redis is down); beat's jobs not counted."""
        client = redis.Redis.from_url(self.stack.env_for("implementation")["REDIS_URL"])
        try:
            raw: list[bytes] = client.lrange(queue, 0, -1)  # type: ignore[assignment]
        except redis.RedisError:
            return 0
        finally:
            client.close()
        task = handle_event_task_name(queue)
        return sum(1 for message in raw if json.loads(message)["headers"]["task"] == task)

    def deliveries(self, ids: list[uuid.UUID], subscriber: str) -> Deliveries:
        """The judging outbox's deliveries of these ideas' decisions to one subscriber, by state."""
        engine = create_engine(self.stack.database_url("judging"))
        try:
            with engine.connect() as conn:
                row = conn.execute(
                    text(
                        "SELECT count(*), count(d.published_at), count(d.acked_at), count(d.dead_at) "
                        "FROM outbox_delivery d JOIN outbox_event e ON e.event_id = d.event_id "
                        "WHERE d.subscriber = :subscriber "
                        "AND CAST(e.body -> 'payload' ->> 'idea_id' AS uuid) = ANY(:ids)"
                    ),
                    {"subscriber": subscriber, "ids": ids},
                ).one()
        finally:
            engine.dispose()
        return Deliveries(*row)
