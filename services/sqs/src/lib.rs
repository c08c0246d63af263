//! Amazon SQS: standard and FIFO queues with AWS's delivery semantics —
//! visibility timeouts and receipt handles, delays, long polling, FIFO
//! ordering per message group and deduplication, dead-letter queues with
//! redrive (and message move tasks back out of them), purge, retention,
//! batches with per-entry failures, and AWS's MD5 digests.
//!
//! Queues live in one process-wide store so that IAM (queue policies and
//! tags) and SNS (delivery to subscribed queues, [`deliver`]) reach them
//! without a handle on this service.

mod api;
mod attributes;
mod batch;
mod digest;
mod moves;
mod permissions;
pub mod pollers;
mod queue;
mod redrive;
mod validate;

use queue::{Accepted, NewMessage, Queue};
use simfra_gen_sqs::types::*;
use simfra_model::{RequestContext, ServiceError, SharedHandler, Timestamp};
use simfra_store::Scoped;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

pub use simfra_gen_sqs::types::{Message, MessageAttributeValue};

#[derive(Default)]
struct Region {
    /// By queue name. One lock per region: dead-letter moves and redrives
    /// touch two queues at once.
    queues: Mutex<BTreeMap<String, Queue>>,
    /// Woken on every send, for long-polling receivers.
    arrivals: tokio::sync::Notify,
    /// Names of queues deleted recently (a name is reusable after 60 s).
    deleted: Mutex<HashMap<String, Instant>>,
    moves: Mutex<Vec<moves::MoveTask>>,
}

impl Region {
    fn lock(&self) -> MutexGuard<'_, BTreeMap<String, Queue>> {
        self.queues.lock().unwrap_or_else(|e| e.into_inner())
    }
}

pub struct Sqs {
    state: &'static Scoped<Region>,
}

/// Queues of every account and region.
fn queues() -> &'static Scoped<Region> {
    static STATE: std::sync::OnceLock<Scoped<Region>> = std::sync::OnceLock::new();
    STATE.get_or_init(Scoped::new)
}

impl Default for Sqs {
    fn default() -> Self {
        Sqs { state: queues() }
    }
}

pub fn handler() -> SharedHandler {
    simfra_identity::authorize::register_resources("sqs", queue_facts);
    simfra_gen_sqs::handler(Arc::new(Sqs::default()))
}

/// IAM's view of a queue (`arn:aws:sqs:region:account:name`): its owner,
/// its `Policy` attribute and its tags.
fn queue_facts(arn: &str) -> Option<simfra_identity::authorize::ResourceFacts> {
    let (region, account, name) = split_arn(arn)?;
    let state = queues().get(account, region);
    let queues = state.lock();
    let q = queues.get(name)?;
    let policy = q.attributes.get("Policy").and_then(|p| simfra_policy::parse(p).ok()).map(Arc::new);
    let tags = q.tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    Some(simfra_identity::authorize::ResourceFacts { owner: account.to_string(), policy, tags })
}

/// (region, account, name) of `arn:aws:sqs:region:account:name`.
fn split_arn(arn: &str) -> Option<(&str, &str, &str)> {
    let mut parts = arn.split(':');
    if parts.next()? != "arn" || parts.nth(1)? != "sqs" {
        return None;
    }
    let (region, account, name) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || name.is_empty() {
        return None;
    }
    Some((region, account, name))
}

pub(crate) use simfra_identity::ids::{random_hex, uuid};

fn no_queue() -> ServiceError {
    QueueDoesNotExist { message: Some("The specified queue does not exist.".into()) }.into()
}

/// A message headed for a queue from another service (SNS delivery).
pub struct Envelope {
    pub body: String,
    pub attributes: HashMap<String, MessageAttributeValue>,
    pub group_id: Option<String>,
    pub dedup_id: Option<String>,
    /// The sender as SQS reports it (`SenderId`): for SNS, its service principal id.
    pub sender_id: String,
}

/// Why a delivery into a queue failed.
#[derive(Debug, Clone, PartialEq)]
pub enum DeliveryError {
    NoSuchQueue,
    Rejected(String),
}

/// Puts a message into the queue an ARN names, as SNS does for its SQS
/// subscriptions: the queue's own validation applies (size, FIFO ids).
/// Returns the message id.
pub fn deliver(queue_arn: &str, envelope: Envelope) -> Result<String, DeliveryError> {
    let (region, account, name) = split_arn(queue_arn).ok_or(DeliveryError::NoSuchQueue)?;
    let state = queues().get(account, region);
    let accepted = {
        let mut all = state.lock();
        let q = all.get_mut(name).ok_or(DeliveryError::NoSuchQueue)?;
        let spec = SendSpec {
            body: envelope.body,
            delay: None,
            attributes: envelope.attributes,
            system_attributes: HashMap::new(),
            group_id: envelope.group_id,
            dedup_id: envelope.dedup_id,
        };
        push_checked(q, spec, envelope.sender_id).map_err(|e| DeliveryError::Rejected(e.message.unwrap_or(e.code)))?
    };
    state.arrivals.notify_waiters();
    Ok(accepted.0.message_id)
}

/// Whether a queue an ARN names exists (SNS checks it on Subscribe for FIFO topics).
pub fn queue_is_fifo(queue_arn: &str) -> Option<bool> {
    let (region, account, name) = split_arn(queue_arn)?;
    let state = queues().get(account, region);
    let all = state.lock();
    all.get(name).map(|q| q.fifo)
}

/// Whether the queue's policy lets an AWS service (`sns.amazonaws.com`)
/// send to it on behalf of `source_arn` (a topic) owned by `source_account`,
/// as AWS requires before a service may deliver into a queue. A queue
/// without a policy admits no service.
pub fn admits_service(queue_arn: &str, service: &str, source_arn: &str, source_account: &str) -> bool {
    let Some((region, account, name)) = split_arn(queue_arn) else { return false };
    let state = queues().get(account, region);
    let policy = {
        let all = state.lock();
        match all.get(name).and_then(|q| q.attributes.get("Policy")).map(|p| simfra_policy::parse(p)) {
            Some(Ok(p)) => p,
            _ => return false,
        }
    };
    let evaluation = simfra_policy::Evaluation {
        resource: Some(("queue policy", &policy)),
        resource_account: Some(account),
        ..Default::default()
    };
    let mut request = simfra_policy::Request::new("sqs:SendMessage", queue_arn, service, account)
        .with("aws:SourceArn", &[source_arn])
        .with("aws:SourceAccount", &[source_account]);
    request.service_principal = Some(service.to_string());
    simfra_policy::evaluate(&evaluation, &request).0.is_allowed()
}

/// What a sender asked to enqueue, before the queue's rules are applied.
pub(crate) struct SendSpec {
    pub body: String,
    pub delay: Option<i32>,
    pub attributes: HashMap<String, MessageAttributeValue>,
    pub system_attributes: HashMap<String, MessageSystemAttributeValue>,
    pub group_id: Option<String>,
    pub dedup_id: Option<String>,
}

/// The digests a send answers with.
pub(crate) struct Digests {
    pub body: String,
    pub attributes: Option<String>,
    pub system_attributes: Option<String>,
}

/// Validates a send against the queue's type and limits and enqueues it.
pub(crate) fn push_checked(q: &mut Queue, spec: SendSpec, sender_id: String) -> Result<(Accepted, Digests), ServiceError> {
    use validate::*;
    check_body(&spec.body)?;
    let attrs_size = check_attributes(&spec.attributes)?;
    check_system_attributes(&spec.system_attributes)?;
    let max_size = q.attr_i64("MaximumMessageSize", attributes::MAX_MESSAGE_SIZE) as usize;
    if spec.body.len() + attrs_size > max_size {
        return Err(invalid_parameter(format!(
            "One or more parameters are invalid. Reason: Message must be shorter than {max_size} bytes."
        )));
    }
    if let Some(d) = spec.delay {
        check_delay(d)?;
    }
    let mut dedup_id = spec.dedup_id.clone();
    if q.fifo {
        if let Some(d) = spec.delay {
            return Err(invalid_parameter(format!(
                "Value {d} for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type."
            )));
        }
        let group = spec.group_id.as_deref().ok_or_else(|| missing_parameter("MessageGroupId"))?;
        check_fifo_id("MessageGroupId", group)?;
        match &dedup_id {
            Some(d) => check_fifo_id("MessageDeduplicationId", d)?,
            None if q.content_based_dedup() => {
                use sha2::Digest;
                let hash = sha2::Sha256::digest(spec.body.as_bytes());
                dedup_id = Some(hash.iter().map(|b| format!("{b:02x}")).collect());
            }
            None => {
                return Err(invalid_parameter(
                    "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly",
                ))
            }
        }
    } else {
        if let Some(d) = &dedup_id {
            return Err(invalid_parameter(format!(
                "Value {d} for parameter MessageDeduplicationId is invalid. Reason: The request include parameter that is not valid for this queue type."
            )));
        }
        if let Some(g) = &spec.group_id {
            check_fifo_id("MessageGroupId", g)?;
        }
    }
    let delay = spec.delay.map(i64::from).unwrap_or_else(|| q.attr_i64("DelaySeconds", 0));
    let digests = Digests {
        body: digest::md5_hex(spec.body.as_bytes()),
        attributes: digest::md5_of_attributes(&spec.attributes),
        system_attributes: digest::md5_of_attributes(&spec.system_attributes),
    };
    let accepted = q.push(NewMessage {
        id: uuid(),
        body: spec.body,
        attributes: spec.attributes,
        system_attributes: spec.system_attributes,
        delay: Duration::from_secs(delay.max(0) as u64),
        group_id: spec.group_id,
        dedup_id,
        sender_id,
        sent: Timestamp::now(),
        enqueued_at: Instant::now(),
        dead_letter_source_arn: None,
    });
    Ok((accepted, digests))
}

/// The account whose queue a queue URL names (`http://host/123456789012/name`).
/// Another account's queue is reachable only when IAM allowed the request
/// through that queue's policy; otherwise it does not exist for the caller.
fn queue_owner(ctx: &RequestContext, url: &str) -> Result<String, ServiceError> {
    let mut segments = url.trim_end_matches('/').rsplit('/');
    let _name = segments.next();
    match segments.next() {
        Some(a) if a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()) && a != ctx.account_id => {
            if ctx.may_reach(a) {
                Ok(a.to_string())
            } else {
                Err(no_queue())
            }
        }
        _ => Ok(ctx.account_id.clone()),
    }
}

/// The queue name of a queue URL. Both forms SDKs use are accepted:
/// `http://sqs.<region>.localhost:4599/<account>/<name>` and
/// `http://localhost:4599/<account>/<name>`.
fn queue_name(url: &str) -> Result<String, ServiceError> {
    let name = url.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    if name.is_empty() || name.contains(':') {
        return Err(no_queue());
    }
    Ok(name.to_string())
}

fn queue_url(ctx: &RequestContext, account: &str, name: &str) -> String {
    format!("{}/{}/{}", ctx.endpoint_url(), account, name)
}

fn valid_queue_name(name: &str) -> bool {
    let base = name.strip_suffix(".fifo").unwrap_or(name);
    !base.is_empty() && name.len() <= 80 && base.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}
