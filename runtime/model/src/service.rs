//! The interface between the gateway and a service implementation.

use crate::error::ServiceError;
use crate::schema::{Protocol, ServiceSchema};
use crate::value::Value;
use std::sync::Arc;

pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// The HTTP status a handler chose for a successful answer whose model
/// binds no status member (S3's `206 Partial Content` for ranged reads,
/// `202 Accepted` for a restore that starts); 0 while none was chosen.
/// Shared by the clones of a request's context.
#[derive(Debug, Clone, Default)]
pub struct AnswerStatus(Arc<std::sync::atomic::AtomicU16>);

impl AnswerStatus {
    pub fn get(&self) -> Option<u16> {
        Some(self.0.load(std::sync::atomic::Ordering::Relaxed)).filter(|s| *s != 0)
    }
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
    /// See `AnswerStatus`; set with `answer_with_status`.
    pub answer_status: AnswerStatus,
}

impl RequestContext {
    /// Whether the request may reach resources of `account`.
    pub fn may_reach(&self, account: &str) -> bool {
        account == self.account_id || self.authorized_accounts.iter().any(|a| a == account)
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
    /// Answers the request with `status` instead of the operation's modeled one.
    pub fn answer_with_status(&self, status: u16) {
        self.answer_status.0.store(status, std::sync::atomic::Ordering::Relaxed);
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
