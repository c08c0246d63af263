//! Object Lock: the bucket's configuration (enabled, default retention),
//! and each version's retention and legal hold. COMPLIANCE retention can
//! only be extended; GOVERNANCE may be shortened or removed by a caller
//! who says `x-amz-bypass-governance-retention: true`.

use super::common::*;
use crate::errors::*;
use crate::store::{Bucket, Version, Versioning};
use crate::S3;
use simfra_gen_s3::types::*;
use simfra_gen_s3::*;
use simfra_model::{RequestContext, ServiceError, Timestamp};

fn missing_lock_configuration() -> ServiceError {
    invalid_request("Bucket is missing Object Lock Configuration")
}

fn no_object_lock() -> ServiceError {
    ServiceError::new("NoSuchObjectLockConfiguration", 404, "The specified object does not have a ObjectLock configuration")
}

/// The version a lock operation addresses (delete markers have no lock).
fn lock_target<'a>(b: &'a mut Bucket, key: &str, version_id: Option<&str>, method: &str) -> Result<&'a mut Version, ServiceError> {
    if !lock_enabled(b) {
        return Err(missing_lock_configuration());
    }
    let v = readable_version(b, key, version_id, method)?;
    b.objects
        .get_mut(key)
        .and_then(|vs| vs.iter_mut().find(|x| x.version_id == v.version_id))
        .ok_or_else(no_such_key)
}

pub(crate) async fn put_object_lock_configuration(
    s3: &S3,
    ctx: &RequestContext,
    input: PutObjectLockConfigurationRequest,
) -> Result<PutObjectLockConfigurationOutput, PutObjectLockConfigurationError> {
    let conf = input.object_lock_configuration.clone().ok_or_else(malformed_xml)?;
    if conf.object_lock_enabled.as_ref().is_none_or(|e| e.as_str() != "Enabled") {
        return Err(malformed_xml().into());
    }
    if let Some(d) = conf.rule.as_ref().map(|r| r.default_retention.as_ref()) {
        let d = d.ok_or_else(malformed_xml)?;
        if d.mode.is_none() || d.days.is_some() == d.years.is_some() {
            return Err(malformed_xml().into());
        }
        if d.days.or(d.years).is_some_and(|n| n <= 0) {
            return Err(invalid_argument("Default retention period must be a positive integer value").into());
        }
    }
    s3.with_bucket(ctx, &input.bucket, |b| {
        check_expected_owner(b, input.expected_bucket_owner.as_ref())?;
        if b.versioning != Versioning::Enabled {
            return Err(ServiceError::new("InvalidBucketState", 409, "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration"));
        }
        b.config.object_lock = Some(conf);
        Ok(())
    })?;
    Ok(PutObjectLockConfigurationOutput::default())
}

pub(crate) async fn get_object_lock_configuration(
    s3: &S3,
    ctx: &RequestContext,
    input: GetObjectLockConfigurationRequest,
) -> Result<GetObjectLockConfigurationOutput, GetObjectLockConfigurationError> {
    let conf = s3.with_bucket(ctx, &input.bucket, |b| {
        check_expected_owner(b, input.expected_bucket_owner.as_ref())?;
        b.config.object_lock.clone().ok_or_else(|| {
            ServiceError::new("ObjectLockConfigurationNotFoundError", 404, "Object Lock configuration does not exist for this bucket")
        })
    })?;
    Ok(GetObjectLockConfigurationOutput { object_lock_configuration: Some(conf) })
}

pub(crate) async fn put_object_retention(s3: &S3, ctx: &RequestContext, input: PutObjectRetentionRequest) -> Result<PutObjectRetentionOutput, PutObjectRetentionError> {
    let bypass = input.bypass_governance_retention == Some(true);
    let wanted = match &input.retention {
        Some(r) if r.mode.is_some() || r.retain_until_date.is_some() => match (&r.mode, r.retain_until_date) {
            (Some(m), Some(t)) => {
                if t.as_f64() <= Timestamp::now().as_f64() {
                    return Err(invalid_argument("The retain until date must be in the future!").into());
                }
                Some((m.clone(), t))
            }
            _ => return Err(malformed_xml().into()),
        },
        _ => None,
    };
    s3.with_bucket(ctx, &input.bucket, |b| {
        check_expected_owner(b, input.expected_bucket_owner.as_ref())?;
        let v = lock_target(b, &input.key, input.version_id.as_deref(), "PUT")?;
        if let Some((mode, until)) = &v.retention {
            if until.as_f64() > Timestamp::now().as_f64() {
                let extends = wanted.as_ref().is_some_and(|(m, t)| m == mode && t.as_f64() >= until.as_f64());
                let governance = matches!(mode, ObjectLockRetentionMode::Governance);
                if !extends && !(governance && bypass) {
                    return Err(access_denied());
                }
            }
        }
        v.retention = wanted;
        Ok(())
    })?;
    Ok(PutObjectRetentionOutput::default())
}

pub(crate) async fn get_object_retention(s3: &S3, ctx: &RequestContext, input: GetObjectRetentionRequest) -> Result<GetObjectRetentionOutput, GetObjectRetentionError> {
    let r = s3.with_bucket(ctx, &input.bucket, |b| {
        check_expected_owner(b, input.expected_bucket_owner.as_ref())?;
        let v = lock_target(b, &input.key, input.version_id.as_deref(), "GET")?;
        v.retention.clone().ok_or_else(no_object_lock)
    })?;
    Ok(GetObjectRetentionOutput { retention: Some(ObjectLockRetention { mode: Some(r.0), retain_until_date: Some(r.1) }) })
}

pub(crate) async fn put_object_legal_hold(s3: &S3, ctx: &RequestContext, input: PutObjectLegalHoldRequest) -> Result<PutObjectLegalHoldOutput, PutObjectLegalHoldError> {
    let on = match input.legal_hold.as_ref().and_then(|h| h.status.as_ref()).map(|s| s.as_str()) {
        Some("ON") => true,
        Some("OFF") => false,
        _ => return Err(malformed_xml().into()),
    };
    s3.with_bucket(ctx, &input.bucket, |b| {
        check_expected_owner(b, input.expected_bucket_owner.as_ref())?;
        lock_target(b, &input.key, input.version_id.as_deref(), "PUT")?.legal_hold = on;
        Ok(())
    })?;
    Ok(PutObjectLegalHoldOutput::default())
}

pub(crate) async fn get_object_legal_hold(s3: &S3, ctx: &RequestContext, input: GetObjectLegalHoldRequest) -> Result<GetObjectLegalHoldOutput, GetObjectLegalHoldError> {
    let on = s3.with_bucket(ctx, &input.bucket, |b| {
        check_expected_owner(b, input.expected_bucket_owner.as_ref())?;
        Ok(lock_target(b, &input.key, input.version_id.as_deref(), "GET")?.legal_hold)
    })?;
    let status = if on { ObjectLockLegalHoldStatus::On } else { ObjectLockLegalHoldStatus::Off };
    Ok(GetObjectLegalHoldOutput { legal_hold: Some(ObjectLockLegalHold { status: Some(status) }) })
}
