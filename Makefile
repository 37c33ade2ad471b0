# VoxSeg's verbs. `make demo` and `make test` work from a fresh clone.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

# Integration tests: real PostgreSQL, Redis and Celery worker processes.
PG_URL ?= postgres://postgres@127.0.0.1:5432/voxseg
REDIS_URL ?= redis://127.0.0.1:6379/15
TEST_VAR := var/test
# Unit-test processes (pytest-xdist), one per core; each test file runs in one process.
TEST_PROCESSES ?= 2

.PHONY: install demo test test-unit test-integration bench lint fmt services clean

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# torch first, CPU build, exact version (a bare `torch` pulls a multi-GB CUDA build)
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	# export the embedding model and compile UMAP/HDBSCAN code once for this machine
	$(PY) manage.py warmup
	@touch $(STAMP)

demo: install
	$(PY) manage.py demo

test: install
	@bash scripts/ensure-chromium.sh || true
	@bash scripts/ensure-services.sh || true
	$(MAKE) --no-print-directory test-unit
	$(MAKE) --no-print-directory test-integration

test-unit: install
	@rm -rf $(TEST_VAR)/unit && mkdir -p $(TEST_VAR)/unit
	VOXSEG_DATA_DIR=$(TEST_VAR)/unit/data CACHE_URL=filecache://$(CURDIR)/$(TEST_VAR)/unit/cache \
	CELERY_BROKER_DIR=$(TEST_VAR)/unit/broker \
	$(PY) -m pytest -m "not integration and not browser" -p no:cacheprovider --durations=15 \
		-n $(TEST_PROCESSES) --dist loadfile

test-integration: install
	@rm -rf $(TEST_VAR)/integration && mkdir -p $(TEST_VAR)/integration
	DATABASE_URL=$(PG_URL) CELERY_BROKER_URL=$(REDIS_URL) CACHE_URL=$(subst /15,/14,$(REDIS_URL)) \
	CELERY_VISIBILITY_TIMEOUT=20 \
	VOXSEG_DATA_DIR=$(CURDIR)/$(TEST_VAR)/integration/data \
	$(PY) -m pytest -m "integration or browser" -p no:cacheprovider --durations=10

bench: install
	$(PY) bench/bench_ingest.py
	$(PY) bench/bench_redact.py
	$(PY) bench/bench_embed.py
	$(PY) bench/bench_pipeline.py
	$(PY) bench/bench_workers.py
	$(PY) bench/bench_segments.py
	$(PY) bench/bench_pages.py
	$(PY) bench/bench_chat.py
	$(PY) bench/bench_dp.py
	$(PY) bench/bench_privacy.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

services:
	@bash scripts/ensure-services.sh

clean:
	rm -rf var/test var/broker var/cache
