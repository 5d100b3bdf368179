# The two ways in: `make run` (the demo) and `make test` (the whole suite). Both set up first.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
GRAPHIQL := graphiql/node_modules/.installed
HTTP_AUDIT := tests/http_audit/node_modules/.installed

.PHONY: setup run test lint clean bench bench-quick fuzz schema manifest

setup: $(STAMP) $(GRAPHIQL) $(HTTP_AUDIT)

$(STAMP): pyproject.toml sandbox/pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ./sandbox -e '.[dev,demo,otel]'
	touch $(STAMP)

$(GRAPHIQL): graphiql/package.json graphiql/package-lock.json
	cd graphiql && npm ci --no-audit --no-fund --loglevel=error
	touch $(GRAPHIQL)

# The GraphQL over HTTP audit suite (npm graphql-http) that tests/http_audit runs against the gateway.
$(HTTP_AUDIT): tests/http_audit/package.json tests/http_audit/package-lock.json
	cd tests/http_audit && npm ci --no-audit --no-fund --loglevel=error
	touch $(HTTP_AUDIT)

run: setup
	$(BIN)/mhs-gateway demo

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# The served schema into schema.graphql (commit it; the suite fails while it is stale), and the
# trusted-documents manifest of operations/ (for MHS_GATEWAY_TRUSTED_DOCUMENTS).
schema: setup
	$(BIN)/mhs-gateway schema --write

manifest: setup
	mkdir -p build
	$(BIN)/mhs-gateway manifest --output build/trusted-documents.json

soak: setup  # ten minutes of users and faults against two workers, then the checks (bench/soak)
	$(BIN)/python -m bench.soak --seconds 600

fuzz: setup  # schema-driven fuzzing against the demo, many examples per field and persona
	FUZZ_EXAMPLES=300 $(BIN)/python -m pytest -q tests/robustness/test_schema_fuzz.py

bench: setup
	$(BIN)/python -m bench $(BENCH_ARGS)
	$(BIN)/python -m bench.mart --patients 1000

bench-quick: setup
	$(BIN)/python -m bench --quick $(BENCH_ARGS)

clean:
	rm -rf $(VENV) graphiql/node_modules tests/http_audit/node_modules
