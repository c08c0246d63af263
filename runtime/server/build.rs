//! Links `simfra` as a position-dependent executable on Linux.
//!
//! The generated service schemas are ~20 MB of static tables full of pointers.
//! In a PIE every one of those pointers is relocated at start-up, which writes
//! (and so makes resident) the whole table: ~30 MiB of RSS before the first
//! request. Linked non-PIE, the tables stay clean file-backed pages that are
//! only read in when a request touches a service.
fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if os == "linux" && std::env::var_os("SIMFRA_PIE").is_none() {
        println!("cargo:rustc-link-arg-bin=simfra=-no-pie");
    }
    println!("cargo:rerun-if-env-changed=SIMFRA_PIE");
}
