//! Topics: creation (standard and FIFO), attributes with AWS's validation
//! and defaults, the default topic policy, permissions, tags and data
//! protection policies.

use crate::delivery::RetryPolicy;
use crate::*;
use serde_json::{json, Value};

const PAGE: usize = 100;

const SETTABLE: &[&str] = &[
    "DeliveryPolicy",
    "DisplayName",
    "Policy",
    "TracingConfig",
    "KmsMasterKeyId",
    "SignatureVersion",
    "ContentBasedDeduplication",
    "ArchivePolicy",
    "FifoThroughputScope",
    "HTTPSuccessFeedbackRoleArn",
    "HTTPSuccessFeedbackSampleRate",
    "HTTPFailureFeedbackRoleArn",
    "LambdaSuccessFeedbackRoleArn",
    "LambdaSuccessFeedbackSampleRate",
    "LambdaFailureFeedbackRoleArn",
    "SQSSuccessFeedbackRoleArn",
    "SQSSuccessFeedbackSampleRate",
    "SQSFailureFeedbackRoleArn",
    "ApplicationSuccessFeedbackRoleArn",
    "ApplicationSuccessFeedbackSampleRate",
    "ApplicationFailureFeedbackRoleArn",
    "FirehoseSuccessFeedbackRoleArn",
    "FirehoseSuccessFeedbackSampleRate",
    "FirehoseFailureFeedbackRoleArn",
];

fn valid_topic_name(name: &str) -> bool {
    let base = name.strip_suffix(".fifo").unwrap_or(name);
    !base.is_empty() && name.len() <= 256 && base.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn default_policy(arn: &str, account: &str) -> String {
    json!({
        "Version": "2008-10-17",
        "Id": "__default_policy_ID",
        "Statement": [{
            "Sid": "__default_statement_ID",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": ["SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission", "SNS:RemovePermission",
                       "SNS:DeleteTopic", "SNS:Subscribe", "SNS:ListSubscriptionsByTopic", "SNS:Publish"],
            "Resource": arn,
            "Condition": {"StringEquals": {"AWS:SourceOwner": account}}
        }]
    })
    .to_string()
}

/// The topic's HTTP retry policy for subscriptions without their own.
pub fn default_retry(topic: &Topic) -> RetryPolicy {
    topic
        .attributes
        .get("DeliveryPolicy")
        .and_then(|p| serde_json::from_str::<Value>(p).ok())
        .and_then(|p| p.pointer("/http/defaultHealthyRetryPolicy").and_then(RetryPolicy::from_json))
        .unwrap_or_default()
}

pub fn effective_delivery_policy(retry: &RetryPolicy) -> String {
    json!({"http": {
        "defaultHealthyRetryPolicy": {
            "minDelayTarget": retry.min_delay, "maxDelayTarget": retry.max_delay, "numRetries": retry.num_retries,
            "numMaxDelayRetries": retry.num_max_delay, "numNoDelayRetries": retry.num_no_delay,
            "numMinDelayRetries": retry.num_min_delay, "backoffFunction": retry.backoff,
        },
        "disableSubscriptionOverrides": false,
        "defaultRequestPolicy": {"headerContentType": "text/plain; charset=UTF-8"}
    }})
    .to_string()
}

fn bad_attribute(name: &str, reason: &str) -> ServiceError {
    invalid_parameter(format!("Invalid parameter: {name} Reason: {reason}"))
}

/// Validates one topic attribute for a topic of the given kind.
fn check_attribute(name: &str, value: &str, fifo: bool) -> Result<(), ServiceError> {
    match name {
        _ if !SETTABLE.contains(&name) => Err(invalid_parameter("Invalid parameter: AttributeName")),
        "DisplayName" if value.chars().count() > 100 => Err(bad_attribute(name, "DisplayName must be at most 100 characters")),
        "SignatureVersion" if !matches!(value, "1" | "2") => Err(bad_attribute(name, "SignatureVersion must be 1 or 2")),
        "TracingConfig" if !matches!(value, "PassThrough" | "Active") => Err(bad_attribute(name, "TracingConfig must be PassThrough or Active")),
        "ContentBasedDeduplication" | "FifoThroughputScope" | "ArchivePolicy" if !fifo => {
            Err(bad_attribute(name, &format!("{name} can only be set for FIFO topics")))
        }
        "ContentBasedDeduplication" if !matches!(value, "true" | "false") => Err(bad_attribute(name, "must be true or false")),
        "FifoThroughputScope" if !matches!(value, "Topic" | "MessageGroup") => Err(bad_attribute(name, "must be Topic or MessageGroup")),
        "Policy" => simfra_policy::parse(value).map(|_| ()).map_err(|e| bad_attribute(name, &e.to_string())),
        "DeliveryPolicy" => {
            let v: Value = serde_json::from_str(value).map_err(|_| bad_attribute(name, "DeliveryPolicy: failed to parse JSON"))?;
            if let Some(p) = v.pointer("/http/defaultHealthyRetryPolicy") {
                RetryPolicy::from_json(p)
                    .ok_or_else(|| bad_attribute(name, "defaultHealthyRetryPolicy must be an object"))?
                    .validate()
                    .map_err(|e| bad_attribute(name, &e))?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

pub fn create(ctx: &RequestContext, input: CreateTopicInput) -> Result<CreateTopicResponse, ServiceError> {
    if !valid_topic_name(&input.name) {
        return Err(invalid_parameter("Invalid parameter: Topic Name"));
    }
    let requested = input.attributes.unwrap_or_default();
    let fifo = requested.get("FifoTopic").is_some_and(|v| v == "true");
    if fifo != input.name.ends_with(".fifo") {
        return Err(invalid_parameter(
            "Invalid parameter: Fifo Topic names must end with .fifo and they must be created with the FifoTopic attribute set to true",
        ));
    }
    for (k, v) in &requested {
        if k == "FifoTopic" {
            if !matches!(v.as_str(), "true" | "false") {
                return Err(bad_attribute(k, "must be true or false"));
            }
            continue;
        }
        check_attribute(k, v, fifo)?;
    }
    if let Some(p) = &input.data_protection_policy {
        check_data_protection_policy(p)?;
    }
    let tags = input.tags.unwrap_or_default();
    check_tags(&tags)?;
    let arn = simfra_store::arn("sns", &ctx.region, &ctx.account_id, &input.name);
    let region = state().regional(ctx);
    let mut data = region.lock();
    if let Some(existing) = data.topics.get(&arn) {
        // CreateTopic is idempotent, unless it asks for different attributes or tags.
        if requested.iter().any(|(k, v)| existing.attributes.get(k) != Some(v)) {
            return Err(invalid_parameter("Invalid parameter: Attributes Reason: Topic already exists with different attributes"));
        }
        if tags.iter().any(|t| !existing.tags.contains(t)) {
            return Err(invalid_parameter("Invalid parameter: Tags Reason: Topic already exists with different tags"));
        }
        return Ok(CreateTopicResponse { topic_arn: Some(arn) });
    }
    let mut attributes: BTreeMap<String, String> = requested.into_iter().collect();
    attributes.entry("Policy".into()).or_insert_with(|| default_policy(&arn, &ctx.account_id));
    attributes.entry("DisplayName".into()).or_default();
    if fifo {
        attributes.entry("ContentBasedDeduplication".into()).or_insert_with(|| "false".into());
        attributes.entry("FifoThroughputScope".into()).or_insert_with(|| "Topic".into());
    }
    data.topics.insert(
        arn.clone(),
        Topic {
            arn: arn.clone(),
            fifo,
            attributes,
            tags,
            data_protection_policy: input.data_protection_policy,
            dedup: HashMap::new(),
            dedup_order: VecDeque::new(),
            next_seq: 1,
            subscriptions_deleted: 0,
        },
    );
    Ok(CreateTopicResponse { topic_arn: Some(arn) })
}

pub fn delete(ctx: &RequestContext, input: DeleteTopicInput) -> Result<(), ServiceError> {
    let Some(region) = region_of(ctx, &input.topic_arn) else { return Err(topic_not_found()) };
    let mut data = region.lock();
    // Deleting a topic that does not exist succeeds, as on AWS.
    if data.topics.remove(&input.topic_arn).is_some() {
        let prefix = format!("{}:", input.topic_arn);
        data.subscriptions.retain(|arn, _| !arn.starts_with(&prefix));
    }
    Ok(())
}

pub fn list(ctx: &RequestContext, input: ListTopicsInput) -> Result<ListTopicsResponse, ServiceError> {
    let region = state().regional(ctx);
    let data = region.lock();
    let after = input.next_token.unwrap_or_default();
    let arns: Vec<&String> = data.topics.keys().filter(|a| a.as_str() > after.as_str()).collect();
    let page = arns.iter().take(PAGE).map(|a| simfra_gen_sns::types::Topic { topic_arn: Some((*a).clone()) }).collect();
    let next_token = (arns.len() > PAGE).then(|| arns[PAGE - 1].clone());
    Ok(ListTopicsResponse { topics: Some(page), next_token })
}

pub fn get_attributes(ctx: &RequestContext, input: GetTopicAttributesInput) -> Result<GetTopicAttributesResponse, ServiceError> {
    let region = region_of(ctx, &input.topic_arn).ok_or_else(topic_not_found)?;
    let data = region.lock();
    let topic = data.topics.get(&input.topic_arn).ok_or_else(topic_not_found)?;
    let prefix = format!("{}:", topic.arn);
    let subs = data.subscriptions.range(prefix.clone()..).take_while(|(k, _)| k.starts_with(&prefix));
    let (mut confirmed, mut pending) = (0, 0);
    for (_, s) in subs {
        if s.confirmed {
            confirmed += 1;
        } else {
            pending += 1;
        }
    }
    let mut attrs: HashMap<String, String> = topic.attributes.clone().into_iter().collect();
    attrs.insert("TopicArn".into(), topic.arn.clone());
    attrs.insert("Owner".into(), split_arn(&topic.arn).map(|p| p.1.to_string()).unwrap_or_default());
    attrs.insert("SubscriptionsConfirmed".into(), confirmed.to_string());
    attrs.insert("SubscriptionsPending".into(), pending.to_string());
    attrs.insert("SubscriptionsDeleted".into(), topic.subscriptions_deleted.to_string());
    attrs.insert("EffectiveDeliveryPolicy".into(), effective_delivery_policy(&default_retry(topic)));
    if topic.fifo {
        attrs.insert("FifoTopic".into(), "true".into());
    }
    Ok(GetTopicAttributesResponse { attributes: Some(attrs) })
}

pub fn set_attribute(ctx: &RequestContext, input: SetTopicAttributesInput) -> Result<(), ServiceError> {
    let region = region_of(ctx, &input.topic_arn).ok_or_else(topic_not_found)?;
    let mut data = region.lock();
    let topic = data.topics.get_mut(&input.topic_arn).ok_or_else(topic_not_found)?;
    let value = input.attribute_value.unwrap_or_default();
    if input.attribute_name == "FifoTopic" {
        return Err(invalid_parameter("Invalid parameter: AttributeName"));
    }
    let removing = value.is_empty() && matches!(input.attribute_name.as_str(), "Policy" | "DeliveryPolicy" | "KmsMasterKeyId" | "ArchivePolicy");
    if !removing {
        check_attribute(&input.attribute_name, &value, topic.fifo)?;
    }
    if removing {
        if input.attribute_name == "Policy" {
            topic.attributes.insert("Policy".into(), default_policy(&topic.arn, split_arn(&topic.arn).map(|p| p.1).unwrap_or("")));
        } else {
            topic.attributes.remove(&input.attribute_name);
        }
    } else {
        topic.attributes.insert(input.attribute_name, value);
    }
    Ok(())
}

pub fn add_permission(ctx: &RequestContext, input: AddPermissionInput) -> Result<(), ServiceError> {
    let region = region_of(ctx, &input.topic_arn).ok_or_else(topic_not_found)?;
    let mut data = region.lock();
    let topic = data.topics.get_mut(&input.topic_arn).ok_or_else(topic_not_found)?;
    let mut policy: Value = topic.attributes.get("Policy").and_then(|p| serde_json::from_str(p).ok()).unwrap_or_else(|| json!({"Version": "2008-10-17", "Statement": []}));
    let statements = policy.get_mut("Statement").and_then(Value::as_array_mut).ok_or_else(|| invalid_parameter("Invalid parameter: Policy"))?;
    if statements.iter().any(|s| s.get("Sid").and_then(Value::as_str) == Some(input.label.as_str())) {
        return Err(invalid_parameter("Invalid parameter: Statement already exists"));
    }
    let principals: Vec<String> = input.aws_account_id.iter().map(|a| format!("arn:aws:iam::{a}:root")).collect();
    let actions: Vec<String> = input.action_name.iter().map(|a| format!("SNS:{a}")).collect();
    statements.push(json!({
        "Sid": input.label,
        "Effect": "Allow",
        "Principal": {"AWS": if principals.len() == 1 { json!(principals[0]) } else { json!(principals) }},
        "Action": if actions.len() == 1 { json!(actions[0]) } else { json!(actions) },
        "Resource": topic.arn,
    }));
    topic.attributes.insert("Policy".into(), policy.to_string());
    Ok(())
}

pub fn remove_permission(ctx: &RequestContext, input: RemovePermissionInput) -> Result<(), ServiceError> {
    let region = region_of(ctx, &input.topic_arn).ok_or_else(topic_not_found)?;
    let mut data = region.lock();
    let topic = data.topics.get_mut(&input.topic_arn).ok_or_else(topic_not_found)?;
    let mut policy: Value = topic.attributes.get("Policy").and_then(|p| serde_json::from_str(p).ok()).unwrap_or(Value::Null);
    let Some(statements) = policy.get_mut("Statement").and_then(Value::as_array_mut) else {
        return Err(invalid_parameter("Invalid parameter: Label Reason: can't find label"));
    };
    let before = statements.len();
    statements.retain(|s| s.get("Sid").and_then(Value::as_str) != Some(input.label.as_str()));
    if statements.len() == before {
        return Err(invalid_parameter("Invalid parameter: Label Reason: can't find label"));
    }
    topic.attributes.insert("Policy".into(), policy.to_string());
    Ok(())
}

fn resource_not_found() -> ServiceError {
    ResourceNotFoundException { message: Some("Resource does not exist".into()) }.into()
}

fn check_tags(tags: &[Tag]) -> Result<(), ServiceError> {
    if tags.len() > 50 {
        return Err(TagLimitExceededException { message: Some("Could not complete request: tag quota of per resource exceeded".into()) }.into());
    }
    for t in tags {
        if t.key.is_empty() || t.key.chars().count() > 128 || t.value.chars().count() > 256 || t.key.to_ascii_lowercase().starts_with("aws:") {
            return Err(TagPolicyException { message: Some(format!("Invalid tag key or value: {}", t.key)) }.into());
        }
    }
    Ok(())
}

pub fn tag(ctx: &RequestContext, input: TagResourceRequest) -> Result<TagResourceResponse, ServiceError> {
    let region = region_of(ctx, &input.resource_arn).ok_or_else(resource_not_found)?;
    let mut data = region.lock();
    let topic = data.topics.get_mut(&input.resource_arn).ok_or_else(resource_not_found)?;
    let mut tags = topic.tags.clone();
    for t in input.tags {
        match tags.iter_mut().find(|x| x.key == t.key) {
            Some(x) => x.value = t.value,
            None => tags.push(t),
        }
    }
    check_tags(&tags)?;
    topic.tags = tags;
    Ok(TagResourceResponse {})
}

pub fn untag(ctx: &RequestContext, input: UntagResourceRequest) -> Result<UntagResourceResponse, ServiceError> {
    let region = region_of(ctx, &input.resource_arn).ok_or_else(resource_not_found)?;
    let mut data = region.lock();
    let topic = data.topics.get_mut(&input.resource_arn).ok_or_else(resource_not_found)?;
    topic.tags.retain(|t| !input.tag_keys.contains(&t.key));
    Ok(UntagResourceResponse {})
}

pub fn list_tags(ctx: &RequestContext, input: ListTagsForResourceRequest) -> Result<ListTagsForResourceResponse, ServiceError> {
    let region = region_of(ctx, &input.resource_arn).ok_or_else(resource_not_found)?;
    let data = region.lock();
    let topic = data.topics.get(&input.resource_arn).ok_or_else(resource_not_found)?;
    Ok(ListTagsForResourceResponse { tags: Some(topic.tags.clone()) })
}

fn check_data_protection_policy(p: &str) -> Result<(), ServiceError> {
    let v: Value = serde_json::from_str(p).map_err(|_| invalid_parameter("Invalid parameter: DataProtectionPolicy Reason: Failed to parse JSON"))?;
    let ok = v.get("Name").is_some_and(Value::is_string)
        && v.get("Version").is_some_and(Value::is_string)
        && v.get("Statement").is_some_and(Value::is_array);
    if !ok {
        return Err(invalid_parameter("Invalid parameter: DataProtectionPolicy Reason: Name, Version and Statement are required"));
    }
    Ok(())
}

pub fn put_data_protection_policy(ctx: &RequestContext, input: PutDataProtectionPolicyInput) -> Result<(), ServiceError> {
    check_data_protection_policy(&input.data_protection_policy)?;
    let region = region_of(ctx, &input.resource_arn).ok_or_else(topic_not_found)?;
    let mut data = region.lock();
    let topic = data.topics.get_mut(&input.resource_arn).ok_or_else(topic_not_found)?;
    topic.data_protection_policy = Some(input.data_protection_policy);
    Ok(())
}

pub fn get_data_protection_policy(ctx: &RequestContext, input: GetDataProtectionPolicyInput) -> Result<GetDataProtectionPolicyResponse, ServiceError> {
    let region = region_of(ctx, &input.resource_arn).ok_or_else(topic_not_found)?;
    let data = region.lock();
    let topic = data.topics.get(&input.resource_arn).ok_or_else(topic_not_found)?;
    Ok(GetDataProtectionPolicyResponse { data_protection_policy: Some(topic.data_protection_policy.clone().unwrap_or_default()) })
}
