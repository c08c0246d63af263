//! AWS Signature Version 4, as the SDKs compute it: the canonical request, the
//! string to sign, the derived signing key and the signature. Used to sign
//! (load generator, tests) and, by the identity layer, to verify.

pub mod verify;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

pub fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

/// `kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`
pub fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> Vec<u8> {
    let k_date = hmac(format!("AWS4{secret}").as_bytes(), date.as_bytes());
    let k_region = hmac(&k_date, region.as_bytes());
    let k_service = hmac(&k_region, service.as_bytes());
    hmac(&k_service, b"aws4_request")
}

/// URI-encodes as SigV4 requires: unreserved characters stay, everything
/// else is `%XX`; `/` stays when `keep_slash`.
pub fn uri_encode(s: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        let unreserved = b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~');
        if unreserved || (keep_slash && b == b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The canonical query string from decoded (key, value) pairs: each encoded, sorted.
pub fn canonical_query(params: &[(String, String)]) -> String {
    let mut enc: Vec<(String, String)> = params.iter().map(|(k, v)| (uri_encode(k, false), uri_encode(v, false))).collect();
    enc.sort();
    enc.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&")
}

/// The parts of a request that a signature covers.
pub struct CanonicalInput<'a> {
    pub method: &'a str,
    /// The path, already URI-encoded as it goes on the wire (S3 style: encoded once).
    pub canonical_uri: &'a str,
    pub canonical_query: &'a str,
    /// (lower-case name, value) of every signed header.
    pub headers: &'a [(String, String)],
    pub payload_hash: &'a str,
}

/// Returns (canonical request, signed header list).
pub fn canonical_request(input: &CanonicalInput) -> (String, String) {
    let mut headers: Vec<(String, String)> = input
        .headers
        .iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v.split_whitespace().collect::<Vec<_>>().join(" ")))
        .collect();
    headers.sort_by(|a, b| a.0.cmp(&b.0));
    // Repeated headers are joined with commas under one name.
    let mut merged: Vec<(String, String)> = Vec::new();
    for (k, v) in headers {
        match merged.last_mut() {
            Some((lk, lv)) if *lk == k => {
                lv.push(',');
                lv.push_str(&v);
            }
            _ => merged.push((k, v)),
        }
    }
    let canonical_headers: String = merged.iter().map(|(k, v)| format!("{k}:{v}\n")).collect();
    let signed: String = merged.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>().join(";");
    (
        format!(
            "{}\n{}\n{}\n{}\n{}\n{}",
            input.method, input.canonical_uri, input.canonical_query, canonical_headers, signed, input.payload_hash
        ),
        signed,
    )
}

pub fn string_to_sign(amz_date: &str, scope: &str, canonical_request: &str) -> String {
    format!("{ALGORITHM}\n{amz_date}\n{scope}\n{}", sha256_hex(canonical_request.as_bytes()))
}

pub fn signature(key: &[u8], string_to_sign: &str) -> String {
    hex(&hmac(key, string_to_sign.as_bytes()))
}

/// Credentials and scope for signing.
pub struct Signer<'a> {
    pub access_key_id: &'a str,
    pub secret_access_key: &'a str,
    pub session_token: Option<&'a str>,
    pub region: &'a str,
    pub service: &'a str,
}

impl Signer<'_> {
    /// Signs a request: returns the headers to add (`x-amz-date`,
    /// `x-amz-content-sha256`, optional `x-amz-security-token`, `authorization`).
    /// `headers` must include `host`; `amz_date` is `YYYYMMDDTHHMMSSZ`.
    pub fn sign(
        &self,
        method: &str,
        canonical_uri: &str,
        query: &[(String, String)],
        headers: &[(String, String)],
        body: &[u8],
        amz_date: &str,
    ) -> Vec<(String, String)> {
        self.sign_payload_hash(method, canonical_uri, query, headers, &sha256_hex(body), amz_date)
    }

    /// As `sign`, with the payload hash given (`UNSIGNED-PAYLOAD` for S3
    /// bodies the client does not hash).
    pub fn sign_payload_hash(
        &self,
        method: &str,
        canonical_uri: &str,
        query: &[(String, String)],
        headers: &[(String, String)],
        payload_hash: &str,
        amz_date: &str,
    ) -> Vec<(String, String)> {
        let payload_hash = payload_hash.to_string();
        let mut all: Vec<(String, String)> = headers.to_vec();
        all.push(("x-amz-date".into(), amz_date.into()));
        all.push(("x-amz-content-sha256".into(), payload_hash.clone()));
        if let Some(t) = self.session_token {
            all.push(("x-amz-security-token".into(), t.into()));
        }
        let cq = canonical_query(query);
        let (creq, signed) = canonical_request(&CanonicalInput {
            method,
            canonical_uri,
            canonical_query: &cq,
            headers: &all,
            payload_hash: &payload_hash,
        });
        let date = &amz_date[..8];
        let scope = format!("{date}/{}/{}/aws4_request", self.region, self.service);
        let sts = string_to_sign(amz_date, &scope, &creq);
        let sig = signature(&signing_key(self.secret_access_key, date, self.region, self.service), &sts);
        let mut out: Vec<(String, String)> = all.into_iter().filter(|(k, _)| !headers.iter().any(|(h, _)| h == k)).collect();
        out.push((
            "authorization".into(),
            format!("{ALGORITHM} Credential={}/{scope}, SignedHeaders={signed}, Signature={sig}", self.access_key_id),
        ));
        out
    }
}

/// `YYYYMMDDTHHMMSSZ` for a Unix time.
pub fn amz_date(unix_secs: i64) -> String {
    let (y, m, d, hh, mm, ss) = simfra_model::calendar::utc_parts(unix_secs);
    format!("{y:04}{m:02}{d:02}T{hh:02}{mm:02}{ss:02}Z")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The worked example of AWS's SigV4 documentation (IAM ListUsers, GET).
    #[test]
    fn documented_example() {
        let key = signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830", "us-east-1", "iam");
        assert_eq!(hex(&key), "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
        let headers = vec![
            ("content-type".to_string(), "application/x-www-form-urlencoded; charset=utf-8".to_string()),
            ("host".to_string(), "iam.amazonaws.com".to_string()),
            ("x-amz-date".to_string(), "20150830T123600Z".to_string()),
        ];
        let cq = canonical_query(&[("Action".into(), "ListUsers".into()), ("Version".into(), "2010-05-08".into())]);
        let (creq, signed) = canonical_request(&CanonicalInput {
            method: "GET",
            canonical_uri: "/",
            canonical_query: &cq,
            headers: &headers,
            payload_hash: &sha256_hex(b""),
        });
        assert_eq!(signed, "content-type;host;x-amz-date");
        assert_eq!(sha256_hex(creq.as_bytes()), "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");
        let sts = string_to_sign("20150830T123600Z", "20150830/us-east-1/iam/aws4_request", &creq);
        assert_eq!(signature(&key, &sts), "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
        assert_eq!(amz_date(1440938160), "20150830T123600Z");
    }
}
