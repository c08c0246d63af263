//! Layers: published versions of a .zip that functions mount under /opt,
//! with their own permissions (who may use a layer version).

use crate::code::{self, Source};
use crate::errors;
use crate::functions::paginate;
use crate::names;
use crate::store::{self, LayerVersion, LayerVersions};
use serde_json::{json, Value as Json};
use simfra_gen_lambda::types::*;
use simfra_model::{RequestContext, ServiceError};
use std::sync::Arc;

/// A layer name or ARN → (account, region, name).
fn layer_of(ctx: &RequestContext, layer: &str) -> Result<(String, String, String), ServiceError> {
    if let Some(rest) = layer.strip_prefix("arn:") {
        let parts: Vec<&str> = rest.split(':').collect();
        // aws:lambda:region:account:layer:name
        if parts.len() == 6 && parts[1] == "lambda" && parts[4] == "layer" {
            if !ctx.may_reach(parts[3]) {
                return Err(errors::not_found("The resource you requested does not exist."));
            }
            return Ok((parts[3].into(), parts[2].into(), parts[5].into()));
        }
        return Err(errors::validation(layer, "layerName", "Member must satisfy regular expression pattern: (arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+)|[a-zA-Z0-9-_]+"));
    }
    Ok((ctx.account_id.clone(), ctx.region.clone(), layer.to_string()))
}

fn layer_version_not_found() -> ServiceError {
    errors::not_found("The resource you requested does not exist.")
}

/// A layer version by its ARN (`…:layer:name:version`), from any account.
pub fn find(arn: &str) -> Option<LayerVersion> {
    let parts: Vec<&str> = arn.split(':').collect();
    if parts.len() != 8 || parts[2] != "lambda" || parts[5] != "layer" {
        return None;
    }
    let version: i64 = parts[7].parse().ok()?;
    let region = store::state().get(parts[4], parts[3]);
    let layers = region.layers();
    layers.get(parts[6])?.versions.get(&version).cloned()
}

fn with_version<T>(ctx: &RequestContext, layer: &str, version: i64, op: impl FnOnce(&mut LayerVersion) -> Result<T, ServiceError>) -> Result<T, ServiceError> {
    let (account, region, name) = layer_of(ctx, layer)?;
    let state = store::state().get(&account, &region);
    let mut layers = state.layers();
    let lv = layers.get_mut(&name).and_then(|l| l.versions.get_mut(&version)).ok_or_else(layer_version_not_found)?;
    op(lv)
}

fn with_location(ctx: &RequestContext, lv: &LayerVersion) -> GetLayerVersionResponse {
    let mut info = lv.info.clone();
    if let Some(content) = info.content.as_mut() {
        content.location = Some(code::location(&ctx.endpoint_url(), &Arc::new(code::zip_code(lv.zip.clone()))));
    }
    info
}

pub fn publish(ctx: &RequestContext, input: PublishLayerVersionRequest) -> Result<PublishLayerVersionResponse, ServiceError> {
    let (account, region, name) = layer_of(ctx, &input.layer_name)?;
    if account != ctx.account_id {
        return Err(errors::invalid("Layers can only be published in the caller's account."));
    }
    let zip = code::load_zip(&Source {
        zip_file: input.content.zip_file.as_ref(),
        s3_bucket: input.content.s3_bucket.as_deref(),
        s3_key: input.content.s3_key.as_deref(),
    })?;
    let state = store::state().get(&account, &region);
    let mut layers = state.layers();
    let entry = layers.entry(name.clone()).or_insert_with(LayerVersions::default);
    entry.last += 1;
    let version = entry.last;
    let layer_arn = names::layer_arn(&region, &account, &name);
    let info = GetLayerVersionResponse {
        content: Some(LayerVersionContentOutput {
            location: None,
            code_sha256: Some(code::sha256_b64(&zip)),
            code_size: Some(zip.len() as i64),
            signing_profile_version_arn: None,
            signing_job_arn: None,
        }),
        layer_version_arn: Some(format!("{layer_arn}:{version}")),
        layer_arn: Some(layer_arn),
        description: Some(input.description.clone().unwrap_or_default()),
        created_date: Some(names::now()),
        version: Some(version),
        compatible_runtimes: input.compatible_runtimes.clone(),
        license_info: input.license_info.clone(),
        compatible_architectures: input.compatible_architectures.clone(),
    };
    let lv = LayerVersion { info, zip, policy: Vec::new(), policy_revision: simfra_identity::ids::uuid() };
    entry.versions.insert(version, lv.clone());
    drop(layers);
    let i = with_location(ctx, &lv);
    Ok(PublishLayerVersionResponse {
        content: i.content,
        layer_arn: i.layer_arn,
        layer_version_arn: i.layer_version_arn,
        description: i.description,
        created_date: i.created_date,
        version: i.version,
        compatible_runtimes: i.compatible_runtimes,
        license_info: i.license_info,
        compatible_architectures: i.compatible_architectures,
    })
}

pub fn get(ctx: &RequestContext, layer: &str, version: i64) -> Result<GetLayerVersionResponse, ServiceError> {
    with_version(ctx, layer, version, |lv| Ok(lv.clone())).map(|lv| with_location(ctx, &lv))
}

pub fn get_by_arn(ctx: &RequestContext, arn: &str) -> Result<GetLayerVersionResponse, ServiceError> {
    let (layer, version) = arn.rsplit_once(':').ok_or_else(layer_version_not_found)?;
    let version: i64 = version.parse().map_err(|_| layer_version_not_found())?;
    get(ctx, layer, version)
}

fn list_item(info: &GetLayerVersionResponse) -> LayerVersionsListItem {
    LayerVersionsListItem {
        layer_version_arn: info.layer_version_arn.clone(),
        version: info.version,
        description: info.description.clone(),
        created_date: info.created_date.clone(),
        compatible_runtimes: info.compatible_runtimes.clone(),
        license_info: info.license_info.clone(),
        compatible_architectures: info.compatible_architectures.clone(),
    }
}

fn compatible(info: &GetLayerVersionResponse, runtime: Option<&Runtime>, arch: Option<&Architecture>) -> bool {
    runtime.is_none_or(|r| info.compatible_runtimes.as_ref().is_some_and(|rs| rs.contains(r)))
        && arch.is_none_or(|a| info.compatible_architectures.as_ref().is_some_and(|as_| as_.contains(a)))
}

pub fn list_versions(ctx: &RequestContext, input: ListLayerVersionsRequest) -> Result<ListLayerVersionsResponse, ServiceError> {
    let (account, region, name) = layer_of(ctx, &input.layer_name)?;
    let state = store::state().get(&account, &region);
    let items: Vec<LayerVersionsListItem> = state
        .layers()
        .get(&name)
        .map(|l| {
            l.versions
                .values()
                .rev()
                .filter(|v| compatible(&v.info, input.compatible_runtime.as_ref(), input.compatible_architecture.as_ref()))
                .map(|v| list_item(&v.info))
                .collect()
        })
        .unwrap_or_default();
    let (page, next) = paginate(items, input.marker.as_deref(), input.max_items, |i| i.version.unwrap_or(0).to_string())?;
    Ok(ListLayerVersionsResponse { layer_versions: Some(page), next_marker: next })
}

pub fn list(ctx: &RequestContext, input: ListLayersRequest) -> Result<ListLayersResponse, ServiceError> {
    let state = store::state().get(&ctx.account_id, &ctx.region);
    let items: Vec<LayersListItem> = state
        .layers()
        .iter()
        .filter_map(|(name, l)| {
            let latest = l.versions.values().rev().find(|v| compatible(&v.info, input.compatible_runtime.as_ref(), input.compatible_architecture.as_ref()))?;
            Some(LayersListItem {
                layer_name: Some(name.clone()),
                layer_arn: latest.info.layer_arn.clone(),
                latest_matching_version: Some(list_item(&latest.info)),
            })
        })
        .collect();
    let (page, next) = paginate(items, input.marker.as_deref(), input.max_items, |i| i.layer_name.clone().unwrap_or_default())?;
    Ok(ListLayersResponse { layers: Some(page), next_marker: next })
}

pub fn delete(ctx: &RequestContext, layer: &str, version: i64) -> Result<(), ServiceError> {
    let (account, region, name) = layer_of(ctx, layer)?;
    let state = store::state().get(&account, &region);
    let mut layers = state.layers();
    // Deleting what does not exist succeeds, as on AWS.
    if let Some(l) = layers.get_mut(&name) {
        l.versions.remove(&version);
    }
    Ok(())
}

fn layer_policy(statements: &[Json]) -> String {
    json!({"Version": "2012-10-17", "Id": "default", "Statement": statements}).to_string()
}

pub fn add_permission(ctx: &RequestContext, input: AddLayerVersionPermissionRequest) -> Result<AddLayerVersionPermissionResponse, ServiceError> {
    if input.action != "lambda:GetLayerVersion" {
        return Err(errors::validation(&input.action, "action", "Member must satisfy regular expression pattern: lambda:GetLayerVersion"));
    }
    let principal_ok = input.principal == "*" || (input.principal.len() == 12 && input.principal.bytes().all(|b| b.is_ascii_digit())) || input.principal.starts_with("arn:");
    if !principal_ok {
        return Err(errors::validation(&input.principal, "principal", "Member must satisfy regular expression pattern: \\d{12}|\\*|arn:(aws[a-zA-Z-]*):iam::\\d{12}:root"));
    }
    let resource = {
        let (account, region, name) = layer_of(ctx, &input.layer_name)?;
        format!("{}:{}", names::layer_arn(&region, &account, &name), input.version_number)
    };
    with_version(ctx, &input.layer_name, input.version_number, |lv| {
        if input.revision_id.as_ref().is_some_and(|r| *r != lv.policy_revision) {
            return Err(errors::precondition_failed());
        }
        if lv.policy.iter().any(|s| s["Sid"] == input.statement_id.as_str()) {
            return Err(errors::conflict(format!("The statement id ({}) provided already exists. Please choose another statement id.", input.statement_id)));
        }
        let principal = if input.principal == "*" {
            json!("*")
        } else if input.principal.starts_with("arn:") {
            json!({"AWS": input.principal})
        } else {
            json!({"AWS": format!("arn:aws:iam::{}:root", input.principal)})
        };
        let mut statement = json!({"Sid": input.statement_id, "Effect": "Allow", "Principal": principal, "Action": input.action, "Resource": resource});
        if let Some(org) = &input.organization_id {
            statement["Condition"] = json!({"StringEquals": {"aws:PrincipalOrgID": org}});
        }
        lv.policy.push(statement.clone());
        lv.policy_revision = simfra_identity::ids::uuid();
        Ok(AddLayerVersionPermissionResponse { statement: Some(statement.to_string()), revision_id: Some(lv.policy_revision.clone()) })
    })
}

pub fn remove_permission(ctx: &RequestContext, input: RemoveLayerVersionPermissionRequest) -> Result<(), ServiceError> {
    with_version(ctx, &input.layer_name, input.version_number, |lv| {
        if input.revision_id.as_ref().is_some_and(|r| *r != lv.policy_revision) {
            return Err(errors::precondition_failed());
        }
        let before = lv.policy.len();
        lv.policy.retain(|s| s["Sid"] != input.statement_id.as_str());
        if lv.policy.len() == before {
            return Err(errors::not_found(format!("Statement {} is not found in resource policy.", input.statement_id)));
        }
        lv.policy_revision = simfra_identity::ids::uuid();
        Ok(())
    })
}

pub fn get_policy(ctx: &RequestContext, input: GetLayerVersionPolicyRequest) -> Result<GetLayerVersionPolicyResponse, ServiceError> {
    with_version(ctx, &input.layer_name, input.version_number, |lv| {
        if lv.policy.is_empty() {
            return Err(errors::not_found("No policy is associated with the given resource."));
        }
        Ok(GetLayerVersionPolicyResponse { policy: Some(layer_policy(&lv.policy)), revision_id: Some(lv.policy_revision.clone()) })
    })
}
