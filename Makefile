# The README's commands: `make run` (set up and replay seeds/) and `make test` (set up and test).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= out/seeds
# `make bench`: corpus size for the throughput runs, runs per figure, sizes for the memory curve.
BENCH_SIZE   ?= 25850
BENCH_RUNS   ?= 3
BENCH_MEMORY ?= 10000,25850,50000,100000

.PHONY: install run test lint pubsub-fake browser demo clean bench

install: $(STAMP) pubsub-fake browser

# The Python side: a virtual environment with the package (editable) and its test tools.
$(STAMP): setup.py pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The local Pub/Sub server the tests talk to (Debian's Go and pstest; offline build, idempotent).
# Skipped when PUBSUB_EMULATOR_HOST points at an emulator already running.
pubsub-fake:
	@if [ -n "$$PUBSUB_EMULATOR_HOST" ]; then \
		echo "pubsub: using the emulator at $$PUBSUB_EMULATOR_HOST"; \
	else \
		sh tests/pubsub/build.sh; \
	fi

# The headless browser the report tests drive (Debian's chromium and chromium-driver; idempotent).
browser:
	@sh tests/browser/install.sh

# Live mode end to end with no network: local feeds, the Pub/Sub fake, `run` and `subscribe` side by side.
demo: $(STAMP) pubsub-fake
	$(BIN)/python -m pipeline.demo

run: $(STAMP)
	$(BIN)/crosswire replay seeds --out $(OUT)

test: install
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check pipeline transforms tests bench dataflow
	$(BIN)/ruff format --check pipeline transforms tests bench dataflow
	$(BIN)/mypy pipeline transforms

# Every performance figure of the README in one run (a few minutes at the default sizes):
# NLP floor per stage and replay throughput on the same texts (their ratio is the headline),
# peak memory at BENCH_MEMORY, the stories bench, streaming throughput and latency.
bench: install
	$(BIN)/python -m bench.bench_replay --size $(BENCH_SIZE) --runs $(BENCH_RUNS) --memory-sizes $(BENCH_MEMORY)
	$(BIN)/python bench/bench_stories.py --articles 20000
	$(BIN)/python bench/bench_stream_state.py --live 1000,10000,50000
	$(BIN)/python -m bench.latency --burst 600
	$(BIN)/python -m bench.latency --changes 20 --every 2 --interval 1

clean:
	rm -rf $(VENV) out build .cache .pytest_cache .mypy_cache .ruff_cache *.egg-info
