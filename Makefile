# Call Center Academy. `make demo` and `make test` are all a new user needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CHROMIUM ?= /usr/bin/chromium

.PHONY: help demo test test-fast lab build data roleplay report browser lock clean postgres

help:
	@echo "make demo      build exercises, grade a synthetic cohort of 24 with nbgrader, summarise"
	@echo "make test      the full test suite (what CI runs)"
	@echo "make lab       JupyterLab on a learner's copy of the course (LEARNER_DIR=build/learner)"
	@echo "make build     regenerate exercises/ from solutions/"

# The environment: created on first use from the pinned lock file.
$(STAMP): requirements.lock pyproject.toml grader/jupyterlab/overrides.json
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip==26.3"
	$(BIN)/python -m pip install --quiet --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	# JupyterLab defaults for learners: start the notebook's kernel without asking; no news pop-up.
	mkdir -p $(VENV)/share/jupyter/lab/settings
	cp grader/jupyterlab/overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/academy demo

build: $(STAMP)
	$(BIN)/academy build

# Regenerate datasets/ from the seeded generators (same seed, same bytes).
data: $(STAMP)
	$(BIN)/python datasets/generate.py

# Debian's chromium for the browser tests; installed where it is missing (needs root or sudo).
browser:
	@if [ ! -x $(CHROMIUM) ]; then \
	  echo "Installing Debian's chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi

# Debian's PostgreSQL for the Postgres gradebook test (the test starts its own server in /tmp).
postgres:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  echo "Installing Debian's postgresql for the gradebook tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq postgresql >/dev/null; \
	fi

test: $(STAMP) browser postgres
	$(BIN)/python -m pytest -n 2 --dist loadfile

test-fast: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile -m "not browser and not nbgrader" --ignore=tests/notebooks

# The learner works in a copy (LEARNER_DIR), never in the repository: updates keep edited files.
LEARNER_DIR ?= build/learner
lab: $(STAMP)
	$(BIN)/academy workspace --dir $(LEARNER_DIR)
	$(BIN)/jupyter lab --ServerApp.root_dir=$(LEARNER_DIR) --LabApp.extension_manager=readonly \
	  $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

roleplay: $(STAMP)
	$(BIN)/academy roleplay

report: $(STAMP)
	$(BIN)/academy report

# Re-resolve the pinned environment from pyproject.toml (needs the package index).
lock:
	rm -rf build/lockenv && $(PYTHON) -m venv build/lockenv
	build/lockenv/bin/pip install --quiet --upgrade "pip==26.3"
	build/lockenv/bin/pip install --quiet ".[test]"
	{ echo "# Fully pinned environment (pip freeze of a resolved install). Regenerate with 'make lock'."; \
	  build/lockenv/bin/pip freeze --all --exclude call-center-academy --exclude pip; } > requirements.lock

clean:
	rm -rf build .pytest_cache
