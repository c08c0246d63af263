//! Verifying a SigV4-signed request the way AWS does: the `Authorization`
//! header or a presigned query string, the canonical request rebuilt from
//! what arrived on the wire, the clock-skew and expiry rules, and the chunk
//! signatures of `STREAMING-AWS4-HMAC-SHA256-PAYLOAD` bodies.

use crate::{canonical_request, hex, signature, signing_key, string_to_sign, uri_encode, CanonicalInput, ALGORITHM};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// Requests signed more than this far from the server's clock are refused.
pub const MAX_SKEW_SECS: i64 = 15 * 60;
/// The longest validity of a presigned URL (7 days).
pub const MAX_PRESIGN_SECS: i64 = 7 * 24 * 3600;

pub const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// The request as it arrived: raw (still percent-encoded) path and query.
pub struct WireRequest<'a> {
    pub method: &'a str,
    pub raw_path: &'a str,
    pub raw_query: &'a str,
    /// Lower-case header names.
    pub headers: &'a [(String, String)],
    pub body: &'a [u8],
    /// The bucket named by a virtual-hosted S3 host (`bkt.s3.localhost`): SigV2
    /// signs the resource as `/bkt/key`.
    pub virtual_bucket: Option<&'a str>,
}

impl WireRequest<'_> {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Where the signature was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureLocation {
    Header,
    Query,
}

/// A parsed (not yet verified) signature.
#[derive(Debug, Clone)]
pub struct Signed {
    pub location: SignatureLocation,
    pub access_key_id: String,
    pub date: String,
    pub region: String,
    pub service: String,
    pub signed_headers: Vec<String>,
    pub signature: String,
    /// `YYYYMMDDTHHMMSSZ`
    pub amz_date: String,
    /// Presigned URLs: validity in seconds.
    pub expires: Option<i64>,
    pub session_token: Option<String>,
    /// S3's legacy Signature Version 2 (`AWS AKID:sig`, or `AWSAccessKeyId`/`Signature`/`Expires`
    /// presigned URLs, which boto3 still makes for custom endpoints).
    pub v2: bool,
}

impl Signed {
    pub fn scope(&self) -> String {
        format!("{}/{}/{}/aws4_request", self.date, self.region, self.service)
    }
}

/// Why a request is not authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthFailure {
    /// No signature at all.
    Missing,
    /// A signature that cannot be parsed (which part, in AWS's words).
    Malformed(String),
    /// The signature does not match; the server's string to sign and canonical request.
    Mismatch { string_to_sign: String, canonical_request: String },
    /// The request time is outside the allowed skew: (request time, server time).
    Skewed { request_time: String, server_time: String },
    /// A presigned URL past its expiry.
    PresignExpired,
    /// The access key is not known.
    UnknownAccessKey,
    /// Temporary credentials past their expiry.
    TokenExpired,
    /// The session token does not belong to the access key.
    BadToken,
}

/// Parses the request's signature, if any.
pub fn parse(req: &WireRequest) -> Result<Option<Signed>, AuthFailure> {
    if let Some(auth) = req.header("authorization") {
        let Some(rest) = auth.strip_prefix(ALGORITHM) else {
            if let Some(cred) = auth.strip_prefix("AWS ") {
                let (akid, sig) = cred
                    .split_once(':')
                    .ok_or_else(|| AuthFailure::Malformed("Authorization header is invalid: expected AWS AKID:Signature".into()))?;
                return Ok(Some(v2(SignatureLocation::Header, akid, sig, None, req.header("x-amz-security-token"))));
            }
            return Err(AuthFailure::Malformed(format!("Unsupported Authorization header: {}", auth.split(' ').next().unwrap_or(""))));
        };
        let mut credential = None;
        let mut signed_headers = None;
        let mut sig = None;
        for part in rest.split(',').map(str::trim) {
            if let Some(v) = part.strip_prefix("Credential=") {
                credential = Some(v);
            } else if let Some(v) = part.strip_prefix("SignedHeaders=") {
                signed_headers = Some(v);
            } else if let Some(v) = part.strip_prefix("Signature=") {
                sig = Some(v);
            }
        }
        let (Some(credential), Some(signed_headers), Some(sig)) = (credential, signed_headers, sig) else {
            return Err(AuthFailure::Malformed(
                "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters".into(),
            ));
        };
        let amz_date = req
            .header("x-amz-date")
            .map(str::to_string)
            .or_else(|| req.header("date").and_then(http_date_to_amz))
            .ok_or_else(|| AuthFailure::Malformed("Authorization requires an X-Amz-Date or Date header".into()))?;
        return build(
            SignatureLocation::Header,
            credential,
            signed_headers,
            sig,
            &amz_date,
            None,
            req.header("x-amz-security-token").map(str::to_string),
        )
        .map(Some);
    }
    let params = decoded_query(req.raw_query);
    let get = |k: &str| params.iter().find(|(pk, _)| pk == k).map(|(_, v)| v.as_str());
    if get("X-Amz-Signature").is_none() && get("X-Amz-Credential").is_none() {
        if let (Some(akid), Some(sig)) = (get("AWSAccessKeyId"), get("Signature")) {
            let expires = get("Expires")
                .and_then(|e| e.parse::<i64>().ok())
                .ok_or_else(|| AuthFailure::Malformed("Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters".into()))?;
            return Ok(Some(v2(SignatureLocation::Query, akid, sig, Some(expires), get("x-amz-security-token"))));
        }
        return Ok(None);
    }
    if get("X-Amz-Algorithm") != Some(ALGORITHM) {
        return Err(AuthFailure::Malformed("X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"".into()));
    }
    let (Some(credential), Some(signed_headers), Some(sig), Some(amz_date)) =
        (get("X-Amz-Credential"), get("X-Amz-SignedHeaders"), get("X-Amz-Signature"), get("X-Amz-Date"))
    else {
        return Err(AuthFailure::Malformed(
            "Query-string authentication requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters".into(),
        ));
    };
    let expires = match get("X-Amz-Expires") {
        Some(e) => Some(e.parse::<i64>().map_err(|_| AuthFailure::Malformed("X-Amz-Expires should be a number".into()))?),
        None => None,
    };
    if let Some(e) = expires {
        if e < 0 {
            return Err(AuthFailure::Malformed("X-Amz-Expires must be non-negative".into()));
        }
        if e > MAX_PRESIGN_SECS {
            return Err(AuthFailure::Malformed("X-Amz-Expires must be less than a week (in seconds) that is 604800".into()));
        }
    }
    let token = get("X-Amz-Security-Token").map(str::to_string);
    build(SignatureLocation::Query, credential, signed_headers, sig, amz_date, expires, token).map(Some)
}

fn v2(location: SignatureLocation, akid: &str, sig: &str, expires: Option<i64>, token: Option<&str>) -> Signed {
    Signed {
        location,
        access_key_id: akid.to_string(),
        date: String::new(),
        region: String::new(),
        service: "s3".into(),
        signed_headers: Vec::new(),
        signature: sig.to_string(),
        amz_date: String::new(),
        expires,
        session_token: token.map(str::to_string),
        v2: true,
    }
}

fn build(
    location: SignatureLocation,
    credential: &str,
    signed_headers: &str,
    sig: &str,
    amz_date: &str,
    expires: Option<i64>,
    session_token: Option<String>,
) -> Result<Signed, AuthFailure> {
    let parts: Vec<&str> = credential.split('/').collect();
    if parts.len() != 5 || parts[4] != "aws4_request" {
        return Err(AuthFailure::Malformed(format!(
            "Credential should be scoped to a valid region, not '{}'; expected AKID/YYYYMMDD/region/service/aws4_request",
            credential
        )));
    }
    if parse_amz_date(amz_date).is_none() {
        return Err(AuthFailure::Malformed(format!("Invalid X-Amz-Date '{amz_date}': expected YYYYMMDDTHHMMSSZ")));
    }
    if !amz_date.starts_with(parts[1]) {
        return Err(AuthFailure::Malformed(format!(
            "Credential should be scoped to a valid date: the date in the scope '{}' is not the request date '{}'",
            parts[1],
            &amz_date[..8]
        )));
    }
    Ok(Signed {
        location,
        access_key_id: parts[0].to_string(),
        date: parts[1].to_string(),
        region: parts[2].to_string(),
        service: parts[3].to_string(),
        signed_headers: signed_headers.split(';').map(|h| h.trim().to_ascii_lowercase()).collect(),
        signature: sig.trim().to_string(),
        amz_date: amz_date.to_string(),
        expires,
        session_token,
        v2: false,
    })
}

/// Derived signing keys (four HMACs each) for (secret, date, region, service):
/// a client signs many requests with the same scope on the same day.
fn cached_signing_key(secret: &str, date: &str, region: &str, service: &str) -> Vec<u8> {
    type Cache = Mutex<HashMap<(String, String, String, String), Vec<u8>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let k = (secret.to_string(), date.to_string(), region.to_string(), service.to_string());
    if let Some(key) = cache.lock().unwrap_or_else(|p| p.into_inner()).get(&k) {
        return key.clone();
    }
    let key = signing_key(secret, date, region, service);
    let mut map = cache.lock().unwrap_or_else(|p| p.into_inner());
    // Bounded: keys of past days are dropped wholesale.
    if map.len() > 4096 {
        map.clear();
    }
    map.insert(k, key.clone());
    key
}

/// Checks time rules and the signature itself with the access key's secret.
/// `now` is Unix seconds.
pub fn verify(req: &WireRequest, signed: &Signed, secret: &str, now: i64) -> Result<(), AuthFailure> {
    if signed.v2 {
        return verify_v2(req, signed, secret, now);
    }
    let t = parse_amz_date(&signed.amz_date).ok_or_else(|| AuthFailure::Malformed("Invalid X-Amz-Date".into()))?;
    match signed.expires {
        Some(e) if signed.location == SignatureLocation::Query => {
            if now > t + e {
                return Err(AuthFailure::PresignExpired);
            }
            if t > now + MAX_SKEW_SECS {
                return Err(AuthFailure::Skewed { request_time: signed.amz_date.clone(), server_time: crate::amz_date(now) });
            }
        }
        _ => {
            if (now - t).abs() > MAX_SKEW_SECS {
                return Err(AuthFailure::Skewed { request_time: signed.amz_date.clone(), server_time: crate::amz_date(now) });
            }
        }
    }
    let key = cached_signing_key(secret, &signed.date, &signed.region, &signed.service);
    let scope = signed.scope();
    let mut last = None;
    for payload_hash in payload_hash_candidates(req, signed) {
        let creq = canonical(req, signed, &payload_hash);
        let sts = string_to_sign(&signed.amz_date, &scope, &creq);
        if constant_time_eq(signature(&key, &sts).as_bytes(), signed.signature.as_bytes()) {
            return Ok(());
        }
        last.get_or_insert((sts, creq));
    }
    let (string_to_sign, canonical_request) = last.unwrap_or_default();
    Err(AuthFailure::Mismatch { string_to_sign, canonical_request })
}

/// The payload hashes a client may have signed with.
fn payload_hash_candidates(req: &WireRequest, signed: &Signed) -> Vec<String> {
    if let Some(h) = req.header("x-amz-content-sha256") {
        return vec![h.to_string()];
    }
    match signed.location {
        // Presigned URLs sign `UNSIGNED-PAYLOAD` (S3) or the empty body (others).
        SignatureLocation::Query => vec!["UNSIGNED-PAYLOAD".into(), crate::sha256_hex(req.body)],
        SignatureLocation::Header => vec![crate::sha256_hex(req.body)],
    }
}

fn canonical(req: &WireRequest, signed: &Signed, payload_hash: &str) -> String {
    // S3 signs the path exactly as sent; every other service normalizes it
    // and encodes it once more.
    let canonical_uri = if signed.service == "s3" || signed.service == "s3-object-lambda" {
        if req.raw_path.is_empty() { "/".to_string() } else { req.raw_path.to_string() }
    } else {
        uri_encode(&normalize_path(req.raw_path), true)
    };
    let mut params = decoded_query(req.raw_query);
    if signed.location == SignatureLocation::Query {
        params.retain(|(k, _)| k != "X-Amz-Signature");
    }
    let cq = crate::canonical_query(&params);
    let headers: Vec<(String, String)> = signed
        .signed_headers
        .iter()
        .flat_map(|name| {
            let values: Vec<(String, String)> =
                req.headers.iter().filter(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| (name.clone(), v.trim().to_string())).collect();
            if values.is_empty() {
                vec![(name.clone(), String::new())]
            } else {
                values
            }
        })
        .collect();
    let (creq, _) = canonical_request(&CanonicalInput {
        method: req.method,
        canonical_uri: &canonical_uri,
        canonical_query: &cq,
        headers: &headers,
        payload_hash,
    });
    creq
}

/// Removes `.`/`..` segments and empty segments, keeping a trailing slash.
fn normalize_path(raw: &str) -> String {
    if raw.is_empty() || raw == "/" {
        return "/".into();
    }
    let mut out: Vec<&str> = Vec::new();
    for seg in raw.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            s => out.push(s),
        }
    }
    let mut p = format!("/{}", out.join("/"));
    if raw.ends_with('/') && p != "/" {
        p.push('/');
    }
    p
}

/// Query parameters percent-decoded (SigV4 re-encodes them canonically);
/// `+` is kept literally, as AWS does for signed query strings.
fn decoded_query(raw: &str) -> Vec<(String, String)> {
    raw.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            let dec = |s: &str| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned();
            (dec(k), dec(v))
        })
        .collect()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `YYYYMMDDTHHMMSSZ` → Unix seconds.
pub fn parse_amz_date(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, m, d) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (hh, mm, ss) = (num(9..11)?, num(11..13)?, num(13..15)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    Some(simfra_model::calendar::days_from_civil(y, m as u32, d as u32) * 86_400 + hh * 3600 + mm * 60 + ss)
}

/// `Date: Mon, 23 Nov 2026 10:00:00 GMT` → `20261123T100000Z`.
fn http_date_to_amz(s: &str) -> Option<String> {
    let parts: Vec<&str> = s.split_whitespace().collect();
    if parts.len() != 6 {
        return None;
    }
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let m = MONTHS.iter().position(|x| *x == parts[2])? + 1;
    let d: u32 = parts[1].parse().ok()?;
    let y: u32 = parts[3].parse().ok()?;
    let t: Vec<&str> = parts[4].split(':').collect();
    if t.len() != 3 {
        return None;
    }
    Some(format!("{y:04}{m:02}{d:02}T{}{}{}Z", t[0], t[1], t[2]))
}

// ---------------------------------------------------------------- S3 Signature Version 2

/// Sub-resources that S3 includes in a SigV2 string to sign.
const V2_SUBRESOURCES: &[&str] = &[
    "accelerate", "acl", "analytics", "cors", "delete", "encryption", "intelligent-tiering", "inventory", "legal-hold",
    "lifecycle", "location", "logging", "metrics", "notification", "object-lock", "ownershipControls", "partNumber",
    "policy", "policyStatus", "publicAccessBlock", "replication", "requestPayment", "response-cache-control",
    "response-content-disposition", "response-content-encoding", "response-content-language", "response-content-type",
    "response-expires", "restore", "retention", "select", "select-type", "tagging", "torrent", "uploadId", "uploads",
    "versionId", "versioning", "versions", "website",
];

fn verify_v2(req: &WireRequest, signed: &Signed, secret: &str, now: i64) -> Result<(), AuthFailure> {
    use base64::Engine;
    let params = decoded_query(req.raw_query);
    let date_line = match signed.location {
        SignatureLocation::Query => {
            let exp = signed.expires.unwrap_or(0);
            if now > exp {
                return Err(AuthFailure::PresignExpired);
            }
            exp.to_string()
        }
        SignatureLocation::Header => {
            // With `x-amz-date` present the Date line is empty (the header is signed among the amz headers).
            if req.header("x-amz-date").is_some() {
                String::new()
            } else {
                req.header("date").unwrap_or("").to_string()
            }
        }
    };
    let mut amz: Vec<(String, String)> = req
        .headers
        .iter()
        .filter(|(k, _)| k.to_ascii_lowercase().starts_with("x-amz-"))
        .map(|(k, v)| (k.to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    amz.sort_by(|a, b| a.0.cmp(&b.0));
    let mut amz_lines = String::new();
    let mut i = 0;
    while i < amz.len() {
        let name = amz[i].0.clone();
        let mut values = vec![amz[i].1.clone()];
        while i + 1 < amz.len() && amz[i + 1].0 == name {
            i += 1;
            values.push(amz[i].1.clone());
        }
        amz_lines.push_str(&format!("{name}:{}\n", values.join(",")));
        i += 1;
    }
    let mut resource = String::new();
    if let Some(b) = req.virtual_bucket {
        resource.push('/');
        resource.push_str(b);
    }
    resource.push_str(if req.raw_path.is_empty() { "/" } else { req.raw_path });
    let mut subs: Vec<&(String, String)> = params.iter().filter(|(k, _)| V2_SUBRESOURCES.contains(&k.as_str())).collect();
    subs.sort_by(|a, b| a.0.cmp(&b.0));
    for (n, (k, v)) in subs.iter().enumerate() {
        resource.push(if n == 0 { '?' } else { '&' });
        resource.push_str(k);
        if !v.is_empty() {
            resource.push('=');
            resource.push_str(v);
        }
    }
    let sts = format!(
        "{}\n{}\n{}\n{}\n{}{}",
        req.method,
        req.header("content-md5").unwrap_or(""),
        req.header("content-type").unwrap_or(""),
        date_line,
        amz_lines,
        resource
    );
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(sts.as_bytes());
    let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    if constant_time_eq(expected.as_bytes(), signed.signature.as_bytes()) {
        Ok(())
    } else {
        Err(AuthFailure::Mismatch { string_to_sign: sts, canonical_request: String::new() })
    }
}

// ---------------------------------------------------------------- streaming chunks

type HmacSha256 = Hmac<Sha256>;

fn hmac_hex(key: &[u8], data: &str) -> String {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(data.as_bytes());
    hex(&mac.finalize().into_bytes())
}

/// The chain of chunk signatures of a `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`
/// (or `…-PAYLOAD-TRAILER`) body, checked one chunk at a time as the body
/// arrives: each chunk is signed over the previous signature and the chunk's
/// hash, starting from the request's seed signature; a signed trailer closes
/// the chain.
pub struct ChunkChain {
    key: Vec<u8>,
    scope: String,
    amz_date: String,
    prev: String,
}

impl ChunkChain {
    pub fn new(signed: &Signed, secret: &str) -> Self {
        ChunkChain {
            key: cached_signing_key(secret, &signed.date, &signed.region, &signed.service),
            scope: signed.scope(),
            amz_date: signed.amz_date.clone(),
            prev: signed.signature.clone(),
        }
    }

    /// Checks the signature of the next chunk, given the SHA-256 of its data.
    pub fn verify_chunk(&mut self, data_sha256: &[u8], signature: &str) -> Result<(), AuthFailure> {
        let sts = format!("AWS4-HMAC-SHA256-PAYLOAD\n{}\n{}\n{}\n{EMPTY_SHA256}\n{}", self.amz_date, self.scope, self.prev, hex(data_sha256));
        let expected = hmac_hex(&self.key, &sts);
        if !constant_time_eq(expected.as_bytes(), signature.as_bytes()) {
            return Err(AuthFailure::Mismatch { string_to_sign: sts, canonical_request: String::new() });
        }
        self.prev = expected;
        Ok(())
    }

    /// Checks the trailer's signature; `canonical` is the trailer headers as
    /// `name:value\n` lines (lower-case names, trimmed values).
    pub fn verify_trailer(&self, canonical: &str, signature: &str) -> Result<(), AuthFailure> {
        let sts = format!("AWS4-HMAC-SHA256-TRAILER\n{}\n{}\n{}\n{}", self.amz_date, self.scope, self.prev, hex(&Sha256::digest(canonical.as_bytes())));
        if !constant_time_eq(hmac_hex(&self.key, &sts).as_bytes(), signature.as_bytes()) {
            return Err(AuthFailure::Mismatch { string_to_sign: sts, canonical_request: String::new() });
        }
        Ok(())
    }
}

/// Verifies the chunk signatures of a whole buffered aws-chunked body (see `ChunkChain`).
pub fn verify_chunks(body: &[u8], signed: &Signed, secret: &str) -> Result<(), AuthFailure> {
    let mut chain = ChunkChain::new(signed, secret);
    let mut pos = 0usize;
    let bad = |m: &str| AuthFailure::Malformed(format!("aws-chunked body: {m}"));
    let line_end = |from: usize| body.get(from..).and_then(|r| r.windows(2).position(|w| w == b"\r\n")).map(|e| from + e);
    loop {
        let end = line_end(pos).ok_or_else(|| bad("missing chunk header"))?;
        let header = std::str::from_utf8(&body[pos..end]).map_err(|_| bad("bad chunk header"))?;
        let (size_hex, ext) = header.split_once(';').unwrap_or((header, ""));
        let size = usize::from_str_radix(size_hex.trim(), 16).map_err(|_| bad("bad chunk size"))?;
        let chunk_sig = ext.trim().strip_prefix("chunk-signature=").ok_or_else(|| bad("chunk without a chunk-signature"))?;
        pos = end + 2;
        let data = body.get(pos..pos + size).ok_or_else(|| bad("truncated chunk"))?;
        chain.verify_chunk(&Sha256::digest(data), chunk_sig)?;
        pos += size;
        if size == 0 {
            break;
        }
        if body.get(pos..pos + 2) != Some(b"\r\n") {
            return Err(bad("chunk not terminated by CRLF"));
        }
        pos += 2;
    }
    // Optional signed trailer: `name:value\r\n … x-amz-trailer-signature:sig\r\n\r\n`.
    let mut trailer = String::new();
    let mut trailer_sig = None;
    while let Some(end) = line_end(pos) {
        let l = String::from_utf8_lossy(&body[pos..end]).into_owned();
        pos = end + 2;
        if l.is_empty() {
            continue;
        }
        match l.split_once(':') {
            Some((k, v)) if k.trim().eq_ignore_ascii_case("x-amz-trailer-signature") => trailer_sig = Some(v.trim().to_string()),
            Some((k, v)) => trailer.push_str(&format!("{}:{}\n", k.trim().to_ascii_lowercase(), v.trim())),
            None => {}
        }
    }
    match trailer_sig {
        Some(sig) => chain.verify_trailer(&trailer, &sig),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Signer;

    const AKID: &str = "AKIAIOSFODNN7EXAMPLE";
    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    fn signed_request(path: &str, query: &str, body: &[u8], now: i64) -> Vec<(String, String)> {
        let signer = Signer { access_key_id: AKID, secret_access_key: SECRET, session_token: None, region: "us-east-1", service: "sqs" };
        let host = vec![("host".to_string(), "localhost:4599".to_string())];
        let q: Vec<(String, String)> = decoded_query(query);
        let mut headers = host.clone();
        headers.extend(signer.sign("POST", &uri_encode(&normalize_path(path), true), &q, &host, body, &crate::amz_date(now)));
        headers
    }

    #[test]
    fn accepts_its_own_signatures_and_rejects_tampering() {
        let now = 1_800_000_000;
        let headers = signed_request("/000000000000/q", "a=b%20c", b"{}", now);
        let req = WireRequest { method: "POST", raw_path: "/000000000000/q", raw_query: "a=b%20c", headers: &headers, body: b"{}", virtual_bucket: None };
        let s = parse(&req).unwrap().unwrap();
        assert_eq!(s.service, "sqs");
        verify(&req, &s, SECRET, now).unwrap();
        assert!(matches!(verify(&req, &s, "wrong", now), Err(AuthFailure::Mismatch { .. })));
        assert!(matches!(verify(&req, &s, SECRET, now + 16 * 60), Err(AuthFailure::Skewed { .. })));
        let tampered = WireRequest { raw_query: "a=b%20d", ..req };
        assert!(matches!(verify(&tampered, &s, SECRET, now), Err(AuthFailure::Mismatch { .. })));
    }

    #[test]
    fn unsigned_and_malformed() {
        let req = WireRequest { method: "GET", raw_path: "/", raw_query: "", headers: &[], body: b"", virtual_bucket: None };
        assert!(parse(&req).unwrap().is_none());
        let h = vec![("authorization".to_string(), "AWS4-HMAC-SHA256 Credential=x".to_string())];
        let req = WireRequest { headers: &h, ..req };
        assert!(matches!(parse(&req), Err(AuthFailure::Malformed(_))));
    }

    #[test]
    fn dates() {
        assert_eq!(parse_amz_date("20150830T123600Z"), Some(1440938160));
        assert_eq!(http_date_to_amz("Sun, 30 Aug 2015 12:36:00 GMT").as_deref(), Some("20150830T123600Z"));
        assert_eq!(normalize_path("/a/./b/../c//d/"), "/a/c/d/");
    }

    /// The chunked-upload example of the S3 SigV4 documentation (64 KiB of 'a').
    #[test]
    fn documented_chunk_signatures() {
        let signed = Signed {
            location: SignatureLocation::Header,
            access_key_id: AKID.into(),
            date: "20130524".into(),
            region: "us-east-1".into(),
            service: "s3".into(),
            signed_headers: vec![],
            signature: "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9".into(),
            amz_date: "20130524T000000Z".into(),
            expires: None,
            session_token: None,
            v2: false,
        };
        let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        let mut body = Vec::new();
        body.extend_from_slice(b"10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n");
        body.extend(std::iter::repeat(b'a').take(65536));
        body.extend_from_slice(b"\r\n400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n");
        body.extend(std::iter::repeat(b'a').take(1024));
        body.extend_from_slice(b"\r\n0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n");
        verify_chunks(&body, &signed, secret).unwrap();
        body[200] = b'b';
        assert!(verify_chunks(&body, &signed, secret).is_err());
    }
}
