//! Invocations: the function's code runs in a container (see `sandbox`),
//! with the execution role's temporary credentials and Simfra as its AWS
//! endpoint. Synchronous invocations wait for the runtime's answer within
//! the function's timeout; reserved concurrency is enforced; `LogType=Tail`
//! answers the last 4 KB of the invocation's log with Lambda's
//! START/END/REPORT lines.

use crate::errors;
use crate::names::FunctionRef;
use crate::sandbox::{self, Invocation, Outcome, Sandbox};
use crate::store::{self, Code};
use base64::Engine as _;
use simfra_gen_lambda::types::*;
use simfra_model::{Bytes, ServiceError};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};
use tokio::sync::oneshot;

/// The largest synchronous request payload (6 MB).
pub const MAX_SYNC_PAYLOAD: usize = 6_291_456;
/// The largest asynchronous request payload (256 KB).
pub const MAX_ASYNC_PAYLOAD: usize = 262_144;
/// How long a runtime may take to start and ask for its first invocation.
/// (AWS allows 10 s of init; a container's start is on top of that here.)
const INIT_LIMIT: Duration = Duration::from_secs(40);

/// What an invocation produced.
#[derive(Debug, Clone)]
pub struct Invoked {
    pub payload: Bytes,
    /// `Unhandled` when the function failed.
    pub function_error: Option<String>,
    pub executed_version: String,
    pub log_tail: Option<String>,
}

/// Everything an invocation needs, read from the store at its start.
struct Target {
    version: String,
    config: FunctionConfiguration,
    code: Arc<Code>,
    in_flight: Arc<AtomicI64>,
    reserved: Option<i32>,
}

fn resolve(f: &FunctionRef) -> Result<Target, ServiceError> {
    store::with_function(f, |function| {
        let version = crate::functions::route(function, f.qualifier.as_deref()).ok_or_else(|| errors::function_not_found(&f.qualified_arn()))?;
        let v = function.version(Some(&version)).ok_or_else(|| errors::function_not_found(&f.qualified_arn()))?;
        Ok(Target {
            version,
            config: v.config.clone(),
            code: v.code.clone(),
            in_flight: function.in_flight.clone(),
            reserved: function.reserved_concurrency,
        })
    })
}

/// Counts a running execution for reserved concurrency while alive.
struct Slot(Arc<AtomicI64>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

fn take_slot(t: &Target) -> Result<Slot, ServiceError> {
    let before = t.in_flight.fetch_add(1, Ordering::SeqCst);
    let slot = Slot(t.in_flight.clone());
    let limit = t.reserved.map(i64::from).unwrap_or(crate::settings::ACCOUNT_CONCURRENCY as i64);
    if before >= limit {
        let reason = if t.reserved.is_some() {
            ThrottleReason::ReservedFunctionConcurrentInvocationLimitExceeded
        } else {
            ThrottleReason::ConcurrentInvocationLimitExceeded
        };
        return Err(errors::throttled(reason));
    }
    Ok(slot)
}

/// Whether the function exists (and the qualifier names something), without running it.
pub fn check_exists(f: &FunctionRef) -> Result<String, ServiceError> {
    resolve(f).map(|t| t.version)
}

/// Runs one invocation synchronously.
pub async fn run(f: &FunctionRef, payload: Bytes, tail: bool, client_context: Option<String>) -> Result<Invoked, ServiceError> {
    let target = resolve(f)?;
    let _slot = take_slot(&target)?;
    let Some(docker) = simfra_docker::get() else {
        // No execution environment can exist without Docker. Of Invoke's
        // modeled errors, ResourceNotReadyException (502) is the one AWS
        // answers when a function cannot run for now for reasons outside the
        // request; the message says why.
        return Err(errors::not_ready(
            "Simfra cannot run this function: Docker is off (SIMFRA_DOCKER=false or no Docker engine), so there is no execution environment. The control plane works without it.",
        ));
    };
    let image = crate::runtimes::image_for(&target.config, &target.code)?;
    ensure_image(docker, &image).await?;
    let key = format!("{}:{}:{}", f.arn(), target.version, target.config.revision_id.clone().unwrap_or_default());
    let invoked_arn = f.qualified_arn();
    let request_id = simfra_identity::ids::uuid();
    let timeout = Duration::from_secs(target.config.timeout.unwrap_or(3).max(1) as u64);
    let (sandbox, cold) = match sandbox::take_idle(&key) {
        Some(s) => (s, false),
        None => (start(f, &target, &image, key, "on-demand").await?, true),
    };
    let (started_tx, started_rx) = oneshot::channel();
    let (reply_tx, reply_rx) = oneshot::channel();
    let inv = Invocation {
        request_id: request_id.clone(),
        payload,
        invoked_arn,
        timeout,
        client_context,
        trace_id: trace_id(),
        started: started_tx,
        reply: reply_tx,
    };
    if sandbox.submit(inv).is_err() {
        sandbox::destroy(&sandbox).await;
        return Err(errors::service("The execution environment could not take the invocation."));
    }
    let result = wait(&sandbox, started_rx, reply_rx, timeout).await;
    let duration = result.1;
    let log_from = result.2;
    let (payload, error_type, healthy, status) = match result.0 {
        Ended::Outcome(Outcome::Response(p)) => (p, None, true, None),
        Ended::Outcome(Outcome::FunctionError { error_type, payload }) => {
            // A runtime that reported an error keeps serving (its process lives on).
            (payload, Some(error_type), true, Some("error"))
        }
        Ended::Outcome(Outcome::InitError { error_type, payload }) => (payload, Some(error_type), false, Some("error")),
        Ended::TimedOut => {
            let secs = timeout.as_secs_f64();
            let body = serde_json::json!({
                "errorType": "Sandbox.Timedout",
                "errorMessage": format!("RequestId: {request_id} Error: Task timed out after {secs:.2} seconds"),
            });
            (Bytes::from(body.to_string()), Some("Sandbox.Timedout".to_string()), false, Some("timeout"))
        }
        Ended::Exited(code) => {
            let body = serde_json::json!({
                "errorType": "Runtime.ExitError",
                "errorMessage": format!("RequestId: {request_id} Error: Runtime exited with error: exit status {code}"),
            });
            (Bytes::from(body.to_string()), Some("Runtime.ExitError".to_string()), false, Some("error"))
        }
        Ended::InitTimeout => {
            let body = serde_json::json!({
                "errorType": "Runtime.InitTimeout",
                "errorMessage": format!("RequestId: {request_id} Error: The runtime did not ask for its first invocation within {} seconds", INIT_LIMIT.as_secs()),
            });
            (Bytes::from(body.to_string()), Some("Runtime.InitTimeout".to_string()), false, Some("error"))
        }
    };
    let log_tail = if tail {
        let init = if cold { lock_init(&sandbox) } else { None };
        Some(tail_log(docker, &sandbox, &request_id, &target, log_from, duration, init, status).await)
    } else {
        None
    };
    if healthy {
        sandbox::release(sandbox);
    } else {
        sandbox::destroy(&sandbox).await;
    }
    Ok(Invoked {
        payload,
        function_error: error_type.as_ref().map(|_| "Unhandled".to_string()),
        executed_version: target.version,
        log_tail,
    })
}

fn lock_init(s: &Sandbox) -> Option<Duration> {
    let at = *s.initialized.lock().unwrap_or_else(|e| e.into_inner());
    at.map(|t| t.duration_since(s.created))
}

fn trace_id() -> String {
    let secs = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default().as_secs();
    format!("Root=1-{secs:08x}-{};Parent={};Sampled=0;Lineage=1:{}:0", simfra_identity::ids::random_hex(12), simfra_identity::ids::random_hex(8), simfra_identity::ids::random_hex(4))
}

/// Images known to be present, so warm paths skip the engine.
fn known_images() -> &'static std::sync::Mutex<std::collections::HashSet<String>> {
    static KNOWN: std::sync::OnceLock<std::sync::Mutex<std::collections::HashSet<String>>> = std::sync::OnceLock::new();
    KNOWN.get_or_init(Default::default)
}

async fn ensure_image(docker: &simfra_docker::Orchestrator, image: &str) -> Result<(), ServiceError> {
    if known_images().lock().unwrap_or_else(|e| e.into_inner()).contains(image) {
        return Ok(());
    }
    docker.ensure_image(image).await.map_err(|e| {
        errors::not_ready(format!(
            "The function's runtime image {image} is not available: {}. Build Simfra's local images with `make images`, or set SIMFRA_LAMBDA_IMAGE_REGISTRY / SIMFRA_LAMBDA_IMAGE_<RUNTIME> to images this Docker engine has.",
            e.message
        ))
    })?;
    known_images().lock().unwrap_or_else(|e| e.into_inner()).insert(image.to_string());
    Ok(())
}

/// The execution role's session for an environment: Lambda assumes the
/// role (its trust policy must allow lambda.amazonaws.com); there is no
/// fallback to other credentials.
fn assume_role(f: &FunctionRef, config: &FunctionConfiguration) -> Result<simfra_identity::credentials::RoleSessionKeys, ServiceError> {
    let role_arn = config.role.clone().unwrap_or_default();
    let role = crate::functions::check_role(&role_arn)?;
    let now = simfra_model::Timestamp::now().as_millis() / 1000;
    let (account, _) = simfra_identity::iam::role_of_arn(&role_arn).unwrap_or((f.account.as_str(), ""));
    Ok(simfra_identity::credentials::issue_role_session(
        account,
        &role,
        simfra_identity::credentials::RoleSessionSpec {
            session_name: f.name.clone(),
            issued_at: now,
            expires_at: now + 3600,
            session_policies: Vec::new(),
            session_tags: Vec::new(),
            source_identity: None,
        },
    ))
}

/// Starts a new execution environment for the target.
async fn start(f: &FunctionRef, t: &Target, image: &str, key: String, initialization_type: &str) -> Result<Arc<Sandbox>, ServiceError> {
    let docker = simfra_docker::get().ok_or_else(|| errors::not_ready("Docker is off."))?;
    let keys = assume_role(f, &t.config)?;
    let sandbox = sandbox::prepare(key, f.arn(), Instant::now() + Duration::from_secs(3600))
        .await
        .map_err(|e| errors::service(format!("Simfra could not open a Runtime API listener: {e}")))?;
    let spec = crate::runtimes::container_spec(f, &t.config, &t.code, &t.version, image, sandbox.port, docker, &keys, initialization_type)?;
    match docker.run(spec).await {
        Ok(c) => {
            *sandbox.container.lock().unwrap_or_else(|e| e.into_inner()) = Some((c.id, c.name));
            Ok(sandbox)
        }
        Err(e) => {
            sandbox::destroy(&sandbox).await;
            Err(errors::service(format!("The execution environment could not start: {}", e.message)))
        }
    }
}

/// Starts `n` execution environments for a version (`f.qualifier`) and
/// waits until each runtime has initialized and asked for its first
/// invocation; they then serve invocations like warm ones and are never
/// reaped for idleness (provisioned concurrency). The error says why not.
pub async fn provision(f: &FunctionRef, n: i32) -> Result<(), String> {
    let text = |e: ServiceError| e.message.unwrap_or(e.code);
    let docker = simfra_docker::get()
        .ok_or_else(|| "Docker is off (SIMFRA_DOCKER=false or no Docker engine): Simfra cannot initialize execution environments.".to_string())?;
    let target = resolve(f).map_err(text)?;
    let image = crate::runtimes::image_for(&target.config, &target.code).map_err(text)?;
    ensure_image(docker, &image).await.map_err(text)?;
    sandbox::release_provisioned(&f.arn(), &target.version);
    let key = format!("{}:{}:{}", f.arn(), target.version, target.config.revision_id.clone().unwrap_or_default());
    let one = |key: String| {
        let (target, image) = (&target, &image);
        async move {
            let s = start(f, target, image, key, "provisioned-concurrency").await.map_err(text)?;
            let deadline = Instant::now() + INIT_LIMIT;
            loop {
                if s.initialized.lock().unwrap_or_else(|e| e.into_inner()).is_some() {
                    return Ok(s);
                }
                let id = s.container_id().unwrap_or_default();
                if let Some(code) = exited(Some(docker), &id).await {
                    sandbox::destroy(&s).await;
                    return Err(format!("The runtime exited with status {code} during initialization."));
                }
                if Instant::now() >= deadline {
                    sandbox::destroy(&s).await;
                    return Err(format!("The runtime did not initialize within {} seconds.", INIT_LIMIT.as_secs()));
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    };
    let started = futures::future::join_all((0..n.max(0)).map(|_| one(key.clone()))).await;
    let mut failure = None;
    for r in started {
        match r {
            Ok(s) => {
                s.provisioned.store(true, Ordering::SeqCst);
                sandbox::release(s);
            }
            Err(e) => failure = Some(e),
        }
    }
    match failure {
        Some(e) => {
            sandbox::release_provisioned(&f.arn(), &target.version);
            Err(e)
        }
        None => Ok(()),
    }
}

enum Ended {
    Outcome(Outcome),
    TimedOut,
    InitTimeout,
    Exited(i64),
}

/// Waits for the runtime to take the invocation, then for its answer within
/// the timeout; watches that the container is still running meanwhile.
/// Returns how it ended, how long it ran and when it was handed over.
async fn wait(s: &Arc<Sandbox>, mut started: oneshot::Receiver<(Instant, SystemTime)>, mut reply: oneshot::Receiver<Outcome>, timeout: Duration) -> (Ended, Duration, SystemTime) {
    let docker = simfra_docker::get();
    let id = s.container_id().unwrap_or_default();
    let handed_at;
    let init_deadline = tokio::time::Instant::now() + INIT_LIMIT;
    let began;
    loop {
        tokio::select! {
            r = &mut started => {
                (began, handed_at) = r.unwrap_or_else(|_| (Instant::now(), SystemTime::now()));
                break;
            }
            r = &mut reply => {
                // Init errors answer before the invocation is taken.
                return match r {
                    Ok(o) => (Ended::Outcome(o), Duration::ZERO, SystemTime::now()),
                    Err(_) => (Ended::Exited(-1), Duration::ZERO, SystemTime::now()),
                };
            }
            _ = tokio::time::sleep(Duration::from_millis(250)) => {
                if let Some(code) = exited(docker, &id).await {
                    return (Ended::Exited(code), Duration::ZERO, SystemTime::now());
                }
                if tokio::time::Instant::now() >= init_deadline {
                    return (Ended::InitTimeout, Duration::ZERO, SystemTime::now());
                }
            }
        }
    }
    let deadline = tokio::time::Instant::from_std(began) + timeout;
    loop {
        tokio::select! {
            r = &mut reply => {
                return match r {
                    Ok(o) => (Ended::Outcome(o), began.elapsed(), handed_at),
                    Err(_) => (Ended::Exited(-1), began.elapsed(), handed_at),
                };
            }
            _ = tokio::time::sleep_until(deadline) => return (Ended::TimedOut, timeout, handed_at),
            _ = tokio::time::sleep(Duration::from_millis(500)) => {
                if let Some(code) = exited(docker, &id).await {
                    // The answer may have raced the exit.
                    if let Ok(o) = reply.try_recv() {
                        return (Ended::Outcome(o), began.elapsed(), handed_at);
                    }
                    return (Ended::Exited(code), began.elapsed(), handed_at);
                }
            }
        }
    }
}

/// The exit code of a container that is no longer running.
async fn exited(docker: Option<&simfra_docker::Orchestrator>, id: &str) -> Option<i64> {
    let docker = docker?;
    if id.is_empty() {
        return None;
    }
    let info = docker.docker().inspect_container(id, None::<bollard::query_parameters::InspectContainerOptions>).await.ok()?;
    let state = info.state?;
    if state.running == Some(true) {
        return None;
    }
    Some(state.exit_code.unwrap_or(-1))
}

/// START, the environment's output since the invocation was handed over,
/// END and REPORT; the last 4 KB, base64.
#[allow(clippy::too_many_arguments)]
async fn tail_log(
    docker: &simfra_docker::Orchestrator,
    s: &Sandbox,
    request_id: &str,
    t: &Target,
    since: SystemTime,
    duration: Duration,
    init: Option<Duration>,
    status: Option<&str>,
) -> String {
    let mut text = format!("START RequestId: {request_id} Version: {}\n", t.version);
    if let Some(id) = s.container_id() {
        // The runtime's last lines may still be on their way into Docker's
        // log (a busy engine lags): read until two reads agree on some
        // output, or for up to ~0.6 s when there is none.
        let mut output = String::new();
        for attempt in 0..15 {
            tokio::time::sleep(Duration::from_millis(40)).await;
            let now = crate::logs::since(docker, &id, since).await;
            let settled = if now.is_empty() { attempt >= 14 } else { now == output };
            output = now;
            if settled {
                break;
            }
        }
        text.push_str(&output);
    }
    let ms = duration.as_secs_f64() * 1000.0;
    text.push_str(&format!("END RequestId: {request_id}\n"));
    text.push_str(&format!(
        "REPORT RequestId: {request_id}\tDuration: {ms:.2} ms\tBilled Duration: {} ms\tMemory Size: {} MB\t",
        ms.ceil() as u64,
        t.config.memory_size.unwrap_or(128)
    ));
    if let Some(mb) = match s.container_id() {
        Some(id) => crate::logs::max_memory_mb(docker, &id).await,
        None => None,
    } {
        text.push_str(&format!("Max Memory Used: {mb} MB\t"));
    }
    if let Some(i) = init {
        text.push_str(&format!("Init Duration: {:.2} ms\t", i.as_secs_f64() * 1000.0));
    }
    if let Some(st) = status {
        text.push_str(&format!("Status: {st}\t"));
    }
    text.push('\n');
    let bytes = text.as_bytes();
    let start = bytes.len().saturating_sub(4096);
    base64::engine::general_purpose::STANDARD.encode(&bytes[start..])
}
