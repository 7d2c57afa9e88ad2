# Staff-training and service-standards coach. `make help` lists the targets.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 16

$(STAMP): requirements.txt constraints.txt pyproject.toml scripts/bootstrap scripts/ensure-voice scripts/ensure-fonts
	scripts/bootstrap

install: $(STAMP) ## create .venv (Python 3.10) and install everything pinned

run: $(STAMP) ## the whole product: migrate, demo company (first time), train if needed, start all (Ctrl-C stops)
	$(VENV)/bin/coach up

demo: $(STAMP) ## score the demo transcripts and show the scorecards
	$(VENV)/bin/coach demo

lint: $(STAMP) ## ruff's checks on the project's Python (settings in pyproject.toml); fixes nothing
	$(VENV)/bin/ruff check .

check: $(STAMP) ## the tests that need no server, PostgreSQL, Redis or browser, on every core: before each commit
	$(PY) -m pytest -q -n auto --dist loadgroup -m "not servers and not postgres and not redis and not browser"

test: $(STAMP) ## run all tests (starts the local PostgreSQL if it is stopped); the server tests on one core, the rest beside
	scripts/ensure-postgres
	scripts/ensure-chromium
	scripts/ensure-voice
	scripts/ensure-fonts
	$(PY) -m pytest -q -n auto --dist loadgroup

validate: $(STAMP) ## check the standards pack, the scenarios and the Rasa data
	$(VENV)/bin/coach standards check
	$(VENV)/bin/coach standards check standards/ru
	$(VENV)/bin/coach standards check standards/uk
	$(VENV)/bin/coach standards check standards/sv
	$(VENV)/bin/coach standards check standards/lv
	$(VENV)/bin/coach scenarios check
	$(VENV)/bin/rasa data validate --domain bot/domain --data data/nlu data/rules --config config.yml

eval: $(STAMP) ## detector quality per tag and session-score ordering: development and frozen sets apart
	$(PY) bench/eval_behaviors.py
	$(PY) bench/eval_sessions.py

eval-sessions: $(STAMP) ## pairs of sessions ordered as a trainer did, and the demo company's score distribution
	$(PY) bench/eval_sessions.py

detector-model: $(STAMP) ## retrain the learned half of the detector on data/behaviors (after adding labelled replies)
	$(VENV)/bin/coach data train-detector
	$(VENV)/bin/coach data train-detector --lang ru
	$(VENV)/bin/coach data train-detector --lang uk
	$(VENV)/bin/coach data train-detector --lang sv
	$(VENV)/bin/coach data train-detector --lang lv

realism: $(STAMP) ## the simulated customer: expected outcomes per kind of staff side, repeats, re-asked details, variety
	$(PY) bench/bench_realism.py

bench-voice: $(STAMP) ## the recogniser on spoken replies it was not built from: WER per model, speed, rate error, latency
	$(PY) bench/bench_voice.py

eval-nlu: $(STAMP) ## Rasa intent macro-F1 on the held-out split
	$(PY) bench/eval_nlu.py

bench: $(STAMP) ## tagging and scoring speed, storage queries and panel pages on 100,000 sessions, turn latency, load
	$(PY) bench/bench_scorer.py
	$(PY) bench/bench_storage.py
	$(PY) bench/bench_turns.py
	$(PY) bench/bench_pages.py
	$(PY) bench/load.py

load: $(STAMP) ## 50 virtual trainees for 3 minutes through the panel's client: throughput, p50/p95/p99, exactly once
	$(PY) bench/load.py

train: $(STAMP) ## train the Rasa model (only when data or config changed)
	$(PY) -c "from ops.servers import train; print(train())"

serve: $(STAMP) ## like run, without loading the demo company
	$(VENV)/bin/coach up --no-demo

db-upgrade: $(STAMP) ## apply the database migrations (DATABASE_URL, default var/coach.db)
	$(VENV)/bin/coach db upgrade

demo-data: $(STAMP) ## replace the database contents with the demo company
	$(VENV)/bin/coach db demo --reset

clean: ## remove the virtual environment and caches
	rm -rf $(VENV) .pytest_cache

.PHONY: help install run demo lint check test validate eval eval-sessions detector-model eval-nlu realism bench load train serve db-upgrade demo-data clean
