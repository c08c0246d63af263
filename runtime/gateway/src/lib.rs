//! The gateway: one port for every service. A request flows
//! evidence (signature scope, Host) → route (service, operation, protocol) →
//! codec decode → model validation → handler → codec encode, and is logged.
//! The admin API lives under `/_simfra/`.

pub mod admin;
pub mod auth;
pub mod host;
pub mod ids;
pub mod lambda_url;
pub mod internal;
pub mod newer;
pub mod registry;
pub mod requestlog;
pub mod route;
pub mod s3web;
pub mod sigv4;
pub mod upload;

use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, Request, Response, StatusCode};
use futures_like::catch_unwind;
use http_body_util::BodyExt;
use registry::Registry;
use requestlog::{LoggedRequest, RequestLog};
use simfra_identity::authorize::{IamMode, RequestFacts};
use simfra_model::{ByteStream, Operation, Protocol, RequestContext, ServiceError, ServiceSchema, Value};
use simfra_protocols::{codec, Exchange, HttpRequest, HttpResponse};
use std::sync::Arc;
use std::time::Instant;

/// Settings read once at start.
#[derive(Debug, Clone)]
pub struct Config {
    pub default_account_id: String,
    pub default_region: String,
    /// Largest request body buffered in memory.
    pub max_body_bytes: usize,
    /// `SIMFRA_AUTH`: `strict` (default) or `relaxed`.
    pub auth: auth::AuthMode,
    pub root_access_key_id: String,
    pub root_secret_access_key: String,
    /// `SIMFRA_ADMIN_TOKEN`: when set, the admin API (except health) wants `Authorization: Bearer <token>`.
    pub admin_token: Option<String>,
    /// `SIMFRA_IAM`: `enforce` (default), `audit` (allow and log would-be denials) or `off`.
    pub iam: IamMode,
}

impl Default for Config {
    /// The documented defaults, ignoring the environment.
    fn default() -> Self {
        Config::from_lookup(|_| None)
    }
}

impl Config {
    pub fn from_env() -> Self {
        Config::from_lookup(|k| std::env::var(k).ok())
    }

    fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Self {
        let var = |k: &str, d: &str| get(k).filter(|v| !v.is_empty()).unwrap_or_else(|| d.to_string());
        Config {
            default_account_id: var("SIMFRA_DEFAULT_ACCOUNT_ID", "000000000000"),
            default_region: var("SIMFRA_DEFAULT_REGION", "us-east-1"),
            max_body_bytes: var("SIMFRA_MAX_BODY_BYTES", "5368709120").parse().unwrap_or(5 << 30),
            auth: if var("SIMFRA_AUTH", "strict").eq_ignore_ascii_case("relaxed") {
                auth::AuthMode::Relaxed
            } else {
                auth::AuthMode::Strict
            },
            root_access_key_id: var("SIMFRA_ROOT_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE"),
            root_secret_access_key: var("SIMFRA_ROOT_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            admin_token: get("SIMFRA_ADMIN_TOKEN").filter(|t| !t.is_empty()),
            iam: IamMode::parse(&var("SIMFRA_IAM", "enforce")).unwrap_or(IamMode::Enforce),
        }
    }
}

pub struct Gateway {
    pub config: Config,
    pub registry: Registry,
    pub log: RequestLog,
    pub started: Instant,
    /// The account registry (process-wide, shared with Organizations).
    pub accounts: &'static simfra_identity::accounts::Accounts,
}

/// Used to render errors when no service was identified.
static NO_SERVICE: ServiceSchema = ServiceSchema {
    name: "unknown",
    namespace: "simfra",
    shape_name: "Unknown",
    sdk_id: "Unknown",
    version: "",
    signing_name: "",
    endpoint_prefix: "",
    arn_namespace: "",
    cloudtrail_source: "",
    protocol: Protocol::RestJson1,
    query_compatible: false,
    xml_namespace: None,
    shapes: &[],
    operations: &[],
    errors: &[],
};

mod futures_like {
    //! A panicking handler must answer 500, not drop the connection.
    use std::future::Future;
    use std::panic::AssertUnwindSafe;
    use std::pin::Pin;
    use std::task::{Context, Poll};

    pub struct CatchUnwind<F>(Pin<Box<F>>);

    impl<F: Future> Future for CatchUnwind<F> {
        type Output = Result<F::Output, String>;
        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
            let inner = self.0.as_mut();
            match std::panic::catch_unwind(AssertUnwindSafe(|| inner.poll(cx))) {
                Ok(Poll::Ready(v)) => Poll::Ready(Ok(v)),
                Ok(Poll::Pending) => Poll::Pending,
                Err(p) => Poll::Ready(Err(p
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| p.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "panic".into()))),
            }
        }
    }

    pub fn catch_unwind<F: Future>(f: F) -> CatchUnwind<F> {
        CatchUnwind(Box::pin(f))
    }
}

impl Gateway {
    pub fn new(config: Config, registry: Registry) -> Arc<Self> {
        let accounts = simfra_identity::accounts::accounts();
        // A second gateway in the same process (tests) finds the default account there already.
        let created = accounts.create(
            Some(config.default_account_id.clone()),
            Some("default".into()),
            Some((config.root_access_key_id.clone(), config.root_secret_access_key.clone())),
        );
        if matches!(created, Err(simfra_identity::accounts::AccountError::InvalidId)) {
            panic!("the default account id must be 12 digits (SIMFRA_DEFAULT_ACCOUNT_ID)");
        }
        Arc::new(Gateway { config, registry, log: RequestLog::default(), started: Instant::now(), accounts })
    }

    /// The axum router: admin API under `/_simfra/`, everything else is an AWS request.
    pub fn router(self: &Arc<Self>) -> axum::Router {
        let gw = self.clone();
        axum::Router::new().fallback(move |req: Request<Body>| {
            let gw = gw.clone();
            async move { gw.handle(req).await }
        })
    }

    pub async fn handle(&self, req: Request<Body>) -> Response<Body> {
        if req.uri().path().starts_with("/_simfra/") {
            return admin::handle(self, req).await;
        }
        if req.uri().path().starts_with("/_internal/") {
            return internal::handle(req).await;
        }
        let start = Instant::now();
        let (parts, body) = req.into_parts();
        let (body, body_stream) = if upload::may_stream(&parts) {
            // Left unread until the operation is known (see `serve`).
            let length = parts.headers.get("content-length").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok());
            (bytes::Bytes::new(), Some(ByteStream::from_stream(upload::raw(body), length)))
        } else {
            match http_body_util::Limited::new(body, self.config.max_body_bytes).collect().await {
                Ok(b) => (b.to_bytes(), None),
                Err(e) => {
                    return plain(StatusCode::PAYLOAD_TOO_LARGE, &format!("request body could not be read: {e}"));
                }
            }
        };
        let mut req = HttpRequest {
            method: parts.method.as_str().to_string(),
            path: parts.uri.path().to_string(),
            query: parts.uri.query().unwrap_or("").to_string(),
            headers: parts
                .headers
                .iter()
                .map(|(k, v)| (k.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
                .collect(),
            body,
            body_stream,
        };
        if req.header("host").is_none() {
            if let Some(authority) = parts.uri.authority() {
                req.headers.push(("host".into(), authority.to_string()));
            }
        }
        let resp = self.serve(req, start).await;
        to_axum(resp)
    }

    /// Serves one AWS request (also the entry point for in-process tests).
    pub async fn serve(&self, mut req: HttpRequest, start: Instant) -> HttpResponse {
        let request_id = ids::request_id();
        let host = req.header("host").unwrap_or("localhost").to_string();
        let host_info = host::HostInfo::parse(&host);
        let scope = req
            .header("authorization")
            .and_then(sigv4::scope_from_authorization)
            .or_else(|| {
                req.query_params()
                    .into_iter()
                    .find(|p| p.key == "X-Amz-Credential")
                    .and_then(|p| sigv4::scope_from_query_credential(&p.value))
            });
        // S3 outside its operations: website endpoints and CORS preflights.
        if let Some(resp) = s3web::answer(&req, &host_info, scope.as_ref().map(|s| s.service.as_str()), &request_id) {
            return resp;
        }
        // Lambda function URLs: plain HTTP requests that invoke a function.
        if let Some(resp) = self.function_url(&mut req, &host_info, &request_id).await {
            return resp;
        }
        // An unread body stays unread only for an operation that streams its
        // payload (S3 PutObject, UploadPart); any other is read now.
        if let Some(stream) = req.body_stream.take() {
            if self.streams_payload(&req, scope.as_ref(), &host_info) {
                req.body_stream = Some(stream);
            } else {
                match stream.collect(self.config.max_body_bytes as u64).await {
                    Ok(b) => req.body = b,
                    Err(e) => {
                        let mut r = HttpResponse::new(413);
                        r.body = format!("request body could not be read: {e}").into();
                        return r;
                    }
                }
            }
        }
        let region = scope
            .as_ref()
            .map(|s| s.region.clone())
            .or_else(|| host_info.region().map(String::from))
            .unwrap_or_else(|| self.config.default_region.clone());
        // Authenticate on the request exactly as it arrived (routing may
        // rewrite the path of virtual-hosted S3 requests).
        let verdict = auth::check(
            self.config.auth,
            &self.config.default_account_id,
            &simfra_sigv4::verify::WireRequest {
                method: &req.method,
                raw_path: &req.path,
                raw_query: &req.query,
                headers: &req.headers,
                body: &req.body,
                virtual_bucket: host_info.bucket_for(scope.as_ref().map(|s| s.service.as_str())).as_deref(),
            },
            req.body_stream.is_some(),
            auth::now_secs(),
        );
        let account = match &verdict {
            auth::Verdict::Signed(caller, _) => caller.account_id.clone(),
            _ => self.config.default_account_id.clone(),
        };
        let mut chunk_error: Option<ServiceError> = None;
        if let Some(stream) = req.body_stream.take() {
            req.body_stream = Some(self.checked_upload(stream, &mut req.headers, &verdict));
        } else if simfra_protocols::http::is_aws_chunked(&req) {
            // SDK streaming uploads: hand the codecs the plain payload, and the
            // trailing checksums as the headers they stand for.
            match simfra_protocols::http::decode_aws_chunked(&req.body) {
                Ok((payload, trailers)) => {
                    req.body = payload;
                    let decoded = req.body.len() as u64;
                    unchunked_headers(&mut req.headers, Some(decoded));
                    req.headers.extend(trailers);
                }
                Err(e) => chunk_error = Some(ServiceError::new("IncompleteBody", 400, e)),
            }
        } else if scope.as_ref().is_some_and(|s| s.service == "s3") {
            if let Some(declared) = upload::declared_sha256(&req.headers) {
                if !declared.eq_ignore_ascii_case(&simfra_sigv4::sha256_hex(&req.body)) {
                    chunk_error = Some(upload::sha256_mismatch().into());
                }
            }
        }

        let exchange = Exchange { request_id: request_id.clone(), request_content_type: req.content_type().map(String::from) };
        let evidence = route::Evidence { scope: scope.as_ref(), host: &host_info };

        let mut entry = LoggedRequest {
            request_id: request_id.clone(),
            service: None,
            operation: None,
            protocol: "",
            method: req.method.clone(),
            path: req.path.clone(),
            status: 0,
            duration_ms: 0.0,
            account: account.clone(),
            region: region.clone(),
            error_code: None,
        };

        let mut resp = match route::identify(&self.registry, &mut req, &evidence) {
            Ok(r) => {
                let svc = &self.registry.services[r.service];
                let schema = svc.schema;
                let op = &schema.operations[r.operation];
                sqs_queue_url_from_path(&mut req, schema.name, r.protocol, &host);
                entry.service = Some(schema.name);
                entry.operation = Some(op.name);
                entry.protocol = r.protocol.name();
                let c = codec(r.protocol);
                let mut ctx = RequestContext {
                    request_id: request_id.clone(),
                    account_id: account,
                    region,
                    service: schema.name,
                    operation: op.name,
                    protocol: r.protocol,
                    host: host.clone(),
                    access_key_id: scope.as_ref().map(|s| s.access_key_id.clone()),
                    principal_arn: match &verdict {
                        auth::Verdict::Signed(caller, _) => Some(caller.principal_arn.clone()),
                        _ => None,
                    },
                    headers: Arc::new(req.headers.clone()),
                    authorized_accounts: Vec::new(),
                    answer_status: Default::default(),
                };
                let admitted = match &verdict {
                    auth::Verdict::Signed(..) => Ok(()),
                    auth::Verdict::Unsigned if newer::served_unsigned(schema, op) => Ok(()),
                    // S3 serves anonymous callers where a bucket policy lets everyone in (see `authorize`).
                    auth::Verdict::Unsigned if auth::serves_anonymous(schema) && self.config.iam != IamMode::Off => Ok(()),
                    auth::Verdict::Unsigned => Err(auth::failure_error(&simfra_sigv4::verify::AuthFailure::Missing, schema, r.protocol)),
                    auth::Verdict::Failed(f) => Err(auth::failure_error(f, schema, r.protocol)),
                }
                .and_then(|()| match chunk_error.take() {
                    Some(e) => Err(e),
                    None => Ok(()),
                });
                // What CloudTrail keeps of the input (requestParameters).
                let mut audited_input = None;
                let result = catch_unwind(async {
                    admitted?;
                    let input = simfra_protocols::decode_input(c, schema, op, &req)?;
                    audited_input = simfra_audit::audited_input(schema, op, &input);
                    simfra_protocols::validate::validate(schema, op, &input, r.protocol)?;
                    ctx.authorized_accounts = self.authorize(&verdict, schema, op, &input, &ctx, &req)?;
                    svc.handler.call(&ctx, r.operation, input).await
                })
                .await
                .unwrap_or_else(|panic| Err(ServiceError::internal(format!("internal error: {panic}"))));
                if let auth::Verdict::Signed(caller, _) = &verdict {
                    note_use(caller, schema, &ctx.region);
                }
                if !matches!(&verdict, auth::Verdict::Failed(_)) {
                    let audited_output = result.as_ref().ok().and_then(|out| simfra_audit::audited_output(schema, op, out));
                    let (error_code, error_message) = match &result {
                        Ok(_) => (None, None),
                        Err(e) => (Some(seen_error_code(schema, r.protocol, e)), e.message.clone()),
                    };
                    simfra_audit::log().record_with_output(simfra_audit::ApiCall {
                        event_id: ids::request_id(),
                        time: simfra_model::Timestamp::now(),
                        schema,
                        operation: op.name,
                        input_shape: op.input,
                        input: audited_input,
                        account_id: ctx.account_id.clone(),
                        region: ctx.region.clone(),
                        access_key_id: ctx.access_key_id.clone(),
                        principal_arn: ctx.principal_arn.clone(),
                        source_ip: source_ip(&req),
                        user_agent: req.header("user-agent").unwrap_or("").to_string(),
                        request_id: request_id.clone(),
                        read_only: simfra_audit::is_read_only(op.name, op.has(simfra_model::op_flags::READONLY)),
                        error_code,
                        error_message,
                    }, audited_output);
                }
                match result {
                    Ok(output) => {
                        let mut resp = simfra_protocols::encode_output(c, schema, op, output, &exchange);
                        if let Some(status) = ctx.answer_status.get() {
                            resp.status = status;
                        }
                        resp
                    }
                    Err(err) => {
                        entry.error_code = Some(seen_error_code(schema, r.protocol, &err));
                        c.encode_error(schema, Some(op), &err, &exchange)
                    }
                }
            }
            Err(unrouted) => {
                let schema = unrouted.service.map(|i| self.registry.services[i].schema).unwrap_or(&NO_SERVICE);
                entry.service = unrouted.service.map(|i| self.registry.services[i].schema.name);
                entry.protocol = unrouted.protocol.name();
                entry.error_code = Some(unrouted.error.code.clone());
                codec(unrouted.protocol).encode_error(schema, None, &unrouted.error, &exchange)
            }
        };

        if entry.service == Some("s3") {
            s3web::add_cors_headers(&req, &mut resp);
        }
        // S3 answers with its own request id pair and no `x-amzn-RequestId`
        // (SDKs prefer the latter when both are there).
        if entry.service.is_some_and(simfra_audit::answers_s3_request_ids) {
            resp.set_header("x-amz-request-id", ids::s3_request_id(&request_id));
            resp.set_header("x-amz-id-2", ids::s3_host_id());
        } else {
            resp.set_header("x-amzn-requestid", request_id.clone());
        }
        entry.status = resp.status;
        entry.duration_ms = start.elapsed().as_secs_f64() * 1000.0;
        self.log.push(entry);
        resp
    }
}

impl Gateway {
    /// Whether the request is for an operation whose input payload is a
    /// `@streaming` blob (decided on a copy: routing may rewrite the request).
    fn streams_payload(&self, req: &HttpRequest, scope: Option<&sigv4::CredentialScope>, host: &host::HostInfo) -> bool {
        let mut head = HttpRequest { body: bytes::Bytes::new(), body_stream: None, ..req.clone() };
        let evidence = route::Evidence { scope, host };
        let Ok(r) = route::identify(&self.registry, &mut head, &evidence) else { return false };
        let schema = self.registry.services[r.service].schema;
        let op = &schema.operations[r.operation];
        let input = schema.shape(op.input);
        input.members.iter().any(|m| {
            let t = schema.shape(m.target);
            m.location == simfra_model::Location::Payload && t.kind == simfra_model::ShapeKind::Blob && t.is_streaming()
        })
    }

    /// A streamed upload as the service reads it: aws-chunked framing
    /// removed (chunk signatures checked when strict), or the declared
    /// payload hash checked at the end; headers describe the payload.
    fn checked_upload(&self, stream: ByteStream, headers: &mut Vec<(String, String)>, verdict: &auth::Verdict) -> ByteStream {
        let chunked = headers.iter().any(|(k, v)| {
            (k == "content-encoding" && v.split(',').any(|e| e.trim() == "aws-chunked")) || (k == "x-amz-content-sha256" && v.starts_with("STREAMING-"))
        });
        if !chunked {
            return match upload::declared_sha256(headers) {
                Some(hex) => ByteStream::from_stream(upload::check_sha256(stream.take(), hex.to_string()), stream.length()),
                None => stream,
            };
        }
        let chain = match verdict {
            auth::Verdict::Signed(caller, signed) if self.config.auth == auth::AuthMode::Strict && auth::streaming_signed(headers) => {
                caller.credential.as_ref().map(|c| simfra_sigv4::verify::ChunkChain::new(signed, &c.secret_access_key))
            }
            _ => None,
        };
        let decoded = headers.iter().find(|(k, _)| k == "x-amz-decoded-content-length").and_then(|(_, v)| v.trim().parse::<u64>().ok());
        unchunked_headers(headers, decoded);
        let raw = stream.take();
        ByteStream::from_stream_with_trailers(decoded, |slot| upload::dechunk(raw, chain, slot))
    }

    /// IAM: may the verified caller do what this operation needs? Unsigned
    /// operations (those AWS serves unsigned) pass. Answers the other
    /// accounts whose resources the request may reach (see RequestContext).
    fn authorize(
        &self,
        verdict: &auth::Verdict,
        schema: &'static ServiceSchema,
        op: &'static Operation,
        input: &Value,
        ctx: &RequestContext,
        req: &HttpRequest,
    ) -> Result<Vec<String>, ServiceError> {
        if self.config.iam == IamMode::Off {
            return Ok(Vec::new());
        }
        let facts = || RequestFacts {
            source_ip: source_ip(req),
            secure_transport: req.header("x-forwarded-proto").map(|p| p.eq_ignore_ascii_case("https")).unwrap_or(false),
            region: ctx.region.clone(),
            user_agent: req.header("user-agent").unwrap_or("").to_string(),
            now: auth::now_secs(),
        };
        let caller = match verdict {
            auth::Verdict::Signed(caller, _) => caller,
            auth::Verdict::Unsigned if auth::serves_anonymous(schema) && !newer::served_unsigned(schema, op) => {
                let required = simfra_identity::actions::required(schema, op, input, &ctx.account_id, &ctx.region, None);
                return simfra_identity::authorize::authorize_anonymous(&required, &facts()).map_err(|d| {
                    let mut e = auth::denied_error(&d, schema, ctx.protocol);
                    e.message = Some("Access Denied".into());
                    e
                });
            }
            _ => return Ok(Vec::new()),
        };
        // Relaxed mode with a key nobody issued acts as the account's root.
        let Some(cred) = &caller.credential else { return Ok(Vec::new()) };
        let required = simfra_identity::actions::required(schema, op, input, &ctx.account_id, &ctx.region, Some(&cred.principal_arn));
        match simfra_identity::authorize::authorize(cred, &required, &facts()) {
            Ok(foreign) => Ok(foreign),
            Err(denial) if self.config.iam == IamMode::Audit => {
                eprintln!("simfra: IAM audit: would deny {}.{}: {}", schema.name, op.name, denial.message());
                Ok(Vec::new())
            }
            Err(denial) => Err(auth::denied_error(&denial, schema, ctx.protocol)),
        }
    }
}

/// GetAccessKeyLastUsed and RoleLastUsed: which key or role signed, for what, where.
fn note_use(caller: &auth::Caller, schema: &ServiceSchema, region: &str) {
    let Some(cred) = &caller.credential else { return };
    let now = auth::now_secs();
    match &cred.principal {
        simfra_identity::PrincipalKind::User { .. } => {
            simfra_identity::iam::note_access_key_used(&cred.account_id, &cred.access_key_id, schema.signing_name, region, now)
        }
        simfra_identity::PrincipalKind::AssumedRole { role_name, .. } => simfra_identity::iam::note_role_used(&cred.account_id, role_name, region, now),
        _ => {}
    }
}

/// The error code the caller reads (request log, CloudTrail's errorCode).
fn seen_error_code(schema: &ServiceSchema, protocol: Protocol, err: &ServiceError) -> String {
    let errors = &simfra_protocols::errors::wire_error(schema, err);
    simfra_protocols::errors::code_seen(schema, protocol, errors).to_string()
}

/// The caller's address as services see it (`aws:SourceIp`, CloudTrail's sourceIPAddress).
fn source_ip(req: &HttpRequest) -> String {
    req.header("x-forwarded-for").and_then(|v| v.split(',').next()).map(|v| v.trim().to_string()).unwrap_or_else(|| "127.0.0.1".into())
}

/// Headers of an aws-chunked request rewritten to describe the payload:
/// its length (when known) and a `Content-Encoding` without `aws-chunked`,
/// which describes the transfer, not the object.
fn unchunked_headers(headers: &mut Vec<(String, String)>, decoded_length: Option<u64>) {
    headers.retain(|(k, _)| k != "content-length");
    if let Some(n) = decoded_length {
        headers.push(("content-length".into(), n.to_string()));
    }
    for (k, v) in headers.iter_mut() {
        if k == "content-encoding" {
            *v = v.split(',').map(str::trim).filter(|e| *e != "aws-chunked").collect::<Vec<_>>().join(",");
        }
    }
    headers.retain(|(k, v)| !(k == "content-encoding" && v.is_empty()));
}

fn to_axum(resp: HttpResponse) -> Response<Body> {
    let body = match resp.body_stream {
        Some(stream) => Body::from_stream(stream.take()),
        None => Body::from(resp.body),
    };
    let mut out = Response::new(body);
    *out.status_mut() = StatusCode::from_u16(resp.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = out.headers_mut();
    for (k, v) in resp.headers {
        if let (Ok(name), Ok(value)) = (HeaderName::try_from(k.as_str()), HeaderValue::try_from(v.as_str())) {
            headers.append(name, value);
        }
    }
    out
}

pub(crate) fn plain(status: StatusCode, text: &str) -> Response<Body> {
    let mut r = Response::new(Body::from(text.to_string()));
    *r.status_mut() = status;
    r
}

/// Serves the gateway on `addr` until SIGINT/SIGTERM.
pub async fn serve(gw: Arc<Gateway>, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    use axum::serve::ListenerExt;
    let app = gw.router();
    // Responses are small and written at once: without TCP_NODELAY a client
    // that pipelines nothing waits on delayed ACKs.
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, app).with_graceful_shutdown(shutdown_signal()).await
}

/// Completes on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

/// SQS's classic Query form addresses the queue by the request path
/// (`POST /123456789012/name` with `Action=SendMessage`, as older SDKs send
/// it) rather than by a `QueueUrl` parameter: the path becomes the parameter.
fn sqs_queue_url_from_path(req: &mut simfra_protocols::http::HttpRequest, service: &str, protocol: simfra_model::Protocol, host: &str) {
    if service != "sqs" || protocol != simfra_model::Protocol::AwsQuery {
        return;
    }
    let mut segments = req.path.trim_matches('/').split('/');
    let (Some(account), Some(name), None) = (segments.next(), segments.next(), segments.next()) else { return };
    if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) || name.is_empty() {
        return;
    }
    let named = |form: &[u8]| form.split(|b| *b == b'&').any(|pair| pair.starts_with(b"QueueUrl="));
    if named(&req.body) || named(req.query.as_bytes()) {
        return;
    }
    let url = simfra_protocols::http::percent_encode(&format!("http://{host}/{account}/{name}"));
    if req.body.is_empty() && !req.query.is_empty() {
        req.query = format!("{}&QueueUrl={url}", req.query);
    } else {
        let mut body = req.body.to_vec();
        if !body.is_empty() {
            body.push(b'&');
        }
        body.extend_from_slice(format!("QueueUrl={url}").as_bytes());
        req.body = body.into();
    }
}
