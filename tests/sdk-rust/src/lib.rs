//! Tests only: see `tests/`. They drive a Simfra server with the official AWS SDK for Rust.
