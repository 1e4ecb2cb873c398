# Kirjuri: `make run` starts a working server with a demo sandbox; `make test` runs everything.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED ?= ../shared
KIRJURI_TEST_PG ?= postgresql://postgres@127.0.0.1:5432/postgres
export KIRJURI_TEST_PG

.PHONY: run test install lint unit-sqlite unit-postgresql contract bench lock clean

$(BIN)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

install: $(BIN)/.installed

run: install
	$(BIN)/kirjuri dev

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

unit-sqlite: install
	KIRJURI_TEST_DATABASE=sqlite $(BIN)/pytest

unit-postgresql: install
	KIRJURI_TEST_DATABASE=postgresql $(BIN)/pytest

contract: install
	@mkdir -p var
	@$(BIN)/kirjuri openapi --output var/openapi.json
	@if [ -f $(SHARED)/contract/check.py ]; then \
		$(PYTHON) $(SHARED)/contract/check.py var/openapi.json | tail -n 1; \
	else echo "contract check skipped: $(SHARED)/contract/check.py not found"; fi

test: lint unit-sqlite unit-postgresql contract

bench: install
	$(BIN)/python bench/sessioninfo.py
	$(BIN)/python bench/reports.py
	$(BIN)/python bench/invoices.py

# Re-pin every dependency after changing pyproject.toml.
lock:
	rm -rf /tmp/kirjuri-lock && $(PYTHON) -m venv /tmp/kirjuri-lock
	/tmp/kirjuri-lock/bin/pip install --quiet -e '.[dev]'
	/tmp/kirjuri-lock/bin/pip freeze --exclude-editable | grep -v '^kirjuri' > constraints.txt

clean:
	rm -rf $(VENV) var
