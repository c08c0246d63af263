//! GetObject and HeadObject: which version, whether the request's
//! conditions hold, which bytes (a range or a part), and the headers S3
//! answers with. Bodies stream from the blob on disk.

use super::common::*;
use crate::errors::*;
use crate::store::Version;
use crate::S3;
use simfra_gen_s3::types::*;
use simfra_gen_s3::*;
use simfra_model::{RequestContext, ServiceError, Timestamp};

/// What a GET or HEAD asks beyond the key (their inputs share these members).
pub struct ReadRequest<'a> {
    pub bucket: &'a str,
    pub key: &'a str,
    pub method: &'static str,
    pub version_id: Option<&'a String>,
    pub if_match: Option<&'a String>,
    pub if_none_match: Option<&'a String>,
    pub if_modified_since: Option<Timestamp>,
    pub if_unmodified_since: Option<Timestamp>,
    pub range: Option<&'a String>,
    pub part_number: Option<i32>,
    pub sse_customer: Option<CustomerKey>,
    pub checksum_mode: bool,
    pub expected_owner: Option<&'a String>,
}

/// The bytes a read answers.
pub enum Span {
    Whole,
    /// `[start, start + len)`, answered 206 with `Content-Range`.
    Partial { start: u64, len: u64 },
}

/// A read that passed: the version, the bytes, and facts for the headers.
pub struct Found {
    pub version: Version,
    pub span: Span,
    pub version_shown: Option<String>,
    pub parts_count: Option<i32>,
    /// The checksum to answer (whole object, or the part read), when asked for.
    pub checksum: Option<crate::store::Checksum>,
}

/// `Range: bytes=…` against an object of `size` bytes. Syntax S3 does not
/// take (several ranges, garbage) reads the whole object, as S3 does.
fn parse_range(header: &str, size: u64) -> Result<Span, ()> {
    let Some(spec) = header.trim().strip_prefix("bytes=") else { return Ok(Span::Whole) };
    if spec.contains(',') {
        return Ok(Span::Whole);
    }
    let Some((a, b)) = spec.trim().split_once('-') else { return Ok(Span::Whole) };
    let (a, b) = (a.trim(), b.trim());
    if a.is_empty() {
        let Ok(n) = b.parse::<u64>() else { return Ok(Span::Whole) };
        if n == 0 || size == 0 {
            return Err(());
        }
        let n = n.min(size);
        return Ok(Span::Partial { start: size - n, len: n });
    }
    let Ok(start) = a.parse::<u64>() else { return Ok(Span::Whole) };
    let end = if b.is_empty() {
        None
    } else {
        match b.parse::<u64>() {
            Ok(e) if e >= start => Some(e),
            _ => return Ok(Span::Whole),
        }
    };
    if start >= size {
        return Err(());
    }
    let last = end.unwrap_or(size - 1).min(size - 1);
    Ok(Span::Partial { start, len: last - start + 1 })
}

fn invalid_range(requested: &str, size: u64) -> ServiceError {
    let mut e = with_elements(
        ServiceError::new("InvalidRange", 416, "The requested range is not satisfiable"),
        &[("RangeRequested", requested.to_string()), ("ActualObjectSize", size.to_string())],
    );
    e.headers.push(("Content-Range".into(), format!("bytes */{size}")));
    e
}

/// Finds what a GET/HEAD reads, applying S3's checks in S3's order.
pub fn find(s3: &S3, ctx: &RequestContext, r: &ReadRequest) -> Result<Found, ServiceError> {
    if r.range.is_some() && r.part_number.is_some() {
        return Err(invalid_request("Cannot specify both Range header and partNumber query parameter."));
    }
    if let Some(n) = r.part_number {
        if !(1..=10_000).contains(&n) {
            return Err(invalid_argument("Part number must be an integer between 1 and 10000, inclusive"));
        }
    }
    s3.with_bucket(ctx, r.bucket, |b| {
        check_expected_owner(b, r.expected_owner)?;
        let v = readable_version(b, r.key, r.version_id.map(String::as_str), r.method)?;
        check_customer_key_for_read(&v.encryption, r.sse_customer.as_ref())?;
        match evaluate(&v, r.if_match.map(String::as_str), r.if_none_match.map(String::as_str), r.if_modified_since, r.if_unmodified_since) {
            Precondition::Failed(c) => return Err(precondition_failed_on(c)),
            Precondition::NotModified => return Err(not_modified(&v)),
            Precondition::Proceed => {}
        }
        if r.method == "GET" && !readable(&v) {
            return Err(invalid_object_state(&v.storage_class));
        }
        let mut checksum = r.checksum_mode.then(|| v.checksum.clone()).flatten();
        // `x-amz-mp-parts-count` answers part reads of multipart objects only.
        let mut parts_count = (r.part_number.is_some() && !v.parts.is_empty()).then_some(v.parts.len() as i32);
        let span = if let Some(n) = r.part_number {
            if v.parts.is_empty() {
                // A simple object is its own part 1.
                if n != 1 {
                    return Err(ServiceError::new("InvalidPartNumber", 416, "The requested partnumber is not satisfiable"));
                }
                parts_count = None;
                Span::Partial { start: 0, len: v.size }
            } else {
                // Parts keep the numbers they were uploaded with (a completion may skip some).
                let i = v.parts.iter().position(|p| p.number == n);
                let i = i.ok_or_else(|| ServiceError::new("InvalidPartNumber", 416, "The requested partnumber is not satisfiable"))?;
                let part = &v.parts[i];
                let start: u64 = v.parts[..i].iter().map(|p| p.size).sum();
                // A part read answers the part's own checksum (composite objects).
                if checksum.as_ref().is_some_and(|c| c.kind == ChecksumType::Composite) {
                    checksum = part.checksum.clone();
                }
                Span::Partial { start, len: part.size }
            }
        } else {
            match r.range {
                Some(h) => match parse_range(h, v.size) {
                    Ok(s) => {
                        if matches!(s, Span::Partial { .. }) {
                            // A range's checksum is not the object's.
                            checksum = None;
                        }
                        s
                    }
                    Err(()) => return Err(invalid_range(h, v.size)),
                },
                None => Span::Whole,
            }
        };
        Ok(Found { version_shown: shown_version(b, &v.version_id), version: v, span, parts_count, checksum })
    })
    .map_err(|e| crate::access::missing_key_answer(ctx, r.bucket, e))
}

/// Response-header overrides (`response-content-type` …) need a signed request.
fn check_overrides(ctx: &RequestContext, any: bool) -> Result<(), ServiceError> {
    if any && ctx.principal_arn.is_none() {
        return Err(invalid_request("Request specific response headers cannot be used for anonymous GET requests."));
    }
    Ok(())
}

fn content_range(span: &Span, size: u64) -> Option<String> {
    match span {
        Span::Whole => None,
        Span::Partial { len: 0, .. } => None,
        Span::Partial { start, len } => Some(format!("bytes {}-{}/{}", start, start + len - 1, size)),
    }
}

fn span_len(span: &Span, size: u64) -> u64 {
    match span {
        Span::Whole => size,
        Span::Partial { len, .. } => *len,
    }
}

/// GetObject and HeadObject take the same members and answer the same
/// headers, but as distinct generated types (`GetObjectRequest` and
/// `HeadObjectRequest`, `GetObjectOutput` and `HeadObjectOutput`) with no
/// trait in common. This writes the read once for both — the checks, `find`,
/// every header, the 206 of a partial read — so a header added here reaches
/// both operations. `$found` names the read that passed, for the members only
/// one operation answers (`$extra`: GetObject's body).
macro_rules! read_object {
    ($s3:expr, $ctx:expr, $input:ident, $method:literal, |$found:ident| $Out:ident { $($extra:tt)* }) => {{
        let overrides = $input.response_cache_control.is_some()
            || $input.response_content_disposition.is_some()
            || $input.response_content_encoding.is_some()
            || $input.response_content_language.is_some()
            || $input.response_content_type.is_some()
            || $input.response_expires.is_some();
        check_overrides($ctx, overrides)?;
        let sse_customer =
            customer_key($input.sse_customer_algorithm.as_ref(), $input.sse_customer_key.as_ref(), $input.sse_customer_key_md5.as_ref())?;
        let r = ReadRequest {
            bucket: &$input.bucket,
            key: &$input.key,
            method: $method,
            version_id: $input.version_id.as_ref(),
            if_match: $input.if_match.as_ref(),
            if_none_match: $input.if_none_match.as_ref(),
            if_modified_since: $input.if_modified_since,
            if_unmodified_since: $input.if_unmodified_since,
            range: $input.range.as_ref(),
            part_number: $input.part_number,
            sse_customer,
            checksum_mode: $input.checksum_mode.as_ref().is_some_and(|m| m.as_str() == "ENABLED"),
            expected_owner: $input.expected_bucket_owner.as_ref(),
        };
        let $found = find($s3, $ctx, &r)?;
        let f = &$found;
        let v = &f.version;
        let sums = ChecksumFields::of(f.checksum.as_ref());
        let (lock_mode, lock_until, legal_hold) = lock_headers(v);
        let h = &v.headers;
        let out = $Out {
            $($extra)*
            accept_ranges: Some("bytes".into()),
            restore: restore_header(v),
            last_modified: Some(v.last_modified),
            content_length: Some(span_len(&f.span, v.size) as i64),
            e_tag: Some(v.etag.clone()),
            checksum_crc32: sums.crc32,
            checksum_crc32c: sums.crc32c,
            checksum_crc64nvme: sums.crc64nvme,
            checksum_sha1: sums.sha1,
            checksum_sha256: sums.sha256,
            checksum_type: f.checksum.as_ref().map(|c| c.kind.clone()),
            version_id: f.version_shown.clone(),
            cache_control: $input.response_cache_control.clone().or_else(|| h.cache_control.clone()),
            content_disposition: $input.response_content_disposition.clone().or_else(|| h.content_disposition.clone()),
            content_encoding: $input.response_content_encoding.clone().or_else(|| h.content_encoding.clone()),
            content_language: $input.response_content_language.clone().or_else(|| h.content_language.clone()),
            content_range: content_range(&f.span, v.size),
            content_type: $input.response_content_type.clone().or_else(|| h.content_type.clone()),
            expires: $input.response_expires.or_else(|| h.expires.as_deref().and_then(parse_http_date)),
            website_redirect_location: h.website_redirect_location.clone(),
            server_side_encryption: v.encryption.algorithm.clone(),
            metadata: metadata_map(&v.metadata),
            sse_customer_algorithm: v.encryption.customer_algorithm.clone(),
            sse_customer_key_md5: v.encryption.customer_key_md5.clone(),
            ssekms_key_id: v.encryption.kms_key_id.clone(),
            bucket_key_enabled: v.encryption.bucket_key_enabled,
            storage_class: (v.storage_class != StorageClass::Standard).then(|| v.storage_class.clone()),
            parts_count: f.parts_count,
            tag_count: (!v.tags.is_empty()).then_some(v.tags.len() as i32),
            object_lock_mode: lock_mode,
            object_lock_retain_until_date: lock_until,
            object_lock_legal_hold_status: legal_hold,
            expiration: crate::settings::expiration_of($s3, &$input.bucket, &$input.key, &v.version_id),
            ..Default::default()
        };
        if matches!(f.span, Span::Partial { .. }) {
            $ctx.answer_with_status(206);
        }
        Ok(out)
    }};
}

/// The bytes a GET answers: the span of the version's blob, streamed from disk.
fn body_of(f: &Found) -> simfra_model::ByteStream {
    let v = &f.version;
    let len = span_len(&f.span, v.size);
    let start = match f.span {
        Span::Whole => 0,
        Span::Partial { start, .. } => start,
    };
    match &v.blob {
        Some(blob) if len > 0 => crate::storage::read(blob.clone(), start, len),
        _ => simfra_model::ByteStream::empty(),
    }
}

pub(crate) async fn get_object(s3: &S3, ctx: &RequestContext, input: GetObjectRequest) -> Result<GetObjectOutput, GetObjectError> {
    read_object!(s3, ctx, input, "GET", |found| GetObjectOutput { body: Some(body_of(&found)), })
}

pub(crate) async fn head_object(s3: &S3, ctx: &RequestContext, input: HeadObjectRequest) -> Result<HeadObjectOutput, HeadObjectError> {
    read_object!(s3, ctx, input, "HEAD", |found| HeadObjectOutput {})
}

/// `x-amz-restore`: `ongoing-request="true"`, or done with its expiry date.
pub fn restore_header(v: &Version) -> Option<String> {
    let r = v.restore.as_ref()?;
    Some(match (r.ongoing, r.expiry) {
        (true, _) | (false, None) => format!("ongoing-request=\"{}\"", r.ongoing),
        (false, Some(t)) => format!("ongoing-request=\"false\", expiry-date=\"{}\"", http_date(t)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(h: &str, size: u64) -> Option<(u64, u64)> {
        match parse_range(h, size) {
            Ok(Span::Partial { start, len }) => Some((start, len)),
            Ok(Span::Whole) => Some((u64::MAX, 0)),
            Err(()) => None,
        }
    }

    #[test]
    fn ranges() {
        assert_eq!(span("bytes=0-4", 10), Some((0, 5)));
        assert_eq!(span("bytes=5-", 10), Some((5, 5)));
        assert_eq!(span("bytes=-3", 10), Some((7, 3)));
        assert_eq!(span("bytes=-30", 10), Some((0, 10)));
        assert_eq!(span("bytes=8-100", 10), Some((8, 2)));
        assert_eq!(span("bytes=10-", 10), None);
        assert_eq!(span("bytes=0-1,3-4", 10), Some((u64::MAX, 0)));
        assert_eq!(span("bytes=5-2", 10), Some((u64::MAX, 0)));
    }
}
