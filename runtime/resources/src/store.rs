//! The engine's records: per account and region (per account for global
//! services), per service, in creation order.

use crate::node::Node;
use simfra_model::Timestamp;
use simfra_store::Scoped;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

/// Where a resource is in its lifecycle; its status field is read from this.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Creating,
    Active,
    Stopped,
    Disabled,
    Cancelled,
    Deleting,
    /// A run Simfra recorded but does not carry out.
    NotRun,
}

#[derive(Debug, Clone)]
pub struct Record {
    /// Index of its type in the service's catalog.
    pub ty: usize,
    /// The fields it was written with (control members such as tokens left out).
    pub fields: Node,
    /// The name the caller gave it, if any.
    pub name: Option<String>,
    pub id: String,
    pub arn: String,
    pub tags: Vec<(String, String)>,
    pub created: Timestamp,
    pub updated: Timestamp,
    pub phase: Phase,
    /// The idempotency token it was created with.
    pub client_token: Option<String>,
}

impl Record {
    /// Whether `v` names this record (its name, id or ARN).
    pub fn is_named(&self, v: &str) -> bool {
        self.name.as_deref() == Some(v) || self.id == v || self.arn == v
    }
}

/// One service's records in one scope, by sequence number (creation order).
pub type Records = BTreeMap<u64, Record>;

#[derive(Default)]
pub struct ScopeState {
    pub services: Mutex<HashMap<&'static str, Records>>,
}

fn scopes() -> &'static Scoped<ScopeState> {
    static S: OnceLock<Scoped<ScopeState>> = OnceLock::new();
    S.get_or_init(Scoped::new)
}

static SEQ: AtomicU64 = AtomicU64::new(1);

pub fn next_seq() -> u64 {
    SEQ.fetch_add(1, Ordering::Relaxed)
}

/// Runs `f` on a service's records in (account, region).
pub fn with_records<R>(account: &str, region: &str, service: &'static str, f: impl FnOnce(&mut Records) -> R) -> R {
    let scope = scopes().get(account, region);
    let mut services = scope.services.lock().unwrap_or_else(|e| e.into_inner());
    f(services.entry(service).or_default())
}

/// One resource as the Resource Groups Tagging API sees it.
#[derive(Debug, Clone)]
pub struct TaggedResource {
    pub region: String,
    pub service: &'static str,
    pub arn: String,
    pub tags: Vec<(String, String)>,
}

/// Every record of an account (all regions and global scopes), ordered by
/// ARN, for the Resource Groups Tagging API.
pub fn tagged(account: &str) -> Vec<TaggedResource> {
    let mut out = Vec::new();
    for ((acct, region), scope) in scopes().all() {
        if acct != account {
            continue;
        }
        let services = scope.services.lock().unwrap_or_else(|e| e.into_inner());
        for (service, records) in services.iter() {
            for r in records.values() {
                out.push(TaggedResource { region: region.clone(), service, arn: r.arn.clone(), tags: r.tags.clone() });
            }
        }
    }
    out.sort_by(|a, b| a.arn.cmp(&b.arn));
    out
}

/// Adds and removes tags of the record with this ARN, wherever in the
/// account it is; false when no record has it.
pub fn retag(account: &str, arn: &str, add: &[(String, String)], remove: &[String]) -> bool {
    for ((acct, _), scope) in scopes().all() {
        if acct != account {
            continue;
        }
        let mut services = scope.services.lock().unwrap_or_else(|e| e.into_inner());
        for records in services.values_mut() {
            if let Some(r) = records.values_mut().find(|r| r.arn == arn) {
                for (k, v) in add {
                    match r.tags.iter_mut().find(|(x, _)| x == k) {
                        Some(slot) => slot.1 = v.clone(),
                        None => r.tags.push((k.clone(), v.clone())),
                    }
                }
                r.tags.retain(|(k, _)| !remove.contains(k));
                return true;
            }
        }
    }
    false
}

/// A record as a hand-written service sees it.
#[derive(Debug, Clone)]
pub struct RecordView {
    pub id: String,
    pub arn: String,
    pub name: Option<String>,
    pub tags: Vec<(String, String)>,
    /// The fields it was written with, by member name.
    pub fields: serde_json::Value,
}

/// The record of resource type `noun` (as the engine names it, e.g.
/// `IdentityPool`) that `key` names (its name, id or ARN), in a service's
/// (account, region) scope: how hand-written services read what the engine
/// keeps for the operations they do not specialize.
pub fn record(account: &str, region: &str, service: &'static str, noun: &str, key: &str) -> Option<RecordView> {
    let catalog = crate::catalog_of(service)?;
    let ty = catalog.types.iter().position(|t| t.noun == noun)?;
    with_records(account, region, service, |records| {
        records.values().find(|r| r.ty == ty && r.is_named(key)).map(|r| RecordView {
            id: r.id.clone(),
            arn: r.arn.clone(),
            name: r.name.clone(),
            tags: r.tags.clone(),
            fields: crate::node::to_json(&r.fields),
        })
    })
}
