# The two commands of the README: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Offline-safe Prefect: no telemetry (with it on, first runs logged failures and once hit
# "database is locked" on this machine).
export DO_NOT_TRACK := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false
# The temporary server's first start creates its database; on a busy machine it needs more than 20 s.
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS ?= 120
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# The nightly deployment (prefect.yaml): its time zone and the checkout its worker runs from.
export CREDENCE_TIMEZONE ?= UTC
export CREDENCE_HOME ?= $(CURDIR)
PREFECT_UI_URL ?= http://127.0.0.1:4200

.PHONY: run test ui serve chromium clean-venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the declared or pinned dependencies change.
$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

run: $(VENV)/.installed
	$(BIN)/credence run

test: $(VENV)/.installed chromium
	$(BIN)/python -m pytest

# Headless Chromium for tests/test_report_browser.py (which skips, saying why, without it).
chromium:
	@command -v chromium >/dev/null 2>&1 || \
	  { command -v apt-get >/dev/null 2>&1 && $$( [ "$$(id -u)" = 0 ] || echo sudo ) sh -c 'apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium >/dev/null'; } || \
	  echo "chromium is not installed: the browser test of report.html will be skipped"

ui: $(VENV)/.installed
	$(BIN)/prefect server start

# Registers score-articles/nightly on the process work pool and runs a worker for it
# (scheduled and UI-triggered runs). Needs `make ui` running (or PREFECT_API_URL set).
serve: $(VENV)/.installed
	PREFECT_API_URL=$${PREFECT_API_URL:-$(PREFECT_UI_URL)/api} $(BIN)/prefect work-pool create credence-process --type process --overwrite
	PREFECT_API_URL=$${PREFECT_API_URL:-$(PREFECT_UI_URL)/api} $(BIN)/prefect --no-prompt deploy --all
	PREFECT_API_URL=$${PREFECT_API_URL:-$(PREFECT_UI_URL)/api} $(BIN)/prefect worker start --pool credence-process

clean-venv:
	rm -rf $(VENV)
