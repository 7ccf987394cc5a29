"""Email: templates in Indonesian and English rendered to plain text and HTML, sent by SMTP.

Each template carries both languages; a message is rendered in one, the recipient's (`lang` in the context:
"id", or "en" when they chose English): the text template's `subject`/`summary` are Indonesian and
`subject_en`/`summary_en` English, its body and the HTML layout branch on `lang`.

Send failures are sorted into transient (the server is down, busy or answered 4xx: try again later) and
permanent (5xx: the address or the message is refused; trying again would give the same answer).
"""

from __future__ import annotations

import contextlib
import hashlib
import smtplib
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound, UndefinedError, select_autoescape

from services.implementation.settings import ImplementationSettings
from shared.db import utcnow
from shared.logging import get_logger

log = get_logger(__name__)

TEMPLATES = Path(__file__).parent / "templates"
#: A kept SMTP connection unused this long is closed rather than reused (servers drop idle ones after minutes).
SMTP_IDLE_SECONDS = 30.0
WATCHDOG_IDLE_SECONDS = 60.0

STATUS_LABELS: dict[str, tuple[str, str]] = {
    "new": ("baru", "new"),
    "accepted": ("diterima", "accepted"),
    "in_progress": ("sedang dikerjakan", "in progress"),
    "piloting": ("uji coba", "piloting"),
    "implemented": ("sudah diterapkan", "implemented"),
    "blocked": ("terhambat", "blocked"),
    "cancelled": ("dibatalkan", "cancelled"),
}


def status_id(status: str) -> str:
    """A status in Indonesian."""
    return STATUS_LABELS.get(status, (status, status))[0]


def status_en(status: str) -> str:
    """A status in English."""
    return STATUS_LABELS.get(status, (status, status))[1]


def rupiah(value: int) -> str:
    """45000000 -> `Rp 45.000.000` (rupiah are integers; thousands grouped with dots, as written in Indonesia)."""
    return f"{'-' if value < 0 else ''}Rp {abs(value):,}".replace(",", ".")


class TransientMailError(Exception):
    """The mail server could not take the message now; worth trying again later."""


class PermanentMailError(Exception):
    """The mail server refused the message for good."""


@dataclass(frozen=True)
class RenderedMessage:
    """A notification rendered for one recipient."""

    subject: str
    summary: str  # short text for the in-app list
    text: str
    html: str
    language: str = "id"


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The templates: `.html` ones are autoescaped, `.txt` ones (plain text mail) are not."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True, default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(status_id=status_id, status_en=status_en)
    env.filters["rupiah"] = rupiah
    return env


def render(template: str, context: dict[str, Any]) -> RenderedMessage:
    """Render a notification template; subject and summary come from the text template's `set` blocks.

    A template whose context lacks a field (or, despite the test tying `NotificationTemplate` to the files,
    one without its files) falls back to the generic template: the person still hears that something
    happened, and the job never fails on a wording problem.
    """
    try:
        return _render(template, context)
    except (TemplateNotFound, UndefinedError) as exc:
        log.warning("notification template fallback", template=template, error=str(exc))
        details = sorted((k, v) for k, v in context.items() if isinstance(v, str | int | float) and k != "link")
        return _render("generic", {**context, "details": details})


def _render(template: str, context: dict[str, Any]) -> RenderedMessage:
    language = "en" if context.get("lang") == "en" else "id"
    context = {**context, "lang": language}
    text_module = environment().get_template(f"{template}.txt").make_module(context)
    suffix = "_en" if language == "en" else ""
    subject = " ".join(str(getattr(text_module, f"subject{suffix}", template)).split())
    html = environment().get_template(f"{template}.html").render({**context, "subject": subject})
    summary = " ".join(str(getattr(text_module, f"summary{suffix}", subject)).split())
    return RenderedMessage(
        subject=subject, summary=summary, text=str(text_module).strip() + "\n", html=html, language=language
    )


def message_id_for(idempotency_key: str, mail_from: str) -> str:
    """A Message-ID derived from the job's idempotency key: a resent job is recognisably the same mail."""
    digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]
    domain = parseaddr(mail_from)[1].rpartition("@")[2] or "audisi.local"
    return f"<{digest}@{domain}>"


def build_message(
    *, rendered: RenderedMessage, to_name: str, to_email: str, mail_from: str, message_id: str
) -> EmailMessage:
    """A multipart/alternative message (plain text and HTML)."""
    msg = EmailMessage()
    msg["Subject"] = rendered.subject
    msg["From"] = mail_from
    msg["To"] = f'"{to_name}" <{to_email}>' if to_name else to_email
    msg["Message-ID"] = message_id
    msg["Date"] = format_datetime(utcnow())
    msg.set_content(rendered.text)
    msg.add_alternative(rendered.html, subtype="html")
    msg["Content-Language"] = rendered.language  # after the parts: setting content drops content headers
    return msg


class _Watchdog:
    """One thread that runs an action when the armed deadline passes: a Timer per send would start a thread
    per email (in the profile, a quarter of a send's time on a busy machine)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._due: float | None = None
        self._action: Callable[[], None] | None = None
        self._thread: threading.Thread | None = None

    def arm(self, seconds: float, action: Callable[[], None]) -> None:
        """Run `action` in `seconds` unless disarmed first."""
        with self._cond:
            self._due, self._action = time.monotonic() + seconds, action
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="smtp-deadline", daemon=True)
                self._thread.start()
            self._cond.notify()

    def disarm(self) -> None:
        """Forget the armed action."""
        with self._cond:
            self._due = self._action = None

    def _run(self) -> None:
        with self._cond:
            while True:
                if self._due is None:
                    if not self._cond.wait(WATCHDOG_IDLE_SECONDS):
                        self._thread = None  # idle: end, so that mailers made for one send leave no thread
                        return
                    continue
                remaining = self._due - time.monotonic()
                if remaining > 0:
                    self._cond.wait(remaining)
                    continue
                action, self._due, self._action = self._action, None, None
                if action is not None:
                    action()  # quick: sets a flag and shuts a socket down


class SmtpMailer:
    """Sends messages by SMTP; with `keep_open` (the worker's one mailer) over one connection kept between sends.

    Each network operation waits at most `smtp_timeout_seconds`, and each send's whole exchange (a check of
    the kept connection, or a new connection, then the message) is cut at `smtp_send_deadline_seconds` (a
    server that answers slowly but steadily would otherwise hold the send, and the job's lease, for ever):
    that bound is what the lease is sized against. A kept connection is checked with NOOP before it carries
    a message, and dropped after any failure or `SMTP_IDLE_SECONDS` unused: the message itself is never
    sent twice by the mailer (a failed send is the job's transient failure, retried later as before).
    """

    def __init__(self, settings: ImplementationSettings, *, keep_open: bool = False) -> None:
        self.settings = settings
        # Kept open by the worker's one mailer; a mailer made for one send says QUIT after it, as before.
        self.keep_open = keep_open
        self._smtp: smtplib.SMTP | None = None
        self._used_at = 0.0
        self._watchdog = _Watchdog()

    def close(self) -> None:
        """Say goodbye to the server, if connected."""
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                smtp.quit()
            smtp.close()

    def _connection(self, cut: threading.Event, current: list[smtplib.SMTP]) -> smtplib.SMTP:
        """The kept connection if it still answers, else a new one (logged in); `current` is what the deadline cuts."""
        s = self.settings
        kept, self._smtp = self._smtp, None
        if kept is not None:
            current.append(kept)
            try:
                if time.monotonic() - self._used_at < SMTP_IDLE_SECONDS and kept.noop()[0] == 250:
                    return kept
            except (smtplib.SMTPException, OSError):
                pass
            kept.close()
            current.clear()
            if cut.is_set():
                raise TimeoutError("SMTP send deadline passed")
        smtp = smtplib.SMTP(timeout=s.smtp_timeout_seconds)  # no host: connect below, under the deadline
        current.append(smtp)
        smtp.connect(s.smtp_host, s.smtp_port)
        if cut.is_set():  # the deadline passed while connecting
            raise TimeoutError("SMTP send deadline passed")
        if s.smtp_starttls:
            smtp.starttls()
        if s.smtp_username and s.smtp_password:
            smtp.login(s.smtp_username, s.smtp_password)
        return smtp

    def send(self, message: EmailMessage) -> None:
        """Send, raising TransientMailError or PermanentMailError on failure."""
        s = self.settings
        current: list[smtplib.SMTP] = []
        cut = threading.Event()

        def cut_off() -> None:
            cut.set()
            sock = current[-1].sock if current else None
            if sock is not None:  # wakes the blocked read or write; smtplib then sees a closed connection
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

        self._watchdog.arm(s.smtp_send_deadline_seconds, cut_off)
        try:
            try:
                smtp = self._connection(cut, current)
                smtp.send_message(message)
            except BaseException:
                for broken in current:  # a failed exchange leaves the connection in an unknown state
                    broken.close()
                raise
            self._smtp, self._used_at = smtp, time.monotonic()
            if not self.keep_open:
                self.close()
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            if codes and all(400 <= c < 500 for c in codes):
                raise TransientMailError(f"recipient deferred: {exc.recipients}") from exc
            raise PermanentMailError(f"recipient refused: {exc.recipients}") from exc
        except (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError) as exc:
            if cut.is_set():
                raise TransientMailError("SMTP send deadline passed") from exc
            raise TransientMailError(f"{type(exc).__name__}: {exc}") from exc
        except smtplib.SMTPResponseException as exc:
            if 400 <= exc.smtp_code < 500:
                raise TransientMailError(f"{exc.smtp_code} {exc.smtp_error!r}") from exc
            raise PermanentMailError(f"{exc.smtp_code} {exc.smtp_error!r}") from exc
        except smtplib.SMTPException as exc:
            raise PermanentMailError(f"{type(exc).__name__}: {exc}") from exc
        except OSError as exc:  # refused, reset, timed out, DNS: the network or the server is down
            raise TransientMailError(f"{type(exc).__name__}: {exc}") from exc
        finally:
            self._watchdog.disarm()
