"""Signed links to an idea's attachment, issued by judging and honoured by submission.

A judge never reads attachments from the submission service with a plain token: the judging service
checks that the judge sits on the idea's panel (and is neither conflicted nor excluded), then answers
with a link that names the attachment, its idea, the judge and an expiry, signed with HMAC-SHA256
under `ATTACHMENT_LINK_SECRET`, which only these two services hold. The submission service's download
route checks the signature and the expiry before serving the bytes. A link works for minutes, for one
file of one idea, and says whom it was issued to; changing any part of it breaks the signature.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode

from pydantic import SecretStr

from shared.errors import AppError, Message
from shared.settings import DEVELOPMENT_SECRET, Environment

#: The development value, refused in production (like the development JWT secret).
DEVELOPMENT_LINK_SECRET = SecretStr(DEVELOPMENT_SECRET + "-attachments")
#: Where the submission service serves a signed link (the attachment id is filled in).
SIGNED_PATH = "/api/v1/attachments/{attachment_id}/signed"

LINK_INVALID = Message(
    "Tautan lampiran tidak sah; minta tautan baru dari halaman penilaian",
    "The attachment link is not valid; ask for a new one from the judging page",
)
LINK_EXPIRED = Message(
    "Tautan lampiran sudah kedaluwarsa; minta tautan baru dari halaman penilaian",
    "The attachment link has expired; ask for a new one from the judging page",
)


def check_link_secret(environment: Environment, secret: SecretStr) -> None:
    """Refuse the development secret, or a short one, in production (ValueError with what to set)."""
    value = secret.get_secret_value()
    if environment == Environment.PRODUCTION and (
        value == DEVELOPMENT_LINK_SECRET.get_secret_value() or len(value) < 32
    ):
        raise ValueError(
            "ATTACHMENT_LINK_SECRET must be set to the same random value of at least 32 characters "
            "in the submission and judging services in production"
        )


@dataclass(frozen=True)
class AttachmentGrant:
    """What a signed link allows: one judge reads one attachment of one idea until `expires`."""

    attachment_id: uuid.UUID
    idea_id: uuid.UUID
    judge_id: uuid.UUID
    expires: int  # Unix seconds


def _signature(secret: SecretStr, grant: AttachmentGrant) -> str:
    message = f"v1|{grant.attachment_id}|{grant.idea_id}|{grant.judge_id}|{grant.expires}".encode()
    return hmac.new(secret.get_secret_value().encode(), message, hashlib.sha256).hexdigest()


def signed_path(secret: SecretStr, grant: AttachmentGrant) -> str:
    """The submission service's path and query for this grant, signed."""
    query = urlencode(
        {
            "idea": str(grant.idea_id),
            "judge": str(grant.judge_id),
            "expires": str(grant.expires),
            "signature": _signature(secret, grant),
        }
    )
    return f"{SIGNED_PATH.format(attachment_id=grant.attachment_id)}?{query}"


def verify(secret: SecretStr, grant: AttachmentGrant, signature: str, *, now: datetime | None = None) -> None:
    """403 `attachment_link_invalid` for a forged or altered link, 403 `attachment_link_expired` after expiry."""
    # Compared as bytes: compare_digest refuses str with non-ASCII characters (a tampered link may carry any).
    if not hmac.compare_digest(_signature(secret, grant).encode(), signature.lower().encode()):
        raise AppError(403, "attachment_link_invalid", LINK_INVALID)
    if (now or datetime.now(UTC)).timestamp() >= grant.expires:
        raise AppError(403, "attachment_link_expired", LINK_EXPIRED, {"expired_at": grant.expires})
