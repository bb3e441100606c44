# UHAPO portal. `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev

# Variables the test suite needs; the environment may override any of them
# (CI sets DATABASE_URL, CELERY_BROKER_URL and CACHE_URL).
TEST_ENV := DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-test-only-secret-key-4d1f9e8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1} \
	DJANGO_ALLOWED_HOSTS=$${DJANGO_ALLOWED_HOSTS:-testserver,localhost,127.0.0.1} \
	DJANGO_SECURE_SSL_REDIRECT=false UHAPO_VAR_DIR=$${UHAPO_VAR_DIR:-$(CURDIR)/var/test}

.DEFAULT_GOAL := help
.PHONY: help run test lint typecheck format worker beat bench drills demo-data css clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP_RUN): requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(STAMP_DEV): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(STAMP_RUN)

run: $(STAMP_RUN) ## Start the whole portal (web + Celery worker and beat) on SQLite at http://127.0.0.1:8000
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PY) manage.py compile_translations -v0
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PY) manage.py load_guide
	PATH=$(CURDIR)/$(BIN):$$PATH DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(BIN)/honcho -f Procfile.dev start

test: $(STAMP_DEV) ## Run the whole test suite (honours DATABASE_URL and CELERY_BROKER_URL)
	$(TEST_ENV) $(PY) manage.py compile_translations -v0
	$(TEST_ENV) $(PY) manage.py collectstatic --noinput -v0
	$(TEST_ENV) $(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP_DEV) ## ruff check and ruff format --check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The django-stubs plugin loads the settings; with debug on they need no secret key.
typecheck: $(STAMP_DEV) ## mypy (django-stubs, celery-types) over every app, as configured in pyproject.toml
	DJANGO_DEBUG=true $(BIN)/mypy

format: $(STAMP_DEV) ## Fix what ruff can fix and format the code
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

worker: $(STAMP_RUN) ## Run a Celery worker (production: set CELERY_BROKER_URL)
	$(BIN)/celery -A uhapo worker --loglevel=INFO

beat: $(STAMP_RUN) ## Run the one Celery beat process (production: exactly one)
	$(BIN)/celery -A uhapo beat --loglevel=INFO

bench: ## Benchmark the production shape (gunicorn, PostgreSQL, Redis, Celery); writes bench/results.md
	bash bench/run.sh

drills: ## Break things on purpose (Redis, PostgreSQL, the worker) and check nothing is lost
	bash bench/drills/all.sh

demo-data: $(STAMP_RUN) ## Make a fictional demo coordinator and nurse for local use
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PY) manage.py compile_translations -v0
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PY) manage.py load_guide
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PY) manage.py demo_data

css: ## Rebuild the trimmed Bootstrap in static/css (needs npm; rerun when templates use a new class)
	bash assets/bootstrap/build-css.sh

clean: ## Remove the virtual environment and local data
	rm -rf $(VENV) var staticfiles
