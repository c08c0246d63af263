//! The roles of identity pools (SetIdentityPoolRoles, GetIdentityPoolRoles).
//!
//! They are kept here rather than in the resource engine: the engine files
//! them as a record of its own with a generated id, which `record()` cannot
//! find by pool id, and the credentials of every identity depend on them.

use simfra_gen_cognito_identity::types::RoleMapping;
use simfra_store::Scoped;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// What SetIdentityPoolRoles stored for one pool.
#[derive(Debug, Clone, Default)]
pub struct PoolRoles {
    /// `authenticated` / `unauthenticated` → role ARN.
    pub roles: HashMap<String, String>,
    /// Provider name (or `provider:app client id`) → its role mapping.
    pub role_mappings: HashMap<String, RoleMapping>,
}

#[derive(Default)]
struct Book {
    by_pool: Mutex<HashMap<String, PoolRoles>>,
}

fn books() -> &'static Scoped<Book> {
    static BOOKS: OnceLock<Scoped<Book>> = OnceLock::new();
    BOOKS.get_or_init(Scoped::new)
}

pub fn get(account: &str, region: &str, pool_id: &str) -> Option<PoolRoles> {
    let book = books().get(account, region);
    let by_pool = book.by_pool.lock().unwrap_or_else(|e| e.into_inner());
    by_pool.get(pool_id).cloned()
}

/// Replaces the pool's roles and role mappings, as SetIdentityPoolRoles does.
pub fn set(account: &str, region: &str, pool_id: &str, roles: PoolRoles) {
    let book = books().get(account, region);
    let mut by_pool = book.by_pool.lock().unwrap_or_else(|e| e.into_inner());
    by_pool.insert(pool_id.to_string(), roles);
}
