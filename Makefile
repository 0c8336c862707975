# GitBook Console. `make run` serves the console locally; `make test` runs every test.
# Both bootstrap what they need into .venv on a fresh machine.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
CHROMIUM := /usr/bin/chromium

.PHONY: run test lint format bench install install-dev chromium clean

run: install
	@$(PY) scripts/run.py

test: install-dev chromium
	$(PY) manage.py makemigrations --check --dry-run
	$(BIN)/ruff check .
	$(BIN)/pytest
	@url=$$($(PY) scripts/postgres_url.py); \
	if [ -n "$$url" ]; then \
		echo "The same suite on PostgreSQL ($$url):"; \
		DATABASE_URL="$$url" $(BIN)/pytest -p no:cacheprovider; \
	else \
		echo "No PostgreSQL server that lets us create a test database: ran on SQLite only."; \
	fi

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install-dev
	$(PY) -m bench $(if $(FIGURE),--figure $(FIGURE))

install: $(VENV)/.installed-runtime
install-dev: $(VENV)/.installed-dev

$(PY):
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed-runtime: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $(VENV)/.installed-runtime $@

# Browser tests drive Debian's Chromium; install it where apt can.
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
		if command -v apt-get >/dev/null 2>&1; then \
			SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
			$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
		else \
			echo "Chromium is missing at $(CHROMIUM) and apt-get is not available: install Chromium to run the browser tests." >&2; exit 1; \
		fi; \
	fi

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache
