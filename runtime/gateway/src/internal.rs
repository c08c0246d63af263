//! The container control API under `/_internal/`: what containers Simfra runs
//! call back on (through `SIMFRA_ENDPOINT`, with `Authorization: Bearer
//! $SIMFRA_TOKEN`). Only the HTTP side is here; the state and the
//! service-side functions are in simfra-docker's `control` module, whose docs
//! list the endpoints.
//!
//! Answers: 401 without a bearer token, 403 with one that does not speak for
//! the container the request is about (its `name`, the status document's
//! `name`, the command's container, the invoking `X-Simfra-Container-Name`);
//! errors are `{"message": …}` documents.
//!
//! With `SIMFRA_INTERNAL_TEST_HOOKS=true` (tests only) `/_internal/test/…`
//! also plays the service side: the token, configs, statuses, commands and
//! running containers through the orchestrator.

use axum::body::Body;
use axum::http::{header, HeaderMap, Request, Response, StatusCode};
use http_body_util::BodyExt;
use serde_json::{json, Value as Json};
use simfra_docker::control::{self, InvokeRequest, TokenCheck};
use std::sync::LazyLock;
use std::time::Duration;

/// Largest request body: an invoke payload (Lambda's own limits are checked by Lambda).
const MAX_BODY: usize = 32 << 20;

static TEST_HOOKS: LazyLock<bool> = LazyLock::new(|| {
    std::env::var("SIMFRA_INTERNAL_TEST_HOOKS").map(|v| v.eq_ignore_ascii_case("true") || v == "1").unwrap_or(false)
});

fn json_response(status: StatusCode, body: &Json) -> Response<Body> {
    let mut r = Response::new(Body::from(body.to_string()));
    *r.status_mut() = status;
    r.headers_mut().insert(header::CONTENT_TYPE, header::HeaderValue::from_static("application/json"));
    r
}

fn error(status: StatusCode, message: impl Into<String>) -> Response<Body> {
    json_response(status, &json!({ "message": message.into() }))
}

fn query_param(query: &str, key: &str) -> Option<String> {
    simfra_protocols::http::parse_query(query).into_iter().find(|p| p.key == key).map(|p| p.value)
}

fn header_str(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
}

pub async fn handle(req: Request<Body>) -> Response<Body> {
    let (parts, body) = req.into_parts();
    let path = parts.uri.path().to_string();
    let query = parts.uri.query().unwrap_or("").to_string();
    let method = parts.method.as_str().to_string();
    if *TEST_HOOKS && path.starts_with("/_internal/test/") {
        let body = match read_body(body).await {
            Ok(b) => b,
            Err(r) => return r,
        };
        return test_hook(&method, &path, &query, &body).await;
    }
    let authorization = header_str(&parts.headers, "authorization");
    if control::bearer(authorization.as_deref()).is_none() {
        let mut r = error(StatusCode::UNAUTHORIZED, "The control API needs Authorization: Bearer <SIMFRA_TOKEN>.");
        r.headers_mut().insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer"));
        return r;
    }
    // Each endpoint acts for one container; the token must speak for it.
    let act_for = |name: Option<&str>| match control::check_authorization(authorization.as_deref(), name) {
        TokenCheck::Valid => Ok(()),
        TokenCheck::Missing | TokenCheck::Invalid => Err(error(
            StatusCode::FORBIDDEN,
            match name {
                Some(n) => format!("The bearer token is not the SIMFRA_TOKEN of the container {n}."),
                None => "The request names no container (X-Simfra-Container-Name on invokes) that the bearer token could speak for.".to_string(),
            },
        )),
    };
    let body = match read_body(body).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    let name = query_param(&query, "name").filter(|n| !n.is_empty());
    match (method.as_str(), path.as_str()) {
        ("GET", "/_internal/container/config") => match act_for(name.as_deref()) {
            Ok(()) => config(&query, &parts.headers),
            Err(r) => r,
        },
        ("POST", "/_internal/container/status") => {
            let doc = match parse_json(&body) {
                Ok(d) => d,
                Err(r) => return r,
            };
            if let Err(r) = act_for(doc.get("name").and_then(Json::as_str)) {
                return r;
            }
            match control::report_status(doc) {
                Ok(()) => json_response(StatusCode::OK, &json!({})),
                Err(why) => error(StatusCode::BAD_REQUEST, why),
            }
        }
        ("GET", "/_internal/container/commands") => match act_for(name.as_deref()) {
            Ok(()) => commands(&query).await,
            Err(r) => r,
        },
        ("POST", "/_internal/container/command-result") => command_result(&body, act_for),
        ("POST", p) if p.starts_with("/_internal/lambda/invoke/") => {
            let caller = header_str(&parts.headers, "x-simfra-container-name").filter(|c| !c.is_empty());
            match act_for(caller.as_deref()) {
                Ok(()) => invoke(&p["/_internal/lambda/invoke/".len()..], &query, &parts.headers, body).await,
                Err(r) => r,
            }
        }
        (_, "/_internal/container/config" | "/_internal/container/status" | "/_internal/container/commands" | "/_internal/container/command-result") => {
            error(StatusCode::METHOD_NOT_ALLOWED, format!("{method} is not allowed on {path}."))
        }
        _ => error(StatusCode::NOT_FOUND, format!("No control API endpoint at {path}.")),
    }
}

async fn read_body(body: Body) -> Result<bytes::Bytes, Response<Body>> {
    match http_body_util::Limited::new(body, MAX_BODY).collect().await {
        Ok(b) => Ok(b.to_bytes()),
        Err(e) => Err(error(StatusCode::PAYLOAD_TOO_LARGE, format!("The request body could not be read: {e}"))),
    }
}

fn parse_json(body: &[u8]) -> Result<Json, Response<Body>> {
    serde_json::from_slice(body).map_err(|e| error(StatusCode::BAD_REQUEST, format!("The body is not JSON: {e}")))
}

fn required_name(query: &str) -> Result<String, Response<Body>> {
    query_param(query, "name").filter(|n| !n.is_empty()).ok_or_else(|| error(StatusCode::BAD_REQUEST, "The query parameter name is required."))
}

/// `GET /_internal/container/config?name=`: the document with its ETag; 304 when `If-None-Match` matches.
fn config(query: &str, headers: &HeaderMap) -> Response<Body> {
    let name = match required_name(query) {
        Ok(n) => n,
        Err(r) => return r,
    };
    let Some((doc, etag)) = control::container_config(&name) else {
        return error(StatusCode::NOT_FOUND, format!("No config is registered for the container {name}."));
    };
    let mut r = if header_str(headers, "if-none-match").is_some_and(|v| control::etag_matches(&v, &etag)) {
        let mut r = Response::new(Body::empty());
        *r.status_mut() = StatusCode::NOT_MODIFIED;
        r
    } else {
        json_response(StatusCode::OK, &doc)
    };
    if let Ok(v) = header::HeaderValue::from_str(&etag) {
        r.headers_mut().insert(header::ETAG, v);
    }
    r
}

/// `GET /_internal/container/commands?name=[&wait=seconds]`: waits (default and
/// at most 20 s) for commands, answering `{"commands": [...]}` (maybe empty).
async fn commands(query: &str) -> Response<Body> {
    let name = match required_name(query) {
        Ok(n) => n,
        Err(r) => return r,
    };
    let wait = match query_param(query, "wait").map(|w| w.parse::<f64>()) {
        None => control::MAX_POLL_WAIT,
        Some(Ok(s)) if s.is_finite() && s >= 0.0 => Duration::from_secs_f64(s.min(control::MAX_POLL_WAIT.as_secs_f64())),
        Some(_) => return error(StatusCode::BAD_REQUEST, "The query parameter wait must be a number of seconds."),
    };
    let pending = control::next_commands(&name, wait).await;
    json_response(StatusCode::OK, &json!({ "commands": pending.iter().map(|c| c.to_json()).collect::<Vec<_>>() }))
}

/// `POST /_internal/container/command-result` `{"id", "result"}`, from the container the command went to.
fn command_result(body: &[u8], act_for: impl Fn(Option<&str>) -> Result<(), Response<Body>>) -> Response<Body> {
    let doc = match parse_json(body) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let Some(id) = doc.get("id").and_then(Json::as_str) else {
        return error(StatusCode::BAD_REQUEST, "The result document needs a string member \"id\".");
    };
    if let Some(container) = control::command_container(id) {
        if let Err(r) = act_for(Some(&container)) {
            return r;
        }
    }
    let result = doc.get("result").cloned().unwrap_or(Json::Null);
    if control::complete_command(id, result) {
        json_response(StatusCode::OK, &json!({}))
    } else {
        error(StatusCode::NOT_FOUND, format!("No command {id} waits for a result (unknown, answered, or timed out)."))
    }
}

/// `POST /_internal/lambda/invoke/<function>`: handed to the hook Lambda registered.
async fn invoke(function: &str, query: &str, headers: &HeaderMap, payload: bytes::Bytes) -> Response<Body> {
    let function = simfra_protocols::http::percent_decode(function);
    if function.is_empty() {
        return error(StatusCode::BAD_REQUEST, "The path must name a function: /_internal/lambda/invoke/<function name or ARN>.");
    }
    let Some(hook) = control::lambda_invoke() else {
        return error(StatusCode::NOT_IMPLEMENTED, "Lambda has not registered its invoke endpoint in this Simfra.");
    };
    let caller_container = header_str(headers, "x-simfra-container-name").unwrap_or_default();
    let request = InvokeRequest {
        caller: control::container_owner(&caller_container),
        caller_container,
        function,
        qualifier: query_param(query, "Qualifier").filter(|q| !q.is_empty()),
        invocation_type: header_str(headers, "x-amz-invocation-type"),
        log_type: header_str(headers, "x-amz-log-type"),
        client_context: header_str(headers, "x-amz-client-context"),
        payload,
    };
    let answer = hook(request).await;
    let mut r = Response::new(Body::from(answer.body));
    *r.status_mut() = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    for (k, v) in answer.headers {
        if let (Ok(k), Ok(v)) = (header::HeaderName::try_from(k.as_str()), header::HeaderValue::try_from(v.as_str())) {
            r.headers_mut().append(k, v);
        }
    }
    r
}

/// The service side, for tests (`SIMFRA_INTERNAL_TEST_HOOKS=true`).
async fn test_hook(method: &str, path: &str, query: &str, body: &[u8]) -> Response<Body> {
    let json_body = || parse_json(body);
    match (method, &path["/_internal/test/".len()..]) {
        ("GET", "token") => match query_param(query, "name") {
            Some(name) => json_response(StatusCode::OK, &json!({ "token": control::container_token(&name) })),
            None => json_response(StatusCode::OK, &json!({ "token": control::token() })),
        },
        ("PUT", "config") => match (required_name(query), json_body()) {
            (Ok(name), Ok(doc)) => {
                control::register_config(&name, doc);
                json_response(StatusCode::OK, &json!({ "etag": control::container_config(&name).map(|c| c.1) }))
            }
            (Err(r), _) | (_, Err(r)) => r,
        },
        ("DELETE", "config") => match required_name(query) {
            Ok(name) => {
                control::unregister_config(&name);
                json_response(StatusCode::OK, &json!({}))
            }
            Err(r) => r,
        },
        ("GET", "status") => match required_name(query) {
            Ok(name) => match control::container_status(&name) {
                Some(s) => json_response(StatusCode::OK, &json!({ "status": s.status, "document": s.document, "sequence": s.sequence })),
                None => error(StatusCode::NOT_FOUND, format!("No status from {name}.")),
            },
            Err(r) => r,
        },
        ("POST", "command") => {
            let (name, command) = match (required_name(query), json_body()) {
                (Ok(n), Ok(c)) => (n, c),
                (Err(r), _) | (_, Err(r)) => return r,
            };
            let timeout = Duration::from_millis(query_param(query, "timeout_ms").and_then(|t| t.parse().ok()).unwrap_or(5000));
            match control::send_command(&name, command, timeout).await {
                Ok(result) => json_response(StatusCode::OK, &json!({ "result": result })),
                Err(e) => error(StatusCode::GATEWAY_TIMEOUT, e.to_string()),
            }
        }
        ("GET", "docker") => match simfra_docker::get() {
            Some(o) => json_response(StatusCode::OK, &json!({ "enabled": true, "instance": o.instance(), "endpoint": o.gateway_endpoint(), "network": o.network() })),
            None => json_response(StatusCode::OK, &json!({ "enabled": false })),
        },
        (m, action) => {
            let Some(o) = simfra_docker::get() else {
                return error(StatusCode::SERVICE_UNAVAILABLE, "Docker is off or unreachable.");
            };
            let id = query_param(query, "id").unwrap_or_default();
            let done = |r: Result<(), simfra_docker::DockerError>| match r {
                Ok(()) => json_response(StatusCode::OK, &json!({})),
                Err(e) => error(StatusCode::BAD_GATEWAY, e.message),
            };
            match (m, action) {
                ("POST", "run") => match json_body() {
                    Ok(doc) => match o.run(spec_from_json(&doc)).await {
                        Ok(c) => json_response(
                            StatusCode::OK,
                            &json!({ "id": c.id, "name": c.name, "ip": c.ip, "ports": c.ports.iter().map(|(a, b)| json!([a, b])).collect::<Vec<_>>() }),
                        ),
                        Err(e) => json_response(StatusCode::BAD_GATEWAY, &json!({ "message": e.message, "kind": format!("{:?}", e.kind) })),
                    },
                    Err(r) => r,
                },
                ("POST", "ensure-image") => match query_param(query, "image") {
                    Some(image) => done(o.ensure_image(&image).await),
                    None => error(StatusCode::BAD_REQUEST, "image is required"),
                },
                ("POST", "stop") => done(o.stop(&id, 1).await),
                ("POST", "kill") => done(o.kill(&id).await),
                ("POST", "remove") => done(o.remove(&id).await),
                ("POST", "cleanup") => {
                    o.cleanup().await;
                    json_response(StatusCode::OK, &json!({}))
                }
                ("GET", "exit-code") => json_response(StatusCode::OK, &json!({ "exit_code": o.exit_code(&id).await })),
                ("GET", "logs-since") => {
                    let ms: u64 = query_param(query, "since_ms").and_then(|t| t.parse().ok()).unwrap_or(0);
                    match o.logs_since(&id, std::time::UNIX_EPOCH + Duration::from_millis(ms)).await {
                        Ok(text) => json_response(StatusCode::OK, &json!({ "logs": text })),
                        Err(e) => error(StatusCode::BAD_GATEWAY, e.message),
                    }
                }
                ("GET", "running") => json_response(StatusCode::OK, &json!({ "running": o.is_running(&id).await })),
                ("GET", "logs") => match o.logs(&id, query_param(query, "tail").and_then(|t| t.parse().ok()).unwrap_or(100)).await {
                    Ok(text) => json_response(StatusCode::OK, &json!({ "logs": text })),
                    Err(e) => error(StatusCode::BAD_GATEWAY, e.message),
                },
                _ => error(StatusCode::NOT_FOUND, format!("No test hook at {path}.")),
            }
        }
    }
}

/// A container spec from the test hook's JSON (files as UTF-8 text).
fn spec_from_json(doc: &Json) -> simfra_docker::ContainerSpec {
    let text = |k: &str| doc.get(k).and_then(Json::as_str).unwrap_or("").to_string();
    let strings = |k: &str| doc.get(k).and_then(Json::as_array).map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect::<Vec<_>>());
    let pairs = |k: &str| {
        doc.get(k).and_then(Json::as_object).map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string())).collect()).unwrap_or_default()
    };
    simfra_docker::ContainerSpec {
        name: text("name"),
        image: text("image"),
        env: pairs("env"),
        cmd: strings("cmd"),
        entrypoint: strings("entrypoint"),
        labels: pairs("labels"),
        service: text("service"),
        owner_resource: text("owner_resource"),
        memory_mb: doc.get("memory_mb").and_then(Json::as_u64),
        files: doc
            .get("files")
            .and_then(Json::as_array)
            .map(|files| {
                files
                    .iter()
                    .map(|f| {
                        let path = f.get("path").and_then(Json::as_str).unwrap_or("").to_string();
                        let content = f.get("content").and_then(Json::as_str).unwrap_or("").as_bytes().to_vec();
                        let mode = f.get("mode").and_then(Json::as_u64).unwrap_or(0o644) as u32;
                        (path, content, mode)
                    })
                    .collect()
            })
            .unwrap_or_default(),
        network: doc.get("network").and_then(Json::as_str).map(str::to_string),
        exposed_tcp_ports: doc.get("exposed_tcp_ports").and_then(Json::as_array).map(|a| a.iter().filter_map(|p| p.as_u64().map(|p| p as u16)).collect()).unwrap_or_default(),
        health_timeout: doc.get("health_timeout_s").and_then(Json::as_f64).map(Duration::from_secs_f64),
    }
}
