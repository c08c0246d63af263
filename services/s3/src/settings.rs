//! Bucket configurations other than access control: tagging, default
//! encryption, lifecycle (with its background worker in `lifecycle`),
//! event notifications (delivery in `crate::notify`), logging, request
//! payment, transfer acceleration, replication (new versions copied live in
//! `replication`), and the per-id inventory, analytics, metrics and
//! Intelligent-Tiering configurations.
//!
//! Each is validated as S3 validates it, stored on the bucket
//! (`BucketConfig`) and answered back as it was put.

mod lifecycle;
mod replication;

pub(crate) use lifecycle::start_worker;
pub(crate) use replication::replicate;

use crate::errors::*;
use crate::store::{Bucket, BucketConfig, Versioning};
use crate::S3;
use simfra_gen_s3::types::*;
use simfra_gen_s3::*;
use simfra_model::{RequestContext, ServiceError};
use std::collections::BTreeMap;

/// Operations this module serves (listed in `S3Api::implemented`).
pub(crate) const SERVED: &[&str] = &[
    "DeleteBucketAnalyticsConfiguration",
    "DeleteBucketEncryption",
    "DeleteBucketIntelligentTieringConfiguration",
    "DeleteBucketInventoryConfiguration",
    "DeleteBucketLifecycle",
    "DeleteBucketMetricsConfiguration",
    "DeleteBucketReplication",
    "DeleteBucketTagging",
    "GetBucketAccelerateConfiguration",
    "GetBucketAnalyticsConfiguration",
    "GetBucketEncryption",
    "GetBucketIntelligentTieringConfiguration",
    "GetBucketInventoryConfiguration",
    "GetBucketLifecycleConfiguration",
    "GetBucketLogging",
    "GetBucketMetricsConfiguration",
    "GetBucketNotificationConfiguration",
    "GetBucketReplication",
    "GetBucketRequestPayment",
    "GetBucketTagging",
    "ListBucketAnalyticsConfigurations",
    "ListBucketIntelligentTieringConfigurations",
    "ListBucketInventoryConfigurations",
    "ListBucketMetricsConfigurations",
    "PutBucketAccelerateConfiguration",
    "PutBucketAnalyticsConfiguration",
    "PutBucketEncryption",
    "PutBucketIntelligentTieringConfiguration",
    "PutBucketInventoryConfiguration",
    "PutBucketLifecycleConfiguration",
    "PutBucketLogging",
    "PutBucketMetricsConfiguration",
    "PutBucketNotificationConfiguration",
    "PutBucketReplication",
    "PutBucketRequestPayment",
    "PutBucketTagging",
];

/// The encryption a write gets when it names none: the bucket's default
/// (SSE-S3 unless configured otherwise, as on AWS since January 2023).
pub(crate) fn default_encryption(b: &Bucket) -> crate::store::Encryption {
    let rule = b.config.encryption.as_ref().and_then(|c| c.rules.first());
    let by_default = rule.and_then(|r| r.apply_server_side_encryption_by_default.as_ref());
    match by_default {
        Some(d) => crate::store::Encryption {
            algorithm: Some(d.sse_algorithm.clone()),
            kms_key_id: d.kms_master_key_id.clone(),
            bucket_key_enabled: rule.and_then(|r| r.bucket_key_enabled).filter(|on| *on),
            ..Default::default()
        },
        None => crate::store::Encryption { algorithm: Some(ServerSideEncryption::Aes256), ..Default::default() },
    }
}

/// The bucket a configuration request names, with `x-amz-expected-bucket-owner`
/// checked (a mismatch is refused as S3 refuses it: 403 AccessDenied).
fn on_bucket<T>(
    s3: &S3,
    ctx: &RequestContext,
    bucket: &str,
    expected_owner: Option<&str>,
    f: impl FnOnce(&mut Bucket) -> Result<T, ServiceError>,
) -> Result<T, ServiceError> {
    s3.with_bucket(ctx, bucket, |b| {
        if expected_owner.is_some_and(|o| o != b.owner_account) {
            return Err(access_denied());
        }
        f(b)
    })
}

// ------------------------------------------------------------------ tagging

/// S3's InvalidTag, naming the offending tag (`TagKey`, and `TagValue` for a bad value).
fn invalid_tag(message: &str, tag: Option<&Tag>, with_value: bool) -> ServiceError {
    let e = ServiceError::new("InvalidTag", 400, message);
    match tag {
        Some(t) if with_value => crate::objects::common::with_elements(e, &[("TagKey", t.key.clone()), ("TagValue", t.value.clone())]),
        Some(t) => crate::objects::common::with_elements(e, &[("TagKey", t.key.clone())]),
        None => e,
    }
}

/// S3's tag rules (bucket and object tags alike): keys of 1 to 128 and
/// values of up to 256 Unicode characters drawn from letters, digits,
/// white space and `_ . : / = + - @`; the `aws:` prefix is reserved; a key
/// appears once; at most `limit` tags (`limit_message` when exceeded).
pub(crate) fn validate_tag_set(tags: &[Tag], limit: usize, limit_message: &str) -> Result<(), ServiceError> {
    fn allowed(s: &str) -> bool {
        s.chars().all(|c| c.is_alphanumeric() || c.is_whitespace() || "_.:/=+-@".contains(c))
    }
    if tags.len() > limit {
        return Err(invalid_tag(limit_message, None, false));
    }
    let mut seen = std::collections::HashSet::new();
    for t in tags {
        let key_len = t.key.chars().count();
        if key_len == 0 || key_len > 128 || !allowed(&t.key) {
            return Err(invalid_tag("The TagKey you have provided is invalid", Some(t), false));
        }
        if t.key.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("aws:")) {
            return Err(invalid_tag("Your TagKey cannot be prefixed with aws:", Some(t), false));
        }
        if t.value.chars().count() > 256 || !allowed(&t.value) {
            return Err(invalid_tag("The TagValue you have provided is invalid", Some(t), true));
        }
        if !seen.insert(t.key.as_str()) {
            return Err(invalid_tag("Cannot provide multiple Tags with the same key", Some(t), false));
        }
    }
    Ok(())
}

pub(crate) async fn put_bucket_tagging(s3: &S3, ctx: &RequestContext, input: PutBucketTaggingRequest) -> Result<(), PutBucketTaggingError> {
    let tags = input.tagging.tag_set;
    on_bucket(s3, ctx, &input.bucket, input.expected_bucket_owner.as_deref(), |b| {
        validate_tag_set(&tags, 50, "Bucket tag count cannot be greater than 50")?;
        b.config.tags = (!tags.is_empty()).then(|| tags.into_iter().map(|t| (t.key, t.value)).collect());
        Ok(())
    })
    .map_err(Into::into)
}

pub(crate) async fn get_bucket_tagging(s3: &S3, ctx: &RequestContext, input: GetBucketTaggingRequest) -> Result<GetBucketTaggingOutput, GetBucketTaggingError> {
    on_bucket(s3, ctx, &input.bucket, input.expected_bucket_owner.as_deref(), |b| match &b.config.tags {
        Some(tags) => Ok(GetBucketTaggingOutput { tag_set: tags.iter().map(|(k, v)| Tag { key: k.clone(), value: v.clone() }).collect() }),
        None => Err(ServiceError::new("NoSuchTagSet", 404, "The TagSet does not exist")),
    })
    .map_err(Into::into)
}

pub(crate) async fn delete_bucket_tagging(s3: &S3, ctx: &RequestContext, input: DeleteBucketTaggingRequest) -> Result<(), DeleteBucketTaggingError> {
    on_bucket(s3, ctx, &input.bucket, input.expected_bucket_owner.as_deref(), |b| {
        b.config.tags = None;
        Ok(())
    })
    .map_err(Into::into)
}

// --------------------------------------------------------------- encryption

/// What every general purpose bucket has had since January 2023 when
/// nothing else is configured: SSE-S3, no bucket key.
fn default_encryption_configuration() -> ServerSideEncryptionConfiguration {
    ServerSideEncryptionConfiguration {
        rules: vec![ServerSideEncryptionRule {
            apply_server_side_encryption_by_default: Some(ServerSideEncryptionByDefault { sse_algorithm: ServerSideEncryption::Aes256, kms_master_key_id: None }),
            bucket_key_enabled: Some(false),
        }],
    }
}

pub(crate) async fn put_bucket_encryption(s3: &S3, ctx: &RequestContext, input: PutBucketEncryptionRequest) -> Result<(), PutBucketEncryptionError> {
    let mut conf = input.server_side_encryption_configuration;
    if conf.rules.len() != 1 {
        return Err(malformed_xml().into());
    }
    for rule in &mut conf.rules {
        if let Some(d) = &rule.apply_server_side_encryption_by_default {
            let kms = match &d.sse_algorithm {
                ServerSideEncryption::Aes256 => false,
                ServerSideEncryption::AwsKms | ServerSideEncryption::AwsKmsDsse => true,
                _ => return Err(malformed_xml().into()),
            };
            if !kms && d.kms_master_key_id.is_some() {
                return Err(invalid_argument("a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse").into());
            }
        }
        // S3 reports the bucket key setting either way.
        rule.bucket_key_enabled.get_or_insert(false);
    }
    on_bucket(s3, ctx, &input.bucket, input.expected_bucket_owner.as_deref(), |b| {
        b.config.encryption = Some(conf);
        Ok(())
    })
    .map_err(Into::into)
}

pub(crate) async fn get_bucket_encryption(s3: &S3, ctx: &RequestContext, input: GetBucketEncryptionRequest) -> Result<GetBucketEncryptionOutput, GetBucketEncryptionError> {
    // ServerSideEncryptionConfigurationNotFoundError is no longer answered
    // for general purpose buckets: they all have a default.
    on_bucket(s3, ctx, &input.bucket, input.expected_bucket_owner.as_deref(), |b| {
        let conf = b.config.encryption.clone().unwrap_or_else(default_encryption_configuration);
        Ok(GetBucketEncryptionOutput { server_side_encryption_configuration: Some(conf) })
    })
    .map_err(Into::into)
}

pub(crate) async fn delete_bucket_encryption(s3: &S3, ctx: &RequestContext, input: DeleteBucketEncryptionRequest) -> Result<(), DeleteBucketEncryptionError> {
    // Back to the default (SSE-S3), not to no encryption.
    on_bucket(s3, ctx, &input.bucket, input.expected_bucket_owner.as_deref(), |b| {
        b.config.encryption = None;
        Ok(())
    })
    .map_err(Into::into)
}

// ---------------------------------------------------------------- lifecycle

pub(crate) async fn put_bucket_lifecycle_configuration(
    s3: &S3,
    ctx: &RequestContext,
    input: PutBucketLifecycleConfigurationRequest,
) -> Result<PutBucketLifecycleConfigurationOutput, PutBucketLifecycleConfigurationError> {
    let Some(mut conf) = input.lifecycle_configuration else {
        return Err(malformed_xml().into());
    };
    let minimum = match input.transition_default_minimum_object_size {
        None => TransitionDefaultMinimumObjectSize::AllStorageClasses128k,
        Some(TransitionDefaultMinimumObjectSize::Unknown(v)) => {
            return Err(invalid_request(format!("Invalid value for x-amz-transition-default-minimum-object-size: {v}")).into())
        }
        Some(m) => m,
    };
    lifecycle::validate(&mut conf)?;
    on_bucket(s3, ctx, &input.bucket, input.expected_bucket_owner.as_deref(), |b| {
        b.config.lifecycle = Some(conf);
        b.config.lifecycle_minimum_size = Some(minimum.clone());
        Ok(())
    })?;
    start_worker();
    Ok(PutBucketLifecycleConfigurationOutput { transition_default_minimum_object_size: Some(minimum) })
}

pub(crate) async fn get_bucket_lifecycle_configuration(
    s3: &S3,
    ctx: &RequestContext,
    input: GetBucketLifecycleConfigurationRequest,
) -> Result<GetBucketLifecycleConfigurationOutput, GetBucketLifecycleConfigurationError> {
    on_bucket(s3, ctx, &input.bucket, input.expected_bucket_owner.as_deref(), |b| match &b.config.lifecycle {
        Some(conf) => Ok(GetBucketLifecycleConfigurationOutput {
            rules: Some(conf.rules.clone()),
            transition_default_minimum_object_size: b.config.lifecycle_minimum_size.clone(),
        }),
        None => Err(no_such_lifecycle_configuration()),
    })
    .map_err(Into::into)
}

/// `x-amz-expiration` for a stored version as PutObject, GetObject and
/// HeadObject answer it: when a lifecycle rule will expire it (current
/// versions only), and which rule.
pub(crate) fn expiration_of(s3: &S3, bucket: &str, key: &str, version_id: &str) -> Option<String> {
    let buckets = s3.store.lock();
    let b = buckets.get(bucket)?;
    if b.current(key)?.version_id != version_id {
        return None;
    }
    lifecycle::expiration_header(b, key, b.current(key)?)
}

fn no_such_lifecycle_configuration() -> ServiceError {
    ServiceError::new("NoSuchLifecycleConfiguration", 404, "The lifecycle configuration does not exist")
}

pub(crate) async fn delete_bucket_lifecycle(s3: &S3, ctx: &RequestContext, input: DeleteBucketLifecycleRequest) -> Result<(), DeleteBucketLifecycleError> {
    on_bucket(s3, ctx, &input.bucket, input.expected_bucket_owner.as_deref(), |b| {
        b.config.lifecycle = None;
        b.config.lifecycle_minimum_size = None;
        Ok(())
    })
    .map_err(Into::into)
}

// ------------------------------------------------------------ notifications

pub(crate) async fn put_bucket_notification_configuration(
    s3: &S3,
    ctx: &RequestContext,
    input: PutBucketNotificationConfigurationRequest,
) -> Result<(), PutBucketNotificationConfigurationError> {
    let mut conf = input.notification_configuration;
    crate::notify::validate(&mut conf)?;
    let (bucket_owner, bucket_region, previous) = on_bucket(s3, ctx, &input.bucket, input.expected_bucket_owner.as_deref(), |b| {
        Ok((b.owner_account.clone(), b.region.clone(), b.config.notification.clone()))
    })?;
    // Validation is what the test event is for: skipping one skips both.
    let validate = input.skip_destination_validation != Some(true);
    if validate {
        crate::notify::check_destinations(&conf, &input.bucket, &bucket_owner, &bucket_region)?;
    }
    on_bucket(s3, ctx, &input.bucket, None, |b| {
        let empty = conf.queue_configurations.as_ref().is_none_or(Vec::is_empty)
            && conf.topic_configurations.as_ref().is_none_or(Vec::is_empty)
            && conf.lambda_function_configurations.as_ref().is_none_or(Vec::is_empty)
            && conf.event_bridge_configuration.is_none();
        b.config.notification = (!empty).then(|| conf.clone());
        Ok(())
    })?;
    if validate {
        crate::notify::test_events(ctx, &input.bucket, &bucket_owner, previous.as_ref(), &conf);
    }
    Ok(())
}

pub(crate) async fn get_bucket_notification_configuration(
    s3: &S3,
    ctx: &RequestContext,
    input: GetBucketNotificationConfigurationRequest,
) -> Result<NotificationConfiguration, GetBucketNotificationConfigurationError> {
    on_bucket(s3, ctx, &input.bucket, input.expected_bucket_owner.as_deref(), |b| Ok(b.config.notification.clone().unwrap_or_default())).map_err(Into::into)
}

// ------------------------------------------------------------------ logging

/// S3's InvalidTargetBucketForLogging, naming the target.
fn invalid_logging_target(message: &str, target: &str) -> ServiceError {
    crate::objects::common::with_elements(ServiceError::new("InvalidTargetBucketForLogging", 400, message), &[("TargetBucket", target.to_string())])
}

pub(crate) async fn put_bucket_logging(s3: &S3, ctx: &RequestContext, input: PutBucketLoggingRequest) -> Result<(), PutBucketLoggingError> {
    let logging = input.bucket_logging_status.logging_enabled;
    let (owner, region) = on_bucket(s3, ctx, &input.bucket, input.expected_bucket_owner.as_deref(), |b| Ok((b.owner_account.clone(), b.region.clone())))?;
    let mut buckets = s3.store.lock();
    // Logs go to a bucket of the same account in the same region.
    if let Some(l) = &logging {
        let name = &l.target_bucket;
        let target = buckets.get(name).ok_or_else(|| invalid_logging_target("The target bucket for logging does not exist", name))?;
        if target.region != region {
            let e = ServiceError::new("CrossLocationLoggingProhibitted", 403, "Cross S3 location logging not allowed. ");
            return Err(crate::objects::common::with_elements(e, &[("TargetBucketLocation", target.region.clone()), ("SourceBucketLocation", region)]).into());
        }
        if target.owner_account != owner {
            return Err(invalid_logging_target("The owner for the bucket to be logged and the target bucket must be the same.", name).into());
        }
    }
    let b = buckets.get_mut(&input.bucket).ok_or_else(no_such_bucket)?;
    b.config.logging = logging;
    Ok(())
}

pub(crate) async fn get_bucket_logging(s3: &S3, ctx: &RequestContext, input: GetBucketLoggingRequest) -> Result<GetBucketLoggingOutput, GetBucketLoggingError> {
    on_bucket(s3, ctx, &input.bucket, input.expected_bucket_owner.as_deref(), |b| Ok(GetBucketLoggingOutput { logging_enabled: b.config.logging.clone() }))
        .map_err(Into::into)
}

// ---------------------------------------------------------- request payment

pub(crate) async fn put_bucket_request_payment(s3: &S3, ctx: &RequestContext, input: PutBucketRequestPaymentRequest) -> Result<(), PutBucketRequestPaymentError> {
    let payer = input.request_payment_configuration.payer;
    if matches!(payer, Payer::Unknown(_)) {
        return Err(malformed_xml().into());
    }
    on_bucket(s3, ctx, &input.bucket, input.expected_bucket_owner.as_deref(), |b| {
        b.config.request_payer = Some(payer);
        Ok(())
    })
    .map_err(Into::into)
}

pub(crate) async fn get_bucket_request_payment(
    s3: &S3,
    ctx: &RequestContext,
    input: GetBucketRequestPaymentRequest,
) -> Result<GetBucketRequestPaymentOutput, GetBucketRequestPaymentError> {
    on_bucket(s3, ctx, &input.bucket, input.expected_bucket_owner.as_deref(), |b| {
        Ok(GetBucketRequestPaymentOutput { payer: Some(b.config.request_payer.clone().unwrap_or(Payer::BucketOwner)) })
    })
    .map_err(Into::into)
}

// ------------------------------------------------------------- acceleration

pub(crate) async fn put_bucket_accelerate_configuration(
    s3: &S3,
    ctx: &RequestContext,
    input: PutBucketAccelerateConfigurationRequest,
) -> Result<(), PutBucketAccelerateConfigurationError> {
    let status = match input.accelerate_configuration.status {
        Some(s @ (BucketAccelerateStatus::Enabled | BucketAccelerateStatus::Suspended)) => s,
        _ => return Err(malformed_xml().into()),
    };
    on_bucket(s3, ctx, &input.bucket, input.expected_bucket_owner.as_deref(), |b| {
        if b.name.contains('.') {
            return Err(invalid_request("S3 Transfer Acceleration is not supported for buckets with periods (.) in their names"));
        }
        b.config.accelerate = Some(status);
        Ok(())
    })
    .map_err(Into::into)
}

pub(crate) async fn get_bucket_accelerate_configuration(
    s3: &S3,
    ctx: &RequestContext,
    input: GetBucketAccelerateConfigurationRequest,
) -> Result<GetBucketAccelerateConfigurationOutput, GetBucketAccelerateConfigurationError> {
    on_bucket(s3, ctx, &input.bucket, input.expected_bucket_owner.as_deref(), |b| {
        Ok(GetBucketAccelerateConfigurationOutput { status: b.config.accelerate.clone(), request_charged: None })
    })
    .map_err(Into::into)
}

// -------------------------------------------------------------- replication

fn replication_not_found() -> ServiceError {
    ServiceError::new("ReplicationConfigurationNotFoundError", 404, "The replication configuration was not found")
}

/// The bucket name of a destination (`arn:aws:s3:::name`).
fn destination_bucket(arn: &str) -> Option<&str> {
    arn.strip_prefix("arn:aws:s3:::").filter(|n| !n.is_empty() && !n.contains('/'))
}

fn validate_replication(conf: &ReplicationConfiguration, buckets: &BTreeMap<String, Bucket>) -> Result<(), ServiceError> {
    if conf.rules.is_empty() || conf.rules.len() > 1000 {
        return Err(malformed_xml());
    }
    let mut ids = std::collections::HashSet::new();
    let mut priorities = std::collections::HashSet::new();
    // A rule with a Filter uses the current schema (V2): every rule then
    // needs a priority and a delete marker replication setting.
    let v2 = conf.rules.iter().any(|r| r.filter.is_some());
    for rule in &conf.rules {
        if matches!(rule.status, ReplicationRuleStatus::Unknown(_)) {
            return Err(malformed_xml());
        }
        if rule.filter.is_some() && rule.prefix.is_some() {
            return Err(malformed_xml());
        }
        if let Some(id) = &rule.id {
            if id.chars().count() > 255 {
                return Err(invalid_argument("ID length should not exceed allowed limit of 255"));
            }
            if !ids.insert(id.clone()) {
                return Err(invalid_request("Rule Id must be unique. Found same ID for more than one rule"));
            }
        }
        if v2 {
            let Some(priority) = rule.priority else {
                return Err(invalid_request("Priority must be specified for this version of Cross Region Replication configuration schema."));
            };
            if !priorities.insert(priority) {
                return Err(invalid_request(format!("Found duplicate priority {priority} when priorities should be unique.")));
            }
            if rule.delete_marker_replication.is_none() {
                return Err(invalid_request("DeleteMarkerReplication must be specified for this version of Cross Region Replication configuration schema."));
            }
        }
        let name = destination_bucket(&rule.destination.bucket).ok_or_else(|| invalid_argument("Invalid bucket ARN."))?;
        let dest = buckets.get(name).ok_or_else(|| invalid_request("Destination bucket must exist."))?;
        if dest.versioning != Versioning::Enabled {
            return Err(invalid_request("Destination bucket must have versioning enabled."));
        }
    }
    Ok(())
}

pub(crate) async fn put_bucket_replication(s3: &S3, ctx: &RequestContext, input: PutBucketReplicationRequest) -> Result<(), PutBucketReplicationError> {
    let mut conf = input.replication_configuration;
    on_bucket(s3, ctx, &input.bucket, input.expected_bucket_owner.as_deref(), |_| Ok(()))?;
    let mut buckets = s3.store.lock();
    let b = buckets.get(&input.bucket).ok_or_else(no_such_bucket)?;
    if b.versioning != Versioning::Enabled {
        return Err(invalid_request("Versioning must be 'Enabled' on the bucket to apply a replication configuration").into());
    }
    validate_replication(&conf, &buckets)?;
    // Rules without an ID get one, as S3 assigns them.
    for rule in &mut conf.rules {
        if rule.id.is_none() {
            rule.id = Some(simfra_identity::ids::random_string(b"abcdefghijklmnopqrstuvwxyz0123456789", 48));
        }
    }
    let b = buckets.get_mut(&input.bucket).ok_or_else(no_such_bucket)?;
    b.config.replication = Some(conf);
    Ok(())
}

pub(crate) async fn get_bucket_replication(s3: &S3, ctx: &RequestContext, input: GetBucketReplicationRequest) -> Result<GetBucketReplicationOutput, GetBucketReplicationError> {
    on_bucket(s3, ctx, &input.bucket, input.expected_bucket_owner.as_deref(), |b| match &b.config.replication {
        Some(c) => Ok(GetBucketReplicationOutput { replication_configuration: Some(c.clone()) }),
        None => Err(replication_not_found()),
    })
    .map_err(Into::into)
}

pub(crate) async fn delete_bucket_replication(s3: &S3, ctx: &RequestContext, input: DeleteBucketReplicationRequest) -> Result<(), DeleteBucketReplicationError> {
    on_bucket(s3, ctx, &input.bucket, input.expected_bucket_owner.as_deref(), |b| {
        b.config.replication = None;
        Ok(())
    })
    .map_err(Into::into)
}

// ------------------- inventory, analytics, metrics, Intelligent-Tiering (by id)

/// Configurations a bucket may hold of each of these kinds.
const MAX_CONFIGURATIONS: usize = 1000;
/// Configurations in one page of a List…Configurations answer.
const LIST_PAGE: usize = 100;

fn no_such_configuration() -> ServiceError {
    ServiceError::new("NoSuchConfiguration", 404, "The specified configuration does not exist.")
}

fn check_configuration_id(query_id: &str, body_id: &str) -> Result<(), ServiceError> {
    let valid = !query_id.is_empty() && query_id.len() <= 64 && query_id.bytes().all(|c| c.is_ascii_alphanumeric() || b"-_.".contains(&c));
    if !valid {
        return Err(ServiceError::new("InvalidConfigurationId", 400, "The specified configuration id is invalid."));
    }
    if query_id != body_id {
        return Err(invalid_argument("Configuration Id in the request does not match the Id in the configuration."));
    }
    Ok(())
}

/// Adds or replaces the configuration `id` in one of the bucket's by-id maps.
fn put_by_id<T>(
    s3: &S3,
    ctx: &RequestContext,
    bucket: &str,
    expected_owner: Option<&str>,
    id: &str,
    conf: T,
    map: fn(&mut BucketConfig) -> &mut BTreeMap<String, T>,
) -> Result<(), ServiceError> {
    on_bucket(s3, ctx, bucket, expected_owner, |b| {
        let m = map(&mut b.config);
        if !m.contains_key(id) && m.len() >= MAX_CONFIGURATIONS {
            return Err(ServiceError::new(
                "TooManyConfigurations",
                400,
                "You are attempting to create a new configuration but have already reached the 1,000-configuration limit.",
            ));
        }
        m.insert(id.to_string(), conf);
        Ok(())
    })
}

fn get_by_id<T: Clone>(
    s3: &S3,
    ctx: &RequestContext,
    bucket: &str,
    expected_owner: Option<&str>,
    id: &str,
    map: fn(&mut BucketConfig) -> &mut BTreeMap<String, T>,
) -> Result<T, ServiceError> {
    on_bucket(s3, ctx, bucket, expected_owner, |b| map(&mut b.config).get(id).cloned().ok_or_else(no_such_configuration))
}

fn delete_by_id<T>(
    s3: &S3,
    ctx: &RequestContext,
    bucket: &str,
    expected_owner: Option<&str>,
    id: &str,
    map: fn(&mut BucketConfig) -> &mut BTreeMap<String, T>,
) -> Result<(), ServiceError> {
    on_bucket(s3, ctx, bucket, expected_owner, |b| map(&mut b.config).remove(id).map(|_| ()).ok_or_else(no_such_configuration))
}

/// One page of a by-id map: (configurations, truncated, next token). The
/// continuation token is the next page's first id (base64, opaque to clients).
fn list_by_id<T: Clone>(
    s3: &S3,
    ctx: &RequestContext,
    bucket: &str,
    expected_owner: Option<&str>,
    token: Option<&str>,
    map: fn(&mut BucketConfig) -> &mut BTreeMap<String, T>,
) -> Result<(Vec<T>, bool, Option<String>), ServiceError> {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD;
    let start = match token {
        None => None,
        Some(t) => Some(
            b64.decode(t)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .ok_or_else(|| invalid_argument("The continuation token provided is incorrect"))?,
        ),
    };
    on_bucket(s3, ctx, bucket, expected_owner, |b| {
        let m = map(&mut b.config);
        let mut rest = m.iter().filter(|(id, _)| start.as_ref().is_none_or(|s| *id >= s));
        let page: Vec<T> = rest.by_ref().take(LIST_PAGE).map(|(_, c)| c.clone()).collect();
        let next = rest.next().map(|(id, _)| b64.encode(id));
        Ok((page, next.is_some(), next))
    })
}

fn inventory(c: &mut BucketConfig) -> &mut BTreeMap<String, InventoryConfiguration> {
    &mut c.inventory
}
fn analytics(c: &mut BucketConfig) -> &mut BTreeMap<String, AnalyticsConfiguration> {
    &mut c.analytics
}
fn metrics(c: &mut BucketConfig) -> &mut BTreeMap<String, MetricsConfiguration> {
    &mut c.metrics
}
fn intelligent_tiering(c: &mut BucketConfig) -> &mut BTreeMap<String, IntelligentTieringConfiguration> {
    &mut c.intelligent_tiering
}

/// GetBucket…Configuration, DeleteBucket…Configuration and
/// ListBucket…Configurations of the four by-id kinds (inventory, analytics,
/// metrics, Intelligent-Tiering) differ only in their generated types and
/// member names, so this writes the three operations once, over
/// `get_by_id`, `delete_by_id` and `list_by_id`. (Each Put validates its own
/// configuration and stays written out above.)
macro_rules! by_id_operations {
    (
        $map:ident => $member:ident, $list_member:ident;
        $get:ident($GetIn:ident) -> $GetOut:ident, $GetErr:ident;
        $delete:ident($DeleteIn:ident) -> $DeleteErr:ident;
        $list:ident($ListIn:ident) -> $ListOut:ident, $ListErr:ident;
    ) => {
        pub(crate) async fn $get(s3: &S3, ctx: &RequestContext, input: $GetIn) -> Result<$GetOut, $GetErr> {
            let c = get_by_id(s3, ctx, &input.bucket, input.expected_bucket_owner.as_deref(), &input.id, $map)?;
            Ok($GetOut { $member: Some(c) })
        }

        pub(crate) async fn $delete(s3: &S3, ctx: &RequestContext, input: $DeleteIn) -> Result<(), $DeleteErr> {
            delete_by_id(s3, ctx, &input.bucket, input.expected_bucket_owner.as_deref(), &input.id, $map).map_err(Into::into)
        }

        pub(crate) async fn $list(s3: &S3, ctx: &RequestContext, input: $ListIn) -> Result<$ListOut, $ListErr> {
            let (page, truncated, next) =
                list_by_id(s3, ctx, &input.bucket, input.expected_bucket_owner.as_deref(), input.continuation_token.as_deref(), $map)?;
            Ok($ListOut {
                is_truncated: Some(truncated),
                continuation_token: input.continuation_token,
                next_continuation_token: next,
                $list_member: (!page.is_empty()).then_some(page),
            })
        }
    };
}

pub(crate) async fn put_bucket_inventory_configuration(
    s3: &S3,
    ctx: &RequestContext,
    input: PutBucketInventoryConfigurationRequest,
) -> Result<(), PutBucketInventoryConfigurationError> {
    let conf = input.inventory_configuration;
    check_configuration_id(&input.id, &conf.id)?;
    let dest = &conf.destination.s3_bucket_destination;
    if destination_bucket(&dest.bucket).is_none() {
        return Err(invalid_argument("Invalid bucket ARN.").into());
    }
    if matches!(conf.destination.s3_bucket_destination.format, InventoryFormat::Unknown(_))
        || matches!(conf.schedule.frequency, InventoryFrequency::Unknown(_))
        || matches!(conf.included_object_versions, InventoryIncludedObjectVersions::Unknown(_))
    {
        return Err(malformed_xml().into());
    }
    put_by_id(s3, ctx, &input.bucket, input.expected_bucket_owner.as_deref(), &input.id, conf, inventory).map_err(Into::into)
}

pub(crate) async fn put_bucket_analytics_configuration(
    s3: &S3,
    ctx: &RequestContext,
    input: PutBucketAnalyticsConfigurationRequest,
) -> Result<(), PutBucketAnalyticsConfigurationError> {
    let conf = input.analytics_configuration;
    check_configuration_id(&input.id, &conf.id)?;
    put_by_id(s3, ctx, &input.bucket, input.expected_bucket_owner.as_deref(), &input.id, conf, analytics).map_err(Into::into)
}

pub(crate) async fn put_bucket_metrics_configuration(
    s3: &S3,
    ctx: &RequestContext,
    input: PutBucketMetricsConfigurationRequest,
) -> Result<(), PutBucketMetricsConfigurationError> {
    let conf = input.metrics_configuration;
    check_configuration_id(&input.id, &conf.id)?;
    put_by_id(s3, ctx, &input.bucket, input.expected_bucket_owner.as_deref(), &input.id, conf, metrics).map_err(Into::into)
}

pub(crate) async fn put_bucket_intelligent_tiering_configuration(
    s3: &S3,
    ctx: &RequestContext,
    input: PutBucketIntelligentTieringConfigurationRequest,
) -> Result<(), PutBucketIntelligentTieringConfigurationError> {
    let conf = input.intelligent_tiering_configuration;
    check_configuration_id(&input.id, &conf.id)?;
    if conf.tierings.is_empty() {
        return Err(malformed_xml().into());
    }
    for t in &conf.tierings {
        let (tier, low) = match t.access_tier {
            IntelligentTieringAccessTier::ArchiveAccess => ("ARCHIVE_ACCESS", 90),
            IntelligentTieringAccessTier::DeepArchiveAccess => ("DEEP_ARCHIVE_ACCESS", 180),
            _ => return Err(malformed_xml().into()),
        };
        if !(low..=730).contains(&t.days) {
            return Err(invalid_argument(format!("Days for {tier} tier must be between {low} and 730")).into());
        }
    }
    put_by_id(s3, ctx, &input.bucket, input.expected_bucket_owner.as_deref(), &input.id, conf, intelligent_tiering).map_err(Into::into)
}

by_id_operations! {
    inventory => inventory_configuration, inventory_configuration_list;
    get_bucket_inventory_configuration(GetBucketInventoryConfigurationRequest) -> GetBucketInventoryConfigurationOutput, GetBucketInventoryConfigurationError;
    delete_bucket_inventory_configuration(DeleteBucketInventoryConfigurationRequest) -> DeleteBucketInventoryConfigurationError;
    list_bucket_inventory_configurations(ListBucketInventoryConfigurationsRequest) -> ListBucketInventoryConfigurationsOutput, ListBucketInventoryConfigurationsError;
}

by_id_operations! {
    analytics => analytics_configuration, analytics_configuration_list;
    get_bucket_analytics_configuration(GetBucketAnalyticsConfigurationRequest) -> GetBucketAnalyticsConfigurationOutput, GetBucketAnalyticsConfigurationError;
    delete_bucket_analytics_configuration(DeleteBucketAnalyticsConfigurationRequest) -> DeleteBucketAnalyticsConfigurationError;
    list_bucket_analytics_configurations(ListBucketAnalyticsConfigurationsRequest) -> ListBucketAnalyticsConfigurationsOutput, ListBucketAnalyticsConfigurationsError;
}

by_id_operations! {
    metrics => metrics_configuration, metrics_configuration_list;
    get_bucket_metrics_configuration(GetBucketMetricsConfigurationRequest) -> GetBucketMetricsConfigurationOutput, GetBucketMetricsConfigurationError;
    delete_bucket_metrics_configuration(DeleteBucketMetricsConfigurationRequest) -> DeleteBucketMetricsConfigurationError;
    list_bucket_metrics_configurations(ListBucketMetricsConfigurationsRequest) -> ListBucketMetricsConfigurationsOutput, ListBucketMetricsConfigurationsError;
}

by_id_operations! {
    intelligent_tiering => intelligent_tiering_configuration, intelligent_tiering_configuration_list;
    get_bucket_intelligent_tiering_configuration(GetBucketIntelligentTieringConfigurationRequest) -> GetBucketIntelligentTieringConfigurationOutput, GetBucketIntelligentTieringConfigurationError;
    delete_bucket_intelligent_tiering_configuration(DeleteBucketIntelligentTieringConfigurationRequest) -> DeleteBucketIntelligentTieringConfigurationError;
    list_bucket_intelligent_tiering_configurations(ListBucketIntelligentTieringConfigurationsRequest) -> ListBucketIntelligentTieringConfigurationsOutput, ListBucketIntelligentTieringConfigurationsError;
}
