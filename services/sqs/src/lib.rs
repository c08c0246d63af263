//! Amazon SQS: standard queues with visibility timeouts, receipt handles,
//! delays, long polling and AWS's MD5 digests. (FIFO, DLQs, batches and the
//! rest of the attribute set are issue 8's work.)

use md5::{Digest, Md5};
use simfra_gen_sqs::types::*;
use simfra_gen_sqs::*;
use simfra_model::{RequestContext, ServiceError, SharedHandler, Timestamp};
use simfra_store::Scoped;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const DEFAULT_VISIBILITY_TIMEOUT: i64 = 30;
const MAX_WAIT_SECONDS: i32 = 20;

struct StoredMessage {
    id: String,
    body: String,
    md5_of_body: String,
    attributes: HashMap<String, MessageAttributeValue>,
    md5_of_attributes: Option<String>,
    sent: Timestamp,
    /// Not deliverable before this instant (delay or visibility timeout).
    visible_at: Instant,
    receive_count: u32,
    first_received: Option<Timestamp>,
    /// The receipt handle of the latest receive; older handles stop working.
    receipt_handle: Option<String>,
}

struct Queue {
    name: String,
    created: Timestamp,
    attributes: BTreeMap<String, String>,
    tags: HashMap<String, String>,
    messages: VecDeque<StoredMessage>,
}

impl Queue {
    fn attr_i64(&self, name: &str, default: i64) -> i64 {
        self.attributes.get(name).and_then(|v| v.parse().ok()).unwrap_or(default)
    }
}

#[derive(Default)]
struct Region {
    queues: Mutex<BTreeMap<String, Queue>>,
    /// Woken on every send, for long-polling receivers.
    arrivals: tokio::sync::Notify,
}

pub struct Sqs {
    state: &'static Scoped<Region>,
}

/// Queues of every account and region. Process-wide, so that IAM can read
/// queues (`register_resources`) without a handle on the service.
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
    let mut parts = arn.split(':');
    let (region, account, name) = (parts.nth(3)?, parts.next()?, parts.next()?);
    let state = queues().get(account, region);
    let queues = state.queues.lock().unwrap_or_else(|e| e.into_inner());
    let q = queues.get(name)?;
    let policy = q.attributes.get("Policy").and_then(|p| simfra_policy::parse(p).ok()).map(Arc::new);
    let tags = q.tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    Some(simfra_identity::authorize::ResourceFacts { owner: account.to_string(), policy, tags })
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

fn random_hex(n: usize) -> String {
    let mut b = vec![0u8; n];
    let _ = getrandom::fill(&mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn uuid() -> String {
    let h = random_hex(16);
    format!("{}-{}-4{}-a{}-{}", &h[0..8], &h[8..12], &h[13..16], &h[17..20], &h[20..32])
}

fn md5_hex(data: &[u8]) -> String {
    Md5::digest(data).iter().map(|b| format!("{b:02x}")).collect()
}

/// AWS's digest of message attributes: for each attribute in name order, the
/// length-prefixed name, data type, a transport byte (1 string, 2 binary) and the
/// length-prefixed value.
fn md5_of_attributes(attrs: &HashMap<String, MessageAttributeValue>) -> Option<String> {
    if attrs.is_empty() {
        return None;
    }
    let mut names: Vec<&String> = attrs.keys().collect();
    names.sort();
    let mut buf = Vec::new();
    fn put(buf: &mut Vec<u8>, bytes: &[u8]) {
        buf.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
        buf.extend_from_slice(bytes);
    }
    for name in names {
        let v = &attrs[name];
        put(&mut buf, name.as_bytes());
        put(&mut buf, v.data_type.as_bytes());
        if let Some(b) = &v.binary_value {
            buf.push(2);
            put(&mut buf, b);
        } else {
            buf.push(1);
            put(&mut buf, v.string_value.as_deref().unwrap_or("").as_bytes());
        }
    }
    Some(md5_hex(&buf))
}

fn no_queue() -> ServiceError {
    QueueDoesNotExist { message: Some("The specified queue does not exist.".into()) }.into()
}

/// The queue name of a queue URL (`http://host/000000000000/name`).
fn queue_name(url: &str) -> Result<String, ServiceError> {
    let name = url.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    if name.is_empty() {
        return Err(no_queue());
    }
    Ok(name.to_string())
}

fn queue_url(ctx: &RequestContext, name: &str) -> String {
    format!("{}/{}/{}", ctx.endpoint_url(), ctx.account_id, name)
}

fn valid_queue_name(name: &str) -> bool {
    let base = name.strip_suffix(".fifo").unwrap_or(name);
    !base.is_empty() && name.len() <= 80 && base.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A queue attribute a caller may set, with a valid value.
fn check_attribute(name: &str, value: &str) -> Result<(), ServiceError> {
    if !SETTABLE_ATTRIBUTES.contains(&name) {
        return Err(ServiceError::new("InvalidAttributeName", 400, format!("Unknown Attribute {name}.")));
    }
    if name == "Policy" && !value.is_empty() {
        if let Err(e) = simfra_policy::parse(value) {
            return Err(ServiceError::new("InvalidAttributeValue", 400, format!("Invalid value for the parameter Policy. Reason: {e}")));
        }
    }
    Ok(())
}

fn invalid_parameter(message: impl Into<String>) -> ServiceError {
    ServiceError::new("InvalidParameterValue", 400, message)
}

const SETTABLE_ATTRIBUTES: &[&str] = &[
    "DelaySeconds",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "Policy",
    "ReceiveMessageWaitTimeSeconds",
    "VisibilityTimeout",
    "RedrivePolicy",
    "RedriveAllowPolicy",
    "KmsMasterKeyId",
    "KmsDataKeyReusePeriodSeconds",
    "SqsManagedSseEnabled",
    "FifoQueue",
    "ContentBasedDeduplication",
    "DeduplicationScope",
    "FifoThroughputLimit",
];

fn default_attributes() -> BTreeMap<String, String> {
    [
        ("DelaySeconds", "0"),
        ("MaximumMessageSize", "262144"),
        ("MessageRetentionPeriod", "345600"),
        ("ReceiveMessageWaitTimeSeconds", "0"),
        ("VisibilityTimeout", "30"),
        ("SqsManagedSseEnabled", "true"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

impl Sqs {
    fn with_queue<T>(
        &self,
        ctx: &RequestContext,
        url: &str,
        f: impl FnOnce(&mut Queue) -> Result<T, ServiceError>,
    ) -> Result<T, ServiceError> {
        let name = queue_name(url)?;
        let region = self.state.get(&queue_owner(ctx, url)?, &ctx.region);
        let mut queues = region.queues.lock().unwrap_or_else(|e| e.into_inner());
        let q = queues.get_mut(&name).ok_or_else(no_queue)?;
        f(q)
    }

    /// Takes up to `max` visible messages, making them invisible for `visibility` seconds.
    fn take_visible(q: &mut Queue, max: usize, visibility: i64) -> Vec<Message> {
        let now = Instant::now();
        let mut out = Vec::new();
        for m in q.messages.iter_mut() {
            if out.len() >= max {
                break;
            }
            if m.visible_at > now {
                continue;
            }
            m.receive_count += 1;
            m.first_received.get_or_insert_with(Timestamp::now);
            m.visible_at = now + Duration::from_secs(visibility.max(0) as u64);
            let handle = format!("{}#{}", m.id, random_hex(24));
            m.receipt_handle = Some(handle.clone());
            let mut attributes = HashMap::new();
            attributes.insert("SentTimestamp".to_string(), m.sent.as_millis().to_string());
            attributes.insert("ApproximateReceiveCount".to_string(), m.receive_count.to_string());
            if let Some(first) = m.first_received {
                attributes.insert("ApproximateFirstReceiveTimestamp".to_string(), first.as_millis().to_string());
            }
            attributes.insert("SenderId".to_string(), "AIDAIT2UOQQY3AUEKVGXU".to_string());
            out.push(Message {
                message_id: Some(m.id.clone()),
                receipt_handle: Some(handle),
                md5_of_body: Some(m.md5_of_body.clone()),
                body: Some(m.body.clone()),
                attributes: Some(attributes),
                md5_of_message_attributes: m.md5_of_attributes.clone(),
                message_attributes: (!m.attributes.is_empty()).then(|| m.attributes.clone()),
            });
        }
        out
    }
}

#[simfra_model::async_trait]
impl SqsApi for Sqs {
    fn implemented(&self) -> &'static [&'static str] {
        &[
            "CreateQueue",
            "DeleteMessage",
            "DeleteQueue",
            "GetQueueAttributes",
            "GetQueueUrl",
            "ListQueueTags",
            "ListQueues",
            "PurgeQueue",
            "ReceiveMessage",
            "SendMessage",
            "SetQueueAttributes",
            "TagQueue",
            "UntagQueue",
        ]
    }

    async fn create_queue(&self, ctx: &RequestContext, input: CreateQueueRequest) -> Result<CreateQueueResult, CreateQueueError> {
        if !valid_queue_name(&input.queue_name) {
            return Err(invalid_parameter(
                "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length",
            )
            .into());
        }
        let mut attributes = default_attributes();
        for (k, v) in input.attributes.unwrap_or_default() {
            check_attribute(&k, &v)?;
            attributes.insert(k, v);
        }
        let fifo = attributes.get("FifoQueue").map(|v| v == "true").unwrap_or(false);
        if fifo != input.queue_name.ends_with(".fifo") {
            return Err(invalid_parameter("The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.").into());
        }
        let region = self.state.regional(ctx);
        let mut queues = region.queues.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(existing) = queues.get(&input.queue_name) {
            // Re-creating with identical attributes returns the queue; different ones fail.
            let differs = attributes.iter().any(|(k, v)| existing.attributes.get(k) != Some(v));
            if differs {
                return Err(QueueNameExists {
                    message: Some(format!("A queue already exists with the same name and a different value for attribute(s) {}", input.queue_name)),
                }
                .into());
            }
        } else {
            queues.insert(
                input.queue_name.clone(),
                Queue {
                    name: input.queue_name.clone(),
                    created: Timestamp::now(),
                    attributes,
                    tags: input.tags.unwrap_or_default(),
                    messages: VecDeque::new(),
                },
            );
        }
        Ok(CreateQueueResult { queue_url: Some(queue_url(ctx, &input.queue_name)) })
    }

    async fn get_queue_url(&self, ctx: &RequestContext, input: GetQueueUrlRequest) -> Result<GetQueueUrlResult, GetQueueUrlError> {
        let region = self.state.regional(ctx);
        let queues = region.queues.lock().unwrap_or_else(|e| e.into_inner());
        if !queues.contains_key(&input.queue_name) {
            return Err(no_queue().into());
        }
        Ok(GetQueueUrlResult { queue_url: Some(queue_url(ctx, &input.queue_name)) })
    }

    async fn list_queues(&self, ctx: &RequestContext, input: ListQueuesRequest) -> Result<ListQueuesResult, ListQueuesError> {
        let region = self.state.regional(ctx);
        let queues = region.queues.lock().unwrap_or_else(|e| e.into_inner());
        let prefix = input.queue_name_prefix.unwrap_or_default();
        let max = input.max_results.unwrap_or(1000).clamp(1, 1000) as usize;
        let after = input.next_token.unwrap_or_default();
        let names: Vec<&String> = queues.keys().filter(|n| n.starts_with(&prefix) && n.as_str() > after.as_str()).collect();
        let page: Vec<String> = names.iter().take(max).map(|n| queue_url(ctx, n)).collect();
        let next_token = (input.max_results.is_some() && names.len() > max).then(|| names[max - 1].clone());
        Ok(ListQueuesResult { queue_urls: (!page.is_empty()).then_some(page), next_token })
    }

    async fn delete_queue(&self, ctx: &RequestContext, input: DeleteQueueRequest) -> Result<(), DeleteQueueError> {
        let name = queue_name(&input.queue_url)?;
        let region = self.state.get(&queue_owner(ctx, &input.queue_url)?, &ctx.region);
        let mut queues = region.queues.lock().unwrap_or_else(|e| e.into_inner());
        queues.remove(&name).ok_or_else(no_queue)?;
        Ok(())
    }

    async fn set_queue_attributes(&self, ctx: &RequestContext, input: SetQueueAttributesRequest) -> Result<(), SetQueueAttributesError> {
        for (k, v) in &input.attributes {
            check_attribute(k, v)?;
            if k == "FifoQueue" {
                return Err(ServiceError::new("InvalidAttributeName", 400, "Attribute FifoQueue cannot be changed.").into());
            }
        }
        Ok(self.with_queue(ctx, &input.queue_url, |q| {
            for (k, v) in input.attributes {
                // An empty policy removes it.
                if k == "Policy" && v.is_empty() {
                    q.attributes.remove(&k);
                } else {
                    q.attributes.insert(k, v);
                }
            }
            Ok(())
        })?)
    }

    async fn purge_queue(&self, ctx: &RequestContext, input: PurgeQueueRequest) -> Result<(), PurgeQueueError> {
        Ok(self.with_queue(ctx, &input.queue_url, |q| {
            q.messages.clear();
            Ok(())
        })?)
    }

    async fn get_queue_attributes(
        &self,
        ctx: &RequestContext,
        input: GetQueueAttributesRequest,
    ) -> Result<GetQueueAttributesResult, GetQueueAttributesError> {
        let owner = queue_owner(ctx, &input.queue_url)?;
        let arn_of = |q: &Queue| simfra_store::arn("sqs", &ctx.region, &owner, &q.name);
        let attrs = self.with_queue(ctx, &input.queue_url, |q| {
            let now = Instant::now();
            let mut all = q.attributes.clone();
            let visible = q.messages.iter().filter(|m| m.visible_at <= now && m.receive_count == 0).count();
            let in_flight = q.messages.iter().filter(|m| m.visible_at > now && m.receive_count > 0).count();
            let delayed = q.messages.iter().filter(|m| m.visible_at > now && m.receive_count == 0).count();
            let reappeared = q.messages.iter().filter(|m| m.visible_at <= now && m.receive_count > 0).count();
            all.insert("ApproximateNumberOfMessages".into(), (visible + reappeared).to_string());
            all.insert("ApproximateNumberOfMessagesNotVisible".into(), in_flight.to_string());
            all.insert("ApproximateNumberOfMessagesDelayed".into(), delayed.to_string());
            all.insert("CreatedTimestamp".into(), q.created.secs.to_string());
            all.insert("LastModifiedTimestamp".into(), q.created.secs.to_string());
            all.insert("QueueArn".into(), arn_of(q));
            Ok(all)
        })?;
        let wanted: Vec<String> = input.attribute_names.unwrap_or_default().iter().map(|a| a.as_str().to_string()).collect();
        let all = wanted.iter().any(|w| w == "All");
        let selected: HashMap<String, String> =
            attrs.into_iter().filter(|(k, _)| all || wanted.iter().any(|w| w == k)).collect();
        Ok(GetQueueAttributesResult { attributes: (!selected.is_empty()).then_some(selected) })
    }

    async fn send_message(&self, ctx: &RequestContext, input: SendMessageRequest) -> Result<SendMessageResult, SendMessageError> {
        let attributes = input.message_attributes.unwrap_or_default();
        let md5_of_body = md5_hex(input.message_body.as_bytes());
        let md5_of_attrs = md5_of_attributes(&attributes);
        let id = uuid();
        self.with_queue(ctx, &input.queue_url, |q| {
            let max_size = q.attr_i64("MaximumMessageSize", 262_144) as usize;
            if input.message_body.len() > max_size {
                return Err(invalid_parameter(format!(
                    "One or more parameters are invalid. Reason: Message must be shorter than {max_size} bytes."
                )));
            }
            let delay = input.delay_seconds.map(i64::from).unwrap_or_else(|| q.attr_i64("DelaySeconds", 0));
            q.messages.push_back(StoredMessage {
                id: id.clone(),
                body: input.message_body.clone(),
                md5_of_body: md5_of_body.clone(),
                attributes,
                md5_of_attributes: md5_of_attrs.clone(),
                sent: Timestamp::now(),
                visible_at: Instant::now() + Duration::from_secs(delay.max(0) as u64),
                receive_count: 0,
                first_received: None,
                receipt_handle: None,
            });
            Ok(())
        })?;
        self.state.get(&queue_owner(ctx, &input.queue_url)?, &ctx.region).arrivals.notify_waiters();
        Ok(SendMessageResult {
            md5_of_message_body: Some(md5_of_body),
            md5_of_message_attributes: md5_of_attrs,
            message_id: Some(id),
            ..Default::default()
        })
    }

    async fn receive_message(
        &self,
        ctx: &RequestContext,
        input: ReceiveMessageRequest,
    ) -> Result<ReceiveMessageResult, ReceiveMessageError> {
        let max = input.max_number_of_messages.unwrap_or(1);
        if !(1..=10).contains(&max) {
            return Err(invalid_parameter(format!(
                "Value {max} for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided."
            ))
            .into());
        }
        let (default_wait, default_visibility) = self.with_queue(ctx, &input.queue_url, |q| {
            Ok((q.attr_i64("ReceiveMessageWaitTimeSeconds", 0) as i32, q.attr_i64("VisibilityTimeout", DEFAULT_VISIBILITY_TIMEOUT)))
        })?;
        let wait = input.wait_time_seconds.unwrap_or(default_wait);
        if !(0..=MAX_WAIT_SECONDS).contains(&wait) {
            return Err(invalid_parameter(format!(
                "Value {wait} for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided."
            ))
            .into());
        }
        let visibility = input.visibility_timeout.map(i64::from).unwrap_or(default_visibility);
        let deadline = Instant::now() + Duration::from_secs(wait as u64);
        let region = self.state.get(&queue_owner(ctx, &input.queue_url)?, &ctx.region);
        loop {
            // Register for wake-ups before looking, so a send in between is not missed.
            let arrived = region.arrivals.notified();
            let messages = self.with_queue(ctx, &input.queue_url, |q| Ok(Self::take_visible(q, max as usize, visibility)))?;
            let now = Instant::now();
            if !messages.is_empty() || now >= deadline {
                return Ok(ReceiveMessageResult { messages: (!messages.is_empty()).then_some(messages) });
            }
            // Delayed or invisible messages become visible without a send: poll at least every 100 ms.
            let nap = (deadline - now).min(Duration::from_millis(100));
            let _ = tokio::time::timeout(nap, arrived).await;
        }
    }

    async fn delete_message(&self, ctx: &RequestContext, input: DeleteMessageRequest) -> Result<(), DeleteMessageError> {
        let handle = input.receipt_handle;
        let id = handle.split('#').next().unwrap_or("").to_string();
        Ok(self.with_queue(ctx, &input.queue_url, |q| {
            match q.messages.iter().position(|m| m.id == id) {
                Some(pos) => {
                    q.messages.remove(pos);
                    Ok(())
                }
                // Deleting an already-deleted message with a well-formed handle succeeds on AWS.
                None if !id.is_empty() && handle.contains('#') => Ok(()),
                None => Err(ReceiptHandleIsInvalid {
                    message: Some(format!("The input receipt handle \"{handle}\" is not a valid receipt handle.")),
                }
                .into()),
            }
        })?)
    }

    async fn tag_queue(&self, ctx: &RequestContext, input: TagQueueRequest) -> Result<(), TagQueueError> {
        Ok(self.with_queue(ctx, &input.queue_url, |q| {
            q.tags.extend(input.tags);
            Ok(())
        })?)
    }

    async fn untag_queue(&self, ctx: &RequestContext, input: UntagQueueRequest) -> Result<(), UntagQueueError> {
        Ok(self.with_queue(ctx, &input.queue_url, |q| {
            for k in &input.tag_keys {
                q.tags.remove(k);
            }
            Ok(())
        })?)
    }

    async fn list_queue_tags(&self, ctx: &RequestContext, input: ListQueueTagsRequest) -> Result<ListQueueTagsResult, ListQueueTagsError> {
        let tags = self.with_queue(ctx, &input.queue_url, |q| Ok(q.tags.clone()))?;
        Ok(ListQueueTagsResult { tags: (!tags.is_empty()).then_some(tags) })
    }
}
