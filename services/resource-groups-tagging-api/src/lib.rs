//! Resource Groups Tagging API: one view of the tags of every resource in
//! the account, across services. It reads and writes the tags the resource
//! engine keeps (`simfra_resources::tagged`/`retag`), so a tag set with a
//! service's own `TagResource` shows here and the other way round.
//! (Resources kept by hand-written services are not in this view yet.)

use base64::Engine as _;
use simfra_gen_resource_groups_tagging_api::types::*;
use simfra_gen_resource_groups_tagging_api::*;
use simfra_model::{RequestContext, SharedHandler};
use simfra_resources::TaggedResource;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

pub struct Tagging;

pub fn handler() -> SharedHandler {
    simfra_gen_resource_groups_tagging_api::handler(Arc::new(Tagging))
}

fn invalid(message: impl Into<String>) -> InvalidParameterException {
    InvalidParameterException { message: Some(message.into()) }
}

/// Resources of the caller's region (global services' resources count as us-east-1's).
fn in_region(ctx: &RequestContext) -> Vec<TaggedResource> {
    simfra_resources::tagged(&ctx.account_id)
        .into_iter()
        .filter(|r| r.region == ctx.region || (r.region.is_empty() && ctx.region == "us-east-1"))
        .collect()
}

/// `ec2`, `ec2:instance`: the ARN's service, and its resource type (the
/// resource part up to the first `/` or `:`).
fn type_matches(arn: &str, filter: &str) -> bool {
    let mut parts = arn.splitn(6, ':');
    let (Some(_), Some(_), Some(service), Some(_), Some(_), Some(resource)) =
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let rtype = resource.split(['/', ':']).next().unwrap_or("");
    match filter.split_once(':') {
        Some((s, t)) => s == service && t == rtype,
        None => filter == service,
    }
}

/// Every filter must hold; a filter holds when the key is present with any
/// of its values (or any value, when it lists none).
fn tags_match(tags: &[(String, String)], filters: &[TagFilter]) -> bool {
    filters.iter().all(|f| {
        let Some(key) = f.key.as_deref() else { return true };
        tags.iter().any(|(k, v)| k == key && f.values.as_ref().is_none_or(|vals| vals.is_empty() || vals.contains(v)))
    })
}

/// Opaque page tokens: the offset of the next page.
fn token_start(token: Option<&str>) -> Result<usize, InvalidParameterException> {
    match token.filter(|t| !t.is_empty()) {
        None => Ok(0),
        Some(t) => base64::engine::general_purpose::STANDARD
            .decode(t)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| invalid("The specified pagination token is not valid.")),
    }
}

fn token_for(next: usize, total: usize) -> Option<String> {
    (next < total).then(|| base64::engine::general_purpose::STANDARD.encode(next.to_string()))
}

fn tag_list(tags: &[(String, String)]) -> Vec<Tag> {
    tags.iter().map(|(k, v)| Tag { key: k.clone(), value: v.clone() }).collect()
}

fn failure(arn: &str) -> FailureInfo {
    FailureInfo {
        status_code: Some(400),
        error_code: Some(ErrorCode::InvalidParameterException),
        error_message: Some(format!("Resource {arn} was not found or is not taggable through this API")),
    }
}

fn check_arns(arns: &[String]) -> Result<(), InvalidParameterException> {
    if arns.is_empty() || arns.len() > 20 {
        return Err(invalid("ResourceARNList must contain between 1 and 20 ARNs."));
    }
    Ok(())
}

#[simfra_model::async_trait]
impl ResourceGroupsTaggingApiApi for Tagging {
    fn implemented(&self) -> &'static [&'static str] {
        &["GetResources", "GetTagKeys", "GetTagValues", "TagResources", "UntagResources"]
    }

    async fn get_resources(&self, ctx: &RequestContext, input: GetResourcesInput) -> Result<GetResourcesOutput, GetResourcesError> {
        let per_page = input.resources_per_page.unwrap_or(50);
        if !(1..=100).contains(&per_page) {
            return Err(invalid("ResourcesPerPage must be between 1 and 100.").into());
        }
        if input.resource_arn_list.is_some() && (input.tag_filters.is_some() || input.resource_type_filters.is_some()) {
            return Err(invalid("ResourceARNList cannot be used with TagFilters or ResourceTypeFilters.").into());
        }
        let filters = input.tag_filters.unwrap_or_default();
        let types = input.resource_type_filters.unwrap_or_default();
        let matching: Vec<TaggedResource> = in_region(ctx)
            .into_iter()
            .filter(|r| match &input.resource_arn_list {
                Some(arns) => arns.contains(&r.arn),
                // Without an ARN list, only resources that carry tags.
                None => !r.tags.is_empty(),
            })
            .filter(|r| tags_match(&r.tags, &filters))
            .filter(|r| types.is_empty() || types.iter().any(|t| type_matches(&r.arn, t)))
            .collect();
        let start = token_start(input.pagination_token.as_deref())?;
        let end = (start + per_page as usize).min(matching.len());
        let page = matching.get(start..end).unwrap_or(&[]);
        Ok(GetResourcesOutput {
            pagination_token: Some(token_for(end, matching.len()).unwrap_or_default()),
            resource_tag_mapping_list: Some(
                page.iter()
                    .map(|r| ResourceTagMapping { resource_arn: Some(r.arn.clone()), tags: Some(tag_list(&r.tags)), compliance_details: None })
                    .collect(),
            ),
        })
    }

    async fn get_tag_keys(&self, ctx: &RequestContext, input: GetTagKeysInput) -> Result<GetTagKeysOutput, GetTagKeysError> {
        let keys: BTreeSet<String> = in_region(ctx).into_iter().flat_map(|r| r.tags.into_iter().map(|(k, _)| k)).collect();
        let keys: Vec<String> = keys.into_iter().collect();
        let start = token_start(input.pagination_token.as_deref())?;
        let end = (start + 500).min(keys.len());
        Ok(GetTagKeysOutput {
            pagination_token: Some(token_for(end, keys.len()).unwrap_or_default()),
            tag_keys: Some(keys.get(start..end).unwrap_or(&[]).to_vec()),
        })
    }

    async fn get_tag_values(&self, ctx: &RequestContext, input: GetTagValuesInput) -> Result<GetTagValuesOutput, GetTagValuesError> {
        let values: BTreeSet<String> = in_region(ctx)
            .into_iter()
            .flat_map(|r| r.tags.into_iter().filter(|(k, _)| *k == input.key).map(|(_, v)| v))
            .collect();
        let values: Vec<String> = values.into_iter().collect();
        let start = token_start(input.pagination_token.as_deref())?;
        let end = (start + 500).min(values.len());
        Ok(GetTagValuesOutput {
            pagination_token: Some(token_for(end, values.len()).unwrap_or_default()),
            tag_values: Some(values.get(start..end).unwrap_or(&[]).to_vec()),
        })
    }

    async fn tag_resources(&self, ctx: &RequestContext, input: TagResourcesInput) -> Result<TagResourcesOutput, TagResourcesError> {
        check_arns(&input.resource_arn_list)?;
        if input.tags.is_empty() || input.tags.len() > 50 {
            return Err(invalid("Tags must contain between 1 and 50 tags.").into());
        }
        let mut add: Vec<(String, String)> = input.tags.into_iter().collect();
        add.sort();
        let failed: HashMap<String, FailureInfo> = input
            .resource_arn_list
            .iter()
            .filter(|arn| !simfra_resources::retag(&ctx.account_id, arn, &add, &[]))
            .map(|arn| (arn.clone(), failure(arn)))
            .collect();
        Ok(TagResourcesOutput { failed_resources_map: Some(failed) })
    }

    async fn untag_resources(&self, ctx: &RequestContext, input: UntagResourcesInput) -> Result<UntagResourcesOutput, UntagResourcesError> {
        check_arns(&input.resource_arn_list)?;
        if input.tag_keys.is_empty() {
            return Err(invalid("TagKeys must contain at least 1 key.").into());
        }
        let failed: HashMap<String, FailureInfo> = input
            .resource_arn_list
            .iter()
            .filter(|arn| !simfra_resources::retag(&ctx.account_id, arn, &[], &input.tag_keys))
            .map(|arn| (arn.clone(), failure(arn)))
            .collect();
        Ok(UntagResourcesOutput { failed_resources_map: Some(failed) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_type_filters() {
        assert!(type_matches("arn:aws:eks:us-east-1:1:cluster/c1", "eks"));
        assert!(type_matches("arn:aws:eks:us-east-1:1:cluster/c1", "eks:cluster"));
        assert!(!type_matches("arn:aws:eks:us-east-1:1:nodegroup/c1/n", "eks:cluster"));
        assert!(type_matches("arn:aws:rds:us-east-1:1:db:mydb", "rds:db"));
    }

    #[test]
    fn tag_filters() {
        let tags = vec![("env".to_string(), "prod".to_string()), ("team".to_string(), "a".to_string())];
        let f = |k: &str, v: &[&str]| TagFilter { key: Some(k.into()), values: Some(v.iter().map(|s| s.to_string()).collect()) };
        assert!(tags_match(&tags, &[f("env", &["prod", "dev"])]));
        assert!(tags_match(&tags, &[f("env", &[]), f("team", &["a"])]));
        assert!(!tags_match(&tags, &[f("env", &["dev"])]));
        assert!(!tags_match(&tags, &[f("owner", &[])]));
    }
}
