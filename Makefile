# Idmaj: two commands.
#   make run    install what the app needs, build the warehouse if missing, start the app
#   make test   install what the tests need (Debian's chromium and nginx), lint, run every test
# and, for an audience: make serve WORKERS=N [PORT=8080], N processes of the app behind nginx.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?=
WORKERS ?= 2
IDMAJ_SERVE_ADDRESS ?= 127.0.0.1
DATA   := $(or $(IDMAJ_DATA_DIR),data)
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run serve test lint build publish bench browser nginx pdf clean

run: $(VENV)/.runtime pdf
	$(BIN)/python -m lib build --if-missing
	$(BIN)/streamlit run app.py --server.port $(or $(PORT),8501)

# N Streamlit processes behind nginx on $(IDMAJ_SERVE_ADDRESS):$(PORT) (8080 by default), kept
# alive by `python -m lib serve`; Ctrl-C stops them all. The static site needs the snapshot.
serve: $(VENV)/.runtime nginx pdf
	$(BIN)/python -m lib build --if-missing
	test -e "$(DATA)/public/site/index.html" || $(BIN)/python -m lib publish
	$(BIN)/python -m lib serve --workers $(WORKERS) --port $(or $(PORT),8080) \
		--address $(IDMAJ_SERVE_ADDRESS)

test: $(VENV)/.dev browser nginx pdf
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	sh tests/tools/install_axe.sh  # axe-core, pinned, into .venv/node (browser tests)
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

# Browser tests drive Debian's Chromium (no browser download); Noto fonts draw Arabic, and
# Tifinagh for Tamazight (Noto Sans Tifinagh, also used for the site's chart images); poppler's
# pdftotext and pdftoppm read the board brief back.
browser:
	@{ command -v chromium >/dev/null 2>&1 && fc-list :lang=ar 2>/dev/null | grep -q . && \
		fc-list "Noto Sans Tifinagh" 2>/dev/null | grep -q . && command -v pdftoppm >/dev/null 2>&1 ; } || { \
		$(SUDO) apt-get update && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		chromium fonts-noto-core fonts-dejavu-core fontconfig poppler-utils; }

# The board brief's PDF (WeasyPrint) is laid out by Debian's Pango with the Noto fonts; nothing
# is downloaded at run time. Its tests read the PDF back with poppler (see browser above).
pdf:
	@{ ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0.so.0 && \
		fc-list :lang=ar 2>/dev/null | grep -q . ; } || { \
		$(SUDO) apt-get update && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-core fontconfig; }

# Debian's nginx, as chromium above: `make serve` runs it, and so do the serving tests. It is
# in /usr/sbin, which is not on every user's PATH.
nginx:
	@{ command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx ; } || { \
		$(SUDO) apt-get update && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nginx; }

clean:
	rm -rf data/idmaj.duckdb data/public data/serve tests/artifacts .pytest_cache .ruff_cache
