//! Amazon S3: buckets, objects streamed to and from disk, versions,
//! multipart uploads, checksums, access control and bucket configuration.
//!
//! The layout follows S3's own areas:
//! - `store`: buckets, version stacks, uploads and stored configuration (in memory);
//! - `storage`: object bytes in blob files on disk; `checksums`: MD5 and flexible checksums;
//! - `buckets`: create/head/list/delete, location, versioning;
//! - `objects`: object reads and writes, copies, deletes, tags, retention and legal hold;
//! - `multipart`: multipart uploads; `listing`: ListObjects(V2), ListObjectVersions;
//! - `access`: policies, ACLs, ownership, Block Public Access, CORS, website;
//! - `settings`: the other bucket configurations (lifecycle, encryption, tagging,
//!   notifications, logging …);
//! - `internal`: S3 as other services reach it in-process.

mod access;
mod buckets;
mod checksums;
mod errors;
mod ids;
mod internal;
mod listing;
mod multipart;
pub mod notify;
mod objects;
mod settings;
pub mod storage;
pub mod store;

pub use internal::{bucket_info, bucket_tags, get_object_internal, put_object_internal, set_bucket_tags, BucketInfo};
/// What S3 answers outside its operations (the gateway calls these): CORS
/// preflights and headers, and website endpoints.
pub use access::{cors_preflight, cors_response_headers, website};

use simfra_gen_s3::types::*;
use simfra_gen_s3::*;
use simfra_model::SharedHandler;
use std::sync::OnceLock;

/// The S3 service: every account's buckets (bucket names are global).
#[derive(Default)]
pub struct S3 {
    pub store: store::Store,
}

pub fn handler() -> SharedHandler {
    simfra_identity::authorize::register_resources("s3", internal::bucket_facts);
    simfra_identity::actions::register_arn_resolver("s3", buckets::access_point_resource);
    simfra_gen_s3::handler(internal::shared())
}

#[simfra_model::async_trait]
impl S3Api for S3 {
    fn implemented(&self) -> &'static [&'static str] {
        static SERVED: OnceLock<Vec<&'static str>> = OnceLock::new();
        SERVED.get_or_init(|| {
            let mut all = [buckets::SERVED, objects::SERVED, multipart::SERVED, listing::SERVED, access::SERVED, settings::SERVED].concat();
            all.sort_unstable();
            all
        })
    }

    async fn abort_multipart_upload(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: AbortMultipartUploadRequest,
    ) -> ::std::result::Result<AbortMultipartUploadOutput, AbortMultipartUploadError> {
        crate::multipart::abort_multipart_upload(self, ctx, input).await
    }
    async fn complete_multipart_upload(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: CompleteMultipartUploadRequest,
    ) -> ::std::result::Result<
        CompleteMultipartUploadOutput,
        CompleteMultipartUploadError,
    > {
        crate::multipart::complete_multipart_upload(self, ctx, input).await
    }
    async fn copy_object(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: CopyObjectRequest,
    ) -> ::std::result::Result<CopyObjectOutput, CopyObjectError> {
        crate::objects::copy_object(self, ctx, input).await
    }
    async fn create_bucket(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: CreateBucketRequest,
    ) -> ::std::result::Result<CreateBucketOutput, CreateBucketError> {
        crate::buckets::create_bucket(self, ctx, input).await
    }
    async fn create_multipart_upload(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: CreateMultipartUploadRequest,
    ) -> ::std::result::Result<CreateMultipartUploadOutput, CreateMultipartUploadError> {
        crate::multipart::create_multipart_upload(self, ctx, input).await
    }
    async fn delete_bucket(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: DeleteBucketRequest,
    ) -> ::std::result::Result<(), DeleteBucketError> {
        crate::buckets::delete_bucket(self, ctx, input).await
    }
    async fn delete_bucket_analytics_configuration(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: DeleteBucketAnalyticsConfigurationRequest,
    ) -> ::std::result::Result<(), DeleteBucketAnalyticsConfigurationError> {
        crate::settings::delete_bucket_analytics_configuration(self, ctx, input).await
    }
    async fn delete_bucket_cors(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: DeleteBucketCorsRequest,
    ) -> ::std::result::Result<(), DeleteBucketCorsError> {
        crate::access::delete_bucket_cors(self, ctx, input).await
    }
    async fn delete_bucket_encryption(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: DeleteBucketEncryptionRequest,
    ) -> ::std::result::Result<(), DeleteBucketEncryptionError> {
        crate::settings::delete_bucket_encryption(self, ctx, input).await
    }
    async fn delete_bucket_intelligent_tiering_configuration(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: DeleteBucketIntelligentTieringConfigurationRequest,
    ) -> ::std::result::Result<(), DeleteBucketIntelligentTieringConfigurationError> {
        crate::settings::delete_bucket_intelligent_tiering_configuration(self, ctx, input).await
    }
    async fn delete_bucket_inventory_configuration(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: DeleteBucketInventoryConfigurationRequest,
    ) -> ::std::result::Result<(), DeleteBucketInventoryConfigurationError> {
        crate::settings::delete_bucket_inventory_configuration(self, ctx, input).await
    }
    async fn delete_bucket_lifecycle(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: DeleteBucketLifecycleRequest,
    ) -> ::std::result::Result<(), DeleteBucketLifecycleError> {
        crate::settings::delete_bucket_lifecycle(self, ctx, input).await
    }
    async fn delete_bucket_metrics_configuration(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: DeleteBucketMetricsConfigurationRequest,
    ) -> ::std::result::Result<(), DeleteBucketMetricsConfigurationError> {
        crate::settings::delete_bucket_metrics_configuration(self, ctx, input).await
    }
    async fn delete_bucket_ownership_controls(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: DeleteBucketOwnershipControlsRequest,
    ) -> ::std::result::Result<(), DeleteBucketOwnershipControlsError> {
        crate::access::delete_bucket_ownership_controls(self, ctx, input).await
    }
    async fn delete_bucket_policy(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: DeleteBucketPolicyRequest,
    ) -> ::std::result::Result<(), DeleteBucketPolicyError> {
        crate::access::delete_bucket_policy(self, ctx, input).await
    }
    async fn delete_bucket_replication(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: DeleteBucketReplicationRequest,
    ) -> ::std::result::Result<(), DeleteBucketReplicationError> {
        crate::settings::delete_bucket_replication(self, ctx, input).await
    }
    async fn delete_bucket_tagging(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: DeleteBucketTaggingRequest,
    ) -> ::std::result::Result<(), DeleteBucketTaggingError> {
        crate::settings::delete_bucket_tagging(self, ctx, input).await
    }
    async fn delete_bucket_website(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: DeleteBucketWebsiteRequest,
    ) -> ::std::result::Result<(), DeleteBucketWebsiteError> {
        crate::access::delete_bucket_website(self, ctx, input).await
    }
    async fn delete_object(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: DeleteObjectRequest,
    ) -> ::std::result::Result<DeleteObjectOutput, DeleteObjectError> {
        crate::objects::delete_object(self, ctx, input).await
    }
    async fn delete_object_tagging(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: DeleteObjectTaggingRequest,
    ) -> ::std::result::Result<DeleteObjectTaggingOutput, DeleteObjectTaggingError> {
        crate::objects::delete_object_tagging(self, ctx, input).await
    }
    async fn delete_objects(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: DeleteObjectsRequest,
    ) -> ::std::result::Result<DeleteObjectsOutput, DeleteObjectsError> {
        crate::objects::delete_objects(self, ctx, input).await
    }
    async fn delete_public_access_block(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: DeletePublicAccessBlockRequest,
    ) -> ::std::result::Result<(), DeletePublicAccessBlockError> {
        crate::access::delete_public_access_block(self, ctx, input).await
    }
    async fn get_bucket_accelerate_configuration(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: GetBucketAccelerateConfigurationRequest,
    ) -> ::std::result::Result<
        GetBucketAccelerateConfigurationOutput,
        GetBucketAccelerateConfigurationError,
    > {
        crate::settings::get_bucket_accelerate_configuration(self, ctx, input).await
    }
    async fn get_bucket_acl(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: GetBucketAclRequest,
    ) -> ::std::result::Result<GetBucketAclOutput, GetBucketAclError> {
        crate::access::get_bucket_acl(self, ctx, input).await
    }
    async fn get_bucket_analytics_configuration(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: GetBucketAnalyticsConfigurationRequest,
    ) -> ::std::result::Result<
        GetBucketAnalyticsConfigurationOutput,
        GetBucketAnalyticsConfigurationError,
    > {
        crate::settings::get_bucket_analytics_configuration(self, ctx, input).await
    }
    async fn get_bucket_cors(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: GetBucketCorsRequest,
    ) -> ::std::result::Result<GetBucketCorsOutput, GetBucketCorsError> {
        crate::access::get_bucket_cors(self, ctx, input).await
    }
    async fn get_bucket_encryption(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: GetBucketEncryptionRequest,
    ) -> ::std::result::Result<GetBucketEncryptionOutput, GetBucketEncryptionError> {
        crate::settings::get_bucket_encryption(self, ctx, input).await
    }
    async fn get_bucket_intelligent_tiering_configuration(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: GetBucketIntelligentTieringConfigurationRequest,
    ) -> ::std::result::Result<
        GetBucketIntelligentTieringConfigurationOutput,
        GetBucketIntelligentTieringConfigurationError,
    > {
        crate::settings::get_bucket_intelligent_tiering_configuration(self, ctx, input).await
    }
    async fn get_bucket_inventory_configuration(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: GetBucketInventoryConfigurationRequest,
    ) -> ::std::result::Result<
        GetBucketInventoryConfigurationOutput,
        GetBucketInventoryConfigurationError,
    > {
        crate::settings::get_bucket_inventory_configuration(self, ctx, input).await
    }
    async fn get_bucket_lifecycle_configuration(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: GetBucketLifecycleConfigurationRequest,
    ) -> ::std::result::Result<
        GetBucketLifecycleConfigurationOutput,
        GetBucketLifecycleConfigurationError,
    > {
        crate::settings::get_bucket_lifecycle_configuration(self, ctx, input).await
    }
    async fn get_bucket_location(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: GetBucketLocationRequest,
    ) -> ::std::result::Result<GetBucketLocationOutput, GetBucketLocationError> {
        crate::buckets::get_bucket_location(self, ctx, input).await
    }
    async fn get_bucket_logging(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: GetBucketLoggingRequest,
    ) -> ::std::result::Result<GetBucketLoggingOutput, GetBucketLoggingError> {
        crate::settings::get_bucket_logging(self, ctx, input).await
    }
    async fn get_bucket_metrics_configuration(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: GetBucketMetricsConfigurationRequest,
    ) -> ::std::result::Result<
        GetBucketMetricsConfigurationOutput,
        GetBucketMetricsConfigurationError,
    > {
        crate::settings::get_bucket_metrics_configuration(self, ctx, input).await
    }
    async fn get_bucket_notification_configuration(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: GetBucketNotificationConfigurationRequest,
    ) -> ::std::result::Result<
        NotificationConfiguration,
        GetBucketNotificationConfigurationError,
    > {
        crate::settings::get_bucket_notification_configuration(self, ctx, input).await
    }
    async fn get_bucket_ownership_controls(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: GetBucketOwnershipControlsRequest,
    ) -> ::std::result::Result<
        GetBucketOwnershipControlsOutput,
        GetBucketOwnershipControlsError,
    > {
        crate::access::get_bucket_ownership_controls(self, ctx, input).await
    }
    async fn get_bucket_policy(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: GetBucketPolicyRequest,
    ) -> ::std::result::Result<GetBucketPolicyOutput, GetBucketPolicyError> {
        crate::access::get_bucket_policy(self, ctx, input).await
    }
    async fn get_bucket_policy_status(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: GetBucketPolicyStatusRequest,
    ) -> ::std::result::Result<GetBucketPolicyStatusOutput, GetBucketPolicyStatusError> {
        crate::access::get_bucket_policy_status(self, ctx, input).await
    }
    async fn get_bucket_replication(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: GetBucketReplicationRequest,
    ) -> ::std::result::Result<GetBucketReplicationOutput, GetBucketReplicationError> {
        crate::settings::get_bucket_replication(self, ctx, input).await
    }
    async fn get_bucket_request_payment(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: GetBucketRequestPaymentRequest,
    ) -> ::std::result::Result<
        GetBucketRequestPaymentOutput,
        GetBucketRequestPaymentError,
    > {
        crate::settings::get_bucket_request_payment(self, ctx, input).await
    }
    async fn get_bucket_tagging(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: GetBucketTaggingRequest,
    ) -> ::std::result::Result<GetBucketTaggingOutput, GetBucketTaggingError> {
        crate::settings::get_bucket_tagging(self, ctx, input).await
    }
    async fn get_bucket_versioning(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: GetBucketVersioningRequest,
    ) -> ::std::result::Result<GetBucketVersioningOutput, GetBucketVersioningError> {
        crate::buckets::get_bucket_versioning(self, ctx, input).await
    }
    async fn get_bucket_website(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: GetBucketWebsiteRequest,
    ) -> ::std::result::Result<GetBucketWebsiteOutput, GetBucketWebsiteError> {
        crate::access::get_bucket_website(self, ctx, input).await
    }
    async fn get_object(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: GetObjectRequest,
    ) -> ::std::result::Result<GetObjectOutput, GetObjectError> {
        crate::objects::get_object(self, ctx, input).await
    }
    async fn get_object_acl(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: GetObjectAclRequest,
    ) -> ::std::result::Result<GetObjectAclOutput, GetObjectAclError> {
        crate::access::get_object_acl(self, ctx, input).await
    }
    async fn get_object_attributes(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: GetObjectAttributesRequest,
    ) -> ::std::result::Result<GetObjectAttributesOutput, GetObjectAttributesError> {
        crate::objects::get_object_attributes(self, ctx, input).await
    }
    async fn get_object_legal_hold(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: GetObjectLegalHoldRequest,
    ) -> ::std::result::Result<GetObjectLegalHoldOutput, GetObjectLegalHoldError> {
        crate::objects::get_object_legal_hold(self, ctx, input).await
    }
    async fn get_object_lock_configuration(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: GetObjectLockConfigurationRequest,
    ) -> ::std::result::Result<
        GetObjectLockConfigurationOutput,
        GetObjectLockConfigurationError,
    > {
        crate::objects::get_object_lock_configuration(self, ctx, input).await
    }
    async fn get_object_retention(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: GetObjectRetentionRequest,
    ) -> ::std::result::Result<GetObjectRetentionOutput, GetObjectRetentionError> {
        crate::objects::get_object_retention(self, ctx, input).await
    }
    async fn get_object_tagging(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: GetObjectTaggingRequest,
    ) -> ::std::result::Result<GetObjectTaggingOutput, GetObjectTaggingError> {
        crate::objects::get_object_tagging(self, ctx, input).await
    }
    async fn get_public_access_block(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: GetPublicAccessBlockRequest,
    ) -> ::std::result::Result<GetPublicAccessBlockOutput, GetPublicAccessBlockError> {
        crate::access::get_public_access_block(self, ctx, input).await
    }
    async fn head_bucket(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: HeadBucketRequest,
    ) -> ::std::result::Result<HeadBucketOutput, HeadBucketError> {
        crate::buckets::head_bucket(self, ctx, input).await
    }
    async fn head_object(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: HeadObjectRequest,
    ) -> ::std::result::Result<HeadObjectOutput, HeadObjectError> {
        crate::objects::head_object(self, ctx, input).await
    }
    async fn list_bucket_analytics_configurations(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: ListBucketAnalyticsConfigurationsRequest,
    ) -> ::std::result::Result<
        ListBucketAnalyticsConfigurationsOutput,
        ListBucketAnalyticsConfigurationsError,
    > {
        crate::settings::list_bucket_analytics_configurations(self, ctx, input).await
    }
    async fn list_bucket_intelligent_tiering_configurations(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: ListBucketIntelligentTieringConfigurationsRequest,
    ) -> ::std::result::Result<
        ListBucketIntelligentTieringConfigurationsOutput,
        ListBucketIntelligentTieringConfigurationsError,
    > {
        crate::settings::list_bucket_intelligent_tiering_configurations(self, ctx, input).await
    }
    async fn list_bucket_inventory_configurations(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: ListBucketInventoryConfigurationsRequest,
    ) -> ::std::result::Result<
        ListBucketInventoryConfigurationsOutput,
        ListBucketInventoryConfigurationsError,
    > {
        crate::settings::list_bucket_inventory_configurations(self, ctx, input).await
    }
    async fn list_bucket_metrics_configurations(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: ListBucketMetricsConfigurationsRequest,
    ) -> ::std::result::Result<
        ListBucketMetricsConfigurationsOutput,
        ListBucketMetricsConfigurationsError,
    > {
        crate::settings::list_bucket_metrics_configurations(self, ctx, input).await
    }
    async fn list_buckets(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: ListBucketsRequest,
    ) -> ::std::result::Result<ListBucketsOutput, ListBucketsError> {
        crate::buckets::list_buckets(self, ctx, input).await
    }
    async fn list_multipart_uploads(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: ListMultipartUploadsRequest,
    ) -> ::std::result::Result<ListMultipartUploadsOutput, ListMultipartUploadsError> {
        crate::multipart::list_multipart_uploads(self, ctx, input).await
    }
    async fn list_object_versions(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: ListObjectVersionsRequest,
    ) -> ::std::result::Result<ListObjectVersionsOutput, ListObjectVersionsError> {
        crate::listing::list_object_versions(self, ctx, input).await
    }
    async fn list_objects(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: ListObjectsRequest,
    ) -> ::std::result::Result<ListObjectsOutput, ListObjectsError> {
        crate::listing::list_objects(self, ctx, input).await
    }
    async fn list_objects_v2(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: ListObjectsV2Request,
    ) -> ::std::result::Result<ListObjectsV2Output, ListObjectsV2Error> {
        crate::listing::list_objects_v2(self, ctx, input).await
    }
    async fn list_parts(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: ListPartsRequest,
    ) -> ::std::result::Result<ListPartsOutput, ListPartsError> {
        crate::multipart::list_parts(self, ctx, input).await
    }
    async fn put_bucket_accelerate_configuration(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: PutBucketAccelerateConfigurationRequest,
    ) -> ::std::result::Result<(), PutBucketAccelerateConfigurationError> {
        crate::settings::put_bucket_accelerate_configuration(self, ctx, input).await
    }
    async fn put_bucket_acl(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: PutBucketAclRequest,
    ) -> ::std::result::Result<(), PutBucketAclError> {
        crate::access::put_bucket_acl(self, ctx, input).await
    }
    async fn put_bucket_analytics_configuration(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: PutBucketAnalyticsConfigurationRequest,
    ) -> ::std::result::Result<(), PutBucketAnalyticsConfigurationError> {
        crate::settings::put_bucket_analytics_configuration(self, ctx, input).await
    }
    async fn put_bucket_cors(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: PutBucketCorsRequest,
    ) -> ::std::result::Result<(), PutBucketCorsError> {
        crate::access::put_bucket_cors(self, ctx, input).await
    }
    async fn put_bucket_encryption(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: PutBucketEncryptionRequest,
    ) -> ::std::result::Result<(), PutBucketEncryptionError> {
        crate::settings::put_bucket_encryption(self, ctx, input).await
    }
    async fn put_bucket_intelligent_tiering_configuration(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: PutBucketIntelligentTieringConfigurationRequest,
    ) -> ::std::result::Result<(), PutBucketIntelligentTieringConfigurationError> {
        crate::settings::put_bucket_intelligent_tiering_configuration(self, ctx, input).await
    }
    async fn put_bucket_inventory_configuration(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: PutBucketInventoryConfigurationRequest,
    ) -> ::std::result::Result<(), PutBucketInventoryConfigurationError> {
        crate::settings::put_bucket_inventory_configuration(self, ctx, input).await
    }
    async fn put_bucket_lifecycle_configuration(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: PutBucketLifecycleConfigurationRequest,
    ) -> ::std::result::Result<
        PutBucketLifecycleConfigurationOutput,
        PutBucketLifecycleConfigurationError,
    > {
        crate::settings::put_bucket_lifecycle_configuration(self, ctx, input).await
    }
    async fn put_bucket_logging(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: PutBucketLoggingRequest,
    ) -> ::std::result::Result<(), PutBucketLoggingError> {
        crate::settings::put_bucket_logging(self, ctx, input).await
    }
    async fn put_bucket_metrics_configuration(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: PutBucketMetricsConfigurationRequest,
    ) -> ::std::result::Result<(), PutBucketMetricsConfigurationError> {
        crate::settings::put_bucket_metrics_configuration(self, ctx, input).await
    }
    async fn put_bucket_notification_configuration(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: PutBucketNotificationConfigurationRequest,
    ) -> ::std::result::Result<(), PutBucketNotificationConfigurationError> {
        crate::settings::put_bucket_notification_configuration(self, ctx, input).await
    }
    async fn put_bucket_ownership_controls(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: PutBucketOwnershipControlsRequest,
    ) -> ::std::result::Result<(), PutBucketOwnershipControlsError> {
        crate::access::put_bucket_ownership_controls(self, ctx, input).await
    }
    async fn put_bucket_policy(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: PutBucketPolicyRequest,
    ) -> ::std::result::Result<(), PutBucketPolicyError> {
        crate::access::put_bucket_policy(self, ctx, input).await
    }
    async fn put_bucket_replication(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: PutBucketReplicationRequest,
    ) -> ::std::result::Result<(), PutBucketReplicationError> {
        crate::settings::put_bucket_replication(self, ctx, input).await
    }
    async fn put_bucket_request_payment(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: PutBucketRequestPaymentRequest,
    ) -> ::std::result::Result<(), PutBucketRequestPaymentError> {
        crate::settings::put_bucket_request_payment(self, ctx, input).await
    }
    async fn put_bucket_tagging(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: PutBucketTaggingRequest,
    ) -> ::std::result::Result<(), PutBucketTaggingError> {
        crate::settings::put_bucket_tagging(self, ctx, input).await
    }
    async fn put_bucket_versioning(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: PutBucketVersioningRequest,
    ) -> ::std::result::Result<(), PutBucketVersioningError> {
        crate::buckets::put_bucket_versioning(self, ctx, input).await
    }
    async fn put_bucket_website(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: PutBucketWebsiteRequest,
    ) -> ::std::result::Result<(), PutBucketWebsiteError> {
        crate::access::put_bucket_website(self, ctx, input).await
    }
    async fn put_object(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: PutObjectRequest,
    ) -> ::std::result::Result<PutObjectOutput, PutObjectError> {
        crate::objects::put_object(self, ctx, input).await
    }
    async fn put_object_acl(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: PutObjectAclRequest,
    ) -> ::std::result::Result<PutObjectAclOutput, PutObjectAclError> {
        crate::access::put_object_acl(self, ctx, input).await
    }
    async fn put_object_legal_hold(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: PutObjectLegalHoldRequest,
    ) -> ::std::result::Result<PutObjectLegalHoldOutput, PutObjectLegalHoldError> {
        crate::objects::put_object_legal_hold(self, ctx, input).await
    }
    async fn put_object_lock_configuration(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: PutObjectLockConfigurationRequest,
    ) -> ::std::result::Result<
        PutObjectLockConfigurationOutput,
        PutObjectLockConfigurationError,
    > {
        crate::objects::put_object_lock_configuration(self, ctx, input).await
    }
    async fn put_object_retention(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: PutObjectRetentionRequest,
    ) -> ::std::result::Result<PutObjectRetentionOutput, PutObjectRetentionError> {
        crate::objects::put_object_retention(self, ctx, input).await
    }
    async fn put_object_tagging(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: PutObjectTaggingRequest,
    ) -> ::std::result::Result<PutObjectTaggingOutput, PutObjectTaggingError> {
        crate::objects::put_object_tagging(self, ctx, input).await
    }
    async fn put_public_access_block(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: PutPublicAccessBlockRequest,
    ) -> ::std::result::Result<(), PutPublicAccessBlockError> {
        crate::access::put_public_access_block(self, ctx, input).await
    }
    async fn restore_object(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: RestoreObjectRequest,
    ) -> ::std::result::Result<RestoreObjectOutput, RestoreObjectError> {
        crate::objects::restore_object(self, ctx, input).await
    }
    async fn upload_part(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: UploadPartRequest,
    ) -> ::std::result::Result<UploadPartOutput, UploadPartError> {
        crate::multipart::upload_part(self, ctx, input).await
    }
    async fn upload_part_copy(
        &self,
        ctx: &::simfra_model::RequestContext,
        input: UploadPartCopyRequest,
    ) -> ::std::result::Result<UploadPartCopyOutput, UploadPartCopyError> {
        crate::multipart::upload_part_copy(self, ctx, input).await
    }
}
