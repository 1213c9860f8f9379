# The two set-up commands of the README. Each creates .venv and installs into it.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
SITE   ?= _site

.PHONY: demo test install install-test golden bench events clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[observe]'

install-test: $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'

## events: regenerate the example project's sample event log (seeded)
events: install
	$(BIN)/python bench/events.py examples examples/events/events.parquet --customers 3000 --seed 1 --parquet

## demo: install cjmc and build the example project's docs site into _site/
demo: install
	$(BIN)/cjmc validate examples
	$(BIN)/cjmc lint examples --fail-on never
	$(BIN)/cjmc observe examples buy-first-bike
	$(BIN)/cjmc build examples -o $(SITE)
	@echo "Open $(SITE)/index.html in a browser."

## test: install cjmc with its test tools and run the whole test suite
test: install-test
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python -m pytest

## golden: regenerate golden files on purpose (review the diff before committing)
golden: install-test
	CJMC_REGENERATE_GOLDEN=1 $(BIN)/python -m pytest tests -q -k golden

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) $(SITE) dist build .pytest_cache .hypothesis test-artifacts
