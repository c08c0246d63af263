//! Event source mappings. SQS mappings run: pollers receive batches
//! (`BatchSize`, `MaximumBatchingWindowInSeconds`), drop messages no filter
//! matches (deleting them, as Lambda does), invoke the function
//! synchronously with the `Records` event, delete the batch on success —
//! or, with `ReportBatchItemFailures`, all but the `batchItemFailures` the
//! function returns — and leave failed batches to the queue's visibility
//! timeout and redrive policy. DynamoDB Streams mappings run too (see
//! `streams`); Kinesis mappings are stored and reported, but not polled.

use crate::errors;
use crate::filters;
use crate::functions::paginate;
use crate::names::{self, FunctionRef};
use serde_json::{json, Map, Value as Json};
use simfra_gen_lambda::types::*;
use simfra_model::{Bytes, RequestContext, ServiceError, Timestamp};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

struct Mapping {
    account: String,
    region: String,
    config: EventSourceMappingConfiguration,
    /// Shared with the pollers: whether to poll, and whether the mapping is gone.
    enabled: Arc<AtomicBool>,
    deleted: Arc<AtomicBool>,
}

fn mappings() -> &'static Mutex<BTreeMap<String, Mapping>> {
    static M: OnceLock<Mutex<BTreeMap<String, Mapping>>> = OnceLock::new();
    M.get_or_init(Default::default)
}

fn lock() -> std::sync::MutexGuard<'static, BTreeMap<String, Mapping>> {
    mappings().lock().unwrap_or_else(|e| e.into_inner())
}

fn not_found() -> ServiceError {
    errors::not_found("The resource you requested does not exist.")
}

fn source_kind(arn: &str) -> &str {
    arn.split(':').nth(2).unwrap_or("")
}

/// What a poller reads of its mapping (re-read each batch, so updates apply).
pub(crate) fn snapshot(uuid: &str) -> Option<(EventSourceMappingConfiguration, String, String)> {
    lock().get(uuid).map(|m| (m.config.clone(), m.account.clone(), m.region.clone()))
}

pub(crate) fn function_ref_of(arn: &str) -> Option<FunctionRef> {
    let p: Vec<&str> = arn.split(':').collect();
    (p.len() >= 7).then(|| FunctionRef { account: p[4].into(), region: p[3].into(), name: p[6].into(), qualifier: p.get(7).map(|q| q.to_string()) })
}

fn check_filters(fc: &Option<FilterCriteria>) -> Result<(), ServiceError> {
    for f in fc.iter().flat_map(|c| c.filters.iter().flatten()) {
        let p = f.pattern.as_deref().unwrap_or("");
        if serde_json::from_str::<Json>(p).ok().filter(Json::is_object).is_none() {
            return Err(errors::invalid(format!("Invalid filter pattern definition: {p}")));
        }
    }
    Ok(())
}

fn check_batching(source: &str, batch: i32, window: i32) -> Result<(), ServiceError> {
    let kind = source_kind(source);
    // FIFO queues take batches of up to 10; every other source up to 10,000.
    let max = if kind == "sqs" && source.ends_with(".fifo") { 10 } else { 10_000 };
    if !(1..=max).contains(&batch) {
        return Err(errors::invalid(format!("BatchSize must be between 1 and {max}.")));
    }
    if kind == "sqs" && batch > 10 && window == 0 {
        return Err(errors::invalid("Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10"));
    }
    Ok(())
}

pub fn create(ctx: &RequestContext, input: CreateEventSourceMappingRequest) -> Result<EventSourceMappingConfiguration, ServiceError> {
    let f = names::parse(ctx, &input.function_name, None)?;
    crate::invoke::check_exists(&f)?;
    let source = input.event_source_arn.clone().ok_or_else(|| errors::invalid("Unrecognized event source, must be kinesis, dynamodb stream, sqs, amazon mq, self managed kafka or msk."))?;
    let kind = source_kind(&source).to_string();
    match kind.as_str() {
        "sqs" => {
            if simfra_svc_sqs::pollers::visibility_timeout(&source).is_none() {
                return Err(errors::invalid(
                    "Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified queue does not exist or you do not have access to it.",
                ));
            }
        }
        "dynamodb" if crate::streams::latest(&source).is_none() => {
            return Err(errors::invalid(format!("Stream not found: {source}")));
        }
        "kinesis" | "dynamodb" => {
            if input.starting_position.is_none() {
                return Err(errors::invalid("1 validation error detected: Value null at 'startingPosition' failed to satisfy constraint: Member must not be null"));
            }
        }
        _ => return Err(errors::invalid("Unrecognized event source, must be kinesis, dynamodb stream, sqs, amazon mq, self managed kafka or msk.")),
    }
    let batch = input.batch_size.unwrap_or(if kind == "sqs" { 10 } else { 100 });
    let window = input.maximum_batching_window_in_seconds.unwrap_or(0);
    check_batching(&source, batch, window)?;
    check_filters(&input.filter_criteria)?;
    let function_arn = f.qualified_arn();
    let mut all = lock();
    if let Some((uuid, _)) = all.iter().find(|(_, m)| m.config.event_source_arn.as_deref() == Some(&source) && m.config.function_arn.as_deref() == Some(&function_arn)) {
        return Err(errors::conflict(format!(
            "An event source mapping with {} arn (\" {source} \") and function (\" {} \") already exists. Please update or delete the existing mapping with UUID {uuid}",
            if kind == "sqs" { "SQS" } else { "event source" },
            f.name
        )));
    }
    let uuid = simfra_identity::ids::uuid();
    let enabled = input.enabled.unwrap_or(true);
    let config = EventSourceMappingConfiguration {
        uuid: Some(uuid.clone()),
        starting_position: input.starting_position.clone(),
        starting_position_timestamp: input.starting_position_timestamp,
        batch_size: Some(batch),
        maximum_batching_window_in_seconds: Some(window),
        parallelization_factor: (kind != "sqs").then(|| input.parallelization_factor.unwrap_or(1)),
        event_source_arn: Some(source.clone()),
        filter_criteria: input.filter_criteria.clone(),
        function_arn: Some(function_arn),
        last_modified: Some(Timestamp::now()),
        last_processing_result: (kind != "sqs").then(|| "No records processed".to_string()),
        state: Some(if enabled { "Enabled" } else { "Disabled" }.into()),
        state_transition_reason: Some("USER_INITIATED".into()),
        destination_config: input.destination_config.clone(),
        maximum_record_age_in_seconds: input.maximum_record_age_in_seconds.or((kind != "sqs").then_some(-1)),
        bisect_batch_on_function_error: input.bisect_batch_on_function_error.or((kind != "sqs").then_some(false)),
        maximum_retry_attempts: input.maximum_retry_attempts.or((kind != "sqs").then_some(-1)),
        tumbling_window_in_seconds: input.tumbling_window_in_seconds,
        function_response_types: input.function_response_types.clone(),
        scaling_config: input.scaling_config.clone(),
        kms_key_arn: input.kms_key_arn.clone(),
        event_source_mapping_arn: Some(format!("arn:aws:lambda:{}:{}:event-source-mapping:{uuid}", f.region, f.account)),
        metrics_config: input.metrics_config.clone(),
        ..Default::default()
    };
    let enabled_flag = Arc::new(AtomicBool::new(enabled));
    let deleted = Arc::new(AtomicBool::new(false));
    all.insert(
        uuid.clone(),
        Mapping {
            account: f.account.clone(),
            region: f.region.clone(),
            config: config.clone(),
            enabled: enabled_flag.clone(),
            deleted: deleted.clone(),
        },
    );
    drop(all);
    if kind == "dynamodb" {
        let start = match input.starting_position {
            Some(EventSourcePosition::Latest) => crate::streams::latest(&source).unwrap_or(0),
            _ => 0,
        };
        tokio::spawn(crate::streams::poll(uuid.clone(), start, enabled_flag.clone(), deleted.clone()));
    }
    if kind == "sqs" {
        let pollers = input.scaling_config.as_ref().and_then(|s| s.maximum_concurrency).unwrap_or(DEFAULT_POLLERS).clamp(1, DEFAULT_POLLERS.max(2));
        for _ in 0..pollers {
            tokio::spawn(poll_sqs(uuid.clone(), enabled_flag.clone(), deleted.clone()));
        }
    }
    let mut answer = config;
    answer.state = Some("Creating".into());
    Ok(answer)
}

/// Lambda starts SQS mappings with five concurrent pollers.
const DEFAULT_POLLERS: i32 = 5;

fn visible(ctx: &RequestContext, m: &Mapping) -> bool {
    m.region == ctx.region && ctx.may_reach(&m.account)
}

pub fn get(ctx: &RequestContext, uuid: &str) -> Result<EventSourceMappingConfiguration, ServiceError> {
    lock().get(uuid).filter(|m| visible(ctx, m)).map(|m| m.config.clone()).ok_or_else(not_found)
}

pub fn update(ctx: &RequestContext, input: UpdateEventSourceMappingRequest) -> Result<EventSourceMappingConfiguration, ServiceError> {
    let new_function = match &input.function_name {
        Some(name) => {
            let f = names::parse(ctx, name, None)?;
            crate::invoke::check_exists(&f)?;
            Some(f.qualified_arn())
        }
        None => None,
    };
    check_filters(&input.filter_criteria)?;
    let mut all = lock();
    let m = all.get_mut(&input.uuid).filter(|m| m.region == ctx.region && ctx.may_reach(&m.account)).ok_or_else(not_found)?;
    let source = m.config.event_source_arn.clone().unwrap_or_default();
    let c = &mut m.config;
    let batch = input.batch_size.or(c.batch_size).unwrap_or(10);
    let window = input.maximum_batching_window_in_seconds.or(c.maximum_batching_window_in_seconds).unwrap_or(0);
    check_batching(&source, batch, window)?;
    c.batch_size = Some(batch);
    c.maximum_batching_window_in_seconds = Some(window);
    if let Some(f) = new_function {
        c.function_arn = Some(f);
    }
    if input.filter_criteria.is_some() {
        c.filter_criteria = input.filter_criteria.clone().filter(|f| f.filters.as_ref().is_some_and(|v| !v.is_empty()));
    }
    if input.function_response_types.is_some() {
        c.function_response_types = input.function_response_types.clone();
    }
    if input.scaling_config.is_some() {
        c.scaling_config = input.scaling_config.clone();
    }
    if input.destination_config.is_some() {
        c.destination_config = input.destination_config.clone();
    }
    if let Some(e) = input.enabled {
        m.enabled.store(e, Ordering::SeqCst);
        c.state = Some(if e { "Enabled" } else { "Disabled" }.into());
        c.state_transition_reason = Some("USER_INITIATED".into());
    }
    c.last_modified = Some(Timestamp::now());
    let mut answer = c.clone();
    answer.state = Some(if input.enabled == Some(false) { "Disabling" } else if input.enabled == Some(true) { "Enabling" } else { "Updating" }.into());
    Ok(answer)
}

pub fn delete(ctx: &RequestContext, uuid: &str) -> Result<EventSourceMappingConfiguration, ServiceError> {
    let mut all = lock();
    if !all.get(uuid).is_some_and(|m| visible(ctx, m)) {
        return Err(not_found());
    }
    let m = all.remove(uuid).ok_or_else(not_found)?;
    m.deleted.store(true, Ordering::SeqCst);
    let mut answer = m.config;
    answer.state = Some("Deleting".into());
    Ok(answer)
}

pub fn list(ctx: &RequestContext, input: ListEventSourceMappingsRequest) -> Result<ListEventSourceMappingsResponse, ServiceError> {
    let function_arn = match &input.function_name {
        Some(n) => Some(names::parse(ctx, n, None)?),
        None => None,
    };
    let items: Vec<EventSourceMappingConfiguration> = lock()
        .values()
        .filter(|m| visible(ctx, m))
        .filter(|m| input.event_source_arn.as_ref().is_none_or(|a| m.config.event_source_arn.as_ref() == Some(a)))
        .filter(|m| {
            function_arn.as_ref().is_none_or(|f| {
                let arn = m.config.function_arn.clone().unwrap_or_default();
                arn == f.qualified_arn() || (f.qualifier.is_none() && arn.starts_with(&format!("{}:", f.arn())))
            })
        })
        .map(|m| m.config.clone())
        .collect();
    let (page, next) = paginate(items, input.marker.as_deref(), input.max_items, |c| c.uuid.clone().unwrap_or_default())?;
    Ok(ListEventSourceMappingsResponse { event_source_mappings: Some(page), next_marker: next })
}

// ---------------------------------------------------------------- SQS pollers

fn sqs_record(m: &simfra_svc_sqs::Message, queue_arn: &str, region: &str) -> Json {
    let mut attributes = Map::new();
    for (k, v) in m.attributes.iter().flatten() {
        attributes.insert(k.clone(), json!(v));
    }
    let mut message_attributes = Map::new();
    for (k, v) in m.message_attributes.iter().flatten() {
        let mut a = json!({"stringListValues": [], "binaryListValues": [], "dataType": v.data_type});
        if let Some(s) = &v.string_value {
            a["stringValue"] = json!(s);
        }
        if let Some(b) = &v.binary_value {
            use base64::Engine as _;
            a["binaryValue"] = json!(base64::engine::general_purpose::STANDARD.encode(b));
        }
        message_attributes.insert(k.clone(), a);
    }
    let mut r = json!({
        "messageId": m.message_id,
        "receiptHandle": m.receipt_handle,
        "body": m.body,
        "attributes": attributes,
        "messageAttributes": message_attributes,
        "md5OfBody": m.md5_of_body,
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    });
    if let Some(md5) = &m.md5_of_message_attributes {
        r["md5OfMessageAttributes"] = json!(md5);
    }
    r
}

async fn poll_sqs(uuid: String, enabled: Arc<AtomicBool>, deleted: Arc<AtomicBool>) {
    let mut backoff = Duration::from_millis(200);
    while !deleted.load(Ordering::SeqCst) {
        if !enabled.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(500)).await;
            continue;
        }
        let Some((config, _account, region)) = snapshot(&uuid) else { return };
        let queue = config.event_source_arn.clone().unwrap_or_default();
        let batch_size = config.batch_size.unwrap_or(10).max(1) as usize;
        let window = Duration::from_secs(config.maximum_batching_window_in_seconds.unwrap_or(0).max(0) as u64);
        // Long-poll for the first messages, then fill the batch within the window.
        let Some(mut batch) = simfra_svc_sqs::pollers::receive_batch(&queue, batch_size.min(10), Duration::from_secs(1)).await else {
            tokio::time::sleep(Duration::from_secs(1)).await;
            continue;
        };
        if batch.is_empty() {
            continue;
        }
        let window_end = Instant::now() + window;
        while batch.len() < batch_size && Instant::now() < window_end && !deleted.load(Ordering::SeqCst) {
            let wait = window_end.saturating_duration_since(Instant::now());
            match simfra_svc_sqs::pollers::receive_batch(&queue, (batch_size - batch.len()).min(10), wait).await {
                Some(more) if !more.is_empty() => batch.extend(more),
                _ => break,
            }
        }
        let records: Vec<(Json, String)> = batch
            .iter()
            .map(|m| (sqs_record(m, &queue, &region), m.receipt_handle.clone().unwrap_or_default()))
            .collect();
        // Messages no filter matches are consumed without an invocation.
        let patterns = filters::compile(config.filter_criteria.as_ref());
        let (matching, dropped): (Vec<_>, Vec<_>) = records.into_iter().partition(|(r, _)| filters::matches_any(&patterns, r));
        for (_, handle) in &dropped {
            simfra_svc_sqs::pollers::delete(&queue, handle);
        }
        if matching.is_empty() {
            continue;
        }
        let Some(function) = config.function_arn.as_deref().and_then(function_ref_of) else { return };
        let event = json!({"Records": matching.iter().map(|(r, _)| r.clone()).collect::<Vec<_>>()});
        let reports_failures = config.function_response_types.iter().flatten().any(|t| *t == FunctionResponseType::ReportBatchItemFailures);
        match crate::invoke::run(&function, Bytes::from(event.to_string()), false, None).await {
            Ok(done) if done.function_error.is_none() => {
                backoff = Duration::from_millis(200);
                let failed = if reports_failures { failed_items(&done.payload, &matching) } else { Some(Vec::new()) };
                // An unreadable batch-failure answer fails the whole batch, as on AWS.
                let Some(failed) = failed else { continue };
                for (r, handle) in &matching {
                    let id = r["messageId"].as_str().unwrap_or("");
                    if !failed.iter().any(|f| f == id) {
                        simfra_svc_sqs::pollers::delete(&queue, handle);
                    }
                }
            }
            // A failed batch returns to the queue when its visibility timeout ends.
            Ok(_) => {}
            Err(_) => {
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(10));
            }
        }
    }
}

/// The message ids of `{"batchItemFailures": [{"itemIdentifier": id}]}`;
/// None when the answer is malformed or names a message not in the batch.
fn failed_items(payload: &[u8], batch: &[(Json, String)]) -> Option<Vec<String>> {
    let v: Json = serde_json::from_slice(payload).ok()?;
    let list = match v.get("batchItemFailures") {
        None | Some(Json::Null) => return Some(Vec::new()),
        Some(Json::Array(a)) => a,
        Some(_) => return None,
    };
    let mut out = Vec::new();
    for item in list {
        let id = item.get("itemIdentifier")?.as_str().filter(|s| !s.is_empty())?;
        if !batch.iter().any(|(r, _)| r["messageId"] == id) {
            return None;
        }
        out.push(id.to_string());
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_item_failures_name_messages_of_the_batch() {
        let batch = vec![(json!({"messageId": "a"}), "h1".to_string()), (json!({"messageId": "b"}), "h2".to_string())];
        assert_eq!(failed_items(br#"{"batchItemFailures": [{"itemIdentifier": "b"}]}"#, &batch), Some(vec!["b".to_string()]));
        assert_eq!(failed_items(br#"{"batchItemFailures": []}"#, &batch), Some(vec![]));
        assert_eq!(failed_items(b"null", &batch), Some(vec![]));
        // Unknown ids, empty ids or a malformed answer fail the whole batch.
        assert_eq!(failed_items(br#"{"batchItemFailures": [{"itemIdentifier": "zzz"}]}"#, &batch), None);
        assert_eq!(failed_items(br#"{"batchItemFailures": [{"itemIdentifier": ""}]}"#, &batch), None);
        assert_eq!(failed_items(br#"{"batchItemFailures": "x"}"#, &batch), None);
    }
}
