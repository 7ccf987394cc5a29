"""How long to wait before trying again, the same way for every retried job (emails, WhatsApp, webhooks, events)."""

from __future__ import annotations


def backoff_seconds(*, base: float, attempts: int, cap: float) -> float:
    """Exponential back-off after `attempts` failed tries: `base` after the first, doubling, never over `cap`."""
    return float(min(base * 2 ** max(attempts - 1, 0), cap))
