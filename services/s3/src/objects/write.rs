//! PutObject, and linking a new version into a key's stack (PutObject,
//! CopyObject and CompleteMultipartUpload all end there): conditional
//! writes, Object Lock on what an overwrite would drop.

use super::common::*;
use crate::checksums;
use crate::errors::*;
use crate::store::{Bucket, Checksum, Version, NULL_VERSION};
use crate::S3;
use simfra_gen_s3::types::*;
use simfra_gen_s3::*;
use simfra_model::{RequestContext, ServiceError, Timestamp};
use std::sync::Arc;

/// `If-Match` / `If-None-Match` on a write.
#[derive(Default, Clone)]
pub struct WriteConditions {
    pub if_match: Option<String>,
    pub if_none_match: Option<String>,
}

impl WriteConditions {
    /// S3 takes only `If-None-Match: *` on writes.
    pub fn check_syntax(&self) -> Result<(), ServiceError> {
        match &self.if_none_match {
            Some(v) if v.trim() != "*" => {
                let e = ServiceError::new("NotImplemented", 501, "A header you provided implies functionality that is not implemented");
                Err(with_elements(e, &[("Header", "If-None-Match".to_string())]))
            }
            _ => Ok(()),
        }
    }
    /// Whether the key's current state lets the write go ahead.
    pub fn check(&self, b: &Bucket, key: &str) -> Result<(), ServiceError> {
        let current = b.current(key).filter(|v| !v.delete_marker);
        if self.if_none_match.is_some() && current.is_some() {
            return Err(precondition_failed_on("If-None-Match"));
        }
        if let Some(m) = &self.if_match {
            let v = current.ok_or_else(no_such_key)?;
            if !etag_matches(m, &v.etag) {
                return Err(precondition_failed_on("If-Match"));
            }
        }
        Ok(())
    }
}

/// Puts `v` on top of `key`'s versions once the conditions hold; a null
/// version it would replace must not be locked. Answers the versions
/// dropped (drop them after releasing the store's lock).
pub fn link(b: &mut Bucket, key: &str, v: Version, cond: &WriteConditions) -> Result<Vec<Version>, ServiceError> {
    cond.check(b, key)?;
    if v.version_id == NULL_VERSION {
        if let Some(old) = b.version(key, NULL_VERSION) {
            if lock_blocks_removal(old, false) {
                return Err(object_locked());
            }
        }
    }
    Ok(b.push_version(key, v))
}

/// The checksum recorded with a single-part body.
pub fn full_object_checksum(alg: &ChecksumAlgorithm, computed: &[(ChecksumAlgorithm, String)]) -> Option<Checksum> {
    computed
        .iter()
        .find(|(a, _)| a == alg)
        .map(|(a, v)| Checksum { algorithm: a.clone(), value: v.clone(), kind: ChecksumType::FullObject })
}

pub(crate) async fn put_object(s3: &S3, ctx: &RequestContext, input: PutObjectRequest) -> Result<PutObjectOutput, PutObjectError> {
    // Everything that can be refused is checked before the body is read.
    if input.write_offset_bytes.is_some() {
        return Err(ServiceError::new("NotImplemented", 501, "A header you provided implies functionality that is not implemented").into());
    }
    check_key(&input.key)?;
    let cond = WriteConditions { if_match: input.if_match.clone(), if_none_match: input.if_none_match.clone() };
    cond.check_syntax()?;
    let customer = customer_key(input.sse_customer_algorithm.as_ref(), input.sse_customer_key.as_ref(), input.sse_customer_key_md5.as_ref())?;
    let class = storage_class(input.storage_class.as_ref())?;
    let metadata = user_metadata(input.metadata.as_ref())?;
    let tags = tagging_header(input.tagging.as_ref())?;
    let redirect = redirect_location(input.website_redirect_location.as_ref())?;
    let sums = checksum_fields_of!(input);
    let declared = declared_integrity(ctx, input.content_md5.as_ref(), input.checksum_algorithm.as_ref(), &sums)?;
    check_content_length(input.content_length)?;
    let grants = grant_headers_of!(input);
    let (encryption, (retention, legal_hold), acl) = s3.with_bucket(ctx, &input.bucket, |b| {
        check_expected_owner(b, input.expected_bucket_owner.as_ref())?;
        let acl = crate::access::object_acl_from_request(b, ctx, input.acl.as_ref(), &grants)?;
        let enc = write_encryption(ctx, b, input.server_side_encryption.as_ref(), input.ssekms_key_id.as_ref(), input.bucket_key_enabled, customer.as_ref())?;
        let lock = write_retention(b, input.object_lock_mode.as_ref(), input.object_lock_retain_until_date, input.object_lock_legal_hold_status.as_ref())?;
        if (lock.0.is_some() || lock.1) && !declared.any() {
            return Err(invalid_request("Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters"));
        }
        // Fail early on a condition that already fails (checked again when linking).
        cond.check(b, &input.key)?;
        Ok((enc, lock, acl))
    })?;

    // Every object gets a checksum: the one the client chose, else CRC64NVME (as S3 does since 2025).
    let algorithm = declared.algorithm.clone().unwrap_or(ChecksumAlgorithm::Crc64nvme);
    let body = input.body.clone().unwrap_or_default();
    let written = crate::storage::write(body.clone(), std::slice::from_ref(&algorithm)).await?;
    verify_integrity(&declared, &written.md5, &written.checksums, &body.trailers())?;
    let checksum = full_object_checksum(&algorithm, &written.checksums);
    let etag = format!("\"{}\"", checksums::hex(&written.md5));
    let size = written.blob.size;
    let now = Timestamp::now();

    let (version_id, shown, dropped) = s3.with_bucket(ctx, &input.bucket, |b| {
        let version = Version {
            version_id: b.next_version_id(),
            delete_marker: false,
            blob: Some(Arc::new(written.blob)),
            size,
            etag: etag.clone(),
            last_modified: now,
            owner_account: ctx.account_id.clone(),
            headers: content_headers_of!(input, redirect.clone()),
            metadata: metadata.clone(),
            storage_class: class.clone(),
            checksum: checksum.clone(),
            parts: Vec::new(),
            encryption: encryption.clone(),
            tags: tags.clone(),
            acl: acl.clone(),
            retention: retention.clone(),
            legal_hold,
            restore: None,
        };
        let id = version.version_id.clone();
        let dropped = link(b, &input.key, version, &cond)?;
        Ok((id.clone(), shown_version(b, &id), dropped))
    })?;
    drop(dropped);
    event(s3, ctx, &input.bucket, "ObjectCreated:Put", &input.key, size, &etag, Some(&version_id));

    // The checksum is answered when the client sent one (S3 answers the default one too).
    let answered = ChecksumFields::of(checksum.as_ref());
    Ok(PutObjectOutput {
        e_tag: Some(etag),
        checksum_crc32: answered.crc32,
        checksum_crc32c: answered.crc32c,
        checksum_crc64nvme: answered.crc64nvme,
        checksum_sha1: answered.sha1,
        checksum_sha256: answered.sha256,
        checksum_type: checksum.as_ref().map(|c| c.kind.clone()),
        server_side_encryption: encryption.algorithm.clone(),
        version_id: shown,
        sse_customer_algorithm: encryption.customer_algorithm.clone(),
        sse_customer_key_md5: encryption.customer_key_md5.clone(),
        ssekms_key_id: encryption.kms_key_id.clone(),
        ssekms_encryption_context: input.ssekms_encryption_context.clone().filter(|_| encryption.kms_key_id.is_some()),
        bucket_key_enabled: encryption.bucket_key_enabled,
        expiration: crate::settings::expiration_of(s3, &input.bucket, &input.key, &version_id),
        ..Default::default()
    })
}
