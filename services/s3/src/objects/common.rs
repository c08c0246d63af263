//! What object operations share: reading S3's request headers (versions,
//! SSE-C keys, checksums, metadata, tags, storage classes), the answers'
//! header values (checksums, encryption), conditional-request rules, and
//! the errors S3 gives for them.

use crate::checksums;
use crate::errors::*;
use crate::store::{Bucket, Checksum, Encryption, Version, Versioning, NULL_VERSION};
use simfra_gen_s3::types::*;
use simfra_model::{RequestContext, ServiceError, Timestamp, Value};

// ---------------------------------------------------------------- errors S3 gives here

/// An unmodeled error with the extra elements S3 puts in its body.
pub fn with_elements(mut e: ServiceError, elements: &[(&str, String)]) -> ServiceError {
    e.fields = Value::Map(elements.iter().map(|(k, v)| (k.to_string(), Value::String(v.clone()))).collect());
    e
}

pub fn invalid_version_id() -> ServiceError {
    invalid_argument("Invalid version id specified")
}

pub fn precondition_failed_on(condition: &str) -> ServiceError {
    with_elements(precondition_failed(), &[("Condition", condition.to_string())])
}

pub fn not_modified(v: &Version) -> ServiceError {
    let mut e = ServiceError::new("NotModified", 304, "Not Modified");
    e.headers.push(("ETag".into(), v.etag.clone()));
    e.headers.push(("Last-Modified".into(), http_date(v.last_modified)));
    e
}

pub fn object_locked() -> ServiceError {
    ServiceError::new("AccessDenied", 403, "Access Denied because object protected by object lock.")
}

pub fn invalid_object_state(class: &StorageClass) -> ServiceError {
    let mut e: ServiceError = InvalidObjectState { storage_class: Some(class.clone()), access_tier: None }.into();
    e.message = Some("The operation is not valid for the object's storage class".into());
    e
}

pub fn invalid_storage_class() -> ServiceError {
    ServiceError::new("InvalidStorageClass", 400, "The storage class you specified is not valid")
}

/// Object keys are at most 1024 bytes (UTF-8).
pub fn check_key(key: &str) -> Result<(), ServiceError> {
    if key.len() > 1024 {
        return Err(with_elements(
            ServiceError::new("KeyTooLongError", 400, "Your key is too long"),
            &[("Size", key.len().to_string()), ("MaxSizeAllowed", "1024".into())],
        ));
    }
    Ok(())
}

/// A body's declared length: S3 wants one (a plain chunked transfer has none)
/// and takes at most 5 GiB in one request.
pub fn check_content_length(length: Option<i64>) -> Result<(), ServiceError> {
    match length {
        None => Err(ServiceError::new("MissingContentLength", 411, "You must provide the Content-Length HTTP header.")),
        Some(n) if n > crate::storage::MAX_BODY as i64 => Err(entity_too_large()),
        Some(_) => Ok(()),
    }
}

pub fn entity_too_large() -> ServiceError {
    ServiceError::new("EntityTooLarge", 400, "Your proposed upload exceeds the maximum allowed size")
}

// ---------------------------------------------------------------- versions

/// Whether a `versionId` parameter could name a version: `null` or one of the ids S3 makes.
pub fn valid_version_id(id: &str) -> bool {
    id == NULL_VERSION || (id.len() == 32 && id.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'.' || c == b'_'))
}

/// The `x-amz-version-id` an answer carries: only once the bucket has had versioning.
pub fn shown_version(b: &Bucket, id: &str) -> Option<String> {
    (b.versioning != Versioning::Unversioned).then(|| id.to_string())
}

/// A delete marker is what GET/HEAD found: 404 for the current version,
/// 405 when the request named the marker's version id.
pub fn delete_marker_error(b: &Bucket, marker: &Version, named: bool, method: &str) -> ServiceError {
    let mut e = if named {
        with_elements(method_not_allowed(), &[("Method", method.to_string()), ("ResourceType", "DeleteMarker".to_string())])
    } else {
        no_such_key()
    };
    e.headers.push(("x-amz-delete-marker".into(), "true".into()));
    if let Some(id) = shown_version(b, &marker.version_id) {
        e.headers.push(("x-amz-version-id".into(), id));
    }
    if named {
        e.headers.push(("Last-Modified".into(), http_date(marker.last_modified)));
    }
    e
}

/// The version a read names (or the current one), refusing delete markers as S3 does.
pub fn readable_version(b: &Bucket, key: &str, version_id: Option<&str>, method: &str) -> Result<Version, ServiceError> {
    match version_id {
        Some(id) => {
            if !valid_version_id(id) {
                return Err(invalid_version_id());
            }
            let v = b.version(key, id).ok_or_else(no_such_version)?;
            if v.delete_marker {
                return Err(delete_marker_error(b, v, true, method));
            }
            Ok(v.clone())
        }
        None => {
            let v = b.current(key).ok_or_else(no_such_key)?;
            if v.delete_marker {
                return Err(delete_marker_error(b, v, false, method));
            }
            Ok(v.clone())
        }
    }
}

/// `ExpectedBucketOwner`: another owner answers 403.
pub fn check_expected_owner(b: &Bucket, expected: Option<&String>) -> Result<(), ServiceError> {
    match expected {
        Some(acct) if *acct != b.owner_account => Err(access_denied()),
        _ => Ok(()),
    }
}

// ---------------------------------------------------------------- conditional requests

/// Whether an `If-Match`/`If-None-Match` list names this ETag (`*` names any).
pub fn etag_matches(list: &str, etag: &str) -> bool {
    let bare = etag.trim_matches('"');
    list.split(',').map(|t| t.trim().trim_start_matches("W/").trim_matches('"')).any(|t| t == "*" || t == bare)
}

/// Whether the object changed after `since` (HTTP dates have whole seconds).
fn modified_since(last_modified: Timestamp, since: Timestamp) -> bool {
    last_modified.secs > since.secs
}

pub enum Precondition {
    Proceed,
    NotModified,
    Failed(&'static str),
}

/// RFC 7232's order, as S3 applies it: If-Match (then If-Unmodified-Since
/// only without it) can fail the request; If-None-Match (then
/// If-Modified-Since only without it) answers 304.
pub fn evaluate(
    v: &Version,
    if_match: Option<&str>,
    if_none_match: Option<&str>,
    if_modified_since: Option<Timestamp>,
    if_unmodified_since: Option<Timestamp>,
) -> Precondition {
    match if_match {
        Some(m) if !etag_matches(m, &v.etag) => return Precondition::Failed("If-Match"),
        Some(_) => {}
        None => {
            if let Some(t) = if_unmodified_since {
                if modified_since(v.last_modified, t) {
                    return Precondition::Failed("If-Unmodified-Since");
                }
            }
        }
    }
    match if_none_match {
        Some(m) if etag_matches(m, &v.etag) => return Precondition::NotModified,
        Some(_) => {}
        None => {
            if let Some(t) = if_modified_since {
                if !modified_since(v.last_modified, t) {
                    return Precondition::NotModified;
                }
            }
        }
    }
    Precondition::Proceed
}

// ---------------------------------------------------------------- SSE-C

/// A customer key given with a request: its algorithm and base64 MD5.
pub struct CustomerKey {
    pub algorithm: String,
    pub key_md5: String,
}

/// Checks SSE-C headers: AES256, a 256-bit key, the key's MD5 as sent.
pub fn customer_key(algorithm: Option<&String>, key: Option<&String>, key_md5: Option<&String>) -> Result<Option<CustomerKey>, ServiceError> {
    if algorithm.is_none() && key.is_none() && key_md5.is_none() {
        return Ok(None);
    }
    let Some(algorithm) = algorithm else {
        return Err(invalid_argument(
            "Requests specifying Server Side Encryption with Customer provided keys must provide a valid encryption algorithm.",
        ));
    };
    if algorithm != "AES256" {
        return Err(ServiceError::new(
            "InvalidEncryptionAlgorithmError",
            400,
            "The Encryption request you specified is not valid. Supported value: AES256.",
        ));
    }
    let Some(key) = key else {
        return Err(invalid_argument("Requests specifying Server Side Encryption with Customer provided keys must provide an appropriate secret key."));
    };
    let raw = checksums::from_base64(key).filter(|k| k.len() == 32).ok_or_else(|| invalid_argument("The secret key was invalid for the specified algorithm."))?;
    let mut h = checksums::Md5Hasher::default();
    h.update(&raw);
    let md5 = checksums::base64(&h.finish());
    match key_md5 {
        Some(given) if *given != md5 => Err(invalid_argument("The calculated MD5 hash of the key did not match the hash that was provided.")),
        _ => Ok(Some(CustomerKey { algorithm: algorithm.clone(), key_md5: md5 })),
    }
}

/// Reading an object: an SSE-C object needs its key, others refuse one.
pub fn check_customer_key_for_read(enc: &Encryption, given: Option<&CustomerKey>) -> Result<(), ServiceError> {
    match (&enc.customer_key_md5, given) {
        (None, None) => Ok(()),
        (None, Some(_)) => Err(invalid_request("The encryption parameters are not applicable to this object.")),
        (Some(_), None) => Err(invalid_request(
            "The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.",
        )),
        (Some(stored), Some(k)) if *stored != k.key_md5 => Err(access_denied()),
        (Some(_), Some(_)) => Ok(()),
    }
}

/// The encryption a write records: SSE-C, the SSE named, or the bucket's default.
pub fn write_encryption(
    ctx: &RequestContext,
    b: &Bucket,
    sse: Option<&ServerSideEncryption>,
    kms_key_id: Option<&String>,
    bucket_key: Option<bool>,
    customer: Option<&CustomerKey>,
) -> Result<Encryption, ServiceError> {
    if let Some(k) = customer {
        if sse.is_some() {
            return Err(invalid_argument("Server Side Encryption with Customer provided key is incompatible with the encryption method specified"));
        }
        return Ok(Encryption { customer_algorithm: Some(k.algorithm.clone()), customer_key_md5: Some(k.key_md5.clone()), ..Default::default() });
    }
    let Some(alg) = sse else {
        if kms_key_id.is_some() {
            return Err(invalid_argument("Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms"));
        }
        return Ok(crate::settings::default_encryption(b));
    };
    match alg.as_str() {
        "AES256" => {
            if kms_key_id.is_some() {
                return Err(invalid_argument("Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms"));
            }
            Ok(Encryption { algorithm: Some(alg.clone()), ..Default::default() })
        }
        "aws:kms" | "aws:kms:dsse" => {
            let key = kms_key_id.cloned().unwrap_or_else(|| format!("arn:aws:kms:{}:{}:alias/aws/s3", ctx.region, b.owner_account));
            let key = if key.starts_with("arn:") { key } else { format!("arn:aws:kms:{}:{}:key/{key}", ctx.region, b.owner_account) };
            Ok(Encryption { algorithm: Some(alg.clone()), kms_key_id: Some(key), bucket_key_enabled: bucket_key, ..Default::default() })
        }
        _ => Err(invalid_argument("The encryption method specified is not supported")),
    }
}

// ---------------------------------------------------------------- checksums

/// The checksum members of an input or output, by algorithm.
#[derive(Default, Clone)]
pub struct ChecksumFields {
    pub crc32: Option<String>,
    pub crc32c: Option<String>,
    pub crc64nvme: Option<String>,
    pub sha1: Option<String>,
    pub sha256: Option<String>,
}

impl ChecksumFields {
    pub fn given(&self) -> Vec<(ChecksumAlgorithm, String)> {
        [
            (ChecksumAlgorithm::Crc32, &self.crc32),
            (ChecksumAlgorithm::Crc32c, &self.crc32c),
            (ChecksumAlgorithm::Crc64nvme, &self.crc64nvme),
            (ChecksumAlgorithm::Sha1, &self.sha1),
            (ChecksumAlgorithm::Sha256, &self.sha256),
        ]
        .into_iter()
        .filter_map(|(a, v)| v.clone().map(|v| (a, v)))
        .collect()
    }
    /// The one checksum of an object as answer members.
    pub fn of(c: Option<&Checksum>) -> ChecksumFields {
        let mut f = ChecksumFields::default();
        if let Some(c) = c {
            let v = Some(c.value.clone());
            match c.algorithm {
                ChecksumAlgorithm::Crc32 => f.crc32 = v,
                ChecksumAlgorithm::Crc32c => f.crc32c = v,
                ChecksumAlgorithm::Crc64nvme => f.crc64nvme = v,
                ChecksumAlgorithm::Sha1 => f.sha1 = v,
                ChecksumAlgorithm::Sha256 => f.sha256 = v,
                _ => {}
            }
        }
        f
    }
}

/// The `x-amz-checksum-*` members a request sends (PutObject, UploadPart,
/// CompleteMultipartUpload and its `CompletedPart`s carry the same five
/// members on different generated types), read in one place.
macro_rules! checksum_fields_of {
    ($input:expr) => {
        crate::objects::common::ChecksumFields {
            crc32: $input.checksum_crc32.clone(),
            crc32c: $input.checksum_crc32c.clone(),
            crc64nvme: $input.checksum_crc64nvme.clone(),
            sha1: $input.checksum_sha1.clone(),
            sha256: $input.checksum_sha256.clone(),
        }
    };
}
pub(crate) use checksum_fields_of;

/// Digest length in bytes of an algorithm.
fn digest_len(a: &ChecksumAlgorithm) -> usize {
    match a {
        ChecksumAlgorithm::Crc32 | ChecksumAlgorithm::Crc32c => 4,
        ChecksumAlgorithm::Crc64nvme => 8,
        ChecksumAlgorithm::Sha1 => 20,
        _ => 32,
    }
}

/// What a write says about its integrity before the body is read.
pub struct DeclaredIntegrity {
    /// Raw MD5 from `Content-MD5`.
    pub md5: Option<[u8; 16]>,
    /// The checksum algorithm of the write (header, trailer or SDK header).
    pub algorithm: Option<ChecksumAlgorithm>,
    /// A checksum value sent in a header.
    pub value: Option<String>,
    /// Whether the value comes in a trailer after the body.
    pub trailer: bool,
}

impl DeclaredIntegrity {
    /// Whether the client sent an integrity check (Object Lock requires one).
    pub fn any(&self) -> bool {
        self.md5.is_some() || self.algorithm.is_some()
    }
}

/// Reads Content-MD5, `x-amz-checksum-*`, `x-amz-sdk-checksum-algorithm` and `x-amz-trailer`.
pub fn declared_integrity(
    ctx: &RequestContext,
    content_md5: Option<&String>,
    sdk_algorithm: Option<&ChecksumAlgorithm>,
    fields: &ChecksumFields,
) -> Result<DeclaredIntegrity, ServiceError> {
    let md5 = match content_md5 {
        Some(m) => Some(
            checksums::from_base64(m)
                .and_then(|d| <[u8; 16]>::try_from(d).ok())
                .ok_or_else(|| ServiceError::new("InvalidDigest", 400, "The Content-MD5 you specified was not valid."))?,
        ),
        None => None,
    };
    let given = fields.given();
    if given.len() > 1 {
        return Err(invalid_request("Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed."));
    }
    let trailer_alg = ctx.header("x-amz-trailer").and_then(|t| t.split(',').find_map(|n| checksums::algorithm_of_header(n.trim())));
    if let Some(sdk) = sdk_algorithm {
        if checksums::Hasher::new(sdk).is_none() {
            return Err(invalid_request("Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]"));
        }
    }
    let (algorithm, value, trailer) = match (given.into_iter().next(), &trailer_alg) {
        (Some((a, v)), _) => {
            if checksums::from_base64(&v).is_none_or(|d| d.len() != digest_len(&a)) {
                return Err(invalid_request(format!("Value for x-amz-checksum-{} header is invalid.", a.as_str().to_ascii_lowercase())));
            }
            if sdk_algorithm.is_some_and(|s| *s != a) {
                return Err(invalid_request("Value for x-amz-sdk-checksum-algorithm header is invalid."));
            }
            (Some(a), Some(v), false)
        }
        (None, Some(a)) => (Some(a.clone()), None, true),
        (None, None) => match sdk_algorithm {
            Some(_) => {
                return Err(invalid_request(
                    "x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer headers were found.",
                ))
            }
            None => (None, None, false),
        },
    };
    Ok(DeclaredIntegrity { md5, algorithm, value, trailer })
}

/// Compares what was received with what was declared: Content-MD5 and the checksum.
pub fn verify_integrity(
    declared: &DeclaredIntegrity,
    md5: &[u8; 16],
    computed: &[(ChecksumAlgorithm, String)],
    trailers: &[(String, String)],
) -> Result<(), ServiceError> {
    if let Some(want) = &declared.md5 {
        if want != md5 {
            return Err(with_elements(
                ServiceError::new("BadDigest", 400, "The Content-MD5 you specified did not match what we received."),
                &[("ExpectedDigest", checksums::hex(want)), ("CalculatedDigest", checksums::base64(md5))],
            ));
        }
    }
    let Some(alg) = &declared.algorithm else { return Ok(()) };
    let sent = match &declared.value {
        Some(v) => Some(v.clone()),
        None => {
            let name = checksums::header_name(alg);
            trailers.iter().find(|(k, _)| k.eq_ignore_ascii_case(&name)).map(|(_, v)| v.trim().to_string())
        }
    };
    let Some(sent) = sent else {
        return Err(invalid_request("The x-amz-trailer header was specified, but the trailing checksum was not sent."));
    };
    let got = computed.iter().find(|(a, _)| a == alg).map(|(_, v)| v.as_str()).unwrap_or("");
    if sent != got {
        if declared.trailer && checksums::from_base64(&sent).is_none_or(|d| d.len() != digest_len(alg)) {
            return Err(invalid_request(format!("Value for x-amz-checksum-{} trailing header is invalid.", alg.as_str().to_ascii_lowercase())));
        }
        return Err(ServiceError::new("BadDigest", 400, format!("The {} you specified did not match the calculated checksum.", alg.as_str())));
    }
    Ok(())
}

// ---------------------------------------------------------------- metadata, tags, classes

/// User metadata as stored: names lower-cased, sorted; at most 2 KB of names and values.
pub fn user_metadata(m: Option<&std::collections::HashMap<String, String>>) -> Result<Vec<(String, String)>, ServiceError> {
    let mut out: Vec<(String, String)> = m.map(|m| m.iter().map(|(k, v)| (k.to_ascii_lowercase(), v.clone())).collect()).unwrap_or_default();
    out.sort();
    let size: usize = out.iter().map(|(k, v)| k.len() + v.len()).sum();
    if size > 2048 {
        return Err(with_elements(
            ServiceError::new("MetadataTooLarge", 400, "Your metadata headers exceed the maximum allowed metadata size"),
            &[("Size", size.to_string()), ("MaxSizeAllowed", "2048".into())],
        ));
    }
    Ok(out)
}

pub fn metadata_map(m: &[(String, String)]) -> Option<std::collections::HashMap<String, String>> {
    (!m.is_empty()).then(|| m.iter().cloned().collect())
}

/// The storage classes a general purpose bucket takes.
pub fn storage_class(c: Option<&StorageClass>) -> Result<StorageClass, ServiceError> {
    match c {
        None => Ok(StorageClass::Standard),
        Some(c) => match c.as_str() {
            "STANDARD" | "REDUCED_REDUNDANCY" | "STANDARD_IA" | "ONEZONE_IA" | "INTELLIGENT_TIERING" | "GLACIER" | "DEEP_ARCHIVE" | "GLACIER_IR" => Ok(c.clone()),
            _ => Err(invalid_storage_class()),
        },
    }
}

pub fn is_archived(c: &StorageClass) -> bool {
    matches!(c, StorageClass::Glacier | StorageClass::DeepArchive)
}

/// Whether an archived object's bytes are readable (restored, the restore done).
pub fn readable(v: &Version) -> bool {
    !is_archived(&v.storage_class) || v.restore.as_ref().is_some_and(|r| !r.ongoing)
}

/// `x-amz-website-redirect-location` must be a path or an http(s) URL.
pub fn redirect_location(l: Option<&String>) -> Result<Option<String>, ServiceError> {
    match l {
        Some(l) if !(l.starts_with('/') || l.starts_with("http://") || l.starts_with("https://")) => Err(ServiceError::new(
            "InvalidRedirectLocation",
            400,
            "The website redirect location must have a prefix of 'http://' or 'https://' or '/'.",
        )),
        other => Ok(other.cloned()),
    }
}

// PutObject, CopyObject (with `MetadataDirective: REPLACE`) and
// CreateMultipartUpload name a new object's content headers and ACL grants
// with the same members, on three generated input types that share no trait;
// these macros read them in one place for all three.

/// The content headers a write stores from its input: as sent, with S3's
/// default `Content-Type` (`binary/octet-stream`); `$redirect` is the
/// `x-amz-website-redirect-location` already checked by `redirect_location`.
macro_rules! content_headers_of {
    ($input:expr, $redirect:expr) => {
        crate::store::ContentHeaders {
            content_type: Some($input.content_type.clone().unwrap_or_else(|| "binary/octet-stream".into())),
            content_encoding: $input.content_encoding.clone(),
            content_disposition: $input.content_disposition.clone(),
            content_language: $input.content_language.clone(),
            cache_control: $input.cache_control.clone(),
            expires: $input.expires.map(crate::objects::common::http_date),
            website_redirect_location: $redirect,
        }
    };
}
pub(crate) use content_headers_of;

/// The `x-amz-grant-*` headers of a write, for `access::object_acl_from_request`.
macro_rules! grant_headers_of {
    ($input:expr) => {
        crate::access::GrantHeaders {
            full_control: $input.grant_full_control.clone(),
            read: $input.grant_read.clone(),
            read_acp: $input.grant_read_acp.clone(),
            write_acp: $input.grant_write_acp.clone(),
        }
    };
}
pub(crate) use grant_headers_of;

fn bad_tag(message: &str) -> ServiceError {
    ServiceError::new("InvalidTag", 400, message)
}

/// Checks an object's tag set as S3 does (10 tags, key 128 and value 256 characters).
pub fn check_object_tags(tags: &[(String, String)]) -> Result<(), ServiceError> {
    if tags.len() > 10 {
        return Err(ServiceError::new("BadRequest", 400, "Object tags cannot be greater than 10"));
    }
    for (i, (k, v)) in tags.iter().enumerate() {
        if k.is_empty() || k.chars().count() > 128 {
            return Err(bad_tag("The TagKey you have provided is invalid"));
        }
        if v.chars().count() > 256 {
            return Err(bad_tag("The TagValue you have provided is invalid"));
        }
        if k.starts_with("aws:") {
            return Err(bad_tag("Your TagKey cannot be prefixed with aws:"));
        }
        let allowed = |s: &str| s.chars().all(|c| c.is_alphanumeric() || c.is_whitespace() || "_.:/=+-@".contains(c));
        if !allowed(k) {
            return Err(bad_tag("The TagKey you have provided is invalid"));
        }
        if !allowed(v) {
            return Err(bad_tag("The TagValue you have provided is invalid"));
        }
        if tags[..i].iter().any(|(other, _)| other == k) {
            return Err(bad_tag("Cannot provide multiple Tags with the same key"));
        }
    }
    Ok(())
}

/// The `x-amz-tagging` header: a URL-encoded query string of tags.
pub fn tagging_header(h: Option<&String>) -> Result<Vec<(String, String)>, ServiceError> {
    let Some(h) = h else { return Ok(Vec::new()) };
    let mut tags = Vec::new();
    for pair in h.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        tags.push((url_decode(k), url_decode(v)));
    }
    check_object_tags(&tags)?;
    Ok(tags)
}

/// Percent-decoding of a query component (`+` is a space).
pub use simfra_protocols::http::form_decode as url_decode;

// ---------------------------------------------------------------- object lock

/// Whether a version may not be removed now (retention in force or legal hold).
pub fn lock_blocks_removal(v: &Version, bypass_governance: bool) -> bool {
    if v.legal_hold {
        return true;
    }
    match &v.retention {
        Some((mode, until)) if until.as_f64() > Timestamp::now().as_f64() => {
            !(matches!(mode, ObjectLockRetentionMode::Governance) && bypass_governance)
        }
        _ => false,
    }
}

pub fn lock_enabled(b: &Bucket) -> bool {
    b.config.object_lock.as_ref().is_some_and(|c| c.object_lock_enabled.as_ref().is_some_and(|e| e.as_str() == "Enabled"))
}

/// The retention a new version gets: what the request names, else the bucket's default.
pub fn write_retention(
    b: &Bucket,
    mode: Option<&ObjectLockMode>,
    until: Option<Timestamp>,
    legal_hold: Option<&ObjectLockLegalHoldStatus>,
) -> Result<(Option<(ObjectLockRetentionMode, Timestamp)>, bool), ServiceError> {
    let named = mode.is_some() || until.is_some() || legal_hold.is_some();
    if named && !lock_enabled(b) {
        return Err(invalid_request("Bucket is missing Object Lock Configuration"));
    }
    let retention = match (mode, until) {
        (Some(m), Some(t)) => {
            if t.as_f64() <= Timestamp::now().as_f64() {
                return Err(invalid_argument("The retain until date must be in the future!"));
            }
            Some((ObjectLockRetentionMode::from(m.as_str()), t))
        }
        (None, None) => default_retention(b),
        _ => return Err(invalid_argument("x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied")),
    };
    Ok((retention, legal_hold.is_some_and(|h| h.as_str() == "ON")))
}

fn default_retention(b: &Bucket) -> Option<(ObjectLockRetentionMode, Timestamp)> {
    let d = b.config.object_lock.as_ref()?.rule.as_ref()?.default_retention.as_ref()?;
    let mode = d.mode.clone()?;
    let days = d.days.map(i64::from).or_else(|| d.years.map(|y| i64::from(y) * 365))?;
    let now = Timestamp::now();
    Some((mode, Timestamp { secs: now.secs + days * 86_400, nanos: now.nanos }))
}

/// The lock headers a GET/HEAD answers.
pub fn lock_headers(v: &Version) -> (Option<ObjectLockMode>, Option<Timestamp>, Option<ObjectLockLegalHoldStatus>) {
    let (mode, until) = match &v.retention {
        Some((m, t)) => (Some(ObjectLockMode::from(m.as_str())), Some(*t)),
        None => (None, None),
    };
    (mode, until, v.legal_hold.then_some(ObjectLockLegalHoldStatus::On))
}

// ---------------------------------------------------------------- dates

/// HTTP dates (`Wed, 21 Oct 2015 07:28:00 GMT`) as the codecs write and read them.
pub use simfra_protocols::timefmt::{format_http_date as http_date, parse_http_date};

/// Announces an object event to the bucket's notification destinations.
#[allow(clippy::too_many_arguments)]
pub fn event(s3: &crate::S3, ctx: &RequestContext, bucket: &str, name: &str, key: &str, size: u64, etag: &str, version_id: Option<&str>) {
    crate::notify::object_event(s3, ctx, bucket, name, key, size, etag, version_id);
}
