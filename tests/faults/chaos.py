"""The chaos soak's two loops: participants, the committee, a judge and an agency officer driving real HTTP
traffic through the three APIs, and a monkey that SIGKILLs a random API, worker or relay every few seconds
(restarting it, as compose's restart policy would), restarts Redis once and crashes PostgreSQL once.

The client never guesses: a request that got no answer (connection refused or reset, timeout, 5xx) may or
may not have committed, so it is retried with the same Idempotency-Key where the API takes one, and
otherwise only after a read shows it did not commit. The ledger therefore knows exactly what was
committed, and the test can expect exact counts.
"""

from __future__ import annotations

import itertools
import os
import random
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

import httpx

from audisi.processes import PROCESSES
from tests.faults.burst import Burst
from tests.support import RUBRIC, MailSink, RunningStack, login, wait_until

EDITION = "CHAOS-2026"
AGENCY = "DISDUKCAPIL"
PASSWORD = "Rahasia-chaos-2026"
#: How long one step may take: a message lost with Redis comes back within the outbox's redelivery time.
STEP_TIMEOUT = 300.0
POLL = 0.5  # seconds between reads while waiting for an event's effect (gentle on a shared machine)
IDEAS_PER_PARTICIPANT = 40  # the edition allows 50
TRANSITIONS = ("accepted", "in_progress")
EMAILS_PER_TICKET = 3  # proposer, agency, committee
EMAILS_PER_TRANSITION = 2  # proposer, committee
EMAILS_PER_IDEA = 2  # the proposer's receipt and screening result
EMAILS_PER_DECISION = 1  # the proposer hears the judges' feedback is ready (and, if not selected, that too)
#: Processes the monkey kills: every API, worker and relay (beat is a scheduler, not in the issue's list).
VICTIMS = tuple(p.name for p in PROCESSES if p.name.endswith(("-api", "-worker", "-relay")))


@dataclass(frozen=True)
class SoakConfig:
    """How long and how hard; CHAOS_SECONDS, CHAOS_KILL_INTERVAL, CHAOS_CLIENTS and CHAOS_SEED override."""

    seconds: float = 75.0
    kill_interval: float = 4.0
    clients: int = 6
    seed: int = 0

    @classmethod
    def from_env(cls) -> SoakConfig:
        """The configuration the environment asks for (`make chaos` runs ten minutes)."""
        return cls(
            seconds=float(os.environ.get("CHAOS_SECONDS", cls.seconds)),
            kill_interval=float(os.environ.get("CHAOS_KILL_INTERVAL", cls.kill_interval)),
            clients=int(os.environ.get("CHAOS_CLIENTS", cls.clients)),
            seed=int(os.environ.get("CHAOS_SEED", "0")) or random.randrange(1, 1_000_000),
        )


class Fate(StrEnum):
    """What the committee does with an idea."""

    SELECTED = "selected"
    NOT_SELECTED = "not_selected"
    NOT_ELIGIBLE = "not_eligible"


def fate_of(n: int) -> Fate:
    """Most ideas are selected; every sixth is screened out and every sixth is judged and not selected."""
    return {4: Fate.NOT_SELECTED, 5: Fate.NOT_ELIGIBLE}.get(n % 6, Fate.SELECTED)


@dataclass
class Outcome:
    """What the client knows was committed for one idea."""

    n: int
    idea_id: str
    fate: Fate
    ticket_id: str | None = None
    transitions: int = 0


@dataclass
class Ledger:
    """Every idea the clients saw through, and what went wrong on the way (thread-safe)."""

    outcomes: list[Outcome] = field(default_factory=list)
    registrations: int = 0  # participants who registered (each gets one email with their verification link)
    unanswered: Counter[str] = field(default_factory=Counter)  # no answer, or a 5xx: committed or not?
    resolved_committed: int = 0  # a read showed that an unanswered or refused request had committed
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, outcome: Outcome) -> None:
        """Record an idea seen through to its end."""
        with self.lock:
            self.outcomes.append(outcome)

    @property
    def selected(self) -> list[Outcome]:
        """Ideas the committee selected (each must have exactly one ticket)."""
        return [o for o in self.outcomes if o.fate == Fate.SELECTED]

    def proposer_view(self) -> dict[str, tuple[bool | None, str | None]]:
        """What the submission service must show each proposer: the decision and the ticket's last status."""
        shown = {
            Fate.SELECTED: (True, TRANSITIONS[-1]),
            Fate.NOT_SELECTED: (False, None),
            Fate.NOT_ELIGIBLE: (None, None),
        }
        return {o.idea_id: shown[o.fate] for o in self.outcomes}

    @property
    def transitions(self) -> int:
        """Ticket transitions the agency committed."""
        return sum(o.transitions for o in self.outcomes)

    @property
    def expected_emails(self) -> int:
        """One verification email per registration, the receipt and screening result of each idea, the feedback of
        each decision (and "not selected"), one email per ticket per audience, and per transition."""
        decided = [o for o in self.outcomes if o.fate != Fate.NOT_ELIGIBLE]
        not_selected = [o for o in self.outcomes if o.fate == Fate.NOT_SELECTED]
        return (
            self.registrations
            + EMAILS_PER_IDEA * len(self.outcomes)
            + EMAILS_PER_DECISION * len(decided)
            + len(not_selected)
            + EMAILS_PER_TICKET * len(self.selected)
            + EMAILS_PER_TRANSITION * self.transitions
        )

    @property
    def expected_webhooks(self) -> int:
        """The agency's endpoint hears of every creation and every transition of its tickets."""
        return len(self.selected) + self.transitions


class Api:
    """HTTP calls that survive a dying server without doing anything twice."""

    def __init__(self, ledger: Ledger, *, step_timeout: float = STEP_TIMEOUT) -> None:
        self.http = httpx.Client(timeout=20)
        self.ledger = ledger
        self.step_timeout = step_timeout

    def close(self) -> None:
        """Close the connections."""
        self.http.close()

    def send(self, method: str, url: str, **kwargs: Any) -> httpx.Response | None:
        """One request; None when it got no answer."""
        try:
            return self.http.request(method, url, **kwargs)
        except httpx.TransportError:
            return None

    def read(self, url: str, **kwargs: Any) -> Any:
        """The JSON of a GET, or None when the API is down, restarting or says 404."""
        response = self.send("GET", url, **kwargs)
        if response is None or response.status_code >= 500:
            with self.ledger.lock:
                self.ledger.unanswered["read"] += 1
        if response is None or response.status_code != 200:
            return None
        return response.json()

    def write(
        self,
        what: str,
        method: str,
        url: str,
        *,
        committed: Callable[[], bool | None],
        **kwargs: Any,
    ) -> httpx.Response | None:
        """A state change until it is known to have committed: the response, or None when a read showed that
        an unanswered attempt had. `committed()` returns None when it cannot tell yet (the API is down)."""
        deadline = time.monotonic() + self.step_timeout
        while True:
            response = self.send(method, url, **kwargs)
            if response is not None and response.status_code < 300:
                return response
            answered = response is not None and response.status_code < 500
            if not answered:
                with self.ledger.lock:
                    self.ledger.unanswered[what] += 1
            # Refused or unanswered: an earlier attempt (or this one) may have committed; look before repeating.
            if self._known(committed, deadline):
                with self.ledger.lock:
                    self.ledger.resolved_committed += 1
                return None
            if answered:
                assert response is not None
                raise AssertionError(f"{what}: {response.status_code} {response.text}")
            if time.monotonic() > deadline:
                raise AssertionError(f"{what}: not done in {self.step_timeout}s")
            time.sleep(0.5)

    def _known(self, committed: Callable[[], bool | None], deadline: float) -> bool:
        while (known := committed()) is None:
            if time.monotonic() > deadline:
                raise AssertionError("could not find out whether a request committed")
            time.sleep(0.5)
        return known


@dataclass
class People:
    """The staff accounts and the participants (registered as the ideas need them)."""

    stack: RunningStack
    committee: dict[str, str]
    judge: dict[str, str]
    officer: dict[str, str]
    mail: MailSink
    run: str = field(default_factory=lambda: uuid.uuid4().hex[:6])
    participants: dict[int, dict[str, str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def participant(self, api: Api, n: int) -> dict[str, str]:
        """The participant who proposes idea `n` (registered on first use, through the chaos)."""
        index = n // IDEAS_PER_PARTICIPANT
        with self.lock:
            if index not in self.participants:
                self.participants[index] = self._register(api, index)
            return self.participants[index]

    def _register(self, api: Api, index: int) -> dict[str, str]:
        s = self.stack.urls["submission"]
        nip = f"198503122010031{index + 1:03d}"  # the sequence starts at 001
        email = f"peserta{index}.{self.run}@chaos.test"
        api.write(
            "register",
            "POST",
            f"{s}/api/v1/participants/register",
            json={
                "nip": nip,
                "name": f"Peserta Chaos {index}",
                "email": email,
                "phone": f"0812{index:08d}",
                "password": PASSWORD,
                "position_group": "pelaksana",
                "agency_code": "KEC-PULE",
            },
            committed=lambda: self._registered(api, nip),
        )
        with api.ledger.lock:
            api.ledger.registrations += 1
        # She opens the link emailed to her (a repeat after a lost answer finds it used: 410, then signs in).
        link = wait_until(lambda: self._link(email), timeout=STEP_TIMEOUT, every=POLL, what="the verification email")
        api.write(
            "verify email",
            "POST",
            f"{s}/api/v1/auth/verify-email",
            json={"token": link},
            committed=lambda: self._can_login(api, nip),
        )
        token = wait_until(lambda: self._token(api, nip), timeout=STEP_TIMEOUT, every=POLL, what="the login")
        return {"Authorization": f"Bearer {token}"}

    def _login(self, api: Api, username: str) -> httpx.Response | None:
        s = self.stack.urls["submission"]
        return api.send("POST", f"{s}/api/v1/auth/login", json={"username": username, "password": PASSWORD})

    def _token(self, api: Api, username: str) -> str | None:
        response = self._login(api, username)
        return str(response.json()["access_token"]) if response is not None and response.status_code == 200 else None

    def _link(self, email: str) -> str | None:
        try:
            return self.mail.link_token(email)
        except AssertionError:  # not arrived yet
            return None

    def _registered(self, api: Api, username: str) -> bool | None:
        """Registered, verified or not (an unverified account's sign-in is 403 `email_not_verified`)."""
        response = self._login(api, username)
        if response is None or response.status_code >= 500:
            return None
        return response.status_code == 200 or (
            response.status_code == 403 and response.json()["error"]["code"] == "email_not_verified"
        )

    def _can_login(self, api: Api, username: str) -> bool | None:
        response = self._login(api, username)
        return None if response is None or response.status_code >= 500 else response.status_code == 200


def set_up(stack: RunningStack, receiver_url: str, mail: MailSink) -> People:
    """Before the chaos: staff accounts, the edition and its rubric, and the agency's webhook."""
    s, j, i = (stack.urls[name] for name in ("submission", "judging", "implementation"))
    stack.create_user(role="admin", email="admin@chaos.test", password=PASSWORD, name="Admin")
    with httpx.Client(timeout=30) as http:
        admin = login(http, s, "admin@chaos.test", PASSWORD)
        for role, email, agency in (
            ("committee", "panitia@chaos.test", "BKPSDM"),
            ("judge", "juri@chaos.test", "DINKES"),
            ("agency", "capil@chaos.test", AGENCY),
        ):
            response = http.post(
                f"{s}/api/v1/accounts",
                headers=admin,
                json={"role": role, "email": email, "name": role.title(), "password": PASSWORD, "agency_code": agency},
            )
            assert response.status_code == 201, response.text
        committee = login(http, s, "panitia@chaos.test", PASSWORD)
        people = People(
            stack=stack,
            committee=committee,
            judge=login(http, s, "juri@chaos.test", PASSWORD),
            officer=login(http, s, "capil@chaos.test", PASSWORD),
            mail=mail,
        )
        now = datetime.now(UTC)
        response = http.post(
            f"{s}/api/v1/editions",
            headers=committee,
            json={
                "code": EDITION,
                "name": "Chaos soak",
                "year": 2026,
                "submission_opens_at": (now - timedelta(days=1)).isoformat(),
                "submission_closes_at": (now + timedelta(days=30)).isoformat(),
                "max_ideas_per_participant": 50,
            },
        )
        assert response.status_code == 201, response.text
        response = http.put(f"{j}/api/v1/editions/{EDITION}/rubric", headers=committee, json=RUBRIC)
        assert response.status_code == 200, response.text
        # The judge declares no conflicts for the edition, as scoring in it requires.
        response = http.post(f"{j}/api/v1/editions/{EDITION}/declaration", headers=people.judge, json={"conflicts": []})
        assert response.status_code == 200, response.text
        response = http.post(
            f"{i}/api/v1/webhooks",
            headers=people.officer,
            json={"url": receiver_url},
        )
        assert response.status_code == 201, response.text
    return people


class Clients:
    """Threads that each see ideas through, one after another, from draft to the agency's work."""

    def __init__(self, people: People, ledger: Ledger, *, count: int) -> None:
        self.people = people
        self.ledger = ledger
        self.count = count
        self.numbers = itertools.count()
        self.stop = threading.Event()
        self.failed = threading.Event()  # a client met something it cannot explain: the soak ends early
        self.threads: list[threading.Thread] = []

    def start(self) -> None:
        """Start the clients."""
        for k in range(self.count):
            thread = threading.Thread(target=self._run, name=f"chaos-client-{k}", daemon=True)
            thread.start()
            self.threads.append(thread)

    def finish(self, timeout: float) -> None:
        """Start no new idea, and wait for the ideas under way to reach their end."""
        self.stop.set()
        deadline = time.monotonic() + timeout
        for thread in self.threads:
            thread.join(max(0.1, deadline - time.monotonic()))
        alive = [t.name for t in self.threads if t.is_alive()]
        assert not alive, f"clients still busy after {timeout}s: {alive}"

    def _run(self) -> None:
        api = Api(self.ledger)
        try:
            while not self.stop.is_set():
                n = next(self.numbers)
                self.ledger.add(self.idea(api, n))
        except Exception as exc:  # reported by the test, which fails on any client error
            with self.ledger.lock:
                self.ledger.errors.append(f"{type(exc).__name__}: {exc}")
            self.failed.set()
        finally:
            api.close()

    def idea(self, api: Api, n: int) -> Outcome:
        """One idea's life: draft, submit, screen, score, decide, and the agency's first steps."""
        p = self.people
        s, j, i = (p.stack.urls[name] for name in ("submission", "judging", "implementation"))
        participant = p.participant(api, n)
        title = f"Gagasan chaos {p.run} nomor {n}"
        found: list[str] = []

        def created() -> bool | None:
            page = api.read(f"{s}/api/v1/ideas", headers=participant, params={"page_size": 200})
            if page is None:
                return None
            found.extend(item["id"] for item in page["items"] if item["title"] == title)
            return bool(found)

        response = api.write(
            "create idea",
            "POST",
            f"{s}/api/v1/ideas",
            headers=participant,
            json={
                "edition_code": EDITION,
                "title": title,
                "problem": "Warga harus datang dua kali ke kantor untuk satu layanan.",
                "solution": "Berkas diunggah sekali; petugas memproses dan mengirim hasilnya secara daring.",
                "beneficiaries": "Warga di kecamatan terpencil",
                "time_saved_minutes_per_case": 60 + n,
                "cost_saved_per_year_rp": 10_000_000,
                "estimated_budget_rp": 5_000_000,
                "target_agency_code": AGENCY,
                "service_area": "kependudukan",
            },
            committed=created,
        )
        idea_id = response.json()["id"] if response is not None else found[0]
        idea_url = f"{s}/api/v1/ideas/{idea_id}"

        def status_is(*statuses: str) -> Callable[[], bool | None]:
            def check() -> bool | None:
                idea = api.read(idea_url, headers=p.committee)
                return None if idea is None else idea["status"] in statuses

            return check

        api.write("submit", "POST", f"{idea_url}/submit", headers=participant, committed=status_is("submitted"))
        fate = fate_of(n)
        eligible = fate != Fate.NOT_ELIGIBLE
        api.write(
            "screen",
            "POST",
            f"{idea_url}/screening",
            headers=p.committee,
            json={"eligible": eligible, "reason": None if eligible else "Bukan inovasi pelayanan publik"},
            committed=status_is("eligible" if eligible else "not_eligible"),
        )
        outcome = Outcome(n=n, idea_id=idea_id, fate=fate)
        if not eligible:
            return outcome
        judging_idea = f"{j}/api/v1/ideas/{idea_id}"
        wait_until(
            lambda: (api.read(judging_idea, headers=p.committee) or {}).get("eligible") is True,
            timeout=STEP_TIMEOUT,
            every=POLL,
            what="the idea to reach judging as eligible",
        )
        criteria = RUBRIC["criteria"]
        scores = {"scores": [{"criterion": c["key"], "value": 3 + (n + k) % 3} for k, c in enumerate(criteria)]}
        key = {"Idempotency-Key": f"chaos-{p.run}-{n}"}  # a retry replays the first answer
        api.write(
            "save scores", "PUT", f"{judging_idea}/scores", headers={**p.judge, **key}, json=scores, committed=never
        )
        api.write("submit scores", "POST", f"{judging_idea}/scores/submit", headers=p.judge, committed=never)
        selected = fate == Fate.SELECTED
        # No quota is declared in the soak's edition, so every selection is an exception and needs its reason.
        decision = {
            "selected": selected,
            "implementing_agency_code": AGENCY,
            "due_date": "2027-06-30",
            "reason": "Dipilih rapat panitia",
        }
        if not selected:
            decision = {"selected": False, "reason": "Nilai di bawah ambang"}
        # Repeating the same decision is harmless: the API answers with the one already published.
        api.write("decide", "POST", f"{judging_idea}/decision", headers=p.committee, json=decision, committed=never)
        if not selected:
            return outcome

        def ticket() -> dict[str, Any] | None:
            page = api.read(f"{i}/api/v1/tickets", headers=p.officer, params={"idea_id": idea_id})
            return page["items"][0] if page and page["items"] else None

        outcome.ticket_id = wait_until(ticket, timeout=STEP_TIMEOUT, every=POLL, what="the idea's ticket")["id"]
        ticket_url = f"{i}/api/v1/tickets/{outcome.ticket_id}"
        for to in TRANSITIONS:

            def moved(to: str = to) -> bool | None:
                current = api.read(ticket_url, headers=p.officer)
                return None if current is None else current["status"] == to

            api.write(
                "move ticket", "POST", f"{ticket_url}/transitions", headers=p.officer, json={"to": to}, committed=moved
            )
            outcome.transitions += 1
        return outcome


def never() -> bool:
    """For writes that are safe to repeat: never look, just send again."""
    return False


@dataclass
class Monkey:
    """Kills a random API, worker or relay every `interval` seconds, restarts Redis once and crashes
    PostgreSQL once; restarts whatever died (as compose's `restart: unless-stopped` would)."""

    burst: Burst
    seconds: float
    interval: float
    rng: random.Random
    kills: Counter[str] = field(default_factory=Counter)
    revived: Counter[str] = field(default_factory=Counter)
    servers: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    error: str | None = None

    def __post_init__(self) -> None:
        self.thread = threading.Thread(target=self._run, name="chaos-monkey", daemon=True)

    def start(self) -> None:
        """Start the chaos."""
        self.thread.start()

    def join(self) -> None:
        """Stop (once the chaos is over, it only revives), and wait for it."""
        self.stop.set()
        self.thread.join(60)
        self.revive()

    def _run(self) -> None:
        try:
            started = time.monotonic()
            redis_at, postgres_at = started + self.seconds / 3, started + 2 * self.seconds / 3
            while time.monotonic() - started < self.seconds and not self.stop.wait(self.interval):
                now = time.monotonic()
                if redis_at and now >= redis_at:
                    redis_at = 0.0
                    self.burst.servers.redis.restart()  # queued messages and acks are gone
                    self.servers.append(f"redis restarted at {now - started:.0f}s")
                elif postgres_at and now >= postgres_at:
                    postgres_at = 0.0
                    self.burst.servers.postgres.crash()  # immediate stop: no checkpoint, crash recovery
                    time.sleep(2.0)
                    self.burst.servers.postgres.start()
                    self.servers.append(f"postgres crashed at {now - started:.0f}s")
                else:
                    victim = self.rng.choice(VICTIMS)
                    self.burst.restart_process(victim)
                    self.kills[victim] += 1
                self.revive()
            while not self.stop.wait(1.0):
                self.revive()
        except Exception as exc:
            self.error = f"{type(exc).__name__}: {exc}"

    def revive(self) -> None:
        """Start again any process that exited on its own (for instance while PostgreSQL was down)."""
        for name, proc in list(self.burst.stack.stack.procs.items()):
            if proc.poll() is not None:
                self.burst.restart_process(name)
                self.revived[name] += 1


@dataclass(frozen=True)
class Tally:
    """What the stack holds and what the mail server and the agency's endpoint received."""

    tickets_per_idea: dict[str, int]
    proposer_view: dict[str, tuple[bool | None, str | None]]  # idea -> (decision, ticket status) in submission
    email_jobs: Counter[str]  # by email status
    message_ids: Counter[str]  # Message-ID -> copies received
    webhook_rows: Counter[str]  # by delivery status
    webhook_ids: Counter[str]  # webhook-id -> copies received
    undelivered: dict[str, int]  # service -> outbox deliveries not acknowledged
    dead_letters: dict[str, int]  # service.table -> rows

    @property
    def duplicate_emails(self) -> int:
        """Copies beyond the first of any email."""
        return sum(self.message_ids.values()) - len(self.message_ids)

    @property
    def duplicate_webhooks(self) -> int:
        """Copies beyond the first of any webhook delivery."""
        return sum(self.webhook_ids.values()) - len(self.webhook_ids)

    def settled(self, ledger: Ledger) -> bool:
        """Nothing left to deliver, and everything expected has arrived."""
        return (
            not any(self.undelivered.values())
            and self.email_jobs["sent"] == sum(self.email_jobs.values()) == ledger.expected_emails
            and len(self.message_ids) >= ledger.expected_emails
            and self.webhook_rows["delivered"] == sum(self.webhook_rows.values()) == ledger.expected_webhooks
            and len(self.webhook_ids) >= ledger.expected_webhooks
        )


SERVICES = ("submission", "judging", "implementation")


def tally(burst: Burst, webhook_ids: list[str]) -> Tally:
    """Count everything (raises while PostgreSQL is down)."""
    dead: dict[str, int] = {}
    undelivered: dict[str, int] = {}
    for service in SERVICES:
        undelivered[service] = burst.rows("SELECT count(*) FROM outbox_delivery WHERE acked_at IS NULL", service)[0][0]
        tables = burst.rows(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_name LIKE '%dead%'",
            service,
        )
        for (table,) in tables:
            dead[f"{service}.{table}"] = burst.rows(f'SELECT count(*) FROM "{table}"', service)[0][0]
    with burst.smtp.mail.lock:
        message_ids = Counter(str(m.get("Message-ID")) for m in burst.smtp.mail.messages)
    return Tally(
        tickets_per_idea={str(idea): count for idea, count in burst.rows(
            "SELECT idea_id, count(*) FROM ticket GROUP BY idea_id"
        )},
        proposer_view={str(idea): (selected, status) for idea, selected, status in burst.rows(
            "SELECT id, decision_selected, ticket_status FROM idea", "submission"
        )},
        email_jobs=Counter(dict(burst.rows(
            "SELECT email_status, count(*) FROM notification_job WHERE channels ? 'email' GROUP BY email_status"
        ))),
        message_ids=message_ids,
        webhook_rows=Counter(dict(burst.rows("SELECT status, count(*) FROM webhook_delivery GROUP BY status"))),
        webhook_ids=Counter(webhook_ids),
        undelivered=undelivered,
        dead_letters=dead,
    )  # fmt: skip


def quiesce(burst: Burst, ledger: Ledger, webhook_ids: Callable[[], list[str]], timeout: float) -> Tally:
    """Wait until everything is delivered (or `timeout` passes), then a little more for late duplicates."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if tally(burst, webhook_ids()).settled(ledger):
                break
        except Exception:  # noqa: S110 - PostgreSQL still recovering: look again
            pass
        time.sleep(1.0)
    time.sleep(3.0)
    return tally(burst, webhook_ids())


def summary(config: SoakConfig, ledger: Ledger, monkey: Monkey, counts: Tally, seconds: float) -> str:
    """What the soak did and counted, for the test's output."""
    fates = Counter(o.fate for o in ledger.outcomes)
    lines = [
        f"[chaos soak] seed={config.seed} chaos={config.seconds:.0f}s kill_interval={config.kill_interval}s "
        f"clients={config.clients} total={seconds:.0f}s",
        f"  ideas={len(ledger.outcomes)} selected={fates[Fate.SELECTED]} not_selected={fates[Fate.NOT_SELECTED]} "
        f"not_eligible={fates[Fate.NOT_ELIGIBLE]} transitions={ledger.transitions}",
        f"  tickets={sum(counts.tickets_per_idea.values())} for {len(counts.tickets_per_idea)} ideas",
        f"  emails expected={ledger.expected_emails} jobs={dict(counts.email_jobs)} "
        f"received={sum(counts.message_ids.values())} distinct={len(counts.message_ids)} "
        f"duplicates={counts.duplicate_emails}",
        f"  webhooks expected={ledger.expected_webhooks} rows={dict(counts.webhook_rows)} "
        f"received={sum(counts.webhook_ids.values())} distinct={len(counts.webhook_ids)} "
        f"duplicates={counts.duplicate_webhooks}",
        f"  outbox undelivered={counts.undelivered} dead letters={counts.dead_letters}",
        f"  kills={sum(monkey.kills.values())} {dict(sorted(monkey.kills.items()))}",
        f"  revived after exiting={dict(monkey.revived)} servers={monkey.servers}",
        f"  client requests without an answer={dict(ledger.unanswered)} (found committed on reading: "
        f"{ledger.resolved_committed})",
    ]
    return "\n".join(lines)
