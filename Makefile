# duty: make demo (set up and run the sample county), make test, make bench,
# make serve (the web application on a demonstration store of the sample county).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# pytest-xdist workers for make test: one per core by default
TEST_WORKERS ?= auto
# browser tests use the system's chromium; never download one
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
# the tests start many `duty` processes: let them keep compiled bytecode like an installed
# package has it, rather than compile the engine again in each one
unexport PYTHONDONTWRITEBYTECODE

.PHONY: demo test bench bench-web lint setup clean serve

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
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal
	$(BIN)/duty scenario run --fail-under 100

serve: $(STAMP)
	$(BIN)/python -m engine.web.demo $(SERVE_ARGS)

bench: $(STAMP)
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.import_real
	$(BIN)/python -m bench.web
	$(BIN)/python -m bench.who
	$(BIN)/python -m bench.store_versions
	$(BIN)/python -m bench.province_store

# the web part alone: 50 sessions browsing lists and giving opinions for 60 s on loopback
bench-web: $(STAMP)
	$(BIN)/python -m bench.web

lint: $(STAMP)
	$(BIN)/ruff check engine tests bench

clean:
	rm -rf $(VENV) out .pytest_cache .ruff_cache
