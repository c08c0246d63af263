//! What S3 answers outside its API operations: CORS preflights (`OPTIONS`),
//! CORS headers on actual requests, and the static website endpoints
//! (`<bucket>.s3-website-<region>.localhost`, `<bucket>.s3-website.<region>.localhost`).
//! S3 provides the answers; the server installs them (`install`), so the
//! gateway needs no dependency on the S3 crate.

use crate::host::{is_region, HostInfo};
use simfra_protocols::{HttpRequest, HttpResponse};
use std::sync::OnceLock;

/// S3's functions for requests that are no S3 operation.
pub struct S3Web {
    /// `OPTIONS` on a bucket or object: (bucket, key, request, request id, host id).
    pub preflight: fn(&str, &str, &HttpRequest, &str, &str) -> HttpResponse,
    /// Headers to add to the answer of an S3 request with `Origin`: (bucket, request).
    pub cors_headers: fn(&str, &HttpRequest) -> Vec<(String, String)>,
    /// A website endpoint request: (bucket, region, request, request id, host id).
    pub website: fn(&str, &str, &HttpRequest, &str, &str) -> HttpResponse,
}

static HOOKS: OnceLock<S3Web> = OnceLock::new();

/// Installs S3's functions (once, at start).
pub fn install(hooks: S3Web) {
    let _ = HOOKS.set(hooks);
}

/// For a website endpoint host: the bucket and region.
fn website_target(host: &HostInfo) -> Option<(String, String)> {
    let labels = &host.labels;
    let n = labels.len();
    // `bucket.s3-website.region` or `bucket.s3-website-region` (bucket names may hold dots).
    if n >= 3 && labels[n - 2] == "s3-website" && is_region(&labels[n - 1]) {
        return Some((labels[..n - 2].join("."), labels[n - 1].clone()));
    }
    let region = labels.last()?.strip_prefix("s3-website-").filter(|r| is_region(r))?;
    (n >= 2).then(|| (labels[..n - 1].join("."), region.to_string()))
}

/// The bucket and key of a path-style or virtual-hosted S3 request.
fn bucket_and_key(path: &str, host: &HostInfo) -> Option<(String, String)> {
    let path = path.strip_prefix('/').unwrap_or(path);
    if let Some(bucket) = host.s3_bucket() {
        return Some((bucket, simfra_protocols::http::percent_decode(path)));
    }
    // Path style: only on hosts that name no other service.
    if host.service_prefix().is_some_and(|p| p != "s3") {
        return None;
    }
    let (bucket, key) = path.split_once('/').unwrap_or((path, ""));
    (!bucket.is_empty()).then(|| (simfra_protocols::http::percent_decode(bucket), simfra_protocols::http::percent_decode(key)))
}

/// The answer to a request S3 serves outside its operations (a website
/// endpoint request, an `OPTIONS` preflight), if this is one. A preflight
/// carries no signature, but its URL may be a presigned one (signed for `s3`).
pub(crate) fn answer(req: &HttpRequest, host: &HostInfo, signed_for: Option<&str>, request_id: &str) -> Option<HttpResponse> {
    let hooks = HOOKS.get()?;
    let (request_id, host_id) = (crate::ids::s3_request_id(request_id), crate::ids::s3_host_id());
    let mut resp = if let Some((bucket, region)) = website_target(host) {
        (hooks.website)(&bucket, &region, req, &request_id, &host_id)
    } else if req.method == "OPTIONS" && signed_for.is_none_or(|s| s == "s3") {
        let (bucket, key) = bucket_and_key(&req.path, host)?;
        (hooks.preflight)(&bucket, &key, req, &request_id, &host_id)
    } else {
        return None;
    };
    resp.set_header("x-amz-request-id", request_id);
    resp.set_header("x-amz-id-2", host_id);
    Some(resp)
}

/// CORS headers for an S3 request's answer (`path` as routed: `/bucket/key`).
pub(crate) fn add_cors_headers(req: &HttpRequest, resp: &mut HttpResponse) {
    let Some(hooks) = HOOKS.get() else { return };
    if req.header("origin").is_none() {
        return;
    }
    let Some((bucket, _)) = bucket_and_key(&req.path, &HostInfo::default()) else { return };
    for (k, v) in (hooks.cors_headers)(&bucket, req) {
        resp.set_header(&k, v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn website_hosts() {
        let t = |h: &str| website_target(&HostInfo::parse(h));
        assert_eq!(t("my.site.s3-website-us-east-1.localhost:4599"), Some(("my.site".into(), "us-east-1".into())));
        assert_eq!(t("site.s3-website.eu-west-1.localhost"), Some(("site".into(), "eu-west-1".into())));
        assert_eq!(t("site.s3.us-east-1.localhost"), None);
        assert_eq!(t("s3-website-us-east-1.localhost"), None);
        let b = bucket_and_key("/b/dir/a%20b", &HostInfo::parse("localhost:4599"));
        assert_eq!(b, Some(("b".into(), "dir/a b".into())));
        assert_eq!(bucket_and_key("/x", &HostInfo::parse("sqs.us-east-1.localhost")), None);
    }
}
