# Two commands a new machine needs: `make serve` and `make test`. Both build the virtualenv
# on first use, so nothing has to be installed by hand beyond Python 3.11+ and make: serve and
# demo install the runtime alone; test, lint and bench add the test tools (`.[test]`, ten times
# the size) on top.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
ARGS ?=

.PHONY: serve demo serve-dynamodb test lint bench clean

DYNAMODB_PORT ?= 8001

$(BIN)/cryptowatch: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(BIN)/pytest: $(BIN)/cryptowatch
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

serve: $(BIN)/cryptowatch  ## API + updater on http://127.0.0.1:8000, embedded SQLite store
	$(BIN)/cryptowatch serve $(ARGS)

demo: $(BIN)/cryptowatch  ## the same with the offline, simulated price source
	$(BIN)/cryptowatch serve --source demo $(ARGS)

# The same service on the genuine DynamoDB Local (data kept in ./data/dynamodb), stopped with it.
serve-dynamodb: $(BIN)/cryptowatch
	@set -e; dir=$$(bash .ci/dynamodb-local.sh); mkdir -p data/dynamodb; \
	java -Djava.library.path=$$dir/DynamoDBLocal_lib -jar $$dir/DynamoDBLocal.jar -sharedDb \
	     -dbPath data/dynamodb -port $(DYNAMODB_PORT) >data/dynamodb/server.log 2>&1 & pid=$$!; \
	trap "kill $$pid" EXIT INT TERM; \
	export DYNAMODB_TABLE_NAME=$${DYNAMODB_TABLE_NAME:-cryptowatch} CRYPTOWATCH_DATA_DIR=data/dynamodb-run \
	       AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:$(DYNAMODB_PORT) AWS_ACCESS_KEY_ID=local \
	       AWS_SECRET_ACCESS_KEY=local AWS_DEFAULT_REGION=us-east-1; \
	for try in $$(seq 30); do $(BIN)/cryptowatch init >/dev/null 2>&1 && break; sleep 1; done; \
	$(BIN)/cryptowatch serve $(ARGS)

test: $(BIN)/pytest  ## the whole suite, DynamoDB Local included
	bash .ci/dynamodb-local.sh >/dev/null
	$(BIN)/python -m pytest -n 2 $(ARGS)

lint: $(BIN)/pytest
	$(BIN)/ruff check api updater companion shared watchface tests

bench: $(BIN)/pytest
	$(BIN)/python -m tests.bench.watch_path $(ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
