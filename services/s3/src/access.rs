//! Who may do what to a bucket and its objects, and how browsers and
//! website visitors reach them:
//! - bucket policies (IAM evaluates them, see `public::resource_facts`);
//! - ACLs of buckets and objects (`acl`), which grant access too, and
//!   Object Ownership, which can disable them;
//! - Block Public Access (`public`), the bucket's and the account's;
//! - CORS (`cors`), answered on preflights and actual requests;
//! - static website hosting (`website`) on the website endpoints.

mod acl;
mod cors;
mod public;
mod website;

pub(crate) use acl::GrantHeaders;
pub use cors::{preflight as cors_preflight, response_headers as cors_response_headers};
pub(crate) use public::resource_facts;
pub use website::serve as website;

use crate::errors::*;
use crate::store::{Bucket, Version};
use crate::S3;
use simfra_gen_s3::types::*;
use simfra_gen_s3::*;
use simfra_model::{RequestContext, ServiceError};

/// Operations this module serves (listed in `S3Api::implemented`).
pub(crate) const SERVED: &[&str] = &[
    "DeleteBucketCors",
    "DeleteBucketOwnershipControls",
    "DeleteBucketPolicy",
    "DeleteBucketWebsite",
    "DeletePublicAccessBlock",
    "GetBucketAcl",
    "GetBucketCors",
    "GetBucketOwnershipControls",
    "GetBucketPolicy",
    "GetBucketPolicyStatus",
    "GetBucketWebsite",
    "GetObjectAcl",
    "GetPublicAccessBlock",
    "PutBucketAcl",
    "PutBucketCors",
    "PutBucketOwnershipControls",
    "PutBucketPolicy",
    "PutBucketWebsite",
    "PutObjectAcl",
    "PutPublicAccessBlock",
];

// ---------------------------------------------------------------- errors

fn no_such_bucket_policy() -> ServiceError {
    ServiceError::new("NoSuchBucketPolicy", 404, "The bucket policy does not exist")
}

fn no_such_cors() -> ServiceError {
    ServiceError::new("NoSuchCORSConfiguration", 404, "The CORS configuration does not exist")
}

fn no_such_website() -> ServiceError {
    ServiceError::new("NoSuchWebsiteConfiguration", 404, "The specified bucket does not have a website configuration")
}

fn no_such_public_access_block() -> ServiceError {
    ServiceError::new("NoSuchPublicAccessBlockConfiguration", 404, "The public access block configuration was not found")
}

fn no_ownership_controls() -> ServiceError {
    ServiceError::new("OwnershipControlsNotFoundError", 404, "The bucket ownership controls were not found")
}

fn acls_not_supported() -> ServiceError {
    ServiceError::new("AccessControlListNotSupported", 400, "The bucket does not allow ACLs")
}

fn acl_with_enforced_ownership() -> ServiceError {
    ServiceError::new("InvalidBucketAclWithObjectOwnership", 400, "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting")
}

fn malformed(message: impl Into<String>) -> ServiceError {
    ServiceError::new("MalformedPolicy", 400, message)
}

/// Block Public Access refused the request. The caller's own account is
/// told why, as S3 does; others read a bare "Access Denied".
fn blocked(ctx: &RequestContext, owner: &str, action: &str, resource: &str, why: &str) -> ServiceError {
    match &ctx.principal_arn {
        Some(arn) if ctx.account_id == owner => {
            ServiceError::new("AccessDenied", 403, format!("User: {arn} is not authorized to perform: {action} on resource: \"{resource}\" because {why}"))
        }
        _ => access_denied(),
    }
}

const PUBLIC_POLICY_BLOCKED: &str = "public policies are blocked by the BlockPublicPolicy block public access setting.";
const PUBLIC_ACL_BLOCKED: &str = "public ACLs are prevented by the BlockPublicAcls setting in S3 Block Public Access.";

/// The bucket a request names (see `S3::with_bucket`), refused as S3 does
/// when it is not owned by the account the request expects (`x-amz-expected-bucket-owner`).
fn on_bucket<T>(s3: &S3, ctx: &RequestContext, bucket: &str, expected: Option<&String>, f: impl FnOnce(&mut Bucket) -> Result<T, ServiceError>) -> Result<T, ServiceError> {
    s3.with_bucket(ctx, bucket, |b| {
        crate::objects::common::check_expected_owner(b, expected)?;
        f(b)
    })
}

// ---------------------------------------------------------------- bucket policy

/// Bucket policy operations belong to the bucket owner's account: another
/// account's caller, even one its policy lets in, gets 405.
fn owners_only(ctx: &RequestContext, b: &Bucket) -> Result<(), ServiceError> {
    if ctx.account_id != b.owner_account {
        return Err(method_not_allowed());
    }
    Ok(())
}

pub(crate) async fn delete_bucket_policy(s3: &S3, ctx: &RequestContext, input: DeleteBucketPolicyRequest) -> Result<(), DeleteBucketPolicyError> {
    on_bucket(s3, ctx, &input.bucket, input.expected_bucket_owner.as_ref(), |b| {
        owners_only(ctx, b)?;
        b.config.policy = None;
        Ok(())
    })?;
    Ok(())
}

pub(crate) async fn get_bucket_policy(s3: &S3, ctx: &RequestContext, input: GetBucketPolicyRequest) -> Result<GetBucketPolicyOutput, GetBucketPolicyError> {
    let policy = on_bucket(s3, ctx, &input.bucket, input.expected_bucket_owner.as_ref(), |b| {
        owners_only(ctx, b)?;
        b.config.policy.clone().ok_or_else(no_such_bucket_policy)
    })?;
    Ok(GetBucketPolicyOutput { policy: Some(policy) })
}

pub(crate) async fn get_bucket_policy_status(
    s3: &S3,
    ctx: &RequestContext,
    input: GetBucketPolicyStatusRequest,
) -> Result<GetBucketPolicyStatusOutput, GetBucketPolicyStatusError> {
    let public = on_bucket(s3, ctx, &input.bucket, input.expected_bucket_owner.as_ref(), |b| {
        b.config.policy.as_deref().map(public::policy_is_public).ok_or_else(no_such_bucket_policy)
    })?;
    Ok(GetBucketPolicyStatusOutput { policy_status: Some(PolicyStatus { is_public: Some(public) }) })
}

pub(crate) async fn put_bucket_policy(s3: &S3, ctx: &RequestContext, input: PutBucketPolicyRequest) -> Result<(), PutBucketPolicyError> {
    check_policy(&input.bucket, &input.policy)?;
    on_bucket(s3, ctx, &input.bucket, input.expected_bucket_owner.as_ref(), |b| {
        owners_only(ctx, b)?;
        if public::policy_is_public(&input.policy) && public::blocks(b).block_public_policy {
            return Err(blocked(ctx, &b.owner_account, "s3:PutBucketPolicy", &format!("arn:aws:s3:::{}", b.name), PUBLIC_POLICY_BLOCKED));
        }
        b.config.policy = Some(input.policy.clone());
        Ok(())
    })?;
    Ok(())
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

// ---------------------------------------------------------------- Block Public Access

pub(crate) async fn put_public_access_block(s3: &S3, ctx: &RequestContext, input: PutPublicAccessBlockRequest) -> Result<(), PutPublicAccessBlockError> {
    let c = input.public_access_block_configuration;
    // Settings left out are false, as S3 stores them.
    let stored = PublicAccessBlockConfiguration {
        block_public_acls: Some(c.block_public_acls.unwrap_or(false)),
        ignore_public_acls: Some(c.ignore_public_acls.unwrap_or(false)),
        block_public_policy: Some(c.block_public_policy.unwrap_or(false)),
        restrict_public_buckets: Some(c.restrict_public_buckets.unwrap_or(false)),
    };
    on_bucket(s3, ctx, &input.bucket, input.expected_bucket_owner.as_ref(), |b| {
        b.config.public_access_block = Some(stored);
        Ok(())
    })?;
    Ok(())
}

pub(crate) async fn get_public_access_block(
    s3: &S3,
    ctx: &RequestContext,
    input: GetPublicAccessBlockRequest,
) -> Result<GetPublicAccessBlockOutput, GetPublicAccessBlockError> {
    let c = on_bucket(s3, ctx, &input.bucket, input.expected_bucket_owner.as_ref(), |b| b.config.public_access_block.clone().ok_or_else(no_such_public_access_block))?;
    Ok(GetPublicAccessBlockOutput { public_access_block_configuration: Some(c) })
}

pub(crate) async fn delete_public_access_block(
    s3: &S3,
    ctx: &RequestContext,
    input: DeletePublicAccessBlockRequest,
) -> Result<(), DeletePublicAccessBlockError> {
    on_bucket(s3, ctx, &input.bucket, input.expected_bucket_owner.as_ref(), |b| {
        b.config.public_access_block = None;
        Ok(())
    })?;
    Ok(())
}

// ---------------------------------------------------------------- Object Ownership

pub(crate) async fn put_bucket_ownership_controls(
    s3: &S3,
    ctx: &RequestContext,
    input: PutBucketOwnershipControlsRequest,
) -> Result<(), PutBucketOwnershipControlsError> {
    let controls = input.ownership_controls;
    if controls.rules.len() != 1 {
        return Err(malformed_xml().into());
    }
    on_bucket(s3, ctx, &input.bucket, input.expected_bucket_owner.as_ref(), |b| {
        // ACLs go away with BucketOwnerEnforced: a bucket ACL granting others must be removed first.
        if controls.rules[0].object_ownership == ObjectOwnership::BucketOwnerEnforced {
            let grants = b.config.acl.as_ref().and_then(|a| a.grants.as_deref()).unwrap_or(&[]);
            if !acl::owner_full_control_only(grants, &b.owner_account) {
                return Err(acl_with_enforced_ownership());
            }
        }
        b.config.ownership = Some(controls.clone());
        Ok(())
    })?;
    Ok(())
}

pub(crate) async fn get_bucket_ownership_controls(
    s3: &S3,
    ctx: &RequestContext,
    input: GetBucketOwnershipControlsRequest,
) -> Result<GetBucketOwnershipControlsOutput, GetBucketOwnershipControlsError> {
    let controls = on_bucket(s3, ctx, &input.bucket, input.expected_bucket_owner.as_ref(), |b| b.config.ownership.clone().ok_or_else(no_ownership_controls))?;
    Ok(GetBucketOwnershipControlsOutput { ownership_controls: Some(controls) })
}

pub(crate) async fn delete_bucket_ownership_controls(
    s3: &S3,
    ctx: &RequestContext,
    input: DeleteBucketOwnershipControlsRequest,
) -> Result<(), DeleteBucketOwnershipControlsError> {
    on_bucket(s3, ctx, &input.bucket, input.expected_bucket_owner.as_ref(), |b| {
        b.config.ownership = None;
        Ok(())
    })?;
    Ok(())
}

/// The account owning an object version: the bucket owner when ACLs are
/// disabled (BucketOwnerEnforced owns every object), else whoever the
/// version's ACL names, else its writer.
pub(crate) fn object_owner(b: &Bucket, v: &Version) -> String {
    if public::acls_disabled(b) {
        return b.owner_account.clone();
    }
    v.acl
        .as_ref()
        .and_then(|a| a.owner.as_ref())
        .and_then(|o| o.id.as_deref())
        .and_then(crate::ids::account_of_canonical_id)
        .unwrap_or_else(|| v.owner_account.clone())
}

// ---------------------------------------------------------------- missing keys

/// S3 tells that a key does not exist (`NoSuchKey`) only to callers who may
/// list the bucket; others read `AccessDenied`, as for a key they may not
/// read. Called by reads after the bucket lock is released (IAM looks at
/// the bucket again).
pub(crate) fn missing_key_answer(ctx: &RequestContext, bucket: &str, e: ServiceError) -> ServiceError {
    if e.code != "NoSuchKey" || !iam_enforced() || may_list(ctx, bucket) {
        return e;
    }
    access_denied()
}

/// `SIMFRA_IAM` (as the gateway reads it): only enforced IAM hides keys.
fn iam_enforced() -> bool {
    use simfra_identity::authorize::IamMode;
    static ENFORCED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ENFORCED.get_or_init(|| {
        let mode = std::env::var("SIMFRA_IAM").ok().filter(|v| !v.is_empty()).map(|v| IamMode::parse(&v).unwrap_or(IamMode::Enforce));
        mode.unwrap_or(IamMode::Enforce) == IamMode::Enforce
    })
}

fn may_list(ctx: &RequestContext, bucket: &str) -> bool {
    use simfra_identity::authorize::{authorize, authorize_anonymous, RequestFacts};
    let need = [simfra_identity::actions::Required { action: "s3:ListBucket".into(), resource: format!("arn:aws:s3:::{bucket}"), context: Vec::new() }];
    let facts = RequestFacts {
        source_ip: ctx.header("x-forwarded-for").and_then(|v| v.split(',').next()).map(|v| v.trim().to_string()).unwrap_or_else(|| "127.0.0.1".into()),
        secure_transport: ctx.header("x-forwarded-proto").is_some_and(|p| p.eq_ignore_ascii_case("https")),
        region: ctx.region.clone(),
        user_agent: ctx.header("user-agent").unwrap_or("").to_string(),
        now: simfra_model::Timestamp::now().as_millis() / 1000,
    };
    match &ctx.access_key_id {
        None => authorize_anonymous(&need, &facts).is_ok(),
        Some(key) => match simfra_identity::credentials().lookup(key) {
            Some(cred) => authorize(&cred, &need, &facts).is_ok(),
            // A key nobody issued (relaxed authentication) acts as the account's root.
            None => true,
        },
    }
}

// ---------------------------------------------------------------- ACLs

/// Applies a canned ACL given at bucket creation (`x-amz-acl`). The new
/// bucket's Block Public Access settings apply: a public ACL is refused.
pub(crate) fn apply_canned_bucket_acl(b: &mut Bucket, ctx: &RequestContext, acl: Option<&BucketCannedAcl>) -> Result<(), ServiceError> {
    let _ = ctx;
    let Some(canned) = acl else { return Ok(()) };
    let grants = acl::canned(canned.as_str(), &b.owner_account, &b.owner_account, false)?;
    if public::acls_disabled(b) {
        // ACLs are off (also by default): only the owner's full control is accepted.
        return if acl::owner_full_control_only(&grants, &b.owner_account) { Ok(()) } else { Err(acl_with_enforced_ownership()) };
    }
    if acl::is_public(&grants) && public::blocks(b).block_public_acls {
        return Err(ServiceError::new("InvalidBucketAclWithBlockPublicAccessError", 400, "Bucket cannot have public ACLs set with BlockPublicAccess enabled"));
    }
    if !acl::owner_full_control_only(&grants, &b.owner_account) {
        b.config.acl = Some(AccessControlPolicy { owner: Some(crate::ids::owner(&b.owner_account)), grants: Some(grants) });
    }
    Ok(())
}

/// The ACL an object write asks for (`x-amz-acl` or `x-amz-grant-*` of
/// PutObject, CopyObject, CreateMultipartUpload), checked against the
/// bucket's Object Ownership and Block Public Access. `None`: the writer's
/// private ACL (what S3 keeps when nothing is asked).
pub(crate) fn object_acl_from_request(
    b: &Bucket,
    ctx: &RequestContext,
    canned: Option<&ObjectCannedAcl>,
    grants: &GrantHeaders,
) -> Result<Option<AccessControlPolicy>, ServiceError> {
    if canned.is_some() && !grants.is_empty() {
        return Err(invalid_request("Specifying both Canned ACLs and Header Grants is not allowed"));
    }
    let writer = ctx.account_id.as_str();
    let ownership = public::ownership(b);
    let owner = if ownership == ObjectOwnership::BucketOwnerPreferred && canned == Some(&ObjectCannedAcl::BucketOwnerFullControl) {
        b.owner_account.as_str()
    } else {
        writer
    };
    let wanted = match canned {
        Some(c) => acl::canned(c.as_str(), owner, &b.owner_account, true)?,
        None if grants.is_empty() => return Ok(None),
        None => {
            let mut out = Vec::new();
            for (permission, value) in grants.pairs() {
                acl::parse_grant_header(value, permission, &mut out)?;
            }
            out
        }
    };
    if ownership == ObjectOwnership::BucketOwnerEnforced {
        // Only bucket-owner-full-control, or grants saying the same, pass.
        let same = canned == Some(&ObjectCannedAcl::BucketOwnerFullControl) || (canned.is_none() && acl::owner_full_control_only(&wanted, &b.owner_account));
        return if same { Ok(None) } else { Err(acls_not_supported()) };
    }
    if acl::is_public(&wanted) && public::blocks(b).block_public_acls {
        return Err(blocked(ctx, &b.owner_account, "s3:PutObject", &format!("arn:aws:s3:::{}", b.name), PUBLIC_ACL_BLOCKED));
    }
    if owner == writer && acl::owner_full_control_only(&wanted, writer) {
        return Ok(None);
    }
    Ok(Some(AccessControlPolicy { owner: Some(crate::ids::owner(owner)), grants: Some(wanted) }))
}

/// The grants a Put*Acl request asks for: a canned ACL, grant headers or
/// an AccessControlPolicy document (exactly one of them).
fn requested_grants(
    canned: Option<&str>,
    headers: &[(Permission, Option<&str>)],
    document: Option<&AccessControlPolicy>,
    owner: &str,
    bucket_owner: &str,
    for_object: bool,
) -> Result<Vec<Grant>, ServiceError> {
    let has_headers = headers.iter().any(|(_, v)| v.is_some());
    if canned.is_some() && has_headers {
        return Err(invalid_request("Specifying both Canned ACLs and Header Grants is not allowed"));
    }
    if let Some(doc) = document.filter(|d| d.owner.is_some() || d.grants.is_some()) {
        if canned.is_some() || has_headers {
            return Err(ServiceError::new("UnexpectedContent", 400, "This request does not support content"));
        }
        return acl::from_document(doc, owner);
    }
    if let Some(c) = canned {
        return acl::canned(c, owner, bucket_owner, for_object);
    }
    if !has_headers {
        return Err(ServiceError::new("MissingSecurityHeader", 400, "Your request was missing a required header"));
    }
    let mut out = Vec::new();
    for (permission, value) in headers {
        if let Some(v) = value {
            acl::parse_grant_header(v, permission.clone(), &mut out)?;
        }
    }
    Ok(out)
}

pub(crate) async fn get_bucket_acl(s3: &S3, ctx: &RequestContext, input: GetBucketAclRequest) -> Result<GetBucketAclOutput, GetBucketAclError> {
    let out = on_bucket(s3, ctx, &input.bucket, input.expected_bucket_owner.as_ref(), |b| {
        let grants = match &b.config.acl {
            Some(a) if !public::acls_disabled(b) => a.grants.clone().unwrap_or_default(),
            _ => acl::private(&b.owner_account),
        };
        Ok(GetBucketAclOutput { owner: Some(crate::ids::owner(&b.owner_account)), grants: Some(grants) })
    })?;
    Ok(out)
}

pub(crate) async fn put_bucket_acl(s3: &S3, ctx: &RequestContext, input: PutBucketAclRequest) -> Result<(), PutBucketAclError> {
    let headers = [
        (Permission::FullControl, input.grant_full_control.as_deref()),
        (Permission::Read, input.grant_read.as_deref()),
        (Permission::ReadAcp, input.grant_read_acp.as_deref()),
        (Permission::Write, input.grant_write.as_deref()),
        (Permission::WriteAcp, input.grant_write_acp.as_deref()),
    ];
    on_bucket(s3, ctx, &input.bucket, input.expected_bucket_owner.as_ref(), |b| {
        let owner = b.owner_account.clone();
        let canned = input.acl.as_ref().map(|c| c.as_str());
        let grants = requested_grants(canned, &headers, input.access_control_policy.as_ref(), &owner, &owner, false)?;
        if public::acls_disabled(b) {
            // ACLs are off: only a document or grants saying "the owner has full control" pass.
            return if canned.is_none() && acl::owner_full_control_only(&grants, &owner) { Ok(()) } else { Err(acls_not_supported()) };
        }
        if acl::is_public(&grants) && public::blocks(b).block_public_acls {
            return Err(blocked(ctx, &owner, "s3:PutBucketAcl", &format!("arn:aws:s3:::{}", b.name), PUBLIC_ACL_BLOCKED));
        }
        b.config.acl = Some(AccessControlPolicy { owner: Some(crate::ids::owner(&owner)), grants: Some(grants) });
        Ok(())
    })?;
    Ok(())
}

/// The version an object ACL operation acts on: the one named, else the current one.
fn acl_target<'a>(b: &'a Bucket, key: &str, version_id: Option<&str>) -> Result<&'a Version, ServiceError> {
    if version_id.is_some_and(|id| !crate::objects::common::valid_version_id(id)) {
        return Err(crate::objects::common::invalid_version_id());
    }
    let v = match version_id {
        Some(id) => b.version(key, id).ok_or_else(|| if b.objects.contains_key(key) { no_such_version() } else { no_such_key() })?,
        None => b.current(key).ok_or_else(no_such_key)?,
    };
    if v.delete_marker {
        return Err(if version_id.is_some() { method_not_allowed() } else { no_such_key() });
    }
    Ok(v)
}

pub(crate) async fn get_object_acl(s3: &S3, ctx: &RequestContext, input: GetObjectAclRequest) -> Result<GetObjectAclOutput, GetObjectAclError> {
    let out = on_bucket(s3, ctx, &input.bucket, input.expected_bucket_owner.as_ref(), |b| {
        let v = acl_target(b, &input.key, input.version_id.as_deref())?;
        let owner = object_owner(b, v);
        let grants = match &v.acl {
            Some(a) if !public::acls_disabled(b) => a.grants.clone().unwrap_or_default(),
            _ => acl::private(&owner),
        };
        Ok(GetObjectAclOutput { owner: Some(crate::ids::owner(&owner)), grants: Some(grants), request_charged: None })
    })?;
    Ok(out)
}

pub(crate) async fn put_object_acl(s3: &S3, ctx: &RequestContext, input: PutObjectAclRequest) -> Result<PutObjectAclOutput, PutObjectAclError> {
    let headers = [
        (Permission::FullControl, input.grant_full_control.as_deref()),
        (Permission::Read, input.grant_read.as_deref()),
        (Permission::ReadAcp, input.grant_read_acp.as_deref()),
        (Permission::Write, input.grant_write.as_deref()),
        (Permission::WriteAcp, input.grant_write_acp.as_deref()),
    ];
    on_bucket(s3, ctx, &input.bucket, input.expected_bucket_owner.as_ref(), |b| {
        let (owner, version_id) = {
            let v = acl_target(b, &input.key, input.version_id.as_deref())?;
            (object_owner(b, v), v.version_id.clone())
        };
        let canned = input.acl.as_ref().map(|c| c.as_str());
        let grants = requested_grants(canned, &headers, input.access_control_policy.as_ref(), &owner, &b.owner_account, true)?;
        if public::acls_disabled(b) {
            let same = canned == Some("bucket-owner-full-control") || (canned.is_none() && acl::owner_full_control_only(&grants, &b.owner_account));
            return if same { Ok(()) } else { Err(acls_not_supported()) };
        }
        if acl::is_public(&grants) && public::blocks(b).block_public_acls {
            let resource = format!("arn:aws:s3:::{}/{}", b.name, input.key);
            return Err(blocked(ctx, &b.owner_account, "s3:PutObjectAcl", &resource, PUBLIC_ACL_BLOCKED));
        }
        let policy = AccessControlPolicy { owner: Some(crate::ids::owner(&owner)), grants: Some(grants) };
        if let Some(v) = b.objects.get_mut(&input.key).and_then(|vs| vs.iter_mut().find(|v| v.version_id == version_id)) {
            v.acl = Some(policy);
        }
        Ok(())
    })?;
    Ok(PutObjectAclOutput { request_charged: None })
}

// ---------------------------------------------------------------- CORS

pub(crate) async fn put_bucket_cors(s3: &S3, ctx: &RequestContext, input: PutBucketCorsRequest) -> Result<(), PutBucketCorsError> {
    cors::check(&input.cors_configuration)?;
    on_bucket(s3, ctx, &input.bucket, input.expected_bucket_owner.as_ref(), |b| {
        b.config.cors = Some(input.cors_configuration.clone());
        Ok(())
    })?;
    Ok(())
}

pub(crate) async fn get_bucket_cors(s3: &S3, ctx: &RequestContext, input: GetBucketCorsRequest) -> Result<GetBucketCorsOutput, GetBucketCorsError> {
    let conf = on_bucket(s3, ctx, &input.bucket, input.expected_bucket_owner.as_ref(), |b| b.config.cors.clone().ok_or_else(no_such_cors))?;
    Ok(GetBucketCorsOutput { cors_rules: Some(conf.cors_rules) })
}

pub(crate) async fn delete_bucket_cors(s3: &S3, ctx: &RequestContext, input: DeleteBucketCorsRequest) -> Result<(), DeleteBucketCorsError> {
    on_bucket(s3, ctx, &input.bucket, input.expected_bucket_owner.as_ref(), |b| {
        b.config.cors = None;
        Ok(())
    })?;
    Ok(())
}

// ---------------------------------------------------------------- website

pub(crate) async fn put_bucket_website(s3: &S3, ctx: &RequestContext, input: PutBucketWebsiteRequest) -> Result<(), PutBucketWebsiteError> {
    website::check(&input.website_configuration)?;
    on_bucket(s3, ctx, &input.bucket, input.expected_bucket_owner.as_ref(), |b| {
        b.config.website = Some(input.website_configuration.clone());
        Ok(())
    })?;
    Ok(())
}

pub(crate) async fn get_bucket_website(s3: &S3, ctx: &RequestContext, input: GetBucketWebsiteRequest) -> Result<GetBucketWebsiteOutput, GetBucketWebsiteError> {
    let w = on_bucket(s3, ctx, &input.bucket, input.expected_bucket_owner.as_ref(), |b| b.config.website.clone().ok_or_else(no_such_website))?;
    Ok(GetBucketWebsiteOutput {
        redirect_all_requests_to: w.redirect_all_requests_to,
        index_document: w.index_document,
        error_document: w.error_document,
        routing_rules: w.routing_rules,
    })
}

pub(crate) async fn delete_bucket_website(s3: &S3, ctx: &RequestContext, input: DeleteBucketWebsiteRequest) -> Result<(), DeleteBucketWebsiteError> {
    on_bucket(s3, ctx, &input.bucket, input.expected_bucket_owner.as_ref(), |b| {
        b.config.website = None;
        Ok(())
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_checks() {
        let ok = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::logs/AWSLogs/*"}]}"#;
        assert!(check_policy("logs", ok).is_ok());
        assert!(!public::policy_is_public(ok));
        let other_bucket = ok.replace("arn:aws:s3:::logs/", "arn:aws:s3:::other/");
        assert_eq!(check_policy("logs", &other_bucket).unwrap_err().message.as_deref(), Some("Policy has invalid resource"));
        let no_principal = r#"{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::logs/*"}]}"#;
        assert_eq!(check_policy("logs", no_principal).unwrap_err().message.as_deref(), Some("Missing required field Principal"));
        assert_eq!(check_policy("logs", "nope").unwrap_err().code, "MalformedPolicy");
    }

    #[test]
    fn put_acl_requests_take_one_form() {
        let none: [(Permission, Option<&str>); 1] = [(Permission::Read, None)];
        assert_eq!(requested_grants(None, &none, None, "1", "1", false).unwrap_err().code, "MissingSecurityHeader");
        let some = [(Permission::Read, Some("uri=\"http://acs.amazonaws.com/groups/global/AllUsers\""))];
        assert_eq!(requested_grants(Some("private"), &some, None, "1", "1", false).unwrap_err().code, "InvalidRequest");
        assert_eq!(requested_grants(None, &some, None, "1", "1", false).unwrap().len(), 1);
    }
}
