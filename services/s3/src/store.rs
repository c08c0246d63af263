//! S3's state: buckets (names are global across accounts, as on AWS), each
//! with its configuration, its keys' version stacks and its multipart
//! uploads. Metadata lives here in memory; object bytes live in blob files
//! on disk (see `storage`), shared by reference between versions and copies.
//!
//! One lock guards the bucket table. Handlers take it briefly, never across
//! an await: uploads stream into a blob file first and are linked in after.

use crate::storage::Blob;
use simfra_gen_s3::types::*;
use simfra_model::Timestamp;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

/// The id S3 shows for the version of an object written while versioning
/// was never enabled or is suspended.
pub const NULL_VERSION: &str = "null";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Versioning {
    /// Never enabled: objects have the null version only, and no status is reported.
    #[default]
    Unversioned,
    Enabled,
    Suspended,
}

/// One checksum of an object as S3 reports it (`x-amz-checksum-crc32` …).
#[derive(Debug, Clone, PartialEq)]
pub struct Checksum {
    pub algorithm: ChecksumAlgorithm,
    /// Base64 of the digest; a composite multipart checksum ends in `-N`.
    pub value: String,
    pub kind: ChecksumType,
}

/// A part of a multipart upload (also kept on the completed object for
/// `partNumber` reads and `GetObjectAttributes`).
#[derive(Debug, Clone)]
pub struct Part {
    pub number: i32,
    pub blob: Arc<Blob>,
    pub size: u64,
    /// Quoted hex MD5.
    pub etag: String,
    /// The part's raw MD5 (the multipart ETag is the MD5 of these).
    pub md5: [u8; 16],
    pub last_modified: Timestamp,
    pub checksum: Option<Checksum>,
}

/// Server-side encryption as recorded on an object.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Encryption {
    /// `AES256`, `aws:kms`, `aws:kms:dsse`, or none.
    pub algorithm: Option<ServerSideEncryption>,
    pub kms_key_id: Option<String>,
    pub bucket_key_enabled: Option<bool>,
    /// SSE-C: the algorithm and the base64 MD5 of the customer's key (the key itself is never kept).
    pub customer_algorithm: Option<String>,
    pub customer_key_md5: Option<String>,
}

/// The HTTP headers stored with an object and answered on GET/HEAD.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ContentHeaders {
    pub content_type: Option<String>,
    pub content_encoding: Option<String>,
    pub content_disposition: Option<String>,
    pub content_language: Option<String>,
    pub cache_control: Option<String>,
    pub expires: Option<String>,
    pub website_redirect_location: Option<String>,
}

/// Restore state of an archived object (`x-amz-restore`).
#[derive(Debug, Clone, PartialEq)]
pub struct RestoreState {
    pub ongoing: bool,
    pub expiry: Option<Timestamp>,
}

/// One version of a key: an object or a delete marker.
#[derive(Debug, Clone)]
pub struct Version {
    /// `NULL_VERSION` or a generated id.
    pub version_id: String,
    pub delete_marker: bool,
    /// Absent for delete markers.
    pub blob: Option<Arc<Blob>>,
    pub size: u64,
    /// Quoted: `"hex-md5"` or `"hex-md5-N"` for multipart objects.
    pub etag: String,
    pub last_modified: Timestamp,
    /// Account that wrote this version.
    pub owner_account: String,
    pub headers: ContentHeaders,
    /// User metadata (`x-amz-meta-*`), names lower-cased, in the order given.
    pub metadata: Vec<(String, String)>,
    pub storage_class: StorageClass,
    pub checksum: Option<Checksum>,
    /// Parts, for objects completed from a multipart upload.
    pub parts: Vec<Part>,
    pub encryption: Encryption,
    pub tags: Vec<(String, String)>,
    /// Object ACL; `None` means the owner's full control only (private).
    pub acl: Option<AccessControlPolicy>,
    pub retention: Option<(ObjectLockRetentionMode, Timestamp)>,
    pub legal_hold: bool,
    pub restore: Option<RestoreState>,
}

/// A multipart upload in progress.
#[derive(Debug, Clone)]
pub struct Upload {
    pub upload_id: String,
    pub key: String,
    pub initiated: Timestamp,
    pub initiator_account: String,
    pub initiator_arn: String,
    /// The object's settings as given to CreateMultipartUpload (applied on completion).
    pub template: Version,
    /// The checksum algorithm the parts carry, when one was chosen.
    pub checksum_algorithm: Option<ChecksumAlgorithm>,
    pub checksum_type: Option<ChecksumType>,
    pub parts: BTreeMap<i32, Part>,
}

/// A bucket's stored configuration documents, answered as they were put.
#[derive(Debug, Clone, Default)]
pub struct BucketConfig {
    pub policy: Option<String>,
    pub acl: Option<AccessControlPolicy>,
    pub tags: Option<Vec<(String, String)>>,
    pub cors: Option<CorsConfiguration>,
    pub lifecycle: Option<BucketLifecycleConfiguration>,
    /// `x-amz-transition-default-minimum-object-size` given with the lifecycle.
    pub lifecycle_minimum_size: Option<TransitionDefaultMinimumObjectSize>,
    pub website: Option<WebsiteConfiguration>,
    pub encryption: Option<ServerSideEncryptionConfiguration>,
    pub logging: Option<LoggingEnabled>,
    pub notification: Option<NotificationConfiguration>,
    pub request_payer: Option<Payer>,
    pub accelerate: Option<BucketAccelerateStatus>,
    pub ownership: Option<OwnershipControls>,
    pub public_access_block: Option<PublicAccessBlockConfiguration>,
    pub replication: Option<ReplicationConfiguration>,
    pub object_lock: Option<ObjectLockConfiguration>,
    pub inventory: BTreeMap<String, InventoryConfiguration>,
    pub analytics: BTreeMap<String, AnalyticsConfiguration>,
    pub metrics: BTreeMap<String, MetricsConfiguration>,
    pub intelligent_tiering: BTreeMap<String, IntelligentTieringConfiguration>,
}

#[derive(Debug, Clone)]
pub struct Bucket {
    pub name: String,
    pub owner_account: String,
    pub region: String,
    pub created: Timestamp,
    pub versioning: Versioning,
    /// `MfaDelete` as last put (reported by GetBucketVersioning).
    pub mfa_delete: Option<MfaDeleteStatus>,
    /// Each key's versions, newest first.
    pub objects: BTreeMap<String, Vec<Version>>,
    pub uploads: BTreeMap<String, Upload>,
    pub config: BucketConfig,
}

impl Bucket {
    pub fn new(name: &str, owner_account: &str, region: &str) -> Self {
        Bucket {
            name: name.to_string(),
            owner_account: owner_account.to_string(),
            region: region.to_string(),
            created: Timestamp::now(),
            versioning: Versioning::Unversioned,
            mfa_delete: None,
            objects: BTreeMap::new(),
            uploads: BTreeMap::new(),
            config: BucketConfig::default(),
        }
    }

    /// The current version of a key (which may be a delete marker).
    pub fn current(&self, key: &str) -> Option<&Version> {
        self.objects.get(key).and_then(|v| v.first())
    }

    /// A specific version of a key.
    pub fn version(&self, key: &str, version_id: &str) -> Option<&Version> {
        self.objects.get(key).and_then(|vs| vs.iter().find(|v| v.version_id == version_id))
    }

    /// Whether the bucket holds anything that blocks its deletion.
    pub fn is_empty(&self) -> bool {
        self.objects.values().all(|v| v.is_empty())
    }

    /// The version id a new write gets under the bucket's versioning state.
    pub fn next_version_id(&self) -> String {
        match self.versioning {
            Versioning::Enabled => crate::ids::version_id(),
            Versioning::Unversioned | Versioning::Suspended => NULL_VERSION.to_string(),
        }
    }

    /// Puts a new current version on top of a key's stack; a null version it
    /// replaces is dropped (unversioned and suspended buckets overwrite it).
    /// Answers the versions that are no longer reachable (their blobs are
    /// freed when the last reference goes).
    pub fn push_version(&mut self, key: &str, v: Version) -> Vec<Version> {
        let stack = self.objects.entry(key.to_string()).or_default();
        let mut dropped = Vec::new();
        if v.version_id == NULL_VERSION {
            if let Some(i) = stack.iter().position(|x| x.version_id == NULL_VERSION) {
                dropped.push(stack.remove(i));
            }
        }
        stack.insert(0, v);
        dropped
    }

    /// Removes one version; the key disappears with its last version.
    pub fn remove_version(&mut self, key: &str, version_id: &str) -> Option<Version> {
        let stack = self.objects.get_mut(key)?;
        let i = stack.iter().position(|x| x.version_id == version_id)?;
        let v = stack.remove(i);
        if stack.is_empty() {
            self.objects.remove(key);
        }
        Some(v)
    }
}

/// All buckets by name.
#[derive(Default)]
pub struct Store {
    buckets: Mutex<BTreeMap<String, Bucket>>,
}

impl Store {
    pub fn lock(&self) -> MutexGuard<'_, BTreeMap<String, Bucket>> {
        self.buckets.lock().unwrap_or_else(|e| e.into_inner())
    }
}
