//! CopyObject: the source named by `x-amz-copy-source` (URL-encoded,
//! optionally with `?versionId=`), its conditions, and the new object's
//! settings (copied or replaced). The bytes are not copied: the new version
//! shares the source's blob.

use super::common::*;
use super::write::{link, WriteConditions};
use crate::errors::*;
use crate::store::{Checksum as StoredChecksum, Version};
use crate::S3;
use simfra_gen_s3::types::*;
use simfra_gen_s3::*;
use simfra_model::{RequestContext, ServiceError, Timestamp};

/// The largest object CopyObject copies (larger ones take UploadPartCopy).
const MAX_COPY: u64 = 5 << 30;

/// A parsed `x-amz-copy-source`.
pub struct CopySource {
    pub bucket: String,
    pub key: String,
    pub version_id: Option<String>,
}

/// `bucket/key` or `/bucket/key`, URL-encoded, with an optional `?versionId=`.
pub fn parse_copy_source(raw: &str) -> Result<CopySource, ServiceError> {
    let bad = || invalid_argument("Invalid copy source object key");
    let (path, query) = match raw.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (raw, None),
    };
    let path = simfra_protocols::http::percent_decode(path.trim_start_matches('/'));
    let (bucket, key) = path.split_once('/').ok_or_else(bad)?;
    if bucket.is_empty() || key.is_empty() {
        return Err(bad());
    }
    let mut version_id = None;
    if let Some(q) = query {
        for pair in q.split('&') {
            if let Some(v) = pair.strip_prefix("versionId=") {
                version_id = Some(url_decode(v));
            }
        }
    }
    if let Some(v) = &version_id {
        if !valid_version_id(v) {
            return Err(invalid_version_id());
        }
    }
    Ok(CopySource { bucket: bucket.to_string(), key: key.to_string(), version_id })
}

/// `x-amz-copy-source-if-*`: any that fails answers 412.
pub struct CopyConditions<'a> {
    pub if_match: Option<&'a String>,
    pub if_none_match: Option<&'a String>,
    pub if_modified_since: Option<Timestamp>,
    pub if_unmodified_since: Option<Timestamp>,
}

/// `x-amz-source-expected-bucket-owner` (CopyObject and UploadPartCopy):
/// a source bucket another account owns answers 403.
pub fn check_source_owner(s3: &S3, src: &CopySource, expected: Option<&String>) -> Result<(), ServiceError> {
    if let Some(owner) = expected {
        let actual = s3.store.lock().get(&src.bucket).map(|b| b.owner_account.clone());
        if actual.is_some_and(|a| a != *owner) {
            return Err(access_denied());
        }
    }
    Ok(())
}

/// The source version of a copy, checked: it exists, is not a delete marker,
/// its conditions hold, its bytes are readable, the SSE-C key matches.
pub fn source_version(s3: &S3, ctx: &RequestContext, src: &CopySource, cond: &CopyConditions, key: Option<&CustomerKey>) -> Result<(Version, Option<String>), ServiceError> {
    s3.with_bucket(ctx, &src.bucket, |b| {
        let v = match &src.version_id {
            Some(id) => {
                let v = b.version(&src.key, id).ok_or_else(no_such_version)?;
                if v.delete_marker {
                    return Err(invalid_request("The source of a copy request may not specifically refer to a delete marker by version id."));
                }
                v.clone()
            }
            None => b.current(&src.key).filter(|v| !v.delete_marker).ok_or_else(no_such_key)?.clone(),
        };
        match evaluate(&v, cond.if_match.map(String::as_str), cond.if_none_match.map(String::as_str), cond.if_modified_since, cond.if_unmodified_since) {
            Precondition::Proceed => {}
            Precondition::Failed(_) | Precondition::NotModified => return Err(precondition_failed()),
        }
        if !readable(&v) {
            return Err(invalid_object_state(&v.storage_class));
        }
        check_customer_key_for_read(&v.encryption, key)?;
        let shown = shown_version(b, &v.version_id);
        Ok((v, shown))
    })
}

/// The source version of CopyObject or UploadPartCopy, whose inputs name the
/// source's expected owner and conditions with the same members on two
/// generated types: the owner check, then `source_version`. Returns early
/// (`?`) with the first error.
macro_rules! copy_source_of {
    ($s3:expr, $ctx:expr, $input:expr, $src:expr, $key:expr) => {{
        crate::objects::copy::check_source_owner($s3, $src, $input.expected_source_bucket_owner.as_ref())?;
        let cond = crate::objects::copy::CopyConditions {
            if_match: $input.copy_source_if_match.as_ref(),
            if_none_match: $input.copy_source_if_none_match.as_ref(),
            if_modified_since: $input.copy_source_if_modified_since,
            if_unmodified_since: $input.copy_source_if_unmodified_since,
        };
        crate::objects::copy::source_version($s3, $ctx, $src, &cond, $key)?
    }};
}
pub(crate) use copy_source_of;

pub(crate) async fn copy_object(s3: &S3, ctx: &RequestContext, input: CopyObjectRequest) -> Result<CopyObjectOutput, CopyObjectError> {
    check_key(&input.key)?;
    let src = parse_copy_source(&input.copy_source)?;
    let replace_metadata = match input.metadata_directive.as_ref().map(|d| d.as_str()) {
        None | Some("COPY") => false,
        Some("REPLACE") => true,
        Some(_) => return Err(invalid_argument("Unknown metadata directive.").into()),
    };
    let replace_tags = match input.tagging_directive.as_ref().map(|d| d.as_str()) {
        None | Some("COPY") => false,
        Some("REPLACE") => true,
        Some(_) => return Err(invalid_argument("Unknown tagging directive.").into()),
    };
    let class = storage_class(input.storage_class.as_ref())?;
    let metadata = user_metadata(input.metadata.as_ref())?;
    let tags = tagging_header(input.tagging.as_ref())?;
    let redirect = redirect_location(input.website_redirect_location.as_ref())?;
    let customer = customer_key(input.sse_customer_algorithm.as_ref(), input.sse_customer_key.as_ref(), input.sse_customer_key_md5.as_ref())?;
    let source_key = customer_key(
        input.copy_source_sse_customer_algorithm.as_ref(),
        input.copy_source_sse_customer_key.as_ref(),
        input.copy_source_sse_customer_key_md5.as_ref(),
    )?;
    let (source, source_shown) = copy_source_of!(s3, ctx, input, &src, source_key.as_ref());
    if source.size > MAX_COPY {
        return Err(invalid_request(format!(
            "The specified copy source is larger than the maximum allowable size for a copy source: {MAX_COPY}"
        ))
        .into());
    }
    let same_object = src.bucket == input.bucket && src.key == input.key;
    // The copy is a new single-part object sharing the source's bytes: a
    // multipart source's ETag and composite checksum do not carry over, and a
    // new checksum algorithm is computed over the bytes.
    let (etag, checksum) = copy_digests(&source, input.checksum_algorithm.as_ref()).await?;
    let now = Timestamp::now();
    let grants = grant_headers_of!(input);
    let (version, shown, dropped) = s3.with_bucket(ctx, &input.bucket, |b| {
        check_expected_owner(b, input.expected_bucket_owner.as_ref())?;
        // A copy takes the ACL the request asks for, not the source's.
        let acl = crate::access::object_acl_from_request(b, ctx, input.acl.as_ref(), &grants)?;
        let encryption = write_encryption(ctx, b, input.server_side_encryption.as_ref(), input.ssekms_key_id.as_ref(), input.bucket_key_enabled, customer.as_ref())?;
        let changes = replace_metadata
            || input.storage_class.is_some()
            || input.website_redirect_location.is_some()
            || input.server_side_encryption.is_some()
            || customer.is_some()
            || input.checksum_algorithm.as_ref().is_some_and(|a| source.checksum.as_ref().is_none_or(|c| c.algorithm != *a));
        if same_object && !changes {
            return Err(invalid_request(
                "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
            ));
        }
        let (retention, legal_hold) = write_retention(b, input.object_lock_mode.as_ref(), input.object_lock_retain_until_date, input.object_lock_legal_hold_status.as_ref())?;
        let (headers, metadata) = if replace_metadata {
            (
                content_headers_of!(input, redirect.clone()),
                metadata.clone(),
            )
        } else {
            let mut h = source.headers.clone();
            h.website_redirect_location = redirect.clone();
            (h, source.metadata.clone())
        };
        let v = Version {
            version_id: b.next_version_id(),
            delete_marker: false,
            blob: source.blob.clone(),
            size: source.size,
            etag: etag.clone(),
            last_modified: now,
            owner_account: ctx.account_id.clone(),
            headers,
            metadata,
            storage_class: class.clone(),
            checksum: checksum.clone(),
            parts: Vec::new(),
            encryption,
            tags: if replace_tags { tags.clone() } else { source.tags.clone() },
            acl,
            retention,
            legal_hold,
            restore: None,
        };
        let dropped = link(b, &input.key, v.clone(), &WriteConditions::default())?;
        Ok((v.clone(), shown_version(b, &v.version_id), dropped))
    })?;
    drop(dropped);
    event(s3, ctx, &input.bucket, "ObjectCreated:Copy", &input.key, version.size, &version.etag, Some(&version.version_id));
    let sums = ChecksumFields::of(version.checksum.as_ref());
    let enc = &version.encryption;
    Ok(CopyObjectOutput {
        copy_object_result: Some(CopyObjectResult {
            e_tag: Some(version.etag.clone()),
            last_modified: Some(version.last_modified),
            checksum_type: version.checksum.as_ref().map(|c| c.kind.clone()),
            checksum_crc32: sums.crc32,
            checksum_crc32c: sums.crc32c,
            checksum_crc64nvme: sums.crc64nvme,
            checksum_sha1: sums.sha1,
            checksum_sha256: sums.sha256,
        }),
        copy_source_version_id: source_shown,
        version_id: shown,
        server_side_encryption: enc.algorithm.clone(),
        sse_customer_algorithm: enc.customer_algorithm.clone(),
        sse_customer_key_md5: enc.customer_key_md5.clone(),
        ssekms_key_id: enc.kms_key_id.clone(),
        bucket_key_enabled: enc.bucket_key_enabled,
        ..Default::default()
    })
}

/// The copy's ETag and checksum: the source's when they describe its bytes
/// as one piece, else computed in one pass over the shared blob.
async fn copy_digests(source: &Version, wanted: Option<&ChecksumAlgorithm>) -> Result<(String, Option<StoredChecksum>), ServiceError> {
    use futures::StreamExt;
    let multipart = !source.parts.is_empty();
    let alg = wanted.cloned().or_else(|| source.checksum.as_ref().map(|c| c.algorithm.clone()));
    let kept = match (&source.checksum, &alg) {
        (Some(c), Some(a)) if c.algorithm == *a && c.kind == ChecksumType::FullObject => Some(c.clone()),
        _ => None,
    };
    if !multipart && (kept.is_some() || alg.is_none()) {
        return Ok((source.etag.clone(), kept));
    }
    let mut md5 = crate::checksums::Md5Hasher::default();
    let mut hasher = if kept.is_some() { None } else { alg.as_ref().and_then(crate::checksums::Hasher::new) };
    if let Some(blob) = &source.blob {
        let mut chunks = crate::storage::read(blob.clone(), 0, source.size).take();
        while let Some(chunk) = chunks.next().await {
            let chunk = chunk.map_err(ServiceError::from)?;
            if multipart {
                md5.update(&chunk);
            }
            if let Some(h) = &mut hasher {
                h.update(&chunk);
            }
        }
    }
    let etag = if multipart { format!("\"{}\"", crate::checksums::hex(&md5.finish())) } else { source.etag.clone() };
    let checksum = kept.or_else(|| {
        let (a, h) = (alg?, hasher?);
        Some(StoredChecksum { algorithm: a, value: h.finish_base64(), kind: ChecksumType::FullObject })
    });
    Ok((etag, checksum))
}
