//! Function URLs served: a request to `<url-id>.lambda-url.<region>.localhost`
//! becomes an invocation with the payload format 2.0 event, and the
//! function's answer becomes the HTTP response (a `statusCode` object, or
//! any other JSON as a 200 `application/json` body). AuthType `AWS_IAM`
//! wants a SigV4-signed caller allowed `lambda:InvokeFunctionUrl`; `NONE`
//! wants the function's resource policy to allow it to everyone, as on AWS.

use crate::names::FunctionRef;
use crate::store;
use base64::Engine as _;
use serde_json::{json, Map, Value as Json};
use simfra_gen_lambda::types::*;
use simfra_identity::Credential;
use simfra_model::Bytes;
use simfra_protocols::{HttpRequest, HttpResponse};

fn message(status: u16, text: &str) -> HttpResponse {
    let mut r = HttpResponse::new(status);
    r.set_header("content-type", "application/json");
    r.body = Bytes::from(json!({"Message": text}).to_string());
    r
}

/// The function (and URL configuration) a URL id names in a region.
fn find(url_id: &str, region: &str) -> Option<(FunctionRef, FunctionUrlConfig)> {
    let prefix = format!("http://{url_id}.lambda-url.{region}.");
    for ((account, r), state) in store::state().all() {
        if r != region {
            continue;
        }
        let functions = state.functions();
        for (name, function) in functions.iter() {
            for (q, config) in &function.url_configs {
                if config.function_url.starts_with(&prefix) {
                    let qualifier = (!q.is_empty()).then(|| q.clone());
                    return Some((FunctionRef { account: account.clone(), region: r.clone(), name: name.clone(), qualifier }, config.clone()));
                }
            }
        }
    }
    None
}

fn is_text(content_type: &str) -> bool {
    let ct = content_type.to_ascii_lowercase();
    ct.starts_with("text/") || ["json", "xml", "javascript", "x-www-form-urlencoded", "yaml", "csv"].iter().any(|t| ct.contains(t))
}

fn http_time(ms: i64) -> String {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let (y, mo, d, h, mi, s) = simfra_model::calendar::utc_parts(ms.div_euclid(1000));
    format!("{d:02}/{}/{y}:{h:02}:{mi:02}:{s:02} +0000", MONTHS[(mo as usize).saturating_sub(1) % 12])
}

/// The payload format 2.0 event of a request.
fn event(req: &HttpRequest, url_id: &str, region: &str, account: &str, source_ip: &str, request_id: &str, caller: Option<&Credential>) -> Json {
    let mut headers = Map::new();
    let mut cookies = Vec::new();
    for (k, v) in &req.headers {
        let k = k.to_ascii_lowercase();
        if k == "cookie" {
            cookies.extend(v.split(';').map(|c| c.trim().to_string()).filter(|c| !c.is_empty()));
            continue;
        }
        match headers.get_mut(&k) {
            Some(Json::String(existing)) => {
                existing.push(',');
                existing.push_str(v);
            }
            _ => {
                headers.insert(k, json!(v));
            }
        }
    }
    let mut query = Map::new();
    for p in req.query_params() {
        match query.get_mut(&p.key) {
            Some(Json::String(existing)) => {
                existing.push(',');
                existing.push_str(&p.value);
            }
            _ => {
                query.insert(p.key, json!(p.value));
            }
        }
    }
    let now = simfra_model::Timestamp::now().as_millis();
    let host = req.header("host").unwrap_or("").to_string();
    let mut context = json!({
        "accountId": "anonymous",
        "apiId": url_id,
        "domainName": host.split(':').next().unwrap_or(""),
        "domainPrefix": url_id,
        "http": {
            "method": req.method,
            "path": req.path,
            "protocol": "HTTP/1.1",
            "sourceIp": source_ip,
            "userAgent": req.header("user-agent").unwrap_or(""),
        },
        "requestId": request_id,
        "routeKey": "$default",
        "stage": "$default",
        "time": http_time(now),
        "timeEpoch": now,
    });
    if let Some(c) = caller {
        context["accountId"] = json!(c.account_id);
        context["authorizer"] = json!({"iam": {
            "accessKey": c.access_key_id,
            "accountId": c.account_id,
            "callerId": c.user_id,
            "cognitoIdentity": null,
            "principalOrgId": null,
            "userArn": c.principal_arn,
            "userId": c.user_id,
        }});
    }
    let _ = (region, account);
    let mut e = json!({
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": req.path,
        "rawQueryString": req.query,
        "headers": headers,
        "requestContext": context,
        "isBase64Encoded": false,
    });
    if !cookies.is_empty() {
        e["cookies"] = json!(cookies);
    }
    if !query.is_empty() {
        e["queryStringParameters"] = Json::Object(query);
    }
    if !req.body.is_empty() {
        let text = is_text(req.header("content-type").unwrap_or("")) && std::str::from_utf8(&req.body).is_ok();
        if text {
            e["body"] = json!(String::from_utf8_lossy(&req.body));
        } else {
            e["body"] = json!(base64::engine::general_purpose::STANDARD.encode(&req.body));
            e["isBase64Encoded"] = json!(true);
        }
    }
    e
}

/// The HTTP response of the function's answer.
fn response(payload: &[u8]) -> HttpResponse {
    let parsed: Option<Json> = serde_json::from_slice(payload).ok();
    let Some(Json::Object(obj)) = parsed.as_ref().filter(|v| v.get("statusCode").is_some()) else {
        let mut r = HttpResponse::new(200);
        r.set_header("content-type", "application/json");
        r.body = Bytes::from(payload.to_vec());
        return r;
    };
    let status = obj.get("statusCode").and_then(Json::as_u64).filter(|s| (100..600).contains(s)).unwrap_or(502) as u16;
    let mut r = HttpResponse::new(status);
    if let Some(Json::Object(h)) = obj.get("headers") {
        for (k, v) in h {
            let v = v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string());
            r.headers.push((k.to_ascii_lowercase(), v));
        }
    }
    for c in obj.get("cookies").and_then(Json::as_array).into_iter().flatten() {
        if let Some(c) = c.as_str() {
            r.headers.push(("set-cookie".into(), c.to_string()));
        }
    }
    let body = match obj.get("body") {
        Some(Json::String(s)) if obj.get("isBase64Encoded") == Some(&Json::Bool(true)) => {
            base64::engine::general_purpose::STANDARD.decode(s).unwrap_or_default()
        }
        Some(Json::String(s)) => s.clone().into_bytes(),
        Some(Json::Null) | None => Vec::new(),
        Some(other) => other.to_string().into_bytes(),
    };
    if r.header("content-type").is_none() && !body.is_empty() {
        r.set_header("content-type", "application/json");
    }
    r.body = Bytes::from(body);
    r
}

fn cors_headers(r: &mut HttpResponse, cors: Option<&Cors>, origin: Option<&str>) {
    let (Some(cors), Some(origin)) = (cors, origin) else { return };
    let origins = cors.allow_origins.clone().unwrap_or_default();
    if !origins.iter().any(|o| o == "*" || o == origin) {
        return;
    }
    r.set_header("access-control-allow-origin", if origins.iter().any(|o| o == "*") { "*" } else { origin });
    if cors.allow_credentials == Some(true) {
        r.set_header("access-control-allow-credentials", "true");
    }
    if let Some(e) = cors.expose_headers.as_ref().filter(|e| !e.is_empty()) {
        r.set_header("access-control-expose-headers", e.join(","));
    }
}

/// Serves a request to a function URL (the gateway's hook).
#[allow(clippy::too_many_arguments)]
pub async fn serve(url_id: String, region: String, req: HttpRequest, caller: Option<Credential>, bad_signature: bool, source_ip: String, request_id: String) -> HttpResponse {
    let Some((f, config)) = find(&url_id, &region) else { return message(403, "Forbidden") };
    let origin = req.header("origin").map(str::to_string);
    // CORS preflight: answered from the configuration, without an invocation.
    if req.method == "OPTIONS" && origin.is_some() && config.cors.is_some() {
        let mut r = HttpResponse::new(200);
        cors_headers(&mut r, config.cors.as_ref(), origin.as_deref());
        if let Some(c) = &config.cors {
            if let Some(m) = c.allow_methods.as_ref().filter(|m| !m.is_empty()) {
                r.set_header("access-control-allow-methods", m.join(","));
            }
            if let Some(h) = c.allow_headers.as_ref().filter(|h| !h.is_empty()) {
                r.set_header("access-control-allow-headers", h.join(","));
            }
            if let Some(age) = c.max_age {
                r.set_header("access-control-max-age", age.to_string());
            }
        }
        return r;
    }
    let auth_type = config.auth_type.as_str().to_string();
    let required = vec![simfra_identity::actions::Required {
        action: "lambda:InvokeFunctionUrl".into(),
        resource: f.qualified_arn(),
        context: vec![("lambda:FunctionUrlAuthType".into(), vec![auth_type.clone()])],
    }];
    let facts = simfra_identity::authorize::RequestFacts {
        source_ip: source_ip.clone(),
        secure_transport: false,
        region: region.clone(),
        user_agent: req.header("user-agent").unwrap_or("").to_string(),
        now: simfra_model::Timestamp::now().as_millis() / 1000,
    };
    let allowed = if bad_signature {
        false
    } else if auth_type == "AWS_IAM" {
        caller.as_ref().is_some_and(|c| simfra_identity::authorize::authorize(c, &required, &facts).is_ok())
    } else {
        simfra_identity::authorize::authorize_anonymous(&required, &facts).is_ok()
    };
    if !allowed {
        return message(403, "Forbidden");
    }
    let payload = event(&req, &url_id, &region, &f.account, &source_ip, &request_id, caller.as_ref().filter(|_| auth_type == "AWS_IAM"));
    let mut r = match crate::invoke::run(&f, Bytes::from(payload.to_string()), false, None).await {
        Ok(done) if done.function_error.is_none() => response(&done.payload),
        Ok(_) => message(502, "Internal Server Error"),
        Err(e) if e.code == "TooManyRequestsException" => message(429, "Rate Exceeded."),
        Err(e) => message(502, e.message.as_deref().unwrap_or("Internal Server Error")),
    };
    cors_headers(&mut r, config.cors.as_ref(), origin.as_deref());
    r.set_header("x-amzn-requestid", request_id);
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_become_responses() {
        let r = response(br#"{"statusCode": 404, "headers": {"X-A": "b"}, "body": "gone", "cookies": ["c=1"]}"#);
        assert_eq!(r.status, 404);
        assert_eq!(r.header("x-a"), Some("b"));
        assert_eq!(r.header("set-cookie"), Some("c=1"));
        assert_eq!(&r.body[..], b"gone");
        let b64 = response(br#"{"statusCode": 200, "body": "aGk=", "isBase64Encoded": true}"#);
        assert_eq!(&b64.body[..], b"hi");
        // Anything else is a 200 JSON body as returned.
        let plain = response(br#"{"a": 1}"#);
        assert_eq!((plain.status, plain.header("content-type")), (200, Some("application/json")));
        assert_eq!(&plain.body[..], br#"{"a": 1}"#);
    }
}
