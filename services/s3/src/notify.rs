//! Event notifications: validation of a bucket's notification configuration
//! (events, key filters, overlapping rules, destinations that exist and let
//! S3 deliver), the `s3:TestEvent` sent to new destinations, and delivery of
//! S3's event JSON for object events to SQS queues, SNS topics and Lambda
//! functions. Delivery is spawned: it never holds up the request.
//!
//! EventBridge configurations are stored and answered; Simfra has no
//! EventBridge yet, so nothing is delivered to it.
//!
//! Lambda depends on S3, so S3 reaches Lambda through a [`LambdaLink`] the
//! server connects; without one, Lambda destinations are stored, not validated
//! and not invoked.

use crate::errors::*;
use crate::store::Versioning;
use crate::S3;
use simfra_gen_s3::types::*;
use simfra_model::{RequestContext, ServiceError, Timestamp};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

/// The principal S3 delivers as.
const S3_SERVICE: &str = "s3.amazonaws.com";
/// `SenderId` of the messages S3 puts into queues.
const S3_SENDER_ID: &str = "AIDAJQR6QDGQ7PATMSYEY";
/// `Subject` of what S3 publishes to topics.
const SNS_SUBJECT: &str = "Amazon S3 Notification";

// ------------------------------------------------------------ Lambda link

/// Lambda as S3 reaches it (set once by the server).
#[derive(Clone, Copy)]
pub struct LambdaLink {
    /// Whether the function's resource policy lets `s3.amazonaws.com`
    /// invoke it for (bucket ARN, bucket owner account); `None` when there
    /// is no such function.
    pub admits_s3: fn(function_arn: &str, bucket_arn: &str, bucket_owner: &str) -> Option<bool>,
    /// Invokes the function asynchronously (`Event`) with the payload; returns at once.
    pub invoke_event: fn(function_arn: &str, payload: String),
}

static LAMBDA: OnceLock<LambdaLink> = OnceLock::new();

/// Connects Lambda destinations (called once at server start).
pub fn connect_lambda(link: LambdaLink) {
    let _ = LAMBDA.set(link);
}

// ------------------------------------------------------------- validation

/// The event name without S3's `s3:` prefix (`ObjectCreated:*`).
fn event_name(e: &Event) -> &str {
    e.as_str().strip_prefix("s3:").unwrap_or(e.as_str())
}

/// Whether two configured event types can name the same event.
fn events_overlap(a: &str, b: &str) -> bool {
    let family = |e: &str| e.strip_suffix('*').map(str::to_string);
    match (family(a), family(b)) {
        _ if a == b => true,
        (Some(fa), _) if b.starts_with(&fa) => true,
        (_, Some(fb)) if a.starts_with(&fb) => true,
        _ => false,
    }
}

/// One destination's events and key filter, whatever its kind.
struct Rule<'a> {
    events: &'a [Event],
    filter: Option<&'a NotificationConfigurationFilter>,
}

fn rules(conf: &NotificationConfiguration) -> Vec<Rule<'_>> {
    let mut all = Vec::new();
    for q in conf.queue_configurations.iter().flatten() {
        all.push(Rule { events: &q.events, filter: q.filter.as_ref() });
    }
    for t in conf.topic_configurations.iter().flatten() {
        all.push(Rule { events: &t.events, filter: t.filter.as_ref() });
    }
    for l in conf.lambda_function_configurations.iter().flatten() {
        all.push(Rule { events: &l.events, filter: l.filter.as_ref() });
    }
    all
}

/// A filter's (prefix, suffix), each empty when not given. Rule names are
/// case-insensitive; each may appear once.
fn key_filter(filter: Option<&NotificationConfigurationFilter>) -> Result<(String, String), ServiceError> {
    let (mut prefix, mut suffix) = (None, None);
    for r in filter.and_then(|f| f.key.as_ref()).and_then(|k| k.filter_rules.as_ref()).into_iter().flatten() {
        let name = r.name.as_ref().map(|n| n.as_str().to_ascii_lowercase()).unwrap_or_default();
        let slot = match name.as_str() {
            "prefix" => &mut prefix,
            "suffix" => &mut suffix,
            _ => return Err(invalid_argument("filter rule name must be either prefix or suffix")),
        };
        if slot.is_some() {
            return Err(invalid_argument(format!("Cannot specify more than one {name} rule in a filter.")));
        }
        *slot = Some(r.value.clone().unwrap_or_default());
    }
    Ok((prefix.unwrap_or_default(), suffix.unwrap_or_default()))
}

/// A configuration id, as S3 makes one for a configuration put without.
fn new_configuration_id() -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(simfra_identity::ids::uuid())
}

/// Checks a configuration as S3 does (events, filters, ambiguity) and gives
/// configurations without an id one.
pub(crate) fn validate(conf: &mut NotificationConfiguration) -> Result<(), ServiceError> {
    let mut seen: Vec<(Vec<String>, String, String)> = Vec::new();
    for rule in rules(conf) {
        if rule.events.is_empty() {
            return Err(malformed_xml());
        }
        if rule.events.iter().any(|e| matches!(e, Event::Unknown(_))) {
            return Err(invalid_argument("The event is not supported for notifications"));
        }
        let (prefix, suffix) = key_filter(rule.filter)?;
        for (events, p, s) in &seen {
            let same_event = rule.events.iter().any(|a| events.iter().any(|b: &String| events_overlap(event_name(a), b)));
            let prefixes = prefix.starts_with(p.as_str()) || p.starts_with(prefix.as_str());
            let suffixes = suffix.ends_with(s.as_str()) || s.ends_with(suffix.as_str());
            if same_event && prefixes && suffixes {
                return Err(invalid_argument(
                    "Configuration is ambiguously defined. Cannot have overlapping suffixes in two rules if the prefixes are overlapping for the same event type.",
                ));
            }
        }
        seen.push((rule.events.iter().map(|e| event_name(e).to_string()).collect::<Vec<_>>(), prefix, suffix));
    }
    let ids = conf
        .queue_configurations
        .iter_mut()
        .flatten()
        .map(|q| &mut q.id)
        .chain(conf.topic_configurations.iter_mut().flatten().map(|t| &mut t.id))
        .chain(conf.lambda_function_configurations.iter_mut().flatten().map(|l| &mut l.id));
    for id in ids {
        if id.as_deref().is_none_or(str::is_empty) {
            *id = Some(new_configuration_id());
        }
    }
    // S3 answers rule names capitalized, however they were put.
    let filters = conf
        .queue_configurations
        .iter_mut()
        .flatten()
        .map(|q| &mut q.filter)
        .chain(conf.topic_configurations.iter_mut().flatten().map(|t| &mut t.filter))
        .chain(conf.lambda_function_configurations.iter_mut().flatten().map(|l| &mut l.filter));
    for rule in filters.flatten().filter_map(|f| f.key.as_mut()).filter_map(|k| k.filter_rules.as_mut()).flatten() {
        let name = rule.name.as_ref().map(|n| n.as_str().to_ascii_lowercase());
        rule.name = match name.as_deref() {
            Some("prefix") => Some(FilterRuleName::from("Prefix")),
            Some("suffix") => Some(FilterRuleName::from("Suffix")),
            _ => rule.name.take(),
        };
    }
    Ok(())
}

fn policies_enforced() -> bool {
    static ENFORCED: OnceLock<bool> = OnceLock::new();
    *ENFORCED.get_or_init(|| std::env::var("SIMFRA_IAM").map(|v| v.is_empty() || v == "enforce").unwrap_or(true))
}

/// (region, account) of an ARN of the given service.
fn arn_region<'a>(arn: &'a str, service: &str) -> Option<(&'a str, &'a str)> {
    let parts: Vec<&str> = arn.splitn(7, ':').collect();
    (parts.len() >= 6 && parts[0] == "arn" && parts[2] == service && !parts[5].is_empty()).then(|| (parts[3], parts[4]))
}

/// Checks that every destination exists in the bucket's region and lets S3
/// deliver to it (the queue's or topic's policy allows `s3.amazonaws.com`
/// for this bucket; for Lambda, the function's resource policy). Like S3,
/// the error lists each failing destination (`ArgumentName1`, `ArgumentValue1` …).
pub(crate) fn check_destinations(conf: &NotificationConfiguration, bucket: &str, owner: &str, region: &str) -> Result<(), ServiceError> {
    let bucket_arn = format!("arn:aws:s3:::{bucket}");
    let mut failed: Vec<(String, String)> = Vec::new();
    let mut check = |arn: &str, service: &str, verdict: &dyn Fn() -> Result<(), &'static str>| -> Result<(), ServiceError> {
        match arn_region(arn, service) {
            Some((r, _)) if r != region => {
                Err(invalid_argument("The notification destination service region is not valid for the bucket location constraint"))
            }
            None => {
                failed.push((arn.to_string(), format!("The destination {} ARN is not valid", if service == "sqs" { "queue" } else if service == "sns" { "topic" } else { "function" })));
                Ok(())
            }
            Some(_) => {
                if let Err(why) = verdict() {
                    failed.push((arn.to_string(), why.to_string()));
                }
                Ok(())
            }
        }
    };
    for q in conf.queue_configurations.iter().flatten() {
        let arn = q.queue_arn.as_str();
        check(arn, "sqs", &|| match simfra_svc_sqs::queue_is_fifo(arn) {
            None => Err("The destination queue does not exist"),
            // FIFO queues are not S3 event destinations.
            Some(true) => Err("FIFO SQS queues are not supported as destinations"),
            Some(false) if policies_enforced() && !simfra_svc_sqs::admits_service(arn, S3_SERVICE, &bucket_arn, owner) => {
                Err("Permissions on the destination queue do not allow S3 to publish notifications from this bucket")
            }
            Some(false) => Ok(()),
        })?;
    }
    for t in conf.topic_configurations.iter().flatten() {
        let arn = t.topic_arn.as_str();
        check(arn, "sns", &|| match simfra_svc_sns::topic_admits_service(arn, S3_SERVICE, &bucket_arn, owner) {
            None => Err("The destination topic does not exist"),
            Some(false) if policies_enforced() => Err("Permissions on the destination topic do not allow S3 to publish notifications from this bucket"),
            Some(_) => Ok(()),
        })?;
    }
    for l in conf.lambda_function_configurations.iter().flatten() {
        let arn = l.lambda_function_arn.as_str();
        check(arn, "lambda", &|| match LAMBDA.get().map(|link| (link.admits_s3)(arn, &bucket_arn, owner)) {
            Some(None) => Err("The destination function does not exist"),
            Some(Some(false)) if policies_enforced() => Err("Not authorized to invoke function"),
            _ => Ok(()),
        })?;
    }
    if failed.is_empty() {
        return Ok(());
    }
    let elements: Vec<(String, String)> = failed
        .into_iter()
        .enumerate()
        .flat_map(|(i, (arn, why))| [(format!("ArgumentName{}", i + 1), arn), (format!("ArgumentValue{}", i + 1), why)])
        .collect();
    let named: Vec<(&str, String)> = elements.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    Err(crate::objects::common::with_elements(invalid_argument("Unable to validate the following destination configurations"), &named))
}

// ---------------------------------------------------------------- delivery

/// Who caused an event, as the record reports it.
pub(crate) struct Actor {
    principal_id: String,
    source_ip: String,
    request_id: String,
    host_id: String,
}

impl Actor {
    fn of(ctx: &RequestContext) -> Actor {
        let principal_id = match ctx.access_key_id.as_deref().and_then(|k| simfra_identity::credentials::credentials().lookup(k)) {
            // The root user is shown by the account's customer id; IAM principals as `AWS:<unique id>`.
            Some(c) if c.principal_arn.ends_with(":root") => customer_id(&c.account_id),
            Some(c) => format!("AWS:{}", c.user_id),
            None => "Anonymous".to_string(),
        };
        let source_ip = ctx.header("x-forwarded-for").and_then(|v| v.split(',').next()).map(|v| v.trim().to_string()).unwrap_or_else(|| "127.0.0.1".into());
        Actor { principal_id, source_ip, request_id: simfra_audit::s3_request_id(&ctx.request_id), host_id: host_id() }
    }

    /// An AWS service acting in the account (lifecycle actions, service deliveries).
    pub(crate) fn service() -> Actor {
        Actor {
            principal_id: S3_SERVICE.into(),
            source_ip: S3_SERVICE.into(),
            request_id: simfra_audit::s3_request_id(&simfra_identity::ids::uuid()),
            host_id: host_id(),
        }
    }
}

/// An `x-amz-id-2`-like opaque token.
fn host_id() -> String {
    use base64::Engine;
    let b: [u8; 48] = simfra_identity::ids::random_bytes();
    base64::engine::general_purpose::STANDARD.encode(b)
}

/// The "Amazon customer id" S3 shows for an account (stable per account).
fn customer_id(account: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut n = account.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x100_0000_01b3));
    let mut id = String::from("A");
    for _ in 0..13 {
        id.push(ALPHABET[(n % ALPHABET.len() as u64) as usize] as char);
        n /= ALPHABET.len() as u64;
    }
    id
}

/// `2024-01-31T12:34:56.789Z`
fn iso_millis(t: Timestamp) -> String {
    let (y, mo, d, h, mi, s) = simfra_model::calendar::utc_parts(t.secs);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{:03}Z", t.nanos / 1_000_000)
}

/// A key as event records carry it: URL-encoded, spaces as `+`, `/` kept.
fn encode_key(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    for b in key.bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' | b'/' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// S3's event sequencer: hexadecimal, increasing for successive events.
fn sequencer() -> String {
    static LAST: AtomicU64 = AtomicU64::new(0);
    let now = (Timestamp::now().as_millis() as u64).wrapping_mul(1000) << 8;
    let prev = LAST.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |last| Some(now.max(last + 1))).unwrap_or(0);
    format!("{:018X}", now.max(prev + 1))
}

/// Where one matching configuration sends the record.
enum Target {
    Queue(String),
    Topic(String),
    Lambda(String),
}

/// Whether a configured event type covers `event` (`ObjectCreated:*` covers `ObjectCreated:Put`).
fn covers(configured: &Event, event: &str) -> bool {
    let c = event_name(configured);
    match c.strip_suffix('*') {
        Some(family) => event.starts_with(family),
        None => c == event,
    }
}

/// The bucket's destinations for an event on `key`, with their configuration ids.
fn targets(conf: &NotificationConfiguration, event: &str, key: &str) -> Vec<(Target, String)> {
    let selects = |events: &[Event], filter: Option<&NotificationConfigurationFilter>| {
        let (prefix, suffix) = key_filter(filter).unwrap_or_default();
        events.iter().any(|e| covers(e, event)) && key.starts_with(&prefix) && key.ends_with(&suffix)
    };
    let mut out = Vec::new();
    for q in conf.queue_configurations.iter().flatten().filter(|q| selects(&q.events, q.filter.as_ref())) {
        out.push((Target::Queue(q.queue_arn.clone()), q.id.clone().unwrap_or_default()));
    }
    for t in conf.topic_configurations.iter().flatten().filter(|t| selects(&t.events, t.filter.as_ref())) {
        out.push((Target::Topic(t.topic_arn.clone()), t.id.clone().unwrap_or_default()));
    }
    for l in conf.lambda_function_configurations.iter().flatten().filter(|l| selects(&l.events, l.filter.as_ref())) {
        out.push((Target::Lambda(l.lambda_function_arn.clone()), l.id.clone().unwrap_or_default()));
    }
    out
}

/// What the record says of the event, before the configuration id is known.
struct Occurrence<'a> {
    bucket: &'a str,
    owner: &'a str,
    region: &'a str,
    event: &'a str,
    key: &'a str,
    size: u64,
    etag: &'a str,
    version_id: Option<&'a str>,
    sequencer: String,
    time: String,
}

fn record(o: &Occurrence, configuration_id: &str, actor: &Actor) -> serde_json::Value {
    use serde_json::json;
    let mut object = serde_json::Map::new();
    object.insert("key".into(), json!(encode_key(o.key)));
    // Removals carry no size or ETag.
    if !o.event.starts_with("ObjectRemoved") && !o.event.starts_with("LifecycleExpiration") {
        object.insert("size".into(), json!(o.size));
        object.insert("eTag".into(), json!(o.etag.trim_matches('"')));
    }
    if let Some(v) = o.version_id {
        object.insert("versionId".into(), json!(v));
    }
    object.insert("sequencer".into(), json!(o.sequencer));
    // Lifecycle, tagging and ACL events use version 2.3 of the structure.
    let version = if o.event.starts_with("Lifecycle") || o.event.starts_with("ObjectTagging") || o.event.starts_with("ObjectAcl") { "2.3" } else { "2.1" };
    json!({
        "eventVersion": version,
        "eventSource": "aws:s3",
        "awsRegion": o.region,
        "eventTime": o.time,
        "eventName": o.event,
        "userIdentity": {"principalId": actor.principal_id},
        "requestParameters": {"sourceIPAddress": actor.source_ip},
        "responseElements": {"x-amz-request-id": actor.request_id, "x-amz-id-2": actor.host_id},
        "s3": {
            "s3SchemaVersion": "1.0",
            "configurationId": configuration_id,
            "bucket": {"name": o.bucket, "ownerIdentity": {"principalId": customer_id(o.owner)}, "arn": format!("arn:aws:s3:::{}", o.bucket)},
            "object": object,
        }
    })
}

/// Announces an object event (`ObjectCreated:Put`, `ObjectRemoved:Delete` …)
/// to the bucket's matching destinations (and replicates what it created).
/// Never blocks: delivery is spawned.
#[allow(clippy::too_many_arguments)]
pub(crate) fn object_event(s3: &S3, ctx: &RequestContext, bucket: &str, event: &str, key: &str, size: u64, etag: &str, version_id: Option<&str>) {
    crate::settings::replicate(s3, bucket, event, key, version_id);
    announce(s3, bucket, event, key, size, etag, version_id, &Actor::of(ctx));
}

/// [`object_event`] for a write an AWS service made in-process (CloudTrail
/// log files): replicated and announced like a client's.
pub(crate) fn service_write(bucket: &str, key: &str, size: u64, etag: &str, version_id: &str) {
    let s3 = crate::internal::shared();
    crate::settings::replicate(&s3, bucket, "ObjectCreated:Put", key, Some(version_id));
    announce(&s3, bucket, "ObjectCreated:Put", key, size, etag, Some(version_id), &Actor::service());
}

/// [`object_event`] for events S3 causes itself (lifecycle actions, which
/// are not replicated).
pub(crate) fn emit(bucket: &str, event: &str, key: &str, size: u64, etag: &str, version_id: Option<&str>, actor: &Actor) {
    announce(&crate::internal::shared(), bucket, event, key, size, etag, version_id, actor);
}

#[allow(clippy::too_many_arguments)]
fn announce(s3: &S3, bucket: &str, event: &str, key: &str, size: u64, etag: &str, version_id: Option<&str>, actor: &Actor) {
    let (conf, owner, region, versioning) = {
        let buckets = s3.store.lock();
        let Some(b) = buckets.get(bucket) else { return };
        let Some(conf) = &b.config.notification else { return };
        (conf.clone(), b.owner_account.clone(), b.region.clone(), b.versioning)
    };
    let targets = targets(&conf, event, key);
    if targets.is_empty() {
        return;
    }
    let occurrence = Occurrence {
        bucket,
        owner: &owner,
        region: &region,
        event,
        key,
        size,
        etag,
        // Unversioned buckets report no version id.
        version_id: version_id.filter(|_| versioning != Versioning::Unversioned),
        sequencer: sequencer(),
        time: iso_millis(Timestamp::now()),
    };
    let bucket_arn = format!("arn:aws:s3:::{bucket}");
    for (target, configuration_id) in targets {
        let body = serde_json::json!({"Records": [record(&occurrence, &configuration_id, actor)]}).to_string();
        deliver(target, body, bucket_arn.clone(), owner.clone());
    }
}

/// Sends one message to one destination, off the caller's path.
fn deliver(target: Target, body: String, bucket_arn: String, owner: String) {
    let send = move || match target {
        Target::Queue(arn) => {
            if policies_enforced() && !simfra_svc_sqs::admits_service(&arn, S3_SERVICE, &bucket_arn, &owner) {
                return; // as on AWS, a delivery the queue no longer permits is dropped
            }
            let envelope = simfra_svc_sqs::Envelope { body, attributes: Default::default(), group_id: None, dedup_id: None, sender_id: S3_SENDER_ID.into() };
            let _ = simfra_svc_sqs::deliver(&arn, envelope);
        }
        Target::Topic(arn) => {
            if policies_enforced() && simfra_svc_sns::topic_admits_service(&arn, S3_SERVICE, &bucket_arn, &owner) != Some(true) {
                return;
            }
            let _ = simfra_svc_sns::publish_for_service(&arn, Some(SNS_SUBJECT), &body);
        }
        Target::Lambda(arn) => {
            if let Some(link) = LAMBDA.get() {
                if !policies_enforced() || (link.admits_s3)(&arn, &bucket_arn, &owner) == Some(true) {
                    (link.invoke_event)(&arn, body);
                }
            }
        }
    };
    enqueue(Box::new(send));
}

type Delivery = Box<dyn FnOnce() + Send>;

/// Hands a delivery to the one task that performs them in order (started
/// on first use); the caller never waits. Without a runtime (unit tests) it
/// runs at once.
fn enqueue(job: Delivery) {
    static QUEUE: OnceLock<tokio::sync::mpsc::UnboundedSender<Delivery>> = OnceLock::new();
    let Ok(runtime) = tokio::runtime::Handle::try_current() else { return job() };
    let queue = QUEUE.get_or_init(|| {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Delivery>();
        runtime.spawn(async move {
            while let Some(job) = rx.recv().await {
                job();
            }
        });
        tx
    });
    if let Err(unsent) = queue.send(job) {
        (unsent.0)();
    }
}

/// Sends `s3:TestEvent` to each queue and topic the new configuration adds.
pub(crate) fn test_events(ctx: &RequestContext, bucket: &str, owner: &str, previous: Option<&NotificationConfiguration>, conf: &NotificationConfiguration) {
    let before: Vec<&str> = previous
        .map(|p| {
            let queues = p.queue_configurations.iter().flatten().map(|q| q.queue_arn.as_str());
            queues.chain(p.topic_configurations.iter().flatten().map(|t| t.topic_arn.as_str())).collect()
        })
        .unwrap_or_default();
    let bucket_arn = format!("arn:aws:s3:::{bucket}");
    let message = serde_json::json!({
        "Service": "Amazon S3",
        "Event": "s3:TestEvent",
        "Time": iso_millis(Timestamp::now()),
        "Bucket": bucket,
        "RequestId": simfra_audit::s3_request_id(&ctx.request_id),
        "HostId": host_id(),
    })
    .to_string();
    let mut sent: Vec<&str> = Vec::new();
    let queues = conf.queue_configurations.iter().flatten().map(|q| (q.queue_arn.as_str(), true));
    for (arn, queue) in queues.chain(conf.topic_configurations.iter().flatten().map(|t| (t.topic_arn.as_str(), false))) {
        if before.contains(&arn) || sent.contains(&arn) {
            continue;
        }
        sent.push(arn);
        let target = if queue { Target::Queue(arn.to_string()) } else { Target::Topic(arn.to_string()) };
        deliver(target, message.clone(), bucket_arn.clone(), owner.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_encoded_as_in_event_records() {
        assert_eq!(encode_key("photos/my cat (1).jpg"), "photos/my+cat+%281%29.jpg");
        assert_eq!(encode_key("a=b&c"), "a%3Db%26c");
        assert_eq!(encode_key("é"), "%C3%A9");
    }

    #[test]
    fn wildcards_cover_their_family() {
        assert!(covers(&Event::S3ObjectCreated, "ObjectCreated:Put"));
        assert!(!covers(&Event::S3ObjectCreated, "ObjectRemoved:Delete"));
        assert!(covers(&Event::S3ObjectRemovedDelete, "ObjectRemoved:Delete"));
        assert!(events_overlap("ObjectCreated:*", "ObjectCreated:Put"));
        assert!(!events_overlap("ObjectCreated:Put", "ObjectCreated:Copy"));
    }

    #[test]
    fn sequencers_increase() {
        let (a, b) = (sequencer(), sequencer());
        assert!(b > a && a.len() == 18);
    }
}
