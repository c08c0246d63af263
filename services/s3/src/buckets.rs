//! Buckets: create, head, list, delete, location and versioning, and the
//! one way every operation reaches a bucket (`S3::with_bucket`): it exists,
//! the caller may reach its account, and the request went to its region.

use crate::errors::*;
use crate::store::{Bucket, Versioning};
use crate::S3;
use simfra_gen_s3::types::*;
use simfra_gen_s3::*;
use simfra_model::{RequestContext, ServiceError};

pub(crate) const SERVED: &[&str] =
    &["CreateBucket", "DeleteBucket", "GetBucketLocation", "GetBucketVersioning", "HeadBucket", "ListBuckets", "PutBucketVersioning"];

impl S3 {
    /// Runs `f` on the bucket the request names. Another account's bucket is
    /// reachable only where IAM found its policy granting the request; a
    /// bucket in another region answers S3's redirect.
    pub(crate) fn with_bucket<T>(&self, ctx: &RequestContext, name: &str, f: impl FnOnce(&mut Bucket) -> Result<T, ServiceError>) -> Result<T, ServiceError> {
        let via = if self.store.lock().contains_key(name) { None } else { access_point(name) };
        let mut buckets = self.store.lock();
        let b = match &via {
            Some(ap) => buckets.get_mut(&ap.bucket).ok_or_else(no_such_bucket)?,
            None => buckets.get_mut(name).ok_or_else(no_such_bucket)?,
        };
        // Through an access point, its owner is who the caller must be able to reach.
        let reached = via.as_ref().map(|ap| ap.account.as_str()).unwrap_or(&b.owner_account);
        if !ctx.may_reach(reached) {
            return Err(access_denied());
        }
        if b.region != ctx.region {
            return Err(wrong_region(&b.region));
        }
        f(b)
    }
}

/// The access point a request's bucket name stands for: its ARN
/// (`arn:aws:s3:<region>:<account>:accesspoint/<name>`), its alias
/// (`…-s3alias`), or the `<name>-<account>` virtual host SDKs address an
/// access point ARN at on a custom endpoint.
pub(crate) fn access_point(name: &str) -> Option<simfra_svc_s3_control::AccessPointInfo> {
    if let Some(rest) = name.strip_prefix("arn:aws:s3:") {
        let mut parts = rest.splitn(3, ':');
        let (region, account, resource) = (parts.next()?, parts.next()?, parts.next()?);
        let ap = resource.strip_prefix("accesspoint/")?;
        return simfra_svc_s3_control::access_point(account, region, ap);
    }
    if name.ends_with("-s3alias") {
        return simfra_svc_s3_control::access_point_by_alias(name);
    }
    let (ap, account) = name.rsplit_once('-')?;
    (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())).then(|| simfra_svc_s3_control::access_point_named(account, ap)).flatten()
}

/// IAM's resource for a request through an access point: the access point's
/// ARN (`…:accesspoint/<name>[/object/<key>]`), whose policy then applies.
pub(crate) fn access_point_resource(_action: &str, arn: &str) -> Option<String> {
    let rest = arn.strip_prefix("arn:aws:s3:::")?;
    // An access point ARN as the bucket holds colons and a slash of its own.
    let (name, key) = if rest.starts_with("arn:") {
        let after = rest.find(":accesspoint/")? + ":accesspoint/".len();
        match rest[after..].find('/') {
            Some(i) => (&rest[..after + i], Some(&rest[after + i + 1..])),
            None => (rest, None),
        }
    } else {
        match rest.split_once('/') {
            Some((b, k)) => (b, Some(k)),
            None => (rest, None),
        }
    };
    if !name.starts_with("arn:") && bucket_exists(name) {
        return None;
    }
    let ap = access_point(name)?;
    Some(match key {
        Some(k) => format!("{}/object/{k}", ap.arn),
        None => ap.arn,
    })
}

fn bucket_exists(name: &str) -> bool {
    crate::internal::bucket_info(name).is_some()
}

/// S3's answer to a request sent to the wrong region's endpoint: SDKs
/// follow `x-amz-bucket-region` and send it again.
fn wrong_region(region: &str) -> ServiceError {
    let mut e = ServiceError::new(
        "PermanentRedirect",
        301,
        "The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.",
    );
    e.headers.push(("x-amz-bucket-region".into(), region.to_string()));
    e
}

/// S3's bucket naming rules (general purpose buckets).
pub(crate) fn valid_bucket_name(name: &str) -> bool {
    let len_ok = (3..=63).contains(&name.len());
    let chars_ok = name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-');
    let ends_ok = name.starts_with(|c: char| c.is_ascii_alphanumeric()) && name.ends_with(|c: char| c.is_ascii_alphanumeric());
    let ip_like = name.split('.').count() == 4 && name.split('.').all(|p| p.parse::<u8>().is_ok());
    let reserved = name.starts_with("xn--")
        || name.starts_with("sthree-")
        || name.starts_with("amzn-s3-demo-")
        || name.ends_with("-s3alias")
        || name.ends_with("--ol-s3")
        || name.ends_with(".mrap")
        || name.ends_with("--x-s3")
        || name.ends_with("--table-s3");
    len_ok && chars_ok && ends_ok && !name.contains("..") && !ip_like && !reserved
}

/// A constraint that names no region S3 knows (or us-east-1, which takes none).
fn invalid_location() -> ServiceError {
    ServiceError::new("InvalidLocationConstraint", 400, "The specified location-constraint is not valid")
}

fn location_error(constraint: Option<&str>) -> ServiceError {
    let message = match constraint {
        None => "The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.".to_string(),
        Some(c) => format!("The {c} location constraint is incompatible for the region specific endpoint this request was sent to."),
    };
    ServiceError::new("IllegalLocationConstraintException", 400, message)
}

pub(crate) async fn create_bucket(s3: &S3, ctx: &RequestContext, input: CreateBucketRequest) -> Result<CreateBucketOutput, CreateBucketError> {
    if !valid_bucket_name(&input.bucket) {
        return Err(invalid_bucket_name().into());
    }
    let constraint = input.create_bucket_configuration.as_ref().and_then(|c| c.location_constraint.as_ref()).map(|c| c.as_str().to_string());
    // `EU` is the old name of eu-west-1; us-east-1 takes no constraint, and
    // naming it explicitly is refused there.
    let wanted = match constraint.as_deref() {
        None | Some("") if ctx.region == "us-east-1" => "us-east-1".to_string(),
        None | Some("") => return Err(location_error(None).into()),
        Some("us-east-1") => return Err(invalid_location().into()),
        Some(_) if matches!(input.create_bucket_configuration.as_ref().and_then(|c| c.location_constraint.as_ref()), Some(BucketLocationConstraint::Unknown(_))) => {
            return Err(invalid_location().into())
        }
        Some("EU") => "eu-west-1".to_string(),
        Some(c) => c.to_string(),
    };
    if wanted != ctx.region {
        return Err(location_error(constraint.as_deref()).into());
    }
    if let Some(own) = &input.object_ownership {
        if own.as_str() == "BucketOwnerEnforced" && input.acl.as_ref().is_some_and(|a| a.as_str() != "private" && a.as_str() != "bucket-owner-full-control") {
            return Err(ServiceError::new(
                "InvalidBucketAclWithObjectOwnership",
                400,
                "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting",
            )
            .into());
        }
    }
    let mut buckets = s3.store.lock();
    if let Some(existing) = buckets.get(&input.bucket) {
        if existing.owner_account != ctx.account_id {
            let mut e: ServiceError = BucketAlreadyExists {}.into();
            e.message = Some(
                "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again."
                    .into(),
            );
            return Err(e.into());
        }
        // us-east-1 answers success for a bucket you already own there; everywhere else refuses.
        if !(ctx.region == "us-east-1" && existing.region == "us-east-1") {
            let mut e: ServiceError = BucketAlreadyOwnedByYou {}.into();
            e.message = Some("Your previous request to create the named bucket succeeded and you already own it.".into());
            return Err(e.into());
        }
        return Ok(CreateBucketOutput { location: Some(format!("/{}", input.bucket)), bucket_arn: None });
    }
    let mut b = Bucket::new(&input.bucket, &ctx.account_id, &ctx.region);
    // New buckets enforce bucket ownership (ACLs off) unless asked otherwise, as on AWS since April 2023.
    let ownership = input.object_ownership.clone().unwrap_or(ObjectOwnership::BucketOwnerEnforced);
    b.config.ownership = Some(OwnershipControls { rules: vec![OwnershipControlsRule { object_ownership: ownership }] });
    // New buckets block public access by default.
    b.config.public_access_block = Some(PublicAccessBlockConfiguration {
        block_public_acls: Some(true),
        ignore_public_acls: Some(true),
        block_public_policy: Some(true),
        restrict_public_buckets: Some(true),
    });
    if input.object_lock_enabled_for_bucket == Some(true) {
        b.versioning = Versioning::Enabled;
        b.config.object_lock = Some(ObjectLockConfiguration { object_lock_enabled: Some(ObjectLockEnabled::Enabled), rule: None });
    }
    crate::access::apply_canned_bucket_acl(&mut b, ctx, input.acl.as_ref())?;
    buckets.insert(input.bucket.clone(), b);
    let location = if ctx.region == "us-east-1" {
        format!("/{}", input.bucket)
    } else {
        format!("http://{}.s3.{}.amazonaws.com/", input.bucket, ctx.region)
    };
    Ok(CreateBucketOutput { location: Some(location), bucket_arn: None })
}

pub(crate) async fn head_bucket(s3: &S3, ctx: &RequestContext, input: HeadBucketRequest) -> Result<HeadBucketOutput, HeadBucketError> {
    let region = s3.with_bucket(ctx, &input.bucket, |b| Ok(b.region.clone()))?;
    Ok(HeadBucketOutput { bucket_region: Some(region), access_point_alias: Some(false), ..Default::default() })
}

pub(crate) async fn list_buckets(s3: &S3, ctx: &RequestContext, input: ListBucketsRequest) -> Result<ListBucketsOutput, ListBucketsError> {
    let max = input.max_buckets.unwrap_or(10_000);
    if !(1..=10_000).contains(&max) {
        return Err(invalid_argument("Argument max-buckets must be an integer between 1 and 10000.").into());
    }
    let prefix = input.prefix.clone().unwrap_or_default();
    let after = input.continuation_token.clone().unwrap_or_default();
    let buckets = s3.store.lock();
    let mut mine = buckets
        .values()
        .filter(|b| b.owner_account == ctx.account_id && b.name.starts_with(&prefix) && b.name > after)
        .filter(|b| input.bucket_region.as_ref().is_none_or(|r| *r == b.region));
    let page: Vec<Bucket_> = mine
        .by_ref()
        .take(max as usize)
        .map(|b| Bucket_ { name: Some(b.name.clone()), creation_date: Some(b.created), bucket_region: Some(b.region.clone()), bucket_arn: None })
        .collect();
    let more = mine.next().is_some();
    let continuation_token = if more && input.max_buckets.is_some() { page.last().and_then(|b| b.name.clone()) } else { None };
    Ok(ListBucketsOutput { buckets: Some(page), owner: Some(crate::ids::owner(&ctx.account_id)), continuation_token, prefix: input.prefix })
}

type Bucket_ = simfra_gen_s3::types::Bucket;

pub(crate) async fn delete_bucket(s3: &S3, ctx: &RequestContext, input: DeleteBucketRequest) -> Result<(), DeleteBucketError> {
    let mut buckets = s3.store.lock();
    {
        let b = buckets.get(&input.bucket).ok_or_else(no_such_bucket)?;
        if !ctx.may_reach(&b.owner_account) {
            return Err(access_denied().into());
        }
        if b.region != ctx.region {
            return Err(wrong_region(&b.region).into());
        }
        if !b.is_empty() {
            return Err(bucket_not_empty().into());
        }
    }
    buckets.remove(&input.bucket);
    Ok(())
}

pub(crate) async fn get_bucket_location(s3: &S3, ctx: &RequestContext, input: GetBucketLocationRequest) -> Result<GetBucketLocationOutput, GetBucketLocationError> {
    // Answered from any region: it is how clients find the right one.
    let buckets = s3.store.lock();
    let b = buckets.get(&input.bucket).ok_or_else(no_such_bucket)?;
    if !ctx.may_reach(&b.owner_account) {
        return Err(access_denied().into());
    }
    // us-east-1 is reported as no constraint.
    let location_constraint = (b.region != "us-east-1").then(|| BucketLocationConstraint::from(b.region.as_str()));
    Ok(GetBucketLocationOutput { location_constraint })
}

pub(crate) async fn get_bucket_versioning(s3: &S3, ctx: &RequestContext, input: GetBucketVersioningRequest) -> Result<GetBucketVersioningOutput, GetBucketVersioningError> {
    s3.with_bucket(ctx, &input.bucket, |b| {
        let status = match b.versioning {
            Versioning::Unversioned => None,
            Versioning::Enabled => Some(BucketVersioningStatus::Enabled),
            Versioning::Suspended => Some(BucketVersioningStatus::Suspended),
        };
        Ok(GetBucketVersioningOutput { status, mfa_delete: b.mfa_delete.clone().map(|m| MfaDeleteStatus::from(m.as_str())) })
    })
    .map_err(Into::into)
}

pub(crate) async fn put_bucket_versioning(s3: &S3, ctx: &RequestContext, input: PutBucketVersioningRequest) -> Result<(), PutBucketVersioningError> {
    let conf = input.versioning_configuration;
    if conf.mfa_delete.as_ref().is_some_and(|m| m.as_str() == "Enabled") && input.mfa.is_none() {
        return Err(invalid_request("The x-amz-mfa header is required when enabling MFA Delete.").into());
    }
    s3.with_bucket(ctx, &input.bucket, |b| {
        match conf.status.as_ref().map(|s| s.as_str()) {
            Some("Enabled") => b.versioning = Versioning::Enabled,
            Some("Suspended") => {
                if b.config.object_lock.is_some() {
                    return Err(ServiceError::new(
                        "InvalidBucketState",
                        409,
                        "An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.",
                    ));
                }
                b.versioning = Versioning::Suspended;
            }
            Some(_) => return Err(malformed_xml()),
            None => {}
        }
        if let Some(m) = &conf.mfa_delete {
            b.mfa_delete = Some(MfaDeleteStatus::from(m.as_str()));
        }
        Ok(())
    })
    .map_err(Into::into)
}
