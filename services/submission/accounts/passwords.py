"""Password hashing with Argon2id (argon2-cffi's recommended parameters)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()
# Verified when the username is unknown, so a miss takes as long as a wrong password (no user enumeration).
_DUMMY_HASH = _hasher.hash("audisi-no-such-user")

MIN_PASSWORD_LENGTH = 8


def hash_password(password: str) -> str:
    """An Argon2id hash with its own random salt."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether `password` matches; always spends one Argon2 verification."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash uses weaker parameters than today's (then it is upgraded at login)."""
    return _hasher.check_needs_rehash(password_hash)
