#!/usr/bin/env bash
# The whole test suite, as `make test` and CI run it:
#   1. generated/ matches the pinned models (when ../shared/aws-models is present);
#   2. Rust tests: unit tests and the Smithy protocol conformance runner;
#   3. end-to-end tests with real clients (boto3, AWS CLI) against the server binary.
# Prints the protocol-test pass counts and the routing-sweep figure at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
mkdir -p target/e2e target/protocol-tests
SUMMARY=target/test-summary.txt
: > "$SUMMARY"
status=0

step() { echo; echo "=== $* ==="; }

if [ -d "${SIMFRA_MODELS_DIR:-../shared/aws-models}" ]; then
  step "generated/ is up to date"
  cargo run -q -p simfra-codegen -- generate --check
else
  echo "skipping the generate check: no models directory"
fi

step "build"
cargo build -p simfra

step "README coverage table and COVERAGE.md are up to date"
target/debug/simfra coverage --check || status=1

step "Rust tests (unit + Smithy protocol conformance)"
cargo test --workspace --exclude 'simfra-gen-*' 2>&1 | tee target/cargo-test.log || status=1
grep -E '^(PROTOCOL TESTS|  [a-zA-Z0-9_]+ +[a-zA-Z]+ +[0-9]+/[0-9]+)' target/cargo-test.log >> "$SUMMARY" || true

step "end-to-end tests (boto3, AWS CLI)"
VENV=tests/.venv
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
"$VENV/bin/pip" install -q --disable-pip-version-check -r tests/e2e/requirements.txt
export SIMFRA_BIN="$ROOT/target/debug/simfra"
export PATH="$ROOT/$VENV/bin:$PATH"
"$VENV/bin/python" -m pytest tests/e2e -q -p no:cacheprovider 2>&1 | tee target/e2e/pytest.log || status=1
grep -E '^ROUTING SWEEP' target/e2e/pytest.log >> "$SUMMARY" || true

step "summary"
cat "$SUMMARY"
exit $status
