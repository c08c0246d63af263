//! Multipart uploads: an upload holds the new object's settings and its
//! parts (each streamed to its own blob); completing checks the parts named
//! (they exist, ETags match, ascending order, 5 MiB minimum but the last),
//! joins their blobs without copying, and computes the ETag (MD5 of the
//! parts' MD5s, `-N`) and the checksum (COMPOSITE `…-N` or a FULL_OBJECT
//! CRC combined from the parts' CRCs) as S3 does.

use crate::checksums;
use crate::errors::*;
use crate::objects::common::*;
use crate::objects::copy::{copy_source_of, parse_copy_source};
use crate::objects::write::{link, WriteConditions};
use crate::store::{Bucket, Checksum, Part, Upload, Version};
use crate::S3;
use simfra_gen_s3::types::*;
use simfra_gen_s3::*;
use simfra_model::{RequestContext, ServiceError, Timestamp};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Operations this module serves (listed in `S3Api::implemented`).
pub(crate) const SERVED: &[&str] =
    &["AbortMultipartUpload", "CompleteMultipartUpload", "CreateMultipartUpload", "ListMultipartUploads", "ListParts", "UploadPart", "UploadPartCopy"];

/// Every part but the last must be at least this large.
const MIN_PART: u64 = 5 << 20;

fn check_part_number(n: i32) -> Result<(), ServiceError> {
    if !(1..=10_000).contains(&n) {
        return Err(with_elements(
            invalid_argument("Part number must be an integer between 1 and 10000, inclusive"),
            &[("ArgumentName", "partNumber".into()), ("ArgumentValue", n.to_string())],
        ));
    }
    Ok(())
}

/// The upload a request names (its key must match too).
fn upload_mut<'a>(b: &'a mut Bucket, key: &str, upload_id: &str) -> Result<&'a mut Upload, ServiceError> {
    match b.uploads.get_mut(upload_id) {
        Some(u) if u.key == key => Ok(u),
        _ => Err(with_elements(no_such_upload(), &[("UploadId", upload_id.to_string())])),
    }
}

/// The initiator as S3 shows it: an IAM principal's ARN, the root's canonical id.
fn initiator(u: &Upload) -> Initiator {
    let id = if u.initiator_arn.ends_with(":root") { crate::ids::canonical_id(&u.initiator_account) } else { u.initiator_arn.clone() };
    Initiator { id: Some(id), display_name: Some("simfra".into()) }
}

/// Which checksum type an upload gets, checked against its algorithm.
fn checksum_type(alg: Option<&ChecksumAlgorithm>, kind: Option<&ChecksumType>) -> Result<Option<ChecksumType>, ServiceError> {
    let Some(alg) = alg else {
        if kind.is_some() {
            return Err(invalid_request("The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header."));
        }
        return Ok(None);
    };
    if checksums::Hasher::new(alg).is_none() {
        return Err(invalid_request("Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]"));
    }
    let crc = matches!(alg, ChecksumAlgorithm::Crc32 | ChecksumAlgorithm::Crc32c | ChecksumAlgorithm::Crc64nvme);
    let kind = match kind {
        Some(k) => k.clone(),
        None if *alg == ChecksumAlgorithm::Crc64nvme => ChecksumType::FullObject,
        None => ChecksumType::Composite,
    };
    match kind.as_str() {
        "FULL_OBJECT" if !crc => Err(invalid_request(format!(
            "The FULL_OBJECT checksum type cannot be used with the {} checksum algorithm.",
            alg.as_str().to_ascii_lowercase()
        ))),
        "COMPOSITE" if *alg == ChecksumAlgorithm::Crc64nvme => {
            Err(invalid_request("The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm."))
        }
        "FULL_OBJECT" | "COMPOSITE" => Ok(Some(kind)),
        _ => Err(invalid_request("Value for x-amz-checksum-type header is invalid.")),
    }
}

pub(crate) async fn create_multipart_upload(
    s3: &S3,
    ctx: &RequestContext,
    input: CreateMultipartUploadRequest,
) -> Result<CreateMultipartUploadOutput, CreateMultipartUploadError> {
    check_key(&input.key)?;
    let customer = customer_key(input.sse_customer_algorithm.as_ref(), input.sse_customer_key.as_ref(), input.sse_customer_key_md5.as_ref())?;
    let class = storage_class(input.storage_class.as_ref())?;
    let metadata = user_metadata(input.metadata.as_ref())?;
    let tags = tagging_header(input.tagging.as_ref())?;
    let redirect = redirect_location(input.website_redirect_location.as_ref())?;
    let kind = checksum_type(input.checksum_algorithm.as_ref(), input.checksum_type.as_ref())?;
    let upload_id = crate::ids::upload_id();
    let now = Timestamp::now();
    let grants = grant_headers_of!(input);
    let encryption = s3.with_bucket(ctx, &input.bucket, |b| {
        check_expected_owner(b, input.expected_bucket_owner.as_ref())?;
        let acl = crate::access::object_acl_from_request(b, ctx, input.acl.as_ref(), &grants)?;
        let encryption = write_encryption(ctx, b, input.server_side_encryption.as_ref(), input.ssekms_key_id.as_ref(), input.bucket_key_enabled, customer.as_ref())?;
        let (retention, legal_hold) =
            write_retention(b, input.object_lock_mode.as_ref(), input.object_lock_retain_until_date, input.object_lock_legal_hold_status.as_ref())?;
        let template = Version {
            version_id: String::new(),
            delete_marker: false,
            blob: None,
            size: 0,
            etag: String::new(),
            last_modified: now,
            owner_account: ctx.account_id.clone(),
            headers: content_headers_of!(input, redirect.clone()),
            metadata: metadata.clone(),
            storage_class: class.clone(),
            checksum: None,
            parts: Vec::new(),
            encryption: encryption.clone(),
            tags: tags.clone(),
            acl,
            retention,
            legal_hold,
            restore: None,
        };
        b.uploads.insert(
            upload_id.clone(),
            Upload {
                upload_id: upload_id.clone(),
                key: input.key.clone(),
                initiated: now,
                initiator_account: ctx.account_id.clone(),
                initiator_arn: ctx.principal_arn.clone().unwrap_or_else(|| format!("arn:aws:iam::{}:root", ctx.account_id)),
                template,
                checksum_algorithm: input.checksum_algorithm.clone(),
                checksum_type: kind.clone(),
                parts: BTreeMap::new(),
            },
        );
        Ok(encryption)
    })?;
    Ok(CreateMultipartUploadOutput {
        bucket: Some(input.bucket),
        key: Some(input.key),
        upload_id: Some(upload_id),
        server_side_encryption: encryption.algorithm.clone(),
        sse_customer_algorithm: encryption.customer_algorithm.clone(),
        sse_customer_key_md5: encryption.customer_key_md5.clone(),
        ssekms_key_id: encryption.kms_key_id.clone(),
        ssekms_encryption_context: input.ssekms_encryption_context.filter(|_| encryption.kms_key_id.is_some()),
        bucket_key_enabled: encryption.bucket_key_enabled,
        checksum_algorithm: input.checksum_algorithm,
        checksum_type: kind,
        ..Default::default()
    })
}

/// The SSE-C key a part of an SSE-C upload must carry (the upload's own).
fn check_part_key(u: &Upload, given: Option<&CustomerKey>) -> Result<(), ServiceError> {
    match (&u.template.encryption.customer_key_md5, given) {
        (None, None) => Ok(()),
        (None, Some(_)) => Err(invalid_request("The encryption parameters are not applicable to this object.")),
        (Some(_), None) => Err(invalid_request("The multipart upload initiate requested encryption. Subsequent part requests must include the appropriate encryption parameters.")),
        (Some(stored), Some(k)) if *stored != k.key_md5 => Err(invalid_request(
            "The provided encryption parameters did not match the ones used originally.",
        )),
        _ => Ok(()),
    }
}

pub(crate) async fn upload_part(s3: &S3, ctx: &RequestContext, input: UploadPartRequest) -> Result<UploadPartOutput, UploadPartError> {
    check_part_number(input.part_number)?;
    let customer = customer_key(input.sse_customer_algorithm.as_ref(), input.sse_customer_key.as_ref(), input.sse_customer_key_md5.as_ref())?;
    let sums = checksum_fields_of!(input);
    let declared = declared_integrity(ctx, input.content_md5.as_ref(), input.checksum_algorithm.as_ref(), &sums)?;
    check_content_length(input.content_length)?;
    let (upload_alg, encryption) = s3.with_bucket(ctx, &input.bucket, |b| {
        check_expected_owner(b, input.expected_bucket_owner.as_ref())?;
        let u = upload_mut(b, &input.key, &input.upload_id)?;
        check_part_key(u, customer.as_ref())?;
        if (u.template.retention.is_some() || u.template.legal_hold) && !declared.any() {
            return Err(invalid_request("Content-MD5 OR x-amz-checksum- HTTP header is required for Put Part requests with Object Lock parameters"));
        }
        if let (Some(want), Some(got)) = (&u.checksum_algorithm, &declared.algorithm) {
            if want != got {
                return Err(invalid_request(format!(
                    "Checksum Type mismatch occurred, expected checksum Type: {}, actual checksum Type: {}",
                    want.as_str().to_ascii_lowercase(),
                    got.as_str().to_ascii_lowercase()
                )));
            }
        }
        Ok((u.checksum_algorithm.clone(), u.template.encryption.clone()))
    })?;
    let kept = kept_algorithm(upload_alg.as_ref());
    let mut algorithms = vec![kept.clone()];
    algorithms.extend(declared.algorithm.clone().filter(|a| *a != kept));
    let body = input.body.clone().unwrap_or_default();
    let written = crate::storage::write(body.clone(), &algorithms).await?;
    verify_integrity(&declared, &written.md5, &written.checksums, &body.trailers())?;
    let checksum = part_checksum(&kept, &written.checksums);
    // The answer carries the checksum the client sent, else the one kept.
    let answered = match &declared.algorithm {
        Some(a) if *a != kept => part_checksum(a, &written.checksums),
        _ => checksum.clone(),
    };
    let etag = add_part(s3, ctx, &input.bucket, &input.key, &input.upload_id, input.part_number, written, checksum, Timestamp::now())?;
    let f = ChecksumFields::of(answered.as_ref());
    Ok(UploadPartOutput {
        e_tag: Some(etag),
        checksum_crc32: f.crc32,
        checksum_crc32c: f.crc32c,
        checksum_crc64nvme: f.crc64nvme,
        checksum_sha1: f.sha1,
        checksum_sha256: f.sha256,
        server_side_encryption: encryption.algorithm.clone(),
        sse_customer_algorithm: encryption.customer_algorithm.clone(),
        sse_customer_key_md5: encryption.customer_key_md5.clone(),
        ssekms_key_id: encryption.kms_key_id.clone(),
        bucket_key_enabled: encryption.bucket_key_enabled,
        ..Default::default()
    })
}

/// Records a part written to disk on its upload (UploadPart and
/// UploadPartCopy), replacing any part with the same number, and answers the
/// part's ETag. The upload is looked up again: it may have been completed or
/// aborted while the bytes were written. A replaced part is dropped after the
/// store's lock is released (dropping its blob removes a file).
#[allow(clippy::too_many_arguments)]
fn add_part(
    s3: &S3,
    ctx: &RequestContext,
    bucket: &str,
    key: &str,
    upload_id: &str,
    number: i32,
    written: crate::storage::Written,
    checksum: Option<Checksum>,
    now: Timestamp,
) -> Result<String, ServiceError> {
    let etag = format!("\"{}\"", checksums::hex(&written.md5));
    let part = Part {
        number,
        size: written.blob.size,
        blob: Arc::new(written.blob),
        etag: etag.clone(),
        md5: written.md5,
        last_modified: now,
        checksum,
    };
    let replaced = s3.with_bucket(ctx, bucket, |b| Ok(upload_mut(b, key, upload_id)?.parts.insert(part.number, part)))?;
    drop(replaced);
    Ok(etag)
}

/// `x-amz-copy-source-range: bytes=first-last` within a source of `size` bytes.
fn copy_range(h: &str, size: u64) -> Result<(u64, u64), ServiceError> {
    let syntax = || {
        invalid_argument("The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy")
    };
    let spec = h.trim().strip_prefix("bytes=").ok_or_else(syntax)?;
    let (a, b) = spec.split_once('-').ok_or_else(syntax)?;
    let (first, last) = (a.trim().parse::<u64>().map_err(|_| syntax())?, b.trim().parse::<u64>().map_err(|_| syntax())?);
    if first > last {
        return Err(syntax());
    }
    if last >= size {
        return Err(invalid_argument(format!("Range specified is not valid for source object of size: {size}")));
    }
    Ok((first, last - first + 1))
}

pub(crate) async fn upload_part_copy(s3: &S3, ctx: &RequestContext, input: UploadPartCopyRequest) -> Result<UploadPartCopyOutput, UploadPartCopyError> {
    check_part_number(input.part_number)?;
    let src = parse_copy_source(&input.copy_source)?;
    let customer = customer_key(input.sse_customer_algorithm.as_ref(), input.sse_customer_key.as_ref(), input.sse_customer_key_md5.as_ref())?;
    let source_key = customer_key(
        input.copy_source_sse_customer_algorithm.as_ref(),
        input.copy_source_sse_customer_key.as_ref(),
        input.copy_source_sse_customer_key_md5.as_ref(),
    )?;
    let (algorithm, encryption) = s3.with_bucket(ctx, &input.bucket, |b| {
        check_expected_owner(b, input.expected_bucket_owner.as_ref())?;
        let u = upload_mut(b, &input.key, &input.upload_id)?;
        check_part_key(u, customer.as_ref())?;
        Ok((u.checksum_algorithm.clone(), u.template.encryption.clone()))
    })?;
    let (source, source_shown) = copy_source_of!(s3, ctx, input, &src, source_key.as_ref());
    let (start, len) = match &input.copy_source_range {
        Some(r) => copy_range(r, source.size)?,
        None => (0, source.size),
    };
    if len > crate::storage::MAX_BODY {
        return Err(invalid_request(format!(
            "The specified copy source is larger than the maximum allowable size for a copy source: {}",
            crate::storage::MAX_BODY
        ))
        .into());
    }
    // The part's bytes stream through MD5 (its ETag) and the upload's checksum.
    let body = match &source.blob {
        Some(blob) if len > 0 => crate::storage::read(blob.clone(), start, len),
        _ => simfra_model::ByteStream::empty(),
    };
    let kept = kept_algorithm(algorithm.as_ref());
    let written = crate::storage::write(body, std::slice::from_ref(&kept)).await?;
    let checksum = part_checksum(&kept, &written.checksums);
    let now = Timestamp::now();
    let etag = add_part(s3, ctx, &input.bucket, &input.key, &input.upload_id, input.part_number, written, checksum.clone(), now)?;
    let f = ChecksumFields::of(checksum.as_ref());
    Ok(UploadPartCopyOutput {
        copy_source_version_id: source_shown,
        copy_part_result: Some(CopyPartResult {
            e_tag: Some(etag),
            last_modified: Some(now),
            checksum_crc32: f.crc32,
            checksum_crc32c: f.crc32c,
            checksum_crc64nvme: f.crc64nvme,
            checksum_sha1: f.sha1,
            checksum_sha256: f.sha256,
        }),
        server_side_encryption: encryption.algorithm.clone(),
        sse_customer_algorithm: encryption.customer_algorithm.clone(),
        sse_customer_key_md5: encryption.customer_key_md5.clone(),
        ssekms_key_id: encryption.kms_key_id.clone(),
        bucket_key_enabled: encryption.bucket_key_enabled,
        ..Default::default()
    })
}

/// The checksum algorithm a part keeps: its upload's, else the CRC64NVME S3
/// adds to uploads created without one (the completed object then gets a
/// FULL_OBJECT CRC64NVME combined from the parts').
fn kept_algorithm(upload: Option<&ChecksumAlgorithm>) -> ChecksumAlgorithm {
    upload.cloned().unwrap_or(ChecksumAlgorithm::Crc64nvme)
}

fn part_checksum(alg: &ChecksumAlgorithm, computed: &[(ChecksumAlgorithm, String)]) -> Option<Checksum> {
    computed
        .iter()
        .find(|(a, _)| a == alg)
        .map(|(a, v)| Checksum { algorithm: a.clone(), value: v.clone(), kind: ChecksumType::FullObject })
}

/// The checksum of a completed object from its parts' checksums (all of `alg`).
fn object_checksum(alg: &ChecksumAlgorithm, kind: &ChecksumType, parts: &[Part]) -> Option<Checksum> {
    let digests: Vec<Vec<u8>> = parts
        .iter()
        .map(|p| p.checksum.as_ref().filter(|c| c.algorithm == *alg).and_then(|c| checksums::from_base64(&c.value)))
        .collect::<Option<_>>()?;
    let value = match kind {
        ChecksumType::FullObject => {
            let crc = match alg {
                ChecksumAlgorithm::Crc32 => crc_fast::CrcAlgorithm::Crc32IsoHdlc,
                ChecksumAlgorithm::Crc32c => crc_fast::CrcAlgorithm::Crc32Iscsi,
                ChecksumAlgorithm::Crc64nvme => crc_fast::CrcAlgorithm::Crc64Nvme,
                _ => return None,
            };
            let as_u64 = |d: &[u8]| d.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
            let mut combined = as_u64(&digests[0]);
            for (p, d) in parts.iter().zip(&digests).skip(1) {
                combined = crc_fast::checksum_combine(crc, combined, as_u64(d), p.size);
            }
            let bytes = combined.to_be_bytes();
            checksums::base64(&bytes[8 - digests[0].len()..])
        }
        _ => {
            let joined: Vec<u8> = digests.concat();
            format!("{}-{}", checksums::base64(&checksums::digest(alg, &joined)?), parts.len())
        }
    };
    Some(Checksum { algorithm: alg.clone(), value, kind: kind.clone() })
}

fn invalid_part(upload_id: &str, n: i32, etag: &str) -> ServiceError {
    with_elements(
        ServiceError::new(
            "InvalidPart",
            400,
            "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
        ),
        &[("UploadId", upload_id.to_string()), ("PartNumber", n.to_string()), ("ETag", etag.to_string())],
    )
}

pub(crate) async fn complete_multipart_upload(
    s3: &S3,
    ctx: &RequestContext,
    input: CompleteMultipartUploadRequest,
) -> Result<CompleteMultipartUploadOutput, CompleteMultipartUploadError> {
    let cond = WriteConditions { if_match: input.if_match.clone(), if_none_match: input.if_none_match.clone() };
    cond.check_syntax()?;
    let customer = customer_key(input.sse_customer_algorithm.as_ref(), input.sse_customer_key.as_ref(), input.sse_customer_key_md5.as_ref())?;
    let named = input.multipart_upload.as_ref().and_then(|m| m.parts.clone()).unwrap_or_default();
    let whole = checksum_fields_of!(input);
    let location = format!("{}/{}/{}", ctx.endpoint_url(), input.bucket, input.key);
    let completing = s3.with_bucket(ctx, &input.bucket, |b| {
        check_expected_owner(b, input.expected_bucket_owner.as_ref())?;
        let u = upload_mut(b, &input.key, &input.upload_id)?;
        if u.template.encryption.customer_key_md5.is_some() {
            check_part_key(u, customer.as_ref())?;
        }
        if named.is_empty() {
            return Err(malformed_xml());
        }
        let mut chosen: Vec<Part> = Vec::with_capacity(named.len());
        let mut previous = 0;
        for p in &named {
            let n = p.part_number.ok_or_else(malformed_xml)?;
            if n <= previous {
                return Err(ServiceError::new("InvalidPartOrder", 400, "The list of parts was not in ascending order. Parts must be ordered by part number."));
            }
            previous = n;
            let etag = p.e_tag.clone().unwrap_or_default();
            let stored = u.parts.get(&n).ok_or_else(|| invalid_part(&u.upload_id, n, &etag))?;
            if stored.etag.trim_matches('"') != etag.trim().trim_matches('"') {
                return Err(invalid_part(&u.upload_id, n, &etag));
            }
            if let Some(alg) = &u.checksum_algorithm {
                let sent = checksum_fields_of!(p).given();
                match sent.iter().find(|(a, _)| a == alg) {
                    None => {
                        return Err(invalid_request(format!(
                            "The upload was created using a {} checksum. The complete request must include the checksum for each part. It was missing for part {n} in the request.",
                            alg.as_str().to_ascii_lowercase()
                        )))
                    }
                    Some((_, v)) if stored.checksum.as_ref().is_none_or(|c| c.value != *v) => return Err(invalid_part(&u.upload_id, n, &etag)),
                    Some(_) => {}
                }
            }
            chosen.push(stored.clone());
        }
        for (i, p) in chosen.iter().enumerate() {
            if i + 1 < chosen.len() && p.size < MIN_PART {
                return Err(with_elements(
                    ServiceError::new("EntityTooSmall", 400, "Your proposed upload is smaller than the minimum allowed size"),
                    &[
                        ("ProposedSize", p.size.to_string()),
                        ("MinSizeAllowed", MIN_PART.to_string()),
                        ("PartNumber", p.number.to_string()),
                        ("ETag", p.etag.trim_matches('"').to_string()),
                    ],
                ));
            }
        }
        let size: u64 = chosen.iter().map(|p| p.size).sum();
        if let Some(declared) = input.mpu_object_size {
            if declared as u64 != size {
                return Err(invalid_request(format!(
                    "The provided 'x-amz-mp-object-size' header value {declared} does not match what was computed: {size}"
                )));
            }
        }
        let checksum = match (&u.checksum_algorithm, &u.checksum_type) {
            (Some(alg), Some(kind)) => object_checksum(alg, kind, &chosen),
            _ => object_checksum(&ChecksumAlgorithm::Crc64nvme, &ChecksumType::FullObject, &chosen),
        };
        if let Some((alg, sent)) = whole.given().into_iter().next() {
            match &checksum {
                Some(c) if c.algorithm == alg && c.value != sent => {
                    return Err(ServiceError::new("BadDigest", 400, format!("The {} you specified did not match the calculated checksum.", alg.as_str())));
                }
                _ => {}
            }
        }
        let etag = checksums::multipart_etag(&chosen.iter().map(|p| p.md5).collect::<Vec<_>>());
        let upload = u.clone();
        let mut v = upload.template.clone();
        v.version_id = b.next_version_id();
        v.blob = Some(Arc::new(crate::storage::join(chosen.iter().map(|p| p.blob.clone()).collect())));
        v.size = size;
        v.etag = etag.clone();
        v.last_modified = Timestamp::now();
        v.checksum = checksum;
        v.parts = chosen;
        let id = v.version_id.clone();
        let enc = v.encryption.clone();
        let out_checksum = v.checksum.clone();
        let dropped = link(b, &input.key, v, &cond)?;
        let removed = b.uploads.remove(&input.upload_id);
        Ok((id.clone(), shown_version(b, &id), etag, size, enc, out_checksum, dropped, removed))
    });
    let result = match completing {
        Ok(r) => r,
        // A retried completion of an upload that completed answers as the first did.
        Err(e) if e.code == "NoSuchUpload" => return completed::recall(&input.bucket, &input.key, &input.upload_id).ok_or(e).map_err(Into::into),
        Err(e) => return Err(e.into()),
    };
    let (version_id, shown, etag, size, enc, checksum, dropped, removed) = result;
    drop(dropped);
    drop(removed);
    event(s3, ctx, &input.bucket, "ObjectCreated:CompleteMultipartUpload", &input.key, size, &etag, Some(&version_id));
    let f = ChecksumFields::of(checksum.as_ref());
    let out = CompleteMultipartUploadOutput {
        location: Some(location),
        bucket: Some(input.bucket),
        key: Some(input.key),
        e_tag: Some(etag),
        checksum_crc32: f.crc32,
        checksum_crc32c: f.crc32c,
        checksum_crc64nvme: f.crc64nvme,
        checksum_sha1: f.sha1,
        checksum_sha256: f.sha256,
        checksum_type: checksum.as_ref().map(|c| c.kind.clone()),
        server_side_encryption: enc.algorithm.clone(),
        version_id: shown,
        ssekms_key_id: enc.kms_key_id.clone(),
        bucket_key_enabled: enc.bucket_key_enabled,
        ..Default::default()
    };
    completed::remember(&out, &input.upload_id);
    Ok(out)
}

/// Uploads completed lately, so that a client retrying a completion whose
/// answer it lost (or aborting after it) gets what S3 answers: the same
/// result, and 204 for the abort. The most recent ones are kept.
mod completed {
    use simfra_gen_s3::types::CompleteMultipartUploadOutput;
    use std::collections::VecDeque;
    use std::sync::Mutex;

    const KEPT: usize = 10_000;
    static DONE: Mutex<VecDeque<(String, CompleteMultipartUploadOutput)>> = Mutex::new(VecDeque::new());

    pub fn remember(out: &CompleteMultipartUploadOutput, upload_id: &str) {
        let mut done = DONE.lock().unwrap_or_else(|e| e.into_inner());
        if done.len() == KEPT {
            done.pop_front();
        }
        done.push_back((upload_id.to_string(), out.clone()));
    }

    pub fn recall(bucket: &str, key: &str, upload_id: &str) -> Option<CompleteMultipartUploadOutput> {
        let done = DONE.lock().unwrap_or_else(|e| e.into_inner());
        done.iter()
            .find(|(id, out)| id == upload_id && out.bucket.as_deref() == Some(bucket) && out.key.as_deref() == Some(key))
            .map(|(_, out)| out.clone())
    }
}

pub(crate) async fn abort_multipart_upload(s3: &S3, ctx: &RequestContext, input: AbortMultipartUploadRequest) -> Result<AbortMultipartUploadOutput, AbortMultipartUploadError> {
    let removed = s3.with_bucket(ctx, &input.bucket, |b| {
        check_expected_owner(b, input.expected_bucket_owner.as_ref())?;
        let u = upload_mut(b, &input.key, &input.upload_id)?;
        if let Some(t) = input.if_match_initiated_time {
            if t.secs != u.initiated.secs {
                return Err(precondition_failed());
            }
        }
        Ok(b.uploads.remove(&input.upload_id))
    });
    match removed {
        Ok(removed) => drop(removed),
        // Aborting an upload that just completed is answered 204, as S3 does.
        Err(e) if e.code == "NoSuchUpload" && completed::recall(&input.bucket, &input.key, &input.upload_id).is_some() => {}
        Err(e) => return Err(e.into()),
    }
    Ok(AbortMultipartUploadOutput::default())
}

/// `encoding-type=url`: keys and prefixes in answers are URL-encoded (as listings do).
fn encode_key(s: &str, url: bool) -> String {
    if url {
        crate::listing::url_encode(s)
    } else {
        s.to_string()
    }
}

pub(crate) async fn list_multipart_uploads(
    s3: &S3,
    ctx: &RequestContext,
    input: ListMultipartUploadsRequest,
) -> Result<ListMultipartUploadsOutput, ListMultipartUploadsError> {
    let max = input.max_uploads.unwrap_or(1000);
    if max < 0 {
        return Err(invalid_argument("Argument max-uploads must be an integer between 0 and 2147483647").into());
    }
    let max = max.min(1000) as usize;
    let url = input.encoding_type.as_ref().is_some_and(|e| e.as_str() == "url");
    let prefix = input.prefix.clone().unwrap_or_default();
    let delimiter = input.delimiter.clone().filter(|d| !d.is_empty());
    let key_marker = input.key_marker.clone().unwrap_or_default();
    let upload_marker = input.upload_id_marker.clone().filter(|_| !key_marker.is_empty());
    let uploads = s3.with_bucket(ctx, &input.bucket, |b| {
        check_expected_owner(b, input.expected_bucket_owner.as_ref())?;
        let mut all: Vec<Upload> = b.uploads.values().filter(|u| u.key.starts_with(&prefix)).cloned().collect();
        all.sort_by(|a, b| (&a.key, a.initiated.as_f64(), &a.upload_id).partial_cmp(&(&b.key, b.initiated.as_f64(), &b.upload_id)).unwrap_or(std::cmp::Ordering::Equal));
        Ok(all)
    })?;
    // After the markers: keys past key-marker, or (with upload-id-marker)
    // also that key's uploads initiated after the marker's.
    let marker_pos = upload_marker.as_ref().and_then(|m| uploads.iter().position(|u| u.key == key_marker && u.upload_id == *m));
    let after_marker = |i: usize, u: &Upload| -> bool {
        if key_marker.is_empty() {
            return true;
        }
        u.key > key_marker || (u.key == key_marker && marker_pos.is_some_and(|p| i > p))
    };
    let mut page: Vec<MultipartUpload> = Vec::new();
    let mut prefixes: Vec<String> = Vec::new();
    let mut truncated = false;
    let mut last: Option<(String, Option<String>)> = None;
    for (_, u) in uploads.iter().enumerate().filter(|(i, u)| after_marker(*i, u)) {
        let common = delimiter.as_ref().and_then(|d| u.key[prefix.len()..].find(d.as_str()).map(|i| u.key[..prefix.len() + i + d.len()].to_string()));
        if let Some(cp) = &common {
            if prefixes.last() == Some(cp) {
                continue;
            }
            if !key_marker.is_empty() && cp.as_str() <= key_marker.as_str() && key_marker.starts_with(cp.as_str()) {
                continue;
            }
        }
        if page.len() + prefixes.len() >= max {
            truncated = true;
            break;
        }
        match common {
            Some(cp) => {
                last = Some((cp.clone(), None));
                prefixes.push(cp);
            }
            None => {
                last = Some((u.key.clone(), Some(u.upload_id.clone())));
                page.push(MultipartUpload {
                    upload_id: Some(u.upload_id.clone()),
                    key: Some(encode_key(&u.key, url)),
                    initiated: Some(u.initiated),
                    storage_class: Some(u.template.storage_class.clone()),
                    owner: Some(crate::ids::owner(&u.initiator_account)),
                    initiator: Some(initiator(u)),
                    checksum_algorithm: u.checksum_algorithm.clone(),
                    checksum_type: u.checksum_type.clone(),
                });
            }
        }
    }
    // S3 names the last entry listed as the next markers, truncated or not.
    let (next_key, next_upload) = match &last {
        Some((k, id)) => (Some(encode_key(k, url)), id.clone()),
        None => (None, None),
    };
    Ok(ListMultipartUploadsOutput {
        bucket: Some(input.bucket),
        key_marker: Some(encode_key(&key_marker, url)),
        upload_id_marker: Some(input.upload_id_marker.unwrap_or_default()),
        next_key_marker: next_key,
        prefix: Some(encode_key(&prefix, url)),
        delimiter: delimiter.map(|d| encode_key(&d, url)),
        next_upload_id_marker: next_upload,
        max_uploads: Some(max as i32),
        is_truncated: Some(truncated),
        uploads: (!page.is_empty()).then_some(page),
        common_prefixes: (!prefixes.is_empty()).then(|| prefixes.into_iter().map(|p| CommonPrefix { prefix: Some(encode_key(&p, url)) }).collect()),
        encoding_type: input.encoding_type,
        request_charged: None,
    })
}

pub(crate) async fn list_parts(s3: &S3, ctx: &RequestContext, input: ListPartsRequest) -> Result<ListPartsOutput, ListPartsError> {
    let max = input.max_parts.unwrap_or(1000);
    if max < 0 {
        return Err(invalid_argument("Argument max-parts must be an integer between 0 and 2147483647").into());
    }
    let max = max.min(1000) as usize;
    let marker: i32 = match &input.part_number_marker {
        Some(m) if !m.is_empty() => m.parse().map_err(|_| invalid_argument("Provided part-number-marker not an integer or within integer range"))?,
        _ => 0,
    };
    let u = s3.with_bucket(ctx, &input.bucket, |b| {
        check_expected_owner(b, input.expected_bucket_owner.as_ref())?;
        Ok(upload_mut(b, &input.key, &input.upload_id)?.clone())
    })?;
    let after: Vec<&Part> = u.parts.values().filter(|p| p.number > marker).collect();
    let page: Vec<simfra_gen_s3::types::Part> = after
        .iter()
        .take(max)
        .map(|p| {
            let f = ChecksumFields::of(p.checksum.as_ref());
            simfra_gen_s3::types::Part {
                part_number: Some(p.number),
                last_modified: Some(p.last_modified),
                e_tag: Some(p.etag.clone()),
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
    Ok(ListPartsOutput {
        bucket: Some(input.bucket),
        key: Some(input.key),
        upload_id: Some(input.upload_id),
        part_number_marker: Some(marker.to_string()),
        next_part_number_marker: page.last().and_then(|p| p.part_number).map(|n| n.to_string()),
        max_parts: Some(max as i32),
        is_truncated: Some(truncated),
        parts: (!page.is_empty()).then_some(page),
        initiator: Some(initiator(&u)),
        owner: Some(crate::ids::owner(&u.initiator_account)),
        storage_class: Some(u.template.storage_class.clone()),
        checksum_algorithm: u.checksum_algorithm.clone(),
        checksum_type: u.checksum_type.clone(),
        ..Default::default()
    })
}
