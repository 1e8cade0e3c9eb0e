#!/usr/bin/env bash
# API fuzzing: schemathesis against /openapi.json of a live `answergraph serve` on a fresh,
# temporary copy of the demo KB, with an admin key, so every operation is reachable (writes and
# deletes included: they only touch the copy). Exits non-zero when schemathesis reports any
# failure or the server did not survive the run.
#
#   scripts/api-fuzz.sh [MAX_EXAMPLES]     (default 100 test cases per operation and phase;
#                                          `make api-fuzz` runs 200, `make test` 20)
#
# Environment: ANSWERGRAPH_BIN (default target/debug/answergraph; build it first),
# API_FUZZ_SEED (default 1, so a run can be replayed), API_FUZZ_REPORT (a directory for the
# JUnit report; default target/api-fuzz).
#
# schemathesis comes from PyPI at the version pinned in scripts/api-fuzz-requirements.txt and is
# installed into .venv-api-fuzz/ on first use.
#
# Every schemathesis check runs, in every phase (examples, coverage, fuzzing, stateful);
# scripts/api-fuzz.toml narrows three of them to single routes or statuses, and says why.
# schemathesis keeps the failures it found in .schemathesis/ and replays them first next time.
set -euo pipefail
cd "$(dirname "$0")/.."

MAX_EXAMPLES="${1:-100}"
SEED="${API_FUZZ_SEED:-1}"
BIN="${ANSWERGRAPH_BIN:-target/debug/answergraph}"
REPORT="${API_FUZZ_REPORT:-target/api-fuzz}"
VENV=.venv-api-fuzz
REQUIREMENTS=scripts/api-fuzz-requirements.txt

if [ ! -x "$BIN" ]; then
  echo "api-fuzz: $BIN is missing; run cargo build first" >&2
  exit 2
fi
if [ ! -x "$VENV/bin/st" ] || ! cmp -s "$REQUIREMENTS" "$VENV/requirements.txt"; then
  echo "api-fuzz: installing schemathesis into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$REQUIREMENTS"
  cp "$REQUIREMENTS" "$VENV/requirements.txt"
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/answergraph-api-fuzz-XXXXXX")"
SERVER_PID=""
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

"$BIN" --data-dir "$WORK/data" import kg_data/demo >/dev/null

KEY="api-fuzz-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
ANSWERGRAPH_KEYS="admin:$KEY" "$BIN" --data-dir "$WORK/data" \
  serve --bind 127.0.0.1:0 >"$WORK/stdout" 2>"$WORK/server.log" &
SERVER_PID=$!

BASE=""
for _ in $(seq 1 600); do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "api-fuzz: the server exited before it was ready:" >&2
    cat "$WORK/server.log" >&2
    exit 1
  fi
  if grep -q '^ready: ' "$WORK/stdout"; then
    BASE="$(sed -n 's/^listening on \(http:[^ ]*\).*/\1/p' "$WORK/stdout" | head -n 1)"
    break
  fi
  sleep 0.1
done
if [ -z "$BASE" ]; then
  echo "api-fuzz: the server was not ready within a minute" >&2
  exit 1
fi
echo "api-fuzz: $BASE (demo KB, $MAX_EXAMPLES examples per operation, seed $SEED)"

mkdir -p "$REPORT"
status=0
"$VENV/bin/st" --config-file scripts/api-fuzz.toml run "$BASE/openapi.json" \
  --url "$BASE" \
  --header "Authorization: Bearer $KEY" \
  --max-examples "$MAX_EXAMPLES" \
  --seed "$SEED" \
  --workers 1 \
  --request-timeout 60 \
  --report junit --report-junit-path "$REPORT/junit.xml" \
  || status=$?

if ! kill -0 "$SERVER_PID" 2>/dev/null; then
  echo "api-fuzz: the server died during the run:" >&2
  tail -n 50 "$WORK/server.log" >&2
  exit 1
fi
if grep -q 'handler panicked' "$WORK/server.log"; then
  echo "api-fuzz: a handler panicked:" >&2
  grep 'handler panicked' "$WORK/server.log" | head -n 20 >&2
  status=1
fi
# After all that, the server must still shut down cleanly: finish, flush the store, exit 0.
kill -TERM "$SERVER_PID"
if ! wait "$SERVER_PID"; then
  echo "api-fuzz: the server did not shut down cleanly:" >&2
  tail -n 20 "$WORK/server.log" >&2
  status=1
fi
SERVER_PID=""
exit "$status"
