# Staff-training and service-standards coach. `make help` lists the targets.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 14

$(STAMP): requirements.txt constraints.txt pyproject.toml scripts/bootstrap
	scripts/bootstrap

install: $(STAMP) ## create .venv (Python 3.10) and install everything pinned

run: $(STAMP) ## migrate the database, load the demo company (first time only), show demo scorecards
	$(VENV)/bin/coach db upgrade
	$(VENV)/bin/coach db demo --if-empty
	$(VENV)/bin/coach demo

test: $(STAMP) ## run all tests (starts the local PostgreSQL if it is stopped)
	scripts/ensure-postgres
	$(PY) -m pytest -q

validate: $(STAMP) ## check the standards pack loads
	$(VENV)/bin/coach standards check

eval: $(STAMP) ## behaviour detector quality (precision, recall, F1 per tag)
	$(PY) bench/eval_behaviors.py

bench: $(STAMP) ## tagging and scoring speed, storage query speed on 100,000 sessions
	$(PY) bench/bench_scorer.py
	$(PY) bench/bench_storage.py

db-upgrade: $(STAMP) ## apply the database migrations (DATABASE_URL, default var/coach.db)
	$(VENV)/bin/coach db upgrade

demo-data: $(STAMP) ## replace the database contents with the demo company
	$(VENV)/bin/coach db demo --reset

clean: ## remove the virtual environment and caches
	rm -rf $(VENV) .pytest_cache

.PHONY: help install run test validate eval bench db-upgrade demo-data clean
