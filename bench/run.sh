#!/usr/bin/env bash
# `make bench`: release build, then every scenario against Simfra and a bare
# hyper baseline in the same run. Writes target/bench/report.md and report.json.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p simfra -p simfra-bench
# Lambda's scenario runs a function in Docker on the local runtime images.
if command -v docker >/dev/null && docker info >/dev/null 2>&1; then
  bash images/build.sh || echo "simfra-bench: the Lambda images could not be built; the Lambda figures will say why"
  export SIMFRA_LAMBDA_IMAGE_PYTHON3_11=${SIMFRA_LAMBDA_IMAGE_PYTHON3_11:-simfra/lambda-python:3.11}
fi
./target/release/simfra-bench --bin target/release/simfra --out target/bench "$@"
