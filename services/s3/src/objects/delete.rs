//! DeleteObject and DeleteObjects: removing the null version (unversioned
//! buckets), placing delete markers (versioned), removing a named version
//! (never one Object Lock protects).

use super::common::*;
use crate::errors::*;
use crate::store::{Bucket, ContentHeaders, Encryption, Version, Versioning, NULL_VERSION};
use crate::S3;
use simfra_gen_s3::types::*;
use simfra_gen_s3::*;
use simfra_model::{RequestContext, ServiceError, Timestamp};

/// What one delete did.
pub struct Deleted {
    pub version_id: Option<String>,
    /// The version removed or created was a delete marker.
    pub delete_marker: bool,
    /// Announced as `ObjectRemoved:Delete` or `…:DeleteMarkerCreated`.
    pub marker_created: bool,
    /// Removed versions, to drop outside the store's lock.
    pub dropped: Vec<Version>,
}

fn delete_marker(b: &Bucket, ctx: &RequestContext) -> Version {
    Version {
        version_id: b.next_version_id(),
        delete_marker: true,
        blob: None,
        size: 0,
        etag: String::new(),
        last_modified: Timestamp::now(),
        owner_account: ctx.account_id.clone(),
        headers: ContentHeaders::default(),
        metadata: Vec::new(),
        storage_class: StorageClass::Standard,
        checksum: None,
        parts: Vec::new(),
        encryption: Encryption::default(),
        tags: Vec::new(),
        acl: None,
        retention: None,
        legal_hold: false,
        restore: None,
    }
}

/// Conditions of a conditional delete (`If-Match`, `x-amz-if-match-size`, …).
#[derive(Default)]
pub struct DeleteConditions {
    pub if_match: Option<String>,
    pub last_modified: Option<Timestamp>,
    pub size: Option<i64>,
}

/// Deletes `key` (or one version of it) in `b`.
pub fn delete_in(b: &mut Bucket, ctx: &RequestContext, key: &str, version_id: Option<&str>, bypass: bool, cond: &DeleteConditions) -> Result<Deleted, ServiceError> {
    if cond.if_match.is_some() || cond.last_modified.is_some() || cond.size.is_some() {
        let target = match version_id {
            Some(id) => b.version(key, id),
            None => b.current(key),
        };
        let v = target.filter(|v| !v.delete_marker).ok_or_else(no_such_key)?;
        let holds = cond.if_match.as_deref().is_none_or(|m| etag_matches(m, &v.etag))
            && cond.last_modified.is_none_or(|t| t.secs == v.last_modified.secs)
            && cond.size.is_none_or(|s| s as u64 == v.size);
        if !holds {
            return Err(precondition_failed());
        }
    }
    if let Some(id) = version_id {
        if !valid_version_id(id) {
            return Err(invalid_version_id());
        }
        let Some(v) = b.version(key, id) else {
            // Deleting a version that is not there succeeds.
            return Ok(Deleted { version_id: Some(id.to_string()), delete_marker: false, marker_created: false, dropped: Vec::new() });
        };
        if !v.delete_marker && lock_blocks_removal(v, bypass) {
            return Err(object_locked());
        }
        let removed = b.remove_version(key, id).into_iter().collect::<Vec<_>>();
        let marker = removed.first().is_some_and(|v| v.delete_marker);
        return Ok(Deleted { version_id: Some(id.to_string()), delete_marker: marker, marker_created: false, dropped: removed });
    }
    match b.versioning {
        Versioning::Unversioned => {
            let dropped = b.remove_version(key, NULL_VERSION).into_iter().collect();
            Ok(Deleted { version_id: None, delete_marker: false, marker_created: false, dropped })
        }
        Versioning::Enabled | Versioning::Suspended => {
            let marker = delete_marker(b, ctx);
            if marker.version_id == NULL_VERSION {
                if let Some(old) = b.version(key, NULL_VERSION) {
                    if !old.delete_marker && lock_blocks_removal(old, bypass) {
                        return Err(object_locked());
                    }
                }
            }
            let id = marker.version_id.clone();
            let dropped = b.push_version(key, marker);
            Ok(Deleted { version_id: Some(id), delete_marker: true, marker_created: true, dropped })
        }
    }
}

pub(crate) async fn delete_object(s3: &S3, ctx: &RequestContext, input: DeleteObjectRequest) -> Result<DeleteObjectOutput, DeleteObjectError> {
    let bypass = input.bypass_governance_retention == Some(true);
    let cond = DeleteConditions { if_match: input.if_match.clone(), last_modified: input.if_match_last_modified_time, size: input.if_match_size };
    let d = s3.with_bucket(ctx, &input.bucket, |b| {
        check_expected_owner(b, input.expected_bucket_owner.as_ref())?;
        delete_in(b, ctx, &input.key, input.version_id.as_deref(), bypass, &cond)
    })?;
    let event_name = if d.marker_created { "ObjectRemoved:DeleteMarkerCreated" } else { "ObjectRemoved:Delete" };
    drop(d.dropped);
    event(s3, ctx, &input.bucket, event_name, &input.key, 0, "", d.version_id.as_deref());
    Ok(DeleteObjectOutput { delete_marker: d.delete_marker.then_some(true), version_id: d.version_id, request_charged: None })
}

pub(crate) async fn delete_objects(s3: &S3, ctx: &RequestContext, input: DeleteObjectsRequest) -> Result<DeleteObjectsOutput, DeleteObjectsError> {
    let has_checksum = ctx.header("content-md5").is_some() || ctx.headers.iter().any(|(k, _)| k.starts_with("x-amz-checksum-"));
    if !has_checksum {
        return Err(invalid_request("Missing required header for this request: Content-MD5").into());
    }
    if input.delete.objects.len() > 1000 {
        return Err(malformed_xml().into());
    }
    let bypass = input.bypass_governance_retention == Some(true);
    let quiet = input.delete.quiet == Some(true);
    let mut deleted = Vec::new();
    let mut errors = Vec::new();
    let mut events = Vec::new();
    let mut dropped = Vec::new();
    s3.with_bucket(ctx, &input.bucket, |b| {
        check_expected_owner(b, input.expected_bucket_owner.as_ref())?;
        for o in &input.delete.objects {
            let cond = DeleteConditions { if_match: o.e_tag.clone(), last_modified: o.last_modified_time, size: o.size };
            match delete_in(b, ctx, &o.key, o.version_id.as_deref(), bypass, &cond) {
                Ok(d) => {
                    events.push((o.key.clone(), d.marker_created, d.version_id.clone()));
                    dropped.extend(d.dropped);
                    if !quiet {
                        let (version_id, marker_version) = if d.marker_created { (None, d.version_id.clone()) } else { (d.version_id.clone(), None) };
                        let marker_version = if d.delete_marker && !d.marker_created { d.version_id.clone() } else { marker_version };
                        deleted.push(DeletedObject {
                            key: Some(o.key.clone()),
                            version_id: version_id.or_else(|| o.version_id.clone()),
                            delete_marker: d.delete_marker.then_some(true),
                            delete_marker_version_id: marker_version,
                        });
                    }
                }
                Err(e) => errors.push(Error { key: Some(o.key.clone()), version_id: o.version_id.clone(), code: Some(e.code.clone()), message: e.message.clone() }),
            }
        }
        Ok(())
    })?;
    drop(dropped);
    for (key, marker, version) in events {
        let name = if marker { "ObjectRemoved:DeleteMarkerCreated" } else { "ObjectRemoved:Delete" };
        event(s3, ctx, &input.bucket, name, &key, 0, "", version.as_deref());
    }
    Ok(DeleteObjectsOutput {
        deleted: (!deleted.is_empty()).then_some(deleted),
        errors: (!errors.is_empty()).then_some(errors),
        request_charged: None,
    })
}
