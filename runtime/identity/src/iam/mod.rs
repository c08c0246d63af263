//! IAM entities per account: users, groups, roles, customer managed and inline
//! policies, access keys, instance profiles, identity providers … the state
//! the IAM service's API works on. One process-wide store: the IAM service
//! changes it, while authorization and STS read it through the functions
//! below (`user_policies`, `role`, `managed_policy` …).
//!
//! IAM is global: the state is kept per account (region `simfra_store::GLOBAL`).

pub mod model;

pub use model::*;

use simfra_policy::Policy;
use simfra_store::Scoped;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// One account's IAM state.
#[derive(Default)]
pub struct IamState {
    data: RwLock<IamData>,
    /// Access key id → last use. Apart from the entities so that noting a use
    /// (every request) never waits for an IAM write.
    key_use: Mutex<HashMap<String, LastUse>>,
    /// Role key → last use.
    role_use: Mutex<HashMap<String, LastUse>>,
}

impl IamState {
    pub fn read(&self) -> RwLockReadGuard<'_, IamData> {
        self.data.read().unwrap_or_else(|p| p.into_inner())
    }
    pub fn write(&self) -> RwLockWriteGuard<'_, IamData> {
        self.data.write().unwrap_or_else(|p| p.into_inner())
    }
    pub fn key_last_used(&self, access_key_id: &str) -> Option<LastUse> {
        self.key_use.lock().unwrap_or_else(|p| p.into_inner()).get(access_key_id).cloned()
    }
    pub fn role_last_used(&self, role_name: &str) -> Option<LastUse> {
        self.role_use.lock().unwrap_or_else(|p| p.into_inner()).get(&key(role_name)).cloned()
    }
    pub fn forget_key_use(&self, access_key_id: &str) {
        self.key_use.lock().unwrap_or_else(|p| p.into_inner()).remove(access_key_id);
    }
    pub fn forget_role_use(&self, role_name: &str) {
        self.role_use.lock().unwrap_or_else(|p| p.into_inner()).remove(&key(role_name));
    }
}

/// Every account's IAM state.
pub fn store() -> &'static Scoped<IamState> {
    static STORE: OnceLock<Scoped<IamState>> = OnceLock::new();
    STORE.get_or_init(Scoped::new)
}

/// The IAM state of an account.
pub fn state(account: &str) -> Arc<IamState> {
    store().get(account, simfra_store::GLOBAL)
}

/// Records that an IAM user's access key signed a request (GetAccessKeyLastUsed,
/// the credential report). Called by the gateway for each authenticated request.
pub fn note_access_key_used(account: &str, access_key_id: &str, service: &str, region: &str, when: i64) {
    let st = state(account);
    let used = LastUse { when, service: service.to_string(), region: region.to_string() };
    st.key_use.lock().unwrap_or_else(|p| p.into_inner()).insert(access_key_id.to_string(), used);
}

/// Records that a session of a role made a request (the role's `RoleLastUsed`).
pub fn note_role_used(account: &str, role_name: &str, region: &str, when: i64) {
    let st = state(account);
    let used = LastUse { when, service: String::new(), region: region.to_string() };
    st.role_use.lock().unwrap_or_else(|p| p.into_inner()).insert(key(role_name), used);
}

/// The policies that apply to a user or role.
#[derive(Debug, Clone, Default)]
pub struct PrincipalPolicies {
    /// Inline policies (id: the policy name) and attached managed policies
    /// (id: the policy ARN), a user's groups' policies included.
    pub identity: Vec<(String, Arc<Policy>)>,
    /// The permissions boundary (id: its ARN).
    pub boundary: Option<(String, Arc<Policy>)>,
    /// The principal's tags (`aws:PrincipalTag/…`).
    pub tags: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct UserInfo {
    pub name: String,
    pub arn: String,
    pub user_id: String,
    pub path: String,
    pub tags: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct RoleInfo {
    pub name: String,
    pub arn: String,
    pub role_id: String,
    pub path: String,
    pub trust_policy: Arc<Policy>,
    /// Seconds (3600 … 43200).
    pub max_session_duration: i32,
    pub tags: Vec<(String, String)>,
}

/// An IAM entity's ARN (`arn:aws:iam::1:user/division/bob`) as its account,
/// kind (`user`, `role` …) and path with name (`division/bob`); `None` for
/// other ARNs and for accounts that are not twelve digits.
pub fn entity_of_arn(arn: &str) -> Option<(&str, &str, &str)> {
    let mut parts = arn.splitn(6, ':');
    let (_, _, service, _, account, resource) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if service != "iam" || account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (kind, path_name) = resource.split_once('/')?;
    Some((account, kind, path_name))
}

/// A role's ARN (`arn:aws:iam::1:role/path/Name`) as (account, name).
pub fn role_of_arn(arn: &str) -> Option<(&str, &str)> {
    let (account, kind, path_name) = entity_of_arn(arn)?;
    let name = path_name.rsplit('/').next().filter(|n| !n.is_empty())?;
    (kind == "role").then_some((account, name))
}

pub fn user(account: &str, name: &str) -> Option<UserInfo> {
    let st = state(account);
    let d = st.read();
    d.users.get(&key(name)).map(|u| UserInfo {
        name: u.name.clone(),
        arn: u.arn.clone(),
        user_id: u.id.clone(),
        path: u.path.clone(),
        tags: u.tags.0.clone(),
    })
}

pub fn role(account: &str, name: &str) -> Option<RoleInfo> {
    let st = state(account);
    let d = st.read();
    d.roles.get(&key(name)).map(|r| RoleInfo {
        name: r.name.clone(),
        arn: r.arn.clone(),
        role_id: r.id.clone(),
        path: r.path.clone(),
        trust_policy: r.trust.parsed.clone(),
        max_session_duration: r.max_session_duration,
        tags: r.tags.0.clone(),
    })
}

/// A user's inline and attached policies, those of its groups, its boundary and tags.
pub fn user_policies(account: &str, name: &str) -> Option<PrincipalPolicies> {
    let st = state(account);
    let d = st.read();
    let u = d.users.get(&key(name))?;
    Some(PrincipalPolicies { identity: d.user_identity_policies(u), boundary: d.boundary(u.boundary.as_ref()), tags: u.tags.0.clone() })
}

/// A role's inline and attached policies, its boundary and tags.
pub fn role_policies(account: &str, name: &str) -> Option<PrincipalPolicies> {
    let st = state(account);
    let d = st.read();
    let r = d.roles.get(&key(name))?;
    Some(PrincipalPolicies { identity: d.role_identity_policies(r), boundary: d.boundary(r.boundary.as_ref()), tags: r.tags.0.clone() })
}

/// A managed policy's default version, customer managed (of the account the
/// ARN names) or AWS managed.
pub fn managed_policy(account: &str, arn: &str) -> Option<Arc<Policy>> {
    if arn.starts_with("arn:aws:iam::aws:policy/") {
        return crate::managed::parsed(arn);
    }
    let owner = arn.strip_prefix("arn:aws:iam::")?.split(':').next()?;
    let owner = if owner.is_empty() { account } else { owner };
    state(owner).read().managed_document(arn)
}

/// An OIDC identity provider of an account, by its host and path
/// (`token.actions.githubusercontent.com`): its audiences (client ids).
pub fn oidc_provider(account: &str, host: &str) -> Option<OidcProvider> {
    let arn = format!("arn:aws:iam::{account}:oidc-provider/{host}");
    state(account).read().oidc_providers.get(&arn).cloned()
}

/// A SAML identity provider by ARN.
pub fn saml_provider(account: &str, arn: &str) -> Option<SamlProvider> {
    state(account).read().saml_providers.get(arn).cloned()
}

#[cfg(test)]
mod tests;
