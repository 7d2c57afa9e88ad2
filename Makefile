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

run: $(STAMP) ## run the product: score the demo transcripts and show the scorecards
	$(VENV)/bin/coach demo

test: $(STAMP) ## run all tests
	$(PY) -m pytest -q

validate: $(STAMP) ## check the standards pack loads
	$(VENV)/bin/coach standards check

eval: $(STAMP) ## behaviour detector quality (precision, recall, F1 per tag)
	$(PY) bench/eval_behaviors.py

bench: $(STAMP) ## tagging and scoring speed
	$(PY) bench/bench_scorer.py

clean: ## remove the virtual environment and caches
	rm -rf $(VENV) .pytest_cache

.PHONY: help install run test validate eval bench clean
