# Two commands for a fresh machine: `make run` (serve the demo) and `make test` (the whole suite).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
TRACKER := $(VENV)/bin/tracker
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 5000

# `make run`, `make db` and `make demo` serve a developer's machine: the development configuration, whose key is
# in the repository. Anything else (gunicorn, the `tracker` command) defaults to production.
run db demo: export TRACKER_ENV ?= development

.PHONY: run test install translations messages db demo bench clean wheel wheelhouse

run: install db
	@if [ ! -f instance/.demo-loaded ]; then $(TRACKER) demo && touch instance/.demo-loaded; fi
	TRACKER_NOTIFY_WORKER_THREAD=$${TRACKER_NOTIFY_WORKER_THREAD:-1} $(TRACKER) run --host $(HOST) --port $(PORT)

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

install: $(STAMP) translations

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Compiled catalogs (.mo) are build output: made here, never committed.
translations: $(STAMP)
	$(PY) -m tracker.core.catalogs compile

# For developers: extract new strings into every feature's ja catalog, then list what needs translating.
messages: $(STAMP)
	$(PY) -m tracker.core.catalogs update
	-$(PY) -m tracker.core.catalogs check

db: install
	mkdir -p instance
	$(TRACKER) db upgrade

demo: db
	$(TRACKER) demo

# The product: dist/wg_tracker-*.whl (templates, static files, migrations and compiled catalogs inside).
wheel: $(STAMP)
	rm -rf build dist
	$(PY) -m pip wheel --quiet --no-deps --no-build-isolation -w dist .

# For closed networks (LGWAN): the wheel and every dependency wheel in wheelhouse/, to carry over and
# install there with: pip install --no-index --find-links wheelhouse wg-tracker
wheelhouse: wheel
	rm -rf wheelhouse
	$(PY) -m pip wheel --quiet --wheel-dir wheelhouse dist/wg_tracker-*.whl
	$(PY) -m pip download --quiet --dest wheelhouse --only-binary=:all: pip setuptools wheel
	@ls wheelhouse | wc -l | xargs echo "wheels in wheelhouse/:"

# Resets the demo too: the next `make run` migrates a new database and loads the demo again.
clean:
	rm -rf $(VENV) build dist instance/tracker.db* instance/.demo-loaded
