# Audisi developer commands. A fresh clone needs only Python 3.11+ and make: every target below first
# creates or updates the virtual environment it needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell $(PYTHON) -c "import hashlib,sys;print(hashlib.sha1(open('pyproject.toml','rb').read()).hexdigest()[:12])")
PYTEST_ARGS ?=

.PHONY: help venv run test test-fast chaos lint format compose-check seed bench clean

help:
	@echo "make run            start the whole stack locally (same processes as docker-compose.yml)"
	@echo "make test           run unit, integration and end-to-end tests"
	@echo "make chaos          the chaos soak for 10 minutes (CHAOS_SECONDS, CHAOS_KILL_INTERVAL to change)"
	@echo "make lint           ruff and mypy --strict"
	@echo "make compose-check  validate docker-compose.yml"
	@echo "make bench          run the benchmarks (needs wrk) and print their figures; see bench/RESULTS.md"

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

venv: $(STAMP)

# A process started without ENVIRONMENT runs as production (and refuses the development secret).
run: venv
	ENVIRONMENT=development $(BIN)/audisi run

test: venv
	ENVIRONMENT=test $(BIN)/pytest $(PYTEST_ARGS)

test-fast: venv
	ENVIRONMENT=test $(BIN)/pytest -m "not e2e and not slow" $(PYTEST_ARGS)

# The chaos soak `make test` runs for 75 s, here for ten minutes; it prints its counts and kills.
CHAOS_SECONDS ?= 600
chaos: venv
	CHAOS_SECONDS=$(CHAOS_SECONDS) $(BIN)/pytest tests/faults/test_chaos.py -s $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy shared services audisi tests bench

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

compose-check:
	POSTGRES_PASSWORD=check REDIS_PASSWORD=check JWT_SECRET=check-check-check-check-check-check \
	  FLOWER_BASIC_AUTH=ops:check SMTP_HOST=mail.example.go.id WEB_SECRET=check-check-check-check-check-check \
	  ATTACHMENT_LINK_SECRET=check-check-check-check-check-check docker-compose config -q

seed: venv
	ENVIRONMENT=development $(BIN)/audisi seed

bench: venv
	@for b in bench/bench_*.py; do echo "== $$b"; ENVIRONMENT=test $(BIN)/python -m bench.$$(basename $$b .py) || exit 1; done
	@echo "== issue 14's targets, from the JSON above"; $(BIN)/python -m bench.summary

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
