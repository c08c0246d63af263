//! Publish and PublishBatch: message checks, FIFO rules (group ids,
//! deduplication in a 5-minute window, sequence numbers), filter policy
//! evaluation per subscription, and handing each matching subscription's
//! delivery to its worker. Also direct publishes to phone numbers and to
//! mobile platform endpoints.

use crate::delivery::Job;
use crate::message::{check_message, Notification};
use crate::*;
use std::time::Duration;

const DEDUP_WINDOW: Duration = Duration::from_secs(300);

/// One message to publish (a Publish call or a PublishBatch entry).
pub struct Entry {
    pub message: String,
    pub subject: Option<String>,
    pub structure: Option<String>,
    pub attributes: HashMap<String, MessageAttributeValue>,
    pub group_id: Option<String>,
    pub dedup_id: Option<String>,
}

fn fifo_id_ok(v: &str) -> bool {
    !v.is_empty() && v.len() <= 128 && v.bytes().all(|b| b.is_ascii_graphic())
}

/// Publishes one entry to a topic held in `data`: (message id, sequence number).
fn to_topic(ctx: &RequestContext, data: &mut Data, topic_arn: &str, entry: Entry) -> Result<(String, Option<String>), ServiceError> {
    let per_protocol = check_message(&entry.message, entry.subject.as_deref(), entry.structure.as_deref(), &entry.attributes)?;
    let topic = data.topics.get_mut(topic_arn).ok_or_else(topic_not_found)?;
    if !topic.fifo {
        if entry.dedup_id.is_some() {
            return Err(invalid_parameter(
                "Invalid parameter: MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type",
            ));
        }
        let id = uuid();
        return Ok((fan_out(ctx, data, topic_arn, entry, per_protocol, None, None, id)?, None));
    }
    let group = entry
        .group_id
        .as_deref()
        .ok_or_else(|| invalid_parameter("Invalid parameter: The MessageGroupId parameter is required for FIFO topics"))?;
    if !fifo_id_ok(group) {
        return Err(invalid_parameter("Invalid parameter: MessageGroupId Reason: MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length."));
    }
    let dedup_id = match &entry.dedup_id {
        Some(d) if !fifo_id_ok(d) => {
            return Err(invalid_parameter("Invalid parameter: MessageDeduplicationId Reason: MessageDeduplicationId can only include alphanumeric and punctuation characters. 1 to 128 in length."))
        }
        Some(d) => d.clone(),
        None if topic.attributes.get("ContentBasedDeduplication").is_some_and(|v| v == "true") => {
            use sha2::Digest;
            sha2::Sha256::digest(entry.message.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
        }
        None => {
            return Err(invalid_parameter(
                "Invalid parameter: The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly",
            ))
        }
    };
    // Deduplication: a repeat within 5 minutes is accepted and answered with the first message's id.
    let now = Instant::now();
    while topic.dedup_order.front().is_some_and(|(t, _)| *t + DEDUP_WINDOW <= now) {
        if let Some((_, key)) = topic.dedup_order.pop_front() {
            if topic.dedup.get(&key).is_some_and(|(t, _, _)| *t + DEDUP_WINDOW <= now) {
                topic.dedup.remove(&key);
            }
        }
    }
    let key = match topic.attributes.get("FifoThroughputScope").map(String::as_str) {
        Some("MessageGroup") => format!("{group}\u{0}{dedup_id}"),
        _ => dedup_id.clone(),
    };
    if let Some((_, id, seq)) = topic.dedup.get(&key) {
        return Ok((id.clone(), Some(seq.clone())));
    }
    let seq = (10_000_000_000_000_000_000u128 + topic.next_seq as u128).to_string();
    topic.next_seq += 1;
    let id = uuid();
    topic.dedup.insert(key.clone(), (now, id.clone(), seq.clone()));
    topic.dedup_order.push_back((now, key));
    Ok((fan_out(ctx, data, topic_arn, entry, per_protocol, Some(dedup_id), Some(seq.clone()), id)?, Some(seq)))
}

/// Hands the notification to every confirmed subscription whose filter policy it matches.
#[allow(clippy::too_many_arguments)]
fn fan_out(
    ctx: &RequestContext,
    data: &mut Data,
    topic_arn: &str,
    entry: Entry,
    per_protocol: Option<serde_json::Map<String, serde_json::Value>>,
    dedup_id: Option<String>,
    sequence_number: Option<String>,
    id: String,
) -> Result<String, ServiceError> {
    let topic = data.topics.get(topic_arn).ok_or_else(topic_not_found)?;
    let notification = Arc::new(Notification {
        message_id: id.clone(),
        topic_arn: topic_arn.to_string(),
        subject: entry.subject,
        message: entry.message,
        per_protocol,
        attributes: entry.attributes,
        group_id: entry.group_id,
        dedup_id,
        sequence_number,
        timestamp: message::iso_now(),
        signature_version: topic.attributes.get("SignatureVersion").cloned().unwrap_or_else(|| "1".into()),
        endpoint_url: ctx.endpoint_url(),
        signatures: Default::default(),
    });
    let attrs: Vec<(String, String, String)> = notification
        .attributes
        .iter()
        .map(|(k, v)| (k.clone(), v.data_type.clone(), v.string_value.clone().unwrap_or_default()))
        .collect();
    let mut body: Option<Option<serde_json::Value>> = None;
    let prefix = format!("{topic_arn}:");
    for (_, sub) in data.subscriptions.range(prefix.clone()..).take_while(|(k, _)| k.starts_with(&prefix)) {
        if !sub.confirmed {
            continue;
        }
        if let Some(policy) = &sub.filter {
            let on_body = sub.attributes.get("FilterPolicyScope").is_some_and(|s| s == "MessageBody");
            let matched = if on_body {
                let parsed = body.get_or_insert_with(|| serde_json::from_str(&notification.message).ok());
                parsed.as_ref().is_some_and(|b| filter::matches(policy, &filter::Body(b)))
            } else {
                filter::matches(policy, &filter::Attributes(&attrs))
            };
            if !matched {
                continue;
            }
        }
        let _ = sub.worker.send(Job::Notify(notification.clone(), subscriptions::target(sub, topic)));
    }
    Ok(id)
}

fn valid_phone(p: &str) -> bool {
    let digits = p.strip_prefix('+').unwrap_or(p);
    p.starts_with('+') && (2..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
}

pub fn publish(ctx: &RequestContext, input: PublishInput) -> Result<PublishResponse, ServiceError> {
    let entry = Entry {
        message: input.message,
        subject: input.subject,
        structure: input.message_structure,
        attributes: input.message_attributes.unwrap_or_default(),
        group_id: input.message_group_id,
        dedup_id: input.message_deduplication_id,
    };
    let targets = [input.topic_arn.is_some(), input.target_arn.is_some(), input.phone_number.is_some()];
    if targets.iter().filter(|t| **t).count() > 1 {
        return Err(invalid_parameter("Invalid parameter: TopicArn or TargetArn Reason: Only one of TopicArn, TargetArn or PhoneNumber may be specified"));
    }
    if let Some(phone) = input.phone_number {
        if !valid_phone(&phone) {
            return Err(invalid_parameter(format!("Invalid parameter: PhoneNumber Reason: {phone} is not valid to publish to")));
        }
        check_message(&entry.message, entry.subject.as_deref(), entry.structure.as_deref(), &entry.attributes)?;
        let id = uuid();
        let opted_out = state().regional(ctx).lock().opted_out.contains(&phone);
        if !opted_out {
            inbox::deliver(inbox::Letter {
                channel: "sms",
                destination: &phone,
                subject: None,
                body: &entry.message,
                topic_arn: None,
                subscription_arn: None,
                message_id: &id,
                subscribe_url: None,
            });
        }
        return Ok(PublishResponse { message_id: Some(id), sequence_number: None });
    }
    let arn = input
        .topic_arn
        .or(input.target_arn)
        .ok_or_else(|| invalid_parameter("Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter"))?;
    let (_, _, resource) = split_arn(&arn).ok_or_else(|| invalid_parameter("Invalid parameter: TopicArn"))?;
    if resource.starts_with("endpoint/") {
        return to_endpoint(ctx, &arn, entry);
    }
    let region = region_of(ctx, &arn).ok_or_else(topic_not_found)?;
    let mut data = region.lock();
    let (id, seq) = to_topic(ctx, &mut data, &arn, entry)?;
    Ok(PublishResponse { message_id: Some(id), sequence_number: seq })
}

fn to_endpoint(ctx: &RequestContext, arn: &str, entry: Entry) -> Result<PublishResponse, ServiceError> {
    let per_protocol = check_message(&entry.message, entry.subject.as_deref(), entry.structure.as_deref(), &entry.attributes)?;
    let region = region_of(ctx, arn).ok_or_else(|| ServiceError::from(NotFoundException { message: Some("Endpoint does not exist".into()) }))?;
    let data = region.lock();
    let endpoint = data.endpoints.get(arn).ok_or_else(|| ServiceError::from(NotFoundException { message: Some("Endpoint does not exist".into()) }))?;
    if endpoint.attributes.get("Enabled").is_some_and(|v| v == "false") {
        return Err(EndpointDisabledException { message: Some("Endpoint is disabled".into()) }.into());
    }
    let platform = arn.split(':').nth(5).and_then(|r| r.split('/').nth(1)).unwrap_or("default");
    let body = per_protocol
        .as_ref()
        .and_then(|m| m.get(platform).or_else(|| m.get("default")))
        .and_then(|v| v.as_str())
        .unwrap_or(&entry.message)
        .to_string();
    let id = uuid();
    inbox::deliver(inbox::Letter {
        channel: "push",
        destination: arn,
        subject: None,
        body: &body,
        topic_arn: None,
        subscription_arn: None,
        message_id: &id,
        subscribe_url: None,
    });
    Ok(PublishResponse { message_id: Some(id), sequence_number: None })
}

pub fn publish_batch(ctx: &RequestContext, input: PublishBatchInput) -> Result<PublishBatchResponse, ServiceError> {
    let entries = input.publish_batch_request_entries;
    if entries.is_empty() {
        return Err(EmptyBatchRequestException { message: Some("The batch request doesn't contain any entries".into()) }.into());
    }
    if entries.len() > 10 {
        return Err(TooManyEntriesInBatchRequestException { message: Some("The batch request contains more entries than permissible".into()) }.into());
    }
    let mut seen = std::collections::HashSet::new();
    for e in &entries {
        if e.id.is_empty() || e.id.len() > 80 || !e.id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
            return Err(InvalidBatchEntryIdException { message: Some("The Id of a batch entry in a batch request doesn't abide by the specification".into()) }.into());
        }
        if !seen.insert(e.id.clone()) {
            return Err(BatchEntryIdsNotDistinctException { message: Some("Two or more batch entries in the request have the same Id".into()) }.into());
        }
    }
    let total: usize = entries
        .iter()
        .map(|e| {
            e.message.len()
                + e.message_attributes.as_ref().map_or(0, |a| {
                    a.iter().map(|(k, v)| k.len() + v.data_type.len() + v.string_value.as_ref().map_or(0, |s| s.len()) + v.binary_value.as_ref().map_or(0, |b| b.len())).sum()
                })
        })
        .sum();
    if total > message::MAX_MESSAGE_BYTES {
        return Err(BatchRequestTooLongException { message: Some("The length of all the messages put together is more than the limit".into()) }.into());
    }
    let region = region_of(ctx, &input.topic_arn).ok_or_else(topic_not_found)?;
    let mut data = region.lock();
    if !data.topics.contains_key(&input.topic_arn) {
        return Err(topic_not_found());
    }
    let (mut successful, mut failed) = (Vec::new(), Vec::new());
    for e in entries {
        let entry = Entry {
            message: e.message,
            subject: e.subject,
            structure: e.message_structure,
            attributes: e.message_attributes.unwrap_or_default(),
            group_id: e.message_group_id,
            dedup_id: e.message_deduplication_id,
        };
        match to_topic(ctx, &mut data, &input.topic_arn, entry) {
            Ok((id, seq)) => successful.push(PublishBatchResultEntry { id: Some(e.id), message_id: Some(id), sequence_number: seq }),
            Err(err) => failed.push(BatchResultErrorEntry {
                id: e.id,
                // The Query code of the error shape (`InvalidParameter` for `InvalidParameterException`).
                code: err.code.strip_suffix("Exception").unwrap_or(&err.code).to_string(),
                message: err.message,
                sender_fault: err.status < 500,
            }),
        }
    }
    Ok(PublishBatchResponse { successful: Some(successful), failed: Some(failed) })
}
