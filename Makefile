# Call Center Academy. `make demo` and `make test` are all a new user needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CHROMIUM ?= /usr/bin/chromium

.PHONY: catalogs help demo test test-fast lab build data roleplay report browser sandbox pdftools lock clean postgres hub hub-deps

help:
	@echo "make demo      build exercises, grade a synthetic cohort of 24 with nbgrader, summarise"
	@echo "make test      the full test suite (what CI runs)"
	@echo "make lab       JupyterLab on a learner's copy of the course (LEARNER_DIR=build/learner)"
	@echo "make build     regenerate exercises/ from solutions/"
	@echo "make hub       JupyterHub for a cohort on this machine (root; HUB_DIR=/srv/academy HUB_PORT=8000)"

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

demo: $(STAMP) sandbox
	$(BIN)/academy demo

build: $(STAMP)
	$(BIN)/academy build

# Regenerate datasets/ from the seeded generators (same seed, same bytes).
data: $(STAMP)
	$(BIN)/python datasets/generate.py

# Debian's chromium for the browser tests, and Noto CJK so Chinese renders as glyphs, not empty
# boxes; installed where they are missing (needs root or sudo).
EMOJI_FONT := /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf
CJK_FONT := /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
browser:
	@if [ ! -x $(CHROMIUM) ] || [ ! -e $(CJK_FONT) ] || [ ! -e $(EMOJI_FONT) ]; then \
	  echo "Installing Debian's chromium, fonts-noto-cjk and fonts-noto-color-emoji for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-cjk fonts-noto-color-emoji >/dev/null; \
	fi

# Debian's bubblewrap: every submission is graded in its own sandbox (see README, Security model).
sandbox:
	@if ! command -v bwrap >/dev/null 2>&1; then \
	  echo "Installing Debian's bubblewrap for sandboxed grading"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq bubblewrap >/dev/null; \
	fi

# poppler-utils (pdftoppm, pdftotext) to check rendered certificates; a CJK font for names in Chinese.
pdftools:
	@if [ ! -x /usr/bin/pdftoppm ] || [ ! -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ]; then \
	  echo "Installing poppler-utils and a CJK font for the certificate tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq poppler-utils fonts-wqy-microhei >/dev/null; \
	fi

# Debian's PostgreSQL for the Postgres gradebook test (the test starts its own server in /tmp).
postgres:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  echo "Installing Debian's postgresql for the gradebook tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq postgresql >/dev/null; \
	fi

test: $(STAMP) browser sandbox pdftools postgres hub-deps
	$(BIN)/python -m pytest -n 2 --dist loadfile

test-fast: $(STAMP) sandbox
	$(BIN)/python -m pytest -n 2 --dist loadfile -m "not browser and not nbgrader" --ignore=tests/notebooks

# The learner works in a copy (LEARNER_DIR), never in the repository: updates keep edited files.
# `make lab LANG=zh-CN` (or a zh_CN locale) opens the Chinese course in a Chinese JupyterLab.
EDITION := $(if $(filter zh%,$(LANG)),zh-CN,en)
LEARNER_DIR ?= $(if $(filter zh-CN,$(EDITION)),build/learner-zh-CN,build/learner)
lab: $(STAMP)
	$(BIN)/academy lab --dir $(LEARNER_DIR) --lang $(EDITION)

# JupyterHub for a real cohort on this machine (needs root): the proxy from deploy/hub's lock file.
HUB_DIR ?= /srv/academy
HUB_PORT ?= 8000
PROXY_STAMP := deploy/hub/node_modules/.installed
$(PROXY_STAMP): deploy/hub/package-lock.json
	@command -v npm >/dev/null || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nodejs npm >/dev/null; }
	cd deploy/hub && npm ci --no-audit --no-fund --loglevel=error
	touch $(PROXY_STAMP)

# The hub's servers run as the learners' accounts, so the hub's environment (same lock, same
# packages) needs a Python every account may run: .venv's own if it can, else a copy of that
# interpreter in build/hub-python (deploy/hub/hub-python.sh; e.g. when it lives under /root).
HUB_VENV   := build/hub-venv
HUB_STAMP  := $(HUB_VENV)/.installed
$(HUB_STAMP): $(STAMP) requirements.lock pyproject.toml grader/jupyterlab/overrides.json deploy/hub/hub-python.sh
	test -d $(HUB_VENV) || $$(sh deploy/hub/hub-python.sh $(BIN)/python build/hub-python) -m venv $(HUB_VENV)
	$(HUB_VENV)/bin/python -m pip install --quiet --upgrade "pip==26.3"
	$(HUB_VENV)/bin/python -m pip install --quiet --no-deps -r requirements.lock
	$(HUB_VENV)/bin/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(HUB_VENV)/bin/python -m pip check
	mkdir -p $(HUB_VENV)/share/jupyter/lab/settings
	cp grader/jupyterlab/overrides.json $(HUB_VENV)/share/jupyter/lab/settings/overrides.json
	chmod -R a+rX $(HUB_VENV)
	touch $(HUB_STAMP)

hub-deps: $(STAMP) $(PROXY_STAMP) $(HUB_STAMP)

hub: hub-deps
	$(HUB_VENV)/bin/academy hub start --dir $(HUB_DIR) --port $(HUB_PORT)

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

# gettext catalogs (Babel): extract marked messages, merge them into zh_CN, compile. A test fails
# on any message without a translation, a fuzzy one, or an .mo older than its .po.
LOCALES := grader/locale
catalogs: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _ -k N_ -k ngettext:1,2 --no-location --sort-output \
	  --omit-header --no-wrap -o $(LOCALES)/academy.pot grader
	$(BIN)/pybabel update -D academy -i $(LOCALES)/academy.pot -d $(LOCALES) -l zh_CN --init-missing \
	  --ignore-pot-creation-date --ignore-obsolete --no-wrap
	$(BIN)/pybabel compile --statistics -D academy -d $(LOCALES)

clean:
	rm -rf build .pytest_cache
