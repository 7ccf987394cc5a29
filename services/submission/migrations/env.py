"""Alembic environment of the submission service (its own database only)."""

import services.submission.models  # noqa: F401 - registers every table on the metadata
from services.submission.db import metadata
from shared.migrations import run_migrations

run_migrations(metadata)
