//! Lambda's state, per account and region: functions (their `$LATEST`,
//! published versions, aliases, resource policy, tags and settings), layers
//! and event source mappings. One process-wide store, so IAM (resource
//! policies), the container control API (cross-service invokes) and the
//! pollers reach it without a handle on the service.

use crate::names::FunctionRef;
use serde_json::Value as Json;
use simfra_gen_lambda::types::*;
use simfra_model::{Bytes, ServiceError};
use simfra_store::Scoped;
use std::collections::BTreeMap;
use std::sync::atomic::AtomicI64;
use std::sync::{Arc, Mutex, MutexGuard};

/// A function's deployment package.
#[derive(Debug)]
pub struct Code {
    /// The .zip as uploaded (`PackageType: Zip`).
    pub zip: Option<Bytes>,
    /// `PackageType: Image`.
    pub image_uri: Option<String>,
    /// base64(SHA-256) of the zip, or of the image reference.
    pub sha256: String,
    pub size: i64,
}

/// `$LATEST` or a published version: its configuration and code.
#[derive(Debug, Clone)]
pub struct Version {
    pub config: FunctionConfiguration,
    pub code: Arc<Code>,
}

#[derive(Debug)]
pub struct Function {
    pub latest: Version,
    /// Published versions by number.
    pub versions: BTreeMap<u64, Version>,
    pub last_version: u64,
    /// `$LATEST`'s revision when it was last published (publishing it unchanged answers that version).
    pub published_revision: Option<String>,
    pub aliases: BTreeMap<String, AliasConfiguration>,
    /// Resource-policy statements by qualifier ("" for the function itself).
    pub policies: BTreeMap<String, Vec<Json>>,
    pub policy_revisions: BTreeMap<String, String>,
    pub tags: BTreeMap<String, String>,
    pub reserved_concurrency: Option<i32>,
    /// Provisioned concurrency by qualifier.
    pub provisioned: BTreeMap<String, Provisioned>,
    pub invoke_configs: BTreeMap<String, FunctionEventInvokeConfig>,
    pub url_configs: BTreeMap<String, FunctionUrlConfig>,
    pub code_signing_config_arn: Option<String>,
    pub recursion: RecursiveLoop,
    pub runtime_management: BTreeMap<String, (UpdateRuntimeOn, Option<String>)>,
    /// Executions running now, across versions (reserved concurrency counts them).
    pub in_flight: Arc<AtomicI64>,
}

impl Function {
    pub fn new(latest: Version) -> Self {
        Function {
            latest,
            versions: BTreeMap::new(),
            last_version: 0,
            published_revision: None,
            aliases: BTreeMap::new(),
            policies: BTreeMap::new(),
            policy_revisions: BTreeMap::new(),
            tags: BTreeMap::new(),
            reserved_concurrency: None,
            provisioned: BTreeMap::new(),
            invoke_configs: BTreeMap::new(),
            url_configs: BTreeMap::new(),
            code_signing_config_arn: None,
            recursion: RecursiveLoop::Terminate,
            runtime_management: BTreeMap::new(),
            in_flight: Arc::new(AtomicI64::new(0)),
        }
    }

    /// The version a qualifier names (`None` = `$LATEST`); aliases resolve
    /// to their primary version.
    pub fn version(&self, qualifier: Option<&str>) -> Option<&Version> {
        match qualifier {
            None | Some("$LATEST") => Some(&self.latest),
            Some(q) if crate::names::is_version(q) => self.versions.get(&q.parse().ok()?),
            Some(alias) => {
                let v = self.aliases.get(alias)?.function_version.as_deref()?;
                self.version(Some(v))
            }
        }
    }

    /// Whether `qualifier` names something that exists (version or alias).
    pub fn has_qualifier(&self, qualifier: Option<&str>) -> bool {
        match qualifier {
            None | Some("$LATEST") => true,
            Some(q) if crate::names::is_version(q) => q.parse().ok().is_some_and(|n| self.versions.contains_key(&n)),
            Some(alias) => self.aliases.contains_key(alias),
        }
    }
}

/// A provisioned concurrency configuration and how its allocation went.
#[derive(Debug, Clone)]
pub struct Provisioned {
    pub requested: i32,
    pub allocated: i32,
    pub status: ProvisionedConcurrencyStatusEnum,
    pub reason: Option<String>,
    pub modified: String,
    /// Tells a superseded allocation apart from the current one.
    pub generation: u64,
}

/// A published layer version.
#[derive(Debug, Clone)]
pub struct LayerVersion {
    pub info: GetLayerVersionResponse,
    pub zip: Bytes,
    pub policy: Vec<Json>,
    pub policy_revision: String,
}

#[derive(Debug, Default)]
pub struct LayerVersions {
    pub versions: BTreeMap<i64, LayerVersion>,
    pub last: i64,
}

#[derive(Default)]
pub struct Region {
    pub functions: Mutex<BTreeMap<String, Function>>,
    pub layers: Mutex<BTreeMap<String, LayerVersions>>,
}

impl Region {
    pub fn functions(&self) -> MutexGuard<'_, BTreeMap<String, Function>> {
        self.functions.lock().unwrap_or_else(|e| e.into_inner())
    }
    pub fn layers(&self) -> MutexGuard<'_, BTreeMap<String, LayerVersions>> {
        self.layers.lock().unwrap_or_else(|e| e.into_inner())
    }
}

pub fn state() -> &'static Scoped<Region> {
    static STATE: std::sync::OnceLock<Scoped<Region>> = std::sync::OnceLock::new();
    STATE.get_or_init(Scoped::new)
}

pub fn region_of(f: &FunctionRef) -> Arc<Region> {
    state().get(&f.account, &f.region)
}

/// Runs `op` on the function `f` names (404 when there is none).
pub fn with_function<T>(f: &FunctionRef, op: impl FnOnce(&mut Function) -> Result<T, ServiceError>) -> Result<T, ServiceError> {
    let region = region_of(f);
    let mut functions = region.functions();
    let function = functions.get_mut(&f.name).ok_or_else(|| crate::errors::function_not_found(&f.arn()))?;
    op(function)
}
