# Idmaj: two commands.
#   make run    install what the app needs, build the warehouse if missing, start the app
#   make test   install what the tests need (Debian's chromium included), lint, run every test

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8501
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint build publish bench browser clean

run: $(VENV)/.runtime
	$(BIN)/python -m lib build --if-missing
	$(BIN)/streamlit run app.py --server.port $(PORT)

test: $(VENV)/.dev browser
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

lint: $(VENV)/.dev
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

build: $(VENV)/.runtime
	$(BIN)/python -m lib build

bench: $(VENV)/.dev
	$(BIN)/python -m bench

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV) || { $(SUDO) apt-get update && $(SUDO) apt-get install -y python3-venv && $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

# Browser tests drive Debian's Chromium (no browser download); Noto fonts draw Arabic.
browser:
	@{ command -v chromium >/dev/null 2>&1 && fc-list :lang=ar 2>/dev/null | grep -q . ; } || { \
		$(SUDO) apt-get update && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		chromium fonts-noto-core fonts-dejavu-core fontconfig; }

clean:
	rm -rf data/idmaj.duckdb data/public tests/artifacts .pytest_cache .ruff_cache
