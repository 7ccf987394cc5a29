"""Webhook signatures: HMAC-SHA256 over "<timestamp>.<body>", so a receiver can check origin and freshness.

Headers sent with every delivery:
    X-Audisi-Timestamp: unix seconds when the request was signed
    X-Audisi-Signature: v1=<hex HMAC-SHA256(secret, f"{timestamp}.{raw body}")>
    X-Audisi-Delivery:  the delivery id (the same on every retry: receivers dedupe on it, or on `seq`)
    X-Audisi-Event:     the event type, e.g. ticket.status_changed
A receiver recomputes the HMAC over the raw body and rejects the request if it differs or if the
timestamp is more than five minutes from its clock (a replayed capture).
"""

from __future__ import annotations

import hashlib
import hmac
import time

TIMESTAMP_HEADER = "X-Audisi-Timestamp"
SIGNATURE_HEADER = "X-Audisi-Signature"
DELIVERY_HEADER = "X-Audisi-Delivery"
EVENT_HEADER = "X-Audisi-Event"
TOLERANCE_SECONDS = 300


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header value for `body` signed at `timestamp`."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"v1={mac.hexdigest()}"


def verify(
    secret: str,
    *,
    timestamp: str,
    signature: str,
    body: bytes,
    now: float | None = None,
    tolerance: int = TOLERANCE_SECONDS,
) -> bool:
    """Whether a received request is authentic and fresh (what a receiver runs)."""
    try:
        ts = int(timestamp)
    except ValueError:
        return False
    current = time.time() if now is None else now
    if abs(current - ts) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, ts, body), signature)
