//! CORS: a bucket's rules checked as S3 checks them when they are put, and
//! applied as S3 applies them: to preflight requests (`OPTIONS`, which is
//! no S3 operation: the gateway hands them to [`preflight`]) and to actual
//! requests that carry an `Origin` (the gateway adds [`response_headers`]).

use crate::errors::invalid_request;
use simfra_gen_s3::types::*;
use simfra_model::ServiceError;
use simfra_protocols::{HttpRequest, HttpResponse};

const METHODS: &[&str] = &["GET", "PUT", "POST", "DELETE", "HEAD"];
const MAX_RULES: usize = 100;

/// PutBucketCors's checks beyond the model.
pub(crate) fn check(conf: &CorsConfiguration) -> Result<(), ServiceError> {
    if conf.cors_rules.is_empty() {
        return Err(crate::errors::malformed_xml());
    }
    if conf.cors_rules.len() > MAX_RULES {
        return Err(invalid_request(format!("The number of CORS rules should not exceed allowed limit of {MAX_RULES} rules.")));
    }
    for rule in &conf.cors_rules {
        if rule.allowed_methods.is_empty() || rule.allowed_origins.is_empty() {
            return Err(crate::errors::malformed_xml());
        }
        if let Some(m) = rule.allowed_methods.iter().find(|m| !METHODS.contains(&m.as_str())) {
            return Err(invalid_request(format!("Found unsupported HTTP method in CORS config. Unsupported method is {m}")));
        }
        if let Some(o) = rule.allowed_origins.iter().find(|o| o.matches('*').count() > 1) {
            return Err(invalid_request(format!("AllowedOrigin \"{o}\" can not have more than one wildcard.")));
        }
        if let Some(h) = rule.allowed_headers.iter().flatten().find(|h| h.matches('*').count() > 1) {
            return Err(invalid_request(format!("AllowedHeader \"{h}\" can not have more than one wildcard.")));
        }
        if let Some(h) = rule.expose_headers.iter().flatten().find(|h| h.contains('*')) {
            return Err(invalid_request(format!("ExposeHeader \"{h}\" contains wildcard. We currently do not support wildcard for ExposeHeader.")));
        }
        if rule.id.as_ref().is_some_and(|id| id.len() > 255) {
            return Err(invalid_request("The ID of a CORS rule must be no more than 255 characters long."));
        }
    }
    Ok(())
}

/// A pattern with at most one `*` (any run of characters).
fn wildcard_match(pattern: &str, value: &str, ignore_case: bool) -> bool {
    let (p, v) = if ignore_case { (pattern.to_ascii_lowercase(), value.to_ascii_lowercase()) } else { (pattern.to_string(), value.to_string()) };
    match p.split_once('*') {
        None => p == v,
        Some((head, tail)) => v.len() >= head.len() + tail.len() && v.starts_with(head) && v.ends_with(tail),
    }
}

/// The first rule that lets `origin` use `method` with these request headers.
fn matching<'a>(rules: &'a [CorsRule], origin: &str, method: &str, headers: &[String]) -> Option<&'a CorsRule> {
    rules.iter().find(|r| {
        r.allowed_origins.iter().any(|o| wildcard_match(o, origin, false))
            && r.allowed_methods.iter().any(|m| m == method)
            && headers.iter().all(|h| r.allowed_headers.iter().flatten().any(|a| wildcard_match(a, h, true)))
    })
}

const VARY: &str = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method";

/// The headers S3 answers a matched rule with.
fn allow_headers(rule: &CorsRule, origin: &str, request_headers: &[String]) -> Vec<(String, String)> {
    let wildcard = rule.allowed_origins.iter().any(|o| o == "*");
    let mut h = vec![("Access-Control-Allow-Origin".to_string(), if wildcard { "*".to_string() } else { origin.to_string() })];
    h.push(("Access-Control-Allow-Methods".into(), rule.allowed_methods.join(", ")));
    if !request_headers.is_empty() {
        h.push(("Access-Control-Allow-Headers".into(), request_headers.join(", ")));
    }
    if let Some(expose) = rule.expose_headers.as_ref().filter(|e| !e.is_empty()) {
        h.push(("Access-Control-Expose-Headers".into(), expose.join(", ")));
    }
    if let Some(age) = rule.max_age_seconds {
        h.push(("Access-Control-Max-Age".into(), age.to_string()));
    }
    if !wildcard {
        h.push(("Access-Control-Allow-Credentials".into(), "true".into()));
    }
    h.push(("Vary".into(), VARY.into()));
    h
}

fn rules_of(bucket: &str) -> Option<Option<Vec<CorsRule>>> {
    let s3 = crate::internal::shared();
    let buckets = s3.store.lock();
    let b = buckets.get(bucket)?;
    Some(b.config.cors.as_ref().map(|c| c.cors_rules.clone()))
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// An S3 XML error document with the extra elements a CORS refusal carries.
fn error(status: u16, code: &str, message: &str, extra: &[(&str, &str)], request_id: &str, host_id: &str) -> HttpResponse {
    let mut body = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{}</Message>", xml_escape(message));
    for (k, v) in extra {
        body.push_str(&format!("<{k}>{}</{k}>", xml_escape(v)));
    }
    body.push_str(&format!("<RequestId>{request_id}</RequestId><HostId>{host_id}</HostId></Error>"));
    let mut r = HttpResponse::new(status);
    r.set_header("Content-Type", "application/xml");
    r.body = body.into();
    r
}

/// The `Access-Control-Request-Headers` list, trimmed and lower-cased.
fn requested_headers(req: &HttpRequest) -> Vec<String> {
    req.header("access-control-request-headers")
        .map(|v| v.split(',').map(|h| h.trim().to_ascii_lowercase()).filter(|h| !h.is_empty()).collect())
        .unwrap_or_default()
}

/// S3's answer to a CORS preflight (`OPTIONS /bucket[/key]`).
pub fn preflight(bucket: &str, key: &str, req: &HttpRequest, request_id: &str, host_id: &str) -> HttpResponse {
    let resource_type = if key.is_empty() { "BUCKET" } else { "OBJECT" };
    let Some(origin) = req.header("origin").filter(|o| !o.is_empty()) else {
        return error(400, "BadRequest", "Insufficient information. Origin request header needed.", &[], request_id, host_id);
    };
    let method = req.header("access-control-request-method").unwrap_or("");
    if !METHODS.contains(&method) {
        let shown = if method.is_empty() { "null" } else { method };
        return error(400, "BadRequest", &format!("Invalid Access-Control-Request-Method: {shown}"), &[], request_id, host_id);
    }
    let forbidden = |message: &str| error(403, "AccessForbidden", message, &[("Method", method), ("ResourceType", resource_type)], request_id, host_id);
    let rules = match rules_of(bucket) {
        None => return forbidden("CORSResponse: Bucket not found"),
        Some(None) => return forbidden("CORSResponse: CORS is not enabled for this bucket."),
        Some(Some(rules)) => rules,
    };
    let headers = requested_headers(req);
    match matching(&rules, origin, method, &headers) {
        Some(rule) => {
            let mut r = HttpResponse::new(200);
            r.headers = allow_headers(rule, origin, &headers);
            r.set_header("Content-Length", "0");
            r
        }
        None => forbidden(
            "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.",
        ),
    }
}

/// The CORS headers for an actual request to a bucket (one with `Origin`):
/// those of the first rule matching its origin and method, else none.
pub fn response_headers(bucket: &str, req: &HttpRequest) -> Vec<(String, String)> {
    let Some(origin) = req.header("origin").filter(|o| !o.is_empty()) else { return Vec::new() };
    let Some(Some(rules)) = rules_of(bucket) else { return Vec::new() };
    match matching(&rules, origin, &req.method.to_ascii_uppercase(), &[]) {
        Some(rule) => allow_headers(rule, origin, &[]),
        None => vec![("Vary".into(), VARY.into())],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(origins: &[&str], methods: &[&str], headers: &[&str]) -> CorsRule {
        CorsRule {
            allowed_origins: origins.iter().map(|s| s.to_string()).collect(),
            allowed_methods: methods.iter().map(|s| s.to_string()).collect(),
            allowed_headers: Some(headers.iter().map(|s| s.to_string()).collect()),
            ..Default::default()
        }
    }

    #[test]
    fn rules_are_checked_and_matched() {
        let bad = CorsConfiguration { cors_rules: vec![rule(&["*"], &["PATCH"], &[])] };
        assert_eq!(check(&bad).unwrap_err().message.as_deref(), Some("Found unsupported HTTP method in CORS config. Unsupported method is PATCH"));
        let rules = vec![rule(&["http://*.example.com"], &["GET"], &["x-amz-*"]), rule(&["*"], &["PUT"], &["*"])];
        assert!(matching(&rules, "http://www.example.com", "GET", &["x-amz-date".into()]).is_some());
        assert!(matching(&rules, "http://www.example.com", "GET", &["authorization".into()]).is_none());
        assert!(matching(&rules, "http://other.org", "PUT", &["anything".into()]).is_some());
        assert!(matching(&rules, "http://other.org", "DELETE", &[]).is_none());
    }
}
