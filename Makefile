# `make run` starts the service on SQLite with a demo account; `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test check-samples bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/reviewer db upgrade
	$(BIN)/python -m reviewer.demo
	$(BIN)/reviewer serve --host 127.0.0.1 --port 5000

check-samples: $(STAMP)
	$(BIN)/reviewer check demo/drafts/*.txt --fail-on critical

test: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider

bench: $(STAMP)
	$(BIN)/python bench/engine.py

clean:
	rm -rf $(VENV) build dist *.egg-info
