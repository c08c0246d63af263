//! Static website hosting: a bucket's website configuration checked as S3
//! checks it, and the website endpoint (`<bucket>.s3-website-<region>.…`,
//! which the gateway hands to [`serve`]): GET and HEAD only, anonymous
//! readers only, index and error documents, redirects (whole-bucket,
//! routing rules, per-object), and HTML error pages.

use crate::errors::invalid_argument;
use crate::store::Version;
use simfra_gen_s3::types::*;
use simfra_model::ServiceError;
use simfra_protocols::{HttpRequest, HttpResponse};

const MAX_ROUTING_RULES: usize = 50;

/// PutBucketWebsite's checks beyond the model.
pub(crate) fn check(conf: &WebsiteConfiguration) -> Result<(), ServiceError> {
    if let Some(all) = &conf.redirect_all_requests_to {
        if conf.index_document.is_some() || conf.error_document.is_some() || conf.routing_rules.is_some() {
            return Err(invalid_argument("RedirectAllRequestsTo cannot be provided in conjunction with other Routing Rules."));
        }
        if all.host_name.is_empty() {
            return Err(invalid_argument("The RedirectAllRequestsTo HostName is not well formed"));
        }
        return Ok(());
    }
    let Some(index) = &conf.index_document else {
        return Err(invalid_argument("A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty"));
    };
    if index.suffix.is_empty() || index.suffix.contains('/') {
        return Err(invalid_argument("The IndexDocument Suffix is not well formed"));
    }
    if conf.error_document.as_ref().is_some_and(|e| e.key.is_empty()) {
        return Err(invalid_argument("The ErrorDocument Key is not well formed"));
    }
    let rules = conf.routing_rules.as_deref().unwrap_or(&[]);
    if rules.len() > MAX_ROUTING_RULES {
        return Err(invalid_argument(format!("The number of routing rules must not exceed the allowed limit of {MAX_ROUTING_RULES} rules.")));
    }
    for rule in rules {
        if let Some(c) = &rule.condition {
            if c.key_prefix_equals.is_none() && c.http_error_code_returned_equals.is_none() {
                return Err(invalid_argument(
                    "Condition cannot be empty. To redirect all requests without a condition, the condition element shouldn't be present.",
                ));
            }
            if let Some(code) = &c.http_error_code_returned_equals {
                if !code.parse::<u16>().is_ok_and(|n| (400..600).contains(&n)) {
                    return Err(invalid_argument(format!("The provided HTTP error code ({code}) is not valid. Valid codes are 4XX or 5XX.")));
                }
            }
        }
        let r = &rule.redirect;
        if r.replace_key_prefix_with.is_some() && r.replace_key_with.is_some() {
            return Err(invalid_argument("You can only define ReplaceKeyPrefix or ReplaceKey but not both."));
        }
        if let Some(code) = &r.http_redirect_code {
            if !code.parse::<u16>().is_ok_and(|n| (301..400).contains(&n)) {
                return Err(invalid_argument(format!("The provided HTTP redirect code ({code}) is not valid. Valid codes are 3XX except 300.")));
            }
        }
        if r.host_name.is_none() && r.http_redirect_code.is_none() && r.protocol.is_none() && r.replace_key_prefix_with.is_none() && r.replace_key_with.is_none() {
            return Err(invalid_argument("Redirect must contain at least one of the following: HostName, HttpRedirectCode, Protocol, ReplaceKeyPrefixWith, ReplaceKeyWith."));
        }
    }
    Ok(())
}

/// An error page as website endpoints render it.
struct Failure {
    status: u16,
    code: &'static str,
    message: &'static str,
    /// Extra `<li>` lines (`Key: …`, `BucketName: …`).
    details: Vec<(&'static str, String)>,
}

impl Failure {
    fn new(status: u16, code: &'static str, message: &'static str) -> Self {
        Failure { status, code, message, details: Vec::new() }
    }
    fn with(mut self, name: &'static str, value: &str) -> Self {
        self.details.push((name, value.to_string()));
        self
    }
    fn no_such_key(key: &str) -> Self {
        Failure::new(404, "NoSuchKey", "The specified key does not exist.").with("Key", key)
    }
    fn access_denied() -> Self {
        Failure::new(403, "AccessDenied", "Access Denied")
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        301 => "Moved Permanently",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        412 => "Precondition Failed",
        _ => "Error",
    }
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn items(f: &Failure) -> String {
    let mut s = format!("<li>Code: {}</li>\n<li>Message: {}</li>\n", f.code, f.message);
    for (k, v) in &f.details {
        s.push_str(&format!("<li>{k}: {}</li>\n", html_escape(v)));
    }
    s
}

/// The HTML page; `document_failure` is why the custom error document could not be served.
fn page(f: &Failure, document_failure: Option<&Failure>, ids: &Ids) -> HttpResponse {
    let title = format!("{} {}", f.status, reason(f.status));
    let mut body = format!(
        "<html>\n<head><title>{title}</title></head>\n<body>\n<h1>{title}</h1>\n<ul>\n{}<li>RequestId: {}</li>\n<li>HostId: {}</li>\n</ul>\n",
        items(f),
        ids.request_id,
        ids.host_id
    );
    if let Some(d) = document_failure {
        body.push_str(&format!("<h3>An Error Occurred While Attempting to Retrieve a Custom Error Document</h3>\n<ul>\n{}</ul>\n", items(d)));
    }
    body.push_str("<hr/>\n</body>\n</html>\n");
    let mut r = HttpResponse::new(f.status);
    r.set_header("Content-Type", "text/html; charset=utf-8");
    r.set_header("Content-Length", body.len().to_string());
    r.body = body.into();
    r
}

struct Ids<'a> {
    request_id: &'a str,
    host_id: &'a str,
}

fn redirect(status: u16, location: &str) -> HttpResponse {
    let mut r = HttpResponse::new(status);
    r.set_header("Location", location);
    r.set_header("Content-Length", "0");
    r
}

/// May an anonymous reader do `action` on `resource`? (Website endpoints
/// serve anonymous requests only; bucket policies and ACLs decide.)
fn anonymous_may(action: &str, resource: &str, req: &HttpRequest) -> bool {
    let need = simfra_identity::actions::Required { action: action.into(), resource: resource.into(), context: Vec::new() };
    let facts = simfra_identity::authorize::RequestFacts {
        source_ip: req.header("x-forwarded-for").and_then(|v| v.split(',').next()).map(|v| v.trim().to_string()).unwrap_or_else(|| "127.0.0.1".into()),
        secure_transport: false,
        region: String::new(),
        user_agent: req.header("user-agent").unwrap_or("").to_string(),
        now: simfra_model::Timestamp::now().as_millis() / 1000,
    };
    simfra_identity::authorize::authorize_anonymous(&[need], &facts).is_ok()
}

/// What the website endpoint found for a key.
enum Found {
    Object(Version),
    /// `key` is missing but `key/` + index document exists: S3 redirects there.
    Folder,
    Missing,
}

fn find(bucket: &str, key: &str, index: Option<&str>) -> Found {
    let s3 = crate::internal::shared();
    let buckets = s3.store.lock();
    let Some(b) = buckets.get(bucket) else { return Found::Missing };
    let live = |k: &str| b.current(k).filter(|v| !v.delete_marker).cloned();
    if let Some(v) = live(key) {
        return Found::Object(v);
    }
    match index {
        Some(suffix) if !key.is_empty() && !key.ends_with('/') && live(&format!("{key}/{suffix}")).is_some() => Found::Folder,
        _ => Found::Missing,
    }
}

fn object_response(v: &Version, status: u16, head: bool) -> HttpResponse {
    let mut r = HttpResponse::new(status);
    r.set_header("Content-Type", v.headers.content_type.clone().unwrap_or_else(|| "binary/octet-stream".into()));
    r.set_header("Content-Length", v.size.to_string());
    r.set_header("ETag", v.etag.clone());
    r.set_header("Last-Modified", simfra_protocols::timefmt::format_http_date(v.last_modified));
    for (name, value) in [
        ("Content-Encoding", &v.headers.content_encoding),
        ("Content-Disposition", &v.headers.content_disposition),
        ("Content-Language", &v.headers.content_language),
        ("Cache-Control", &v.headers.cache_control),
        ("Expires", &v.headers.expires),
    ] {
        if let Some(value) = value {
            r.set_header(name, value.clone());
        }
    }
    for (k, val) in &v.metadata {
        r.headers.push((format!("x-amz-meta-{k}"), val.clone()));
    }
    if !head {
        if let Some(blob) = &v.blob {
            r.body_stream = Some(crate::storage::read(blob.clone(), 0, v.size));
        }
    }
    r
}

/// Where a routing rule sends a request for `key`.
fn rule_location(rule: &RoutingRule, key: &str, req: &HttpRequest) -> (u16, String) {
    let r = &rule.redirect;
    let protocol = r.protocol.as_ref().map(|p| p.as_str().to_string()).unwrap_or_else(|| "http".into());
    let host = r.host_name.clone().unwrap_or_else(|| req.header("host").unwrap_or("localhost").to_string());
    let new_key = match (&r.replace_key_with, &r.replace_key_prefix_with) {
        (Some(k), _) => k.clone(),
        (None, Some(prefix)) => {
            let matched = rule.condition.as_ref().and_then(|c| c.key_prefix_equals.as_deref()).unwrap_or("");
            format!("{prefix}{}", key.strip_prefix(matched).unwrap_or(key))
        }
        (None, None) => key.to_string(),
    };
    let status = r.http_redirect_code.as_deref().and_then(|c| c.parse().ok()).unwrap_or(301);
    (status, format!("{protocol}://{host}/{new_key}"))
}

/// The first routing rule for a request (`error` is None before the object
/// is looked up, the error status after).
fn routing_rule<'a>(rules: &'a [RoutingRule], key: &str, error: Option<u16>) -> Option<&'a RoutingRule> {
    rules.iter().find(|rule| {
        let prefix_ok = rule.condition.as_ref().and_then(|c| c.key_prefix_equals.as_deref()).is_none_or(|p| key.starts_with(p));
        let wanted_error = rule.condition.as_ref().and_then(|c| c.http_error_code_returned_equals.as_deref());
        let error_ok = match (wanted_error, error) {
            (None, None) => true,
            (Some(w), Some(e)) => w == e.to_string(),
            _ => false,
        };
        prefix_ok && error_ok
    })
}

/// Serves one request to a bucket's website endpoint; the bucket's CORS
/// rules apply there too (preflights, and headers for requests with `Origin`).
pub fn serve(bucket: &str, region: &str, req: &HttpRequest, request_id: &str, host_id: &str) -> HttpResponse {
    if req.method.eq_ignore_ascii_case("OPTIONS") {
        let key = simfra_protocols::http::percent_decode(req.path.trim_start_matches('/'));
        return super::cors::preflight(bucket, &key, req, request_id, host_id);
    }
    let mut r = answer(bucket, region, req, request_id, host_id);
    for (k, v) in super::cors::response_headers(bucket, req) {
        r.set_header(&k, v);
    }
    r
}

fn answer(bucket: &str, region: &str, req: &HttpRequest, request_id: &str, host_id: &str) -> HttpResponse {
    let ids = Ids { request_id, host_id };
    let method = req.method.to_ascii_uppercase();
    let head = method == "HEAD";
    let respond = |mut r: HttpResponse| {
        if head {
            r.body = Default::default();
            r.body_stream = None;
        }
        r
    };
    if method != "GET" && !head {
        let f = Failure::new(405, "MethodNotAllowed", "The specified method is not allowed against this resource.").with("Method", &method).with("ResourceType", "OBJECT");
        return page(&f, None, &ids);
    }
    let (conf, bucket_region) = {
        let s3 = crate::internal::shared();
        let buckets = s3.store.lock();
        match buckets.get(bucket) {
            None => return respond(page(&Failure::new(404, "NoSuchBucket", "The specified bucket does not exist").with("BucketName", bucket), None, &ids)),
            Some(b) => (b.config.website.clone(), b.region.clone()),
        }
    };
    if bucket_region != region {
        let f = Failure::new(301, "PermanentRedirect", "The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.")
            .with("Endpoint", &format!("{bucket}.s3-website-{bucket_region}.amazonaws.com"))
            .with("Bucket", bucket);
        return respond(page(&f, None, &ids));
    }
    let Some(conf) = conf else {
        let f = Failure::new(404, "NoSuchWebsiteConfiguration", "The specified bucket does not have a website configuration").with("BucketName", bucket);
        return respond(page(&f, None, &ids));
    };
    let path = simfra_protocols::http::percent_decode(&req.path);
    if let Some(all) = &conf.redirect_all_requests_to {
        let protocol = all.protocol.as_ref().map(|p| p.as_str().to_string()).unwrap_or_else(|| "http".into());
        return redirect(301, &format!("{protocol}://{}{path}", all.host_name));
    }
    let key = path.strip_prefix('/').unwrap_or(&path).to_string();
    let rules = conf.routing_rules.as_deref().unwrap_or(&[]);
    if let Some(rule) = routing_rule(rules, &key, None) {
        let (status, location) = rule_location(rule, &key, req);
        return redirect(status, &location);
    }
    let index = conf.index_document.as_ref().map(|i| i.suffix.as_str());
    let wanted = match index {
        Some(suffix) if key.is_empty() || key.ends_with('/') => format!("{key}{suffix}"),
        _ => key.clone(),
    };
    let object_arn = format!("arn:aws:s3:::{bucket}/{wanted}");
    let failure = if !anonymous_may("s3:GetObject", &object_arn, req) {
        Failure::access_denied()
    } else {
        match find(bucket, &wanted, index) {
            Found::Object(v) => {
                if let Some(location) = &v.headers.website_redirect_location {
                    return redirect(301, location);
                }
                // Browsers revalidate what they cached.
                let date = |name: &str| req.header(name).and_then(simfra_protocols::timefmt::parse_http_date);
                let condition = crate::objects::common::evaluate(
                    &v,
                    req.header("if-match"),
                    req.header("if-none-match"),
                    date("if-modified-since"),
                    date("if-unmodified-since"),
                );
                match condition {
                    crate::objects::common::Precondition::Proceed => return respond(object_response(&v, 200, head)),
                    crate::objects::common::Precondition::NotModified => {
                        let mut r = HttpResponse::new(304);
                        r.set_header("ETag", v.etag.clone());
                        r.set_header("Last-Modified", simfra_protocols::timefmt::format_http_date(v.last_modified));
                        return r;
                    }
                    crate::objects::common::Precondition::Failed(c) => {
                        let f = Failure::new(412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold").with("Condition", c);
                        return respond(page(&f, None, &ids));
                    }
                }
            }
            Found::Folder => return redirect(302, &format!("/{key}/")),
            // Without permission to list the bucket, a missing key is not told apart from a forbidden one.
            Found::Missing if anonymous_may("s3:ListBucket", &format!("arn:aws:s3:::{bucket}"), req) => Failure::no_such_key(&wanted),
            Found::Missing => Failure::access_denied(),
        }
    };
    if let Some(rule) = routing_rule(rules, &key, Some(failure.status)) {
        let (status, location) = rule_location(rule, &key, req);
        return redirect(status, &location);
    }
    let Some(error_key) = conf.error_document.as_ref().map(|e| e.key.clone()) else {
        return respond(page(&failure, None, &ids));
    };
    // The custom error document, answered with the error's status.
    let document_failure = if !anonymous_may("s3:GetObject", &format!("arn:aws:s3:::{bucket}/{error_key}"), req) {
        Failure::access_denied()
    } else {
        match find(bucket, &error_key, None) {
            Found::Object(v) => return respond(object_response(&v, failure.status, head)),
            _ => Failure::no_such_key(&error_key),
        }
    };
    respond(page(&failure, Some(&document_failure), &ids))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conf_with(rule: RoutingRule) -> WebsiteConfiguration {
        WebsiteConfiguration {
            index_document: Some(IndexDocument { suffix: "index.html".into() }),
            routing_rules: Some(vec![rule]),
            ..Default::default()
        }
    }

    #[test]
    fn configurations_are_checked() {
        assert!(check(&WebsiteConfiguration::default()).is_err());
        let bad_code = RoutingRule { condition: None, redirect: Redirect { http_redirect_code: Some("300".into()), ..Default::default() } };
        assert!(check(&conf_with(bad_code)).unwrap_err().message.unwrap().contains("3XX except 300"));
        let both = RoutingRule {
            condition: None,
            redirect: Redirect { replace_key_with: Some("a".into()), replace_key_prefix_with: Some("b".into()), ..Default::default() },
        };
        assert!(check(&conf_with(both)).is_err());
        let ok = RoutingRule {
            condition: Some(Condition { key_prefix_equals: Some("docs/".into()), http_error_code_returned_equals: None }),
            redirect: Redirect { replace_key_prefix_with: Some("documents/".into()), ..Default::default() },
        };
        assert!(check(&conf_with(ok.clone())).is_ok());
        let req = HttpRequest { headers: vec![("host".into(), "b.s3-website-us-east-1.localhost:4599".into())], ..Default::default() };
        assert_eq!(rule_location(&ok, "docs/a.html", &req), (301, "http://b.s3-website-us-east-1.localhost:4599/documents/a.html".into()));
        assert!(routing_rule(std::slice::from_ref(&ok), "docs/x", None).is_some());
        assert!(routing_rule(std::slice::from_ref(&ok), "img/x", None).is_none());
    }
}
