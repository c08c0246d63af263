#!/usr/bin/env bash
# `make bench`: release build, then every scenario against Simfra and a bare
# hyper baseline in the same run. Writes target/bench/report.md and report.json.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p simfra -p simfra-bench
./target/release/simfra-bench --bin target/release/simfra --out target/bench "$@"
