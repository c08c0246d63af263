//! Requests in the forms of SDKs newer than the pinned models. The models in
//! `../shared/aws-models` predate current SDKs, which call a few operations
//! at new URIs, or unsigned. Such requests are rewritten into the pinned
//! form before routing, so that the generated codecs read them; each entry
//! names what the newer SDKs send.

use simfra_protocols::http::percent_encode;
use simfra_protocols::HttpRequest;

/// A newer URI of an operation and the pinned one it stands for.
struct NewerUri {
    service: &'static str,
    method: &'static str,
    /// The newer path, with `*` for one label segment.
    path: &'static str,
    pinned_method: &'static str,
    /// The pinned path, `*` filled with the newer one's label, in order.
    pinned_path: &'static str,
    /// JSON body members the pinned form carries as query parameters.
    body_to_query: &'static [&'static str],
}

const NEWER_URIS: &[NewerUri] = &[
    // SES v2 moved its list operations to POST with a JSON body.
    NewerUri {
        service: "sesv2",
        method: "POST",
        path: "/v2/email/list-configuration-sets",
        pinned_method: "GET",
        pinned_path: "/v2/email/configuration-sets",
        body_to_query: &["NextToken", "PageSize"],
    },
    NewerUri {
        service: "sesv2",
        method: "POST",
        path: "/v2/email/list-identities",
        pinned_method: "GET",
        pinned_path: "/v2/email/identities",
        body_to_query: &["NextToken", "PageSize"],
    },
    NewerUri {
        service: "sesv2",
        method: "PUT",
        path: "/v2/email/identities/*/dkim/signing",
        pinned_method: "PUT",
        pinned_path: "/v1/email/identities/*/dkim/signing",
        body_to_query: &[],
    },
];

/// Operations current SDKs send unsigned (`@smithy.api#noAuth` in newer
/// models) that the pinned models still want signed.
const NEWER_UNSIGNED: &[(&str, &str)] = &[("cognito-identity-provider", "GetTokensFromRefreshToken")];

/// Operations AWS serves unsigned because its own messages link to them:
/// SNS's SubscribeURL (ConfirmSubscription with the token it sent) and
/// UnsubscribeURL, opened by HTTP endpoints and email recipients.
const LINKED_UNSIGNED: &[(&str, &str)] = &[("sns", "ConfirmSubscription"), ("sns", "Unsubscribe")];

/// Whether the operation is served without a signature.
pub fn served_unsigned(schema: &simfra_model::ServiceSchema, op: &simfra_model::Operation) -> bool {
    op.has(simfra_model::op_flags::OPTIONAL_AUTH)
        || NEWER_UNSIGNED.contains(&(schema.name, op.name))
        || LINKED_UNSIGNED.contains(&(schema.name, op.name))
}

/// Rewrites a newer-SDK request of one of `services` into its pinned form.
/// Answers whether it did.
pub fn rewrite(req: &mut HttpRequest, services: &[&str]) -> bool {
    for n in NEWER_URIS.iter().filter(|n| services.contains(&n.service)) {
        if !req.method.eq_ignore_ascii_case(n.method) {
            continue;
        }
        let Some(labels) = match_path(n.path, &req.path) else { continue };
        let mut labels = labels.into_iter();
        let path: Vec<String> = n.pinned_path.split('/').map(|seg| if seg == "*" { labels.next().unwrap_or_default() } else { seg.to_string() }).collect();
        req.path = path.join("/");
        req.method = n.pinned_method.to_string();
        if !n.body_to_query.is_empty() {
            if let Ok(serde_json::Value::Object(body)) = serde_json::from_slice::<serde_json::Value>(&req.body) {
                for name in n.body_to_query {
                    let value = match body.get(*name) {
                        Some(serde_json::Value::String(s)) => s.clone(),
                        Some(serde_json::Value::Number(v)) => v.to_string(),
                        _ => continue,
                    };
                    if !req.query.is_empty() {
                        req.query.push('&');
                    }
                    req.query.push_str(&format!("{}={}", percent_encode(name), percent_encode(&value)));
                }
            }
            req.body = Default::default();
        }
        return true;
    }
    false
}

/// The raw label segments of `path` if it matches `pattern` (`*` = one segment).
fn match_path(pattern: &str, path: &str) -> Option<Vec<String>> {
    let (p, s): (Vec<&str>, Vec<&str>) = (pattern.split('/').collect(), path.split('/').collect());
    if p.len() != s.len() {
        return None;
    }
    let mut labels = Vec::new();
    for (want, got) in p.iter().zip(&s) {
        if *want == "*" {
            if got.is_empty() {
                return None;
            }
            labels.push(got.to_string());
        } else if want != got {
            return None;
        }
    }
    Some(labels)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(method: &str, path: &str, body: &str) -> HttpRequest {
        HttpRequest { method: method.into(), path: path.into(), query: String::new(), headers: Vec::new(), body: body.as_bytes().to_vec().into(), body_stream: None }
    }

    #[test]
    fn newer_sesv2_uris_become_the_pinned_ones() {
        let mut r = req("POST", "/v2/email/list-identities", r#"{"NextToken":"t 1","PageSize":5,"Filter":{}}"#);
        assert!(rewrite(&mut r, &["sesv2"]));
        assert_eq!((r.method.as_str(), r.path.as_str(), r.query.as_str()), ("GET", "/v2/email/identities", "NextToken=t%201&PageSize=5"));
        assert!(r.body.is_empty());
        let mut r = req("PUT", "/v2/email/identities/a%40example.com/dkim/signing", "{}");
        assert!(rewrite(&mut r, &["sesv2"]));
        assert_eq!(r.path, "/v1/email/identities/a%40example.com/dkim/signing");
        let mut r = req("POST", "/v2/email/list-identities", "{}");
        assert!(!rewrite(&mut r, &["s3"]), "only for the service the request is for");
        assert!(!rewrite(&mut req("GET", "/v2/email/identities", ""), &["sesv2"]));
    }
}
