# The two commands: `make run` (the app) and `make test` (the suite). Both set themselves up.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# `make test` runs against PostgreSQL (the suite needs real parallel connections and triggers).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/netterms

.PHONY: run test install migrate worker schema bench clean

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade "pip==25.3"
	$(VENV)/bin/pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput

run: migrate
	@echo ""
	@echo "  saleor-netterms is starting on http://$(HOST):$(PORT)"
	@echo "  Manifest URL (Dashboard > Apps > Install external app):"
	@echo "    $${APP_PUBLIC_URL:-http://$(HOST):$(PORT)}/api/manifest"
	@echo ""
	@if [ -n "$$CELERY_BROKER_URL" ]; then \
	  APP_PUBLIC_URL=$${APP_PUBLIC_URL:-http://$(HOST):$(PORT)} $(VENV)/bin/celery -A saleor_netterms worker -B --loglevel=INFO & \
	fi; \
	APP_PUBLIC_URL=$${APP_PUBLIC_URL:-http://$(HOST):$(PORT)} $(PY) manage.py runserver --noreload $(HOST):$(PORT)

worker: install
	$(VENV)/bin/celery -A saleor_netterms worker -B --loglevel=INFO

test: install
	@DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(PY) -m pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi; exit $$rc

schema: install
	$(PY) manage.py export_api_schema

bench: install
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)_bench} $(PY) bench/checkout.py

clean:
	rm -rf $(VENV) db.sqlite3 .pytest_cache
