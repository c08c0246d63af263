//! PLACEHOLDER module `objects`: replace this doc comment with what the module is.

use crate::S3;
use simfra_gen_s3::types::*;
use simfra_gen_s3::*;
use simfra_model::{RequestContext, ServiceError};

/// Operations this module serves (listed in `S3Api::implemented`).
pub(crate) const SERVED: &[&str] = &[];

pub(crate) async fn copy_object(
        s3: &S3,
        ctx: &RequestContext,
        input: CopyObjectRequest,
    ) -> Result<CopyObjectOutput, CopyObjectError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "CopyObject").into())
}

pub(crate) async fn delete_object(
        s3: &S3,
        ctx: &RequestContext,
        input: DeleteObjectRequest,
    ) -> Result<DeleteObjectOutput, DeleteObjectError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "DeleteObject").into())
}

pub(crate) async fn delete_object_tagging(
        s3: &S3,
        ctx: &RequestContext,
        input: DeleteObjectTaggingRequest,
    ) -> Result<DeleteObjectTaggingOutput, DeleteObjectTaggingError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "DeleteObjectTagging").into())
}

pub(crate) async fn delete_objects(
        s3: &S3,
        ctx: &RequestContext,
        input: DeleteObjectsRequest,
    ) -> Result<DeleteObjectsOutput, DeleteObjectsError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "DeleteObjects").into())
}

pub(crate) async fn get_object(
        s3: &S3,
        ctx: &RequestContext,
        input: GetObjectRequest,
    ) -> Result<GetObjectOutput, GetObjectError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "GetObject").into())
}

pub(crate) async fn get_object_attributes(
        s3: &S3,
        ctx: &RequestContext,
        input: GetObjectAttributesRequest,
    ) -> Result<GetObjectAttributesOutput, GetObjectAttributesError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "GetObjectAttributes").into())
}

pub(crate) async fn get_object_legal_hold(
        s3: &S3,
        ctx: &RequestContext,
        input: GetObjectLegalHoldRequest,
    ) -> Result<GetObjectLegalHoldOutput, GetObjectLegalHoldError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "GetObjectLegalHold").into())
}

pub(crate) async fn get_object_lock_configuration(
        s3: &S3,
        ctx: &RequestContext,
        input: GetObjectLockConfigurationRequest,
    ) -> Result<
        GetObjectLockConfigurationOutput,
        GetObjectLockConfigurationError,
    > {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "GetObjectLockConfiguration").into())
}

pub(crate) async fn get_object_retention(
        s3: &S3,
        ctx: &RequestContext,
        input: GetObjectRetentionRequest,
    ) -> Result<GetObjectRetentionOutput, GetObjectRetentionError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "GetObjectRetention").into())
}

pub(crate) async fn get_object_tagging(
        s3: &S3,
        ctx: &RequestContext,
        input: GetObjectTaggingRequest,
    ) -> Result<GetObjectTaggingOutput, GetObjectTaggingError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "GetObjectTagging").into())
}

pub(crate) async fn head_object(
        s3: &S3,
        ctx: &RequestContext,
        input: HeadObjectRequest,
    ) -> Result<HeadObjectOutput, HeadObjectError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "HeadObject").into())
}

pub(crate) async fn put_object(
        s3: &S3,
        ctx: &RequestContext,
        input: PutObjectRequest,
    ) -> Result<PutObjectOutput, PutObjectError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "PutObject").into())
}

pub(crate) async fn put_object_legal_hold(
        s3: &S3,
        ctx: &RequestContext,
        input: PutObjectLegalHoldRequest,
    ) -> Result<PutObjectLegalHoldOutput, PutObjectLegalHoldError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "PutObjectLegalHold").into())
}

pub(crate) async fn put_object_lock_configuration(
        s3: &S3,
        ctx: &RequestContext,
        input: PutObjectLockConfigurationRequest,
    ) -> Result<
        PutObjectLockConfigurationOutput,
        PutObjectLockConfigurationError,
    > {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "PutObjectLockConfiguration").into())
}

pub(crate) async fn put_object_retention(
        s3: &S3,
        ctx: &RequestContext,
        input: PutObjectRetentionRequest,
    ) -> Result<PutObjectRetentionOutput, PutObjectRetentionError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "PutObjectRetention").into())
}

pub(crate) async fn put_object_tagging(
        s3: &S3,
        ctx: &RequestContext,
        input: PutObjectTaggingRequest,
    ) -> Result<PutObjectTaggingOutput, PutObjectTaggingError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "PutObjectTagging").into())
}

pub(crate) async fn restore_object(
        s3: &S3,
        ctx: &RequestContext,
        input: RestoreObjectRequest,
    ) -> Result<RestoreObjectOutput, RestoreObjectError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "RestoreObject").into())
}

