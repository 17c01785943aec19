# One command to run the app with demo data, one to run every test. Both set up what they need.
VENV    ?= .venv
PYTHON  ?= python3
BIN     := $(VENV)/bin
HOST    ?= 0.0.0.0
PORT    ?= 5000
export FLASK_APP := fieldapp

.PHONY: run test install translations extract lint clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/.installed translations

translations: $(BIN)/.installed
	$(BIN)/pybabel compile --statistics -d fieldapp/translations 2>&1 | grep -v '^$$' || true

## Refresh the message catalogue after changing user-facing strings.
extract: $(BIN)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k _l --project fieldapp --version 0.1.0 -o fieldapp/translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i fieldapp/translations/messages.pot -d fieldapp/translations --no-fuzzy-matching --ignore-obsolete

run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo
	@echo "fieldapp on http://localhost:$(PORT)/ (phones on the same network: this machine's address)"
	@echo "worker: runs alongside for mail and photos; without MAIL_SERVER it prints mail here instead of sending"
	BIN=$(BIN) HOST=$(HOST) PORT=$(PORT) bash scripts/run-app.sh

test: install
	bash scripts/run-tests.sh

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache test-artifacts
