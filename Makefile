# Jumelage — two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
HOST   ?= 127.0.0.1
export DJANGO_SETTINGS_MODULE ?= config.settings

.PHONY: venv browser loadtest demo serve test test-pg lint typecheck messages check-messages clean

$(BIN)/.installed: requirements.lock
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is required") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	touch $@

venv: $(BIN)/.installed

## make loadtest: deadline-day load on loopback (PostgreSQL, gunicorn, locust); bench/README.md.
loadtest: venv
	@sh bench/load.sh

## make browser: the system Chromium the browser tests drive (Debian's package; needs root).
browser:
	@sh scripts/install_browser.sh

## make demo: create the environment, migrate SQLite, load the demo cycle, serve it.
demo: venv
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo --if-empty
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py demo_logins --base-url http://$(HOST):$(PORT)
	@HOST=$(HOST) PORT=$(PORT) BIN=$(BIN) sh scripts/serve.sh

serve: venv
	@HOST=$(HOST) PORT=$(PORT) BIN=$(BIN) sh scripts/serve.sh

## make test: the whole test suite (SQLite unless DATABASE_URL says otherwise).
test: venv browser
	$(BIN)/python -m pytest -q -n 2 $(PYTEST_ARGS)

test-pg: venv browser
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} $(BIN)/python -m pytest -q -n 2 $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy matchengine

messages: venv
	$(BIN)/python scripts/makemessages.py

check-messages: venv
	$(BIN)/python scripts/check_messages.py

clean:
	rm -rf $(VENV) db.sqlite3 var staticfiles
