//! `cargo test -p simfra-protocol-tests`: every server-side Smithy protocol
//! compliance case, with a summary per protocol and kind.
fn main() -> std::process::ExitCode {
    simfra_protocol_tests::run_main()
}
