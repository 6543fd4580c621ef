# Two commands a new machine needs: `make serve` and `make test`. Both build the virtualenv
# on first use, so nothing has to be installed by hand beyond Python 3.11+ and make.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
ARGS ?=

.PHONY: serve demo test lint bench clean

$(BIN)/cryptowatch: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

serve: $(BIN)/cryptowatch  ## API + updater on http://127.0.0.1:8000, embedded SQLite store
	$(BIN)/cryptowatch serve $(ARGS)

demo: $(BIN)/cryptowatch  ## the same with the offline, simulated price source
	$(BIN)/cryptowatch serve --source demo $(ARGS)

test: $(BIN)/cryptowatch  ## the whole suite, DynamoDB Local included
	bash .ci/dynamodb-local.sh >/dev/null
	$(BIN)/python -m pytest -n 2 $(ARGS)

lint: $(BIN)/cryptowatch
	$(BIN)/ruff check api updater companion shared tests

bench: $(BIN)/cryptowatch
	$(BIN)/python -m tests.bench.watch_path $(ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
