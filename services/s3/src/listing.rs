//! Listings: ListObjects (v1), ListObjectsV2 and ListObjectVersions, in
//! S3's order (UTF-8 byte order of keys, a key's versions newest first),
//! with prefixes, delimiters rolled up into common prefixes (each counting
//! once toward MaxKeys), markers, continuation tokens and URL encoding.

use crate::errors::invalid_argument;
use crate::store::{Bucket, Version};
use crate::S3;
use simfra_gen_s3::types::*;
use simfra_gen_s3::*;
use simfra_model::{RequestContext, ServiceError};
use std::ops::Bound;

pub(crate) const SERVED: &[&str] = &["ListObjectVersions", "ListObjects", "ListObjectsV2"];

/// Results per page at most, whatever MaxKeys asks.
const PAGE_LIMIT: usize = 1000;

/// One entry of a listing page, in order.
enum Entry<'a> {
    /// A key with the versions the page shows of it.
    Key(&'a str, Vec<&'a Version>),
    Prefix(String),
}

/// A page of a listing and where the next one starts.
struct Page<'a> {
    entries: Vec<Entry<'a>>,
    truncated: bool,
}

/// Where a rolled-up key's common prefix ends (`photos/2024/` for delimiter `/`).
fn rollup(key: &str, prefix: &str, delimiter: Option<&str>) -> Option<String> {
    let d = delimiter?;
    key[prefix.len()..].find(d).map(|i| key[..prefix.len() + i + d.len()].to_string())
}

/// The smallest string greater than every string that starts with `p`
/// (as close as UTF-8 allows), to jump past a rolled-up prefix.
fn past(p: &str) -> String {
    format!("{p}\u{10FFFF}")
}

/// Walks a bucket's keys after `after`, rolling keys up into common
/// prefixes. `versions` picks what the page shows of a key (nothing: the
/// key is skipped, e.g. its current version is a delete marker); `skip_in`
/// names the key whose versions up to and including a marker were shown.
fn walk<'a>(
    b: &'a Bucket,
    prefix: &str,
    delimiter: Option<&str>,
    after: Bound<String>,
    max: usize,
    mut versions: impl FnMut(&'a str, &'a [Version]) -> Vec<&'a Version>,
) -> Page<'a> {
    let mut entries = Vec::new();
    let mut count = 0usize;
    // A page that ended on (or a marker inside) a common prefix has shown it.
    let resumed_in = match &after {
        Bound::Included(a) | Bound::Excluded(a) => Some(a.clone()),
        Bound::Unbounded => None,
    };
    let mut cursor = after;
    // Never start before the prefix.
    if !prefix.is_empty() {
        let before = match &cursor {
            Bound::Included(c) | Bound::Excluded(c) => c.as_str() < prefix,
            Bound::Unbounded => true,
        };
        if before {
            cursor = Bound::Included(prefix.to_string());
        }
    }
    'outer: loop {
        let mut range = b.objects.range::<String, _>((cursor.clone(), Bound::Unbounded));
        while let Some((key, stack)) = range.next() {
            if !key.starts_with(prefix) {
                if key.as_str() > prefix {
                    break 'outer;
                }
                continue;
            }
            let shown = versions(key, stack);
            if shown.is_empty() {
                continue;
            }
            if let Some(p) = rollup(key, prefix, delimiter) {
                if resumed_in.as_ref().is_some_and(|a| a.starts_with(&p)) {
                    cursor = Bound::Excluded(past(&p));
                    continue 'outer;
                }
                if count >= max {
                    return Page { entries, truncated: true };
                }
                count += 1;
                cursor = Bound::Excluded(past(&p));
                entries.push(Entry::Prefix(p));
                continue 'outer;
            }
            if count + shown.len() > max {
                // A key's versions may be split across pages.
                let room = max - count;
                if room > 0 {
                    entries.push(Entry::Key(key, shown[..room].to_vec()));
                }
                return Page { entries, truncated: true };
            }
            count += shown.len();
            entries.push(Entry::Key(key, shown));
        }
        break;
    }
    Page { entries, truncated: false }
}

/// `EncodingType=url`: S3 form-encodes the key-like fields so that keys
/// holding characters XML 1.0 cannot carry survive; SDKs undo it with
/// `unquote_plus`. Unreserved characters and `/` stay as they are, a space is `+`.
pub(crate) fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn encoder(t: &Option<EncodingType>) -> impl Fn(&str) -> String {
    let url = matches!(t, Some(EncodingType::Url));
    move |s: &str| if url { url_encode(s) } else { s.to_string() }
}

fn max_keys(given: Option<i32>) -> Result<usize, ServiceError> {
    match given {
        Some(n) if n < 0 => Err(invalid_argument("Provided max-keys not an integer or within integer range")),
        Some(n) => Ok((n as usize).min(PAGE_LIMIT)),
        None => Ok(PAGE_LIMIT),
    }
}

fn checksum_fields(v: &Version) -> (Option<Vec<ChecksumAlgorithm>>, Option<ChecksumType>) {
    match &v.checksum {
        Some(c) => (Some(vec![c.algorithm.clone()]), Some(c.kind.clone())),
        None => (None, None),
    }
}

fn restore_status(v: &Version, wanted: bool) -> Option<RestoreStatus> {
    let r = v.restore.as_ref().filter(|_| wanted)?;
    Some(RestoreStatus { is_restore_in_progress: Some(r.ongoing), restore_expiry_date: r.expiry })
}

fn wants_restore_status(attrs: &Option<Vec<OptionalObjectAttributes>>) -> bool {
    attrs.as_ref().is_some_and(|a| a.iter().any(|x| matches!(x, OptionalObjectAttributes::RestoreStatus)))
}

fn object(b: &Bucket, key: String, v: &Version, owner: bool, restore: bool) -> Object {
    let (checksum_algorithm, checksum_type) = checksum_fields(v);
    Object {
        key: Some(key),
        last_modified: Some(v.last_modified),
        e_tag: Some(v.etag.clone()),
        checksum_algorithm,
        checksum_type,
        size: Some(v.size as i64),
        storage_class: Some(ObjectStorageClass::from(v.storage_class.as_str())),
        owner: owner.then(|| crate::ids::owner(&crate::access::object_owner(b, v))),
        restore_status: restore_status(v, restore),
    }
}

/// What ListObjects(V2) shows of a key: its current version unless that is a delete marker.
fn current<'a>(_: &'a str, stack: &'a [Version]) -> Vec<&'a Version> {
    stack.first().filter(|v| !v.delete_marker).into_iter().collect()
}

/// The last thing a page showed: where the next page starts.
fn last_name(page: &Page) -> Option<String> {
    page.entries.last().map(|e| match e {
        Entry::Key(k, _) => k.to_string(),
        Entry::Prefix(p) => p.clone(),
    })
}

fn split<'a>(page: &Page<'a>) -> (Vec<(&'a str, &'a Version)>, Vec<String>) {
    let mut keys = Vec::new();
    let mut prefixes = Vec::new();
    for e in &page.entries {
        match e {
            Entry::Key(k, vs) => keys.extend(vs.iter().map(|v| (*k, *v))),
            Entry::Prefix(p) => prefixes.push(p.clone()),
        }
    }
    (keys, prefixes)
}

pub(crate) async fn list_objects(s3: &S3, ctx: &RequestContext, input: ListObjectsRequest) -> Result<ListObjectsOutput, ListObjectsError> {
    let max = max_keys(input.max_keys)?;
    let prefix = input.prefix.clone().unwrap_or_default();
    let delimiter = input.delimiter.clone().filter(|d| !d.is_empty());
    let marker = input.marker.clone().unwrap_or_default();
    let enc = encoder(&input.encoding_type);
    let restore = wants_restore_status(&input.optional_object_attributes);
    s3.with_bucket(ctx, &input.bucket, |b| {
        let after = if marker.is_empty() { Bound::Unbounded } else { Bound::Excluded(marker.clone()) };
        let page = walk(b, &prefix, delimiter.as_deref(), after, max, current);
        let (keys, prefixes) = split(&page);
        // v1 names the next marker only with a delimiter; without one the last key is it.
        let next_marker = (page.truncated && delimiter.is_some()).then(|| last_name(&page)).flatten().map(|m| enc(&m));
        Ok(ListObjectsOutput {
            is_truncated: Some(page.truncated),
            marker: Some(enc(&marker)),
            next_marker,
            contents: (!keys.is_empty()).then(|| keys.iter().map(|(k, v)| object(b, enc(k), v, true, restore)).collect()),
            name: Some(input.bucket.clone()),
            prefix: Some(enc(&prefix)),
            delimiter: delimiter.as_deref().map(&enc),
            max_keys: Some(input.max_keys.unwrap_or(1000)),
            common_prefixes: (!prefixes.is_empty()).then(|| prefixes.iter().map(|p| CommonPrefix { prefix: Some(enc(p)) }).collect()),
            encoding_type: input.encoding_type.clone(),
            request_charged: None,
        })
    })
    .map_err(Into::into)
}

/// Continuation tokens are opaque to clients: the last name shown, encoded.
fn token_of(name: &str) -> String {
    crate::checksums::base64(format!("1:{name}").as_bytes())
}

fn name_of_token(token: &str) -> Result<String, ServiceError> {
    crate::checksums::from_base64(token)
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.strip_prefix("1:").map(str::to_string))
        .ok_or_else(|| invalid_argument("The continuation token provided is incorrect"))
}

pub(crate) async fn list_objects_v2(s3: &S3, ctx: &RequestContext, input: ListObjectsV2Request) -> Result<ListObjectsV2Output, ListObjectsV2Error> {
    let max = max_keys(input.max_keys)?;
    let prefix = input.prefix.clone().unwrap_or_default();
    let delimiter = input.delimiter.clone().filter(|d| !d.is_empty());
    let enc = encoder(&input.encoding_type);
    let owner = input.fetch_owner.unwrap_or(false);
    let restore = wants_restore_status(&input.optional_object_attributes);
    // A continuation token wins over StartAfter.
    let after = match (&input.continuation_token, &input.start_after) {
        (Some(t), _) => Bound::Excluded(name_of_token(t)?),
        (None, Some(s)) if !s.is_empty() => Bound::Excluded(s.clone()),
        _ => Bound::Unbounded,
    };
    s3.with_bucket(ctx, &input.bucket, |b| {
        let page = walk(b, &prefix, delimiter.as_deref(), after, max, current);
        let (keys, prefixes) = split(&page);
        Ok(ListObjectsV2Output {
            is_truncated: Some(page.truncated),
            contents: (!keys.is_empty()).then(|| keys.iter().map(|(k, v)| object(b, enc(k), v, owner, restore)).collect()),
            name: Some(input.bucket.clone()),
            prefix: Some(enc(&prefix)),
            delimiter: delimiter.as_deref().map(&enc),
            max_keys: Some(input.max_keys.unwrap_or(1000)),
            common_prefixes: (!prefixes.is_empty()).then(|| prefixes.iter().map(|p| CommonPrefix { prefix: Some(enc(p)) }).collect()),
            encoding_type: input.encoding_type.clone(),
            key_count: Some((keys.len() + prefixes.len()) as i32),
            continuation_token: input.continuation_token.clone(),
            next_continuation_token: page.truncated.then(|| last_name(&page)).flatten().map(|n| token_of(&n)),
            start_after: input.start_after.as_deref().map(&enc),
            request_charged: None,
        })
    })
    .map_err(Into::into)
}

pub(crate) async fn list_object_versions(s3: &S3, ctx: &RequestContext, input: ListObjectVersionsRequest) -> Result<ListObjectVersionsOutput, ListObjectVersionsError> {
    let max = max_keys(input.max_keys)?;
    let prefix = input.prefix.clone().unwrap_or_default();
    let delimiter = input.delimiter.clone().filter(|d| !d.is_empty());
    let enc = encoder(&input.encoding_type);
    let restore = wants_restore_status(&input.optional_object_attributes);
    let key_marker = input.key_marker.clone().unwrap_or_default();
    let version_marker = input.version_id_marker.clone().filter(|v| !v.is_empty());
    if version_marker.is_some() && key_marker.is_empty() {
        return Err(invalid_argument("A version-id marker cannot be specified without a key marker.").into());
    }
    s3.with_bucket(ctx, &input.bucket, |b| {
        // With a version marker the key marker's remaining versions come
        // first; without one the listing starts after the key marker.
        let after = match (&version_marker, key_marker.is_empty()) {
            (_, true) => Bound::Unbounded,
            (Some(_), false) => Bound::Included(key_marker.clone()),
            (None, false) => Bound::Excluded(key_marker.clone()),
        };
        if let Some(vm) = &version_marker {
            if vm != crate::store::NULL_VERSION && b.version(&key_marker, vm).is_none() {
                return Err(invalid_argument("Invalid version id specified"));
            }
        }
        let page = walk(b, &prefix, delimiter.as_deref(), after, max, |key, stack| match &version_marker {
            Some(vm) if key == key_marker => match stack.iter().position(|v| v.version_id == *vm) {
                Some(i) => stack[i + 1..].iter().collect(),
                None => Vec::new(),
            },
            _ => stack.iter().collect(),
        });
        let mut versions = Vec::new();
        let mut markers = Vec::new();
        let mut prefixes = Vec::new();
        for e in &page.entries {
            match e {
                Entry::Prefix(p) => prefixes.push(CommonPrefix { prefix: Some(enc(p)) }),
                Entry::Key(key, shown) => {
                    let latest_id = b.current(key).map(|v| v.version_id.as_str());
                    for v in shown {
                        let is_latest = Some(latest_id == Some(v.version_id.as_str()));
                        if v.delete_marker {
                            markers.push(DeleteMarkerEntry {
                                owner: Some(crate::ids::owner(&crate::access::object_owner(b, v))),
                                key: Some(enc(key)),
                                version_id: Some(v.version_id.clone()),
                                is_latest,
                                last_modified: Some(v.last_modified),
                            });
                        } else {
                            let (checksum_algorithm, checksum_type) = checksum_fields(v);
                            versions.push(ObjectVersion {
                                e_tag: Some(v.etag.clone()),
                                checksum_algorithm,
                                checksum_type,
                                size: Some(v.size as i64),
                                storage_class: Some(ObjectVersionStorageClass::from(v.storage_class.as_str())),
                                key: Some(enc(key)),
                                version_id: Some(v.version_id.clone()),
                                is_latest,
                                last_modified: Some(v.last_modified),
                                owner: Some(crate::ids::owner(&crate::access::object_owner(b, v))),
                                restore_status: restore_status(v, restore),
                            });
                        }
                    }
                }
            }
        }
        let (next_key_marker, next_version_id_marker) = match (page.truncated, page.entries.last()) {
            (true, Some(Entry::Key(k, vs))) => (Some(enc(k)), vs.last().map(|v| v.version_id.clone())),
            (true, Some(Entry::Prefix(p))) => (Some(enc(p)), None),
            _ => (None, None),
        };
        Ok(ListObjectVersionsOutput {
            is_truncated: Some(page.truncated),
            key_marker: Some(enc(&key_marker)),
            version_id_marker: Some(version_marker.clone().unwrap_or_default()),
            next_key_marker,
            next_version_id_marker,
            versions: (!versions.is_empty()).then_some(versions),
            delete_markers: (!markers.is_empty()).then_some(markers),
            name: Some(input.bucket.clone()),
            prefix: Some(enc(&prefix)),
            delimiter: delimiter.as_deref().map(&enc),
            max_keys: Some(input.max_keys.unwrap_or(1000)),
            common_prefixes: (!prefixes.is_empty()).then_some(prefixes),
            encoding_type: input.encoding_type.clone(),
            request_charged: None,
        })
    })
    .map_err(Into::into)
}
