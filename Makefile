# Two entry points for a fresh machine with Python 3.11 and make:
#   make demo   install everything, then crawl the bundled offline mirror into ./warehouse
#   make test   install everything, then run the whole test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
export PREFECT_SERVER_ANALYTICS_ENABLED := false

.PHONY: install demo test bench clean

install: $(VENV)/.installed

# pip 23.2 fails to resolve lxml[html_clean] (an internal assertion): upgrade pip in the venv first.
$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test]"
	touch $@

demo: install
	$(BIN)/zonewatch demo

test: install
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python bench/parse_speed.py

clean:
	rm -rf $(VENV) warehouse .pytest_cache
