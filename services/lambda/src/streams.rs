//! DynamoDB Streams event source mappings: a poller per mapping reads the
//! stream's shard from its checkpoint (`TRIM_HORIZON` or `LATEST` at
//! creation), invokes the function with batches of records in order, and
//! moves the checkpoint only past handled records. A failing batch is
//! retried (`MaximumRetryAttempts`, -1 = until the records expire), split in
//! two first with `BisectBatchOnFunctionError`, dropped once older than
//! `MaximumRecordAgeInSeconds`; exhausted batches go to the OnFailure
//! destination with their `DDBStreamBatchInfo`. With
//! `ReportBatchItemFailures` the checkpoint moves to the first failed
//! record's sequence number.

use crate::events;
use crate::filters;
use crate::names::FunctionRef;
use serde_json::{json, Value as Json};
use simfra_gen_lambda::types::*;
use simfra_model::{Bytes, ToValue};
use simfra_svc_dynamodb::StreamPosition;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Whether a stream exists, and its position now (for `LATEST`).
pub fn latest(stream_arn: &str) -> Option<u128> {
    simfra_svc_dynamodb::read_stream(stream_arn, StreamPosition::Latest, 0).map(|(_, after)| after)
}

/// A stream record as Lambda's event carries it (GetRecords' JSON plus the source ARN).
fn record_json(r: simfra_gen_dynamodb_streams::types::Record, stream_arn: &str) -> Json {
    let schema = &simfra_gen_dynamodb_streams::SCHEMA;
    let Some(shape) = schema.shape_by_name("Record") else { return Json::Null };
    let bytes = simfra_protocols::json::encode_struct(schema, shape, &r.to_value(), simfra_protocols::json::JsonMode::Rpc);
    let mut v: Json = serde_json::from_slice(&bytes).unwrap_or(Json::Null);
    v["eventSourceARN"] = json!(stream_arn);
    v
}

fn sequence(r: &Json) -> Option<u128> {
    r["dynamodb"]["SequenceNumber"].as_str()?.parse().ok()
}

fn created_secs(r: &Json) -> Option<f64> {
    r["dynamodb"]["ApproximateCreationDateTime"].as_f64()
}

/// The sequence number of the first failed item an answer reports, `Ok(None)`
/// for none; `Err` for an answer that cannot be read (the whole batch failed).
fn first_failure(payload: &[u8], batch: &[Json]) -> Result<Option<u128>, ()> {
    let v: Json = serde_json::from_slice(payload).map_err(|_| ())?;
    let list = match v.get("batchItemFailures") {
        None | Some(Json::Null) => return Ok(None),
        Some(Json::Array(a)) => a,
        Some(_) => return Err(()),
    };
    let mut lowest: Option<u128> = None;
    for item in list {
        let n: u128 = item.get("itemIdentifier").and_then(Json::as_str).and_then(|s| s.parse().ok()).ok_or(())?;
        if !batch.iter().any(|r| sequence(r) == Some(n)) {
            return Err(());
        }
        lowest = Some(lowest.map_or(n, |l| l.min(n)));
    }
    Ok(lowest)
}

pub async fn poll(uuid: String, start: u128, enabled: Arc<AtomicBool>, deleted: Arc<AtomicBool>) {
    let mut position = start;
    let mut attempts = 0u32;
    let mut limit_override: Option<usize> = None;
    let mut waiting_since: Option<Instant> = None;
    while !deleted.load(Ordering::SeqCst) {
        if !enabled.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(500)).await;
            continue;
        }
        let Some((config, _, _)) = crate::mappings::snapshot(&uuid) else { return };
        let stream = config.event_source_arn.clone().unwrap_or_default();
        let batch_size = config.batch_size.unwrap_or(100).max(1) as usize;
        let limit = limit_override.unwrap_or(batch_size);
        let Some((records, after)) = simfra_svc_dynamodb::read_stream(&stream, StreamPosition::At(position), limit) else {
            tokio::time::sleep(Duration::from_secs(1)).await;
            continue;
        };
        if records.is_empty() {
            // Lambda polls a shard four times a second.
            tokio::time::sleep(Duration::from_millis(250)).await;
            continue;
        }
        // Batching window: wait for a full batch up to the window.
        let window = Duration::from_secs(config.maximum_batching_window_in_seconds.unwrap_or(0).max(0) as u64);
        if records.len() < limit && !window.is_zero() && limit_override.is_none() {
            let since = *waiting_since.get_or_insert_with(Instant::now);
            if since.elapsed() < window {
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        }
        waiting_since = None;
        let batch: Vec<Json> = records.into_iter().map(|r| record_json(r, &stream)).collect();
        let patterns = filters::compile(config.filter_criteria.as_ref());
        let matching: Vec<Json> = batch.iter().filter(|r| filters::matches_any(&patterns, r)).cloned().collect();
        if matching.is_empty() {
            position = after;
            continue;
        }
        let Some(function) = config.function_arn.as_deref().and_then(crate::mappings::function_ref_of) else { return };
        let max_age = config.maximum_record_age_in_seconds.unwrap_or(-1);
        let now = simfra_model::Timestamp::now().as_millis() as f64 / 1000.0;
        let too_old = max_age >= 0 && matching.first().and_then(created_secs).is_some_and(|t| now - t > max_age as f64);
        let reports_failures = config.function_response_types.iter().flatten().any(|t| *t == FunctionResponseType::ReportBatchItemFailures);
        let outcome = if too_old {
            Err("RecordAgeExceeded")
        } else {
            let event = json!({"Records": matching});
            match crate::invoke::run(&function, Bytes::from(event.to_string()), false, None).await {
                Ok(done) if done.function_error.is_none() => {
                    match if reports_failures { first_failure(&done.payload, &matching) } else { Ok(None) } {
                        Ok(None) => Ok(()),
                        // Handled up to the first failure: resume there.
                        Ok(Some(seq)) => {
                            position = seq;
                            Err("RetryAttemptsExhausted")
                        }
                        Err(()) => Err("RetryAttemptsExhausted"),
                    }
                }
                _ => Err("RetryAttemptsExhausted"),
            }
        };
        match outcome {
            Ok(()) => {
                position = after;
                attempts = 0;
                limit_override = None;
            }
            Err(condition) => {
                attempts += 1;
                let max_retries = config.maximum_retry_attempts.unwrap_or(-1);
                let exhausted = too_old || (max_retries >= 0 && attempts > max_retries as u32);
                if exhausted {
                    if let Some(target) = config.destination_config.as_ref().and_then(|d| d.on_failure.as_ref()).and_then(|d| d.destination.clone()) {
                        events::send(&target, &failure_record(&function, &stream, &matching, attempts, condition), None, None);
                    }
                    position = after;
                    attempts = 0;
                    limit_override = None;
                } else {
                    if config.bisect_batch_on_function_error == Some(true) && matching.len() > 1 {
                        limit_override = Some((matching.len() / 2).max(1));
                    }
                    tokio::time::sleep(Duration::from_millis((200 * u64::from(attempts)).min(5000))).await;
                }
            }
        }
    }
}

fn failure_record(f: &FunctionRef, stream: &str, batch: &[Json], invocations: u32, condition: &str) -> String {
    let first = batch.first().cloned().unwrap_or(Json::Null);
    let last = batch.last().cloned().unwrap_or(Json::Null);
    let arrival = |r: &Json| created_secs(r).map(|t| events::iso_of_millis((t * 1000.0) as i64));
    json!({
        "requestContext": {
            "requestId": simfra_identity::ids::uuid(),
            "functionArn": f.qualified_arn(),
            "condition": condition,
            "approximateInvokeCount": invocations,
        },
        "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
        "version": "1.0",
        "timestamp": events::iso_now(),
        "DDBStreamBatchInfo": {
            "startSequenceNumber": first["dynamodb"]["SequenceNumber"],
            "endSequenceNumber": last["dynamodb"]["SequenceNumber"],
            "approximateArrivalOfFirstRecord": arrival(&first),
            "approximateArrivalOfLastRecord": arrival(&last),
            "batchSize": batch.len(),
            "streamArn": stream,
        },
    })
    .to_string()
}
