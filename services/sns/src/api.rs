//! The SNS operations, each answered by the module that owns its resource:
//! `topics`, `subscriptions`, `publish`, `mobile`.

use crate::*;
use simfra_gen_sns::*;

#[simfra_model::async_trait]
impl SnsApi for Sns {
    fn implemented(&self) -> &'static [&'static str] {
        &[
            "AddPermission",
            "CheckIfPhoneNumberIsOptedOut",
            "ConfirmSubscription",
            "CreatePlatformApplication",
            "CreatePlatformEndpoint",
            "CreateTopic",
            "DeleteEndpoint",
            "DeletePlatformApplication",
            "DeleteTopic",
            "GetDataProtectionPolicy",
            "GetEndpointAttributes",
            "GetPlatformApplicationAttributes",
            "GetSMSAttributes",
            "GetSubscriptionAttributes",
            "GetTopicAttributes",
            "ListEndpointsByPlatformApplication",
            "ListPhoneNumbersOptedOut",
            "ListPlatformApplications",
            "ListSubscriptions",
            "ListSubscriptionsByTopic",
            "ListTagsForResource",
            "ListTopics",
            "OptInPhoneNumber",
            "Publish",
            "PublishBatch",
            "PutDataProtectionPolicy",
            "RemovePermission",
            "SetEndpointAttributes",
            "SetPlatformApplicationAttributes",
            "SetSMSAttributes",
            "SetSubscriptionAttributes",
            "SetTopicAttributes",
            "Subscribe",
            "TagResource",
            "Unsubscribe",
            "UntagResource",
        ]
    }

    async fn add_permission(&self, ctx: &RequestContext, input: AddPermissionInput) -> Result<(), AddPermissionError> {
        Ok(topics::add_permission(ctx, input)?)
    }

    async fn check_if_phone_number_is_opted_out(&self, ctx: &RequestContext, input: CheckIfPhoneNumberIsOptedOutInput) -> Result<CheckIfPhoneNumberIsOptedOutResponse, CheckIfPhoneNumberIsOptedOutError> {
        Ok(mobile::check_opted_out(ctx, input)?)
    }

    async fn confirm_subscription(&self, ctx: &RequestContext, input: ConfirmSubscriptionInput) -> Result<ConfirmSubscriptionResponse, ConfirmSubscriptionError> {
        Ok(subscriptions::confirm(ctx, input)?)
    }

    async fn create_platform_application(&self, ctx: &RequestContext, input: CreatePlatformApplicationInput) -> Result<CreatePlatformApplicationResponse, CreatePlatformApplicationError> {
        Ok(mobile::create_application(ctx, input)?)
    }

    async fn create_platform_endpoint(&self, ctx: &RequestContext, input: CreatePlatformEndpointInput) -> Result<CreateEndpointResponse, CreatePlatformEndpointError> {
        Ok(mobile::create_endpoint(ctx, input)?)
    }

    async fn create_topic(&self, ctx: &RequestContext, input: CreateTopicInput) -> Result<CreateTopicResponse, CreateTopicError> {
        Ok(topics::create(ctx, input)?)
    }

    async fn delete_endpoint(&self, ctx: &RequestContext, input: DeleteEndpointInput) -> Result<(), DeleteEndpointError> {
        Ok(mobile::delete_endpoint(ctx, input)?)
    }

    async fn delete_platform_application(&self, ctx: &RequestContext, input: DeletePlatformApplicationInput) -> Result<(), DeletePlatformApplicationError> {
        Ok(mobile::delete_application(ctx, input)?)
    }

    async fn delete_topic(&self, ctx: &RequestContext, input: DeleteTopicInput) -> Result<(), DeleteTopicError> {
        Ok(topics::delete(ctx, input)?)
    }

    async fn get_data_protection_policy(&self, ctx: &RequestContext, input: GetDataProtectionPolicyInput) -> Result<GetDataProtectionPolicyResponse, GetDataProtectionPolicyError> {
        Ok(topics::get_data_protection_policy(ctx, input)?)
    }

    async fn get_endpoint_attributes(&self, ctx: &RequestContext, input: GetEndpointAttributesInput) -> Result<GetEndpointAttributesResponse, GetEndpointAttributesError> {
        Ok(mobile::get_endpoint(ctx, input)?)
    }

    async fn get_platform_application_attributes(&self, ctx: &RequestContext, input: GetPlatformApplicationAttributesInput) -> Result<GetPlatformApplicationAttributesResponse, GetPlatformApplicationAttributesError> {
        Ok(mobile::get_application(ctx, input)?)
    }

    async fn get_sms_attributes(&self, ctx: &RequestContext, input: GetSmsAttributesInput) -> Result<GetSmsAttributesResponse, GetSmsAttributesError> {
        Ok(mobile::get_sms_attributes(ctx, input)?)
    }

    async fn get_subscription_attributes(&self, ctx: &RequestContext, input: GetSubscriptionAttributesInput) -> Result<GetSubscriptionAttributesResponse, GetSubscriptionAttributesError> {
        Ok(subscriptions::get_attributes(ctx, input)?)
    }

    async fn get_topic_attributes(&self, ctx: &RequestContext, input: GetTopicAttributesInput) -> Result<GetTopicAttributesResponse, GetTopicAttributesError> {
        Ok(topics::get_attributes(ctx, input)?)
    }

    async fn list_endpoints_by_platform_application(&self, ctx: &RequestContext, input: ListEndpointsByPlatformApplicationInput) -> Result<ListEndpointsByPlatformApplicationResponse, ListEndpointsByPlatformApplicationError> {
        Ok(mobile::list_endpoints(ctx, input)?)
    }

    async fn list_phone_numbers_opted_out(&self, ctx: &RequestContext, input: ListPhoneNumbersOptedOutInput) -> Result<ListPhoneNumbersOptedOutResponse, ListPhoneNumbersOptedOutError> {
        Ok(mobile::list_opted_out(ctx, input)?)
    }

    async fn list_platform_applications(&self, ctx: &RequestContext, input: ListPlatformApplicationsInput) -> Result<ListPlatformApplicationsResponse, ListPlatformApplicationsError> {
        Ok(mobile::list_applications(ctx, input)?)
    }

    async fn list_subscriptions(&self, ctx: &RequestContext, input: ListSubscriptionsInput) -> Result<ListSubscriptionsResponse, ListSubscriptionsError> {
        Ok(subscriptions::list(ctx, input)?)
    }

    async fn list_subscriptions_by_topic(&self, ctx: &RequestContext, input: ListSubscriptionsByTopicInput) -> Result<ListSubscriptionsByTopicResponse, ListSubscriptionsByTopicError> {
        Ok(subscriptions::list_by_topic(ctx, input)?)
    }

    async fn list_tags_for_resource(&self, ctx: &RequestContext, input: ListTagsForResourceRequest) -> Result<ListTagsForResourceResponse, ListTagsForResourceError> {
        Ok(topics::list_tags(ctx, input)?)
    }

    async fn list_topics(&self, ctx: &RequestContext, input: ListTopicsInput) -> Result<ListTopicsResponse, ListTopicsError> {
        Ok(topics::list(ctx, input)?)
    }

    async fn opt_in_phone_number(&self, ctx: &RequestContext, input: OptInPhoneNumberInput) -> Result<OptInPhoneNumberResponse, OptInPhoneNumberError> {
        Ok(mobile::opt_in(ctx, input)?)
    }

    async fn publish(&self, ctx: &RequestContext, input: PublishInput) -> Result<PublishResponse, PublishError> {
        Ok(publish::publish(ctx, input)?)
    }

    async fn publish_batch(&self, ctx: &RequestContext, input: PublishBatchInput) -> Result<PublishBatchResponse, PublishBatchError> {
        Ok(publish::publish_batch(ctx, input)?)
    }

    async fn put_data_protection_policy(&self, ctx: &RequestContext, input: PutDataProtectionPolicyInput) -> Result<(), PutDataProtectionPolicyError> {
        Ok(topics::put_data_protection_policy(ctx, input)?)
    }

    async fn remove_permission(&self, ctx: &RequestContext, input: RemovePermissionInput) -> Result<(), RemovePermissionError> {
        Ok(topics::remove_permission(ctx, input)?)
    }

    async fn set_endpoint_attributes(&self, ctx: &RequestContext, input: SetEndpointAttributesInput) -> Result<(), SetEndpointAttributesError> {
        Ok(mobile::set_endpoint(ctx, input)?)
    }

    async fn set_platform_application_attributes(&self, ctx: &RequestContext, input: SetPlatformApplicationAttributesInput) -> Result<(), SetPlatformApplicationAttributesError> {
        Ok(mobile::set_application(ctx, input)?)
    }

    async fn set_sms_attributes(&self, ctx: &RequestContext, input: SetSmsAttributesInput) -> Result<SetSmsAttributesResponse, SetSmsAttributesError> {
        Ok(mobile::set_sms_attributes(ctx, input)?)
    }

    async fn set_subscription_attributes(&self, ctx: &RequestContext, input: SetSubscriptionAttributesInput) -> Result<(), SetSubscriptionAttributesError> {
        Ok(subscriptions::set_attribute(ctx, input)?)
    }

    async fn set_topic_attributes(&self, ctx: &RequestContext, input: SetTopicAttributesInput) -> Result<(), SetTopicAttributesError> {
        Ok(topics::set_attribute(ctx, input)?)
    }

    async fn subscribe(&self, ctx: &RequestContext, input: SubscribeInput) -> Result<SubscribeResponse, SubscribeError> {
        Ok(subscriptions::subscribe(ctx, input)?)
    }

    async fn tag_resource(&self, ctx: &RequestContext, input: TagResourceRequest) -> Result<TagResourceResponse, TagResourceError> {
        Ok(topics::tag(ctx, input)?)
    }

    async fn unsubscribe(&self, ctx: &RequestContext, input: UnsubscribeInput) -> Result<(), UnsubscribeError> {
        Ok(subscriptions::unsubscribe(ctx, input)?)
    }

    async fn untag_resource(&self, ctx: &RequestContext, input: UntagResourceRequest) -> Result<UntagResourceResponse, UntagResourceError> {
        Ok(topics::untag(ctx, input)?)
    }

}
