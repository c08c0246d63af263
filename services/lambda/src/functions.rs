//! Functions: create, read, update, delete, list; published versions; aliases
//! with weighted routing. A function's configuration is kept in the shape
//! Lambda answers with (`FunctionConfiguration`), one per version.

use crate::code::{self, Source};
use crate::errors;
use crate::names::{self, FunctionRef};
use crate::store::{self, Code, Function, Version};
use simfra_gen_lambda::types::*;
use simfra_model::{RequestContext, ServiceError};
use std::collections::HashMap;
use std::sync::Arc;

/// Lambda's service principal, which execution roles must trust.
pub const SERVICE_PRINCIPAL: &str = "lambda.amazonaws.com";

/// The role must exist and trust Lambda, as CreateFunction checks.
pub fn check_role(role_arn: &str) -> Result<simfra_identity::iam::RoleInfo, ServiceError> {
    let cannot = || errors::invalid("The role defined for the function cannot be assumed by Lambda.");
    let (account, name) = simfra_identity::iam::role_of_arn(role_arn).ok_or_else(cannot)?;
    let role = simfra_identity::iam::role(account, name).ok_or_else(cannot)?;
    let mut req = simfra_policy::Request::new("sts:AssumeRole", &role.arn, SERVICE_PRINCIPAL, "");
    req.service_principal = Some(SERVICE_PRINCIPAL.into());
    if !role.trust_policy.trusts(&req) {
        return Err(cannot());
    }
    Ok(role)
}

fn check_environment(env: &Option<Environment>) -> Result<(), ServiceError> {
    let Some(vars) = env.as_ref().and_then(|e| e.variables.as_ref()) else { return Ok(()) };
    for k in vars.keys() {
        let valid = k.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            return Err(errors::validation(k, "environment.variables", "Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+"));
        }
        if RESERVED_ENV.contains(&k.as_str()) {
            return Err(errors::invalid(format!(
                "Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: {k}"
            )));
        }
    }
    let json = serde_json::to_string(vars).unwrap_or_default();
    if json.len() > 4096 {
        return Err(errors::invalid(format!(
            "Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: {json}"
        )));
    }
    Ok(())
}

/// Variables Lambda sets itself and does not let a function override.
const RESERVED_ENV: &[&str] = &[
    "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
];

/// Layer ARNs (with version) → the configuration's `Layers`.
fn resolve_layers(ctx_region: &str, arns: &[String]) -> Result<Vec<Layer>, ServiceError> {
    if arns.len() > 5 {
        return Err(errors::invalid("Cannot reference more than 5 layers."));
    }
    let mut out = Vec::new();
    for arn in arns {
        let found = crate::layers::find(arn).filter(|_| arn.split(':').nth(3) == Some(ctx_region));
        let Some(lv) = found else {
            return Err(errors::invalid(format!("Layer version {arn} does not exist.")));
        };
        out.push(Layer { arn: Some(arn.clone()), code_size: lv.info.content.as_ref().and_then(|c| c.code_size), ..Default::default() });
    }
    Ok(out)
}

fn runtime_is_deprecated(r: &Runtime) -> bool {
    matches!(
        r.as_str(),
        "nodejs" | "nodejs4.3" | "nodejs6.10" | "nodejs8.10" | "nodejs10.x" | "nodejs12.x" | "nodejs14.x" | "python2.7" | "python3.6"
            | "python3.7" | "dotnetcore1.0" | "dotnetcore2.0" | "dotnetcore2.1" | "dotnetcore3.1" | "ruby2.5" | "ruby2.7"
            | "java8" | "go1.x" | "nodejs4.3-edge" | "provided"
    )
}

pub fn create(ctx: &RequestContext, input: CreateFunctionRequest) -> Result<FunctionConfiguration, ServiceError> {
    let f = names::parse(ctx, &input.function_name, None)?;
    if f.qualifier.is_some() {
        return Err(errors::invalid("Unsupported function name: qualifiers are not allowed in CreateFunction."));
    }
    let package_type = input.package_type.clone().unwrap_or(PackageType::Zip);
    let code = match package_type {
        PackageType::Image => {
            let uri = input.code.image_uri.as_deref().ok_or_else(|| errors::invalid("Please provide a source for function code."))?;
            if input.runtime.is_some() || input.handler.is_some() || input.layers.as_ref().is_some_and(|l| !l.is_empty()) {
                return Err(errors::invalid(
                    "Please don't provide Handler or Runtime or Layer when the intended function PackageType is Image.",
                ));
            }
            code::image_code(uri)
        }
        _ => {
            if input.runtime.is_none() || input.handler.is_none() {
                return Err(errors::invalid("Runtime and Handler are mandatory parameters for functions created with deployment packages."));
            }
            if input.code.image_uri.is_some() {
                return Err(errors::invalid("Please don't provide ImageUri when the intended function PackageType is Zip."));
            }
            if let Some(r) = &input.runtime {
                if runtime_is_deprecated(r) {
                    return Err(errors::invalid(format!(
                        "The runtime parameter of {} is no longer supported for creating or updating AWS Lambda functions. We recommend you use a supported runtime while creating or updating functions.",
                        r.as_str()
                    )));
                }
            }
            let zip = code::load_zip(&Source {
                zip_file: input.code.zip_file.as_ref(),
                s3_bucket: input.code.s3_bucket.as_deref(),
                s3_key: input.code.s3_key.as_deref(),
            })?;
            code::zip_code(zip)
        }
    };
    check_role(&input.role)?;
    check_environment(&input.environment)?;
    let layers = resolve_layers(&f.region, input.layers.as_deref().unwrap_or(&[]))?;
    if let Some(arn) = &input.code_signing_config_arn {
        crate::settings::code_signing_config_exists(&f, arn)?;
    }
    let arn = f.arn();
    let config = FunctionConfiguration {
        function_name: Some(f.name.clone()),
        function_arn: Some(arn.clone()),
        runtime: input.runtime.clone(),
        role: Some(input.role.clone()),
        handler: input.handler.clone(),
        code_size: Some(code.size),
        description: Some(input.description.clone().unwrap_or_default()),
        timeout: Some(input.timeout.unwrap_or(3)),
        memory_size: Some(input.memory_size.unwrap_or(128)),
        last_modified: Some(names::now()),
        code_sha256: Some(code.sha256.clone()),
        version: Some("$LATEST".into()),
        vpc_config: input.vpc_config.as_ref().map(|v| VpcConfigResponse {
            subnet_ids: Some(v.subnet_ids.clone().unwrap_or_default()),
            security_group_ids: Some(v.security_group_ids.clone().unwrap_or_default()),
            vpc_id: Some(String::new()),
            ipv6_allowed_for_dual_stack: Some(v.ipv6_allowed_for_dual_stack.unwrap_or(false)),
        }),
        dead_letter_config: input.dead_letter_config.clone().filter(|d| d.target_arn.is_some()),
        environment: input.environment.as_ref().map(|e| EnvironmentResponse { variables: Some(e.variables.clone().unwrap_or_default()), error: None }),
        kms_key_arn: input.kms_key_arn.clone(),
        tracing_config: Some(TracingConfigResponse {
            mode: Some(input.tracing_config.as_ref().and_then(|t| t.mode.clone()).unwrap_or(TracingMode::PassThrough)),
        }),
        revision_id: Some(simfra_identity::ids::uuid()),
        layers: (!layers.is_empty()).then_some(layers),
        state: Some(State::Active),
        last_update_status: Some(LastUpdateStatus::Successful),
        file_system_configs: input.file_system_configs.clone(),
        package_type: Some(package_type.clone()),
        image_config_response: input.image_config.clone().map(|c| ImageConfigResponse { image_config: Some(c), error: None }),
        architectures: Some(input.architectures.clone().filter(|a| !a.is_empty()).unwrap_or_else(|| vec![Architecture::X8664])),
        ephemeral_storage: Some(input.ephemeral_storage.clone().unwrap_or(EphemeralStorage { size: 512 })),
        snap_start: Some(SnapStartResponse {
            apply_on: Some(input.snap_start.as_ref().and_then(|s| s.apply_on.clone()).unwrap_or(SnapStartApplyOn::None)),
            optimization_status: Some(SnapStartOptimizationStatus::Off),
        }),
        logging_config: Some(logging_config(&f.name, input.logging_config.as_ref(), None)),
        ..Default::default()
    };
    let region = store::region_of(&f);
    let mut functions = region.functions();
    if functions.contains_key(&f.name) {
        return Err(errors::conflict(format!("Function already exist: {}", f.name)));
    }
    let mut function = Function::new(Version { config, code: Arc::new(code) });
    function.tags = input.tags.clone().unwrap_or_default().into_iter().collect();
    function.code_signing_config_arn = input.code_signing_config_arn.clone();
    let answer = if input.publish == Some(true) { publish_locked(&mut function, None, None)? } else { function.latest.config.clone() };
    functions.insert(f.name.clone(), function);
    drop(functions);
    // The answer reports the function as AWS does while it is being created;
    // Simfra has nothing to provision, so reads after it see it Active.
    let mut answer = answer;
    answer.state = Some(State::Pending);
    answer.state_reason = Some("The function is being created.".into());
    answer.state_reason_code = Some(StateReasonCode::Creating);
    answer.last_update_status = None;
    Ok(answer)
}

fn logging_config(name: &str, given: Option<&LoggingConfig>, previous: Option<&LoggingConfig>) -> LoggingConfig {
    let base = previous.cloned().unwrap_or(LoggingConfig {
        log_format: Some(LogFormat::Text),
        application_log_level: None,
        system_log_level: None,
        log_group: Some(format!("/aws/lambda/{name}")),
    });
    let Some(g) = given else { return base };
    let format = g.log_format.clone().or(base.log_format.clone());
    let json = format == Some(LogFormat::Json);
    LoggingConfig {
        log_group: g.log_group.clone().or(base.log_group),
        // Log levels apply to JSON logs only.
        application_log_level: json.then(|| g.application_log_level.clone().or(base.application_log_level).unwrap_or(ApplicationLogLevel::Info)),
        system_log_level: json.then(|| g.system_log_level.clone().or(base.system_log_level).unwrap_or(SystemLogLevel::Info)),
        log_format: format,
    }
}

/// The configuration a qualifier names (404 in AWS's words when it names nothing).
pub fn configuration(f: &FunctionRef) -> Result<(FunctionConfiguration, Arc<Code>), ServiceError> {
    store::with_function(f, |function| {
        let v = function.version(f.qualifier.as_deref()).ok_or_else(|| errors::function_not_found(&f.qualified_arn()))?;
        Ok((v.config.clone(), v.code.clone()))
    })
}

pub fn get(ctx: &RequestContext, input: GetFunctionRequest) -> Result<GetFunctionResponse, ServiceError> {
    let f = names::parse(ctx, &input.function_name, input.qualifier.as_deref())?;
    let (config, code) = configuration(&f)?;
    let (tags, reserved) = store::with_function(&f, |function| Ok((function.tags.clone(), function.reserved_concurrency)))?;
    let location = match &code.image_uri {
        Some(uri) => FunctionCodeLocation { repository_type: Some("ECR".into()), image_uri: Some(uri.clone()), resolved_image_uri: Some(uri.clone()), ..Default::default() },
        None => FunctionCodeLocation { repository_type: Some("S3".into()), location: Some(code::location(&ctx.endpoint_url(), &code)), ..Default::default() },
    };
    Ok(GetFunctionResponse {
        configuration: Some(config),
        code: Some(location),
        tags: (!tags.is_empty()).then(|| tags.into_iter().collect()),
        tags_error: None,
        concurrency: reserved.map(|r| Concurrency { reserved_concurrent_executions: Some(r) }),
    })
}

pub fn list(ctx: &RequestContext, input: ListFunctionsRequest) -> Result<ListFunctionsResponse, ServiceError> {
    let region = store::state().get(&ctx.account_id, &ctx.region);
    let all_versions = input.function_version == Some(FunctionVersion::All);
    let functions = region.functions();
    let mut configs: Vec<FunctionConfiguration> = Vec::new();
    for function in functions.values() {
        configs.push(function.latest.config.clone());
        if all_versions {
            configs.extend(function.versions.values().map(|v| v.config.clone()));
        }
    }
    drop(functions);
    let (page, next) = paginate(configs, input.marker.as_deref(), input.max_items, |c| {
        format!("{}:{}", c.function_name.clone().unwrap_or_default(), c.version.clone().unwrap_or_default())
    })?;
    Ok(ListFunctionsResponse { functions: Some(page), next_marker: next })
}

/// One page of `items` after `marker` (an item's key), at most `max` (default 50).
pub fn paginate<T>(items: Vec<T>, marker: Option<&str>, max: Option<i32>, key: impl Fn(&T) -> String) -> Result<(Vec<T>, Option<String>), ServiceError> {
    let max = max.unwrap_or(50).clamp(1, 10_000) as usize;
    let start = match marker {
        None => 0,
        Some(m) => items.iter().position(|i| key(i) == m).ok_or_else(|| errors::invalid("Invalid marker."))?,
    };
    let mut rest: Vec<T> = items.into_iter().skip(start).collect();
    let next = (rest.len() > max).then(|| key(&rest[max]));
    rest.truncate(max);
    Ok((rest, next))
}

fn check_revision(expected: Option<&str>, actual: Option<&str>) -> Result<(), ServiceError> {
    match expected {
        Some(e) if Some(e) != actual => Err(errors::precondition_failed()),
        _ => Ok(()),
    }
}

/// The answer of an update: the update is in progress as AWS reports it;
/// reads afterwards see it done.
fn in_progress(mut c: FunctionConfiguration) -> FunctionConfiguration {
    c.last_update_status = Some(LastUpdateStatus::InProgress);
    c.last_update_status_reason = Some("The function is being created.".into());
    c.last_update_status_reason_code = Some(LastUpdateStatusReasonCode::Unknown("Creating".into()));
    c
}

pub fn update_code(ctx: &RequestContext, input: UpdateFunctionCodeRequest) -> Result<FunctionConfiguration, ServiceError> {
    let f = names::parse(ctx, &input.function_name, None)?;
    let package_type = store::with_function(&f, |function| Ok(function.latest.config.package_type.clone()))?;
    let code = if package_type == Some(PackageType::Image) {
        let uri = input.image_uri.as_deref().ok_or_else(|| errors::invalid("Please provide ImageUri when updating a function with packageType Image."))?;
        code::image_code(uri)
    } else {
        if input.image_uri.is_some() {
            return Err(errors::invalid("Please don't provide ImageUri when updating a function with packageType Zip."));
        }
        code::zip_code(code::load_zip(&Source {
            zip_file: input.zip_file.as_ref(),
            s3_bucket: input.s3_bucket.as_deref(),
            s3_key: input.s3_key.as_deref(),
        })?)
    };
    store::with_function(&f, |function| {
        check_revision(input.revision_id.as_deref(), function.latest.config.revision_id.as_deref())?;
        if input.dry_run == Some(true) {
            let mut c = function.latest.config.clone();
            c.code_sha256 = Some(code.sha256.clone());
            c.code_size = Some(code.size);
            return Ok(c);
        }
        let c = &mut function.latest.config;
        c.code_sha256 = Some(code.sha256.clone());
        c.code_size = Some(code.size);
        if let Some(a) = input.architectures.clone().filter(|a| !a.is_empty()) {
            c.architectures = Some(a);
        }
        c.last_modified = Some(names::now());
        c.revision_id = Some(simfra_identity::ids::uuid());
        function.latest.code = Arc::new(code);
        let answer = if input.publish == Some(true) { publish_locked(function, None, None)? } else { function.latest.config.clone() };
        crate::sandbox::retire_latest(&f.arn());
        Ok(in_progress(answer))
    })
}

pub fn update_configuration(ctx: &RequestContext, input: UpdateFunctionConfigurationRequest) -> Result<FunctionConfiguration, ServiceError> {
    let f = names::parse(ctx, &input.function_name, None)?;
    if let Some(role) = &input.role {
        check_role(role)?;
    }
    check_environment(&input.environment)?;
    let layers = input.layers.as_ref().map(|l| resolve_layers(&f.region, l)).transpose()?;
    store::with_function(&f, |function| {
        check_revision(input.revision_id.as_deref(), function.latest.config.revision_id.as_deref())?;
        let image = function.latest.config.package_type == Some(PackageType::Image);
        if image && (input.runtime.is_some() || input.handler.is_some() || input.layers.is_some()) {
            return Err(errors::invalid("Please don't provide Handler or Runtime or Layer when the intended function PackageType is Image."));
        }
        if let Some(r) = &input.runtime {
            if runtime_is_deprecated(r) {
                return Err(errors::invalid(format!(
                    "The runtime parameter of {} is no longer supported for creating or updating AWS Lambda functions. We recommend you use a supported runtime while creating or updating functions.",
                    r.as_str()
                )));
            }
        }
        let c = &mut function.latest.config;
        macro_rules! set {
            ($field:ident, $value:expr) => {
                if let Some(v) = $value {
                    c.$field = Some(v);
                }
            };
        }
        set!(role, input.role.clone());
        set!(handler, input.handler.clone());
        set!(description, input.description.clone());
        set!(timeout, input.timeout);
        set!(memory_size, input.memory_size);
        set!(runtime, input.runtime.clone());
        set!(kms_key_arn, input.kms_key_arn.clone());
        set!(file_system_configs, input.file_system_configs.clone());
        set!(ephemeral_storage, input.ephemeral_storage.clone());
        if let Some(e) = &input.environment {
            c.environment = Some(EnvironmentResponse { variables: Some(e.variables.clone().unwrap_or_default()), error: None });
        }
        if let Some(d) = &input.dead_letter_config {
            c.dead_letter_config = d.target_arn.as_ref().filter(|t| !t.is_empty()).map(|_| d.clone());
        }
        if let Some(t) = &input.tracing_config {
            c.tracing_config = Some(TracingConfigResponse { mode: Some(t.mode.clone().unwrap_or(TracingMode::PassThrough)) });
        }
        if let Some(v) = &input.vpc_config {
            c.vpc_config = Some(VpcConfigResponse {
                subnet_ids: Some(v.subnet_ids.clone().unwrap_or_default()),
                security_group_ids: Some(v.security_group_ids.clone().unwrap_or_default()),
                vpc_id: Some(String::new()),
                ipv6_allowed_for_dual_stack: Some(v.ipv6_allowed_for_dual_stack.unwrap_or(false)),
            });
        }
        if let Some(l) = layers {
            c.layers = (!l.is_empty()).then_some(l);
        }
        if let Some(i) = &input.image_config {
            c.image_config_response = Some(ImageConfigResponse { image_config: Some(i.clone()), error: None });
        }
        if let Some(s) = &input.snap_start {
            c.snap_start = Some(SnapStartResponse { apply_on: s.apply_on.clone(), optimization_status: Some(SnapStartOptimizationStatus::Off) });
        }
        if input.logging_config.is_some() {
            let name = c.function_name.clone().unwrap_or_default();
            c.logging_config = Some(logging_config(&name, input.logging_config.as_ref(), c.logging_config.as_ref()));
        }
        c.last_modified = Some(names::now());
        c.revision_id = Some(simfra_identity::ids::uuid());
        crate::sandbox::retire_latest(&f.arn());
        Ok(in_progress(c.clone()))
    })
}

pub fn delete(ctx: &RequestContext, input: DeleteFunctionRequest) -> Result<(), ServiceError> {
    let f = names::parse(ctx, &input.function_name, input.qualifier.as_deref())?;
    let region = store::region_of(&f);
    let mut functions = region.functions();
    let function = functions.get_mut(&f.name).ok_or_else(|| errors::function_not_found(&f.arn()))?;
    match f.qualifier.as_deref() {
        None => {
            functions.remove(&f.name);
        }
        Some("$LATEST") => {
            return Err(errors::invalid("$LATEST version cannot be deleted without deleting the function."));
        }
        Some(q) if names::is_version(q) => {
            let n: u64 = q.parse().map_err(|_| errors::function_not_found(&f.qualified_arn()))?;
            if let Some(alias) = function.aliases.values().find(|a| {
                a.function_version.as_deref() == Some(q)
                    || a.routing_config.as_ref().and_then(|r| r.additional_version_weights.as_ref()).is_some_and(|w| w.contains_key(q))
            }) {
                return Err(errors::conflict(format!(
                    "Unable to delete version because the following aliases reference it: [{}]",
                    alias.name.clone().unwrap_or_default()
                )));
            }
            // Deleting a version that does not exist succeeds, as on AWS.
            function.versions.remove(&n);
        }
        Some(_) => return Err(errors::invalid("Deletion of aliases is not supported by DeleteFunction. Use DeleteAlias.")),
    }
    drop(functions);
    crate::sandbox::retire_function(&f.arn());
    Ok(())
}

/// Publishes `$LATEST` as a new version unless it is unchanged since the
/// last one (then that version is the answer, as on AWS).
fn publish_locked(function: &mut Function, description: Option<String>, code_sha256: Option<&str>) -> Result<FunctionConfiguration, ServiceError> {
    let latest = &function.latest;
    if let Some(sha) = code_sha256 {
        if latest.code.sha256 != sha {
            return Err(errors::invalid(format!(
                "CodeSHA256 ({sha}) is different from current CodeSHA256 in $LATEST ({}). Please try again with the CodeSHA256 in $LATEST.",
                latest.code.sha256
            )));
        }
    }
    if function.published_revision.is_some() && function.published_revision == latest.config.revision_id {
        if let Some((_, last)) = function.versions.iter().next_back() {
            return Ok(last.config.clone());
        }
    }
    function.last_version += 1;
    let n = function.last_version;
    let mut config = latest.config.clone();
    config.version = Some(n.to_string());
    config.function_arn = Some(format!("{}:{n}", latest.config.function_arn.clone().unwrap_or_default()));
    config.revision_id = Some(simfra_identity::ids::uuid());
    config.last_modified = Some(names::now());
    if let Some(d) = description {
        config.description = Some(d);
    }
    let version = Version { config: config.clone(), code: latest.code.clone() };
    function.published_revision = latest.config.revision_id.clone();
    function.versions.insert(n, version);
    Ok(config)
}

pub fn publish_version(ctx: &RequestContext, input: PublishVersionRequest) -> Result<FunctionConfiguration, ServiceError> {
    let f = names::parse(ctx, &input.function_name, None)?;
    store::with_function(&f, |function| {
        check_revision(input.revision_id.as_deref(), function.latest.config.revision_id.as_deref())?;
        publish_locked(function, input.description.clone(), input.code_sha256.as_deref())
    })
}

pub fn list_versions(ctx: &RequestContext, input: ListVersionsByFunctionRequest) -> Result<ListVersionsByFunctionResponse, ServiceError> {
    let f = names::parse(ctx, &input.function_name, None)?;
    let configs = store::with_function(&f, |function| {
        let mut all = vec![function.latest.config.clone()];
        all.extend(function.versions.values().map(|v| v.config.clone()));
        Ok(all)
    })?;
    let (page, next) = paginate(configs, input.marker.as_deref(), input.max_items, |c| c.version.clone().unwrap_or_default())?;
    Ok(ListVersionsByFunctionResponse { versions: Some(page), next_marker: next })
}

// ---- aliases ----

fn alias_arn(f: &FunctionRef, name: &str) -> String {
    format!("{}:{name}", f.arn())
}

fn check_routing(function: &Function, primary: &str, routing: Option<&AliasRoutingConfiguration>) -> Result<(), ServiceError> {
    let Some(weights) = routing.and_then(|r| r.additional_version_weights.as_ref()) else { return Ok(()) };
    if weights.len() > 1 {
        return Err(errors::invalid("Number of items in AdditionalVersionWeights cannot be greater than 1"));
    }
    for (version, weight) in weights {
        if version == primary {
            return Err(errors::invalid(format!("Invalid function version {version}. Function version {version} is already included in routing configuration.")));
        }
        if version == "$LATEST" || !function.has_qualifier(Some(version)) || !names::is_version(version) {
            return Err(errors::invalid(format!("Function version {version} does not exist for {}.", function.latest.config.function_name.clone().unwrap_or_default())));
        }
        if !(0.0..=1.0).contains(weight) {
            return Err(errors::invalid(format!("Invalid weight {weight}: weights must be between 0.0 and 1.0.")));
        }
    }
    if primary == "$LATEST" {
        return Err(errors::invalid("$LATEST is not supported for an alias pointing to more than 1 version"));
    }
    Ok(())
}

fn check_alias_version(function: &Function, f: &FunctionRef, version: &str) -> Result<(), ServiceError> {
    if !names::is_version(version) || !function.has_qualifier(Some(version)) {
        return Err(errors::not_found(format!("Function not found: {}:{version}", f.arn())));
    }
    Ok(())
}

pub fn create_alias(ctx: &RequestContext, input: CreateAliasRequest) -> Result<AliasConfiguration, ServiceError> {
    let f = names::parse(ctx, &input.function_name, None)?;
    if names::is_version(&input.name) {
        return Err(errors::validation(&input.name, "name", "Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)"));
    }
    store::with_function(&f, |function| {
        check_alias_version(function, &f, &input.function_version)?;
        check_routing(function, &input.function_version, input.routing_config.as_ref())?;
        let arn = alias_arn(&f, &input.name);
        if function.aliases.contains_key(&input.name) {
            return Err(errors::conflict(format!("Alias already exists: {arn}")));
        }
        let alias = AliasConfiguration {
            alias_arn: Some(arn),
            name: Some(input.name.clone()),
            function_version: Some(input.function_version.clone()),
            description: Some(input.description.clone().unwrap_or_default()),
            routing_config: input.routing_config.clone(),
            revision_id: Some(simfra_identity::ids::uuid()),
        };
        function.aliases.insert(input.name.clone(), alias.clone());
        Ok(alias)
    })
}

fn alias_not_found(f: &FunctionRef, name: &str) -> ServiceError {
    errors::not_found(format!("Cannot find alias arn: {}", alias_arn(f, name)))
}

pub fn get_alias(ctx: &RequestContext, input: GetAliasRequest) -> Result<AliasConfiguration, ServiceError> {
    let f = names::parse(ctx, &input.function_name, None)?;
    store::with_function(&f, |function| function.aliases.get(&input.name).cloned().ok_or_else(|| alias_not_found(&f, &input.name)))
}

pub fn update_alias(ctx: &RequestContext, input: UpdateAliasRequest) -> Result<AliasConfiguration, ServiceError> {
    let f = names::parse(ctx, &input.function_name, None)?;
    store::with_function(&f, |function| {
        let current = function.aliases.get(&input.name).cloned().ok_or_else(|| alias_not_found(&f, &input.name))?;
        check_revision(input.revision_id.as_deref(), current.revision_id.as_deref())?;
        let version = input.function_version.clone().or(current.function_version.clone()).unwrap_or_default();
        check_alias_version(function, &f, &version)?;
        let routing = input.routing_config.clone().or(current.routing_config.clone());
        check_routing(function, &version, routing.as_ref())?;
        let alias = AliasConfiguration {
            function_version: Some(version),
            description: input.description.clone().or(current.description.clone()),
            routing_config: routing,
            revision_id: Some(simfra_identity::ids::uuid()),
            ..current
        };
        function.aliases.insert(input.name.clone(), alias.clone());
        Ok(alias)
    })
}

pub fn delete_alias(ctx: &RequestContext, input: DeleteAliasRequest) -> Result<(), ServiceError> {
    let f = names::parse(ctx, &input.function_name, None)?;
    store::with_function(&f, |function| {
        function.aliases.remove(&input.name);
        function.policies.remove(&input.name);
        Ok(())
    })
}

pub fn list_aliases(ctx: &RequestContext, input: ListAliasesRequest) -> Result<ListAliasesResponse, ServiceError> {
    let f = names::parse(ctx, &input.function_name, None)?;
    let aliases: Vec<AliasConfiguration> = store::with_function(&f, |function| {
        Ok(function
            .aliases
            .values()
            .filter(|a| input.function_version.as_ref().is_none_or(|v| a.function_version.as_ref() == Some(v)))
            .cloned()
            .collect())
    })?;
    let (page, next) = paginate(aliases, input.marker.as_deref(), input.max_items, |a| a.name.clone().unwrap_or_default())?;
    Ok(ListAliasesResponse { aliases: Some(page), next_marker: next })
}

/// The version a qualifier names without routing (an alias's primary version).
pub fn primary_version(function: &Function, qualifier: &str) -> Option<String> {
    if names::is_version(qualifier) {
        return function.has_qualifier(Some(qualifier)).then(|| qualifier.to_string());
    }
    function.aliases.get(qualifier)?.function_version.clone()
}

/// The version an invocation of `qualifier` runs: an alias picks between its
/// versions by their weights.
pub fn route(function: &Function, qualifier: Option<&str>) -> Option<String> {
    match qualifier {
        None | Some("$LATEST") => Some("$LATEST".into()),
        Some(q) if names::is_version(q) => function.has_qualifier(Some(q)).then(|| q.to_string()),
        Some(alias) => {
            let a = function.aliases.get(alias)?;
            let primary = a.function_version.clone()?;
            let weights: HashMap<String, f64> = a.routing_config.as_ref().and_then(|r| r.additional_version_weights.clone()).unwrap_or_default();
            let roll = f64::from(u32::from_le_bytes(simfra_identity::ids::random_bytes::<4>())) / f64::from(u32::MAX);
            let mut acc = 0.0;
            for (version, weight) in &weights {
                acc += weight;
                if roll < acc {
                    return Some(version.clone());
                }
            }
            Some(primary)
        }
    }
}
