"""Test support shared by every service's tests: real PostgreSQL and Redis, fresh per test session."""
