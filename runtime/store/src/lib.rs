//! State is scoped the way AWS scopes it: by account and region, or by account
//! alone for global services (IAM, Route 53, CloudFront…). A provider keeps
//! one `Scoped<State>` and asks it for the state of the caller's scope; each
//! state value guards its own data.

pub mod pages;

use simfra_model::RequestContext;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock, Weak};

/// The region key used by global services.
pub const GLOBAL: &str = "";

pub struct Scoped<T> {
    inner: Arc<ScopeMap<T>>,
}

type ScopeMap<T> = RwLock<HashMap<(String, String), Arc<T>>>;

/// Something holding per-account state that an account reset must clear.
trait AccountScoped: Send + Sync {
    fn remove_account(&self, account: &str);
}

impl<T: Send + Sync> AccountScoped for ScopeMap<T> {
    fn remove_account(&self, account: &str) {
        self.write().unwrap_or_else(|e| e.into_inner()).retain(|(a, _), _| a != account);
    }
}

/// Every `Scoped` store of the process, so that `/_simfra/accounts/{id}/reset`
/// reaches all services' state without each service wiring itself up.
static ALL_STORES: Mutex<Vec<Weak<dyn AccountScoped>>> = Mutex::new(Vec::new());

/// Drops the state of an account in every store (account reset or delete).
pub fn reset_account(account: &str) {
    let mut stores = ALL_STORES.lock().unwrap_or_else(|e| e.into_inner());
    stores.retain(|w| match w.upgrade() {
        Some(s) => {
            s.remove_account(account);
            true
        }
        None => false,
    });
}

impl<T: Send + Sync + 'static> Default for Scoped<T> {
    fn default() -> Self {
        let inner: Arc<ScopeMap<T>> = Arc::new(RwLock::new(HashMap::new()));
        let as_dyn: Arc<dyn AccountScoped> = inner.clone();
        ALL_STORES.lock().unwrap_or_else(|e| e.into_inner()).push(Arc::downgrade(&as_dyn));
        Scoped { inner }
    }
}

impl<T: Default + Send + Sync + 'static> Scoped<T> {
    pub fn new() -> Self {
        Self::default()
    }

    /// The state of (account, region), created empty on first use.
    pub fn get(&self, account: &str, region: &str) -> Arc<T> {
        if let Some(s) = self.inner.read().unwrap_or_else(|e| e.into_inner()).get(&(account.to_string(), region.to_string())) {
            return s.clone();
        }
        self.inner
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .entry((account.to_string(), region.to_string()))
            .or_default()
            .clone()
    }

    /// The caller's regional state.
    pub fn regional(&self, ctx: &RequestContext) -> Arc<T> {
        self.get(&ctx.account_id, &ctx.region)
    }

    /// The caller's account-wide state (global services).
    pub fn global(&self, ctx: &RequestContext) -> Arc<T> {
        self.get(&ctx.account_id, GLOBAL)
    }

    /// Every scope that exists, e.g. for background workers.
    pub fn all(&self) -> Vec<((String, String), Arc<T>)> {
        self.inner.read().unwrap_or_else(|e| e.into_inner()).iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    }

    /// Drops every scope of an account (account reset/delete).
    pub fn remove_account(&self, account: &str) {
        self.inner.remove_account(account);
    }
}

/// `arn:aws:<service>:<region>:<account>:<resource>`
pub fn arn(service: &str, region: &str, account: &str, resource: &str) -> String {
    format!("arn:aws:{service}:{region}:{account}:{resource}")
}
