# BOA: `make run` serves the demo on :8000, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test test-fast install install-test browser lint migrate clean messages screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

run: install
	$(BIN)/boa serve --demo --port $(PORT)

test: install-test
	$(BIN)/python -m pytest -q -n 2 --dist loadfile -p no:cacheprovider

# Re-extract the admin pages' messages and merge them into the Danish and English catalogues
# (admin_ui/locales/*/LC_MESSAGES/messages.po); then translate the new Danish entries.
messages: install-test
	$(BIN)/pybabel extract -F babel.cfg --no-location --sort-output --project BOA --version 1.0 --copyright-holder BOA -w 110 \
		-o admin_ui/locales/messages.pot .
	$(BIN)/pybabel update -i admin_ui/locales/messages.pot -d admin_ui/locales -N -w 110 --ignore-obsolete

# Run the browser tests and refresh the screenshots in docs/screenshots/ (1280x800).
screenshots: install-test
	BOA_SCREENSHOTS=refresh $(BIN)/python -m pytest -q -p no:cacheprovider tests/browser

# The house's checks: style, the import contract (layers, no back-arrows), the type checker.
lint: install-test
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

clean:
	rm -rf $(VENV) var
