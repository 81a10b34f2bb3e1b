# The README's commands: `make run` (set up and replay seeds/) and `make test` (set up and test).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= out/seeds

.PHONY: install run test lint clean

install: $(STAMP)

$(STAMP): setup.py pyproject.toml tests/pubsub/build.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	bash tests/pubsub/build.sh
	touch $(STAMP)

run: install
	$(BIN)/crosswire replay seeds --out $(OUT)

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check pipeline transforms tests bench
	$(BIN)/ruff format --check pipeline transforms tests bench
	$(BIN)/mypy pipeline transforms

clean:
	rm -rf $(VENV) out build .cache .pytest_cache .mypy_cache .ruff_cache *.egg-info
