# Quick start: `make demo` (crawl the bundled demo marketplace) and `make test` (the whole suite).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: demo test lint install install-test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'

demo: install
	$(BIN)/phytowatch demo

test: install-test
	$(BIN)/python -m pytest

lint: install-test
	$(BIN)/pip install --quiet -e '.[test,dev]'
	$(BIN)/ruff check crawler spiders classifiers bench tests
	$(BIN)/mypy crawler spiders classifiers --ignore-missing-imports

clean:
	rm -rf $(VENV) phytowatch.db phytowatch.db-wal phytowatch.db-shm exports .pytest_cache
