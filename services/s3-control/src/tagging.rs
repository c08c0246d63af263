//! Tags of S3 resources by ARN (`TagResource`, `UntagResource`,
//! `ListTagsForResource`): general purpose buckets (kept by S3), access
//! points, Batch Operations jobs, Storage Lens configurations and groups, Access
//! Grants instances, locations and grants.

use crate::{access_grants, access_points, jobs, link::s3, state, storage_lens, Data, TagSet};
use simfra_model::{RequestContext, ServiceError};

/// At most 50 tags per resource, as everywhere in S3.
const MAX_TAGS: usize = 50;

fn invalid_tag(message: &str) -> ServiceError {
    ServiceError::new("InvalidTag", 400, message)
}

/// A tag set as S3 accepts it: unique keys, no `aws:` prefix, at most 50
/// (AWS's "List of Tagging-related error codes").
pub(crate) fn checked(tags: TagSet) -> Result<TagSet, ServiceError> {
    if tags.len() > MAX_TAGS {
        return Err(ServiceError::new("TooManyTags", 400, "The number of tags exceeds the limit of 50 tags. Remove some tags and try again."));
    }
    for (i, (k, _)) in tags.iter().enumerate() {
        if k.to_ascii_lowercase().starts_with("aws:") {
            return Err(invalid_tag("User-defined tag keys can't start with aws:."));
        }
        if tags[..i].iter().any(|(other, _)| other == k) {
            return Err(invalid_tag("There are duplicate tag keys in your request. Remove the duplicate tag keys and try again."));
        }
    }
    Ok(tags)
}

/// What the tagging operations answer for a resource that is not there.
pub(crate) fn no_such_resource() -> ServiceError {
    ServiceError::new("NoSuchResource", 404, "The specified resource doesn't exist.")
}

/// Sets each tag (replacing a key's value), keeping the others.
fn merged(mut have: TagSet, add: TagSet) -> TagSet {
    for (k, v) in add {
        match have.iter_mut().find(|(hk, _)| *hk == k) {
            Some(slot) => slot.1 = v,
            None => have.push((k, v)),
        }
    }
    have
}

/// What an ARN names, among the resources S3 Control tags.
enum Target<'a> {
    Bucket(&'a str),
    /// A regional resource of the caller's: `(kind, id)`.
    Regional(&'a str, &'a str),
}

fn invalid_arn() -> ServiceError {
    ServiceError::new("InvalidRequest", 400, "The resource ARN is not valid.")
}

fn target<'a>(ctx: &RequestContext, arn: &'a str) -> Result<Target<'a>, ServiceError> {
    let mut parts = arn.strip_prefix("arn:").ok_or_else(invalid_arn)?.splitn(5, ':');
    let (_partition, service, region, account, resource) = match (parts.next(), parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(p), Some(s), Some(r), Some(a), Some(res)) => (p, s, r, a, res),
        _ => return Err(invalid_arn()),
    };
    if service != "s3" {
        return Err(invalid_arn());
    }
    if region.is_empty() && account.is_empty() && !resource.is_empty() && !resource.contains('/') {
        return Ok(Target::Bucket(resource));
    }
    let (kind, id) = resource.split_once('/').ok_or_else(invalid_arn)?;
    // Access Grants resources nest (`access-grants/default/grant/<id>`); the others are one name.
    let nested = kind == "access-grants";
    if !matches!(kind, "accesspoint" | "job" | "storage-lens" | "storage-lens-group" | "access-grants") || id.is_empty() || (id.contains('/') && !nested) {
        return Err(invalid_arn());
    }
    // The ARN's account and region must be the request's.
    if region != ctx.region {
        return Err(ServiceError::new("InvalidRequest", 400, "The AWS Region in the resource ARN doesn't match the Region that's specified in this request."));
    }
    if account != ctx.account_id {
        return Err(ServiceError::new("InvalidRequest", 400, "The AWS account in the resource ARN doesn't match the account ID that's specified in this request."));
    }
    Ok(Target::Regional(kind, id))
}

/// The tag set of a regional resource.
fn regional_tags<'d>(data: &'d mut Data, kind: &str, id: &str) -> Result<&'d mut TagSet, ServiceError> {
    match kind {
        "accesspoint" => access_points::tags(data, id),
        "job" => jobs::tags_mut(data, id).ok(),
        "access-grants" => access_grants::tags_mut(data, id),
        "storage-lens-group" => storage_lens::group_tags_mut(data, id),
        _ => storage_lens::tags_mut(data, id).ok(),
    }
    .ok_or_else(no_such_resource)
}

/// The caller's bucket's tags (another account's bucket is refused).
fn bucket_tags(ctx: &RequestContext, bucket: &str) -> Result<TagSet, ServiceError> {
    let b = (s3().bucket)(bucket).ok_or_else(no_such_resource)?;
    if b.owner_account != ctx.account_id {
        return Err(ServiceError::new("AccessDenied", 403, "Access Denied"));
    }
    (s3().bucket_tags)(bucket).ok_or_else(no_such_resource)
}

fn edit(ctx: &RequestContext, arn: &str, change: impl FnOnce(TagSet) -> Result<TagSet, ServiceError>) -> Result<(), ServiceError> {
    match target(ctx, arn)? {
        Target::Bucket(bucket) => {
            let tags = change(bucket_tags(ctx, bucket)?)?;
            (s3().set_bucket_tags)(bucket, tags)
        }
        Target::Regional(kind, id) => {
            let scope = state().regional(ctx);
            let mut data = scope.lock();
            let slot = regional_tags(&mut data, kind, id)?;
            // A refused change leaves the tags as they were.
            *slot = change(slot.clone())?;
            Ok(())
        }
    }
}

pub(crate) fn tag_resource(ctx: &RequestContext, arn: &str, add: TagSet) -> Result<(), ServiceError> {
    checked(add.clone())?;
    edit(ctx, arn, |have| checked(merged(have, add)))
}

pub(crate) fn untag_resource(ctx: &RequestContext, arn: &str, keys: &[String]) -> Result<(), ServiceError> {
    edit(ctx, arn, |mut have| {
        have.retain(|(k, _)| !keys.contains(k));
        Ok(have)
    })
}

pub(crate) fn list_tags(ctx: &RequestContext, arn: &str) -> Result<TagSet, ServiceError> {
    match target(ctx, arn)? {
        Target::Bucket(bucket) => bucket_tags(ctx, bucket),
        Target::Regional(kind, id) => {
            let scope = state().regional(ctx);
            let mut data = scope.lock();
            Ok(regional_tags(&mut data, kind, id)?.clone())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_sets_are_checked_and_merged() {
        let many: TagSet = (0..51).map(|i| (format!("k{i}"), "v".to_string())).collect();
        assert_eq!(checked(many).unwrap_err().code, "TooManyTags");
        assert_eq!(checked(vec![("aws:x".into(), "v".into())]).unwrap_err().code, "InvalidTag");
        assert_eq!(checked(vec![("a".into(), "1".into()), ("a".into(), "2".into())]).unwrap_err().code, "InvalidTag");
        let merged = merged(vec![("a".into(), "1".into()), ("b".into(), "2".into())], vec![("b".into(), "3".into()), ("c".into(), "4".into())]);
        assert_eq!(merged, vec![("a".into(), "1".into()), ("b".into(), "3".into()), ("c".into(), "4".into())]);
    }
}
