"""Fixtures of the implementation service's tests."""

from __future__ import annotations

from audisi.testing.service import service_fixtures

implementation_runtime, db_session, client, tokens = service_fixtures("implementation")
