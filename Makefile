# AnswerGraph — the two commands a new machine needs:
#   make run    fetch/verify models, build, import the demo KB when needed, serve it on
#               http://127.0.0.1:8080 with the demo API keys below
#   make test   fetch/verify models, then fmt check, clippy -D warnings and every test
CARGO    ?= cargo
DATA_DIR ?= index
KB       ?= kg_data/demo
BIN      := target/release/answergraph
# Demo API keys for `make run` (see README). Never use these outside a demo.
DEMO_KEYS ?= admin:demo-admin-key,editor:demo-editor-key,reader:demo-reader-key

.PHONY: models build run test fmt lint unit crash-test

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

# A longer crash-safety run than the one in `make test`: kill imports CRASH_ROUNDS times.
CRASH_ROUNDS ?= 200
crash-test: models
	ANSWERGRAPH_CRASH_ROUNDS=$(CRASH_ROUNDS) $(CARGO) test --locked --test it crash:: -- --nocapture
