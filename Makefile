# Two entry points for a fresh machine with Python 3.11 and make:
#   make demo   install everything, then crawl the bundled offline mirror into ./warehouse
#   make test   install everything, then run the whole test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
export PREFECT_SERVER_ANALYTICS_ENABLED := false

.PHONY: install system-deps demo test bench clean

install: $(VENV)/.installed

# The test suite drives a real headless Chromium (report charts) and a real PostgreSQL (shared
# catalog): both from Debian's packages, installed here when missing and we may (root + apt).
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing system packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "missing system packages:$$missing (install them with your package manager)" >&2; fi; \
	fi

# pip 23.2 fails to resolve lxml[html_clean] (an internal assertion): upgrade pip in the venv first.
$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test]"
	touch $@

demo: install
	$(BIN)/zonewatch demo

test: install system-deps
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[bench]"
	for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) warehouse .pytest_cache
