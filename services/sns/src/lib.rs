//! Amazon SNS topics. (Subscriptions and delivery are issue 8's work.)

use simfra_gen_sns::types::*;
use simfra_gen_sns::*;
use simfra_model::{RequestContext, ServiceError, SharedHandler};
use simfra_store::Scoped;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

struct Topic {
    attributes: HashMap<String, String>,
    tags: Vec<Tag>,
}

#[derive(Default)]
struct Region {
    /// By topic ARN.
    topics: Mutex<BTreeMap<String, Topic>>,
}

#[derive(Default)]
pub struct Sns {
    state: Scoped<Region>,
}

pub fn handler() -> SharedHandler {
    simfra_gen_sns::handler(Arc::new(Sns::default()))
}

const PAGE: usize = 100;

fn valid_topic_name(name: &str) -> bool {
    let base = name.strip_suffix(".fifo").unwrap_or(name);
    !base.is_empty() && name.len() <= 256 && base.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn not_found() -> ServiceError {
    NotFoundException { message: Some("Topic does not exist".into()) }.into()
}

#[simfra_model::async_trait]
impl SnsApi for Sns {
    fn implemented(&self) -> &'static [&'static str] {
        &["CreateTopic", "DeleteTopic", "GetTopicAttributes", "ListTagsForResource", "ListTopics"]
    }

    async fn create_topic(&self, ctx: &RequestContext, input: CreateTopicInput) -> Result<CreateTopicResponse, CreateTopicError> {
        if !valid_topic_name(&input.name) {
            return Err(InvalidParameterException { message: Some("Invalid parameter: Topic Name".into()) }.into());
        }
        let arn = simfra_store::arn("sns", &ctx.region, &ctx.account_id, &input.name);
        let region = self.state.regional(ctx);
        let mut topics = region.topics.lock().unwrap_or_else(|e| e.into_inner());
        // CreateTopic is idempotent for the same name.
        topics.entry(arn.clone()).or_insert_with(|| {
            let mut attributes = input.attributes.unwrap_or_default();
            attributes.insert("TopicArn".into(), arn.clone());
            attributes.insert("Owner".into(), ctx.account_id.clone());
            attributes.entry("DisplayName".into()).or_default();
            Topic { attributes, tags: input.tags.unwrap_or_default() }
        });
        Ok(CreateTopicResponse { topic_arn: Some(arn) })
    }

    async fn list_topics(&self, ctx: &RequestContext, input: ListTopicsInput) -> Result<ListTopicsResponse, ListTopicsError> {
        let region = self.state.regional(ctx);
        let topics = region.topics.lock().unwrap_or_else(|e| e.into_inner());
        let after = input.next_token.unwrap_or_default();
        let arns: Vec<&String> = topics.keys().filter(|a| a.as_str() > after.as_str()).collect();
        let page: Vec<Topic_> = arns.iter().take(PAGE).map(|a| Topic_ { topic_arn: Some((*a).clone()) }).collect();
        let next_token = (arns.len() > PAGE).then(|| arns[PAGE - 1].clone());
        Ok(ListTopicsResponse { topics: Some(page), next_token })
    }

    async fn get_topic_attributes(
        &self,
        ctx: &RequestContext,
        input: GetTopicAttributesInput,
    ) -> Result<GetTopicAttributesResponse, GetTopicAttributesError> {
        let region = self.state.regional(ctx);
        let topics = region.topics.lock().unwrap_or_else(|e| e.into_inner());
        let topic = topics.get(&input.topic_arn).ok_or_else(not_found)?;
        Ok(GetTopicAttributesResponse { attributes: Some(topic.attributes.clone()) })
    }

    async fn delete_topic(&self, ctx: &RequestContext, input: DeleteTopicInput) -> Result<(), DeleteTopicError> {
        let region = self.state.regional(ctx);
        region.topics.lock().unwrap_or_else(|e| e.into_inner()).remove(&input.topic_arn);
        Ok(())
    }


    async fn list_tags_for_resource(
        &self,
        ctx: &RequestContext,
        input: ListTagsForResourceRequest,
    ) -> Result<ListTagsForResourceResponse, ListTagsForResourceError> {
        let region = self.state.regional(ctx);
        let topics = region.topics.lock().unwrap_or_else(|e| e.into_inner());
        let topic = topics.get(&input.resource_arn).ok_or_else(|| {
            ServiceError::from(ResourceNotFoundException { message: Some("Resource does not exist".into()) })
        })?;
        Ok(ListTagsForResourceResponse { tags: Some(topic.tags.clone()) })
    }
}

/// The generated `Topic` type, named apart from this module's stored topic.
use simfra_gen_sns::types::Topic as Topic_;
