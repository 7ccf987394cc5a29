"""Alembic environment of the judging service (its own database only)."""

import services.judging.models  # noqa: F401 - registers every table on the metadata
from services.judging.db import metadata
from shared.migrations import run_migrations

run_migrations(metadata)
