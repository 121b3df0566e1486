# Every target sets itself up: a fresh machine needs only python3 and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: all check pdf docx html test bench venv clean

# The main job: check the example briefing, then build its PDF.
all: check pdf

# (Re)install whenever pyproject.toml changes; the stamp records the last good install.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

check: $(STAMP)
	$(BIN)/briefing check .

pdf: $(STAMP)
	$(BIN)/briefing build . --format pdf -o build/briefing.pdf

docx: $(STAMP)
	$(BIN)/briefing build . --format docx -o build/briefing.docx

html: $(STAMP)
	$(BIN)/briefing build . --format html -o build/briefing.html

test: $(STAMP)
	$(BIN)/python -m pytest

# Generates a deterministic 120 MB corpus under build/bench once, then times check against grep.
bench: $(STAMP)
	$(BIN)/python bench/run.py build/bench

clean:
	rm -rf build .pytest_cache .hypothesis
