//! Subscriptions: endpoint validation per protocol, the confirmation flow
//! (HTTP/S and email subscriptions wait for ConfirmSubscription with the
//! token SNS sent them; the others are confirmed at once), attributes
//! (raw delivery, filter policies, redrive and delivery policies), listing
//! and unsubscribing.

use crate::delivery::{self, Job, RetryPolicy, Target};
use crate::*;
use serde_json::Value;

const PAGE: usize = 100;
const PROTOCOLS: &[&str] = &["http", "https", "email", "email-json", "sms", "sqs", "application", "lambda", "firehose"];
const SETTABLE: &[&str] = &[
    "DeliveryPolicy",
    "FilterPolicy",
    "FilterPolicyScope",
    "RawMessageDelivery",
    "RedrivePolicy",
    "SubscriptionRoleArn",
    "ReplayPolicy",
];

fn not_found() -> ServiceError {
    NotFoundException { message: Some("Subscription does not exist".into()) }.into()
}

fn needs_confirmation(protocol: &str) -> bool {
    matches!(protocol, "http" | "https" | "email" | "email-json")
}

fn valid_phone(p: &str) -> bool {
    let digits = p.strip_prefix('+').unwrap_or(p);
    (2..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) && !digits.starts_with('0')
}

fn check_endpoint(protocol: &str, endpoint: &str, topic_fifo: bool) -> Result<(), ServiceError> {
    let bad = |what: &str| invalid_parameter(format!("Invalid parameter: {what}"));
    let ok = match protocol {
        "http" => endpoint.starts_with("http://") && endpoint.len() > 7,
        "https" => endpoint.starts_with("https://") && endpoint.len() > 8,
        "email" | "email-json" => {
            let (user, host) = endpoint.split_once('@').unwrap_or(("", ""));
            if user.is_empty() || !host.contains('.') {
                return Err(bad("Email address"));
            }
            true
        }
        "sms" => {
            if !valid_phone(endpoint) {
                return Err(bad(&format!("Invalid SMS endpoint: {endpoint}")));
            }
            true
        }
        "sqs" => {
            let Some(fifo) = endpoint.starts_with("arn:aws:sqs:").then(|| simfra_svc_sqs::queue_is_fifo(endpoint)) else {
                return Err(bad("SQS endpoint ARN"));
            };
            if fifo == Some(true) && !topic_fifo {
                return Err(bad("Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics"));
            }
            true
        }
        "lambda" => {
            if !endpoint.starts_with("arn:aws:lambda:") {
                return Err(bad("Lambda endpoint ARN"));
            }
            true
        }
        "firehose" => endpoint.starts_with("arn:aws:firehose:"),
        "application" => endpoint.starts_with("arn:aws:sns:") && endpoint.contains(":endpoint/"),
        _ => false,
    };
    if !ok {
        return Err(bad("Endpoint must match the specified protocol"));
    }
    Ok(())
}

/// Validates one subscription attribute for a subscription's protocol.
fn check_attribute(name: &str, value: &str, protocol: &str, attrs: &BTreeMap<String, String>) -> Result<(), ServiceError> {
    let bad = |reason: &str| invalid_parameter(format!("Invalid parameter: {name} Reason: {reason}"));
    match name {
        _ if !SETTABLE.contains(&name) => Err(invalid_parameter("Invalid parameter: AttributeName")),
        "RawMessageDelivery" => {
            if !matches!(value, "true" | "false") {
                return Err(bad("must be true or false"));
            }
            if !matches!(protocol, "sqs" | "http" | "https" | "firehose") {
                return Err(invalid_parameter(format!(
                    "Invalid parameter: Attributes Reason: Delivery protocol [{protocol}] does not support raw message delivery."
                )));
            }
            Ok(())
        }
        "FilterPolicyScope" => match value {
            "MessageAttributes" | "MessageBody" => {
                if let Some(p) = attrs.get("FilterPolicy") {
                    filter::validate(p, value == "MessageBody").map_err(invalid_parameter)?;
                }
                Ok(())
            }
            _ => Err(bad("FilterPolicyScope must be MessageAttributes or MessageBody")),
        },
        "FilterPolicy" if !value.is_empty() => {
            let body = attrs.get("FilterPolicyScope").is_some_and(|s| s == "MessageBody");
            filter::validate(value, body).map_err(invalid_parameter)
        }
        "RedrivePolicy" if !value.is_empty() => {
            let v: Value = serde_json::from_str(value).map_err(|_| bad("Redrive policy is not a valid JSON"))?;
            let arn = v.get("deadLetterTargetArn").and_then(Value::as_str).ok_or_else(|| bad("deadLetterTargetArn is required"))?;
            if !arn.starts_with("arn:aws:sqs:") || simfra_svc_sqs::queue_is_fifo(arn).is_none() {
                return Err(bad("Dead-letter target does not exist or is not an SQS queue"));
            }
            Ok(())
        }
        "DeliveryPolicy" if !value.is_empty() => {
            let v: Value = serde_json::from_str(value).map_err(|_| bad("DeliveryPolicy: failed to parse JSON"))?;
            if let Some(p) = v.get("healthyRetryPolicy") {
                RetryPolicy::from_json(p).ok_or_else(|| bad("healthyRetryPolicy must be an object"))?.validate().map_err(|e| bad(&e))?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// The delivery target a subscription is now.
pub fn target(sub: &Subscription, topic: &Topic) -> Target {
    let retry = sub
        .attributes
        .get("DeliveryPolicy")
        .and_then(|p| serde_json::from_str::<Value>(p).ok())
        .and_then(|p| p.get("healthyRetryPolicy").and_then(RetryPolicy::from_json))
        .unwrap_or_else(|| topics::default_retry(topic));
    Target {
        subscription_arn: sub.arn.clone(),
        topic_arn: sub.topic_arn.clone(),
        protocol: sub.protocol.clone(),
        endpoint: sub.endpoint.clone(),
        raw: sub.attributes.get("RawMessageDelivery").is_some_and(|v| v == "true"),
        dead_letter_arn: sub
            .attributes
            .get("RedrivePolicy")
            .and_then(|p| serde_json::from_str::<Value>(p).ok())
            .and_then(|p| p.get("deadLetterTargetArn").and_then(Value::as_str).map(str::to_string)),
        retry,
        ordered: topic.fifo,
    }
}

fn parse_filter(attrs: &BTreeMap<String, String>) -> Option<Value> {
    attrs.get("FilterPolicy").filter(|p| !p.is_empty()).and_then(|p| serde_json::from_str(p).ok())
}

pub fn subscribe(ctx: &RequestContext, input: SubscribeInput) -> Result<SubscribeResponse, ServiceError> {
    let region = region_of(ctx, &input.topic_arn).ok_or_else(topic_not_found)?;
    let protocol = input.protocol.to_ascii_lowercase();
    if !PROTOCOLS.contains(&protocol.as_str()) {
        return Err(invalid_parameter(format!("Invalid parameter: Amazon SNS does not support this protocol string: {}", input.protocol)));
    }
    let endpoint = input.endpoint.filter(|e| !e.is_empty()).ok_or_else(|| invalid_parameter("Invalid parameter: Endpoint"))?;
    let requested: BTreeMap<String, String> = input.attributes.unwrap_or_default().into_iter().collect();
    let mut data = region.lock();
    let topic = data.topics.get(&input.topic_arn).ok_or_else(topic_not_found)?;
    if topic.fifo && protocol != "sqs" {
        return Err(invalid_parameter(format!("Invalid parameter: Invalid protocol type: {protocol}")));
    }
    check_endpoint(&protocol, &endpoint, topic.fifo)?;
    for (k, v) in &requested {
        check_attribute(k, v, &protocol, &requested)?;
    }
    let prefix = format!("{}:", topic.arn);
    let existing = data
        .subscriptions
        .range(prefix.clone()..)
        .take_while(|(k, _)| k.starts_with(&prefix))
        .map(|(_, s)| s)
        .find(|s| s.protocol == protocol && s.endpoint == endpoint);
    if let Some(s) = existing {
        if requested.iter().any(|(k, v)| s.attributes.get(k) != Some(v)) {
            return Err(invalid_parameter("Invalid parameter: Attributes Reason: Subscription already exists with different attributes"));
        }
        let arn = if s.confirmed || input.return_subscription_arn == Some(true) { s.arn.clone() } else { "pending confirmation".into() };
        return Ok(SubscribeResponse { subscription_arn: Some(arn) });
    }
    let arn = format!("{}:{}", topic.arn, uuid());
    // A queue of another account than the subscriber's confirms like an HTTP endpoint:
    // the SubscriptionConfirmation goes into the queue.
    let foreign_queue = protocol == "sqs" && endpoint.split(':').nth(4) != Some(ctx.account_id.as_str());
    let confirmed = !needs_confirmation(&protocol) && !foreign_queue;
    let sub = Subscription {
        arn: arn.clone(),
        topic_arn: topic.arn.clone(),
        protocol: protocol.clone(),
        endpoint,
        owner: ctx.account_id.clone(),
        filter: parse_filter(&requested),
        attributes: requested,
        confirmed,
        token: random_hex(64),
        worker: delivery::spawn_worker(),
    };
    if !confirmed {
        let signature_version = topic.attributes.get("SignatureVersion").cloned().unwrap_or_else(|| "1".into());
        let _ = sub.worker.send(Job::Confirm {
            target: target(&sub, topic),
            token: sub.token.clone(),
            endpoint_url: ctx.endpoint_url(),
            signature_version,
        });
    }
    data.subscriptions.insert(arn.clone(), sub);
    let answer = if confirmed || input.return_subscription_arn == Some(true) { arn } else { "pending confirmation".into() };
    Ok(SubscribeResponse { subscription_arn: Some(answer) })
}

/// Confirms with the token SNS sent. Reached by signed calls and by the
/// unsigned SubscribeURL, so the topic is found by its ARN.
pub fn confirm(ctx: &RequestContext, input: ConfirmSubscriptionInput) -> Result<ConfirmSubscriptionResponse, ServiceError> {
    let (region, account, _) = split_arn(&input.topic_arn).ok_or_else(|| invalid_parameter("Invalid parameter: TopicArn"))?;
    if ctx.access_key_id.is_some() && !ctx.may_reach(account) {
        return Err(topic_not_found());
    }
    let state = state().get(account, region);
    let mut data = state.lock();
    if !data.topics.contains_key(&input.topic_arn) {
        return Err(topic_not_found());
    }
    let prefix = format!("{}:", input.topic_arn);
    let sub = data
        .subscriptions
        .range_mut(prefix.clone()..)
        .take_while(|(k, _)| k.starts_with(&prefix))
        .map(|(_, s)| s)
        .find(|s| s.token == input.token)
        .ok_or_else(|| invalid_parameter("Invalid token"))?;
    sub.confirmed = true;
    if input.authenticate_on_unsubscribe.as_deref() == Some("true") {
        sub.attributes.insert("ConfirmationWasAuthenticated".into(), "true".into());
    }
    Ok(ConfirmSubscriptionResponse { subscription_arn: Some(sub.arn.clone()) })
}

fn topic_of(subscription_arn: &str) -> Option<&str> {
    let (topic, _) = subscription_arn.rsplit_once(':')?;
    split_arn(topic).map(|_| topic)
}

pub fn unsubscribe(ctx: &RequestContext, input: UnsubscribeInput) -> Result<(), ServiceError> {
    let topic_arn = topic_of(&input.subscription_arn).ok_or_else(|| invalid_parameter("Invalid parameter: SubscriptionArn"))?;
    let (region, account, _) = split_arn(topic_arn).ok_or_else(|| invalid_parameter("Invalid parameter: SubscriptionArn"))?;
    if ctx.access_key_id.is_some() && !ctx.may_reach(account) {
        return Err(not_found());
    }
    let state = state().get(account, region);
    let mut data = state.lock();
    let sub = data.subscriptions.get(&input.subscription_arn).ok_or_else(not_found)?;
    // The UnsubscribeURL works unsigned, unless the subscriber confirmed with AuthenticateOnUnsubscribe.
    if ctx.access_key_id.is_none() && sub.attributes.get("ConfirmationWasAuthenticated").is_some_and(|v| v == "true") {
        return Err(AuthorizationErrorException { message: Some("Authorization error: this subscription can only be removed by an authenticated caller".into()) }.into());
    }
    data.subscriptions.remove(&input.subscription_arn);
    if let Some(t) = data.topics.get_mut(topic_arn) {
        t.subscriptions_deleted += 1;
    }
    Ok(())
}

fn subscription_region(ctx: &RequestContext, arn: &str) -> Result<Arc<Region>, ServiceError> {
    let topic = topic_of(arn).ok_or_else(|| invalid_parameter("Invalid parameter: SubscriptionArn"))?;
    region_of(ctx, topic).ok_or_else(not_found)
}

pub fn get_attributes(ctx: &RequestContext, input: GetSubscriptionAttributesInput) -> Result<GetSubscriptionAttributesResponse, ServiceError> {
    let region = subscription_region(ctx, &input.subscription_arn)?;
    let data = region.lock();
    let sub = data.subscriptions.get(&input.subscription_arn).ok_or_else(not_found)?;
    let mut attrs: HashMap<String, String> = sub.attributes.clone().into_iter().collect();
    attrs.insert("SubscriptionArn".into(), sub.arn.clone());
    attrs.insert("TopicArn".into(), sub.topic_arn.clone());
    attrs.insert("Owner".into(), sub.owner.clone());
    attrs.insert("Protocol".into(), sub.protocol.clone());
    attrs.insert("Endpoint".into(), sub.endpoint.clone());
    attrs.insert("PendingConfirmation".into(), (!sub.confirmed).to_string());
    attrs.entry("ConfirmationWasAuthenticated".into()).or_insert_with(|| (!needs_confirmation(&sub.protocol)).to_string());
    attrs.entry("RawMessageDelivery".into()).or_insert_with(|| "false".into());
    attrs.insert("SubscriptionPrincipal".into(), format!("arn:aws:iam::{}:root", sub.owner));
    if attrs.contains_key("FilterPolicy") {
        attrs.entry("FilterPolicyScope".into()).or_insert_with(|| "MessageAttributes".into());
    }
    if sub.protocol.starts_with("http") {
        if let Some(topic) = data.topics.get(&sub.topic_arn) {
            let retry = target(sub, topic).retry;
            attrs.insert("EffectiveDeliveryPolicy".into(), topics::effective_delivery_policy(&retry));
        }
    }
    Ok(GetSubscriptionAttributesResponse { attributes: Some(attrs) })
}

pub fn set_attribute(ctx: &RequestContext, input: SetSubscriptionAttributesInput) -> Result<(), ServiceError> {
    let region = subscription_region(ctx, &input.subscription_arn)?;
    let mut data = region.lock();
    let sub = data.subscriptions.get_mut(&input.subscription_arn).ok_or_else(not_found)?;
    let value = input.attribute_value.unwrap_or_default();
    check_attribute(&input.attribute_name, &value, &sub.protocol, &sub.attributes)?;
    if value.is_empty() && matches!(input.attribute_name.as_str(), "FilterPolicy" | "RedrivePolicy" | "DeliveryPolicy") {
        sub.attributes.remove(&input.attribute_name);
        if input.attribute_name == "FilterPolicy" {
            sub.attributes.remove("FilterPolicyScope");
        }
    } else {
        sub.attributes.insert(input.attribute_name, value);
    }
    sub.filter = parse_filter(&sub.attributes);
    Ok(())
}

fn listed(s: &Subscription) -> simfra_gen_sns::types::Subscription {
    simfra_gen_sns::types::Subscription {
        subscription_arn: Some(if s.confirmed { s.arn.clone() } else { "PendingConfirmation".into() }),
        owner: Some(s.owner.clone()),
        protocol: Some(s.protocol.clone()),
        endpoint: Some(s.endpoint.clone()),
        topic_arn: Some(s.topic_arn.clone()),
    }
}

fn page<'a>(subs: impl Iterator<Item = &'a Subscription>, token: Option<String>) -> (Vec<simfra_gen_sns::types::Subscription>, Option<String>) {
    let after = token.unwrap_or_default();
    let rest: Vec<&Subscription> = subs.filter(|s| s.arn.as_str() > after.as_str()).collect();
    let next = (rest.len() > PAGE).then(|| rest[PAGE - 1].arn.clone());
    (rest.into_iter().take(PAGE).map(listed).collect(), next)
}

pub fn list(ctx: &RequestContext, input: ListSubscriptionsInput) -> Result<ListSubscriptionsResponse, ServiceError> {
    let region = state().regional(ctx);
    let data = region.lock();
    let (subs, next_token) = page(data.subscriptions.values(), input.next_token);
    Ok(ListSubscriptionsResponse { subscriptions: Some(subs), next_token })
}

pub fn list_by_topic(ctx: &RequestContext, input: ListSubscriptionsByTopicInput) -> Result<ListSubscriptionsByTopicResponse, ServiceError> {
    let region = region_of(ctx, &input.topic_arn).ok_or_else(topic_not_found)?;
    let data = region.lock();
    if !data.topics.contains_key(&input.topic_arn) {
        return Err(topic_not_found());
    }
    let prefix = format!("{}:", input.topic_arn);
    let subs = data.subscriptions.range(prefix.clone()..).take_while(|(k, _)| k.starts_with(&prefix)).map(|(_, s)| s);
    let (subs, next_token) = page(subs, input.next_token);
    Ok(ListSubscriptionsByTopicResponse { subscriptions: Some(subs), next_token })
}
