# Cooperage: `make run` serves the demo co-op, `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# axe-core (package-lock.json) for the browser tests' accessibility check; skipped without npm.
NODE_STAMP := node_modules/.installed
NODE_DEPS := $(if $(shell command -v npm 2>/dev/null),$(NODE_STAMP))

.PHONY: run test test-fast test-clocks lint fmt demo bench screenshots migrate clean schema smoke lock audit messages

# The pinned, hashed lock files (pip-tools): requirements/production.txt for servers,
# requirements/dev.txt for development and CI. `make lock` remakes both from pyproject.toml,
# and requirements/pip.txt, dev.txt's pin of pip, which is installed before the rest.
LOCK := requirements/dev.txt
COMPILE := $(BIN)/pip-compile --quiet --strip-extras --generate-hashes --allow-unsafe \
	--no-emit-index-url --no-emit-find-links

# pip first, at the version the lock pins (requirements/pip.txt): the pip that `python -m venv`
# brings (23.2 with Python 3.11.7) refuses the lock in --require-hashes mode ("must have their
# versions pinned with ==") once PyPI has a newer release of a package that a locked package asks
# for with extras (pip-audit's CacheControl[filecache]), although the lock pins that package.
$(STAMP): pyproject.toml $(LOCK) requirements/pip.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Cooperage needs $(PYTHON) on PATH (or make PYTHON=python3)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/pip.txt
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

lock: $(STAMP)
	$(COMPILE) --output-file requirements/production.txt pyproject.toml
	$(COMPILE) --extra dev --constraint requirements/production.txt --output-file requirements/dev.txt pyproject.toml
	{ sed -n '1,2p' requirements/pip.txt; sed -n '/^pip==/,/^    #/p' requirements/dev.txt | grep -v '^    #'; } > requirements/pip.txt.new
	mv requirements/pip.txt.new requirements/pip.txt

# Known vulnerabilities in the locked dependencies (needs the PyPI or OSV vulnerability service).
audit: $(STAMP)
	$(BIN)/pip-audit --strict --require-hashes --disable-pip -r requirements/production.txt
	$(BIN)/pip-audit --strict --require-hashes --disable-pip -r requirements/dev.txt

migrate: $(STAMP)
	$(BIN)/python manage.py migrate --no-input

demo: migrate
	$(BIN)/python manage.py demo

run: demo
	SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)} $(BIN)/python manage.py runserver $(HOST):$(PORT)

$(NODE_STAMP): package-lock.json
	npm ci --no-audit --no-fund
	touch $(NODE_STAMP)

# The suite runs in parallel (pytest-xdist): one process a CPU, each with a test database of its
# own (test_<name>_gw0, …); tests sharing the broker stay on one process (tests/conftest.py).
# PYTEST_WORKERS=0 runs it in one process, as before.
PYTEST_WORKERS ?= auto
PYTEST := $(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadgroup

test: $(STAMP) $(NODE_DEPS)
	$(PYTEST) $(PYTEST_ARGS)

# While working: the suite without the property, fuzz and fault tests (marked `slow`).
test-fast: $(STAMP) $(NODE_DEPS)
	$(PYTEST) -m "not slow" $(PYTEST_ARGS)

# The suite again with the project's clock (coop.clock) set to instants where dates break: the
# last evening of a month (already the 1st in Vienna, the factories' time zone), 29 February, New
# Year's Eve (already the new year in Vienna), and the spring DST change in Vienna. The clock ticks
# from there. Browser tests, live workers, the reliability tests and the fuzzer are left out: their
# other processes (Chromium, Celery, the database server) keep the machine's clock.
CLOCKS := 2027-01-31T23:30:00+00:00 2028-02-29T12:00:00+00:00 2027-12-31T23:30:00+00:00 \
	2027-03-28T00:59:30+00:00
test-clocks: $(STAMP)
	@for at in $(CLOCKS); do \
	  echo "== the suite with the clock at $$at"; \
	  COOPERAGE_TEST_CLOCK=$$at $(PYTEST) -q -p no:cacheprovider \
	    -m "not browser and not worker" --ignore=tests/api/test_fuzz.py \
	    --ignore=tests/reliability $(PYTEST_ARGS) || exit 1; \
	done

# docs/screenshots/*.png from the demo co-op in a throwaway database, for the README.
screenshots: $(STAMP)
	$(BIN)/python tests/browser/screenshots.py docs/screenshots

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/mypy
	$(BIN)/bandit -q -r cooperage coop governance books payroll billing banking api deploy --severity-level high
	$(BIN)/python manage.py spectacular --validate --fail-on-warn --file /dev/null

# gunicorn + a Celery worker + beat against DATABASE_URL and CELERY_BROKER_URL, driven over HTTP.
smoke: $(STAMP)
	$(BIN)/python deploy/smoke.py

# The committed OpenAPI contract; tests/api/test_schema.py fails when it is stale.
schema: $(STAMP)
	$(BIN)/python manage.py spectacular --validate --fail-on-warn --file docs/openapi.yaml

# The translations (es, de): extract every marked string into locale/*/LC_MESSAGES/django.po,
# then compile them. The compiled .mo files are committed, so that `make run`, `make test` and the
# image need no gettext; tests/coop/test_i18n.py fails when a .mo is stale or a message is left
# untranslated or fuzzy. Untranslated: msgattrib --untranslated locale/es/LC_MESSAGES/django.po
MESSAGES_IGNORE := --ignore=.venv --ignore=tests --ignore=deploy --ignore=bench --ignore=docs \
	--ignore=var --ignore=build --ignore=node_modules
messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l es -l de --no-obsolete --add-location=file $(MESSAGES_IGNORE)
	$(BIN)/python manage.py compilemessages -l es -l de $(MESSAGES_IGNORE)

fmt: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Data first (skipped when present), then each benchmark; PostgreSQL DB cooperage_bench (or
# BENCH_DATABASE), Redis DB 3 (bench/bank.py: the database of DATABASE_URL when set, else SQLite in
# var/bench/). bench/api_load.py drives the API with wrk (Debian's package): installed with apt
# when missing, as .ci/run installs Chromium; without root, install it first (sudo apt-get
# install wrk; macOS: brew install wrk).
BENCH_SCRIPTS := data distribution tally api_load payslips billing_draft billing_documents bank books
bench: $(STAMP)
	@command -v wrk >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing: wrk"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	      apt-get install -y -qq --no-install-recommends wrk >/dev/null; \
	  else \
	    echo "make bench needs wrk (bench/api_load.py): sudo apt-get install wrk (Debian, Ubuntu)," \
	      "brew install wrk (macOS), then make bench again"; exit 1; \
	  fi; }
	@for script in $(BENCH_SCRIPTS); do echo "== bench/$$script.py"; $(BIN)/python bench/$$script.py || exit 1; done

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache node_modules
