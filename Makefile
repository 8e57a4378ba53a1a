# The two commands: `make run` (the app) and `make test` (the suite). Both set themselves up.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# `make test` runs against PostgreSQL (the suite needs real parallel connections and triggers).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/netterms
# The periodic jobs run under `make run` as in production: a Celery worker and beat, on Redis when
# CELERY_BROKER_URL is set, else on the embedded filesystem:// transport (README "Scheduled jobs").
CELERY := $(VENV)/bin/celery -A saleor_netterms
WORKER_ARGS := worker --loglevel=INFO --concurrency 2 --without-mingle --without-gossip
BEAT_ARGS := beat --loglevel=INFO

.PHONY: run test install migrate worker schema bench messages corpus-png clean

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade "pip==25.3"
	$(VENV)/bin/pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput

run: export DEBUG ?= true
run: migrate
	@echo ""
	@echo "  DEVELOPMENT MODE (DEBUG=$$DEBUG): for trying the app only. Development secret key, any Saleor"
	@echo "  may install it, error pages show tracebacks. Bound to $(HOST) (HOST=... to change it)."
	@echo "  For a real shop run production mode behind TLS: README \"Production\"."
	@echo ""
	@echo "  saleor-netterms is starting on http://$(HOST):$(PORT)"
	@echo "  Manifest URL (Dashboard > Apps > Install external app):"
	@echo "    $${APP_PUBLIC_URL:-http://$(HOST):$(PORT)}/api/manifest"
	@echo ""
	@export APP_PUBLIC_URL=$${APP_PUBLIC_URL:-http://$(HOST):$(PORT)} CELERY_BROKER_URL=$${CELERY_BROKER_URL:-filesystem://}; \
	$(CELERY) $(WORKER_ARGS) & worker=$$!; $(CELERY) $(BEAT_ARGS) & beat=$$!; \
	trap 'kill $$worker $$beat 2>/dev/null; wait $$worker $$beat 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver --noreload $(HOST):$(PORT)

worker: export DEBUG ?= true
worker: install
	$(VENV)/bin/celery -A saleor_netterms worker -B --loglevel=INFO

test: install
	@DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(PY) -m pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi; exit $$rc

schema: install
	$(PY) manage.py export_api_schema

bench: install
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)_bench} $(PY) bench/checkout.py

# Translations of the invoice PDF/e-mail: compile the .po catalogues with babel (no GNU gettext).
messages: install
	$(PY) -m babel.messages.frontend compile -d saleor_netterms/invoicing/locale -D django
	$(PY) -m babel.messages.frontend compile -d saleor_netterms/collections/locale -D django
	$(PY) -m babel.messages.frontend compile -d saleor_netterms/portal/locale -D django
	$(PY) -m babel.messages.frontend compile -d saleor_netterms/buyer_access/locale -D django

# The corpus documents as PNG (docs/corpus/), with poppler's pdftoppm.
corpus-png: install
	$(PY) scripts/corpus_render.py

clean:
	rm -rf $(VENV) db.sqlite3 .pytest_cache
