SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False
export TOKENIZERS_PARALLELISM := false

.PHONY: help venv index serve test lint eval baseline clean

help:
	@echo "make serve   - install, index corpus/ if needed, start the web chat on http://127.0.0.1:7860"
	@echo "make test    - install, run lint, type checks, the test suite and the eval gates"
	@echo "make eval    - run the evaluation questions against index/ and print the figures"
	@echo "make baseline - retrieval figures: tutorial pipeline, dense, BM25, hybrid and askcases"

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip 2>&1 | { grep -v 'is ignored: it is neither' || true; }
	$(BIN)/pip install --quiet -e '.[dev]' 2>&1 | { grep -v 'is ignored: it is neither' || true; }
	touch $(STAMP)

venv: $(STAMP)

index: venv
	$(BIN)/askcases index

serve: venv
	$(BIN)/askcases serve

lint: venv
	$(BIN)/ruff check src tests eval
	$(BIN)/ruff format --check src tests eval
	$(BIN)/mypy src

eval: venv
	$(BIN)/askcases index --quiet
	$(BIN)/askcases eval --json eval/last-run.json --check eval/thresholds.json

test: lint
	$(BIN)/pytest -q
	$(MAKE) --no-print-directory eval

baseline: venv
	$(BIN)/askcases index --quiet
	$(BIN)/askcases eval --compare

clean:
	rm -rf $(VENV) index eval/last-run.json
