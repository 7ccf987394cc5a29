"""Alembic environment of the implementation service (its own database only)."""

import services.implementation.models  # noqa: F401 - registers every table on the metadata
from services.implementation.db import metadata
from shared.migrations import run_migrations

run_migrations(metadata)
