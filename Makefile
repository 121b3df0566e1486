# Every target sets itself up: a fresh machine needs only python3 and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: all check test bench clean

all: check

# (Re)install whenever pyproject.toml changes; the stamp records the last good install.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

check: $(STAMP)
	$(BIN)/briefing check .

test: $(STAMP)
	$(BIN)/python -m pytest

# Generates a deterministic 120 MB corpus under build/bench once, then times check vs grep.
bench: $(STAMP)
	$(BIN)/python bench/run.py build/bench

clean:
	rm -rf build .pytest_cache
