"""Webhook signatures as the Standard Webhooks specification defines them (https://www.standardwebhooks.com),
so an agency verifies deliveries with an off-the-shelf library in any language.

Headers sent with every delivery:
    webhook-id:        the delivery id (the same on every retry: receivers dedupe on it)
    webhook-timestamp: unix seconds when the request was signed (receivers refuse stale ones)
    webhook-signature: v1,<base64 HMAC-SHA256(key, f"{webhook-id}.{webhook-timestamp}.{raw body}")>
    X-Audisi-Event:    the event type, e.g. ticket.status_changed (for routing; not signed separately)
The secret is `whsec_` followed by the base64 of the key; Audisi generates it at registration.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets

ID_HEADER = "webhook-id"
TIMESTAMP_HEADER = "webhook-timestamp"
SIGNATURE_HEADER = "webhook-signature"
EVENT_HEADER = "X-Audisi-Event"
SECRET_PREFIX = "whsec_"  # noqa: S105 - the prefix of the format, not a secret
#: Key sizes we accept for a secret an agency brings (the specification recommends 24 to 64 bytes).
KEY_BYTES = (24, 64)


def new_secret() -> str:
    """A fresh signing secret (32 random bytes) in the specification's `whsec_<base64>` form."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def secret_key(secret: str) -> bytes | None:
    """The key of a `whsec_<base64>` secret, or None if it is not one of 24 to 64 bytes."""
    if not secret.startswith(SECRET_PREFIX):
        return None
    try:
        key = base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except binascii.Error:
        return None
    return key if KEY_BYTES[0] <= len(key) <= KEY_BYTES[1] else None


def sign(secret: str, *, msg_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` header value for `body` sent as `msg_id` at `timestamp`."""
    key = secret_key(secret)
    if key is None:
        raise ValueError("not a whsec_ secret")
    mac = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return f"v1,{base64.b64encode(mac).decode()}"
