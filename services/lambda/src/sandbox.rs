//! Execution environments: one container per concurrent execution, each with
//! its own Lambda Runtime API listener (`AWS_LAMBDA_RUNTIME_API` =
//! `simfra.local:<port>`), so that any runtime interface client — AWS's in
//! its base images, or Simfra's in the local ones — works unmodified.
//!
//! Runtime API (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html):
//! - `GET  /2018-06-01/runtime/invocation/next` blocks until an invocation is
//!   handed to this environment, answered with the event and the
//!   `Lambda-Runtime-*` headers;
//! - `POST /2018-06-01/runtime/invocation/{id}/response` and `…/{id}/error`
//!   finish it; `POST /2018-06-01/runtime/init/error` reports a runtime that
//!   could not start.
//!
//! Environments stay warm after an invocation and are reused by the next one
//! of the same function version and configuration; an idle one is removed
//! after `SIMFRA_LAMBDA_KEEP_ALIVE` seconds (default 300).

use axum::body::{Body, Bytes as AxumBytes};
use axum::http::{HeaderMap, Method, Request, Response, StatusCode};
use simfra_model::Bytes;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime};
use tokio::sync::{mpsc, oneshot};

/// The largest synchronous response payload (6 MB).
pub const MAX_RESPONSE: usize = 6 * 1024 * 1024;

/// How an invocation ended, as the runtime reported it.
#[derive(Debug)]
pub enum Outcome {
    Response(Bytes),
    /// `…/error`: the error type header and the runtime's payload.
    FunctionError { error_type: String, payload: Bytes },
    /// `…/init/error`: the runtime could not start.
    InitError { error_type: String, payload: Bytes },
}

/// An invocation on its way to a runtime.
pub struct Invocation {
    pub request_id: String,
    pub payload: Bytes,
    pub invoked_arn: String,
    pub timeout: Duration,
    pub client_context: Option<String>,
    pub trace_id: String,
    /// Told when the runtime takes the invocation (the timeout runs from
    /// then; the log tail starts there).
    pub started: oneshot::Sender<(Instant, SystemTime)>,
    pub reply: oneshot::Sender<Outcome>,
}

pub struct Sandbox {
    /// Function ARN, version and configuration revision: environments serve one.
    pub key: String,
    pub function_arn: String,
    pub port: u16,
    pub container: Mutex<Option<(String, String)>>,
    queue: mpsc::Sender<Invocation>,
    inbox: tokio::sync::Mutex<mpsc::Receiver<Invocation>>,
    /// The invocation the runtime is working on: (request id, reply).
    current: Mutex<Option<(String, oneshot::Sender<Outcome>)>>,
    /// Set once the runtime has asked for its first invocation.
    pub initialized: Mutex<Option<Instant>>,
    pub created: Instant,
    pub credentials_expire: Instant,
    last_used: Mutex<Instant>,
    /// Kept for a provisioned concurrency configuration: never reaped for idleness.
    pub provisioned: AtomicBool,
    dead: AtomicBool,
    server: Mutex<Option<tokio::task::AbortHandle>>,
}

impl Sandbox {
    pub fn container_id(&self) -> Option<String> {
        lock(&self.container).as_ref().map(|(id, _)| id.clone())
    }
    pub fn is_dead(&self) -> bool {
        self.dead.load(Ordering::SeqCst)
    }
    /// Hands an invocation to the runtime (queued until it asks for the next one).
    pub fn submit(&self, inv: Invocation) -> Result<(), Invocation> {
        self.queue.try_send(inv).map_err(|e| match e {
            mpsc::error::TrySendError::Full(i) | mpsc::error::TrySendError::Closed(i) => i,
        })
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Idle environments by key, and every live one.
#[derive(Default)]
struct Pool {
    idle: HashMap<String, Vec<Arc<Sandbox>>>,
    all: Vec<Arc<Sandbox>>,
}

fn pool() -> &'static Mutex<Pool> {
    static POOL: OnceLock<Mutex<Pool>> = OnceLock::new();
    POOL.get_or_init(|| {
        tokio::spawn(reap_forever());
        Mutex::new(Pool::default())
    })
}

pub fn keep_alive() -> Duration {
    static KEEP: OnceLock<Duration> = OnceLock::new();
    *KEEP.get_or_init(|| {
        let secs = std::env::var("SIMFRA_LAMBDA_KEEP_ALIVE").ok().and_then(|v| v.parse::<u64>().ok()).unwrap_or(300);
        Duration::from_secs(secs)
    })
}

/// A warm environment for `key`, if one is idle.
pub fn take_idle(key: &str) -> Option<Arc<Sandbox>> {
    let mut p = lock(pool());
    let idle = p.idle.get_mut(key)?;
    while let Some(s) = idle.pop() {
        // Credentials are good for an hour; an environment near the end of them retires.
        if !s.is_dead() && s.credentials_expire > Instant::now() + Duration::from_secs(300) {
            return Some(s);
        }
    }
    None
}

/// Returns an environment to the warm pool after an invocation.
pub fn release(s: Arc<Sandbox>) {
    if s.is_dead() {
        return;
    }
    *lock(&s.last_used) = Instant::now();
    let mut p = lock(pool());
    p.idle.entry(s.key.clone()).or_default().push(s);
}

/// Binds a Runtime API listener and makes the (not yet started) environment.
pub async fn prepare(key: String, function_arn: String, credentials_expire: Instant) -> std::io::Result<Arc<Sandbox>> {
    let listener = tokio::net::TcpListener::bind(("0.0.0.0", 0)).await?;
    let port = listener.local_addr()?.port();
    let (tx, rx) = mpsc::channel(1);
    let sandbox = Arc::new(Sandbox {
        key,
        function_arn,
        port,
        container: Mutex::new(None),
        queue: tx,
        inbox: tokio::sync::Mutex::new(rx),
        current: Mutex::new(None),
        initialized: Mutex::new(None),
        created: Instant::now(),
        credentials_expire,
        last_used: Mutex::new(Instant::now()),
        provisioned: AtomicBool::new(false),
        dead: AtomicBool::new(false),
        server: Mutex::new(None),
    });
    let weak = Arc::downgrade(&sandbox);
    let app = axum::Router::new().fallback(move |req: Request<Body>| {
        let weak = weak.clone();
        async move {
            match weak.upgrade() {
                Some(s) => runtime_api(s, req).await,
                None => json_response(StatusCode::GONE, r#"{"errorMessage":"The execution environment is gone","errorType":"Gone"}"#),
            }
        }
    });
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    *lock(&sandbox.server) = Some(task.abort_handle());
    lock(pool()).all.push(sandbox.clone());
    Ok(sandbox)
}

/// Stops and removes the environment's container and its listener.
pub async fn destroy(s: &Arc<Sandbox>) {
    if s.dead.swap(true, Ordering::SeqCst) {
        return;
    }
    {
        let mut p = lock(pool());
        p.all.retain(|x| !Arc::ptr_eq(x, s));
        if let Some(idle) = p.idle.get_mut(&s.key) {
            idle.retain(|x| !Arc::ptr_eq(x, s));
        }
    }
    if let Some(h) = lock(&s.server).take() {
        h.abort();
    }
    // Whatever still waits on this environment learns it is gone.
    lock(&s.current).take();
    if let Some(id) = s.container_id() {
        if let Some(o) = simfra_docker::get() {
            let _ = o.kill(&id).await;
            let _ = o.remove(&id).await;
        }
    }
}

/// Removes the warm environments of a function (deleted).
pub fn retire_function(function_arn: &str) {
    retire(|s| s.function_arn == function_arn);
}

/// Removes the provisioned environments of a function version (its
/// configuration was deleted or replaced).
pub fn release_provisioned(function_arn: &str, version: &str) {
    let prefix = format!("{function_arn}:{version}:");
    retire(|s| s.provisioned.load(Ordering::SeqCst) && s.key.starts_with(&prefix));
}

/// Removes the warm environments of a function's `$LATEST` (its code or
/// configuration changed: they no longer fit it).
pub fn retire_latest(function_arn: &str) {
    let prefix = format!("{function_arn}:$LATEST:");
    retire(|s| s.key.starts_with(&prefix));
}

fn retire(doomed_if: impl Fn(&Sandbox) -> bool) {
    let doomed: Vec<Arc<Sandbox>> = {
        let mut p = lock(pool());
        let mut out = Vec::new();
        for list in p.idle.values_mut() {
            list.retain(|s| {
                let keep = !doomed_if(s);
                if !keep {
                    out.push(s.clone());
                }
                keep
            });
        }
        out
    };
    if doomed.is_empty() {
        return;
    }
    tokio::spawn(async move {
        for s in doomed {
            destroy(&s).await;
        }
    });
}

/// Removes idle environments past the keep-alive, every few seconds.
async fn reap_forever() {
    loop {
        tokio::time::sleep(Duration::from_secs(2)).await;
        let now = Instant::now();
        let doomed: Vec<Arc<Sandbox>> = {
            let mut p = lock(pool());
            let mut out = Vec::new();
            for list in p.idle.values_mut() {
                list.retain(|s| {
                    let fresh = s.provisioned.load(Ordering::SeqCst) || now.duration_since(*lock(&s.last_used)) < keep_alive();
                    let keep = fresh && s.credentials_expire > now;
                    if !keep {
                        out.push(s.clone());
                    }
                    keep
                });
            }
            out
        };
        for s in doomed {
            destroy(&s).await;
        }
    }
}

/// Every environment's container, for shutdown.
pub async fn destroy_all() {
    let all: Vec<Arc<Sandbox>> = lock(pool()).all.clone();
    for s in all {
        destroy(&s).await;
    }
}

// ---------------------------------------------------------------- Runtime API

fn json_response(status: StatusCode, body: &str) -> Response<Body> {
    Response::builder().status(status).header("content-type", "application/json").body(Body::from(body.to_string())).unwrap_or_default()
}

fn accepted() -> Response<Body> {
    json_response(StatusCode::ACCEPTED, r#"{"status":"OK"}"#)
}

fn header(h: &HeaderMap, name: &str) -> Option<String> {
    h.get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
}

const PREFIX: &str = "/2018-06-01/runtime/";

async fn runtime_api(s: Arc<Sandbox>, req: Request<Body>) -> Response<Body> {
    let (parts, body) = req.into_parts();
    // A path prefix before the API's own path is tolerated (AWS_LAMBDA_RUNTIME_API may carry one).
    let path = parts.uri.path();
    let Some(rest) = path.find(PREFIX).map(|i| &path[i + PREFIX.len()..]) else {
        return json_response(StatusCode::NOT_FOUND, r#"{"errorMessage":"Unknown path","errorType":"InvalidPath"}"#);
    };
    let body = match axum::body::to_bytes(body, MAX_RESPONSE + 1).await {
        Ok(b) => b,
        Err(_) => AxumBytes::from(vec![0u8; MAX_RESPONSE + 1]),
    };
    let segments: Vec<&str> = rest.split('/').collect();
    match (&parts.method, segments.as_slice()) {
        (&Method::GET, ["invocation", "next"]) => next(s).await,
        (&Method::POST, ["invocation", id, "response"]) => finish(&s, id, || {
            if body.len() > MAX_RESPONSE {
                Outcome::FunctionError {
                    error_type: "Function.ResponseSizeTooLarge".into(),
                    payload: Bytes::from(format!(
                        r#"{{"errorMessage":"Response payload size exceeded maximum allowed payload size ({MAX_RESPONSE} bytes).","errorType":"Function.ResponseSizeTooLarge"}}"#
                    )),
                }
            } else {
                Outcome::Response(Bytes::from(body.to_vec()))
            }
        }),
        (&Method::POST, ["invocation", id, "error"]) => {
            let error_type = header(&parts.headers, "lambda-runtime-function-error-type").unwrap_or_else(|| "Unhandled".into());
            finish(&s, id, || Outcome::FunctionError { error_type, payload: Bytes::from(body.to_vec()) })
        }
        (&Method::POST, ["init", "error"]) => {
            let error_type = header(&parts.headers, "lambda-runtime-function-error-type").unwrap_or_else(|| "Runtime.Unknown".into());
            init_error(&s, error_type, Bytes::from(body.to_vec()));
            accepted()
        }
        _ => json_response(StatusCode::NOT_FOUND, r#"{"errorMessage":"Unknown path","errorType":"InvalidPath"}"#),
    }
}

async fn next(s: Arc<Sandbox>) -> Response<Body> {
    lock(&s.initialized).get_or_insert_with(Instant::now);
    let inv = {
        let mut inbox = s.inbox.lock().await;
        inbox.recv().await
    };
    let Some(inv) = inv else {
        return json_response(StatusCode::GONE, r#"{"errorMessage":"The execution environment is shutting down","errorType":"Gone"}"#);
    };
    let deadline_ms = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default() + inv.timeout;
    let _ = inv.started.send((Instant::now(), SystemTime::now()));
    *lock(&s.current) = Some((inv.request_id.clone(), inv.reply));
    let mut resp = Response::builder()
        .status(StatusCode::OK)
        .header("content-type", "application/json")
        .header("lambda-runtime-aws-request-id", &inv.request_id)
        .header("lambda-runtime-deadline-ms", deadline_ms.as_millis().to_string())
        .header("lambda-runtime-invoked-function-arn", &inv.invoked_arn)
        .header("lambda-runtime-trace-id", &inv.trace_id);
    if let Some(cc) = &inv.client_context {
        resp = resp.header("lambda-runtime-client-context", cc);
    }
    resp.body(Body::from(inv.payload.to_vec())).unwrap_or_default()
}

/// Completes the current invocation if `id` names it (the outcome is made only then).
fn finish(s: &Sandbox, id: &str, outcome: impl FnOnce() -> Outcome) -> Response<Body> {
    let mut current = lock(&s.current);
    match current.take() {
        Some((rid, reply)) if rid == id => {
            let o = outcome();
            let too_large = matches!(&o, Outcome::FunctionError { error_type, .. } if error_type == "Function.ResponseSizeTooLarge");
            let _ = reply.send(o);
            if too_large {
                return json_response(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    r#"{"errorMessage":"Exceeded maximum allowed payload size (6291556 bytes).","errorType":"RequestEntityTooLarge"}"#,
                );
            }
            accepted()
        }
        other => {
            *current = other;
            json_response(StatusCode::BAD_REQUEST, r#"{"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"}"#)
        }
    }
}

fn init_error(s: &Sandbox, error_type: String, payload: Bytes) {
    // The invocation waiting for this environment gets the error as its answer.
    if let Some((_, reply)) = lock(&s.current).take() {
        let _ = reply.send(Outcome::InitError { error_type: error_type.clone(), payload: payload.clone() });
        return;
    }
    if let Ok(mut inbox) = s.inbox.try_lock() {
        if let Ok(inv) = inbox.try_recv() {
            let _ = inv.started.send((Instant::now(), SystemTime::now()));
            let _ = inv.reply.send(Outcome::InitError { error_type, payload });
        }
    }
}
