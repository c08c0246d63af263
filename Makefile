# Simfra: a local AWS cloud. See README.md.
SHELL := /bin/bash
export SIMFRA_MODELS_DIR ?= $(abspath ../shared/aws-models)

.PHONY: generate generate-check build run test bench coverage images

## Regenerate generated/ from the pinned models (../shared/aws-models).
generate:
	cargo run -q --release -p simfra-codegen -- generate

## Fail if generated/ differs from what the pinned models produce.
generate-check:
	cargo run -q --release -p simfra-codegen -- generate --check

build:
	cargo build --release -p simfra

## The server in the foreground on SIMFRA_PORT (default 4599).
run:
	cargo run --release -p simfra

## Rewrite the README's coverage table and COVERAGE.md from what the server serves.
coverage:
	cargo run -q -p simfra -- coverage

## Local Lambda runtime images (Python 3.11, Node.js 18, provided) built from
## Debian packages: no image registry needed. Skips images that are up to date.
images:
	bash images/build.sh

## Everything: unit tests, protocol conformance, end-to-end tests with real clients.
test:
	bash tests/run.sh

bench:
	bash bench/run.sh
