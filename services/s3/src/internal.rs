//! S3 as other parts of Simfra reach it in-process, and bucket policies.
//!
//! Public API for other services (CloudTrail delivering log files, anything
//! that needs to know a bucket or its policy):
//!
//! - [`bucket_info`]: whether a bucket exists, who owns it, where, its policy;
//! - [`put_object_internal`]: write an object as an AWS service principal
//!   would (no IAM check here: the caller has done the service's own check,
//!   e.g. CloudTrail evaluates the bucket policy for `cloudtrail.amazonaws.com`);
//! - [`get_object_internal`]: read an object back (tests, other services).
//!
//! Bucket policies (`PutBucketPolicy`, `GetBucketPolicy`,
//! `DeleteBucketPolicy`, `GetBucketPolicyStatus`) are stored with the bucket
//! and registered with IAM's resource-policy lookup (`arn:aws:s3:::…`), so
//! authorization sees them once it resolves S3 resource ARNs.

use crate::{no_such_bucket, S3, StoredObject};
use md5::{Digest, Md5};
use simfra_model::{Bytes, RequestContext, ServiceError, Timestamp};
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// The process's S3 state: the handler and the in-process API share it.
pub(crate) fn shared() -> Arc<S3> {
    static STATE: OnceLock<Arc<S3>> = OnceLock::new();
    STATE.get_or_init(|| Arc::new(S3::default())).clone()
}

/// What other services may know of a bucket.
#[derive(Debug, Clone, PartialEq)]
pub struct BucketInfo {
    pub name: String,
    pub owner_account: String,
    pub region: String,
    /// The bucket policy document, as it was put.
    pub policy: Option<String>,
}

/// The bucket of that name (bucket names are global), if it exists.
pub fn bucket_info(bucket: &str) -> Option<BucketInfo> {
    let s3 = shared();
    let buckets = s3.buckets.lock().unwrap_or_else(|e| e.into_inner());
    buckets.get(bucket).map(|b| BucketInfo {
        name: bucket.to_string(),
        owner_account: b.owner_account.clone(),
        region: b.region.clone(),
        policy: b.policy.clone(),
    })
}

/// Writes an object into a bucket on behalf of an AWS service; answers its
/// ETag (quoted, as S3 returns it). `NoSuchBucket` when the bucket is gone.
pub fn put_object_internal(bucket: &str, key: &str, body: Bytes, content_type: Option<&str>) -> Result<String, ServiceError> {
    let etag = format!("\"{}\"", Md5::digest(&body).iter().map(|b| format!("{b:02x}")).collect::<String>());
    let s3 = shared();
    let mut buckets = s3.buckets.lock().unwrap_or_else(|e| e.into_inner());
    let b = buckets.get_mut(bucket).ok_or_else(no_such_bucket)?;
    b.objects.insert(
        key.to_string(),
        StoredObject {
            data: body,
            etag: etag.clone(),
            last_modified: Timestamp::now(),
            content_type: content_type.map(str::to_string),
            metadata: HashMap::new(),
        },
    );
    Ok(etag)
}

/// An object's bytes, if the bucket and key exist.
pub fn get_object_internal(bucket: &str, key: &str) -> Option<Bytes> {
    let s3 = shared();
    let buckets = s3.buckets.lock().unwrap_or_else(|e| e.into_inner());
    buckets.get(bucket)?.objects.get(key).map(|o| o.data.clone())
}

/// IAM's view of S3 resources (`arn:aws:s3:::bucket[/key]`): the bucket's
/// owner and its policy.
pub(crate) fn bucket_facts(arn: &str) -> Option<simfra_identity::authorize::ResourceFacts> {
    let bucket = arn.strip_prefix("arn:aws:s3:::")?.split('/').next()?;
    let info = bucket_info(bucket)?;
    let policy = info.policy.as_deref().and_then(|p| simfra_policy::parse(p).ok()).map(Arc::new);
    Some(simfra_identity::authorize::ResourceFacts { owner: info.owner_account, policy, tags: Vec::new() })
}

fn no_such_bucket_policy() -> ServiceError {
    ServiceError::new("NoSuchBucketPolicy", 404, "The bucket policy does not exist")
}

fn malformed(message: impl Into<String>) -> ServiceError {
    ServiceError::new("MalformedPolicy", 400, message)
}

/// S3's checks of a bucket policy beyond IAM's grammar: every statement
/// names a principal, and its resources are the bucket or objects in it.
fn check_policy(bucket: &str, text: &str) -> Result<(), ServiceError> {
    if !text.trim_start().starts_with('{') {
        return Err(malformed("Policies must be valid JSON and the first byte must be '{'"));
    }
    let policy = simfra_policy::parse(text).map_err(|e| {
        if e.0.starts_with("Syntax errors") {
            malformed("This policy contains invalid Json")
        } else {
            malformed(e.0)
        }
    })?;
    for st in &policy.statements {
        if st.principal.is_none() && st.not_principal.is_none() {
            return Err(malformed("Missing required field Principal"));
        }
        if st.resource_absent {
            return Err(malformed("Missing required field Resource"));
        }
        let bucket_arn = format!("arn:aws:s3:::{bucket}");
        let own = |r: &str| r == "*" || r == bucket_arn || r.starts_with(&format!("{bucket_arn}/")) || simfra_policy::glob_match(r, &bucket_arn, false);
        if !st.resources.iter().all(|r| own(r)) {
            return Err(malformed("Policy has invalid resource"));
        }
    }
    Ok(())
}

/// Condition keys that pin a grant to known callers, so that a statement
/// for everyone is not public (AWS's "The meaning of public").
const FIXING_KEYS: &[&str] = &[
    "aws:principalarn", "aws:principalaccount", "aws:principalorgid", "aws:sourcearn", "aws:sourcevpc", "aws:sourcevpce",
    "aws:sourceaccount", "aws:sourceowner", "aws:sourceip", "aws:userid", "s3:dataaccesspointarn", "s3:dataaccesspointaccount",
    "aws:principalservicename",
];

/// Whether a policy makes the bucket public: an Allow for everyone that no
/// fixing condition narrows.
fn is_public(text: &str) -> bool {
    let Ok(doc) = serde_json::from_str::<serde_json::Value>(text) else { return false };
    let statements = match doc.get("Statement") {
        Some(serde_json::Value::Array(a)) => a.clone(),
        Some(o @ serde_json::Value::Object(_)) => vec![o.clone()],
        _ => return false,
    };
    statements.iter().any(|st| {
        let allow = st.get("Effect").and_then(|e| e.as_str()) == Some("Allow");
        let everyone = match st.get("Principal") {
            Some(serde_json::Value::String(s)) => s == "*",
            Some(serde_json::Value::Object(m)) => m.get("AWS").is_some_and(|v| v == "*" || v.as_array().is_some_and(|a| a.iter().any(|x| x == "*"))),
            _ => false,
        };
        let fixed = st.get("Condition").and_then(|c| c.as_object()).is_some_and(|ops| {
            ops.values().filter_map(|keys| keys.as_object()).any(|keys| keys.keys().any(|k| FIXING_KEYS.contains(&k.to_ascii_lowercase().as_str())))
        });
        allow && everyone && !fixed
    })
}

impl S3 {
    pub(crate) fn put_bucket_policy_impl(&self, ctx: &RequestContext, bucket: &str, policy: &str) -> Result<(), ServiceError> {
        check_policy(bucket, policy)?;
        self.with_bucket(ctx, bucket, |b| {
            b.policy = Some(policy.to_string());
            Ok(())
        })
    }

    pub(crate) fn get_bucket_policy_impl(&self, ctx: &RequestContext, bucket: &str) -> Result<String, ServiceError> {
        self.with_bucket(ctx, bucket, |b| b.policy.clone().ok_or_else(no_such_bucket_policy))
    }

    pub(crate) fn delete_bucket_policy_impl(&self, ctx: &RequestContext, bucket: &str) -> Result<(), ServiceError> {
        self.with_bucket(ctx, bucket, |b| {
            b.policy = None;
            Ok(())
        })
    }

    pub(crate) fn bucket_policy_is_public(&self, ctx: &RequestContext, bucket: &str) -> Result<bool, ServiceError> {
        self.with_bucket(ctx, bucket, |b| b.policy.as_deref().map(is_public).ok_or_else(no_such_bucket_policy))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_checks_and_public_status() {
        let ok = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::logs/AWSLogs/*"}]}"#;
        assert!(check_policy("logs", ok).is_ok());
        assert!(!is_public(ok));
        let other_bucket = ok.replace("arn:aws:s3:::logs/", "arn:aws:s3:::other/");
        assert_eq!(check_policy("logs", &other_bucket).unwrap_err().message.as_deref(), Some("Policy has invalid resource"));
        let no_principal = r#"{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::logs/*"}]}"#;
        assert_eq!(check_policy("logs", no_principal).unwrap_err().message.as_deref(), Some("Missing required field Principal"));
        assert_eq!(check_policy("logs", "nope").unwrap_err().code, "MalformedPolicy");
        let public = r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::logs/*"}]}"#;
        assert!(is_public(public));
        let pinned = r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::logs/*","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}}]}"#;
        assert!(!is_public(pinned));
    }
}

// ---------------------------------------------------------------- bucket tags for S3 Control
// Thin stand-ins (S3 Control's TagResource on `arn:aws:s3:::bucket`) until
// S3 keeps a bucket's tags with the bucket itself.

/// Tag sets by bucket name.
static BUCKET_TAGS: std::sync::Mutex<std::collections::BTreeMap<String, Vec<(String, String)>>> =
    std::sync::Mutex::new(std::collections::BTreeMap::new());

/// A bucket's tag set (empty when untagged); `None` when there is no such bucket.
pub fn bucket_tags(bucket: &str) -> Option<Vec<(String, String)>> {
    bucket_info(bucket)?;
    Some(BUCKET_TAGS.lock().unwrap_or_else(|e| e.into_inner()).get(bucket).cloned().unwrap_or_default())
}

/// Replaces a bucket's tag set. `NoSuchBucket` when the bucket is gone.
pub fn set_bucket_tags(bucket: &str, tags: Vec<(String, String)>) -> Result<(), ServiceError> {
    bucket_info(bucket).ok_or_else(no_such_bucket)?;
    BUCKET_TAGS.lock().unwrap_or_else(|e| e.into_inner()).insert(bucket.to_string(), tags);
    Ok(())
}
