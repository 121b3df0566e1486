# Every target sets itself up: a fresh machine needs only python3 and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: all check pdf docx html audit review test bench venv lock clean

# The main job: check the example briefing, then build its PDF.
all: check pdf

# (Re)install whenever the lock changes; the stamp records the last good install. Every package
# comes from requirements.lock.txt: exact versions with their hashes, direct and indirect, so a new
# upstream release changes nothing here until `make lock` is run and its result committed.
# WeasyPrint wants Debian's libharfbuzz-subset0 for font subsetting and warns without it (it
# falls back to fontTools, and briefing silences that warning): install it when we can.
$(STAMP): requirements.lock.txt pyproject.toml
	@if ! ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing libharfbuzz-subset0 for WeasyPrint"; \
	    apt-get install -y -qq libharfbuzz-subset0 >/dev/null 2>&1 \
	      || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq libharfbuzz-subset0 >/dev/null 2>&1; } \
	      || echo "note: libharfbuzz-subset0 not installed; WeasyPrint uses fontTools instead"; \
	  fi; \
	fi
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock.txt
	@# The project itself, editable (code changes need no reinstall), built with the locked
	@# setuptools: no build isolation, so nothing is fetched that the lock does not name.
	@# setuptools' notes about editable installs are advice for package authors.
	PYTHONWARNINGS=ignore $(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

# Refresh the lock from pyproject.toml's ranges (for every platform and Python >= 3.11), then
# reinstall from it. Review the diff of requirements.lock.txt before committing it.
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --extra test --extra dev --universal \
	  --python-version 3.11 --generate-hashes --quiet -o requirements.lock.txt
	$(MAKE) venv

venv: $(STAMP)

check: $(STAMP)
	$(BIN)/briefing check .

pdf: $(STAMP)
	$(BIN)/briefing build . --format pdf -o build/briefing.pdf

docx: $(STAMP)
	$(BIN)/briefing build . --format docx -o build/briefing.docx

html: $(STAMP)
	$(BIN)/briefing build . --format html -o build/briefing.html

# Re-verify the built PDF from the evidence it embeds, as its reader would (issue 17 §3).
audit: pdf
	$(BIN)/briefing audit build/briefing.pdf --sources sources
# The evidence a second person checks (issue 17): the reviewer's page, the W3C Web Annotations,
# and the audit of the built PDF against the evidence it embeds.
review: audit
	$(BIN)/briefing review . -o build/review.html
	$(BIN)/briefing check . --format annotations -o build/annotations.jsonld

# Lint and types first (seconds), then the suite. mypy checks the package with its defaults
# (pyproject.toml) and the pure core, verify/ and text.py, strictly (issue 18).
test: $(STAMP)
	$(BIN)/ruff check briefing tests bench scripts
	$(BIN)/mypy
	$(BIN)/mypy --strict briefing/verify briefing/text.py
	$(BIN)/python -m pytest -n auto

# Real text first (issue 19): about 200 MB from the Python standard library and /usr/share, 10,000
# claims, paired check/grep ratios (about 10 min; BENCH_ROUNDS=1 for a quick look). Then short
# failed quotes in 3.3 and 10 MB one-line sources (a few seconds); then a deterministic 120 MB
# generated corpus, timed against grep; then the scale run: 5,000 claims over 2,000 sources,
# checked and rendered to PDF (about 3 min). Last, `build --format pdf` against WeasyPrint alone on
# the same page, paired: 70-page and 500-page briefings, claims-only and prose (about 15 min;
# BENCH_PAGES=70 for the small ones only).
bench: $(STAMP)
	$(BIN)/python bench/realtext.py build/realtext
	$(BIN)/python bench/long_lines.py
	$(BIN)/python bench/run.py build/bench
	$(BIN)/python bench/scale.py build/scale
	$(BIN)/python bench/build_speed.py build/buildspeed

clean:
	rm -rf build .pytest_cache .hypothesis .mypy_cache .ruff_cache
