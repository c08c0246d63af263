//! PLACEHOLDER module `listing`: replace this doc comment with what the module is.

use crate::S3;
use simfra_gen_s3::types::*;
use simfra_gen_s3::*;
use simfra_model::{RequestContext, ServiceError};

/// Operations this module serves (listed in `S3Api::implemented`).
pub(crate) const SERVED: &[&str] = &[];

pub(crate) async fn list_object_versions(
        s3: &S3,
        ctx: &RequestContext,
        input: ListObjectVersionsRequest,
    ) -> Result<ListObjectVersionsOutput, ListObjectVersionsError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "ListObjectVersions").into())
}

pub(crate) async fn list_objects(
        s3: &S3,
        ctx: &RequestContext,
        input: ListObjectsRequest,
    ) -> Result<ListObjectsOutput, ListObjectsError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "ListObjects").into())
}

pub(crate) async fn list_objects_v2(
        s3: &S3,
        ctx: &RequestContext,
        input: ListObjectsV2Request,
    ) -> Result<ListObjectsV2Output, ListObjectsV2Error> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "ListObjectsV2").into())
}

