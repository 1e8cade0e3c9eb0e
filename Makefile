# AnswerGraph — the two commands a new machine needs:
#   make run    fetch/verify models, build, import the demo KB when needed, serve it on
#               http://127.0.0.1:8080 with the demo API keys below
#   make test   fetch/verify models, then fmt check, clippy -D warnings, every cargo test, the
#               console's browser tests (headless Chromium, installed with apt when missing) and
#               a bounded API fuzzing run (schemathesis from PyPI, in .venv-api-fuzz/)
CARGO    ?= cargo
DATA_DIR ?= index
KB       ?= kg_data/demo
BIN      := target/release/answergraph
# Demo API keys for `make run` (see README). Never use these outside a demo.
DEMO_KEYS ?= admin:demo-admin-key,editor:demo-editor-key,reader:demo-reader-key

.PHONY: models build run test fmt lint unit crash-test soak console-deps console-test console-screenshot benchmarks \
        api-fuzz api-fuzz-ci

models:
	@bash scripts/fetch-models.sh models

build:
	$(CARGO) build --release --locked

# Import when the data dir has no store yet or the demo KB changed since the last import.
run: models build
	@if [ ! -d "$(DATA_DIR)/db" ] || [ ! -f "$(DATA_DIR)/.demo-imported" ] || \
	   [ -n "$$(find $(KB) -newer $(DATA_DIR)/.demo-imported -print -quit)" ]; then \
	  $(BIN) --data-dir $(DATA_DIR) import $(KB) && touch $(DATA_DIR)/.demo-imported; \
	fi
	ANSWERGRAPH_KEYS=$(DEMO_KEYS) $(BIN) --data-dir $(DATA_DIR) serve

fmt:
	$(CARGO) fmt --all -- --check

lint:
	$(CARGO) clippy --locked --all-targets -- -D warnings

test: models fmt lint
	$(CARGO) test --locked --all-targets
	$(MAKE) console-test
	$(MAKE) api-fuzz-ci

# The console's end-to-end tests: Debian's chromium (installed when missing; Playwright never
# downloads a browser) driven by playwright-core against the debug binary on port 0.
CHROMIUM ?= /usr/bin/chromium
SUDO     := $(if $(filter 0,$(shell id -u)),,sudo)

console-deps:
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  echo "installing Debian's chromium for the console tests"; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -q && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	    chromium fonts-wqy-zenhei; \
	fi
	npm ci --prefix console/tests --no-audit --no-fund

console-test: models console-deps
	$(CARGO) build --locked
	CHROMIUM=$(CHROMIUM) node console/tests/e2e.mjs

# Runs the browser tests and keeps their full-page screenshot as the README's picture.
console-screenshot: models console-deps
	$(CARGO) build --locked
	CHROMIUM=$(CHROMIUM) CONSOLE_SCREENSHOT=docs/console.png node console/tests/e2e.mjs

# A longer crash-safety run than the one in `make test`: kill imports CRASH_ROUNDS times and a
# server taking HTTP writes CRASH_HTTP_ROUNDS times (CRASH_SEED=… replays a run's choices).
CRASH_ROUNDS      ?= 200
CRASH_HTTP_ROUNDS ?= 100
crash-test: models
	ANSWERGRAPH_CRASH_ROUNDS=$(CRASH_ROUNDS) ANSWERGRAPH_CRASH_HTTP_ROUNDS=$(CRASH_HTTP_ROUNDS) \
	  $(if $(CRASH_SEED),ANSWERGRAPH_CRASH_SEED=$(CRASH_SEED)) \
	  $(CARGO) test --locked --test it crash:: -- --nocapture

# Soak: SOAK_SECONDS of answers at SOAK_RATE req/s plus editor writes against the release server
# on a fresh import of the demo KB, memory sampled throughout. Fails on any error, below
# 200 answers/s, or on memory growing more than 10% after warm-up. `make test` runs 30 seconds
# of it on the debug build. Run it on a quiet machine: it measures throughput.
SOAK_SECONDS ?= 600
SOAK_RATE    ?= 250
soak: models build
	python3 scripts/soak.py --seconds $(SOAK_SECONDS) --rate $(SOAK_RATE)

# Reproduce BENCHMARKS.md (release build; SIZES=demo,10k,100k for the big one). Run it on an
# idle machine: it measures wall-clock time.
SIZES ?= demo,10k
benchmarks: models build
	python3 scripts/benchmarks.py --sizes $(SIZES) --out bench-results.json

# API fuzzing: schemathesis (pinned in scripts/api-fuzz-requirements.txt, installed into
# .venv-api-fuzz/) against /openapi.json of the debug server on a fresh copy of the demo KB, every
# check on (scripts/api-fuzz.toml says which three are narrowed, and why). `api-fuzz` is the full
# run (API_FUZZ_EXAMPLES test cases per operation and phase, API_FUZZ_SEED to vary it);
# `api-fuzz-ci`, which `make test` runs, a bounded one of about 20 seconds.
API_FUZZ_EXAMPLES ?= 200
api-fuzz: models
	$(CARGO) build --locked
	bash scripts/api-fuzz.sh $(API_FUZZ_EXAMPLES)

api-fuzz-ci: models
	$(CARGO) build --locked
	bash scripts/api-fuzz.sh 20
