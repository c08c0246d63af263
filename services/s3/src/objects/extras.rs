//! Object tagging, GetObjectAttributes, and RestoreObject for archived
//! objects (GLACIER, DEEP_ARCHIVE). A restore really takes time: it is
//! ongoing for `SIMFRA_S3_RESTORE_SECONDS` (default 3) seconds, then the
//! object is readable until its expiry date.

use super::common::*;
use crate::errors::*;
use crate::store::{RestoreState, Version};
use crate::S3;
use simfra_gen_s3::types::*;
use simfra_gen_s3::*;
use simfra_model::{RequestContext, ServiceError, Timestamp};
use std::time::Duration;

/// The stored version a request addresses, mutably.
fn version_mut<'a>(b: &'a mut crate::store::Bucket, key: &str, version_id: Option<&str>, method: &str) -> Result<&'a mut Version, ServiceError> {
    let id = readable_version(b, key, version_id, method)?.version_id;
    b.objects.get_mut(key).and_then(|vs| vs.iter_mut().find(|x| x.version_id == id)).ok_or_else(no_such_key)
}

pub(crate) async fn put_object_tagging(s3: &S3, ctx: &RequestContext, input: PutObjectTaggingRequest) -> Result<PutObjectTaggingOutput, PutObjectTaggingError> {
    let tags: Vec<(String, String)> = input.tagging.tag_set.iter().map(|t| (t.key.clone(), t.value.clone())).collect();
    check_object_tags(&tags)?;
    let (version_id, shown, size, etag) = s3.with_bucket(ctx, &input.bucket, |b| {
        check_expected_owner(b, input.expected_bucket_owner.as_ref())?;
        let v = version_mut(b, &input.key, input.version_id.as_deref(), "PUT")?;
        v.tags = tags;
        let facts = (v.version_id.clone(), v.size, v.etag.clone());
        Ok((facts.0.clone(), shown_version(b, &facts.0), facts.1, facts.2))
    })?;
    event(s3, ctx, &input.bucket, "ObjectTagging:Put", &input.key, size, &etag, Some(&version_id));
    Ok(PutObjectTaggingOutput { version_id: shown })
}

pub(crate) async fn get_object_tagging(s3: &S3, ctx: &RequestContext, input: GetObjectTaggingRequest) -> Result<GetObjectTaggingOutput, GetObjectTaggingError> {
    s3.with_bucket(ctx, &input.bucket, |b| {
        check_expected_owner(b, input.expected_bucket_owner.as_ref())?;
        let v = readable_version(b, &input.key, input.version_id.as_deref(), "GET")?;
        Ok(GetObjectTaggingOutput {
            version_id: shown_version(b, &v.version_id),
            tag_set: v.tags.iter().map(|(k, v)| Tag { key: k.clone(), value: v.clone() }).collect(),
        })
    })
    .map_err(Into::into)
}

pub(crate) async fn delete_object_tagging(s3: &S3, ctx: &RequestContext, input: DeleteObjectTaggingRequest) -> Result<DeleteObjectTaggingOutput, DeleteObjectTaggingError> {
    let (version_id, shown, size, etag) = s3.with_bucket(ctx, &input.bucket, |b| {
        check_expected_owner(b, input.expected_bucket_owner.as_ref())?;
        let v = version_mut(b, &input.key, input.version_id.as_deref(), "DELETE")?;
        v.tags.clear();
        let facts = (v.version_id.clone(), v.size, v.etag.clone());
        Ok((facts.0.clone(), shown_version(b, &facts.0), facts.1, facts.2))
    })?;
    event(s3, ctx, &input.bucket, "ObjectTagging:Delete", &input.key, size, &etag, Some(&version_id));
    Ok(DeleteObjectTaggingOutput { version_id: shown })
}

pub(crate) async fn get_object_attributes(s3: &S3, ctx: &RequestContext, input: GetObjectAttributesRequest) -> Result<GetObjectAttributesOutput, GetObjectAttributesError> {
    let customer = customer_key(input.sse_customer_algorithm.as_ref(), input.sse_customer_key.as_ref(), input.sse_customer_key_md5.as_ref())?;
    let max_parts = input.max_parts.unwrap_or(1000).clamp(0, 1000) as usize;
    let marker: i32 = match &input.part_number_marker {
        Some(m) => m.parse().map_err(|_| invalid_argument("Provided part-number-marker not an integer or within integer range"))?,
        None => 0,
    };
    let (v, shown) = s3.with_bucket(ctx, &input.bucket, |b| {
        check_expected_owner(b, input.expected_bucket_owner.as_ref())?;
        let v = readable_version(b, &input.key, input.version_id.as_deref(), "GET")?;
        check_customer_key_for_read(&v.encryption, customer.as_ref())?;
        let shown = shown_version(b, &v.version_id);
        Ok((v, shown))
    })?;
    let wants = |a: &str| input.object_attributes.iter().any(|x| x.as_str() == a);
    let checksum = v.checksum.as_ref().map(|c| {
        let f = ChecksumFields::of(Some(c));
        Checksum {
            checksum_crc32: f.crc32,
            checksum_crc32c: f.crc32c,
            checksum_crc64nvme: f.crc64nvme,
            checksum_sha1: f.sha1,
            checksum_sha256: f.sha256,
            checksum_type: Some(c.kind.clone()),
        }
    });
    let object_parts = (wants("ObjectParts") && !v.parts.is_empty()).then(|| {
        let after: Vec<_> = v.parts.iter().filter(|p| p.number > marker).collect();
        let page: Vec<ObjectPart> = after
            .iter()
            .take(max_parts)
            .map(|p| {
                let f = ChecksumFields::of(p.checksum.as_ref());
                ObjectPart {
                    part_number: Some(p.number),
                    size: Some(p.size as i64),
                    checksum_crc32: f.crc32,
                    checksum_crc32c: f.crc32c,
                    checksum_crc64nvme: f.crc64nvme,
                    checksum_sha1: f.sha1,
                    checksum_sha256: f.sha256,
                }
            })
            .collect();
        let truncated = after.len() > page.len();
        GetObjectAttributesParts {
            total_parts_count: Some(v.parts.len() as i32),
            part_number_marker: Some(marker.to_string()),
            next_part_number_marker: page.last().and_then(|p| p.part_number).map(|n| n.to_string()),
            max_parts: Some(max_parts as i32),
            is_truncated: Some(truncated),
            parts: Some(page),
        }
    });
    Ok(GetObjectAttributesOutput {
        last_modified: Some(v.last_modified),
        version_id: shown,
        e_tag: wants("ETag").then(|| v.etag.trim_matches('"').to_string()),
        checksum: if wants("Checksum") { checksum } else { None },
        object_parts,
        storage_class: wants("StorageClass").then(|| v.storage_class.clone()),
        object_size: wants("ObjectSize").then_some(v.size as i64),
        ..Default::default()
    })
}

/// How long a simulated restore runs.
fn restore_delay() -> Duration {
    let secs = std::env::var("SIMFRA_S3_RESTORE_SECONDS").ok().and_then(|s| s.parse::<f64>().ok()).unwrap_or(3.0);
    Duration::from_secs_f64(secs.max(0.0))
}

/// A restored copy lasts `days` days, expiring at the following midnight UTC as on S3.
fn expiry_after(days: i32) -> Timestamp {
    let now = Timestamp::now().secs;
    let day = 86_400;
    Timestamp::from_secs((now / day + i64::from(days) + 1) * day)
}

pub(crate) async fn restore_object(s3: &S3, ctx: &RequestContext, input: RestoreObjectRequest) -> Result<RestoreObjectOutput, RestoreObjectError> {
    let req = input.restore_request.clone().unwrap_or_default();
    if req.type_.as_ref().is_some_and(|t| t.as_str() == "SELECT") {
        return Err(ServiceError::new("NotImplemented", 501, "Restores of type SELECT are not implemented by Simfra").into());
    }
    let days = req.days.ok_or_else(malformed_xml)?;
    if days < 1 {
        return Err(invalid_argument("Lifetime days must be a positive integer").into());
    }
    enum Outcome {
        Started(String, u64, String),
        Extended,
    }
    let outcome = s3.with_bucket(ctx, &input.bucket, |b| {
        check_expected_owner(b, input.expected_bucket_owner.as_ref())?;
        let v = version_mut(b, &input.key, input.version_id.as_deref(), "POST")?;
        if !is_archived(&v.storage_class) {
            let mut e = invalid_object_state(&v.storage_class);
            e.message = Some("Restore is not allowed for the object's current storage class".into());
            return Err(e);
        }
        match &mut v.restore {
            Some(r) if r.ongoing => Err(ServiceError::new("RestoreAlreadyInProgress", 409, "Object restore is already in progress")),
            Some(r) => {
                r.expiry = Some(expiry_after(days));
                Ok(Outcome::Extended)
            }
            None => {
                v.restore = Some(RestoreState { ongoing: true, expiry: None });
                Ok(Outcome::Started(v.version_id.clone(), v.size, v.etag.clone()))
            }
        }
    })?;
    match outcome {
        Outcome::Extended => Ok(RestoreObjectOutput::default()),
        Outcome::Started(version_id, size, etag) => {
            event(s3, ctx, &input.bucket, "ObjectRestore:Post", &input.key, size, &etag, Some(&version_id));
            let (ctx2, bucket, key) = (ctx.clone(), input.bucket.clone(), input.key.clone());
            tokio::spawn(async move {
                tokio::time::sleep(restore_delay()).await;
                let s3 = crate::internal::shared();
                let done = {
                    let mut buckets = s3.store.lock();
                    let v = buckets.get_mut(&bucket).and_then(|b| b.objects.get_mut(&key)).and_then(|vs| vs.iter_mut().find(|v| v.version_id == version_id));
                    match v.and_then(|v| v.restore.as_mut()) {
                        Some(r) => {
                            r.ongoing = false;
                            r.expiry = Some(expiry_after(days));
                            true
                        }
                        None => false,
                    }
                };
                if done {
                    event(&s3, &ctx2, &bucket, "ObjectRestore:Completed", &key, size, &etag, Some(&version_id));
                }
            });
            ctx.answer_with_status(202);
            Ok(RestoreObjectOutput::default())
        }
    }
}
