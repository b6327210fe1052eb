# `make run` starts the whole service locally; `make test` runs every test.
# Both create the virtualenv and install what they need first.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
CONFIG ?=

.PHONY: run test lint bench system-deps clean

$(STAMP): requirements.txt requirements-dev.txt workers/requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || (bash scripts/install-system-deps.sh && $(PYTHON) -m venv $(VENV))
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	@touch $(STAMP)

system-deps:
	@bash scripts/install-system-deps.sh

run: $(STAMP)
	$(PY) -m local run $(if $(CONFIG),--config $(CONFIG))

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy app.py chalicelib local workers

test: $(STAMP) system-deps
	$(MAKE) lint
	$(PY) -m pytest -q

bench: $(STAMP)
	@for b in bench/*_bench.py; do echo "== $$b"; $(PY) -m bench.$$(basename $$b .py) || exit 1; done

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
