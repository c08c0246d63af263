//! The interface between the gateway and a service implementation.

use crate::error::ServiceError;
use crate::schema::{Protocol, ServiceSchema};
use crate::value::Value;
use std::sync::Arc;

pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// HTTP statuses handlers chose for successful answers whose model binds no
/// status member (S3's `206 Partial Content` for ranged reads, `202 Accepted`
/// for a restore that starts), by request id until the answer is encoded.
static ANSWER_STATUS: std::sync::Mutex<Vec<(String, u16)>> = std::sync::Mutex::new(Vec::new());

/// Answers the request with `status` instead of the operation's modeled one
/// (call it right before returning `Ok`).
pub fn answer_with_status(ctx: &RequestContext, status: u16) {
    ANSWER_STATUS.lock().unwrap_or_else(|e| e.into_inner()).push((ctx.request_id.clone(), status));
}

/// The status a handler chose for this request's answer, if any (taken once).
pub fn take_answer_status(request_id: &str) -> Option<u16> {
    let mut all = ANSWER_STATUS.lock().unwrap_or_else(|e| e.into_inner());
    let i = all.iter().position(|(id, _)| id == request_id)?;
    Some(all.swap_remove(i).1)
}

/// What a handler knows about the request beyond its input.
#[derive(Debug, Clone)]
pub struct RequestContext {
    pub request_id: String,
    pub account_id: String,
    pub region: String,
    /// Simfra's service name (the model folder name).
    pub service: &'static str,
    pub operation: &'static str,
    /// The protocol the client used (answers go back in it).
    pub protocol: Protocol,
    /// The `Host` the client addressed (`localhost:4599`, `sqs.us-east-1.localhost:4599`).
    pub host: String,
    /// The access key id that signed the request, if any.
    pub access_key_id: Option<String>,
    /// The caller: `arn:aws:iam::123456789012:root`, a user, or an assumed-role session.
    /// Unsigned requests (operations AWS serves anonymously) have none.
    pub principal_arn: Option<String>,
    /// The caller's request headers (lower-case names).
    pub headers: Arc<Vec<(String, String)>>,
    /// Other accounts whose resources IAM allowed this request to reach
    /// (their resource policies agreed): a service serves another account's
    /// queue, bucket … only when its account is listed here, and otherwise
    /// keeps to the caller's own account.
    pub authorized_accounts: Vec<String>,
}

impl RequestContext {
    /// Whether the request may reach resources of `account`.
    pub fn may_reach(&self, account: &str) -> bool {
        account == self.account_id || self.authorized_accounts.iter().any(|a| a == account)
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
    /// The endpoint URL the client used (`http://localhost:4599`), for building
    /// URLs in answers (queue URLs, presigned links).
    pub fn endpoint_url(&self) -> String {
        format!("http://{}", self.host)
    }
}

/// A service as the gateway sees it: a schema and an untyped call. Generated
/// code implements it for every service over the service's typed trait.
pub trait ServiceHandler: Send + Sync + 'static {
    fn schema(&self) -> &'static ServiceSchema;
    /// Names of the operations the hand-written implementation serves.
    fn implemented(&self) -> &'static [&'static str];
    /// Calls operation `op` (an index into `schema().operations`) with a decoded input.
    fn call<'a>(&'a self, ctx: &'a RequestContext, op: usize, input: Value) -> BoxFuture<'a, Result<Value, ServiceError>>;
}

pub type SharedHandler = Arc<dyn ServiceHandler>;
