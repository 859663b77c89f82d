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
	@for f in md html csv xlsx json; do $(BIN)/duty lists build --all --format $$f -o out/lists-$$f || exit 1; done
	@echo "各街道和部门的清单已写入 out/lists-{md,html,csv,xlsx,json}/（索引见各目录的 index 文件）"

test: $(STAMP)
	$(BIN)/ruff check engine tests bench
	$(BIN)/python -m pytest
	$(BIN)/duty scenario run --fail-under 100

bench: $(STAMP)
	$(BIN)/python -m bench.run

lint: $(STAMP)
	$(BIN)/ruff check engine tests bench

clean:
	rm -rf $(VENV) out .pytest_cache .ruff_cache
