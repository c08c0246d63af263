//! Amazon S3: buckets and objects with metadata, ETags and ordered listings.
//! (Streaming to disk, multipart, versioning, checksums, policies and the rest
//! are issue 6's work.)

use md5::{Digest, Md5};
use simfra_gen_s3::types::*;
use simfra_gen_s3::*;
use simfra_model::{Bytes, RequestContext, ServiceError, SharedHandler, Timestamp};
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

mod internal;
pub use internal::{bucket_info, bucket_tags, get_object_internal, put_object_internal, set_bucket_tags, BucketInfo};

struct StoredObject {
    data: Bytes,
    etag: String,
    last_modified: Timestamp,
    content_type: Option<String>,
    metadata: HashMap<String, String>,
}

struct Bucket_ {
    owner_account: String,
    region: String,
    created: Timestamp,
    objects: BTreeMap<String, StoredObject>,
    /// The bucket policy (see `internal.rs`).
    policy: Option<String>,
}

/// Bucket names are global across accounts, as on AWS.
#[derive(Default)]
pub struct S3 {
    buckets: Mutex<BTreeMap<String, Bucket_>>,
}

pub fn handler() -> SharedHandler {
    simfra_identity::authorize::register_resources("s3", internal::bucket_facts);
    simfra_gen_s3::handler(internal::shared())
}

fn no_such_bucket() -> ServiceError {
    let mut e: ServiceError = NoSuchBucket {}.into();
    e.message = Some("The specified bucket does not exist".into());
    e
}

fn no_such_key() -> ServiceError {
    let mut e: ServiceError = NoSuchKey {}.into();
    e.message = Some("The specified key does not exist.".into());
    e
}

fn valid_bucket_name(name: &str) -> bool {
    let len_ok = (3..=63).contains(&name.len());
    let chars_ok = name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-');
    let ends_ok = name.starts_with(|c: char| c.is_ascii_alphanumeric()) && name.ends_with(|c: char| c.is_ascii_alphanumeric());
    let not_ip = name.split('.').count() != 4 || !name.split('.').all(|p| p.parse::<u8>().is_ok());
    len_ok && chars_ok && ends_ok && !name.contains("..") && not_ip
}

fn owner(ctx: &RequestContext) -> Owner {
    Owner { display_name: Some("simfra".into()), id: Some(format!("{:0>64}", ctx.account_id)) }
}

impl S3 {
    fn with_bucket<T>(&self, ctx: &RequestContext, name: &str, f: impl FnOnce(&mut Bucket_) -> Result<T, ServiceError>) -> Result<T, ServiceError> {
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        match buckets.get_mut(name) {
            // Another account's bucket only where the gateway found its policy granting the request.
            Some(b) if ctx.may_reach(&b.owner_account) => f(b),
            Some(_) => Err(ServiceError::new("AccessDenied", 403, "Access Denied")),
            None => Err(no_such_bucket()),
        }
    }
}

#[simfra_model::async_trait]
impl S3Api for S3 {
    fn implemented(&self) -> &'static [&'static str] {
        &[
            "CreateBucket",
            "DeleteBucket",
            "DeleteBucketPolicy",
            "DeleteObject",
            "GetBucketPolicy",
            "GetBucketPolicyStatus",
            "GetObject",
            "HeadBucket",
            "HeadObject",
            "ListBuckets",
            "ListObjectsV2",
            "PutBucketPolicy",
            "PutObject",
        ]
    }

    async fn create_bucket(&self, ctx: &RequestContext, input: CreateBucketRequest) -> Result<CreateBucketOutput, CreateBucketError> {
        if !valid_bucket_name(&input.bucket) {
            return Err(ServiceError::new("InvalidBucketName", 400, "The specified bucket is not valid.").into());
        }
        let constraint = input.create_bucket_configuration.as_ref().and_then(|c| c.location_constraint.as_ref()).map(|c| c.as_str().to_string());
        match constraint.as_deref() {
            None if ctx.region != "us-east-1" => {
                return Err(ServiceError::new(
                    "IllegalLocationConstraintException",
                    400,
                    format!("The unspecified location constraint is incompatible for the region specific endpoint this request was sent to."),
                )
                .into())
            }
            Some(c) if c != ctx.region => {
                return Err(ServiceError::new(
                    "IllegalLocationConstraintException",
                    400,
                    format!("The {c} location constraint is incompatible for the region specific endpoint this request was sent to."),
                )
                .into())
            }
            _ => {}
        }
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(existing) = buckets.get(&input.bucket) {
            if existing.owner_account == ctx.account_id {
                // us-east-1 answers success for a bucket you already own; other regions refuse.
                if ctx.region != "us-east-1" {
                    let mut e: ServiceError = BucketAlreadyOwnedByYou {}.into();
                    e.message = Some("Your previous request to create the named bucket succeeded and you already own it.".into());
                    return Err(e.into());
                }
            } else {
                let mut e: ServiceError = BucketAlreadyExists {}.into();
                e.message = Some("The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.".into());
                return Err(e.into());
            }
        } else {
            buckets.insert(
                input.bucket.clone(),
                Bucket_ {
                    owner_account: ctx.account_id.clone(),
                    region: ctx.region.clone(),
                    created: Timestamp::now(),
                    objects: BTreeMap::new(),
                    policy: None,
                },
            );
        }
        Ok(CreateBucketOutput { location: Some(format!("/{}", input.bucket)), bucket_arn: None })
    }

    async fn head_bucket(&self, ctx: &RequestContext, input: HeadBucketRequest) -> Result<HeadBucketOutput, HeadBucketError> {
        let region = self.with_bucket(ctx, &input.bucket, |b| Ok(b.region.clone()))?;
        Ok(HeadBucketOutput { bucket_region: Some(region), ..Default::default() })
    }

    async fn list_buckets(&self, ctx: &RequestContext, input: ListBucketsRequest) -> Result<ListBucketsOutput, ListBucketsError> {
        let buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        let prefix = input.prefix.clone().unwrap_or_default();
        let list = buckets
            .iter()
            .filter(|(name, b)| b.owner_account == ctx.account_id && name.starts_with(&prefix))
            .filter(|(_, b)| input.bucket_region.as_ref().map(|r| *r == b.region).unwrap_or(true))
            .map(|(name, b)| Bucket { name: Some(name.clone()), creation_date: Some(b.created), bucket_region: Some(b.region.clone()), bucket_arn: None })
            .collect();
        Ok(ListBucketsOutput { buckets: Some(list), owner: Some(owner(ctx)), continuation_token: None, prefix: input.prefix })
    }

    async fn delete_bucket(&self, ctx: &RequestContext, input: DeleteBucketRequest) -> Result<(), DeleteBucketError> {
        self.with_bucket(ctx, &input.bucket, |b| {
            if b.objects.is_empty() {
                Ok(())
            } else {
                Err(ServiceError::new("BucketNotEmpty", 409, "The bucket you tried to delete is not empty"))
            }
        })?;
        self.buckets.lock().unwrap_or_else(|e| e.into_inner()).remove(&input.bucket);
        Ok(())
    }

    async fn put_object(&self, ctx: &RequestContext, input: PutObjectRequest) -> Result<PutObjectOutput, PutObjectError> {
        let data = input.body.unwrap_or_default().collect(5 << 30).await.map_err(ServiceError::from)?;
        let etag = format!("\"{}\"", Md5::digest(&data).iter().map(|b| format!("{b:02x}")).collect::<String>());
        let stored = StoredObject {
            data,
            etag: etag.clone(),
            last_modified: Timestamp::now(),
            content_type: input.content_type,
            metadata: input.metadata.unwrap_or_default(),
        };
        self.with_bucket(ctx, &input.bucket, |b| {
            b.objects.insert(input.key.clone(), stored);
            Ok(())
        })?;
        Ok(PutObjectOutput { e_tag: Some(etag), ..Default::default() })
    }

    async fn get_object(&self, ctx: &RequestContext, input: GetObjectRequest) -> Result<GetObjectOutput, GetObjectError> {
        Ok(self.with_bucket(ctx, &input.bucket, |b| {
            let o = b.objects.get(&input.key).ok_or_else(no_such_key)?;
            Ok(GetObjectOutput {
                body: Some(o.data.clone().into()),
                content_length: Some(o.data.len() as i64),
                e_tag: Some(o.etag.clone()),
                last_modified: Some(o.last_modified),
                content_type: Some(o.content_type.clone().unwrap_or_else(|| "binary/octet-stream".into())),
                metadata: (!o.metadata.is_empty()).then(|| o.metadata.clone()),
                accept_ranges: Some("bytes".into()),
                ..Default::default()
            })
        })?)
    }

    async fn head_object(&self, ctx: &RequestContext, input: HeadObjectRequest) -> Result<HeadObjectOutput, HeadObjectError> {
        Ok(self.with_bucket(ctx, &input.bucket, |b| {
            // HEAD answers carry no body, so a missing key is a bare 404.
            let o = b.objects.get(&input.key).ok_or_else(|| ServiceError::new("NotFound", 404, "Not Found"))?;
            Ok(HeadObjectOutput {
                content_length: Some(o.data.len() as i64),
                e_tag: Some(o.etag.clone()),
                last_modified: Some(o.last_modified),
                content_type: Some(o.content_type.clone().unwrap_or_else(|| "binary/octet-stream".into())),
                metadata: (!o.metadata.is_empty()).then(|| o.metadata.clone()),
                accept_ranges: Some("bytes".into()),
                ..Default::default()
            })
        })?)
    }

    async fn delete_object(&self, ctx: &RequestContext, input: DeleteObjectRequest) -> Result<DeleteObjectOutput, DeleteObjectError> {
        self.with_bucket(ctx, &input.bucket, |b| {
            b.objects.remove(&input.key);
            Ok(())
        })?;
        Ok(DeleteObjectOutput::default())
    }

    async fn list_objects_v2(&self, ctx: &RequestContext, input: ListObjectsV2Request) -> Result<ListObjectsV2Output, ListObjectsV2Error> {
        let max_keys = input.max_keys.unwrap_or(1000).clamp(0, 1000) as usize;
        let prefix = input.prefix.clone().unwrap_or_default();
        let delimiter = input.delimiter.clone().filter(|d| !d.is_empty());
        let start = input.continuation_token.clone().or(input.start_after.clone()).unwrap_or_default();
        let owner = owner(ctx);
        let fetch_owner = input.fetch_owner.unwrap_or(false);
        let url_encoded = matches!(input.encoding_type, Some(EncodingType::Url));
        let enc = |s: &str| if url_encoded { url_encode_listing(s) } else { s.to_string() };
        self.with_bucket(ctx, &input.bucket, |b| {
            let mut contents = Vec::new();
            let mut prefixes: Vec<String> = Vec::new();
            let mut truncated = false;
            let mut last_key = String::new();
            for (key, o) in b.objects.range::<String, _>((std::ops::Bound::Excluded(&start), std::ops::Bound::Unbounded)) {
                if !key.starts_with(&prefix) {
                    continue;
                }
                // Keys rolled up into a common prefix count once toward MaxKeys.
                let rolled = delimiter.as_ref().and_then(|d| key[prefix.len()..].find(d.as_str()).map(|i| key[..prefix.len() + i + d.len()].to_string()));
                if let Some(p) = &rolled {
                    if prefixes.last() == Some(p) {
                        last_key = key.clone();
                        continue;
                    }
                }
                if contents.len() + prefixes.len() >= max_keys {
                    truncated = true;
                    break;
                }
                last_key = key.clone();
                match rolled {
                    Some(p) => prefixes.push(p),
                    None => contents.push(Object {
                        key: Some(enc(key)),
                        last_modified: Some(o.last_modified),
                        e_tag: Some(o.etag.clone()),
                        size: Some(o.data.len() as i64),
                        storage_class: Some(ObjectStorageClass::Standard),
                        owner: fetch_owner.then(|| owner.clone()),
                        ..Default::default()
                    }),
                }
            }
            let key_count = (contents.len() + prefixes.len()) as i32;
            Ok(ListObjectsV2Output {
                is_truncated: Some(truncated),
                contents: (!contents.is_empty()).then_some(contents),
                name: Some(input.bucket.clone()),
                prefix: Some(enc(&prefix)),
                delimiter: delimiter.as_deref().map(enc),
                max_keys: Some(max_keys as i32),
                common_prefixes: (!prefixes.is_empty()).then(|| prefixes.iter().map(|p| CommonPrefix { prefix: Some(enc(p)) }).collect()),
                encoding_type: input.encoding_type.clone(),
                key_count: Some(key_count),
                continuation_token: input.continuation_token.clone(),
                next_continuation_token: truncated.then(|| last_key.clone()),
                start_after: input.start_after.as_deref().map(enc),
                request_charged: None,
            })
        })
        .map_err(Into::into)
    }

    // Bucket policies: the bodies live in internal.rs.
    async fn put_bucket_policy(&self, ctx: &RequestContext, input: PutBucketPolicyRequest) -> Result<(), PutBucketPolicyError> {
        Ok(self.put_bucket_policy_impl(ctx, &input.bucket, &input.policy)?)
    }

    async fn get_bucket_policy(&self, ctx: &RequestContext, input: GetBucketPolicyRequest) -> Result<GetBucketPolicyOutput, GetBucketPolicyError> {
        Ok(GetBucketPolicyOutput { policy: Some(self.get_bucket_policy_impl(ctx, &input.bucket)?) })
    }

    async fn delete_bucket_policy(&self, ctx: &RequestContext, input: DeleteBucketPolicyRequest) -> Result<(), DeleteBucketPolicyError> {
        Ok(self.delete_bucket_policy_impl(ctx, &input.bucket)?)
    }

    async fn get_bucket_policy_status(
        &self,
        ctx: &RequestContext,
        input: GetBucketPolicyStatusRequest,
    ) -> Result<GetBucketPolicyStatusOutput, GetBucketPolicyStatusError> {
        let public = self.bucket_policy_is_public(ctx, &input.bucket)?;
        Ok(GetBucketPolicyStatusOutput { policy_status: Some(PolicyStatus { is_public: Some(public) }) })
    }
}

/// `EncodingType=url` in listings: S3 form-encodes the key-like fields so that
/// keys holding characters XML 1.0 cannot carry survive; SDKs undo it with
/// `unquote_plus`. Unreserved characters and `/` stay as they are, a space is `+`.
fn url_encode_listing(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
