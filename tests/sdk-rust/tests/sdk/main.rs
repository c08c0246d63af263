//! The official AWS SDK for Rust against a Simfra server: requests it signs
//! (SigV4 headers, presigned URLs, signed aws-chunked streaming uploads with
//! checksum trailers) are accepted, and the same requests altered after
//! signing are refused the way AWS refuses them.
//!
//! Each test starts its own server from the built binary (`$SIMFRA_BIN`, else
//! `target/debug/simfra`); build it first with `cargo build -p simfra`.

mod common;
mod interceptors;
mod presign;
mod s3;
mod streaming;
mod sts;
mod tamper;
