# Two commands do everything on a fresh Debian 12 machine (as root, or with sudo available); .ci/make
# installs make itself when the machine has none, then runs the target here:
#   .ci/make run    install, migrate, load demo data, serve on http://127.0.0.1:5000
#   .ci/make test   install, run the whole suite on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask
export FLASK_APP := app

# Debian packages: fonts for printed forms (CJK pinned; HanaMin for the rare characters of names, CJK Ext. A/B;
# Noto Color Emoji), HarfBuzz subsetting (without it every PDF embeds the whole 20 MB font and takes ~20 s),
# Pango for WeasyPrint; Chromium, poppler and libatomic1 (which Playwright's bundled Node.js driver needs) for
# tests, qpdf for the PDF structure check, and pg_dump/pg_restore for the backup test on PostgreSQL.
RUN_DEBS := fonts-noto-cjk=1:20220127+repack1-1 fonts-hanazono=20170904-2.1 fonts-noto-color-emoji libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 fontconfig
TEST_DEBS := chromium poppler-utils qpdf libatomic1 postgresql-client-15

.PHONY: run test install install-test system-packages system-packages-test assets translations serve messages

run: install
	$(FLASK) db upgrade
	$(FLASK) demo
	@echo "Frontdesk on http://127.0.0.1:5000 (log-ins above)"
	$(FLASK) run --host 127.0.0.1 --port 5000

# One pytest worker per core (pytest-xdist); PYTEST_ARGS="-n 0" runs in one process.
test: install-test
	$(PY) -m pytest -n auto $(PYTEST_ARGS)
	@if [ -n "$${TEST_DATABASE_URL:-}" ]; then \
	  echo "== again on PostgreSQL ($$TEST_DATABASE_URL)"; \
	  FRONTDESK_TEST_DB=postgresql $(PY) -m pytest -n auto $(PYTEST_ARGS); \
	fi

install: system-packages $(VENV)/.installed assets translations
install-test: system-packages-test $(VENV)/.installed-test assets translations

system-packages:
	@.ci/debs $(RUN_DEBS)

system-packages-test: system-packages
	@.ci/debs $(TEST_DEBS)

$(VENV)/bin/python:
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml requirements.lock | $(VENV)/bin/python
	$(PY) -m pip install -q -c requirements.lock -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml requirements.lock | $(VENV)/bin/python
	$(PY) -m pip install -q -c requirements.lock -e ".[test]"
	touch $@ $(VENV)/.installed

# htmx and axe-core come from the npm registry at the versions and hashes pinned in package-lock.json (no
# Node.js needed). axe-core is for the browser tests' accessibility checks only: no page refers to it.
assets: static/vendor/htmx.min.js static/vendor/axe.min.js
static/vendor/htmx.min.js: package-lock.json
	python3 .ci/npm-fetch htmx.org dist/htmx.min.js $@
static/vendor/axe.min.js: package-lock.json
	python3 .ci/npm-fetch axe-core axe.min.js $@

# The interface's catalogues (繁體 and English; Simplified Chinese is the source), compiled at install time:
# the .po files are kept, the .mo files are built.
CATALOGUES := $(wildcard translations/*/LC_MESSAGES/messages.po)
translations: $(CATALOGUES:.po=.mo)
translations/%.mo: translations/%.po | $(VENV)/.installed
	$(VENV)/bin/pybabel compile --statistics -i $< -o $@

# After changing strings: extract every string marked for translation (_, _l, {{ _() }}), merge it into the
# catalogues, and start each new Traditional string from OpenCC's s2hk plus the trade's corrections
# (translations/hant.py). New entries are fuzzy, and the suite fails until a translator has checked them.
messages: install
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
	  -o translations/messages.pot app.py blueprints models templates
	$(VENV)/bin/pybabel update -i translations/messages.pot -d translations --no-wrap --ignore-obsolete
	$(PY) -m pip install -q -c requirements.lock -e ".[translate]"
	$(PY) translations/hant.py translations/zh_Hant/LC_MESSAGES/messages.po
