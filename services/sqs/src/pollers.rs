//! What other services' pollers use: Lambda's event source mappings receive
//! batches from a queue and delete what their function handled, as the
//! Lambda service does through the SQS API on AWS (with the queue's own
//! visibility timeout, redrive policy and long polling).

use crate::queue::ReceiveFilter;
use crate::{queues, redrive, split_arn};
use simfra_gen_sqs::types::Message;
use std::time::{Duration, Instant};

/// Receives up to `max` messages (1–10) with every system and message
/// attribute, waiting up to `wait` for the first; `None` when the queue does
/// not exist.
pub async fn receive_batch(queue_arn: &str, max: usize, wait: Duration) -> Option<Vec<Message>> {
    let (region, account, name) = split_arn(queue_arn)?;
    let state = queues().get(account, region);
    let filter = ReceiveFilter { system: vec!["All".into()], user: vec!["All".into()] };
    let deadline = Instant::now() + wait;
    loop {
        let arrived = state.arrivals.notified();
        let messages = {
            let mut all = state.lock();
            let q = all.get_mut(name)?;
            let visibility = Duration::from_secs(q.attr_i64("VisibilityTimeout", 30).max(0) as u64);
            let (messages, dead) = q.receive(max.clamp(1, 10), visibility, &filter, None);
            if !dead.is_empty() {
                redrive::settle(&mut all, name, dead);
            }
            messages
        };
        let now = Instant::now();
        if !messages.is_empty() || now >= deadline {
            return Some(messages);
        }
        let nap = (deadline - now).min(Duration::from_millis(100));
        let _ = tokio::time::timeout(nap, arrived).await;
    }
}

/// Deletes a received message by its receipt handle; false when the queue
/// or the handle is gone.
pub fn delete(queue_arn: &str, receipt_handle: &str) -> bool {
    let Some((region, account, name)) = split_arn(queue_arn) else { return false };
    let state = queues().get(account, region);
    let mut all = state.lock();
    all.get_mut(name).is_some_and(|q| q.delete(receipt_handle).is_ok())
}

/// A queue's `VisibilityTimeout` in seconds, if the queue exists.
pub fn visibility_timeout(queue_arn: &str) -> Option<i64> {
    let (region, account, name) = split_arn(queue_arn)?;
    let state = queues().get(account, region);
    let all = state.lock();
    all.get(name).map(|q| q.attr_i64("VisibilityTimeout", 30))
}
