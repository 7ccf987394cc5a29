"""One error format for every service: {"error": {"code", "message", "details"}}, Indonesian first."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Message:
    """A user-facing text in Indonesian (the default) and English."""

    id: str
    en: str

    def in_language(self, language: str) -> str:
        """The text in `language` ("id" or "en"); Indonesian for anything else."""
        return self.en if language == "en" else self.id


class RuleError(ValueError):
    """A schema validator's refusal in both languages: the 422 it becomes speaks the caller's."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.en)
        self.message = message


@dataclass
class AppError(Exception):
    """A refusal the caller can act on; rendered as a 4xx (or 503) response, never a 500."""

    status_code: int
    code: str
    message: Message
    details: Any = field(default=None)

    def __str__(self) -> str:
        return f"{self.code}: {self.message.en}"


def not_found(thing_id: str, thing_en: str, details: Any = None) -> AppError:
    """404 for an object that does not exist or that the caller may not know exists."""
    return AppError(404, "not_found", Message(f"{thing_id} tidak ditemukan", f"{thing_en} not found"), details)


def forbidden(details: Any = None) -> AppError:
    """403 for a caller who is known but may not do this."""
    return AppError(
        403,
        "forbidden",
        Message("Anda tidak berwenang melakukan tindakan ini", "You are not allowed to do this"),
        details,
    )


def conflict(code: str, message: Message, details: Any = None) -> AppError:
    """409 for a request that contradicts the current state (a transition, a duplicate)."""
    return AppError(409, code, message, details)


def invalid(code: str, message: Message, details: Any = None) -> AppError:
    """422 for input that is well-formed but breaks a domain rule."""
    return AppError(422, code, message, details)


UNAUTHENTICATED = Message(
    "Silakan masuk terlebih dahulu (token tidak ada atau tidak sah)", "Please sign in first (token missing or invalid)"
)
SERVICE_UNAVAILABLE = Message(
    "Layanan sedang tidak tersedia, silakan coba lagi sebentar lagi",
    "The service is temporarily unavailable, please try again shortly",
)
