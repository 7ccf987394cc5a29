# One image for every role: API, worker, relay, beat, migrations, seed. The compose command picks the role.
FROM python:3.11-slim AS base
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
# Two malloc arenas, not eight per core: memory a request freed on one worker thread is reused by the next on
# another (the judging API's 10,000-idea results peak: bench/RESULTS.md). audisi/stack.py IMAGE_ENV is the same.
ENV MALLOC_ARENA_MAX=2
WORKDIR /app
RUN groupadd --system audisi && useradd --system --gid audisi --home /app audisi
COPY pyproject.toml README.md ./
COPY shared ./shared
COPY services ./services
COPY audisi ./audisi
RUN pip install . && mkdir -p /data/attachments && chown -R audisi:audisi /data
USER audisi
EXPOSE 8001 8002 8003 8080
CMD ["audisi", "--help"]
