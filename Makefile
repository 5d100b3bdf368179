# The two ways in: `make run` (the demo) and `make test` (the whole suite). Both set up first.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
GRAPHIQL := graphiql/node_modules/.installed

.PHONY: setup run test lint clean bench bench-quick fuzz

setup: $(STAMP) $(GRAPHIQL)

$(STAMP): pyproject.toml sandbox/pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ./sandbox -e '.[dev,demo]'
	touch $(STAMP)

$(GRAPHIQL): graphiql/package.json graphiql/package-lock.json
	cd graphiql && npm ci --no-audit --no-fund --loglevel=error
	touch $(GRAPHIQL)

run: setup
	$(BIN)/mhs-gateway demo

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

fuzz: setup  # schema-driven fuzzing against the demo, many examples per field and persona
	FUZZ_EXAMPLES=300 $(BIN)/python -m pytest -q tests/robustness/test_schema_fuzz.py

bench: setup
	$(BIN)/python -m bench $(BENCH_ARGS)
	$(BIN)/python -m bench.mart --patients 1000

bench-quick: setup
	$(BIN)/python -m bench --quick $(BENCH_ARGS)

clean:
	rm -rf $(VENV) graphiql/node_modules
