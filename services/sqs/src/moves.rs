//! Message move tasks: moving messages out of a dead-letter queue, back to
//! the queues they came from (each message's `DeadLetterQueueSourceArn`) or
//! to a named destination, at an optional rate. Each task runs as a tokio
//! task; ListMessageMoveTasks shows its progress.

use crate::validate::invalid_parameter;
use crate::*;
use std::sync::atomic::{AtomicBool, Ordering};

pub struct MoveTask {
    handle: String,
    source_arn: String,
    destination_arn: Option<String>,
    rate: Option<i32>,
    status: &'static str,
    moved: i64,
    to_move: i64,
    failure_reason: Option<String>,
    started_ms: i64,
    cancel: Arc<AtomicBool>,
}

fn not_found(param: &str) -> ServiceError {
    ResourceNotFoundException { message: Some(format!("The resource that you specified for the {param} parameter doesn't exist.")) }
        .into()
}

fn region_of<'a>(state: &Scoped<Region>, ctx: &RequestContext, arn: &'a str, param: &str) -> Result<(Arc<Region>, &'a str), ServiceError> {
    let (region, account, name) = split_arn(arn).ok_or_else(|| not_found(param))?;
    if region != ctx.region || !ctx.may_reach(account) {
        return Err(not_found(param));
    }
    Ok((state.get(account, region), name))
}

pub fn start(state: &'static Scoped<Region>, ctx: &RequestContext, input: StartMessageMoveTaskRequest) -> Result<StartMessageMoveTaskResult, ServiceError> {
    if let Some(rate) = input.max_number_of_messages_per_second {
        if !(1..=500).contains(&rate) {
            return Err(invalid_parameter(format!(
                "Value {rate} for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: Must be between 1 and 500."
            )));
        }
    }
    let (region, source_name) = region_of(state, ctx, &input.source_arn, "SourceArn")?;
    let to_move = {
        let mut queues = region.lock();
        if queues.get(source_name).is_none_or(|q| q.arn != input.source_arn) {
            return Err(not_found("SourceArn"));
        }
        let is_dlq = queues.values().any(|q| q.redrive_policy().is_some_and(|p| p.dead_letter_target_arn == input.source_arn));
        if !is_dlq {
            return Err(invalid_parameter("Source queue must be configured as a Dead Letter Queue."));
        }
        if let Some(dest) = &input.destination_arn {
            let (_, dest_account, dest_name) = split_arn(dest).ok_or_else(|| not_found("DestinationArn"))?;
            if dest_account != split_arn(&input.source_arn).map(|p| p.1).unwrap_or("") || queues.get(dest_name).is_none_or(|q| &q.arn != dest) {
                return Err(not_found("DestinationArn"));
            }
        }
        let (visible, _, _) = queues.get_mut(source_name).map(|q| q.counts()).unwrap_or((0, 0, 0));
        visible as i64
    };
    let task_id = uuid();
    let handle = api::encode_hex(
        serde_json::json!({"taskId": task_id, "sourceArn": input.source_arn}).to_string().as_bytes(),
    );
    let cancel = Arc::new(AtomicBool::new(false));
    {
        let mut tasks = region.moves.lock().unwrap_or_else(|e| e.into_inner());
        if tasks.iter().any(|t| t.source_arn == input.source_arn && matches!(t.status, "RUNNING" | "CANCELLING")) {
            return Err(invalid_parameter(
                "There is already a task running. Only one active task is allowed for a source queue arn at a given time.",
            ));
        }
        tasks.push(MoveTask {
            handle: handle.clone(),
            source_arn: input.source_arn.clone(),
            destination_arn: input.destination_arn.clone(),
            rate: input.max_number_of_messages_per_second,
            status: "RUNNING",
            moved: 0,
            to_move,
            failure_reason: None,
            started_ms: Timestamp::now().as_millis(),
            cancel: cancel.clone(),
        });
    }
    tokio::spawn(run(region, source_name.to_string(), handle.clone(), input.destination_arn, input.max_number_of_messages_per_second, cancel));
    Ok(StartMessageMoveTaskResult { task_handle: Some(handle) })
}

const TICK: Duration = Duration::from_millis(100);

async fn run(region: Arc<Region>, source: String, handle: String, destination: Option<String>, rate: Option<i32>, cancel: Arc<AtomicBool>) {
    let per_tick = rate.map(|r| ((r as usize) / 10).max(1)).unwrap_or(1000);
    let mut carry = 0.0f64;
    loop {
        let (status, moved, failure) = {
            let mut queues = region.lock();
            if cancel.load(Ordering::SeqCst) {
                ("CANCELLED", 0, None)
            } else {
                // Rates below 10/s move one message every few ticks.
                let mut n = per_tick;
                if let Some(r) = rate.filter(|r| *r < 10) {
                    carry += r as f64 / 10.0;
                    n = carry as usize;
                    carry -= n as f64;
                }
                let taken = match queues.get_mut(&source) {
                    Some(q) => q.take_for_move(n),
                    None => Vec::new(),
                };
                let source_gone = !queues.contains_key(&source);
                let exhausted = taken.is_empty() && n > 0;
                let mut moved = 0;
                let mut failure = None;
                for m in taken {
                    let target_arn = destination.clone().or_else(|| m.dead_letter_source_arn.clone());
                    let target = target_arn.as_deref().and_then(|a| split_arn(a)).map(|p| p.2.to_string());
                    let message = queue::NewMessage {
                        id: uuid(),
                        body: m.body,
                        attributes: m.attributes,
                        system_attributes: m.system_attributes,
                        delay: Duration::ZERO,
                        group_id: m.group_id,
                        dedup_id: None,
                        sender_id: m.sender_id,
                        sent: m.sent,
                        enqueued_at: Instant::now(),
                        dead_letter_source_arn: None,
                    };
                    match target.and_then(|t| queues.get_mut(&t)) {
                        Some(q) => {
                            q.push(message);
                            moved += 1;
                        }
                        None => {
                            failure = Some("AWS.SimpleQueueService.NonExistentQueue".to_string());
                            if let Some(q) = queues.get_mut(&source) {
                                q.push(queue::NewMessage { dead_letter_source_arn: m.dead_letter_source_arn, ..message });
                            }
                            break;
                        }
                    }
                }
                if failure.is_some() || source_gone {
                    ("FAILED", moved, failure.or(Some("AWS.SimpleQueueService.NonExistentQueue".into())))
                } else if exhausted {
                    ("COMPLETED", moved, None)
                } else {
                    ("RUNNING", moved, None)
                }
            }
        };
        region.arrivals.notify_waiters();
        {
            let mut tasks = region.moves.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(t) = tasks.iter_mut().find(|t| t.handle == handle) {
                t.moved += moved;
                t.status = status;
                t.failure_reason = failure;
            }
        }
        if status != "RUNNING" {
            return;
        }
        tokio::time::sleep(TICK).await;
    }
}

pub fn cancel(state: &'static Scoped<Region>, ctx: &RequestContext, input: CancelMessageMoveTaskRequest) -> Result<CancelMessageMoveTaskResult, ServiceError> {
    let bad = || -> ServiceError { ResourceNotFoundException { message: Some("Task does not exist.".into()) }.into() };
    let decoded = api::decode_hex(&input.task_handle).and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok()).ok_or_else(bad)?;
    let source = decoded.get("sourceArn").and_then(|v| v.as_str()).ok_or_else(bad)?;
    let (region, _) = region_of(state, ctx, source, "TaskHandle")?;
    let mut tasks = region.moves.lock().unwrap_or_else(|e| e.into_inner());
    let t = tasks.iter_mut().find(|t| t.handle == input.task_handle).ok_or_else(bad)?;
    if t.status != "RUNNING" {
        return Err(ServiceError::new("InvalidParameterValue", 400, "Only active tasks can be cancelled."));
    }
    t.cancel.store(true, Ordering::SeqCst);
    t.status = "CANCELLING";
    Ok(CancelMessageMoveTaskResult { approximate_number_of_messages_moved: Some(t.moved) })
}

pub fn list(state: &'static Scoped<Region>, ctx: &RequestContext, input: ListMessageMoveTasksRequest) -> Result<ListMessageMoveTasksResult, ServiceError> {
    let max = input.max_results.unwrap_or(1);
    if !(1..=10).contains(&max) {
        return Err(invalid_parameter(format!(
            "Value {max} for parameter MaxResults is invalid. Reason: Must be between 1 and 10."
        )));
    }
    let (region, name) = region_of(state, ctx, &input.source_arn, "SourceArn")?;
    if region.lock().get(name).is_none_or(|q| q.arn != input.source_arn) {
        return Err(not_found("SourceArn"));
    }
    let tasks = region.moves.lock().unwrap_or_else(|e| e.into_inner());
    let results = tasks
        .iter()
        .rev()
        .filter(|t| t.source_arn == input.source_arn)
        .take(max as usize)
        .map(|t| ListMessageMoveTasksResultEntry {
            task_handle: (t.status == "RUNNING").then(|| t.handle.clone()),
            status: Some(t.status.to_string()),
            source_arn: Some(t.source_arn.clone()),
            destination_arn: t.destination_arn.clone(),
            max_number_of_messages_per_second: t.rate,
            approximate_number_of_messages_moved: Some(t.moved),
            approximate_number_of_messages_to_move: Some(t.to_move),
            failure_reason: t.failure_reason.clone(),
            started_timestamp: Some(t.started_ms),
        })
        .collect();
    Ok(ListMessageMoveTasksResult { results: Some(results) })
}
