"""The floor of `make bench`: a bare FastAPI app doing one INSERT per request on the same PostgreSQL.

Two routes, one uvicorn process, no auth, no middleware: what one INSERT per request costs on this
machine through a sync route on a SQLAlchemy Core pool (the judging API's stack), and through an async
route on a psycopg async pool. Served by bench/bench_scoring.py with `uvicorn --factory bench.floor_app:build`;
FLOOR_DATABASE_URL names the bench database (with the `bench_floor` table it created).
"""

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Header
from psycopg_pool import AsyncConnectionPool
from pydantic import BaseModel
from sqlalchemy import create_engine, text

CREATE_TABLE = (
    "CREATE TABLE IF NOT EXISTS bench_floor (id bigserial PRIMARY KEY, idea_id uuid NOT NULL, "
    "key text NOT NULL, total integer NOT NULL, at timestamptz NOT NULL DEFAULT now())"
)
INSERT = "INSERT INTO bench_floor (idea_id, key, total) VALUES (%s, %s, %s)"
POOL_SIZE = 20  # the judging API's default pool (JudgingSettings.db_pool_size)


class ScoreIn(BaseModel):
    """One criterion's score, as the judging API receives it."""

    criterion: str
    value: int
    comment: str | None = None


class ScoresIn(BaseModel):
    """The save's body, parsed as the judging API parses it."""

    scores: list[ScoreIn]


def build() -> FastAPI:
    """The floor app on FLOOR_DATABASE_URL."""
    url = os.environ["FLOOR_DATABASE_URL"]
    engine = create_engine(url, pool_size=POOL_SIZE, max_overflow=0)
    pool = AsyncConnectionPool(url.replace("postgresql+psycopg://", "postgresql://"), min_size=POOL_SIZE, open=False)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await pool.open()
        yield
        await pool.close()
        engine.dispose()

    app = FastAPI(lifespan=lifespan)

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/floor/sync/{idea_id}")
    def floor_sync(idea_id: uuid.UUID, body: ScoresIn, key: str = Header(alias="Idempotency-Key")) -> dict[str, Any]:
        total = sum(s.value for s in body.scores)
        with engine.begin() as conn:
            conn.exec_driver_sql(INSERT, (idea_id, key, total))
        return {"idea_id": idea_id, "total": total}

    @app.post("/floor/async/{idea_id}")
    async def floor_async(
        idea_id: uuid.UUID, body: ScoresIn, key: str = Header(alias="Idempotency-Key")
    ) -> dict[str, Any]:
        total = sum(s.value for s in body.scores)
        async with pool.connection() as conn:
            await conn.execute(INSERT, (idea_id, key, total))
        return {"idea_id": idea_id, "total": total}

    with engine.begin() as conn:
        conn.execute(text(CREATE_TABLE))
    return app
