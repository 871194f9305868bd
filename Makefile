# make demo   run the sandbox site (SQLite, in-memory channel layer, demo content)
# make test   ruff and the whole pytest suite, on SQLite + in-memory and PostgreSQL + Redis
# make bench  benchmarks (tables on stdout, JSON in bench/results/)

SHELL := /bin/bash
VENV ?= .venv
PORT ?= 8000
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/wagtail_live_admin
REDIS_URL_TESTS ?= redis://127.0.0.1:6379/0

# The first Python 3.12+ on PATH (pyenv's shims honour .python-version).
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 python3 python; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	&& { echo $$p; break; }; done)

# The oldest versions we support, tested by `make test-compat`: Python 3.12 where one is
# installed (else $(PYTHON)), Django 5.2 and Wagtail 7.
COMPAT_VENV ?= .venv-compat
COMPAT_PYTHON ?= $(shell for p in python3.12 $(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3) $(PYTHON); do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; break; }; done)
COMPAT_PINS = "django>=5.2,<5.3" "wagtail>=7.0,<8"

# The suite starts a few hundred Python processes (workers, servers, commands): let them
# keep compiled bytecode (and pytest its rewritten tests) where the shell turns it off.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: demo test test-sqlite test-postgres test-compat lint bench clean messages

# Each virtualenv gets uv (from PyPI, inside the virtualenv: nothing outside the checkout
# changes), which installs the test dependencies in seconds where pip took a minute (it
# compiles no bytecode: the processes of `make test` write what they import).
$(VENV)/.installed: pyproject.toml
	@if [ -z "$(PYTHON)" ]; then \
		echo "error: Python 3.12 or newer is needed and none was found on PATH." >&2; \
		echo "       Install one (e.g. 'pyenv install 3.13'), or run: make PYTHON=/path/to/python3.13 ..." >&2; \
		exit 1; fi
	@echo "Using $(PYTHON) ($$($(PYTHON) --version))"
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet uv
	$(VENV)/bin/uv pip install --quiet --python $(VENV)/bin/python -e . --group test
	touch $@

# The sandbox's own settings, even when the shell exports another project's.
demo: export DJANGO_SETTINGS_MODULE := sandbox.settings
demo: $(VENV)/.installed
	cd sandbox && $(abspath $(VENV))/bin/python manage.py migrate --noinput
	cd sandbox && $(abspath $(VENV))/bin/python manage.py load_demo
	@echo
	@echo "  Site:      http://127.0.0.1:$(PORT)/"
	@echo "  Live blog: http://127.0.0.1:$(PORT)/live-blog/"
	@echo "  Admin:     http://127.0.0.1:$(PORT)/admin/  (login: admin / changeme, sandbox only)"
	@echo
	cd sandbox && exec $(abspath $(VENV))/bin/daphne -b 127.0.0.1 -p $(PORT) sandbox.asgi:application

# ruff, then the import contracts of pyproject.toml: which part may import which.
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

test: lint test-sqlite test-postgres test-compat

# pytest-xdist processes: the suite is CPU-bound, one per core is as fast as more.
TEST_WORKERS ?= 2

# Everything, on SQLite; the realtime tests run on both the in-memory layer and Redis.
test-sqlite: $(VENV)/.installed
	$(VENV)/bin/pytest -n $(TEST_WORKERS) --dist worksteal

# On PostgreSQL with channels-redis, the tests of what can behave differently there: the
# database's side of live pages, the publish log and its locks, re-push, the admin's
# queries, the catch-up endpoint, the commands and real servers sharing one database.
# (The wheel, demo, browser, realtime and reader-socket tests ran in test-sqlite, with Redis.)
POSTGRES_TESTS = tests/live tests/delivery tests/readers tests/management \
	tests/end_to_end/test_publish_to_reader.py tests/end_to_end/test_redis_outage.py \
	tests/admin/test_dashboard.py tests/admin/test_log.py

# A laptop without the services skips this run; with CI=true their absence fails it.
# It names its test databases after its own process (WAGTAIL_LIVE_TEST_DB_SUFFIX), and
# fails if any of them is left once it is over (tests/databases.py).
test-postgres: $(VENV)/.installed
	@if ! $(VENV)/bin/python -c 'import socket; [socket.create_connection(("127.0.0.1", p), 1).close() for p in (5432, 6379)]' 2>/dev/null; then \
		if [ "$(CI)" = "true" ]; then echo "error: PostgreSQL (5432) or Redis (6379) is not answering on 127.0.0.1" >&2; exit 1; fi; \
		echo "Skipping the PostgreSQL + Redis run: PostgreSQL (5432) or Redis (6379) is not answering on 127.0.0.1."; \
	else \
		export DATABASE_URL=$(POSTGRES_URL) REDIS_URL=$(REDIS_URL_TESTS) \
			WAGTAIL_LIVE_TEST_DB_SUFFIX="$$(id -u)_make$$$$"; \
		status=0; \
		$(VENV)/bin/pytest -n $(TEST_WORKERS) -m "not slow and not browser" $(POSTGRES_TESTS) \
			|| status=$$?; \
		$(VENV)/bin/python -m tests.databases || status=1; \
		exit $$status; \
	fi

$(COMPAT_VENV)/.installed: pyproject.toml
	@echo "Using $(COMPAT_PYTHON) ($$($(COMPAT_PYTHON) --version)) with Django 5.2 and Wagtail 7"
	$(COMPAT_PYTHON) -m venv $(COMPAT_VENV)
	$(COMPAT_VENV)/bin/python -m pip install --quiet uv
	$(COMPAT_VENV)/bin/uv pip install --quiet --python $(COMPAT_VENV)/bin/python -e . --group test $(COMPAT_PINS)
	touch $@

# On the oldest supported versions, the tests of what uses Django's and Wagtail's APIs: live
# pages, the log, the catch-up view, the admin, wagtail-live's names, admission, checks and
# migrations. Not the servers, browsers, wheel and demo, nor the realtime internals, whose
# libraries (Channels, redis-py, daphne) are the same versions in both virtualenvs.
COMPAT_TESTS = tests/live tests/delivery tests/readers tests/admin tests/compat \
	tests/realtime/test_admission.py tests/test_checks.py tests/test_conf.py tests/test_migrations.py

test-compat: $(COMPAT_VENV)/.installed
	$(COMPAT_VENV)/bin/pytest -n $(TEST_WORKERS) -m "not slow and not browser" -p no:cacheprovider \
		$(COMPAT_TESTS)

$(VENV)/.bench-installed: $(VENV)/.installed pyproject.toml
	test -x $(VENV)/bin/uv || $(VENV)/bin/python -m pip install --quiet uv
	$(VENV)/bin/uv pip install --quiet --python $(VENV)/bin/python --group bench
	touch $@

# Under 10 minutes on 2 cores; `python -m bench fanout --quick` for a first look.
bench: $(VENV)/.bench-installed
	$(VENV)/bin/python -m bench

# The message catalogs (wagtail_live_admin/locale/): the strings of the package and of the
# root templates/, merged into each language's .po and compiled (needs GNU gettext).
messages: $(VENV)/.installed
	DJANGO_SETTINGS_MODULE=tests.settings $(VENV)/bin/python -m tests.i18n.catalogs

clean:
	rm -rf $(VENV) $(COMPAT_VENV) dist build .pytest_cache .ruff_cache
