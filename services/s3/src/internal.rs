//! S3 as other parts of Simfra reach it in-process, and what IAM knows of
//! S3 resources.
//!
//! - [`bucket_info`]: whether a bucket exists, who owns it, where, its policy;
//! - [`put_object_internal`]: write an object as an AWS service principal
//!   would (no IAM check here: the caller has done the service's own check,
//!   e.g. CloudTrail evaluates the bucket policy for `cloudtrail.amazonaws.com`);
//! - [`get_object_internal`]: read an object back (Lambda code, DynamoDB imports, tests);
//! - [`bucket_tags`] / [`set_bucket_tags`]: S3 Control's tagging of bucket ARNs.

use crate::errors::no_such_bucket;
use crate::store::{ContentHeaders, Version};
use crate::S3;
use simfra_gen_s3::types::StorageClass;
use simfra_model::{Bytes, ServiceError, Timestamp};
use std::sync::{Arc, OnceLock};

/// The process's S3 state: the handler and the in-process API share it.
pub(crate) fn shared() -> Arc<S3> {
    static STATE: OnceLock<Arc<S3>> = OnceLock::new();
    STATE.get_or_init(|| Arc::new(S3::default())).clone()
}

/// What other services may know of a bucket.
#[derive(Debug, Clone, PartialEq)]
pub struct BucketInfo {
    pub name: String,
    pub owner_account: String,
    pub region: String,
    /// The bucket policy document, as it was put.
    pub policy: Option<String>,
}

/// The bucket of that name (bucket names are global), if it exists.
pub fn bucket_info(bucket: &str) -> Option<BucketInfo> {
    let s3 = shared();
    let buckets = s3.store.lock();
    buckets.get(bucket).map(|b| BucketInfo {
        name: bucket.to_string(),
        owner_account: b.owner_account.clone(),
        region: b.region.clone(),
        policy: b.config.policy.clone(),
    })
}

/// Writes an object into a bucket on behalf of an AWS service; answers its
/// ETag (quoted, as S3 returns it). `NoSuchBucket` when the bucket is gone.
pub fn put_object_internal(bucket: &str, key: &str, body: Bytes, content_type: Option<&str>) -> Result<String, ServiceError> {
    let written = crate::storage::write_bytes(&body, &[])?;
    let etag = format!("\"{}\"", crate::checksums::hex(&written.md5));
    let s3 = shared();
    let mut buckets = s3.store.lock();
    let b = buckets.get_mut(bucket).ok_or_else(no_such_bucket)?;
    let version = Version {
        version_id: b.next_version_id(),
        delete_marker: false,
        size: written.blob.size,
        blob: Some(Arc::new(written.blob)),
        etag: etag.clone(),
        last_modified: Timestamp::now(),
        owner_account: b.owner_account.clone(),
        headers: ContentHeaders { content_type: content_type.map(str::to_string), ..Default::default() },
        metadata: Vec::new(),
        storage_class: StorageClass::Standard,
        checksum: None,
        parts: Vec::new(),
        encryption: crate::settings::default_encryption(b),
        tags: Vec::new(),
        acl: None,
        retention: None,
        legal_hold: false,
        restore: None,
    };
    let (version_id, size) = (version.version_id.clone(), version.size);
    let dropped = b.push_version(key, version);
    drop(buckets);
    drop(dropped);
    // What services write is replicated and announced like any other write.
    crate::notify::service_write(bucket, key, size, &etag, &version_id);
    Ok(etag)
}

/// An object's bytes (its current version), if it exists.
pub fn get_object_internal(bucket: &str, key: &str) -> Option<Bytes> {
    let blob = {
        let s3 = shared();
        let buckets = s3.store.lock();
        buckets.get(bucket)?.current(key)?.blob.clone()?
    };
    crate::storage::read_all(&blob).ok()
}

/// IAM's view of S3 resources (`arn:aws:s3:::bucket[/key]`): the bucket's
/// owner, its tags (`aws:ResourceTag`) and the resource policy in force
/// (the bucket policy and ACL grants under Block Public Access: see `access`).
pub(crate) fn bucket_facts(arn: &str) -> Option<simfra_identity::authorize::ResourceFacts> {
    // Regional S3 ARNs (access points, jobs, Storage Lens …) are S3 Control's.
    if !arn.starts_with("arn:aws:s3:::") {
        return simfra_svc_s3_control::resource_facts(arn);
    }
    crate::access::resource_facts(arn)
}

/// A bucket's tag set (empty when untagged); `None` when there is no such bucket.
pub fn bucket_tags(bucket: &str) -> Option<Vec<(String, String)>> {
    let s3 = shared();
    let buckets = s3.store.lock();
    Some(buckets.get(bucket)?.config.tags.clone().unwrap_or_default())
}

/// Replaces a bucket's tag set (empty removes it). `NoSuchBucket` when the bucket is gone.
pub fn set_bucket_tags(bucket: &str, tags: Vec<(String, String)>) -> Result<(), ServiceError> {
    let s3 = shared();
    let mut buckets = s3.store.lock();
    let b = buckets.get_mut(bucket).ok_or_else(no_such_bucket)?;
    b.config.tags = (!tags.is_empty()).then_some(tags);
    Ok(())
}
