# Quick start:  make report  (build the sample report into dist/)
#               make test    (run the whole test suite)
#               make bench   (time builds against Pandoc and Typst: docs/performance.md)
# Both set up a virtual environment in .venv and install what is missing.

PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
PROJECT ?= data
OUT     ?= dist

# Debian packages: pango for WeasyPrint and HarfBuzz's subsetter for its fonts (make report;
# without it WeasyPrint falls back to the much slower fontTools); readers the tests check outputs with.
RUNTIME_DEBS = libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
TEST_DEBS    = poppler-utils qpdf libreoffice-writer-nogui chromium chromium-driver
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: report test lint schema bench bench-check clean runtime-deps test-deps

report: $(VENV)/.installed runtime-deps
	$(BIN)/reportgen build $(PROJECT) -o $(OUT) --timings

test: $(VENV)/.installed runtime-deps test-deps
	$(BIN)/python -m pytest -q

# BENCH_ARGS, e.g. BENCH_ARGS="--runs 5 --cases large" (see python tools/bench.py --help).
bench: $(VENV)/.bench runtime-deps
	$(BIN)/python tools/bench.py $(BENCH_ARGS)

$(VENV)/.bench: $(VENV)/.installed
	$(BIN)/python -m pip install -q -e '.[bench]'
	touch $@

lint: $(VENV)/.installed
	$(BIN)/ruff check reportgen tests tools
	$(BIN)/mypy reportgen
	$(BIN)/lint-imports

# JSON Schemas and the field reference, generated from reportgen/schema.py (a test checks
# that the committed files are current).
schema: $(VENV)/.installed
	$(BIN)/reportgen schema --out docs/schema --markdown docs/fields.md

# Wall time of 'check' against 'build' on a generated ~250-page project.
bench-check: $(VENV)/.installed runtime-deps
	$(BIN)/python tools/bench_check.py

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

# Install the Debian packages of $(1) that are not installed yet.
define apt_missing
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef

runtime-deps:
	$(call apt_missing,$(RUNTIME_DEBS))

test-deps:
	$(call apt_missing,$(TEST_DEBS))

clean:
	rm -rf $(OUT) .pytest_cache
