"""Root conftest: real PostgreSQL and Redis fixtures for every test folder."""

pytest_plugins = ["audisi.testing.plugin"]
