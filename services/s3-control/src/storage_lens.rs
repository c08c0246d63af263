//! Storage Lens configurations and groups: stored and answered as they were
//! put, with their ARNs and tags. (Simfra computes no Storage Lens metrics;
//! a configuration's data export receives nothing.)

use crate::{state, Data, TagSet};
use simfra_gen_s3_control::types::*;
use simfra_model::{RequestContext, ServiceError};

pub(crate) struct StoredConfiguration {
    pub configuration: StorageLensConfiguration,
    pub tags: TagSet,
}

fn arn(ctx: &RequestContext, id: &str) -> String {
    format!("arn:aws:s3:{}:{}:storage-lens/{id}", ctx.region, ctx.account_id)
}

fn no_such_configuration() -> ServiceError {
    ServiceError::new("NoSuchConfiguration", 404, "The specified configuration does not exist.")
}

fn invalid(code: &str, message: &str) -> ServiceError {
    ServiceError::new(code, 400, message)
}

/// AWS's checks of a configuration ("List of Amazon S3 Storage Lens error codes").
fn check(config_id: &str, c: &StorageLensConfiguration) -> Result<(), ServiceError> {
    if c.id != config_id {
        return Err(invalid("InvalidConfigId", "The configuration ID is not valid."));
    }
    if c.storage_lens_arn.is_some() {
        return Err(invalid("InvalidStorageLensArn", "The S3 Storage Lens ARN is not required in input."));
    }
    if c.include.is_some() && c.exclude.is_some() {
        return Err(invalid(
            "InvalidIncludeExcludeContainers",
            "You can specify either an Include container or an Exclude container in a configuration. You cannot specify both in a configuration.",
        ));
    }
    let containers = [c.include.as_ref().map(|i| (&i.buckets, &i.regions)), c.exclude.as_ref().map(|e| (&e.buckets, &e.regions))];
    for (buckets, regions) in containers.into_iter().flatten() {
        if buckets.as_ref().is_some_and(|b| b.len() > 50) {
            return Err(invalid("TooManyBuckets", "The buckets container cannot have more than 50 buckets."));
        }
        if regions.as_ref().is_some_and(|r| r.len() > 50) {
            return Err(invalid("TooManyRegions", "The Regions container cannot have more than 50 Regions."));
        }
    }
    Ok(())
}

pub(crate) fn put(ctx: &RequestContext, input: PutStorageLensConfigurationRequest) -> Result<(), ServiceError> {
    let mut configuration = input.storage_lens_configuration;
    check(&input.config_id, &configuration)?;
    configuration.storage_lens_arn = Some(arn(ctx, &input.config_id));
    let new_tags = match input.tags {
        Some(t) => Some(crate::tagging::checked(t.into_iter().map(|t| (t.key, t.value)).collect())?),
        None => None,
    };
    let scope = state().regional(ctx);
    let mut data = scope.lock();
    // Putting again replaces the configuration; tags stay unless new ones are given.
    let tags = new_tags.or_else(|| data.storage_lens.get(&input.config_id).map(|c| c.tags.clone())).unwrap_or_default();
    data.storage_lens.insert(input.config_id, StoredConfiguration { configuration, tags });
    Ok(())
}

pub(crate) fn get(ctx: &RequestContext, id: &str) -> Result<StorageLensConfiguration, ServiceError> {
    let scope = state().regional(ctx);
    let data = scope.lock();
    data.storage_lens.get(id).map(|c| c.configuration.clone()).ok_or_else(no_such_configuration)
}

pub(crate) fn delete(ctx: &RequestContext, id: &str) -> Result<(), ServiceError> {
    let scope = state().regional(ctx);
    let mut data = scope.lock();
    data.storage_lens.remove(id).map(|_| ()).ok_or_else(no_such_configuration)
}

/// All of the account's configurations in this region, in one page.
pub(crate) fn list(ctx: &RequestContext, _next_token: Option<&str>) -> Result<ListStorageLensConfigurationsResult, ServiceError> {
    let scope = state().regional(ctx);
    let data = scope.lock();
    let entries = data
        .storage_lens
        .iter()
        .map(|(id, c)| ListStorageLensConfigurationEntry {
            id: id.clone(),
            storage_lens_arn: arn(ctx, id),
            home_region: ctx.region.clone(),
            is_enabled: Some(c.configuration.is_enabled),
        })
        .collect();
    Ok(ListStorageLensConfigurationsResult { next_token: None, storage_lens_configuration_list: Some(entries) })
}

pub(crate) fn tags_mut<'d>(data: &'d mut Data, id: &str) -> Result<&'d mut TagSet, ServiceError> {
    data.storage_lens.get_mut(id).map(|c| &mut c.tags).ok_or_else(no_such_configuration)
}

pub(crate) fn set_tags(ctx: &RequestContext, id: &str, tags: TagSet) -> Result<(), ServiceError> {
    let scope = state().regional(ctx);
    let mut data = scope.lock();
    *tags_mut(&mut data, id)? = tags;
    Ok(())
}

pub(crate) fn tags(ctx: &RequestContext, id: &str) -> Result<TagSet, ServiceError> {
    let scope = state().regional(ctx);
    let mut data = scope.lock();
    Ok(tags_mut(&mut data, id)?.clone())
}

pub(crate) fn facts(account: &str, region: &str, id: &str) -> Option<simfra_identity::authorize::ResourceFacts> {
    let scope = state().all().into_iter().find(|((a, r), _)| a == account && r == region)?.1;
    let data = scope.lock();
    let c = data.storage_lens.get(id)?;
    Some(simfra_identity::authorize::ResourceFacts { owner: account.to_string(), policy: None, tags: c.tags.clone() })
}

// ---------------------------------------------------------------- Storage Lens groups

pub(crate) struct StoredGroup {
    pub group: StorageLensGroup,
    pub tags: TagSet,
}

/// At most 50 groups per account and home region.
const MAX_GROUPS: usize = 50;

fn group_arn(ctx: &RequestContext, name: &str) -> String {
    format!("arn:aws:s3:{}:{}:storage-lens-group/{name}", ctx.region, ctx.account_id)
}

fn no_such_group() -> ServiceError {
    ServiceError::new("NoSuchStorageLensGroup", 404, "The specified Storage Lens group does not exist.")
}

pub(crate) fn create_group(ctx: &RequestContext, input: CreateStorageLensGroupRequest) -> Result<(), ServiceError> {
    let tags = crate::tagging::checked(input.tags.into_iter().flatten().map(|t| (t.key, t.value)).collect())?;
    let mut group = input.storage_lens_group;
    group.storage_lens_group_arn = Some(group_arn(ctx, &group.name));
    let scope = state().regional(ctx);
    let mut data = scope.lock();
    if data.storage_lens_groups.contains_key(&group.name) {
        return Err(ServiceError::new("ConfigurationAlreadyExists", 409, "The specified configuration already exists."));
    }
    if data.storage_lens_groups.len() >= MAX_GROUPS {
        return Err(invalid("TooManyConfigurations", "You have attempted to create more Storage Lens group configurations than the 50 allowed."));
    }
    data.storage_lens_groups.insert(group.name.clone(), StoredGroup { group, tags });
    Ok(())
}

pub(crate) fn get_group(ctx: &RequestContext, name: &str) -> Result<StorageLensGroup, ServiceError> {
    let scope = state().regional(ctx);
    let data = scope.lock();
    data.storage_lens_groups.get(name).map(|g| g.group.clone()).ok_or_else(no_such_group)
}

pub(crate) fn update_group(ctx: &RequestContext, name: &str, mut group: StorageLensGroup) -> Result<(), ServiceError> {
    if group.name != name {
        return Err(invalid("MismatchedName", "The name specified in the request doesn't match the Storage Lens group name."));
    }
    group.storage_lens_group_arn = Some(group_arn(ctx, name));
    let scope = state().regional(ctx);
    let mut data = scope.lock();
    let stored = data.storage_lens_groups.get_mut(name).ok_or_else(no_such_group)?;
    stored.group = group;
    Ok(())
}

pub(crate) fn delete_group(ctx: &RequestContext, name: &str) -> Result<(), ServiceError> {
    let scope = state().regional(ctx);
    let mut data = scope.lock();
    data.storage_lens_groups.remove(name).map(|_| ()).ok_or_else(no_such_group)
}

pub(crate) fn list_groups(ctx: &RequestContext) -> ListStorageLensGroupsResult {
    let scope = state().regional(ctx);
    let data = scope.lock();
    let list = data
        .storage_lens_groups
        .keys()
        .map(|name| ListStorageLensGroupEntry { name: name.clone(), storage_lens_group_arn: group_arn(ctx, name), home_region: ctx.region.clone() })
        .collect();
    ListStorageLensGroupsResult { next_token: None, storage_lens_group_list: Some(list) }
}

pub(crate) fn group_tags_mut<'d>(data: &'d mut Data, name: &str) -> Option<&'d mut TagSet> {
    data.storage_lens_groups.get_mut(name).map(|g| &mut g.tags)
}

pub(crate) fn group_facts(account: &str, region: &str, name: &str) -> Option<simfra_identity::authorize::ResourceFacts> {
    let scope = state().all().into_iter().find(|((a, r), _)| a == account && r == region)?.1;
    let data = scope.lock();
    let g = data.storage_lens_groups.get(name)?;
    Some(simfra_identity::authorize::ResourceFacts { owner: account.to_string(), policy: None, tags: g.tags.clone() })
}
