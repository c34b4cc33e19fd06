# Relais: the two commands are `make run` and `make test` (see README).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python

.DEFAULT_GOAL := help
.PHONY: help install install-dev run test test-fast lint format messages i18n-check bench clean

help:
	@echo "make run    - install, migrate, load demo data, start web + worker + scheduler"
	@echo "make test   - install test tools and run the whole suite"
	@echo "make lint   - ruff and mypy"
	@echo "make messages - refresh the fr/en catalogues after changing strings"

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.installed-run

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Local development defaults; production sets environment variables instead.
.env:
	printf '# Local development only (see README, Production).\nDJANGO_DEBUG=1\n' > $@

install: $(VENV)/.installed-run node_modules/.installed .env

install-dev: $(VENV)/.installed-dev node_modules/.installed .env

run: install
	bash scripts/ensure-system-packages --runtime
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	@echo
	@echo "  Relais is starting on http://127.0.0.1:8000/  (Ctrl-C stops web, worker and scheduler)"
	@echo "  Demo logins, password relais-demo:"
	@echo "    agent@relais.example  supervisor@relais.example  sales@relais.example"
	@echo "    marketing@relais.example  it@relais.example  hr@relais.example  admin@relais.example"
	@echo
	$(VENV)/bin/honcho -f Procfile.dev start

# With DATABASE_URL / CELERY_BROKER_URL set the suite uses them (CI: PostgreSQL, Redis);
# without, SQLite under var/test and the embedded filesystem broker.
# In parallel (pytest-xdist): one worker per core by default; PYTEST_WORKERS=0 runs it in
# one process. Figures and what each worker keeps to itself: docs/testing.md.
PYTEST_WORKERS ?= auto
test: install-dev
	bash scripts/ensure-system-packages
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: install-dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

format: install-dev
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

# Needs GNU gettext (scripts/ensure-system-packages installs it).
messages: install-dev
	$(PY) manage.py makemessages -l fr -l en --no-obsolete --add-location=file --ignore='.venv/*' --ignore='node_modules/*' --ignore='var/*'
	$(PY) manage.py compilemessages --ignore='.venv/*' --ignore='node_modules/*'

# Fails when a string in the code is missing from the catalogues or lacks a French text.
i18n-check: install-dev
	bash scripts/i18n-check

bench: install-dev
	$(PY) -m bench $(BENCH_ARGS)

clean:
	rm -rf var/test var/broker
