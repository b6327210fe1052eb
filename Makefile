# `make run` starts the whole service locally; `make test` runs every test (the offline
# deployment chain of tests/deploy included). Both create the virtualenv and install what they
# need first. `make package` builds the AWS deployment offline; `make deploy` puts it in an
# account (README, "Deploy to AWS").
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
CONFIG ?=

.PHONY: run test lint bench system-deps clean dashboard demo package deploy

$(STAMP): requirements.txt requirements-dev.txt workers/requirements.txt deploy/lambda-requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || (bash scripts/install-system-deps.sh && $(PYTHON) -m venv $(VENV))
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	@touch $(STAMP)

system-deps:
	@bash scripts/install-system-deps.sh

run: $(STAMP) dashboard
	$(PY) -m local run $(if $(CONFIG),--config $(CONFIG))

# The whole product offline: local indexer + seeder, the stack with its agent, one ticket.
# KIND=movie: a movie (mkv with two audio and two subtitle languages) delivered as mp4 + .srt.
demo: $(STAMP)
	$(PY) -m local.demo $(if $(KIND),--kind $(KIND))

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy app.py chalicelib local workers deploy

test: $(STAMP) system-deps dashboard
	$(MAKE) lint
	$(PY) -m pytest -q

# build/sam/sam.json (SAM), build/cloudformation.json (translated), build/sam/deployment.zip.
# No AWS account needed; the first run downloads the Lambda's wheels (cp312) from PyPI.
package: $(STAMP)
	$(PY) -m deploy.package
	$(VENV)/bin/cfn-lint build/sam/sam.json build/cloudformation.json
	$(PY) -m deploy.least_privilege build/cloudformation.json

# Needs AWS credentials (AWS_PROFILE / AWS_REGION) and the secret (README, "Deploy to AWS").
STACK ?= quentin-torrentino
PREFIX ?= qt
SECRET_NAME ?= qt/prod
ALARM_EMAIL ?=
deploy: package dashboard
	$(PY) -m deploy.deploy --stack-name $(STACK) --prefix $(PREFIX) \
		--secret-name $(SECRET_NAME) --alarm-email "$(ALARM_EMAIL)"

bench: $(STAMP)
	$(PY) -m pip install -q guessit==3.8.0
	@for b in bench/*_bench.py; do echo "== $$b"; $(PY) -m bench.$$(basename $$b .py) || exit 1; done

# The dashboard: npm ci only when the lockfile changed, vite build only when a source did.
DASHBOARD_SRC := $(shell find dashboard/src dashboard/public -type f 2>/dev/null) \
	dashboard/index.html dashboard/vite.config.ts dashboard/uno.config.ts dashboard/tsconfig.json

dashboard: dashboard/dist/index.html

dashboard/node_modules/.package-lock.json: dashboard/package-lock.json
	cd dashboard && npm ci --no-audit --no-fund
	@touch $@

dashboard/dist/index.html: dashboard/node_modules/.package-lock.json $(DASHBOARD_SRC)
	cd dashboard && npm run build

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache build
