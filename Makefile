# LabelStation — every check is one command (STYLE.md 15).
#   make run    install into .venv and start the app (SQLite, demo data, simulated devices)
#   make test   install everything the tests need and run ruff, mypy, import-linter, pytest
#   make bench  run the benchmarks and write docs/benchmarks.md
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint bench clean system-deps

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

run: $(STAMP) system-deps
	$(BIN)/python -m labelstation.ui

system-deps:
	bash scripts/system-deps.sh

lint: $(STAMP)
	$(BIN)/ruff check labelstation tests benchmarks scripts
	$(BIN)/mypy
	$(BIN)/lint-imports

test: $(STAMP) system-deps lint
	bash scripts/run-tests.sh

bench: $(STAMP)
	bash scripts/system-deps.sh bench
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache htmlcov .coverage
