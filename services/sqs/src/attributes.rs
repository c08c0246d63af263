//! Queue attributes: the defaults a new queue gets, which attributes a caller
//! may set and AWS's validation of their values (ranges, JSON policies, the
//! FIFO-only settings), with AWS's error codes and sentences.

use simfra_model::ServiceError;
use std::collections::BTreeMap;

/// Attributes a caller may set on CreateQueue / SetQueueAttributes.
pub const SETTABLE: &[&str] = &[
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

/// Attributes only GetQueueAttributes reports (computed, not stored).
pub const COMPUTED: &[&str] = &[
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed",
    "CreatedTimestamp",
    "LastModifiedTimestamp",
    "QueueArn",
];

const FIFO_ONLY: &[&str] = &["ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit"];

pub const MAX_MESSAGE_SIZE: i64 = 262_144;

pub fn defaults(fifo: bool) -> BTreeMap<String, String> {
    let mut a: BTreeMap<String, String> = [
        ("DelaySeconds", "0"),
        ("MaximumMessageSize", "262144"),
        ("MessageRetentionPeriod", "345600"),
        ("ReceiveMessageWaitTimeSeconds", "0"),
        ("VisibilityTimeout", "30"),
        ("SqsManagedSseEnabled", "true"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    if fifo {
        for (k, v) in [
            ("FifoQueue", "true"),
            ("ContentBasedDeduplication", "false"),
            ("DeduplicationScope", "queue"),
            ("FifoThroughputLimit", "perQueue"),
        ] {
            a.insert(k.into(), v.into());
        }
    }
    a
}

pub fn invalid_value(name: &str) -> ServiceError {
    ServiceError::new("InvalidAttributeValue", 400, format!("Invalid value for the parameter {name}."))
}

fn invalid_value_reason(name: &str, reason: &str) -> ServiceError {
    ServiceError::new("InvalidAttributeValue", 400, format!("Invalid value for the parameter {name}. Reason: {reason}"))
}

pub fn unknown_attribute(name: &str) -> ServiceError {
    ServiceError::new("InvalidAttributeName", 400, format!("Unknown Attribute {name}."))
}

fn int_in(name: &str, value: &str, lo: i64, hi: i64) -> Result<(), ServiceError> {
    match value.trim().parse::<i64>() {
        Ok(n) if (lo..=hi).contains(&n) => Ok(()),
        _ => Err(invalid_value(name)),
    }
}

fn boolean(name: &str, value: &str) -> Result<(), ServiceError> {
    match value {
        "true" | "false" => Ok(()),
        _ => Err(invalid_value(name)),
    }
}

/// A parsed `RedrivePolicy`: where messages go after `max_receive_count` receives.
#[derive(Clone, Debug, PartialEq)]
pub struct RedrivePolicy {
    pub dead_letter_target_arn: String,
    pub max_receive_count: u32,
}

pub fn parse_redrive_policy(value: &str) -> Result<RedrivePolicy, ServiceError> {
    let bad = |reason: &str| invalid_value_reason("RedrivePolicy", reason);
    let json: serde_json::Value =
        serde_json::from_str(value).map_err(|_| bad("Redrive policy is not a valid JSON map."))?;
    let obj = json.as_object().ok_or_else(|| bad("Redrive policy is not a valid JSON map."))?;
    for k in obj.keys() {
        if k != "deadLetterTargetArn" && k != "maxReceiveCount" {
            return Err(bad("Only following attributes are supported: [deadLetterTargetArn, maxReceiveCount]."));
        }
    }
    let arn = obj
        .get("deadLetterTargetArn")
        .and_then(|v| v.as_str())
        .ok_or_else(|| bad("Redrive policy does not contain mandatory attribute: deadLetterTargetArn."))?;
    let count = match obj.get("maxReceiveCount") {
        Some(serde_json::Value::Number(n)) => n.as_i64(),
        Some(serde_json::Value::String(s)) => s.parse::<i64>().ok(),
        None => return Err(bad("Redrive policy does not contain mandatory attribute: maxReceiveCount.")),
        _ => None,
    };
    let count = match count {
        Some(n) if (1..=1000).contains(&n) => n as u32,
        _ => return Err(bad("Invalid value for maxReceiveCount: must be an integer from 1 to 1000.")),
    };
    if arn.split(':').count() != 6 || !arn.starts_with("arn:aws:sqs:") {
        return Err(bad("Invalid value for deadLetterTargetArn."));
    }
    Ok(RedrivePolicy { dead_letter_target_arn: arn.to_string(), max_receive_count: count })
}

/// A parsed `RedriveAllowPolicy`: which source queues may use this queue as their DLQ.
#[derive(Clone, Debug, PartialEq)]
pub enum RedriveAllow {
    AllowAll,
    DenyAll,
    ByQueue(Vec<String>),
}

impl RedriveAllow {
    pub fn allows(&self, source_arn: &str) -> bool {
        match self {
            RedriveAllow::AllowAll => true,
            RedriveAllow::DenyAll => false,
            RedriveAllow::ByQueue(arns) => arns.iter().any(|a| a == source_arn),
        }
    }
}

pub fn parse_redrive_allow_policy(value: &str) -> Result<RedriveAllow, ServiceError> {
    let bad = |reason: &str| invalid_value_reason("RedriveAllowPolicy", reason);
    let json: serde_json::Value =
        serde_json::from_str(value).map_err(|_| bad("Redrive allow policy is not a valid JSON map."))?;
    let obj = json.as_object().ok_or_else(|| bad("Redrive allow policy is not a valid JSON map."))?;
    let permission = obj
        .get("redrivePermission")
        .and_then(|v| v.as_str())
        .ok_or_else(|| bad("Redrive allow policy does not contain mandatory attribute: redrivePermission."))?;
    let sources: Option<Vec<String>> = match obj.get("sourceQueueArns") {
        None => None,
        Some(serde_json::Value::Array(a)) => {
            let list: Option<Vec<String>> = a.iter().map(|v| v.as_str().map(str::to_string)).collect();
            Some(list.ok_or_else(|| bad("sourceQueueArns must be a list of queue ARNs."))?)
        }
        Some(_) => return Err(bad("sourceQueueArns must be a list of queue ARNs.")),
    };
    match (permission, sources) {
        ("allowAll", None) => Ok(RedriveAllow::AllowAll),
        ("denyAll", None) => Ok(RedriveAllow::DenyAll),
        ("allowAll" | "denyAll", Some(_)) => {
            Err(bad("Only byQueue redrivePermission can be combined with sourceQueueArns."))
        }
        ("byQueue", Some(arns)) if !arns.is_empty() && arns.len() <= 10 => Ok(RedriveAllow::ByQueue(arns)),
        ("byQueue", Some(arns)) if arns.len() > 10 => {
            Err(bad("Redrive allow policy can contain at most 10 source queue ARNs."))
        }
        ("byQueue", _) => Err(bad("sourceQueueArns must be specified when redrivePermission is byQueue.")),
        _ => Err(bad("redrivePermission must be one of allowAll, denyAll, byQueue.")),
    }
}

/// Validates one attribute's name and value for a queue of the given kind.
pub fn check(name: &str, value: &str, fifo: bool) -> Result<(), ServiceError> {
    if !SETTABLE.contains(&name) {
        return Err(unknown_attribute(name));
    }
    if !fifo && FIFO_ONLY.contains(&name) {
        return Err(unknown_attribute(name));
    }
    match name {
        "DelaySeconds" => int_in(name, value, 0, 900),
        "MaximumMessageSize" => int_in(name, value, 1024, MAX_MESSAGE_SIZE),
        "MessageRetentionPeriod" => int_in(name, value, 60, 1_209_600),
        "ReceiveMessageWaitTimeSeconds" => int_in(name, value, 0, 20),
        "VisibilityTimeout" => int_in(name, value, 0, 43_200),
        "KmsDataKeyReusePeriodSeconds" => int_in(name, value, 60, 86_400),
        "SqsManagedSseEnabled" | "FifoQueue" | "ContentBasedDeduplication" => boolean(name, value),
        "DeduplicationScope" => match value {
            "messageGroup" | "queue" => Ok(()),
            _ => Err(invalid_value(name)),
        },
        "FifoThroughputLimit" => match value {
            "perMessageGroupId" | "perQueue" => Ok(()),
            _ => Err(invalid_value(name)),
        },
        "Policy" if !value.is_empty() => simfra_policy::parse(value)
            .map(|_| ())
            .map_err(|e| invalid_value_reason("Policy", &e.to_string())),
        "RedrivePolicy" if !value.is_empty() => parse_redrive_policy(value).map(|_| ()),
        "RedriveAllowPolicy" if !value.is_empty() => parse_redrive_allow_policy(value).map(|_| ()),
        _ => Ok(()),
    }
}

/// Checks that hold across attributes once all are applied.
pub fn check_combination(attrs: &BTreeMap<String, String>) -> Result<(), ServiceError> {
    let sse = attrs.get("SqsManagedSseEnabled").map(|v| v == "true").unwrap_or(false);
    let kms = attrs.get("KmsMasterKeyId").map(|v| !v.is_empty()).unwrap_or(false);
    if sse && kms {
        return Err(ServiceError::new(
            "InvalidAttributeName",
            400,
            "You can use one type of server-side encryption (SSE) at one time. You can either enable KMS SSE or SQS SSE.",
        ));
    }
    let per_group_limit = attrs.get("FifoThroughputLimit").map(|v| v == "perMessageGroupId").unwrap_or(false);
    let queue_scope = attrs.get("DeduplicationScope").map(|v| v == "queue").unwrap_or(true);
    if per_group_limit && queue_scope && attrs.contains_key("FifoQueue") {
        return Err(invalid_value_reason(
            "FifoThroughputLimit",
            "The perMessageGroupId value is allowed only when the value for DeduplicationScope is messageGroup.",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_follow_aws() {
        assert!(check("VisibilityTimeout", "43200", false).is_ok());
        assert_eq!(check("VisibilityTimeout", "43201", false).unwrap_err().code, "InvalidAttributeValue");
        assert_eq!(check("DelaySeconds", "x", false).unwrap_err().code, "InvalidAttributeValue");
        assert_eq!(check("ContentBasedDeduplication", "true", false).unwrap_err().code, "InvalidAttributeName");
        assert!(check("ContentBasedDeduplication", "true", true).is_ok());
    }

    #[test]
    fn redrive_policy_needs_both_members() {
        let p = parse_redrive_policy(r#"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":"3"}"#).unwrap();
        assert_eq!(p.max_receive_count, 3);
        assert!(parse_redrive_policy(r#"{"maxReceiveCount":3}"#).is_err());
        assert!(parse_redrive_policy(r#"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":0}"#).is_err());
    }
}
