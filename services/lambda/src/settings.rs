//! A function's settings beside its configuration: tags, reserved and
//! provisioned concurrency, asynchronous invocation settings (retries,
//! event age, destinations), function URL configurations, and the account's
//! limits and usage.

use crate::errors;
use crate::functions::paginate;
use crate::names::{self, FunctionRef};
use crate::store::{self, Function};
use simfra_gen_lambda::types::*;
use simfra_model::{RequestContext, ServiceError, Timestamp};

/// The account's concurrency limit (AWS's default quota).
pub const ACCOUNT_CONCURRENCY: i32 = 1000;
/// Concurrency that reservations must leave to unreserved functions.
const UNRESERVED_MINIMUM: i32 = 100;

pub fn code_signing_config_exists(_f: &FunctionRef, arn: &str) -> Result<(), ServiceError> {
    let ok = arn.starts_with("arn:aws:lambda:") && arn.contains(":code-signing-config:");
    ok.then_some(()).ok_or_else(|| errors::invalid(format!("Code signing config {arn} is invalid.")))
}

// ---- tags (on the function ARN) ----

fn tagged_function(ctx: &RequestContext, resource: &str) -> Result<FunctionRef, ServiceError> {
    let f = names::parse(ctx, resource, None)?;
    if f.qualifier.is_some() {
        return Err(errors::invalid("Tags are not supported on function versions or aliases."));
    }
    Ok(f)
}

pub fn tag(ctx: &RequestContext, input: TagResourceRequest) -> Result<(), ServiceError> {
    let f = tagged_function(ctx, &input.resource)?;
    store::with_function(&f, |function| {
        function.tags.extend(input.tags.into_iter());
        if function.tags.len() > 50 {
            return Err(errors::invalid("Number of tags exceeds resource tag limit."));
        }
        Ok(())
    })
}

pub fn untag(ctx: &RequestContext, input: UntagResourceRequest) -> Result<(), ServiceError> {
    let f = tagged_function(ctx, &input.resource)?;
    store::with_function(&f, |function| {
        for k in &input.tag_keys {
            function.tags.remove(k);
        }
        Ok(())
    })
}

pub fn list_tags(ctx: &RequestContext, input: ListTagsRequest) -> Result<ListTagsResponse, ServiceError> {
    let f = tagged_function(ctx, &input.resource)?;
    store::with_function(&f, |function| Ok(ListTagsResponse { tags: Some(function.tags.clone().into_iter().collect()) }))
}

// ---- reserved concurrency ----

fn reserved_elsewhere(ctx_region: &store::Region, except: &str) -> i32 {
    ctx_region.functions().iter().filter(|(n, _)| n.as_str() != except).filter_map(|(_, f)| f.reserved_concurrency).sum()
}

pub fn put_concurrency(ctx: &RequestContext, input: PutFunctionConcurrencyRequest) -> Result<Concurrency, ServiceError> {
    let f = names::parse(ctx, &input.function_name, None)?;
    let region = store::region_of(&f);
    let others = reserved_elsewhere(&region, &f.name);
    let n = input.reserved_concurrent_executions;
    if n < 0 {
        return Err(errors::validation(&n.to_string(), "reservedConcurrentExecutions", "Member must have value greater than or equal to 0"));
    }
    if others + n > ACCOUNT_CONCURRENCY - UNRESERVED_MINIMUM {
        return Err(errors::invalid(format!(
            "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [{UNRESERVED_MINIMUM}]."
        )));
    }
    store::with_function(&f, |function| {
        function.reserved_concurrency = Some(n);
        Ok(Concurrency { reserved_concurrent_executions: Some(n) })
    })
}

pub fn get_concurrency(ctx: &RequestContext, input: GetFunctionConcurrencyRequest) -> Result<GetFunctionConcurrencyResponse, ServiceError> {
    let f = names::parse(ctx, &input.function_name, None)?;
    store::with_function(&f, |function| Ok(GetFunctionConcurrencyResponse { reserved_concurrent_executions: function.reserved_concurrency }))
}

pub fn delete_concurrency(ctx: &RequestContext, input: DeleteFunctionConcurrencyRequest) -> Result<(), ServiceError> {
    let f = names::parse(ctx, &input.function_name, None)?;
    store::with_function(&f, |function| {
        function.reserved_concurrency = None;
        Ok(())
    })
}

pub fn account_settings(ctx: &RequestContext) -> GetAccountSettingsResponse {
    let region = store::state().get(&ctx.account_id, &ctx.region);
    let functions = region.functions();
    let reserved: i32 = functions.values().filter_map(|f| f.reserved_concurrency).sum();
    let code: i64 = functions
        .values()
        .map(|f| f.latest.code.size + f.versions.values().map(|v| v.code.size).sum::<i64>())
        .sum();
    GetAccountSettingsResponse {
        account_limit: Some(AccountLimit {
            total_code_size: Some(80_530_636_800),
            code_size_unzipped: Some(262_144_000),
            code_size_zipped: Some(52_428_800),
            concurrent_executions: Some(ACCOUNT_CONCURRENCY),
            unreserved_concurrent_executions: Some(ACCOUNT_CONCURRENCY - reserved),
        }),
        account_usage: Some(AccountUsage { total_code_size: Some(code), function_count: Some(functions.len() as i64) }),
    }
}

// ---- provisioned concurrency ----

fn provisioned_qualifier(function: &Function, f: &FunctionRef, q: &str) -> Result<(), ServiceError> {
    if q == "$LATEST" {
        return Err(errors::invalid("Provisioned Concurrency Configs cannot be applied to unpublished function versions."));
    }
    if !function.has_qualifier(Some(q)) {
        return Err(errors::function_not_found(&format!("{}:{q}", f.arn())));
    }
    Ok(())
}

fn provisioned_answer(p: &crate::store::Provisioned) -> PutProvisionedConcurrencyConfigResponse {
    PutProvisionedConcurrencyConfigResponse {
        requested_provisioned_concurrent_executions: Some(p.requested),
        available_provisioned_concurrent_executions: Some(p.allocated),
        allocated_provisioned_concurrent_executions: Some(p.allocated),
        status: Some(p.status.clone()),
        status_reason: p.reason.clone(),
        last_modified: Some(p.modified.clone()),
    }
}

/// Stores the configuration and starts its execution environments (see
/// `invoke::provision`): IN_PROGRESS until they are initialized, then READY,
/// or FAILED with the reason (no Docker, no image, a runtime that fails to start).
pub fn put_provisioned(ctx: &RequestContext, input: PutProvisionedConcurrencyConfigRequest) -> Result<PutProvisionedConcurrencyConfigResponse, ServiceError> {
    let f = names::parse(ctx, &input.function_name, Some(&input.qualifier))?;
    let q = f.qualifier.clone().unwrap_or_default();
    let (answer, version, generation) = store::with_function(&f, |function| {
        provisioned_qualifier(function, &f, &q)?;
        if let Some(reserved) = function.reserved_concurrency {
            if input.provisioned_concurrent_executions > reserved {
                return Err(errors::invalid(format!(
                    "Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for function: {reserved}"
                )));
            }
        }
        let version = crate::functions::primary_version(function, &q).ok_or_else(|| errors::function_not_found(&f.qualified_arn()))?;
        let generation = function.provisioned.get(&q).map_or(0, |p| p.generation) + 1;
        let p = crate::store::Provisioned {
            requested: input.provisioned_concurrent_executions,
            allocated: 0,
            status: ProvisionedConcurrencyStatusEnum::InProgress,
            reason: None,
            modified: names::now(),
            generation,
        };
        function.provisioned.insert(q.clone(), p.clone());
        Ok((provisioned_answer(&p), version, generation))
    })?;
    let target = FunctionRef { qualifier: Some(version), ..f.clone() };
    let n = input.provisioned_concurrent_executions;
    tokio::spawn(async move {
        let result = crate::invoke::provision(&target, n).await;
        let _ = store::with_function(&f, |function| {
            if let Some(p) = function.provisioned.get_mut(&q).filter(|p| p.generation == generation) {
                match result {
                    Ok(()) => {
                        p.status = ProvisionedConcurrencyStatusEnum::Ready;
                        p.allocated = n;
                    }
                    Err(why) => {
                        p.status = ProvisionedConcurrencyStatusEnum::Failed;
                        p.reason = Some(why);
                    }
                }
            }
            Ok(())
        });
    });
    Ok(answer)
}

pub fn get_provisioned(ctx: &RequestContext, input: GetProvisionedConcurrencyConfigRequest) -> Result<GetProvisionedConcurrencyConfigResponse, ServiceError> {
    let f = names::parse(ctx, &input.function_name, Some(&input.qualifier))?;
    let q = f.qualifier.clone().unwrap_or_default();
    store::with_function(&f, |function| {
        let p = function
            .provisioned
            .get(&q)
            .cloned()
            .ok_or_else(|| ServiceError::new("ProvisionedConcurrencyConfigNotFoundException", 404, "No Provisioned Concurrency Config found for this function"))?;
        let a = provisioned_answer(&p);
        Ok(GetProvisionedConcurrencyConfigResponse {
            requested_provisioned_concurrent_executions: a.requested_provisioned_concurrent_executions,
            available_provisioned_concurrent_executions: a.available_provisioned_concurrent_executions,
            allocated_provisioned_concurrent_executions: a.allocated_provisioned_concurrent_executions,
            status: a.status,
            status_reason: a.status_reason,
            last_modified: a.last_modified,
        })
    })
}

pub fn delete_provisioned(ctx: &RequestContext, input: DeleteProvisionedConcurrencyConfigRequest) -> Result<(), ServiceError> {
    let f = names::parse(ctx, &input.function_name, Some(&input.qualifier))?;
    let q = f.qualifier.clone().unwrap_or_default();
    let version = store::with_function(&f, |function| {
        provisioned_qualifier(function, &f, &q)?;
        function.provisioned.remove(&q);
        Ok(crate::functions::primary_version(function, &q))
    })?;
    if let Some(v) = version {
        crate::sandbox::release_provisioned(&f.arn(), &v);
    }
    Ok(())
}

pub fn list_provisioned(ctx: &RequestContext, input: ListProvisionedConcurrencyConfigsRequest) -> Result<ListProvisionedConcurrencyConfigsResponse, ServiceError> {
    let f = names::parse(ctx, &input.function_name, None)?;
    let items: Vec<ProvisionedConcurrencyConfigListItem> = store::with_function(&f, |function| {
        Ok(function
            .provisioned
            .iter()
            .map(|(q, p)| ProvisionedConcurrencyConfigListItem {
                function_arn: Some(format!("{}:{q}", f.arn())),
                requested_provisioned_concurrent_executions: Some(p.requested),
                available_provisioned_concurrent_executions: Some(p.allocated),
                allocated_provisioned_concurrent_executions: Some(p.allocated),
                status: Some(p.status.clone()),
                status_reason: p.reason.clone(),
                last_modified: Some(p.modified.clone()),
            })
            .collect())
    })?;
    let (page, next) = paginate(items, input.marker.as_deref(), input.max_items, |i| i.function_arn.clone().unwrap_or_default())?;
    Ok(ListProvisionedConcurrencyConfigsResponse { provisioned_concurrency_configs: Some(page), next_marker: next })
}

// ---- asynchronous invocation settings ----

fn qualifier_key(function: &Function, f: &FunctionRef) -> Result<String, ServiceError> {
    let q = f.qualifier.clone().unwrap_or_else(|| "$LATEST".into());
    if !function.has_qualifier(Some(&q)) {
        return Err(errors::function_not_found(&f.qualified_arn()));
    }
    Ok(q)
}

fn check_destinations(d: &Option<DestinationConfig>) -> Result<(), ServiceError> {
    let Some(d) = d else { return Ok(()) };
    let arns = [d.on_success.as_ref().and_then(|s| s.destination.clone()), d.on_failure.as_ref().and_then(|s| s.destination.clone())];
    for arn in arns.into_iter().flatten() {
        let service = arn.split(':').nth(2).unwrap_or("");
        if !arn.starts_with("arn:") || !matches!(service, "sqs" | "sns" | "lambda" | "events" | "s3") {
            return Err(errors::invalid(format!("The destination ARN {arn} is invalid.")));
        }
    }
    Ok(())
}

fn check_event_invoke_limits(retries: Option<i32>, age: Option<i32>) -> Result<(), ServiceError> {
    if let Some(r) = retries.filter(|r| !(0..=2).contains(r)) {
        return Err(errors::validation(&r.to_string(), "maximumRetryAttempts", "Member must have value less than or equal to 2"));
    }
    if let Some(a) = age.filter(|a| !(60..=21600).contains(a)) {
        return Err(errors::validation(&a.to_string(), "maximumEventAgeInSeconds", "Member must have value greater than or equal to 60"));
    }
    Ok(())
}

pub fn put_event_invoke_config(ctx: &RequestContext, input: PutFunctionEventInvokeConfigRequest, update: bool) -> Result<FunctionEventInvokeConfig, ServiceError> {
    let f = names::parse(ctx, &input.function_name, input.qualifier.as_deref())?;
    check_destinations(&input.destination_config)?;
    check_event_invoke_limits(input.maximum_retry_attempts, input.maximum_event_age_in_seconds)?;
    store::with_function(&f, |function| {
        let q = qualifier_key(function, &f)?;
        let previous = function.invoke_configs.get(&q).cloned();
        if update && previous.is_none() {
            return Err(errors::not_found(format!("The function {} doesn't have an EventInvokeConfig", format_args!("{}:{q}", f.arn()))));
        }
        let base = if update { previous.unwrap_or_default() } else { FunctionEventInvokeConfig::default() };
        let config = FunctionEventInvokeConfig {
            last_modified: Some(Timestamp::now()),
            function_arn: Some(format!("{}:{q}", f.arn())),
            maximum_retry_attempts: input.maximum_retry_attempts.or(base.maximum_retry_attempts),
            maximum_event_age_in_seconds: input.maximum_event_age_in_seconds.or(base.maximum_event_age_in_seconds),
            destination_config: Some(input.destination_config.clone().or(base.destination_config).unwrap_or_default()),
        };
        function.invoke_configs.insert(q, config.clone());
        Ok(config)
    })
}

pub fn get_event_invoke_config(ctx: &RequestContext, function_name: &str, qualifier: Option<&str>) -> Result<FunctionEventInvokeConfig, ServiceError> {
    let f = names::parse(ctx, function_name, qualifier)?;
    store::with_function(&f, |function| {
        let q = qualifier_key(function, &f)?;
        function
            .invoke_configs
            .get(&q)
            .cloned()
            .ok_or_else(|| errors::not_found(format!("The function {}:{q} doesn't have an EventInvokeConfig", f.arn())))
    })
}

pub fn delete_event_invoke_config(ctx: &RequestContext, function_name: &str, qualifier: Option<&str>) -> Result<(), ServiceError> {
    let f = names::parse(ctx, function_name, qualifier)?;
    store::with_function(&f, |function| {
        let q = qualifier_key(function, &f)?;
        function
            .invoke_configs
            .remove(&q)
            .map(|_| ())
            .ok_or_else(|| errors::not_found(format!("The function {}:{q} doesn't have an EventInvokeConfig", f.arn())))
    })
}

pub fn list_event_invoke_configs(ctx: &RequestContext, input: ListFunctionEventInvokeConfigsRequest) -> Result<ListFunctionEventInvokeConfigsResponse, ServiceError> {
    let f = names::parse(ctx, &input.function_name, None)?;
    let items: Vec<FunctionEventInvokeConfig> = store::with_function(&f, |function| Ok(function.invoke_configs.values().cloned().collect()))?;
    let (page, next) = paginate(items, input.marker.as_deref(), input.max_items, |i| i.function_arn.clone().unwrap_or_default())?;
    Ok(ListFunctionEventInvokeConfigsResponse { function_event_invoke_configs: Some(page), next_marker: next })
}

// ---- function URLs ----

fn url_qualifier(function: &Function, f: &FunctionRef) -> Result<String, ServiceError> {
    match f.qualifier.as_deref() {
        None => Ok(String::new()),
        Some("$LATEST") => Ok(String::new()),
        Some(q) if names::is_version(q) => Err(errors::invalid("Function URL configuration is only supported for $LATEST or aliases.")),
        Some(alias) if function.aliases.contains_key(alias) => Ok(alias.to_string()),
        Some(_) => Err(errors::function_not_found(&f.qualified_arn())),
    }
}

fn url_not_found() -> ServiceError {
    errors::not_found("The resource you requested does not exist.")
}

pub fn create_url_config(ctx: &RequestContext, input: CreateFunctionUrlConfigRequest) -> Result<CreateFunctionUrlConfigResponse, ServiceError> {
    let f = names::parse(ctx, &input.function_name, input.qualifier.as_deref())?;
    let port = ctx.host.rsplit_once(':').map(|(_, p)| format!(":{p}")).unwrap_or_default();
    store::with_function(&f, |function| {
        let q = url_qualifier(function, &f)?;
        if function.url_configs.contains_key(&q) {
            return Err(errors::conflict(format!("Failed to create function url config for [functionArn = {}]. Error message:  FunctionUrlConfig exists for this Lambda function", f.qualified_arn())));
        }
        let id = simfra_identity::ids::random_string(b"abcdefghijklmnopqrstuvwxyz0123456789", 32);
        let now = names::now();
        let config = FunctionUrlConfig {
            function_url: format!("http://{id}.lambda-url.{}.localhost{port}/", f.region),
            function_arn: f.qualified_arn(),
            creation_time: now.clone(),
            last_modified_time: now,
            cors: input.cors.clone(),
            auth_type: input.auth_type.clone(),
            invoke_mode: Some(input.invoke_mode.clone().unwrap_or(InvokeMode::Buffered)),
        };
        function.url_configs.insert(q, config.clone());
        Ok(CreateFunctionUrlConfigResponse {
            function_url: config.function_url,
            function_arn: config.function_arn,
            auth_type: config.auth_type,
            cors: config.cors,
            creation_time: config.creation_time,
            invoke_mode: config.invoke_mode,
        })
    })
}

pub fn get_url_config(ctx: &RequestContext, function_name: &str, qualifier: Option<&str>) -> Result<FunctionUrlConfig, ServiceError> {
    let f = names::parse(ctx, function_name, qualifier)?;
    store::with_function(&f, |function| {
        let q = url_qualifier(function, &f)?;
        function.url_configs.get(&q).cloned().ok_or_else(url_not_found)
    })
}

pub fn update_url_config(ctx: &RequestContext, input: UpdateFunctionUrlConfigRequest) -> Result<FunctionUrlConfig, ServiceError> {
    let f = names::parse(ctx, &input.function_name, input.qualifier.as_deref())?;
    store::with_function(&f, |function| {
        let q = url_qualifier(function, &f)?;
        let config = function.url_configs.get_mut(&q).ok_or_else(url_not_found)?;
        if let Some(a) = &input.auth_type {
            config.auth_type = a.clone();
        }
        if input.cors.is_some() {
            config.cors = input.cors.clone();
        }
        if input.invoke_mode.is_some() {
            config.invoke_mode = input.invoke_mode.clone();
        }
        config.last_modified_time = names::now();
        Ok(config.clone())
    })
}

pub fn delete_url_config(ctx: &RequestContext, function_name: &str, qualifier: Option<&str>) -> Result<(), ServiceError> {
    let f = names::parse(ctx, function_name, qualifier)?;
    store::with_function(&f, |function| {
        let q = url_qualifier(function, &f)?;
        function.url_configs.remove(&q).map(|_| ()).ok_or_else(url_not_found)
    })
}

pub fn list_url_configs(ctx: &RequestContext, input: ListFunctionUrlConfigsRequest) -> Result<ListFunctionUrlConfigsResponse, ServiceError> {
    let f = names::parse(ctx, &input.function_name, None)?;
    let items: Vec<FunctionUrlConfig> = store::with_function(&f, |function| Ok(function.url_configs.values().cloned().collect()))?;
    let (page, next) = paginate(items, input.marker.as_deref(), input.max_items, |i| i.function_arn.clone())?;
    Ok(ListFunctionUrlConfigsResponse { function_url_configs: page, next_marker: next })
}
