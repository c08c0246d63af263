//! The state behind the container control API (`/_internal/…` on the gateway,
//! served by runtime/gateway/src/internal.rs). Services use the functions here;
//! containers use the HTTP endpoints with `Authorization: Bearer $SIMFRA_TOKEN`,
//! which speaks for that container only ([`container_token`]; the per-start
//! master [`token`] speaks for any).
//!
//! | endpoint | service side |
//! | --- | --- |
//! | `GET /_internal/container/config?name=` (ETag, `If-None-Match` → 304, unknown → 404) | [`register_config`], [`unregister_config`] |
//! | `POST /_internal/container/status` `{"name", "status", …}` | [`container_status`], [`wait_for_status`] |
//! | `GET /_internal/container/commands?name=[&wait=seconds]` (long poll, ≤ 20 s) → `{"commands": [{"id", "command"}]}` | [`send_command`] |
//! | `POST /_internal/container/command-result` `{"id", "result"}` | (answers [`send_command`]) |
//! | `POST /_internal/lambda/invoke/<function name or ARN>[?Qualifier=]` | [`register_lambda_invoke`] |
//!
//! Containers are named by their Docker name (`SIMFRA_CONTAINER_NAME`).
//! [`forget`] drops everything kept for a container; the orchestrator calls
//! it when it removes one.

use serde_json::{json, Value as Json};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};
use tokio::sync::{oneshot, Notify};

/// The longest a `commands` poll waits before answering an empty list.
pub const MAX_POLL_WAIT: Duration = Duration::from_secs(20);

// ---------------------------------------------------------------- tokens

static SECRET: LazyLock<String> = LazyLock::new(|| simfra_identity::ids::random_hex(32));

/// The per-start master token: 64 random hex digits, new each time Simfra
/// starts. It speaks for any container (Simfra's own tools, tests); a
/// container gets only [`container_token`] of its own name.
pub fn token() -> &'static str {
    &SECRET
}

/// The `SIMFRA_TOKEN` of container `name`: HMAC-SHA256 of the name under the
/// per-start secret, so a container's token speaks for that container only
/// (code running in one container cannot read another's config, report its
/// status, answer its commands or invoke as its owner).
pub fn container_token(name: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(SECRET.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(name.as_bytes());
    mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

/// What an `Authorization` header says about the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenCheck {
    Valid,
    /// No `Authorization: Bearer …` header: 401.
    Missing,
    /// A bearer token, but neither the master token nor the container's: 403.
    Invalid,
}

/// The token of an `Authorization: Bearer …` header value.
pub fn bearer(header: Option<&str>) -> Option<&str> {
    let value = header?.trim();
    value.get(..7).filter(|p| p.eq_ignore_ascii_case("bearer "))?;
    Some(value[7..].trim()).filter(|t| !t.is_empty())
}

/// Whether an `Authorization` header value may act for container `name`
/// (`None`: for no container in particular, which takes the master token).
pub fn check_authorization(header: Option<&str>, name: Option<&str>) -> TokenCheck {
    let Some(given) = bearer(header) else { return TokenCheck::Missing };
    if same(given, token()) || name.is_some_and(|n| same(given, &container_token(n))) {
        TokenCheck::Valid
    } else {
        TokenCheck::Invalid
    }
}

/// Compared without an early exit, so the time taken says nothing about the token.
fn same(given: &str, expected: &str) -> bool {
    let diff = given.bytes().zip(expected.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b));
    given.len() == expected.len() && diff == 0
}

// ---------------------------------------------------------------- state

#[derive(Default)]
struct Queue {
    commands: VecDeque<PendingCommand>,
    /// Wakes the pollers of this container.
    arrived: Arc<Notify>,
}

#[derive(Default)]
struct State {
    containers: Mutex<HashMap<String, ContainerOwner>>,
    configs: Mutex<HashMap<String, (Arc<Json>, String)>>,
    statuses: Mutex<HashMap<String, ContainerStatus>>,
    status_changed: Notify,
    queues: Mutex<HashMap<String, Queue>>,
    /// Command id → (container name, the sender waiting for its result).
    waiting: Mutex<HashMap<String, (String, oneshot::Sender<Json>)>>,
    lambda_invoke: Mutex<Option<InvokeHook>>,
}

static STATE: LazyLock<State> = LazyLock::new(State::default);
static STATUS_SEQUENCE: AtomicU64 = AtomicU64::new(0);

/// A poisoned lock only means another request panicked mid-update of a map; the map is still usable.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

// ---------------------------------------------------------------- containers

/// Who a container belongs to, recorded by the orchestrator when it starts one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerOwner {
    /// Docker's container id.
    pub id: String,
    /// The Simfra service that runs it (`lambda`, `rds`, …).
    pub service: String,
    /// The ARN of the resource it serves (the function, the DB instance …).
    pub resource: String,
}

pub fn register_container(name: &str, owner: ContainerOwner) {
    lock(&STATE.containers).insert(name.to_string(), owner);
}

/// The owner of a container Simfra started (None for names it did not start).
pub fn container_owner(name: &str) -> Option<ContainerOwner> {
    lock(&STATE.containers).get(name).cloned()
}

/// Drops everything kept for `name`: owner, config, status, queued commands
/// (their senders see a timeout).
pub fn forget(name: &str) {
    lock(&STATE.containers).remove(name);
    lock(&STATE.configs).remove(name);
    lock(&STATE.statuses).remove(name);
    if let Some(q) = lock(&STATE.queues).remove(name) {
        let mut waiting = lock(&STATE.waiting);
        for c in q.commands {
            waiting.remove(&c.id);
        }
    }
}

// ---------------------------------------------------------------- configs

/// Publishes the config document of a container (served at
/// `GET /_internal/container/config?name=`); a later call replaces it and
/// changes its ETag when the document changed.
pub fn register_config(name: &str, config: Json) {
    let etag = etag_of(&config);
    lock(&STATE.configs).insert(name.to_string(), (Arc::new(config), etag));
}

pub fn unregister_config(name: &str) {
    lock(&STATE.configs).remove(name);
}

/// The config document of `name` and its ETag (quoted, as sent in the header).
pub fn container_config(name: &str) -> Option<(Arc<Json>, String)> {
    lock(&STATE.configs).get(name).cloned()
}

/// A strong ETag: the SHA-256 of the document's JSON text, first 128 bits.
fn etag_of(config: &Json) -> String {
    let digest = Sha256::digest(config.to_string().as_bytes());
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// Whether an `If-None-Match` header value matches `etag` (`*`, a list, weak forms).
pub fn etag_matches(if_none_match: &str, etag: &str) -> bool {
    if_none_match.split(',').map(str::trim).any(|t| t == "*" || t.trim_start_matches("W/") == etag)
}

// ---------------------------------------------------------------- statuses

/// The latest status a container reported.
#[derive(Debug, Clone, PartialEq)]
pub struct ContainerStatus {
    /// The document's `status` member (`starting`, `ready`, `failed` … as the service defines).
    pub status: String,
    /// The whole document as posted (`name`, `status`, `detail`, …).
    pub document: Json,
    pub received_at: SystemTime,
    /// Increases with every report of any container: tells a new report from an old one.
    pub sequence: u64,
}

/// Records a status document `{"name": …, "status": …, …}`. Errors say what is
/// wrong with the document (the HTTP side answers 400 with it).
pub fn report_status(document: Json) -> Result<(), String> {
    let name = document.get("name").and_then(Json::as_str).filter(|n| !n.is_empty()).ok_or("the status document needs a string member \"name\"")?;
    let status = document.get("status").and_then(Json::as_str).ok_or("the status document needs a string member \"status\"")?;
    let entry = ContainerStatus {
        status: status.to_string(),
        document: document.clone(),
        received_at: SystemTime::now(),
        sequence: STATUS_SEQUENCE.fetch_add(1, Ordering::Relaxed) + 1,
    };
    lock(&STATE.statuses).insert(name.to_string(), entry);
    STATE.status_changed.notify_waiters();
    Ok(())
}

pub fn container_status(name: &str) -> Option<ContainerStatus> {
    lock(&STATE.statuses).get(name).cloned()
}

/// Waits up to `timeout` for a status of `name` that satisfies `accept`
/// (checked against the current one first); None when none came.
pub async fn wait_for_status(name: &str, accept: impl Fn(&ContainerStatus) -> bool, timeout: Duration) -> Option<ContainerStatus> {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let changed = STATE.status_changed.notified();
        tokio::pin!(changed);
        changed.as_mut().enable();
        if let Some(s) = container_status(name).filter(|s| accept(s)) {
            return Some(s);
        }
        if tokio::time::timeout_at(deadline, changed).await.is_err() {
            return None;
        }
    }
}

// ---------------------------------------------------------------- commands

/// A command waiting for its container to fetch it.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingCommand {
    pub id: String,
    pub command: Json,
}

impl PendingCommand {
    pub fn to_json(&self) -> Json {
        json!({ "id": self.id, "command": self.command })
    }
}

/// The container did not answer a command in time (or was removed meanwhile).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandTimeout {
    pub name: String,
    pub after: Duration,
}

impl fmt::Display for CommandTimeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "container {} did not answer the command within {:.1} seconds", self.name, self.after.as_secs_f64())
    }
}

impl std::error::Error for CommandTimeout {}

/// Queues `command` for container `name` and waits up to `timeout` for the
/// result the container posts to `/_internal/container/command-result`.
/// The answer is the `result` member it posted, as it posted it (the service
/// defines what a command and its result look like). A command not fetched
/// by then is withdrawn; a result posted after the timeout is refused.
pub async fn send_command(name: &str, command: Json, timeout: Duration) -> Result<Json, CommandTimeout> {
    let id = simfra_identity::ids::uuid();
    let (tx, rx) = oneshot::channel();
    lock(&STATE.waiting).insert(id.clone(), (name.to_string(), tx));
    {
        let mut queues = lock(&STATE.queues);
        let q = queues.entry(name.to_string()).or_default();
        q.commands.push_back(PendingCommand { id: id.clone(), command });
        q.arrived.notify_waiters();
    }
    let answer = tokio::time::timeout(timeout, rx).await;
    // Whatever happened, the command is no longer wanted.
    lock(&STATE.waiting).remove(&id);
    if let Some(q) = lock(&STATE.queues).get_mut(name) {
        q.commands.retain(|c| c.id != id);
    }
    match answer {
        Ok(Ok(result)) => Ok(result),
        _ => Err(CommandTimeout { name: name.to_string(), after: timeout }),
    }
}

/// The commands queued for `name`, taken off the queue; waits up to `wait`
/// (capped at [`MAX_POLL_WAIT`]) for one when there is none, and answers
/// early when the server shuts down.
pub async fn next_commands(name: &str, wait: Duration) -> Vec<PendingCommand> {
    let deadline = tokio::time::Instant::now() + wait.min(MAX_POLL_WAIT);
    loop {
        let arrived = {
            let mut queues = lock(&STATE.queues);
            let q = queues.entry(name.to_string()).or_default();
            if !q.commands.is_empty() {
                return q.commands.drain(..).collect();
            }
            q.arrived.clone()
        };
        let notified = arrived.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        // A command queued between the check above and enable() would be missed: look again.
        if lock(&STATE.queues).get(name).is_some_and(|q| !q.commands.is_empty()) {
            continue;
        }
        tokio::select! {
            _ = &mut notified => continue,
            _ = tokio::time::sleep_until(deadline) => return Vec::new(),
            _ = shutdown_started() => return Vec::new(),
        }
    }
}

/// The container a waiting command was sent to (None: unknown, answered or timed out).
pub fn command_container(id: &str) -> Option<String> {
    lock(&STATE.waiting).get(id).map(|(name, _)| name.clone())
}

/// Hands a container's result to the [`send_command`] waiting for it; false
/// when none waits (unknown id, or it timed out).
pub fn complete_command(id: &str, result: Json) -> bool {
    match lock(&STATE.waiting).remove(id) {
        Some((_, tx)) => tx.send(result).is_ok(),
        None => false,
    }
}

// ---------------------------------------------------------------- shutdown

static SHUTTING_DOWN: AtomicBool = AtomicBool::new(false);
static SHUTDOWN: Notify = Notify::const_new();

/// Called once when the server begins to shut down: long polls (the command
/// poll here, Lambda's `invocation/next`) should answer then, so the
/// server's graceful shutdown is not held up by them.
pub fn begin_shutdown() {
    SHUTTING_DOWN.store(true, Ordering::SeqCst);
    SHUTDOWN.notify_waiters();
}

pub fn shutting_down() -> bool {
    SHUTTING_DOWN.load(Ordering::SeqCst)
}

/// Completes when the server begins to shut down (at once if it has).
pub async fn shutdown_started() {
    let notified = SHUTDOWN.notified();
    tokio::pin!(notified);
    notified.as_mut().enable();
    if shutting_down() {
        return;
    }
    notified.await;
}

// ---------------------------------------------------------------- Lambda invoke

/// A call of `POST /_internal/lambda/invoke/<function>` by a container:
/// a service's container invoking a function through Simfra (as an ALB
/// target group, an API Gateway integration or an SNS subscription would on
/// AWS).
#[derive(Debug, Clone)]
pub struct InvokeRequest {
    /// The calling container's name (its `SIMFRA_CONTAINER_NAME`, sent as
    /// the `X-Simfra-Container-Name` header).
    pub caller_container: String,
    /// Who that container belongs to, as the orchestrator recorded when it
    /// started it; None when Simfra did not start a container of that name.
    pub caller: Option<ContainerOwner>,
    /// The function as given in the path (name, partial or full ARN, percent-decoded).
    pub function: String,
    /// `?Qualifier=` (version or alias).
    pub qualifier: Option<String>,
    /// `X-Amz-Invocation-Type` (`RequestResponse` when absent, `Event`, `DryRun`).
    pub invocation_type: Option<String>,
    /// `X-Amz-Log-Type` (`Tail`).
    pub log_type: Option<String>,
    /// `X-Amz-Client-Context` (base64 JSON).
    pub client_context: Option<String>,
    pub payload: bytes::Bytes,
}

/// What the invoke endpoint answers: the Lambda Invoke response as the Lambda
/// API would send it (200/202/204 with `X-Amz-Function-Error`,
/// `X-Amz-Executed-Version`, `X-Amz-Log-Result` …, or an AWS error document
/// with its status and `X-Amzn-ErrorType`).
#[derive(Debug, Clone, Default)]
pub struct InvokeResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: bytes::Bytes,
}

pub type InvokeFuture = Pin<Box<dyn Future<Output = InvokeResponse> + Send>>;

/// The hook services/lambda registers at start with [`register_lambda_invoke`].
///
/// Contract for the implementation (Lambda's side):
/// - resolve `function` (+ `qualifier`) as Invoke does; a bare name lives in the
///   account and region of `caller.resource` (its ARN), else the default ones;
/// - authorize by the function's resource policy only: the caller is the
///   service principal `<caller.service>.amazonaws.com` with `aws:SourceArn` =
///   `caller.resource` and `aws:SourceAccount` = that ARN's account; without a
///   statement allowing `lambda:InvokeFunction` answer 403
///   `AccessDeniedException` as Lambda does. A request whose `caller` is None
///   (a container Simfra did not start) is denied the same way;
/// - run the invocation as Invoke would and answer its response.
///
/// The gateway has checked the bearer token before calling the hook.
pub type InvokeHook = Arc<dyn Fn(InvokeRequest) -> InvokeFuture + Send + Sync>;

/// Installs the Lambda invoke hook (a later call replaces it).
pub fn register_lambda_invoke(hook: impl Fn(InvokeRequest) -> InvokeFuture + Send + Sync + 'static) {
    *lock(&STATE.lambda_invoke) = Some(Arc::new(hook));
}

/// The registered hook; None until Lambda registers one (the endpoint then answers 501).
pub fn lambda_invoke() -> Option<InvokeHook> {
    lock(&STATE.lambda_invoke).clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_checks() {
        assert_eq!(bearer(None), None);
        assert_eq!(bearer(Some("Basic abc")), None);
        assert_eq!(bearer(Some("Bearer ")), None);
        assert_eq!(bearer(Some("bearer  abc ")), Some("abc"));
        let master = format!("Bearer {}", token());
        let own = format!("Bearer {}", container_token("simfra-a"));
        assert_eq!(token().len(), 64);
        assert_eq!(container_token("simfra-a").len(), 64);
        assert_ne!(container_token("simfra-a"), container_token("simfra-b"));
        assert_eq!(check_authorization(None, Some("simfra-a")), TokenCheck::Missing);
        assert_eq!(check_authorization(Some("Bearer "), None), TokenCheck::Missing);
        assert_eq!(check_authorization(Some(&master), None), TokenCheck::Valid);
        assert_eq!(check_authorization(Some(&master), Some("simfra-b")), TokenCheck::Valid);
        assert_eq!(check_authorization(Some(&own), Some("simfra-a")), TokenCheck::Valid);
        assert_eq!(check_authorization(Some(&own), Some("simfra-b")), TokenCheck::Invalid);
        assert_eq!(check_authorization(Some(&own), None), TokenCheck::Invalid);
        assert_eq!(check_authorization(Some(&format!("{own}0")), Some("simfra-a")), TokenCheck::Invalid);
    }

    #[test]
    fn config_etags_follow_the_document() {
        register_config("cfg-a", json!({"a": 1}));
        let (doc, etag) = container_config("cfg-a").unwrap();
        assert_eq!(*doc, json!({"a": 1}));
        register_config("cfg-a", json!({"a": 1}));
        assert_eq!(container_config("cfg-a").unwrap().1, etag, "same document, same ETag");
        register_config("cfg-a", json!({"a": 2}));
        assert_ne!(container_config("cfg-a").unwrap().1, etag);
        assert!(etag_matches(&etag, &etag));
        assert!(etag_matches(&format!("\"x\", W/{etag}"), &etag));
        assert!(etag_matches("*", &etag));
        assert!(!etag_matches("\"x\"", &etag));
        assert!(container_config("cfg-unknown").is_none());
        unregister_config("cfg-a");
        assert!(container_config("cfg-a").is_none());
    }

    #[test]
    fn status_documents_need_name_and_status() {
        assert!(report_status(json!({"status": "ready"})).is_err());
        assert!(report_status(json!({"name": "st-a"})).is_err());
        report_status(json!({"name": "st-a", "status": "ready", "detail": {"x": 1}})).unwrap();
        let s = container_status("st-a").unwrap();
        assert_eq!(s.status, "ready");
        assert_eq!(s.document["detail"]["x"], 1);
    }

    #[tokio::test]
    async fn status_wait_sees_a_later_report() {
        let waiter = tokio::spawn(wait_for_status("st-b", |s| s.status == "ready", Duration::from_secs(5)));
        tokio::time::sleep(Duration::from_millis(50)).await;
        report_status(json!({"name": "st-b", "status": "starting"})).unwrap();
        report_status(json!({"name": "st-b", "status": "ready"})).unwrap();
        assert_eq!(waiter.await.unwrap().unwrap().status, "ready");
        assert!(wait_for_status("st-c", |_| true, Duration::from_millis(50)).await.is_none());
    }

    #[tokio::test]
    async fn command_round_trip() {
        let sender = tokio::spawn(send_command("cmd-a", json!({"op": "ping"}), Duration::from_secs(5)));
        let got = next_commands("cmd-a", Duration::from_secs(5)).await;
        assert_eq!(got.len(), 1);
        assert_eq!(command_container(&got[0].id).as_deref(), Some("cmd-a"));
        assert_eq!(got[0].command, json!({"op": "ping"}));
        assert!(complete_command(&got[0].id, json!({"pong": true})));
        assert_eq!(sender.await.unwrap().unwrap(), json!({"pong": true}));
        // The same id cannot be answered twice.
        assert!(!complete_command(&got[0].id, json!({})));
    }

    #[tokio::test]
    async fn unanswered_commands_time_out_and_are_withdrawn() {
        let err = send_command("cmd-b", json!({"op": "x"}), Duration::from_millis(100)).await.unwrap_err();
        assert_eq!(err.name, "cmd-b");
        assert!(err.to_string().contains("did not answer"));
        // Not fetched in time: nothing is left for a later poll.
        assert!(next_commands("cmd-b", Duration::from_millis(50)).await.is_empty());
    }

    #[tokio::test]
    async fn late_results_are_refused() {
        let sender = tokio::spawn(send_command("cmd-c", json!({"op": "slow"}), Duration::from_millis(200)));
        let got = next_commands("cmd-c", Duration::from_secs(5)).await;
        assert!(sender.await.unwrap().is_err());
        assert!(!complete_command(&got[0].id, json!({"late": true})));
    }

    #[tokio::test]
    async fn empty_polls_wait_then_answer_nothing() {
        let start = std::time::Instant::now();
        assert!(next_commands("cmd-d", Duration::from_millis(150)).await.is_empty());
        assert!(start.elapsed() >= Duration::from_millis(140));
    }
}
