//! PLACEHOLDER module `multipart`: replace this doc comment with what the module is.

use crate::S3;
use simfra_gen_s3::types::*;
use simfra_gen_s3::*;
use simfra_model::{RequestContext, ServiceError};

/// Operations this module serves (listed in `S3Api::implemented`).
pub(crate) const SERVED: &[&str] = &[];

pub(crate) async fn abort_multipart_upload(
        s3: &S3,
        ctx: &RequestContext,
        input: AbortMultipartUploadRequest,
    ) -> Result<AbortMultipartUploadOutput, AbortMultipartUploadError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "AbortMultipartUpload").into())
}

pub(crate) async fn complete_multipart_upload(
        s3: &S3,
        ctx: &RequestContext,
        input: CompleteMultipartUploadRequest,
    ) -> Result<
        CompleteMultipartUploadOutput,
        CompleteMultipartUploadError,
    > {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "CompleteMultipartUpload").into())
}

pub(crate) async fn create_multipart_upload(
        s3: &S3,
        ctx: &RequestContext,
        input: CreateMultipartUploadRequest,
    ) -> Result<CreateMultipartUploadOutput, CreateMultipartUploadError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "CreateMultipartUpload").into())
}

pub(crate) async fn list_multipart_uploads(
        s3: &S3,
        ctx: &RequestContext,
        input: ListMultipartUploadsRequest,
    ) -> Result<ListMultipartUploadsOutput, ListMultipartUploadsError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "ListMultipartUploads").into())
}

pub(crate) async fn list_parts(
        s3: &S3,
        ctx: &RequestContext,
        input: ListPartsRequest,
    ) -> Result<ListPartsOutput, ListPartsError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "ListParts").into())
}

pub(crate) async fn upload_part(
        s3: &S3,
        ctx: &RequestContext,
        input: UploadPartRequest,
    ) -> Result<UploadPartOutput, UploadPartError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "UploadPart").into())
}

pub(crate) async fn upload_part_copy(
        s3: &S3,
        ctx: &RequestContext,
        input: UploadPartCopyRequest,
    ) -> Result<UploadPartCopyOutput, UploadPartCopyError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "UploadPartCopy").into())
}

