//! Asynchronous invocations (`InvocationType=Event`): Lambda queues the
//! event and answers 202; the event is then run, retried after function
//! errors (`MaximumRetryAttempts`, default 2, one minute before the first
//! retry and two before the second) while it is younger than
//! `MaximumEventAgeInSeconds` (default 6 hours), and its outcome goes to the
//! function's destinations (OnSuccess / OnFailure: SQS, SNS, Lambda) and,
//! for failures, its dead-letter queue.
//!
//! `SIMFRA_LAMBDA_ASYNC_RETRY_DELAY_SECONDS` (default 60) sets the first
//! retry's wait (the second waits twice as long); tests shorten it.

use crate::errors;
use crate::invoke::{self, Invoked};
use crate::names::FunctionRef;
use crate::store;
use serde_json::{json, Value as Json};
use simfra_model::{Bytes, ServiceError};
use std::time::{Duration, Instant};

fn retry_delay(retry: u32) -> Duration {
    let base = std::env::var("SIMFRA_LAMBDA_ASYNC_RETRY_DELAY_SECONDS").ok().and_then(|v| v.parse::<f64>().ok()).unwrap_or(60.0);
    Duration::from_secs_f64(base.max(0.0) * f64::from(retry))
}

/// Queues an event for the function; answers the request id.
pub fn enqueue(f: FunctionRef, payload: Bytes) -> Result<String, ServiceError> {
    if payload.len() > invoke::MAX_ASYNC_PAYLOAD {
        return Err(errors::request_too_large(invoke::MAX_ASYNC_PAYLOAD));
    }
    invoke::check_exists(&f)?;
    let request_id = simfra_identity::ids::uuid();
    let id = request_id.clone();
    tokio::spawn(async move { process(f, payload, id).await });
    Ok(request_id)
}

struct Settings {
    max_retries: u32,
    max_age: Duration,
    on_success: Option<String>,
    on_failure: Option<String>,
    dead_letter: Option<String>,
    role_arn: Option<String>,
}

fn settings(f: &FunctionRef) -> Option<Settings> {
    store::with_function(f, |function| {
        let key = f.qualifier.clone().unwrap_or_else(|| "$LATEST".into());
        let cfg = function.invoke_configs.get(&key).cloned().unwrap_or_default();
        let version = function.version(f.qualifier.as_deref());
        let dest = cfg.destination_config.unwrap_or_default();
        Ok(Settings {
            max_retries: cfg.maximum_retry_attempts.unwrap_or(2).clamp(0, 2) as u32,
            max_age: Duration::from_secs(cfg.maximum_event_age_in_seconds.unwrap_or(21_600).max(60) as u64),
            on_success: dest.on_success.and_then(|d| d.destination),
            on_failure: dest.on_failure.and_then(|d| d.destination),
            dead_letter: version.and_then(|v| v.config.dead_letter_config.as_ref()?.target_arn.clone()),
            role_arn: version.and_then(|v| v.config.role.clone()),
        })
    })
    .ok()
}

fn is_system_error(e: &ServiceError) -> bool {
    matches!(e.code.as_str(), "TooManyRequestsException" | "ResourceNotReadyException" | "ServiceException")
}

async fn process(f: FunctionRef, payload: Bytes, request_id: String) {
    let queued = Instant::now();
    let Some(s) = settings(&f) else { return };
    let mut invocations = 0u32;
    let mut retries = 0u32;
    let mut system_backoff = Duration::from_millis(500);
    loop {
        if queued.elapsed() > s.max_age {
            finish(&f, &s, &payload, &request_id, None, invocations, "EventAgeExceeded").await;
            return;
        }
        match invoke::run(&f, payload.clone(), false, None).await {
            Ok(done) if done.function_error.is_none() => {
                invocations += 1;
                if let Some(d) = &s.on_success {
                    deliver(d, &record(&f, &request_id, &payload, Some(&done), invocations, "Success"), &s, None).await;
                }
                return;
            }
            Ok(done) => {
                invocations += 1;
                if retries >= s.max_retries {
                    finish(&f, &s, &payload, &request_id, Some(&done), invocations, "RetriesExhausted").await;
                    return;
                }
                retries += 1;
                tokio::time::sleep(retry_delay(retries)).await;
            }
            // Throttles and failures to start an environment are retried
            // until the event is too old, without counting as attempts.
            Err(e) if is_system_error(&e) => {
                tokio::time::sleep(system_backoff).await;
                system_backoff = (system_backoff * 2).min(Duration::from_secs(300));
            }
            // The function or its version is gone: the event is dropped.
            Err(_) => return,
        }
    }
}

async fn finish(f: &FunctionRef, s: &Settings, payload: &Bytes, request_id: &str, done: Option<&Invoked>, invocations: u32, condition: &str) {
    if let Some(d) = &s.on_failure {
        deliver(d, &record(f, request_id, payload, done, invocations, condition), s, None).await;
    }
    if let Some(dlq) = &s.dead_letter {
        let message = done
            .and_then(|d| serde_json::from_slice::<Json>(&d.payload).ok())
            .and_then(|p| p.get("errorMessage").and_then(Json::as_str).map(str::to_string))
            .unwrap_or_else(|| condition.to_string());
        let attrs = vec![("RequestID", request_id.to_string()), ("ErrorCode", "200".to_string()), ("ErrorMessage", message)];
        deliver(dlq, &String::from_utf8_lossy(payload), s, Some(attrs)).await;
    }
}

fn as_json(b: &[u8]) -> Json {
    serde_json::from_slice(b).unwrap_or_else(|_| Json::String(String::from_utf8_lossy(b).into_owned()))
}

/// The invocation record destinations receive.
fn record(f: &FunctionRef, request_id: &str, payload: &Bytes, done: Option<&Invoked>, invocations: u32, condition: &str) -> String {
    let version = done.map(|d| d.executed_version.clone()).unwrap_or_else(|| "$LATEST".into());
    let mut response_context = json!({"statusCode": 200, "executedVersion": version});
    if let Some(fe) = done.and_then(|d| d.function_error.clone()) {
        response_context["functionError"] = json!(fe);
    }
    let mut r = json!({
        "version": "1.0",
        "timestamp": iso_now(),
        "requestContext": {
            "requestId": request_id,
            "functionArn": format!("{}:{version}", f.arn()),
            "condition": condition,
            "approximateInvokeCount": invocations,
        },
        "requestPayload": as_json(payload),
        "responseContext": response_context,
    });
    if let Some(d) = done {
        r["responsePayload"] = as_json(&d.payload);
    }
    r.to_string()
}

pub fn iso_now() -> String {
    iso_of_millis(simfra_model::Timestamp::now().as_millis())
}

/// `2019-11-14T18:16:05.568Z`
pub fn iso_of_millis(ms: i64) -> String {
    let (y, mo, d, h, mi, s) = simfra_model::calendar::utc_parts(ms.div_euclid(1000));
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{:03}Z", ms.rem_euclid(1000))
}

/// Sends to a destination or dead-letter target, as the function's
/// execution role would (SQS sees the role's session as the sender).
async fn deliver(target: &str, body: &str, s: &Settings, attributes: Option<Vec<(&str, String)>>) {
    send(target, body, s.role_arn.as_deref(), attributes);
}

/// Sends a record to an SQS queue, an SNS topic or (as an event) a function.
pub fn send(target: &str, body: &str, role_arn: Option<&str>, attributes: Option<Vec<(&str, String)>>) {
    let service = target.split(':').nth(2).unwrap_or("");
    match service {
        "sqs" => {
            let sender = role_arn
                .and_then(simfra_identity::iam::role_of_arn)
                .and_then(|(a, n)| simfra_identity::iam::role(a, n))
                .map(|r| r.role_id)
                .unwrap_or_default();
            let attributes = attributes
                .unwrap_or_default()
                .into_iter()
                .map(|(k, v)| {
                    let value = simfra_svc_sqs::MessageAttributeValue { string_value: Some(v), data_type: "String".into(), ..Default::default() };
                    (k.to_string(), value)
                })
                .collect();
            let envelope = simfra_svc_sqs::Envelope { body: body.to_string(), attributes, group_id: None, dedup_id: None, sender_id: sender };
            let _ = simfra_svc_sqs::deliver(target, envelope);
        }
        "sns" => {
            let _ = simfra_svc_sns::publish_internal(target, body);
        }
        "lambda" => {
            let parts: Vec<&str> = target.split(':').collect();
            if parts.len() >= 7 {
                let f = FunctionRef {
                    account: parts[4].into(),
                    region: parts[3].into(),
                    name: parts[6].into(),
                    qualifier: parts.get(7).map(|q| q.to_string()),
                };
                let _ = enqueue(f, Bytes::from(body.to_string()));
            }
        }
        _ => {}
    }
}
