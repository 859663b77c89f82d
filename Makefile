# duty: make demo (set up and run the sample county), make test, make bench.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test bench lint setup clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/duty evaluate duties/proposals/*.yaml

test: $(STAMP)
	$(BIN)/ruff check engine tests bench
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m bench.run

lint: $(STAMP)
	$(BIN)/ruff check engine tests bench

clean:
	rm -rf $(VENV) out .pytest_cache .ruff_cache
