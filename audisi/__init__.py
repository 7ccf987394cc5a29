"""Ops tooling for Audisi: the `audisi` command, the process list shared with docker-compose, the dev stack."""
