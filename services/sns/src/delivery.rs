//! Delivery of notifications to subscribers: one worker per subscription
//! takes jobs in publish order. SQS deliveries go straight into SQS's
//! store; HTTP/S deliveries follow the delivery retry policy (the
//! subscription's, or the topic's default) and, when every attempt failed,
//! go to the subscription's dead-letter queue; email, SMS and push are
//! captured in the inbox.

use crate::message::Notification;
use crate::{http, inbox};
use serde_json::Value;
use simfra_svc_sqs::MessageAttributeValue as SqsAttribute;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// The SenderId SQS shows for messages SNS delivered.
const SNS_SENDER_ID: &str = "AIDAIT2UOQQY3AUEKVGXU";

pub type Worker = mpsc::UnboundedSender<Job>;

/// Where and how one subscription receives, as it was when the job was made.
#[derive(Clone)]
pub struct Target {
    pub subscription_arn: String,
    pub topic_arn: String,
    pub protocol: String,
    pub endpoint: String,
    pub raw: bool,
    pub dead_letter_arn: Option<String>,
    pub retry: RetryPolicy,
    /// FIFO topics deliver strictly in order, retries included.
    pub ordered: bool,
}

pub enum Job {
    Notify(Arc<Notification>, Target),
    Confirm { target: Target, token: String, endpoint_url: String, signature_version: String },
}

/// Starts a subscription's worker; it ends when the subscription (its sender) is dropped.
pub fn spawn_worker() -> Worker {
    let (tx, mut rx) = mpsc::unbounded_channel::<Job>();
    if let Ok(handle) = tokio::runtime::Handle::try_current() {
        handle.spawn(async move {
            while let Some(job) = rx.recv().await {
                let slow = match &job {
                    Job::Notify(_, t) => !t.ordered && t.protocol.starts_with("http"),
                    Job::Confirm { .. } => true,
                };
                // Unordered HTTP deliveries retry in their own task, so one
                // failing message does not hold back the next.
                if slow {
                    tokio::spawn(run(job));
                } else {
                    run(job).await;
                }
            }
        });
    }
    tx
}

async fn run(job: Job) {
    match job {
        Job::Notify(n, target) => notify(&n, &target).await,
        Job::Confirm { target, token, endpoint_url, signature_version } => {
            confirm(&target, &token, &endpoint_url, &signature_version).await
        }
    }
}

/// SNS's delivery retry policy for HTTP/S (`healthyRetryPolicy`).
#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    pub min_delay: u64,
    pub max_delay: u64,
    pub num_retries: u32,
    pub num_no_delay: u32,
    pub num_min_delay: u32,
    pub num_max_delay: u32,
    pub backoff: String,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy { min_delay: 20, max_delay: 20, num_retries: 3, num_no_delay: 0, num_min_delay: 0, num_max_delay: 0, backoff: "linear".into() }
    }
}

impl RetryPolicy {
    pub fn from_json(v: &Value) -> Option<RetryPolicy> {
        let o = v.as_object()?;
        let d = RetryPolicy::default();
        let num = |k: &str, default: u64| o.get(k).and_then(Value::as_u64).unwrap_or(default);
        Some(RetryPolicy {
            min_delay: num("minDelayTarget", d.min_delay),
            max_delay: num("maxDelayTarget", d.max_delay),
            num_retries: num("numRetries", d.num_retries as u64) as u32,
            num_no_delay: num("numNoDelayRetries", 0) as u32,
            num_min_delay: num("numMinDelayRetries", 0) as u32,
            num_max_delay: num("numMaxDelayRetries", 0) as u32,
            backoff: o.get("backoffFunction").and_then(Value::as_str).unwrap_or("linear").to_string(),
        })
    }

    /// Checks AWS's bounds; `Err` is the reason.
    pub fn validate(&self) -> Result<(), String> {
        if self.num_retries > 100 {
            return Err("numRetries must be at most 100".into());
        }
        if self.min_delay < 1 || self.max_delay > 3600 || self.min_delay > self.max_delay {
            return Err("minDelayTarget and maxDelayTarget must be within 1..3600 and min <= max".into());
        }
        if self.num_no_delay + self.num_min_delay + self.num_max_delay > self.num_retries {
            return Err("numNoDelayRetries + numMinDelayRetries + numMaxDelayRetries must be at most numRetries".into());
        }
        if !matches!(self.backoff.as_str(), "linear" | "arithmetic" | "geometric" | "exponential") {
            return Err("backoffFunction must be one of linear, arithmetic, geometric, exponential".into());
        }
        Ok(())
    }

    /// The wait before each retry, in order.
    pub fn delays(&self) -> Vec<Duration> {
        let mut out = Vec::new();
        out.extend(std::iter::repeat_n(0, self.num_no_delay as usize));
        out.extend(std::iter::repeat_n(self.min_delay, self.num_min_delay as usize));
        let backoff = self.num_retries.saturating_sub(self.num_no_delay + self.num_min_delay + self.num_max_delay);
        let (lo, hi) = (self.min_delay as f64, self.max_delay as f64);
        for i in 1..=backoff {
            let f = i as f64 / backoff as f64;
            let d = match self.backoff.as_str() {
                "exponential" => lo * (hi / lo).powf(f),
                "geometric" => lo + (hi - lo) * f * f * f,
                "arithmetic" => lo + (hi - lo) * f * f,
                _ => lo + (hi - lo) * f,
            };
            out.push(d.round() as u64);
        }
        out.extend(std::iter::repeat_n(self.max_delay, self.num_max_delay as usize));
        out.into_iter().map(Duration::from_secs).collect()
    }
}

fn sqs_attributes(n: &Notification) -> HashMap<String, SqsAttribute> {
    n.attributes
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                SqsAttribute {
                    data_type: v.data_type.clone(),
                    string_value: v.string_value.clone(),
                    binary_value: v.binary_value.clone(),
                    ..Default::default()
                },
            )
        })
        .collect()
}

/// Whether Simfra enforces IAM (`SIMFRA_IAM`, `enforce` by default): then
/// a queue's policy must let SNS send to it, as on AWS.
fn policies_enforced() -> bool {
    static ENFORCED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ENFORCED.get_or_init(|| std::env::var("SIMFRA_IAM").map(|v| v.is_empty() || v == "enforce").unwrap_or(true))
}

fn to_queue(queue_arn: &str, n: &Notification, body: String, with_attributes: bool) -> Result<String, String> {
    let fifo = simfra_svc_sqs::queue_is_fifo(queue_arn).ok_or("the queue does not exist")?;
    let topic_account = crate::split_arn(&n.topic_arn).map(|p| p.1).unwrap_or("");
    if policies_enforced() && !simfra_svc_sqs::admits_service(queue_arn, "sns.amazonaws.com", &n.topic_arn, topic_account) {
        // AWS drops such deliveries (a client-side error): no retries.
        return Err("the queue policy does not allow sns.amazonaws.com to send messages".into());
    }
    let envelope = simfra_svc_sqs::Envelope {
        body,
        attributes: if with_attributes { sqs_attributes(n) } else { HashMap::new() },
        group_id: if fifo { n.group_id.clone() } else { None },
        dedup_id: if fifo { n.dedup_id.clone().or_else(|| Some(n.message_id.clone())) } else { None },
        sender_id: SNS_SENDER_ID.to_string(),
    };
    simfra_svc_sqs::deliver(queue_arn, envelope).map_err(|e| format!("{e:?}"))
}

/// Sends a message that could not be delivered to the subscription's DLQ, if it has one.
fn dead_letter(n: &Notification, target: &Target) {
    if let Some(dlq) = &target.dead_letter_arn {
        let body = if target.raw { n.message_for(&target.protocol).to_string() } else { n.envelope(&target.protocol, &target.subscription_arn) };
        let _ = to_queue(dlq, n, body, true);
    }
}

async fn with_retries<F, Fut>(policy: &RetryPolicy, mut attempt: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    if attempt().await {
        return true;
    }
    for delay in policy.delays() {
        tokio::time::sleep(delay).await;
        if attempt().await {
            return true;
        }
    }
    false
}

async fn notify(n: &Notification, target: &Target) {
    match target.protocol.as_str() {
        "sqs" => {
            let body = if target.raw { n.message_for("sqs").to_string() } else { n.envelope("sqs", &target.subscription_arn) };
            // A missing queue is a client-side error: SNS does not retry it.
            if to_queue(&target.endpoint, n, body, target.raw).is_err() {
                dead_letter(n, target);
            }
        }
        "http" | "https" => {
            let body = if target.raw { n.message_for(&target.protocol).to_string() } else { n.envelope(&target.protocol, &target.subscription_arn) };
            let mut headers = vec![
                ("x-amz-sns-message-type", "Notification".to_string()),
                ("x-amz-sns-message-id", n.message_id.clone()),
                ("x-amz-sns-topic-arn", n.topic_arn.clone()),
                ("x-amz-sns-subscription-arn", target.subscription_arn.clone()),
                ("Content-Type", "text/plain; charset=UTF-8".to_string()),
                ("User-Agent", "Amazon Simple Notification Service Agent".to_string()),
            ];
            if target.raw {
                headers.push(("x-amz-sns-rawdelivery", "true".to_string()));
            }
            let delivered = with_retries(&target.retry, || async {
                matches!(http::post(&target.endpoint, &headers, &body).await, Ok(s) if (200..300).contains(&s))
            })
            .await;
            if !delivered {
                dead_letter(n, target);
            }
        }
        "email" => {
            let body = format!(
                "{}\n\n--\nIf you wish to stop receiving notifications from this topic, please click or visit the link below to unsubscribe:\n{}\n\nPlease do not reply directly to this email. If you have any questions or comments regarding this email, please contact us at https://aws.amazon.com/support",
                n.message_for("email"),
                crate::message::unsubscribe_url(&n.endpoint_url, &target.subscription_arn)
            );
            letter("email", target, n, n.subject.as_deref().or(Some("AWS Notification Message")), &body);
        }
        "email-json" => {
            let body = n.envelope("email-json", &target.subscription_arn);
            letter("email", target, n, n.subject.as_deref().or(Some("AWS Notification Message")), &body);
        }
        "sms" => letter("sms", target, n, None, n.message_for("sms")),
        "application" => {
            let platform = target.endpoint.split(':').nth(5).and_then(|r| r.split('/').nth(1)).unwrap_or("default");
            letter("push", target, n, None, n.message_for(platform));
        }
        // Lambda and Firehose targets are not served locally yet: the delivery fails.
        _ => dead_letter(n, target),
    }
}

fn letter(channel: &str, target: &Target, n: &Notification, subject: Option<&str>, body: &str) {
    inbox::deliver(inbox::Letter {
        channel,
        destination: &target.endpoint,
        subject,
        body,
        topic_arn: Some(&n.topic_arn),
        subscription_arn: Some(&target.subscription_arn),
        message_id: &n.message_id,
        subscribe_url: None,
    });
}

async fn confirm(target: &Target, token: &str, endpoint_url: &str, signature_version: &str) {
    let (message_id, body) = crate::message::confirmation(endpoint_url, &target.topic_arn, token, signature_version);
    match target.protocol.as_str() {
        "http" | "https" => {
            let headers = [
                ("x-amz-sns-message-type", "SubscriptionConfirmation".to_string()),
                ("x-amz-sns-message-id", message_id.clone()),
                ("x-amz-sns-topic-arn", target.topic_arn.clone()),
                ("Content-Type", "text/plain; charset=UTF-8".to_string()),
                ("User-Agent", "Amazon Simple Notification Service Agent".to_string()),
            ];
            with_retries(&target.retry, || async {
                matches!(http::post(&target.endpoint, &headers, &body).await, Ok(s) if (200..300).contains(&s))
            })
            .await;
        }
        "sqs" => {
            let topic_account = crate::split_arn(&target.topic_arn).map(|p| p.1).unwrap_or("");
            if !policies_enforced() || simfra_svc_sqs::admits_service(&target.endpoint, "sns.amazonaws.com", &target.topic_arn, topic_account) {
                let _ = simfra_svc_sqs::deliver(
                    &target.endpoint,
                    simfra_svc_sqs::Envelope { body, attributes: HashMap::new(), group_id: None, dedup_id: None, sender_id: SNS_SENDER_ID.to_string() },
                );
            }
        }
        "email" | "email-json" => {
            let url = crate::message::subscribe_url(endpoint_url, &target.topic_arn, token);
            let text = if target.protocol == "email" {
                format!(
                    "You have chosen to subscribe to the topic: \n{}\n\nTo confirm this subscription, click or visit the link below (If this was in error no action is necessary): \nConfirm subscription: {url}\n\nPlease do not reply directly to this email. If you wish to remove yourself from receiving all future SNS subscription confirmation requests please send an email to sns-opt-out",
                    target.topic_arn
                )
            } else {
                body
            };
            inbox::deliver(inbox::Letter {
                channel: "email",
                destination: &target.endpoint,
                subject: Some("AWS Notification - Subscription Confirmation"),
                body: &text,
                topic_arn: Some(&target.topic_arn),
                subscription_arn: None,
                message_id: &message_id,
                subscribe_url: Some(&url),
            });
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_policy_is_three_retries_twenty_seconds_apart() {
        assert_eq!(RetryPolicy::default().delays(), vec![Duration::from_secs(20); 3]);
    }

    #[test]
    fn phases_of_a_policy() {
        let p = RetryPolicy { min_delay: 1, max_delay: 5, num_retries: 6, num_no_delay: 1, num_min_delay: 1, num_max_delay: 1, backoff: "linear".into() };
        let secs: Vec<u64> = p.delays().iter().map(|d| d.as_secs()).collect();
        assert_eq!(secs, vec![0, 1, 2, 4, 5, 5]);
    }
}
