//! Identity: the state every layer consults to know who a caller is and what
//! they may do.
//!
//! - `accounts`: the AWS accounts and their root keys.
//! - `credentials`: access keys (root, IAM users', STS sessions') → principal.
//! - `iam`: IAM entities per account (users, groups, roles, policies …), the
//!   state the IAM service's API works on and authorization reads.
//! - `managed`: the AWS managed policies, with their real documents.
//! - `actions`: which IAM action(s) and resource ARN(s) an operation needs.
//! - `organizations`: the service control policies over each account.
//! - `authorize`: gathers the policies that apply to a request and evaluates
//!   them with `simfra-policy`.
//!
//! One process-wide instance of each store, like `simfra_audit::log()`: the
//! gateway, IAM and STS all see the same keys and entities.

pub mod credentials;

pub use credentials::{credentials, Credential, Credentials, PrincipalKind};
pub mod accounts;
pub mod actions;
pub mod authorize;
mod by_service;
pub mod iam;
pub mod ids;
pub mod managed;
pub mod organizations;
