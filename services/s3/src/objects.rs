//! Objects: writes streamed to disk with their integrity checked, reads
//! (ranges, parts, conditions), deletes and delete markers, copies,
//! attributes, tags, restores of archived objects, and Object Lock.
//!
//! - `common`: what the operations share (versions, SSE-C, checksums, metadata, tags, lock rules);
//! - `read`: GetObject, HeadObject; `write`: PutObject and linking new versions;
//! - `delete`: DeleteObject(s); `copy`: CopyObject and copy sources (UploadPartCopy's too);
//! - `lock`: Object Lock configuration, retention, legal hold;
//! - `extras`: tagging, GetObjectAttributes, RestoreObject.

pub(crate) mod common;
pub(crate) mod copy;
mod delete;
mod extras;
mod lock;
mod read;
pub(crate) mod write;

use crate::S3;
use simfra_gen_s3::types::*;
use simfra_gen_s3::*;
use simfra_model::RequestContext;

/// Operations this module serves (listed in `S3Api::implemented`).
pub(crate) const SERVED: &[&str] = &[
    "CopyObject",
    "DeleteObject",
    "DeleteObjectTagging",
    "DeleteObjects",
    "GetObject",
    "GetObjectAttributes",
    "GetObjectLegalHold",
    "GetObjectLockConfiguration",
    "GetObjectRetention",
    "GetObjectTagging",
    "HeadObject",
    "PutObject",
    "PutObjectLegalHold",
    "PutObjectLockConfiguration",
    "PutObjectRetention",
    "PutObjectTagging",
    "RestoreObject",
];

pub(crate) async fn copy_object(s3: &S3, ctx: &RequestContext, input: CopyObjectRequest) -> Result<CopyObjectOutput, CopyObjectError> {
    copy::copy_object(s3, ctx, input).await
}

pub(crate) async fn delete_object(s3: &S3, ctx: &RequestContext, input: DeleteObjectRequest) -> Result<DeleteObjectOutput, DeleteObjectError> {
    delete::delete_object(s3, ctx, input).await
}

pub(crate) async fn delete_object_tagging(s3: &S3, ctx: &RequestContext, input: DeleteObjectTaggingRequest) -> Result<DeleteObjectTaggingOutput, DeleteObjectTaggingError> {
    extras::delete_object_tagging(s3, ctx, input).await
}

pub(crate) async fn delete_objects(s3: &S3, ctx: &RequestContext, input: DeleteObjectsRequest) -> Result<DeleteObjectsOutput, DeleteObjectsError> {
    delete::delete_objects(s3, ctx, input).await
}

pub(crate) async fn get_object(s3: &S3, ctx: &RequestContext, input: GetObjectRequest) -> Result<GetObjectOutput, GetObjectError> {
    read::get_object(s3, ctx, input).await
}

pub(crate) async fn get_object_attributes(s3: &S3, ctx: &RequestContext, input: GetObjectAttributesRequest) -> Result<GetObjectAttributesOutput, GetObjectAttributesError> {
    extras::get_object_attributes(s3, ctx, input).await
}

pub(crate) async fn get_object_legal_hold(s3: &S3, ctx: &RequestContext, input: GetObjectLegalHoldRequest) -> Result<GetObjectLegalHoldOutput, GetObjectLegalHoldError> {
    lock::get_object_legal_hold(s3, ctx, input).await
}

pub(crate) async fn get_object_lock_configuration(s3: &S3, ctx: &RequestContext, input: GetObjectLockConfigurationRequest) -> Result<GetObjectLockConfigurationOutput, GetObjectLockConfigurationError> {
    lock::get_object_lock_configuration(s3, ctx, input).await
}

pub(crate) async fn get_object_retention(s3: &S3, ctx: &RequestContext, input: GetObjectRetentionRequest) -> Result<GetObjectRetentionOutput, GetObjectRetentionError> {
    lock::get_object_retention(s3, ctx, input).await
}

pub(crate) async fn get_object_tagging(s3: &S3, ctx: &RequestContext, input: GetObjectTaggingRequest) -> Result<GetObjectTaggingOutput, GetObjectTaggingError> {
    extras::get_object_tagging(s3, ctx, input).await
}

pub(crate) async fn head_object(s3: &S3, ctx: &RequestContext, input: HeadObjectRequest) -> Result<HeadObjectOutput, HeadObjectError> {
    read::head_object(s3, ctx, input).await
}

pub(crate) async fn put_object(s3: &S3, ctx: &RequestContext, input: PutObjectRequest) -> Result<PutObjectOutput, PutObjectError> {
    write::put_object(s3, ctx, input).await
}

pub(crate) async fn put_object_legal_hold(s3: &S3, ctx: &RequestContext, input: PutObjectLegalHoldRequest) -> Result<PutObjectLegalHoldOutput, PutObjectLegalHoldError> {
    lock::put_object_legal_hold(s3, ctx, input).await
}

pub(crate) async fn put_object_lock_configuration(s3: &S3, ctx: &RequestContext, input: PutObjectLockConfigurationRequest) -> Result<PutObjectLockConfigurationOutput, PutObjectLockConfigurationError> {
    lock::put_object_lock_configuration(s3, ctx, input).await
}

pub(crate) async fn put_object_retention(s3: &S3, ctx: &RequestContext, input: PutObjectRetentionRequest) -> Result<PutObjectRetentionOutput, PutObjectRetentionError> {
    lock::put_object_retention(s3, ctx, input).await
}

pub(crate) async fn put_object_tagging(s3: &S3, ctx: &RequestContext, input: PutObjectTaggingRequest) -> Result<PutObjectTaggingOutput, PutObjectTaggingError> {
    extras::put_object_tagging(s3, ctx, input).await
}

pub(crate) async fn restore_object(s3: &S3, ctx: &RequestContext, input: RestoreObjectRequest) -> Result<RestoreObjectOutput, RestoreObjectError> {
    extras::restore_object(s3, ctx, input).await
}
