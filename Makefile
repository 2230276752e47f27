# The two entry points of the README: `make demo` and `make test`.
# Both set up .venv first (see scripts/setup.sh).
VENV := .venv
BIN := $(VENV)/bin
DATASET ?= tori-entangled
OUT ?= tori.html

.PHONY: setup setup-browser demo test test-fast bench screenshots clean

setup:
	bash scripts/setup.sh

setup-browser:
	bash scripts/setup.sh --browser

demo: setup
	$(BIN)/gdeep-widgets demo $(DATASET) --out $(OUT)

# GDEEP_E2E_REQUIRED turns "Chromium not found" from a skip into a failure.
test: setup-browser
	npm test
	GDEEP_E2E_REQUIRED=1 $(BIN)/python -m pytest

test-fast: setup
	$(BIN)/python -m pytest -m "not e2e"

bench: setup-browser
	$(BIN)/python benchmarks/flow.py
	$(BIN)/python benchmarks/widget.py
	$(BIN)/python benchmarks/widget_browser.py

screenshots: setup-browser
	$(BIN)/python scripts/screenshots.py

clean:
	rm -rf $(VENV) node_modules gdeep_widgets/static tests/e2e/artifacts
