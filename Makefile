# The two commands of the README: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Offline-safe Prefect: no telemetry (with it on, first runs logged failures and once hit
# "database is locked" on this machine).
export DO_NOT_TRACK := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test ui serve clean-venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the declared or pinned dependencies change.
$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

run: $(VENV)/.installed
	$(BIN)/credence run

test: $(VENV)/.installed
	$(BIN)/python -m pytest

ui: $(VENV)/.installed
	$(BIN)/prefect server start

serve: $(VENV)/.installed
	$(BIN)/python -m flows.serve

clean-venv:
	rm -rf $(VENV)
