//! AWS CloudTrail over the audit record the gateway keeps of every call
//! (`runtime/audit`): the event history (`LookupEvents`, `lookup.rs`), trails
//! with their event and Insights selectors and tags (`trails.rs`,
//! `selectors.rs`), and delivery of log files to the trails' S3 buckets
//! (`delivery.rs`). Event data stores, channels, Lake queries and dashboards
//! are not implemented.

mod delivery;
mod identity;
mod lookup;
mod selectors;
mod trails;

pub use delivery::{deliver_all, interval as delivery_interval};

use simfra_gen_cloudtrail::types::*;
use simfra_gen_cloudtrail::*;
use simfra_model::{RequestContext, SharedHandler};
use std::sync::Arc;

#[derive(Default)]
pub struct CloudTrail;

pub fn handler() -> SharedHandler {
    // The audit trail resolves callers (principal ids, session issuers) through the identity store.
    simfra_audit::set_caller_resolver(identity::resolve);
    simfra_gen_cloudtrail::handler(Arc::new(CloudTrail))
}

#[simfra_model::async_trait]
impl CloudtrailApi for CloudTrail {
    fn implemented(&self) -> &'static [&'static str] {
        &[
            "AddTags",
            "CreateTrail",
            "DeleteTrail",
            "DescribeTrails",
            "GetEventSelectors",
            "GetInsightSelectors",
            "GetTrail",
            "GetTrailStatus",
            "ListTags",
            "ListTrails",
            "LookupEvents",
            "PutEventSelectors",
            "PutInsightSelectors",
            "RemoveTags",
            "StartLogging",
            "StopLogging",
            "UpdateTrail",
        ]
    }

    async fn lookup_events(&self, ctx: &RequestContext, input: LookupEventsRequest) -> Result<LookupEventsResponse, LookupEventsError> {
        Ok(lookup::lookup(ctx, input)?)
    }

    async fn create_trail(&self, ctx: &RequestContext, input: CreateTrailRequest) -> Result<CreateTrailResponse, CreateTrailError> {
        Ok(trails::create(ctx, input)?)
    }

    async fn update_trail(&self, ctx: &RequestContext, input: UpdateTrailRequest) -> Result<UpdateTrailResponse, UpdateTrailError> {
        Ok(trails::update(ctx, input)?)
    }

    async fn get_trail(&self, ctx: &RequestContext, input: GetTrailRequest) -> Result<GetTrailResponse, GetTrailError> {
        Ok(GetTrailResponse { trail: Some(trails::get(ctx, &input.name)?) })
    }

    async fn describe_trails(&self, ctx: &RequestContext, input: DescribeTrailsRequest) -> Result<DescribeTrailsResponse, DescribeTrailsError> {
        Ok(DescribeTrailsResponse { trail_list: Some(trails::describe(ctx, input)?) })
    }

    async fn list_trails(&self, ctx: &RequestContext, _input: ListTrailsRequest) -> Result<ListTrailsResponse, ListTrailsError> {
        // At most five trails show in a region: one page always holds them.
        Ok(ListTrailsResponse { trails: Some(trails::list(ctx)), next_token: None })
    }

    async fn delete_trail(&self, ctx: &RequestContext, input: DeleteTrailRequest) -> Result<DeleteTrailResponse, DeleteTrailError> {
        trails::delete(ctx, &input.name)?;
        Ok(DeleteTrailResponse::default())
    }

    async fn start_logging(&self, ctx: &RequestContext, input: StartLoggingRequest) -> Result<StartLoggingResponse, StartLoggingError> {
        trails::set_logging(ctx, &input.name, true)?;
        delivery::ensure_started();
        Ok(StartLoggingResponse::default())
    }

    async fn stop_logging(&self, ctx: &RequestContext, input: StopLoggingRequest) -> Result<StopLoggingResponse, StopLoggingError> {
        trails::set_logging(ctx, &input.name, false)?;
        Ok(StopLoggingResponse::default())
    }

    async fn get_trail_status(&self, ctx: &RequestContext, input: GetTrailStatusRequest) -> Result<GetTrailStatusResponse, GetTrailStatusError> {
        Ok(trails::status(ctx, &input.name)?)
    }

    async fn put_event_selectors(&self, ctx: &RequestContext, input: PutEventSelectorsRequest) -> Result<PutEventSelectorsResponse, PutEventSelectorsError> {
        Ok(trails::put_event_selectors(ctx, input)?)
    }

    async fn get_event_selectors(&self, ctx: &RequestContext, input: GetEventSelectorsRequest) -> Result<GetEventSelectorsResponse, GetEventSelectorsError> {
        Ok(trails::get_event_selectors(ctx, &input.trail_name)?)
    }

    async fn put_insight_selectors(
        &self,
        ctx: &RequestContext,
        input: PutInsightSelectorsRequest,
    ) -> Result<PutInsightSelectorsResponse, PutInsightSelectorsError> {
        Ok(trails::put_insight_selectors(ctx, input)?)
    }

    async fn get_insight_selectors(
        &self,
        ctx: &RequestContext,
        input: GetInsightSelectorsRequest,
    ) -> Result<GetInsightSelectorsResponse, GetInsightSelectorsError> {
        Ok(trails::get_insight_selectors(ctx, input)?)
    }

    async fn add_tags(&self, ctx: &RequestContext, input: AddTagsRequest) -> Result<AddTagsResponse, AddTagsError> {
        trails::add_tags(ctx, input)?;
        Ok(AddTagsResponse::default())
    }

    async fn remove_tags(&self, ctx: &RequestContext, input: RemoveTagsRequest) -> Result<RemoveTagsResponse, RemoveTagsError> {
        trails::remove_tags(ctx, input)?;
        Ok(RemoveTagsResponse::default())
    }

    async fn list_tags(&self, ctx: &RequestContext, input: ListTagsRequest) -> Result<ListTagsResponse, ListTagsError> {
        Ok(ListTagsResponse { resource_tag_list: Some(trails::list_tags(ctx, input)?), next_token: None })
    }
}
