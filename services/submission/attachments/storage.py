"""Where attachment bytes live, behind one interface: a local volume here, an S3-compatible store later."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Protocol

_KEY = re.compile(r"^[0-9a-f]{32}$")


class Storage(Protocol):
    """A blob store addressed by keys the service generates (never by user-supplied names)."""

    def put(self, key: str, content: bytes) -> None:
        """Store `content` under `key`."""

    def get(self, key: str) -> bytes:
        """The bytes stored under `key` (FileNotFoundError if missing)."""

    def delete(self, key: str) -> None:
        """Remove `key` (no error if already gone)."""


class LocalStorage:
    """Files under a directory (a mounted volume in compose); written atomically."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        if not _KEY.match(key):  # keys are uuid4 hex: nothing a caller could turn into a path
            raise ValueError("invalid storage key")
        return self.root / key[:2] / key

    def put(self, key: str, content: bytes) -> None:
        """Write to a temporary file and rename, so a crash never leaves half a file under the key."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        """The stored bytes."""
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        """Remove the file."""
        self._path(key).unlink(missing_ok=True)
