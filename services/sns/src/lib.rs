//! Amazon SNS: standard and FIFO topics, subscriptions with AWS's
//! confirmation flow, filter policies on attributes and bodies, and
//! asynchronous at-least-once delivery — to SQS queues (raw or in AWS's
//! signed JSON envelope, straight into SQS's store), to HTTP/S endpoints
//! (with the delivery retry policy, then the subscription's dead-letter
//! queue), and to email, SMS and mobile push endpoints, which are captured
//! in an inbox readable at `/_simfra/inbox`.
//!
//! Each subscription has one delivery worker fed through a channel in
//! publish order, so FIFO topics keep their order per subscription; a
//! publish never waits for delivery.

mod api;
mod delivery;
mod filter;
mod http;
mod inbox;
mod message;
mod mobile;
mod publish;
mod subscriptions;
mod topics;

use simfra_gen_sns::types::*;
use simfra_model::{RequestContext, ServiceError, SharedHandler};
use simfra_store::Scoped;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

pub(crate) struct Topic {
    pub arn: String,
    pub fifo: bool,
    pub attributes: BTreeMap<String, String>,
    pub tags: Vec<Tag>,
    pub data_protection_policy: Option<String>,
    /// FIFO deduplication ids seen in the last 5 minutes → (message id, sequence number).
    pub dedup: HashMap<String, (Instant, String, String)>,
    pub dedup_order: VecDeque<(Instant, String)>,
    pub next_seq: u64,
    pub subscriptions_deleted: u64,
}

pub(crate) struct Subscription {
    pub arn: String,
    pub topic_arn: String,
    pub protocol: String,
    pub endpoint: String,
    pub owner: String,
    pub attributes: BTreeMap<String, String>,
    pub confirmed: bool,
    pub token: String,
    /// The parsed `FilterPolicy`, if any.
    pub filter: Option<serde_json::Value>,
    pub worker: delivery::Worker,
}

pub(crate) struct PlatformApplication {
    pub attributes: HashMap<String, String>,
}

pub(crate) struct PlatformEndpoint {
    pub application_arn: String,
    pub attributes: HashMap<String, String>,
}

#[derive(Default)]
pub(crate) struct Data {
    pub topics: BTreeMap<String, Topic>,
    pub subscriptions: BTreeMap<String, Subscription>,
    pub applications: BTreeMap<String, PlatformApplication>,
    pub endpoints: BTreeMap<String, PlatformEndpoint>,
    pub sms_attributes: HashMap<String, String>,
    pub opted_out: std::collections::BTreeSet<String>,
}

#[derive(Default)]
pub(crate) struct Region {
    data: Mutex<Data>,
}

impl Region {
    pub fn lock(&self) -> MutexGuard<'_, Data> {
        self.data.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Topics of every account and region, process-wide so that IAM can read
/// topic policies and that unsigned confirmation links find their topic.
pub(crate) fn state() -> &'static Scoped<Region> {
    static STATE: std::sync::OnceLock<Scoped<Region>> = std::sync::OnceLock::new();
    STATE.get_or_init(Scoped::new)
}

#[derive(Default)]
pub struct Sns;

pub fn handler() -> SharedHandler {
    simfra_identity::authorize::register_resources("sns", topic_facts);
    inbox::register_pages();
    simfra_gen_sns::handler(Arc::new(Sns))
}

/// IAM's view of a topic: its owner, its `Policy` attribute and its tags.
fn topic_facts(arn: &str) -> Option<simfra_identity::authorize::ResourceFacts> {
    let (region, account, _) = split_arn(arn)?;
    let data = state().get(account, region);
    let data = data.lock();
    let topic = data.topics.get(arn)?;
    let policy = topic.attributes.get("Policy").and_then(|p| simfra_policy::parse(p).ok()).map(Arc::new);
    let tags = topic.tags.iter().map(|t| (t.key.clone(), t.value.clone())).collect();
    Some(simfra_identity::authorize::ResourceFacts { owner: account.to_string(), policy, tags })
}

/// (region, account, resource) of an `arn:aws:sns:…` ARN.
pub(crate) fn split_arn(arn: &str) -> Option<(&str, &str, &str)> {
    let mut parts = arn.splitn(6, ':');
    if parts.next()? != "arn" {
        return None;
    }
    let _partition = parts.next()?;
    if parts.next()? != "sns" {
        return None;
    }
    let (region, account, resource) = (parts.next()?, parts.next()?, parts.next()?);
    if account.len() != 12 || resource.is_empty() {
        return None;
    }
    Some((region, account, resource))
}

/// The state holding an SNS ARN's resource, if the caller may reach it.
pub(crate) fn region_of(ctx: &RequestContext, arn: &str) -> Option<Arc<Region>> {
    let (region, account, _) = split_arn(arn)?;
    if !ctx.may_reach(account) || region != ctx.region {
        return None;
    }
    Some(state().get(account, region))
}

pub(crate) use simfra_identity::ids::{random_hex, uuid};

pub(crate) fn invalid_parameter(message: impl Into<String>) -> ServiceError {
    InvalidParameterException { message: Some(message.into()) }.into()
}

pub(crate) fn topic_not_found() -> ServiceError {
    NotFoundException { message: Some("Topic does not exist".into()) }.into()
}

/// Publishes a message to a topic for another service (Lambda's
/// asynchronous-invocation destinations), in the topic's account and region
/// with the service as the caller. Returns the message id.
pub fn publish_internal(topic_arn: &str, message: &str) -> Result<String, String> {
    publish_for_service(topic_arn, None, message)
}

/// Publishes a message (with a subject, as S3 event notifications carry
/// one) for another service, as [`publish_internal`] does.
pub fn publish_for_service(topic_arn: &str, subject: Option<&str>, message: &str) -> Result<String, String> {
    let (region, account, _) = split_arn(topic_arn).ok_or("not an SNS topic ARN")?;
    let ctx = simfra_model::RequestContext {
        request_id: simfra_identity::ids::uuid(),
        account_id: account.to_string(),
        region: region.to_string(),
        service: "sns",
        operation: "Publish",
        protocol: simfra_model::Protocol::AwsQuery,
        host: "localhost".into(),
        access_key_id: None,
        principal_arn: None,
        headers: Arc::new(Vec::new()),
        authorized_accounts: Vec::new(),
        answer_status: Default::default(),
    };
    let input = simfra_gen_sns::types::PublishInput {
        topic_arn: Some(topic_arn.to_string()),
        message: message.to_string(),
        subject: subject.map(str::to_string),
        ..Default::default()
    };
    publish::publish(&ctx, input).map(|r| r.message_id.unwrap_or_default()).map_err(|e| e.message.unwrap_or(e.code))
}

/// Whether the topic's policy lets an AWS service (`s3.amazonaws.com`)
/// publish to it on behalf of `source_arn` owned by `source_account`, as AWS
/// requires before a service may deliver to a topic; `None` when there is
/// no such topic. A topic without a policy admits no service.
pub fn topic_admits_service(topic_arn: &str, service: &str, source_arn: &str, source_account: &str) -> Option<bool> {
    let (region, account, _) = split_arn(topic_arn)?;
    let policy = {
        let data = state().get(account, region);
        let data = data.lock();
        data.topics.get(topic_arn)?.attributes.get("Policy").cloned()
    };
    let Some(policy) = policy.and_then(|p| simfra_policy::parse(&p).ok()) else { return Some(false) };
    let evaluation = simfra_policy::Evaluation { resource: Some(("topic policy", &policy)), resource_account: Some(account), ..Default::default() };
    let mut request = simfra_policy::Request::new("sns:Publish", topic_arn, service, account)
        .with("aws:SourceArn", &[source_arn])
        .with("aws:SourceAccount", &[source_account]);
    request.service_principal = Some(service.to_string());
    Some(simfra_policy::evaluate(&evaluation, &request).0.is_allowed())
}
