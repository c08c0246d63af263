//! Object Lambda Access Points: an access point whose GetObject (and the
//! other configured actions) AWS answers by invoking a Lambda function over
//! a supporting access point. Kept here with their configuration, alias and
//! policy; S3 reads the configuration through [`object_lambda_access_point`]
//! when it serves requests through one.

use crate::access_points::{check_policy, no_such_access_point, no_such_access_point_policy, policy_is_public, valid_name};
use crate::public_access_block::configuration_of;
use crate::state;
use simfra_gen_s3_control::types::*;
use simfra_model::{RequestContext, ServiceError, Timestamp};

pub(crate) struct StoredObjectLambda {
    created: Timestamp,
    alias: String,
    configuration: ObjectLambdaConfiguration,
    policy: Option<String>,
}

fn arn(region: &str, account: &str, name: &str) -> String {
    format!("arn:aws:s3-object-lambda:{region}:{account}:accesspoint/{name}")
}

/// AWS's alias: a prefix of the name, a random part and `--ol-s3`.
fn new_alias(name: &str) -> String {
    const LOWER_ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let prefix: String = name.chars().take(20).collect();
    format!("{}-{}--ol-s3", prefix.trim_end_matches('-'), simfra_identity::ids::random_string(LOWER_ALNUM, 30))
}

fn alias(a: &str) -> ObjectLambdaAccessPointAlias {
    ObjectLambdaAccessPointAlias { value: Some(a.to_string()), status: Some(ObjectLambdaAccessPointAliasStatus::Ready) }
}

/// The supporting access point must be one of the caller's in this region.
fn check_configuration(ctx: &RequestContext, c: &ObjectLambdaConfiguration) -> Result<(), ServiceError> {
    let prefix = format!("arn:aws:s3:{}:{}:accesspoint/", ctx.region, ctx.account_id);
    let exists = c.supporting_access_point.strip_prefix(&prefix).is_some_and(|name| crate::access_point(&ctx.account_id, &ctx.region, name).is_some());
    if !exists {
        return Err(ServiceError::new("InvalidRequest", 400, format!("The supporting access point {} does not exist.", c.supporting_access_point)));
    }
    if c.transformation_configurations.is_empty() {
        return Err(ServiceError::new("InvalidRequest", 400, "At least one transformation configuration is required."));
    }
    Ok(())
}

fn with<T>(ctx: &RequestContext, name: &str, f: impl FnOnce(&mut StoredObjectLambda) -> Result<T, ServiceError>) -> Result<T, ServiceError> {
    let scope = state().regional(ctx);
    let mut data = scope.lock();
    data.object_lambda.get_mut(name).ok_or_else(no_such_access_point).and_then(f)
}

pub(crate) fn create(ctx: &RequestContext, input: CreateAccessPointForObjectLambdaRequest) -> Result<CreateAccessPointForObjectLambdaResult, ServiceError> {
    if !valid_name(&input.name) {
        return Err(ServiceError::new("InvalidAccessPoint", 400, "The specified access point name or account is not valid."));
    }
    check_configuration(ctx, &input.configuration)?;
    let scope = state().regional(ctx);
    let mut data = scope.lock();
    if data.object_lambda.contains_key(&input.name) {
        return Err(ServiceError::new("AccessPointAlreadyOwnedByYou", 409, "Your previous request to create the named accesspoint succeeded and you already own it."));
    }
    let a = new_alias(&input.name);
    data.object_lambda.insert(input.name.clone(), StoredObjectLambda { created: Timestamp::now(), alias: a.clone(), configuration: input.configuration, policy: None });
    Ok(CreateAccessPointForObjectLambdaResult { object_lambda_access_point_arn: Some(arn(&ctx.region, &ctx.account_id, &input.name)), alias: Some(alias(&a)) })
}

pub(crate) fn get(ctx: &RequestContext, name: &str) -> Result<GetAccessPointForObjectLambdaResult, ServiceError> {
    with(ctx, name, |o| {
        Ok(GetAccessPointForObjectLambdaResult {
            name: Some(name.to_string()),
            // Object Lambda Access Points block all public access, always.
            public_access_block_configuration: Some(configuration_of((true, true, true, true))),
            creation_date: Some(o.created),
            alias: Some(alias(&o.alias)),
        })
    })
}

pub(crate) fn configuration(ctx: &RequestContext, name: &str) -> Result<ObjectLambdaConfiguration, ServiceError> {
    with(ctx, name, |o| Ok(o.configuration.clone()))
}

pub(crate) fn put_configuration(ctx: &RequestContext, name: &str, configuration: ObjectLambdaConfiguration) -> Result<(), ServiceError> {
    with(ctx, name, |_| Ok(()))?;
    check_configuration(ctx, &configuration)?;
    with(ctx, name, |o| {
        o.configuration = configuration;
        Ok(())
    })
}

pub(crate) fn delete(ctx: &RequestContext, name: &str) -> Result<(), ServiceError> {
    let scope = state().regional(ctx);
    let mut data = scope.lock();
    data.object_lambda.remove(name).map(|_| ()).ok_or_else(no_such_access_point)
}

pub(crate) fn list(ctx: &RequestContext, input: &ListAccessPointsForObjectLambdaRequest) -> ListAccessPointsForObjectLambdaResult {
    let max = input.max_results.unwrap_or(1000).clamp(1, 1000) as usize;
    let scope = state().regional(ctx);
    let data = scope.lock();
    let after = input.next_token.clone().unwrap_or_default();
    let mut rest = data.object_lambda.range::<String, _>((std::ops::Bound::Excluded(&after), std::ops::Bound::Unbounded));
    let page: Vec<_> = rest.by_ref().take(max).collect();
    let next_token = if rest.next().is_some() { page.last().map(|(n, _)| (*n).clone()) } else { None };
    let list = page
        .into_iter()
        .map(|(name, o)| ObjectLambdaAccessPoint { name: name.clone(), object_lambda_access_point_arn: Some(arn(&ctx.region, &ctx.account_id, name)), alias: Some(alias(&o.alias)) })
        .collect();
    ListAccessPointsForObjectLambdaResult { object_lambda_access_point_list: Some(list), next_token }
}

pub(crate) fn put_policy(ctx: &RequestContext, name: &str, policy: &str) -> Result<(), ServiceError> {
    with(ctx, name, |_| Ok(()))?;
    check_policy(&arn(&ctx.region, &ctx.account_id, name), policy)?;
    with(ctx, name, |o| {
        o.policy = Some(policy.to_string());
        Ok(())
    })
}

pub(crate) fn get_policy(ctx: &RequestContext, name: &str) -> Result<String, ServiceError> {
    with(ctx, name, |o| o.policy.clone().ok_or_else(no_such_access_point_policy))
}

pub(crate) fn delete_policy(ctx: &RequestContext, name: &str) -> Result<(), ServiceError> {
    with(ctx, name, |o| {
        o.policy = None;
        Ok(())
    })
}

pub(crate) fn policy_status(ctx: &RequestContext, name: &str) -> Result<bool, ServiceError> {
    with(ctx, name, |o| o.policy.as_deref().map(policy_is_public).ok_or_else(no_such_access_point_policy))
}

/// The configuration of an Object Lambda Access Point (its supporting
/// access point and transformations), for S3 to serve requests through it.
pub fn object_lambda_access_point(account: &str, region: &str, name: &str) -> Option<ObjectLambdaConfiguration> {
    let scope = state().all().into_iter().find(|((a, r), _)| a == account && r == region)?.1;
    let data = scope.lock();
    data.object_lambda.get(name).map(|o| o.configuration.clone())
}

/// IAM's view of an Object Lambda Access Point
/// (`arn:aws:s3-object-lambda:<region>:<account>:accesspoint/<name>`): its owner and policy.
pub(crate) fn facts(arn: &str) -> Option<simfra_identity::authorize::ResourceFacts> {
    let mut parts = arn.strip_prefix("arn:")?.splitn(5, ':');
    let (_partition, _service, region, account, resource) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    let name = resource.strip_prefix("accesspoint/")?.split('/').next()?;
    let scope = state().all().into_iter().find(|((a, r), _)| a == account && r == region)?.1;
    let data = scope.lock();
    let o = data.object_lambda.get(name)?;
    let policy = o.policy.as_deref().and_then(|p| simfra_policy::parse(p).ok()).map(std::sync::Arc::new);
    Some(simfra_identity::authorize::ResourceFacts { owner: account.to_string(), policy, tags: Vec::new() })
}
