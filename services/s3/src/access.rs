//! Who may do what to a bucket and its objects: bucket policies (IAM
//! evaluates them; see `internal::bucket_facts`), ACLs, Object Ownership,
//! Block Public Access; and CORS and website hosting.

use crate::S3;
use simfra_gen_s3::types::*;
use simfra_gen_s3::*;
use simfra_model::{RequestContext, ServiceError};

/// Operations this module serves (listed in `S3Api::implemented`).
pub(crate) const SERVED: &[&str] = &["DeleteBucketPolicy", "GetBucketPolicy", "GetBucketPolicyStatus", "PutBucketPolicy"];

pub(crate) async fn delete_bucket_cors(
        s3: &S3,
        ctx: &RequestContext,
        input: DeleteBucketCorsRequest,
    ) -> Result<(), DeleteBucketCorsError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "DeleteBucketCors").into())
}

pub(crate) async fn delete_bucket_ownership_controls(
        s3: &S3,
        ctx: &RequestContext,
        input: DeleteBucketOwnershipControlsRequest,
    ) -> Result<(), DeleteBucketOwnershipControlsError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "DeleteBucketOwnershipControls").into())
}

pub(crate) async fn delete_bucket_policy(
        s3: &S3,
        ctx: &RequestContext,
        input: DeleteBucketPolicyRequest,
    ) -> Result<(), DeleteBucketPolicyError> {
    s3.with_bucket(ctx, &input.bucket, |b| {
        b.config.policy = None;
        Ok(())
    })?;
    Ok(())
}

pub(crate) async fn delete_bucket_website(
        s3: &S3,
        ctx: &RequestContext,
        input: DeleteBucketWebsiteRequest,
    ) -> Result<(), DeleteBucketWebsiteError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "DeleteBucketWebsite").into())
}

pub(crate) async fn delete_public_access_block(
        s3: &S3,
        ctx: &RequestContext,
        input: DeletePublicAccessBlockRequest,
    ) -> Result<(), DeletePublicAccessBlockError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "DeletePublicAccessBlock").into())
}

pub(crate) async fn get_bucket_acl(
        s3: &S3,
        ctx: &RequestContext,
        input: GetBucketAclRequest,
    ) -> Result<GetBucketAclOutput, GetBucketAclError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "GetBucketAcl").into())
}

pub(crate) async fn get_bucket_cors(
        s3: &S3,
        ctx: &RequestContext,
        input: GetBucketCorsRequest,
    ) -> Result<GetBucketCorsOutput, GetBucketCorsError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "GetBucketCors").into())
}

pub(crate) async fn get_bucket_ownership_controls(
        s3: &S3,
        ctx: &RequestContext,
        input: GetBucketOwnershipControlsRequest,
    ) -> Result<
        GetBucketOwnershipControlsOutput,
        GetBucketOwnershipControlsError,
    > {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "GetBucketOwnershipControls").into())
}

pub(crate) async fn get_bucket_policy(
        s3: &S3,
        ctx: &RequestContext,
        input: GetBucketPolicyRequest,
    ) -> Result<GetBucketPolicyOutput, GetBucketPolicyError> {
    let policy = s3.with_bucket(ctx, &input.bucket, |b| b.config.policy.clone().ok_or_else(no_such_bucket_policy))?;
    Ok(GetBucketPolicyOutput { policy: Some(policy) })
}

pub(crate) async fn get_bucket_policy_status(
        s3: &S3,
        ctx: &RequestContext,
        input: GetBucketPolicyStatusRequest,
    ) -> Result<GetBucketPolicyStatusOutput, GetBucketPolicyStatusError> {
    let public = s3.with_bucket(ctx, &input.bucket, |b| b.config.policy.as_deref().map(is_public).ok_or_else(no_such_bucket_policy))?;
    Ok(GetBucketPolicyStatusOutput { policy_status: Some(PolicyStatus { is_public: Some(public) }) })
}

pub(crate) async fn get_bucket_website(
        s3: &S3,
        ctx: &RequestContext,
        input: GetBucketWebsiteRequest,
    ) -> Result<GetBucketWebsiteOutput, GetBucketWebsiteError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "GetBucketWebsite").into())
}

pub(crate) async fn get_object_acl(
        s3: &S3,
        ctx: &RequestContext,
        input: GetObjectAclRequest,
    ) -> Result<GetObjectAclOutput, GetObjectAclError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "GetObjectAcl").into())
}

pub(crate) async fn get_public_access_block(
        s3: &S3,
        ctx: &RequestContext,
        input: GetPublicAccessBlockRequest,
    ) -> Result<GetPublicAccessBlockOutput, GetPublicAccessBlockError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "GetPublicAccessBlock").into())
}

pub(crate) async fn put_bucket_acl(
        s3: &S3,
        ctx: &RequestContext,
        input: PutBucketAclRequest,
    ) -> Result<(), PutBucketAclError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "PutBucketAcl").into())
}

pub(crate) async fn put_bucket_cors(
        s3: &S3,
        ctx: &RequestContext,
        input: PutBucketCorsRequest,
    ) -> Result<(), PutBucketCorsError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "PutBucketCors").into())
}

pub(crate) async fn put_bucket_ownership_controls(
        s3: &S3,
        ctx: &RequestContext,
        input: PutBucketOwnershipControlsRequest,
    ) -> Result<(), PutBucketOwnershipControlsError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "PutBucketOwnershipControls").into())
}

pub(crate) async fn put_bucket_policy(
        s3: &S3,
        ctx: &RequestContext,
        input: PutBucketPolicyRequest,
    ) -> Result<(), PutBucketPolicyError> {
    check_policy(&input.bucket, &input.policy)?;
    s3.with_bucket(ctx, &input.bucket, |b| {
        b.config.policy = Some(input.policy.clone());
        Ok(())
    })?;
    Ok(())
}

pub(crate) async fn put_bucket_website(
        s3: &S3,
        ctx: &RequestContext,
        input: PutBucketWebsiteRequest,
    ) -> Result<(), PutBucketWebsiteError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "PutBucketWebsite").into())
}

pub(crate) async fn put_object_acl(
        s3: &S3,
        ctx: &RequestContext,
        input: PutObjectAclRequest,
    ) -> Result<PutObjectAclOutput, PutObjectAclError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "PutObjectAcl").into())
}

pub(crate) async fn put_public_access_block(
        s3: &S3,
        ctx: &RequestContext,
        input: PutPublicAccessBlockRequest,
    ) -> Result<(), PutPublicAccessBlockError> {
    let _ = (s3, ctx, input);
    Err(ServiceError::not_implemented(SERVICE_NAME, "PutPublicAccessBlock").into())
}

/// Applies a canned ACL given at bucket creation (`x-amz-acl`).
pub(crate) fn apply_canned_bucket_acl(b: &mut crate::store::Bucket, ctx: &RequestContext, acl: Option<&BucketCannedAcl>) {
    let _ = (b, ctx, acl);
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

