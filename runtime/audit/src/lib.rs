//! The audit trail: every API call the gateway serves becomes a CloudTrail
//! event, kept per account and region (global services record in us-east-1,
//! as AWS has done since November 2021) for CloudTrail to look up
//! (`LookupEvents`, management events only) and to deliver to trails
//! (management and data events, as their event selectors say).
//!
//! Requests are recorded cheaply: the decoded input (and, for management
//! writes, the output) is kept as a `Value`, the caller's identity facts are
//! resolved once; the CloudTrail JSON record is built only when somebody
//! reads the event (see `record.rs`).
//!
//! Every event carries a sequence number, increasing within its scope, so
//! that trail delivery can pick up where it left off (`events_after`).

mod record;
mod resources;

pub use record::{format_time, to_json};
pub use resources::ResourceRef;

use simfra_model::{Operation, ServiceSchema, ShapeId, Timestamp, Value};
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

/// Event history covers 90 days, as on AWS; older management events go.
pub const RETENTION_SECS: i64 = 90 * 24 * 3600;
/// At most this many management events per account and region (the oldest go first).
const MAX_MANAGEMENT_PER_SCOPE: usize = 20_000;
/// Data events are kept only for trail delivery: a bounded window of them.
const MAX_DATA_PER_SCOPE: usize = 10_000;

/// Operations CloudTrail logs as data events, not management events. Data
/// events never appear in the event history; trails log them only when their
/// event selectors ask for them.
const DATA_EVENTS: &[(&str, &[&str])] = &[
    (
        "s3",
        &[
            "GetObject", "PutObject", "DeleteObject", "DeleteObjects", "HeadObject", "CopyObject", "CreateMultipartUpload",
            "UploadPart", "UploadPartCopy", "CompleteMultipartUpload", "AbortMultipartUpload", "ListParts", "GetObjectAcl",
            "PutObjectAcl", "GetObjectTagging", "PutObjectTagging", "DeleteObjectTagging", "RestoreObject",
            "SelectObjectContent", "GetObjectAttributes", "GetObjectRetention", "PutObjectRetention", "GetObjectLegalHold",
            "PutObjectLegalHold", "ListObjects", "ListObjectsV2", "ListObjectVersions", "ListMultipartUploads",
        ],
    ),
    (
        "dynamodb",
        &[
            "GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan", "BatchGetItem", "BatchWriteItem",
            "TransactGetItems", "TransactWriteItems", "ExecuteStatement", "BatchExecuteStatement", "ExecuteTransaction",
        ],
    ),
    ("dynamodb-streams", &["GetRecords", "GetShardIterator"]),
    ("lambda", &["Invoke", "InvokeWithResponseStream", "InvokeAsync"]),
    (
        "sqs",
        &[
            "SendMessage", "SendMessageBatch", "ReceiveMessage", "DeleteMessage", "DeleteMessageBatch",
            "ChangeMessageVisibility", "ChangeMessageVisibilityBatch",
        ],
    ),
    ("sns", &["Publish", "PublishBatch"]),
    ("cloudwatch", &["PutMetricData", "GetMetricData", "GetMetricStatistics"]),
    ("kinesis", &["PutRecord", "PutRecords", "GetRecords", "GetShardIterator", "SubscribeToShard"]),
];

/// Services whose events land in us-east-1 whatever region the client named.
const GLOBAL_SERVICES: &[&str] = &["iam", "sts", "route-53", "route53", "cloudfront", "organizations", "waf", "shield"];

/// Operations CloudTrail marks `readOnly` although their names do not say so.
const READ_ONLY_EXTRA: &[(&str, &[&str])] = &[
    ("sts", &["AssumeRole", "AssumeRoleWithSAML", "AssumeRoleWithWebIdentity", "GetSessionToken", "GetFederationToken", "DecodeAuthorizationMessage"]),
    ("kms", &["Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext", "GenerateDataKeyWithoutPlaintext", "GenerateMac", "GenerateRandom", "ReEncrypt", "Sign", "Verify", "VerifyMac"]),
    ("sqs", &["ReceiveMessage"]),
];

/// One API call, as the gateway reports it.
#[derive(Debug, Clone)]
pub struct ApiCall {
    pub event_id: String,
    pub time: Timestamp,
    pub schema: &'static ServiceSchema,
    pub operation: &'static str,
    pub input_shape: ShapeId,
    /// The decoded input (None when it could not be decoded, or was not kept).
    pub input: Option<Value>,
    pub account_id: String,
    pub region: String,
    pub access_key_id: Option<String>,
    pub principal_arn: Option<String>,
    pub source_ip: String,
    pub user_agent: String,
    pub request_id: String,
    pub read_only: bool,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
}

impl ApiCall {
    /// `eventSource`: `<service>.amazonaws.com` as CloudTrail names the service.
    pub fn event_source(&self) -> String {
        event_source(self.schema)
    }

    pub fn is_management(&self) -> bool {
        is_management(self.schema.name, self.operation)
    }

    /// The user name LookupEvents shows: `root`, the IAM user, the role
    /// session's name, or the federated user.
    pub fn username(&self) -> Option<String> {
        let arn = self.principal_arn.as_deref()?;
        let resource = arn.splitn(6, ':').nth(5)?;
        if resource == "root" {
            return Some("root".into());
        }
        if let Some(rest) = resource.strip_prefix("assumed-role/") {
            return rest.split('/').nth(1).map(str::to_string);
        }
        resource.rsplit('/').next().map(str::to_string)
    }

    /// The operation's model entry.
    pub fn operation_schema(&self) -> Option<&'static Operation> {
        self.schema.operation(self.operation).map(|(_, op)| op)
    }
}

/// The entity a temporary session was issued for (`sessionContext.sessionIssuer`).
#[derive(Debug, Clone, PartialEq)]
pub struct SessionIssuer {
    /// `Role`, `IAMUser` or `Root`.
    pub kind: &'static str,
    pub principal_id: String,
    pub arn: String,
    pub account_id: String,
    pub user_name: String,
}

/// What the audit trail needs to know about the caller beyond its ARN,
/// resolved from the access key when the call is recorded (temporary keys
/// may be gone by the time somebody reads the event).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Caller {
    /// `principalId`: the account id for root, `AIDA…` for users,
    /// `AROA…:session` for role sessions, `account:name` for federated users.
    pub principal_id: String,
    pub issuer: Option<SessionIssuer>,
    /// Temporary credentials: when they were issued (unix seconds).
    pub session_created: Option<i64>,
    pub mfa_authenticated: bool,
    pub source_identity: Option<String>,
}

/// Looks up the facts of an access key (installed by the CloudTrail service,
/// which can see the identity store; this crate sits below it).
pub type CallerResolver = fn(access_key_id: &str) -> Option<Caller>;

static CALLER_RESOLVER: OnceLock<CallerResolver> = OnceLock::new();

/// Installs the caller resolver (the first one installed stays).
pub fn set_caller_resolver(resolver: CallerResolver) {
    let _ = CALLER_RESOLVER.set(resolver);
}

/// A recorded call: the call, its place in the log, and what was resolved
/// about it when it was recorded.
#[derive(Debug)]
pub struct Event {
    /// Increases within the event's (account, region) scope.
    pub seq: u64,
    pub call: ApiCall,
    pub caller: Option<Caller>,
    /// The operation's output (management writes, when the gateway passed it).
    pub output: Option<Value>,
    resources: OnceLock<Vec<ResourceRef>>,
}

impl Event {
    pub fn new(seq: u64, call: ApiCall, caller: Option<Caller>, output: Option<Value>) -> Self {
        Event { seq, call, caller, output, resources: OnceLock::new() }
    }

    /// The resources the call names (see `resources.rs` for the rule).
    pub fn resources(&self) -> &[ResourceRef] {
        self.resources.get_or_init(|| resources::attribute(&self.call, self.output.as_ref()))
    }

    pub fn is_management(&self) -> bool {
        self.call.is_management()
    }

    /// Whether the event belongs to a global service (IAM, STS …).
    pub fn is_global_service(&self) -> bool {
        GLOBAL_SERVICES.contains(&self.call.schema.name)
    }
}

pub fn is_management(service: &str, operation: &str) -> bool {
    !DATA_EVENTS.iter().any(|(s, ops)| *s == service && ops.contains(&operation))
}

/// Whether an operation only reads (CloudTrail's `readOnly`).
pub fn is_read_only(operation: &str, readonly_trait: bool) -> bool {
    readonly_trait
        || ["Get", "List", "Describe", "Head", "Lookup", "Search", "Query", "Scan", "BatchGet", "Select", "Check", "Validate", "Estimate", "Preview", "Test"]
            .iter()
            .any(|p| operation.starts_with(p))
}

/// `readOnly` with the service-specific cases the name alone misses.
pub fn is_read_only_in(service: &str, operation: &str, readonly_trait: bool) -> bool {
    is_read_only(operation, readonly_trait) || READ_ONLY_EXTRA.iter().any(|(s, ops)| *s == service && ops.contains(&operation))
}

/// The region an event is kept under.
pub fn event_region(service: &str, region: &str) -> String {
    if GLOBAL_SERVICES.contains(&service) {
        "us-east-1".into()
    } else {
        region.to_string()
    }
}

/// `eventSource` of a service. The models name most; a few differ from
/// what CloudTrail logs, or carry a placeholder.
pub fn event_source(schema: &ServiceSchema) -> String {
    let fixed = match schema.name {
        "sesv2" => Some("ses.amazonaws.com"),
        "elasticsearch-service" | "opensearch" => Some("es.amazonaws.com"),
        "rds-data" => Some("rdsdata.amazonaws.com"),
        "sso-oidc" => Some("sso-oauth.amazonaws.com"),
        "ec2-instance-connect" => Some("ec2-instance-connect.amazonaws.com"),
        _ => None,
    };
    if let Some(f) = fixed {
        return f.to_string();
    }
    if schema.cloudtrail_source.ends_with(".amazonaws.com") {
        schema.cloudtrail_source.to_string()
    } else {
        format!("{}.amazonaws.com", schema.endpoint_prefix)
    }
}

/// What the gateway should keep of an input for the audit trail. Management
/// events: the input without its blobs (a function's zip, a template body
/// stays out of the log). Data events are frequent and carry payloads: only
/// what names the resource is kept (top-level scalars such as bucket, key,
/// table, queue URL, function name; the keys of top-level maps such as
/// BatchWriteItem's tables).
pub fn audited_input(schema: &ServiceSchema, op: &Operation, input: &Value) -> Option<Value> {
    if is_management(schema.name, op.name) {
        return Some(without_blobs(input));
    }
    let Value::Struct(fields) = input else { return None };
    let kept = fields
        .iter()
        .filter_map(|(i, v)| match v {
            Value::String(s) if s.len() <= 1024 => Some((*i, v.clone())),
            Value::Bool(_) | Value::Int(_) | Value::Timestamp(_) => Some((*i, v.clone())),
            Value::Map(entries) => Some((*i, Value::Map(entries.iter().map(|(k, _)| (k.clone(), Value::Null)).collect()))),
            _ => None,
        })
        .collect();
    Some(Value::Struct(kept))
}

/// What the gateway should keep of an output: management writes only
/// (CloudTrail's `responseElements` is null for reads and data events).
pub fn audited_output(schema: &ServiceSchema, op: &Operation, output: &Value) -> Option<Value> {
    let read_only = is_read_only_in(schema.name, op.name, op.has(simfra_model::op_flags::READONLY));
    (is_management(schema.name, op.name) && !read_only).then(|| without_blobs(output))
}

fn without_blobs(v: &Value) -> Value {
    match v {
        Value::Blob(_) => Value::Null,
        Value::List(items) => Value::List(items.iter().map(without_blobs).collect()),
        Value::Map(entries) => Value::Map(entries.iter().map(|(k, x)| (k.clone(), without_blobs(x))).collect()),
        Value::Struct(fields) => Value::Struct(fields.iter().map(|(i, x)| (*i, without_blobs(x))).collect()),
        other => other.clone(),
    }
}

#[derive(Default)]
struct Scope {
    management: VecDeque<Arc<Event>>,
    data: VecDeque<Arc<Event>>,
}

/// All recorded calls, per (account, region). The map is only written when a
/// scope first appears; each scope has its own lock, so concurrent callers of
/// different accounts or regions do not contend.
#[derive(Default)]
pub struct AuditLog {
    scopes: RwLock<HashMap<(String, String), Arc<Mutex<Scope>>>>,
    next_seq: AtomicU64,
}

impl AuditLog {
    fn scope(&self, account: &str, region: &str) -> Arc<Mutex<Scope>> {
        let key = (account.to_string(), region.to_string());
        if let Some(q) = self.scopes.read().unwrap_or_else(|p| p.into_inner()).get(&key) {
            return q.clone();
        }
        self.scopes.write().unwrap_or_else(|p| p.into_inner()).entry(key).or_default().clone()
    }

    fn existing_scope(&self, account: &str, region: &str) -> Option<Arc<Mutex<Scope>>> {
        self.scopes.read().unwrap_or_else(|p| p.into_inner()).get(&(account.to_string(), region.to_string())).cloned()
    }

    pub fn record(&self, call: ApiCall) {
        self.record_with_output(call, None)
    }

    /// Records a call with its output (`responseElements`; see `audited_output`).
    pub fn record_with_output(&self, mut call: ApiCall, output: Option<Value>) {
        call.read_only = call.read_only || is_read_only_in(call.schema.name, call.operation, false);
        let caller = call.access_key_id.as_deref().and_then(|k| CALLER_RESOLVER.get().and_then(|resolve| resolve(k)));
        let region = event_region(call.schema.name, &call.region);
        let management = call.is_management();
        let now = call.time.secs;
        let scope = self.scope(&call.account_id, &region);
        let mut s = scope.lock().unwrap_or_else(|p| p.into_inner());
        // Numbered under the scope's lock: within a scope, order of insertion is order of numbers.
        let seq = self.next_seq.fetch_add(1, Ordering::Relaxed) + 1;
        let event = Arc::new(Event::new(seq, call, caller, output));
        if management {
            while s.management.front().is_some_and(|e| e.call.time.secs < now - RETENTION_SECS) || s.management.len() >= MAX_MANAGEMENT_PER_SCOPE {
                s.management.pop_front();
            }
            s.management.push_back(event);
        } else {
            if s.data.len() >= MAX_DATA_PER_SCOPE {
                s.data.pop_front();
            }
            s.data.push_back(event);
        }
    }

    /// The management events of a scope within the retention window, newest first.
    pub fn management_events(&self, account: &str, region: &str) -> Vec<Arc<Event>> {
        let Some(scope) = self.existing_scope(account, region) else { return Vec::new() };
        let oldest = Timestamp::now().secs - RETENTION_SECS;
        let s = scope.lock().unwrap_or_else(|p| p.into_inner());
        s.management.iter().rev().take_while(|e| e.call.time.secs >= oldest).cloned().collect()
    }

    /// The calls of a scope, newest first (management events; kept for callers of the old API).
    pub fn events(&self, account: &str, region: &str) -> Vec<Arc<Event>> {
        self.management_events(account, region)
    }

    /// Every event (management and data) of a scope numbered after `after`, oldest first.
    pub fn events_after(&self, account: &str, region: &str, after: u64) -> Vec<Arc<Event>> {
        let Some(scope) = self.existing_scope(account, region) else { return Vec::new() };
        let s = scope.lock().unwrap_or_else(|p| p.into_inner());
        let newer = |q: &VecDeque<Arc<Event>>| -> Vec<Arc<Event>> {
            let start = q.partition_point(|e| e.seq <= after);
            q.range(start..).cloned().collect()
        };
        let mut out = newer(&s.management);
        out.extend(newer(&s.data));
        out.sort_by_key(|e| e.seq);
        out
    }

    /// The highest sequence number recorded so far in a scope (0 when none).
    pub fn last_seq(&self, account: &str, region: &str) -> u64 {
        let Some(scope) = self.existing_scope(account, region) else { return 0 };
        let s = scope.lock().unwrap_or_else(|p| p.into_inner());
        s.management.back().map(|e| e.seq).max(s.data.back().map(|e| e.seq)).unwrap_or(0)
    }

    /// The highest sequence number handed out in the whole log.
    pub fn current_seq(&self) -> u64 {
        self.next_seq.load(Ordering::Relaxed)
    }

    /// The regions an account has events in.
    pub fn regions(&self, account: &str) -> Vec<String> {
        let mut out: Vec<String> =
            self.scopes.read().unwrap_or_else(|p| p.into_inner()).keys().filter(|(a, _)| a == account).map(|(_, r)| r.clone()).collect();
        out.sort();
        out
    }

    pub fn remove_account(&self, account: &str) {
        self.scopes.write().unwrap_or_else(|p| p.into_inner()).retain(|(a, _), _| a != account);
    }
}

/// The process's audit log.
pub fn log() -> &'static AuditLog {
    static LOG: OnceLock<AuditLog> = OnceLock::new();
    LOG.get_or_init(AuditLog::default)
}

#[cfg(test)]
mod tests;

/// Whether the service answers with S3's request id pair (`x-amz-request-id`,
/// `x-amz-id-2`) instead of `x-amzn-RequestId`.
pub fn answers_s3_request_ids(service: &str) -> bool {
    matches!(service, "s3" | "s3-control")
}

/// S3's 16-hex-digit upper-case `x-amz-request-id`, derived from the request id.
pub fn s3_request_id(request_id: &str) -> String {
    let plain: String = request_id.chars().filter(|c| *c != '-').take(16).collect();
    plain.to_ascii_uppercase()
}
