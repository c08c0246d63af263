//! PLACEHOLDER module `settings`: replace this doc comment with what the module is.

use crate::S3;
use simfra_gen_s3::types::*;
use simfra_gen_s3::*;
use simfra_model::{RequestContext, ServiceError};

/// Operations this module serves (listed in `S3Api::implemented`).
pub(crate) const SERVED: &[&str] = &[];

/// The encryption a write gets when it names none: the bucket's default
/// (SSE-S3 unless configured otherwise, as on AWS since January 2023).
pub(crate) fn default_encryption(b: &crate::store::Bucket) -> crate::store::Encryption {
    let rule = b.config.encryption.as_ref().and_then(|c| c.rules.first());
    let by_default = rule.and_then(|r| r.apply_server_side_encryption_by_default.as_ref());
    match by_default {
        Some(d) => crate::store::Encryption {
            algorithm: Some(d.sse_algorithm.clone()),
            kms_key_id: d.kms_master_key_id.clone(),
            bucket_key_enabled: rule.and_then(|r| r.bucket_key_enabled),
            ..Default::default()
        },
        None => crate::store::Encryption { algorithm: Some(ServerSideEncryption::Aes256), ..Default::default() },
    }
}

pub(crate) async fn delete_bucket_analytics_configuration(
        s3: &S3,
        ctx: &RequestContext,
        input: DeleteBucketAnalyticsConfigurationRequest,
    ) -> Result<(), DeleteBucketAnalyticsConfigurationError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "DeleteBucketAnalyticsConfiguration").into())
}

pub(crate) async fn delete_bucket_encryption(
        s3: &S3,
        ctx: &RequestContext,
        input: DeleteBucketEncryptionRequest,
    ) -> Result<(), DeleteBucketEncryptionError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "DeleteBucketEncryption").into())
}

pub(crate) async fn delete_bucket_intelligent_tiering_configuration(
        s3: &S3,
        ctx: &RequestContext,
        input: DeleteBucketIntelligentTieringConfigurationRequest,
    ) -> Result<(), DeleteBucketIntelligentTieringConfigurationError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "DeleteBucketIntelligentTieringConfiguration").into())
}

pub(crate) async fn delete_bucket_inventory_configuration(
        s3: &S3,
        ctx: &RequestContext,
        input: DeleteBucketInventoryConfigurationRequest,
    ) -> Result<(), DeleteBucketInventoryConfigurationError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "DeleteBucketInventoryConfiguration").into())
}

pub(crate) async fn delete_bucket_lifecycle(
        s3: &S3,
        ctx: &RequestContext,
        input: DeleteBucketLifecycleRequest,
    ) -> Result<(), DeleteBucketLifecycleError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "DeleteBucketLifecycle").into())
}

pub(crate) async fn delete_bucket_metrics_configuration(
        s3: &S3,
        ctx: &RequestContext,
        input: DeleteBucketMetricsConfigurationRequest,
    ) -> Result<(), DeleteBucketMetricsConfigurationError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "DeleteBucketMetricsConfiguration").into())
}

pub(crate) async fn delete_bucket_replication(
        s3: &S3,
        ctx: &RequestContext,
        input: DeleteBucketReplicationRequest,
    ) -> Result<(), DeleteBucketReplicationError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "DeleteBucketReplication").into())
}

pub(crate) async fn delete_bucket_tagging(
        s3: &S3,
        ctx: &RequestContext,
        input: DeleteBucketTaggingRequest,
    ) -> Result<(), DeleteBucketTaggingError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "DeleteBucketTagging").into())
}

pub(crate) async fn get_bucket_accelerate_configuration(
        s3: &S3,
        ctx: &RequestContext,
        input: GetBucketAccelerateConfigurationRequest,
    ) -> Result<
        GetBucketAccelerateConfigurationOutput,
        GetBucketAccelerateConfigurationError,
    > {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "GetBucketAccelerateConfiguration").into())
}

pub(crate) async fn get_bucket_analytics_configuration(
        s3: &S3,
        ctx: &RequestContext,
        input: GetBucketAnalyticsConfigurationRequest,
    ) -> Result<
        GetBucketAnalyticsConfigurationOutput,
        GetBucketAnalyticsConfigurationError,
    > {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "GetBucketAnalyticsConfiguration").into())
}

pub(crate) async fn get_bucket_encryption(
        s3: &S3,
        ctx: &RequestContext,
        input: GetBucketEncryptionRequest,
    ) -> Result<GetBucketEncryptionOutput, GetBucketEncryptionError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "GetBucketEncryption").into())
}

pub(crate) async fn get_bucket_intelligent_tiering_configuration(
        s3: &S3,
        ctx: &RequestContext,
        input: GetBucketIntelligentTieringConfigurationRequest,
    ) -> Result<
        GetBucketIntelligentTieringConfigurationOutput,
        GetBucketIntelligentTieringConfigurationError,
    > {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "GetBucketIntelligentTieringConfiguration").into())
}

pub(crate) async fn get_bucket_inventory_configuration(
        s3: &S3,
        ctx: &RequestContext,
        input: GetBucketInventoryConfigurationRequest,
    ) -> Result<
        GetBucketInventoryConfigurationOutput,
        GetBucketInventoryConfigurationError,
    > {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "GetBucketInventoryConfiguration").into())
}

pub(crate) async fn get_bucket_lifecycle_configuration(
        s3: &S3,
        ctx: &RequestContext,
        input: GetBucketLifecycleConfigurationRequest,
    ) -> Result<
        GetBucketLifecycleConfigurationOutput,
        GetBucketLifecycleConfigurationError,
    > {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "GetBucketLifecycleConfiguration").into())
}

pub(crate) async fn get_bucket_logging(
        s3: &S3,
        ctx: &RequestContext,
        input: GetBucketLoggingRequest,
    ) -> Result<GetBucketLoggingOutput, GetBucketLoggingError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "GetBucketLogging").into())
}

pub(crate) async fn get_bucket_metrics_configuration(
        s3: &S3,
        ctx: &RequestContext,
        input: GetBucketMetricsConfigurationRequest,
    ) -> Result<
        GetBucketMetricsConfigurationOutput,
        GetBucketMetricsConfigurationError,
    > {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "GetBucketMetricsConfiguration").into())
}

pub(crate) async fn get_bucket_notification_configuration(
        s3: &S3,
        ctx: &RequestContext,
        input: GetBucketNotificationConfigurationRequest,
    ) -> Result<
        NotificationConfiguration,
        GetBucketNotificationConfigurationError,
    > {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "GetBucketNotificationConfiguration").into())
}

pub(crate) async fn get_bucket_replication(
        s3: &S3,
        ctx: &RequestContext,
        input: GetBucketReplicationRequest,
    ) -> Result<GetBucketReplicationOutput, GetBucketReplicationError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "GetBucketReplication").into())
}

pub(crate) async fn get_bucket_request_payment(
        s3: &S3,
        ctx: &RequestContext,
        input: GetBucketRequestPaymentRequest,
    ) -> Result<
        GetBucketRequestPaymentOutput,
        GetBucketRequestPaymentError,
    > {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "GetBucketRequestPayment").into())
}

pub(crate) async fn get_bucket_tagging(
        s3: &S3,
        ctx: &RequestContext,
        input: GetBucketTaggingRequest,
    ) -> Result<GetBucketTaggingOutput, GetBucketTaggingError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "GetBucketTagging").into())
}

pub(crate) async fn list_bucket_analytics_configurations(
        s3: &S3,
        ctx: &RequestContext,
        input: ListBucketAnalyticsConfigurationsRequest,
    ) -> Result<
        ListBucketAnalyticsConfigurationsOutput,
        ListBucketAnalyticsConfigurationsError,
    > {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "ListBucketAnalyticsConfigurations").into())
}

pub(crate) async fn list_bucket_intelligent_tiering_configurations(
        s3: &S3,
        ctx: &RequestContext,
        input: ListBucketIntelligentTieringConfigurationsRequest,
    ) -> Result<
        ListBucketIntelligentTieringConfigurationsOutput,
        ListBucketIntelligentTieringConfigurationsError,
    > {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "ListBucketIntelligentTieringConfigurations").into())
}

pub(crate) async fn list_bucket_inventory_configurations(
        s3: &S3,
        ctx: &RequestContext,
        input: ListBucketInventoryConfigurationsRequest,
    ) -> Result<
        ListBucketInventoryConfigurationsOutput,
        ListBucketInventoryConfigurationsError,
    > {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "ListBucketInventoryConfigurations").into())
}

pub(crate) async fn list_bucket_metrics_configurations(
        s3: &S3,
        ctx: &RequestContext,
        input: ListBucketMetricsConfigurationsRequest,
    ) -> Result<
        ListBucketMetricsConfigurationsOutput,
        ListBucketMetricsConfigurationsError,
    > {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "ListBucketMetricsConfigurations").into())
}

pub(crate) async fn put_bucket_accelerate_configuration(
        s3: &S3,
        ctx: &RequestContext,
        input: PutBucketAccelerateConfigurationRequest,
    ) -> Result<(), PutBucketAccelerateConfigurationError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "PutBucketAccelerateConfiguration").into())
}

pub(crate) async fn put_bucket_analytics_configuration(
        s3: &S3,
        ctx: &RequestContext,
        input: PutBucketAnalyticsConfigurationRequest,
    ) -> Result<(), PutBucketAnalyticsConfigurationError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "PutBucketAnalyticsConfiguration").into())
}

pub(crate) async fn put_bucket_encryption(
        s3: &S3,
        ctx: &RequestContext,
        input: PutBucketEncryptionRequest,
    ) -> Result<(), PutBucketEncryptionError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "PutBucketEncryption").into())
}

pub(crate) async fn put_bucket_intelligent_tiering_configuration(
        s3: &S3,
        ctx: &RequestContext,
        input: PutBucketIntelligentTieringConfigurationRequest,
    ) -> Result<(), PutBucketIntelligentTieringConfigurationError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "PutBucketIntelligentTieringConfiguration").into())
}

pub(crate) async fn put_bucket_inventory_configuration(
        s3: &S3,
        ctx: &RequestContext,
        input: PutBucketInventoryConfigurationRequest,
    ) -> Result<(), PutBucketInventoryConfigurationError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "PutBucketInventoryConfiguration").into())
}

pub(crate) async fn put_bucket_lifecycle_configuration(
        s3: &S3,
        ctx: &RequestContext,
        input: PutBucketLifecycleConfigurationRequest,
    ) -> Result<
        PutBucketLifecycleConfigurationOutput,
        PutBucketLifecycleConfigurationError,
    > {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "PutBucketLifecycleConfiguration").into())
}

pub(crate) async fn put_bucket_logging(
        s3: &S3,
        ctx: &RequestContext,
        input: PutBucketLoggingRequest,
    ) -> Result<(), PutBucketLoggingError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "PutBucketLogging").into())
}

pub(crate) async fn put_bucket_metrics_configuration(
        s3: &S3,
        ctx: &RequestContext,
        input: PutBucketMetricsConfigurationRequest,
    ) -> Result<(), PutBucketMetricsConfigurationError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "PutBucketMetricsConfiguration").into())
}

pub(crate) async fn put_bucket_notification_configuration(
        s3: &S3,
        ctx: &RequestContext,
        input: PutBucketNotificationConfigurationRequest,
    ) -> Result<(), PutBucketNotificationConfigurationError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "PutBucketNotificationConfiguration").into())
}

pub(crate) async fn put_bucket_replication(
        s3: &S3,
        ctx: &RequestContext,
        input: PutBucketReplicationRequest,
    ) -> Result<(), PutBucketReplicationError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "PutBucketReplication").into())
}

pub(crate) async fn put_bucket_request_payment(
        s3: &S3,
        ctx: &RequestContext,
        input: PutBucketRequestPaymentRequest,
    ) -> Result<(), PutBucketRequestPaymentError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "PutBucketRequestPayment").into())
}

pub(crate) async fn put_bucket_tagging(
        s3: &S3,
        ctx: &RequestContext,
        input: PutBucketTaggingRequest,
    ) -> Result<(), PutBucketTaggingError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "PutBucketTagging").into())
}

