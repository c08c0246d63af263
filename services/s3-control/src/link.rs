//! What S3 Control needs of S3. S3 depends on this crate (it routes requests
//! through access points and weighs the account's public access block), so
//! this crate cannot depend on S3: the server hands [`crate::handler`] these
//! functions of S3's instead.

use simfra_model::{Bytes, ServiceError};
use std::sync::OnceLock;

/// A bucket as S3 Control sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketRef {
    pub owner_account: String,
    pub region: String,
}

/// S3's in-process functions S3 Control calls.
#[derive(Clone, Copy)]
pub struct S3Link {
    /// The bucket of that name (names are global), if it exists.
    pub bucket: fn(bucket: &str) -> Option<BucketRef>,
    /// A bucket's tag set (`None` when there is no such bucket).
    pub bucket_tags: fn(bucket: &str) -> Option<Vec<(String, String)>>,
    /// Replaces a bucket's tag set.
    pub set_bucket_tags: fn(bucket: &str, tags: Vec<(String, String)>) -> Result<(), ServiceError>,
    /// An object's bytes, if the bucket and key exist (job manifests).
    pub get_object: fn(bucket: &str, key: &str) -> Option<Bytes>,
    /// Writes an object as S3 Batch Operations does (copies, completion
    /// reports); answers its quoted ETag.
    pub put_object: fn(bucket: &str, key: &str, body: Bytes, content_type: Option<&str>) -> Result<String, ServiceError>,
}

static LINK: OnceLock<S3Link> = OnceLock::new();

pub(crate) fn connect(link: S3Link) {
    // The server builds its registry more than once (`simfra coverage`); the first link stays.
    let _ = LINK.set(link);
}

/// S3, once the server has linked it; without it no bucket exists.
pub(crate) fn s3() -> S3Link {
    LINK.get().copied().unwrap_or(S3Link {
        bucket: |_| None,
        bucket_tags: |_| None,
        set_bucket_tags: |_, _| Err(ServiceError::new("NoSuchBucket", 404, "The specified bucket does not exist")),
        get_object: |_, _| None,
        put_object: |_, _, _, _| Err(ServiceError::new("NoSuchBucket", 404, "The specified bucket does not exist")),
    })
}
