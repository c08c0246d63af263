//! The admin API under `/_simfra/`: health, the service catalogue, the request log.

use simfra_resources::Coverage;
use simfra_identity::accounts::AccountError;
use crate::{plain, Gateway};
use axum::body::Body;
use axum::http::{header, Request, Response, StatusCode};
use serde_json::{json, Value as Json};

fn json_response(status: StatusCode, body: &Json) -> Response<Body> {
    let mut r = Response::new(Body::from(body.to_string()));
    *r.status_mut() = status;
    r.headers_mut().insert(header::CONTENT_TYPE, header::HeaderValue::from_static("application/json"));
    r
}

pub async fn handle(gw: &Gateway, req: Request<Body>) -> Response<Body> {
    let path = req.uri().path().trim_end_matches('/').to_string();
    let method = req.method().as_str().to_string();
    let req_query = req.uri().query().unwrap_or("").to_string();
    if path != "/_simfra/health" {
        if let Some(token) = &gw.config.admin_token {
            let given = req.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
            if given != Some(token.as_str()) {
                return json_response(StatusCode::UNAUTHORIZED, &json!({ "error": "the admin API needs Authorization: Bearer <SIMFRA_ADMIN_TOKEN>" }));
            }
        }
    }
    let body = match http_body_util::BodyExt::collect(req.into_body()).await {
        Ok(b) => b.to_bytes(),
        Err(_) => return json_response(StatusCode::BAD_REQUEST, &json!({ "error": "unreadable body" })),
    };
    match (method.as_str(), path.as_str()) {
        ("GET", "/_simfra/health") => json_response(
            StatusCode::OK,
            &json!({
                "status": "ok",
                "version": env!("CARGO_PKG_VERSION"),
                "services": gw.registry.services.len(),
                "uptime_seconds": gw.started.elapsed().as_secs_f64(),
            }),
        ),
        ("GET", "/_simfra/services") => json_response(StatusCode::OK, &services(gw)),
        ("GET", "/_simfra/inbox") => json_response(StatusCode::OK, &simfra_inbox::render(&req_query)),
        ("GET", "/_simfra/debug/requests") => json_response(
            StatusCode::OK,
            &json!({ "requests": gw.log.snapshot().iter().map(|e| e.to_json()).collect::<Vec<_>>() }),
        ),
        ("GET", "/_simfra/accounts") => json_response(
            StatusCode::OK,
            &json!({ "Accounts": gw.accounts.list().iter().map(|a| a.to_json(false)).collect::<Vec<_>>() }),
        ),
        ("POST", "/_simfra/accounts") => create_account(gw, &body),
        (m, p) if p.starts_with("/_simfra/accounts/") => {
            let rest = &p["/_simfra/accounts/".len()..];
            let (id, action) = rest.split_once('/').unwrap_or((rest, ""));
            account_action(gw, m, id, action)
        }
        // Pages services publish (SNS's message-signing certificate).
        ("GET", p) => match simfra_store::pages::render(p, &req_query) {
            Some((content_type, page)) => {
                let mut r = Response::new(Body::from(page));
                if let Ok(v) = header::HeaderValue::from_str(content_type) {
                    r.headers_mut().insert(header::CONTENT_TYPE, v);
                }
                r
            }
            None => plain(StatusCode::NOT_FOUND, "unknown admin endpoint"),
        },
        _ => plain(StatusCode::NOT_FOUND, "unknown admin endpoint"),
    }
}

fn account_error(e: AccountError, id: &str) -> Response<Body> {
    let (status, msg) = match e {
        AccountError::InvalidId => (StatusCode::BAD_REQUEST, format!("account id '{id}' must be 12 digits")),
        AccountError::Exists => (StatusCode::CONFLICT, format!("account {id} already exists")),
        AccountError::NotFound => (StatusCode::NOT_FOUND, format!("account {id} does not exist")),
        AccountError::DefaultAccount => (StatusCode::BAD_REQUEST, format!("the default account {id} cannot be deleted")),
    };
    json_response(status, &json!({ "error": msg }))
}

fn create_account(gw: &Gateway, body: &[u8]) -> Response<Body> {
    let req: Json = if body.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        match serde_json::from_slice(body) {
            Ok(j) => j,
            Err(e) => return json_response(StatusCode::BAD_REQUEST, &json!({ "error": format!("body is not JSON: {e}") })),
        }
    };
    let field = |k: &str| req.get(k).and_then(Json::as_str).map(str::to_string);
    let id = field("AccountId");
    let keys = field("RootAccessKeyId").zip(field("RootSecretAccessKey"));
    match gw.accounts.create(id.clone(), field("Name"), keys) {
        Ok(a) => json_response(StatusCode::CREATED, &a.to_json(true)),
        Err(e) => account_error(e, id.as_deref().unwrap_or("")),
    }
}

fn account_action(gw: &Gateway, method: &str, id: &str, action: &str) -> Response<Body> {
    match (method, action) {
        ("GET", "") => match gw.accounts.get(id) {
            Some(a) => json_response(StatusCode::OK, &a.to_json(false)),
            None => account_error(AccountError::NotFound, id),
        },
        ("DELETE", "") => match gw.accounts.delete(id, &gw.config.default_account_id) {
            Ok(()) => json_response(StatusCode::OK, &json!({ "Deleted": id })),
            Err(e) => account_error(e, id),
        },
        ("POST", "reset") => match gw.accounts.reset(id) {
            Ok(()) => json_response(StatusCode::OK, &json!({ "Reset": id })),
            Err(e) => account_error(e, id),
        },
        _ => plain(StatusCode::NOT_FOUND, "unknown admin endpoint"),
    }
}

fn services(gw: &Gateway) -> Json {
    let mut totals = [0usize; 3];
    let list: Vec<Json> = gw
        .registry
        .services
        .iter()
        .map(|s| {
            let schema = s.schema;
            let implemented = s.handler.implemented();
            // RPC-style services accept every RPC request form.
            let accepts: Vec<&str> = if schema.protocol.is_rpc() {
                vec!["awsJson1_0", "awsJson1_1", "rpcv2Cbor", "awsQuery"]
            } else {
                vec![schema.protocol.name()]
            };
            let coverage = simfra_resources::coverage(schema, implemented);
            let engine: Vec<&str> =
                coverage.iter().filter(|(_, c)| matches!(c, Coverage::Engine(_))).map(|(op, _)| *op).collect();
            let missing: serde_json::Map<String, Json> = coverage
                .iter()
                .filter_map(|(op, c)| match c {
                    Coverage::NotImplemented(why) => Some((op.to_string(), json!(why))),
                    _ => None,
                })
                .collect();
            totals[0] += implemented.len();
            totals[1] += engine.len();
            totals[2] += missing.len();
            let resources: Vec<Json> = simfra_resources::resource_types(schema, implemented)
                .into_iter()
                .map(|(noun, created, ops)| {
                    json!({
                        "type": noun,
                        "created": created,
                        "operations": ops.iter().map(|(op, role)| json!({"operation": op, "role": role})).collect::<Vec<_>>(),
                    })
                })
                .collect();
            json!({
                "name": schema.name,
                "sdk_id": schema.sdk_id,
                "version": schema.version,
                "protocol": schema.protocol.name(),
                "accepts": accepts,
                "signing_name": schema.signing_name,
                "tier": s.tier,
                "docker": s.docker,
                "operations": schema.operations.len(),
                "operation_names": schema.operations.iter().map(|o| o.name).collect::<Vec<_>>(),
                "implemented": implemented.len(),
                "implemented_operations": implemented,
                "engine_operations": engine,
                "not_implemented": missing,
                "resource_types": resources,
            })
        })
        .collect();
    let total_ops: usize = gw.registry.services.iter().map(|s| s.schema.operations.len()).sum();
    json!({
        "services": list,
        "operations": total_ops,
        "implemented": totals[0],
        "engine": totals[1],
        "not_implemented": totals[2],
    })
}
