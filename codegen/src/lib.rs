//! Simfra's code generator as a library: loads Smithy models (JSON AST, and
//! IDL 2.0 for the protocol-test models), builds service schemas, and writes
//! the generated crates.

pub mod emit;
pub mod idl;
pub mod model;
pub mod pins;
pub mod schema;
