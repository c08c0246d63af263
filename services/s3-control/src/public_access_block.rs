//! The account's Block Public Access settings (`PutPublicAccessBlock` on
//! S3 Control): one configuration per account, whatever region the request
//! went to. S3 reads it through [`account_public_access_block`].

use simfra_gen_s3_control::types::{NoSuchPublicAccessBlockConfiguration, PublicAccessBlockConfiguration};
use simfra_model::{RequestContext, ServiceError};
use simfra_store::Scoped;
use std::sync::{Mutex, OnceLock};

/// BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets.
pub type Settings = (bool, bool, bool, bool);

#[derive(Default)]
pub(crate) struct AccountWide {
    settings: Mutex<Option<Settings>>,
}

fn state() -> &'static Scoped<AccountWide> {
    static STATE: OnceLock<Scoped<AccountWide>> = OnceLock::new();
    STATE.get_or_init(Scoped::new)
}

/// The account's public access block, if one is set: (BlockPublicAcls,
/// IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets).
pub fn account_public_access_block(account: &str) -> Option<Settings> {
    let scope = state().all().into_iter().find(|((a, _), _)| a == account)?.1;
    let settings = *scope.settings.lock().unwrap_or_else(|e| e.into_inner());
    settings
}

/// A configuration's four flags; those left out are `false`, as AWS stores them.
pub(crate) fn settings_of(c: &PublicAccessBlockConfiguration) -> Settings {
    (
        c.block_public_acls.unwrap_or(false),
        c.ignore_public_acls.unwrap_or(false),
        c.block_public_policy.unwrap_or(false),
        c.restrict_public_buckets.unwrap_or(false),
    )
}

pub(crate) fn configuration_of(s: Settings) -> PublicAccessBlockConfiguration {
    PublicAccessBlockConfiguration {
        block_public_acls: Some(s.0),
        ignore_public_acls: Some(s.1),
        block_public_policy: Some(s.2),
        restrict_public_buckets: Some(s.3),
    }
}

pub(crate) fn put(ctx: &RequestContext, c: &PublicAccessBlockConfiguration) {
    *state().get(&ctx.account_id, simfra_store::GLOBAL).settings.lock().unwrap_or_else(|e| e.into_inner()) = Some(settings_of(c));
}

pub(crate) fn get(ctx: &RequestContext) -> Result<PublicAccessBlockConfiguration, ServiceError> {
    let settings = *state().get(&ctx.account_id, simfra_store::GLOBAL).settings.lock().unwrap_or_else(|e| e.into_inner());
    settings.map(configuration_of).ok_or_else(|| {
        let mut e: ServiceError = NoSuchPublicAccessBlockConfiguration { message: None }.into();
        e.message = Some("The public access block configuration was not found".into());
        e
    })
}

/// Deleting a configuration that is not there succeeds, as on AWS.
pub(crate) fn delete(ctx: &RequestContext) {
    *state().get(&ctx.account_id, simfra_store::GLOBAL).settings.lock().unwrap_or_else(|e| e.into_inner()) = None;
}
