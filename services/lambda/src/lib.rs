//! AWS Lambda: functions from .zip packages (direct or from S3) and container
//! images, versions, aliases with weighted routing, layers, resource
//! policies, tags, concurrency settings, asynchronous-invocation settings,
//! function URL configurations and event source mappings — and invocations
//! that run the code in Docker containers through the Lambda Runtime API
//! served by Simfra (see `sandbox` and `invoke`).
//!
//! Without Docker (`SIMFRA_DOCKER=false` or no engine) every control-plane
//! operation works the same; Invoke answers that the function cannot run.

mod code;
mod errors;
mod events;
mod filters;
mod functions;
mod invoke;
mod layers;
mod logs;
mod mappings;
mod names;
mod permissions;
mod runtimes;
mod sandbox;
mod settings;
mod store;
mod streams;
mod urls;

use base64::Engine as _;
use simfra_gen_lambda::types::*;
use simfra_gen_lambda::*;
use simfra_model::{Bytes, RequestContext, ServiceError, SharedHandler};
use std::sync::Arc;

#[derive(Default)]
pub struct Lambda;

pub fn handler() -> SharedHandler {
    simfra_identity::authorize::register_resources("lambda", permissions::function_facts);
    simfra_docker::control::register_lambda_invoke(|req| Box::pin(cross_service_invoke(req)));
    simfra_svc_s3::notify::connect_lambda(s3_link());
    simfra_gen_lambda::handler(Arc::new(Lambda))
}

/// How S3 event notifications reach functions (S3 cannot depend on Lambda):
/// the function's policy must let `s3.amazonaws.com` invoke it for the
/// bucket, and events arrive as asynchronous (`Event`) invocations.
fn s3_link() -> simfra_svc_s3::notify::LambdaLink {
    fn function_of(arn: &str) -> Option<names::FunctionRef> {
        // arn:aws:lambda:region:account:function:name[:qualifier]
        let p: Vec<&str> = arn.split(':').collect();
        let ok = (7..=8).contains(&p.len()) && p[0] == "arn" && p[2] == "lambda" && p[5] == "function";
        ok.then(|| names::FunctionRef { account: p[4].to_string(), region: p[3].to_string(), name: p[6].to_string(), qualifier: p.get(7).map(|q| q.to_string()) })
    }
    simfra_svc_s3::notify::LambdaLink {
        admits_s3: |arn, bucket_arn, bucket_owner| {
            let f = function_of(arn)?;
            invoke::check_exists(&f).ok()?;
            Some(permissions::admits_service(&f.arn(), "s3.amazonaws.com", bucket_arn, bucket_owner))
        },
        invoke_event: |arn, payload| {
            if let Some(f) = function_of(arn) {
                let _ = events::enqueue(f, Bytes::from(payload));
            }
        },
    }
}

/// Serves a request to a function URL (installed as the gateway's function URL hook).
pub use urls::serve as serve_function_url;

/// Removes every execution environment's container (server shutdown).
pub async fn shutdown() {
    sandbox::destroy_all().await;
}

fn invalid_content(message: impl Into<String>) -> ServiceError {
    InvalidRequestContentException { type_: Some("User".into()), message: Some(message.into()) }.into()
}

/// Payload checks shared by Invoke and the container invoke endpoint.
fn check_payload(payload: Option<Bytes>) -> Result<Bytes, ServiceError> {
    let payload = payload.filter(|p| !p.is_empty()).unwrap_or_else(|| Bytes::from_static(b"{}"));
    if let Err(e) = serde_json::from_slice::<serde_json::Value>(&payload) {
        return Err(invalid_content(format!("Could not parse request body into json: Could not parse payload into json: {e}")));
    }
    Ok(payload)
}

/// `X-Amz-Client-Context` (base64 JSON) → the JSON the runtime receives.
fn client_context(cc: Option<&str>) -> Result<Option<String>, ServiceError> {
    let Some(cc) = cc.filter(|c| !c.is_empty()) else { return Ok(None) };
    if cc.len() > 3583 {
        return Err(invalid_content("Client context must be smaller than 3583 bytes."));
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(cc)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .filter(|s| serde_json::from_str::<serde_json::Value>(s).is_ok_and(|v| v.is_object()));
    decoded.map(Some).ok_or_else(|| invalid_content("Client context must be a valid Base64-encoded JSON object."))
}

/// Invoke for every caller: the API and the container invoke endpoint.
async fn invoke_function(f: names::FunctionRef, kind: &str, payload: Bytes, tail: bool, cc: Option<String>) -> Result<InvocationResponse, ServiceError> {
    match kind {
        "DryRun" => {
            invoke::check_exists(&f)?;
            Ok(InvocationResponse { status_code: Some(204), ..Default::default() })
        }
        "Event" => {
            events::enqueue(f, payload)?;
            Ok(InvocationResponse { status_code: Some(202), ..Default::default() })
        }
        _ => {
            if payload.len() > invoke::MAX_SYNC_PAYLOAD {
                return Err(errors::request_too_large(invoke::MAX_SYNC_PAYLOAD));
            }
            let done = invoke::run(&f, payload, tail, cc).await?;
            Ok(InvocationResponse {
                status_code: Some(200),
                function_error: done.function_error,
                log_result: done.log_tail,
                payload: Some(done.payload),
                executed_version: Some(done.executed_version),
            })
        }
    }
}

/// `POST /_internal/lambda/invoke/<function>` from a container Simfra runs:
/// allowed only by the function's resource policy, for the container's
/// service principal with the container's owner as the source ARN.
async fn cross_service_invoke(req: simfra_docker::control::InvokeRequest) -> simfra_docker::control::InvokeResponse {
    use simfra_docker::control::InvokeResponse;
    let error = |status: u16, code: &str, message: &str| InvokeResponse {
        status,
        headers: vec![("content-type".into(), "application/json".into()), ("x-amzn-errortype".into(), code.into())],
        body: Bytes::from(serde_json::json!({"Type": "User", "message": message}).to_string()),
    };
    let from_service = |e: ServiceError| error(e.status, &e.code, e.message.as_deref().unwrap_or(""));
    let owner_arn = req.caller.as_ref().map(|c| c.resource.clone()).unwrap_or_default();
    let owner_parts: Vec<&str> = owner_arn.split(':').collect();
    let account = owner_parts.get(4).filter(|a| a.len() == 12).map(|a| a.to_string()).unwrap_or_else(|| "000000000000".into());
    let region = owner_parts.get(3).filter(|r| !r.is_empty()).map(|r| r.to_string()).unwrap_or_else(|| "us-east-1".into());
    let ctx = RequestContext {
        request_id: simfra_identity::ids::uuid(),
        account_id: account.clone(),
        region,
        service: "lambda",
        operation: "Invoke",
        protocol: simfra_model::Protocol::RestJson1,
        host: "simfra.local".into(),
        access_key_id: None,
        principal_arn: None,
        headers: Arc::new(Vec::new()),
        authorized_accounts: Vec::new(),
        answer_status: Default::default(),
    };
    let f = match names::parse(&RequestContext { authorized_accounts: vec![req.function.split(':').nth(4).unwrap_or("").to_string()], ..ctx.clone() }, &req.function, req.qualifier.as_deref()) {
        Ok(f) => f,
        Err(e) => return from_service(e),
    };
    let allowed = req.caller.as_ref().is_some_and(|c| {
        let service = format!("{}.amazonaws.com", c.service);
        permissions::admits_service(&f.qualified_arn(), &service, &c.resource, &account)
            || (f.qualifier.is_some() && permissions::admits_service(&f.arn(), &service, &c.resource, &account))
    });
    if !allowed {
        let who = req.caller.as_ref().map(|c| format!("{}.amazonaws.com", c.service)).unwrap_or_else(|| req.caller_container.clone());
        return error(
            403,
            "AccessDeniedException",
            &format!("User: {who} is not authorized to perform: lambda:InvokeFunction on resource: {} because no resource-based policy allows the lambda:InvokeFunction action", f.qualified_arn()),
        );
    }
    let payload = match check_payload(Some(req.payload.clone())) {
        Ok(p) => p,
        Err(e) => return from_service(e),
    };
    let cc = match client_context(req.client_context.as_deref()) {
        Ok(c) => c,
        Err(e) => return from_service(e),
    };
    let kind = req.invocation_type.clone().unwrap_or_else(|| "RequestResponse".into());
    let tail = req.log_type.as_deref() == Some("Tail");
    match invoke_function(f, &kind, payload, tail, cc).await {
        Ok(r) => {
            let mut headers = vec![("content-type".to_string(), "application/json".to_string())];
            if let Some(fe) = r.function_error {
                headers.push(("x-amz-function-error".into(), fe));
            }
            if let Some(v) = r.executed_version {
                headers.push(("x-amz-executed-version".into(), v));
            }
            if let Some(l) = r.log_result {
                headers.push(("x-amz-log-result".into(), l));
            }
            InvokeResponse { status: r.status_code.unwrap_or(200) as u16, headers, body: r.payload.unwrap_or_default() }
        }
        Err(e) => from_service(e),
    }
}

#[simfra_model::async_trait]
impl LambdaApi for Lambda {
    fn implemented(&self) -> &'static [&'static str] {
        &[
            "AddLayerVersionPermission",
            "AddPermission",
            "CreateAlias",
            "CreateEventSourceMapping",
            "CreateFunction",
            "CreateFunctionUrlConfig",
            "DeleteAlias",
            "DeleteEventSourceMapping",
            "DeleteFunction",
            "DeleteFunctionConcurrency",
            "DeleteFunctionEventInvokeConfig",
            "DeleteFunctionUrlConfig",
            "DeleteLayerVersion",
            "DeleteProvisionedConcurrencyConfig",
            "GetAccountSettings",
            "GetAlias",
            "GetEventSourceMapping",
            "GetFunction",
            "GetFunctionConcurrency",
            "GetFunctionConfiguration",
            "GetFunctionEventInvokeConfig",
            "GetFunctionRecursionConfig",
            "GetFunctionUrlConfig",
            "GetLayerVersion",
            "GetLayerVersionByArn",
            "GetLayerVersionPolicy",
            "GetPolicy",
            "GetProvisionedConcurrencyConfig",
            "GetRuntimeManagementConfig",
            "Invoke",
            "ListAliases",
            "ListEventSourceMappings",
            "ListFunctionEventInvokeConfigs",
            "ListFunctionUrlConfigs",
            "ListFunctions",
            "ListLayerVersions",
            "ListLayers",
            "ListProvisionedConcurrencyConfigs",
            "ListTags",
            "ListVersionsByFunction",
            "PublishLayerVersion",
            "PublishVersion",
            "PutFunctionConcurrency",
            "PutFunctionEventInvokeConfig",
            "PutFunctionRecursionConfig",
            "PutProvisionedConcurrencyConfig",
            "PutRuntimeManagementConfig",
            "RemoveLayerVersionPermission",
            "RemovePermission",
            "TagResource",
            "UntagResource",
            "UpdateAlias",
            "UpdateEventSourceMapping",
            "UpdateFunctionCode",
            "UpdateFunctionConfiguration",
            "UpdateFunctionEventInvokeConfig",
            "UpdateFunctionUrlConfig",
        ]
    }

    async fn create_function(&self, ctx: &RequestContext, input: CreateFunctionRequest) -> Result<FunctionConfiguration, CreateFunctionError> {
        Ok(functions::create(ctx, input)?)
    }

    async fn get_function(&self, ctx: &RequestContext, input: GetFunctionRequest) -> Result<GetFunctionResponse, GetFunctionError> {
        Ok(functions::get(ctx, input)?)
    }

    async fn get_function_configuration(&self, ctx: &RequestContext, input: GetFunctionConfigurationRequest) -> Result<FunctionConfiguration, GetFunctionConfigurationError> {
        let f = names::parse(ctx, &input.function_name, input.qualifier.as_deref())?;
        Ok(functions::configuration(&f)?.0)
    }

    async fn list_functions(&self, ctx: &RequestContext, input: ListFunctionsRequest) -> Result<ListFunctionsResponse, ListFunctionsError> {
        Ok(functions::list(ctx, input)?)
    }

    async fn update_function_code(&self, ctx: &RequestContext, input: UpdateFunctionCodeRequest) -> Result<FunctionConfiguration, UpdateFunctionCodeError> {
        Ok(functions::update_code(ctx, input)?)
    }

    async fn update_function_configuration(&self, ctx: &RequestContext, input: UpdateFunctionConfigurationRequest) -> Result<FunctionConfiguration, UpdateFunctionConfigurationError> {
        Ok(functions::update_configuration(ctx, input)?)
    }

    async fn delete_function(&self, ctx: &RequestContext, input: DeleteFunctionRequest) -> Result<(), DeleteFunctionError> {
        Ok(functions::delete(ctx, input)?)
    }

    async fn publish_version(&self, ctx: &RequestContext, input: PublishVersionRequest) -> Result<FunctionConfiguration, PublishVersionError> {
        Ok(functions::publish_version(ctx, input)?)
    }

    async fn list_versions_by_function(&self, ctx: &RequestContext, input: ListVersionsByFunctionRequest) -> Result<ListVersionsByFunctionResponse, ListVersionsByFunctionError> {
        Ok(functions::list_versions(ctx, input)?)
    }

    async fn create_alias(&self, ctx: &RequestContext, input: CreateAliasRequest) -> Result<AliasConfiguration, CreateAliasError> {
        Ok(functions::create_alias(ctx, input)?)
    }

    async fn get_alias(&self, ctx: &RequestContext, input: GetAliasRequest) -> Result<AliasConfiguration, GetAliasError> {
        Ok(functions::get_alias(ctx, input)?)
    }

    async fn update_alias(&self, ctx: &RequestContext, input: UpdateAliasRequest) -> Result<AliasConfiguration, UpdateAliasError> {
        Ok(functions::update_alias(ctx, input)?)
    }

    async fn delete_alias(&self, ctx: &RequestContext, input: DeleteAliasRequest) -> Result<(), DeleteAliasError> {
        Ok(functions::delete_alias(ctx, input)?)
    }

    async fn list_aliases(&self, ctx: &RequestContext, input: ListAliasesRequest) -> Result<ListAliasesResponse, ListAliasesError> {
        Ok(functions::list_aliases(ctx, input)?)
    }

    async fn add_permission(&self, ctx: &RequestContext, input: AddPermissionRequest) -> Result<AddPermissionResponse, AddPermissionError> {
        Ok(permissions::add(ctx, input)?)
    }

    async fn remove_permission(&self, ctx: &RequestContext, input: RemovePermissionRequest) -> Result<(), RemovePermissionError> {
        Ok(permissions::remove(ctx, input)?)
    }

    async fn get_policy(&self, ctx: &RequestContext, input: GetPolicyRequest) -> Result<GetPolicyResponse, GetPolicyError> {
        Ok(permissions::get(ctx, input)?)
    }

    async fn tag_resource(&self, ctx: &RequestContext, input: TagResourceRequest) -> Result<(), TagResourceError> {
        Ok(settings::tag(ctx, input)?)
    }

    async fn untag_resource(&self, ctx: &RequestContext, input: UntagResourceRequest) -> Result<(), UntagResourceError> {
        Ok(settings::untag(ctx, input)?)
    }

    async fn list_tags(&self, ctx: &RequestContext, input: ListTagsRequest) -> Result<ListTagsResponse, ListTagsError> {
        Ok(settings::list_tags(ctx, input)?)
    }

    async fn put_function_concurrency(&self, ctx: &RequestContext, input: PutFunctionConcurrencyRequest) -> Result<Concurrency, PutFunctionConcurrencyError> {
        Ok(settings::put_concurrency(ctx, input)?)
    }

    async fn get_function_concurrency(&self, ctx: &RequestContext, input: GetFunctionConcurrencyRequest) -> Result<GetFunctionConcurrencyResponse, GetFunctionConcurrencyError> {
        Ok(settings::get_concurrency(ctx, input)?)
    }

    async fn delete_function_concurrency(&self, ctx: &RequestContext, input: DeleteFunctionConcurrencyRequest) -> Result<(), DeleteFunctionConcurrencyError> {
        Ok(settings::delete_concurrency(ctx, input)?)
    }

    async fn get_account_settings(&self, ctx: &RequestContext, _input: GetAccountSettingsRequest) -> Result<GetAccountSettingsResponse, GetAccountSettingsError> {
        Ok(settings::account_settings(ctx))
    }

    async fn put_provisioned_concurrency_config(&self, ctx: &RequestContext, input: PutProvisionedConcurrencyConfigRequest) -> Result<PutProvisionedConcurrencyConfigResponse, PutProvisionedConcurrencyConfigError> {
        Ok(settings::put_provisioned(ctx, input)?)
    }

    async fn get_provisioned_concurrency_config(&self, ctx: &RequestContext, input: GetProvisionedConcurrencyConfigRequest) -> Result<GetProvisionedConcurrencyConfigResponse, GetProvisionedConcurrencyConfigError> {
        Ok(settings::get_provisioned(ctx, input)?)
    }

    async fn delete_provisioned_concurrency_config(&self, ctx: &RequestContext, input: DeleteProvisionedConcurrencyConfigRequest) -> Result<(), DeleteProvisionedConcurrencyConfigError> {
        Ok(settings::delete_provisioned(ctx, input)?)
    }

    async fn list_provisioned_concurrency_configs(&self, ctx: &RequestContext, input: ListProvisionedConcurrencyConfigsRequest) -> Result<ListProvisionedConcurrencyConfigsResponse, ListProvisionedConcurrencyConfigsError> {
        Ok(settings::list_provisioned(ctx, input)?)
    }

    async fn put_function_event_invoke_config(&self, ctx: &RequestContext, input: PutFunctionEventInvokeConfigRequest) -> Result<FunctionEventInvokeConfig, PutFunctionEventInvokeConfigError> {
        Ok(settings::put_event_invoke_config(ctx, input, false)?)
    }

    async fn update_function_event_invoke_config(&self, ctx: &RequestContext, input: UpdateFunctionEventInvokeConfigRequest) -> Result<FunctionEventInvokeConfig, UpdateFunctionEventInvokeConfigError> {
        let put = PutFunctionEventInvokeConfigRequest {
            function_name: input.function_name,
            qualifier: input.qualifier,
            maximum_retry_attempts: input.maximum_retry_attempts,
            maximum_event_age_in_seconds: input.maximum_event_age_in_seconds,
            destination_config: input.destination_config,
        };
        Ok(settings::put_event_invoke_config(ctx, put, true)?)
    }

    async fn get_function_event_invoke_config(&self, ctx: &RequestContext, input: GetFunctionEventInvokeConfigRequest) -> Result<FunctionEventInvokeConfig, GetFunctionEventInvokeConfigError> {
        Ok(settings::get_event_invoke_config(ctx, &input.function_name, input.qualifier.as_deref())?)
    }

    async fn delete_function_event_invoke_config(&self, ctx: &RequestContext, input: DeleteFunctionEventInvokeConfigRequest) -> Result<(), DeleteFunctionEventInvokeConfigError> {
        Ok(settings::delete_event_invoke_config(ctx, &input.function_name, input.qualifier.as_deref())?)
    }

    async fn list_function_event_invoke_configs(&self, ctx: &RequestContext, input: ListFunctionEventInvokeConfigsRequest) -> Result<ListFunctionEventInvokeConfigsResponse, ListFunctionEventInvokeConfigsError> {
        Ok(settings::list_event_invoke_configs(ctx, input)?)
    }

    async fn create_function_url_config(&self, ctx: &RequestContext, input: CreateFunctionUrlConfigRequest) -> Result<CreateFunctionUrlConfigResponse, CreateFunctionUrlConfigError> {
        Ok(settings::create_url_config(ctx, input)?)
    }

    async fn get_function_url_config(&self, ctx: &RequestContext, input: GetFunctionUrlConfigRequest) -> Result<GetFunctionUrlConfigResponse, GetFunctionUrlConfigError> {
        let c = settings::get_url_config(ctx, &input.function_name, input.qualifier.as_deref())?;
        Ok(GetFunctionUrlConfigResponse {
            function_url: c.function_url,
            function_arn: c.function_arn,
            auth_type: c.auth_type,
            cors: c.cors,
            creation_time: c.creation_time,
            last_modified_time: c.last_modified_time,
            invoke_mode: c.invoke_mode,
        })
    }

    async fn update_function_url_config(&self, ctx: &RequestContext, input: UpdateFunctionUrlConfigRequest) -> Result<UpdateFunctionUrlConfigResponse, UpdateFunctionUrlConfigError> {
        let c = settings::update_url_config(ctx, input)?;
        Ok(UpdateFunctionUrlConfigResponse {
            function_url: c.function_url,
            function_arn: c.function_arn,
            auth_type: c.auth_type,
            cors: c.cors,
            creation_time: c.creation_time,
            last_modified_time: c.last_modified_time,
            invoke_mode: c.invoke_mode,
        })
    }

    async fn delete_function_url_config(&self, ctx: &RequestContext, input: DeleteFunctionUrlConfigRequest) -> Result<(), DeleteFunctionUrlConfigError> {
        Ok(settings::delete_url_config(ctx, &input.function_name, input.qualifier.as_deref())?)
    }

    async fn list_function_url_configs(&self, ctx: &RequestContext, input: ListFunctionUrlConfigsRequest) -> Result<ListFunctionUrlConfigsResponse, ListFunctionUrlConfigsError> {
        Ok(settings::list_url_configs(ctx, input)?)
    }

    async fn get_function_recursion_config(&self, ctx: &RequestContext, input: GetFunctionRecursionConfigRequest) -> Result<GetFunctionRecursionConfigResponse, GetFunctionRecursionConfigError> {
        let f = names::parse(ctx, &input.function_name, None)?;
        Ok(store::with_function(&f, |function| Ok(GetFunctionRecursionConfigResponse { recursive_loop: Some(function.recursion.clone()) }))?)
    }

    async fn put_function_recursion_config(&self, ctx: &RequestContext, input: PutFunctionRecursionConfigRequest) -> Result<PutFunctionRecursionConfigResponse, PutFunctionRecursionConfigError> {
        let f = names::parse(ctx, &input.function_name, None)?;
        Ok(store::with_function(&f, |function| {
            function.recursion = input.recursive_loop.clone();
            Ok(PutFunctionRecursionConfigResponse { recursive_loop: Some(input.recursive_loop.clone()) })
        })?)
    }

    async fn get_runtime_management_config(&self, ctx: &RequestContext, input: GetRuntimeManagementConfigRequest) -> Result<GetRuntimeManagementConfigResponse, GetRuntimeManagementConfigError> {
        let f = names::parse(ctx, &input.function_name, input.qualifier.as_deref())?;
        Ok(store::with_function(&f, |function| {
            if !function.has_qualifier(f.qualifier.as_deref()) {
                return Err(errors::function_not_found(&f.qualified_arn()));
            }
            let key = f.qualifier.clone().unwrap_or_else(|| "$LATEST".into());
            let (on, arn) = function.runtime_management.get(&key).cloned().unwrap_or((UpdateRuntimeOn::Auto, None));
            Ok(GetRuntimeManagementConfigResponse { update_runtime_on: Some(on), runtime_version_arn: arn, function_arn: Some(f.qualified_arn()) })
        })?)
    }

    async fn put_runtime_management_config(&self, ctx: &RequestContext, input: PutRuntimeManagementConfigRequest) -> Result<PutRuntimeManagementConfigResponse, PutRuntimeManagementConfigError> {
        let f = names::parse(ctx, &input.function_name, input.qualifier.as_deref())?;
        if input.update_runtime_on == UpdateRuntimeOn::Manual && input.runtime_version_arn.is_none() {
            return Err(errors::invalid("RuntimeVersionArn must be specified when UpdateRuntimeOn is Manual.").into());
        }
        Ok(store::with_function(&f, |function| {
            if !function.has_qualifier(f.qualifier.as_deref()) {
                return Err(errors::function_not_found(&f.qualified_arn()));
            }
            let key = f.qualifier.clone().unwrap_or_else(|| "$LATEST".into());
            function.runtime_management.insert(key, (input.update_runtime_on.clone(), input.runtime_version_arn.clone()));
            Ok(PutRuntimeManagementConfigResponse {
                update_runtime_on: input.update_runtime_on.clone(),
                function_arn: f.qualified_arn(),
                runtime_version_arn: input.runtime_version_arn.clone(),
            })
        })?)
    }

    async fn publish_layer_version(&self, ctx: &RequestContext, input: PublishLayerVersionRequest) -> Result<PublishLayerVersionResponse, PublishLayerVersionError> {
        Ok(layers::publish(ctx, input)?)
    }

    async fn get_layer_version(&self, ctx: &RequestContext, input: GetLayerVersionRequest) -> Result<GetLayerVersionResponse, GetLayerVersionError> {
        Ok(layers::get(ctx, &input.layer_name, input.version_number)?)
    }

    async fn get_layer_version_by_arn(&self, ctx: &RequestContext, input: GetLayerVersionByArnRequest) -> Result<GetLayerVersionResponse, GetLayerVersionByArnError> {
        Ok(layers::get_by_arn(ctx, &input.arn)?)
    }

    async fn list_layer_versions(&self, ctx: &RequestContext, input: ListLayerVersionsRequest) -> Result<ListLayerVersionsResponse, ListLayerVersionsError> {
        Ok(layers::list_versions(ctx, input)?)
    }

    async fn list_layers(&self, ctx: &RequestContext, input: ListLayersRequest) -> Result<ListLayersResponse, ListLayersError> {
        Ok(layers::list(ctx, input)?)
    }

    async fn delete_layer_version(&self, ctx: &RequestContext, input: DeleteLayerVersionRequest) -> Result<(), DeleteLayerVersionError> {
        Ok(layers::delete(ctx, &input.layer_name, input.version_number)?)
    }

    async fn add_layer_version_permission(&self, ctx: &RequestContext, input: AddLayerVersionPermissionRequest) -> Result<AddLayerVersionPermissionResponse, AddLayerVersionPermissionError> {
        Ok(layers::add_permission(ctx, input)?)
    }

    async fn remove_layer_version_permission(&self, ctx: &RequestContext, input: RemoveLayerVersionPermissionRequest) -> Result<(), RemoveLayerVersionPermissionError> {
        Ok(layers::remove_permission(ctx, input)?)
    }

    async fn get_layer_version_policy(&self, ctx: &RequestContext, input: GetLayerVersionPolicyRequest) -> Result<GetLayerVersionPolicyResponse, GetLayerVersionPolicyError> {
        Ok(layers::get_policy(ctx, input)?)
    }

    async fn create_event_source_mapping(&self, ctx: &RequestContext, input: CreateEventSourceMappingRequest) -> Result<EventSourceMappingConfiguration, CreateEventSourceMappingError> {
        Ok(mappings::create(ctx, input)?)
    }

    async fn get_event_source_mapping(&self, ctx: &RequestContext, input: GetEventSourceMappingRequest) -> Result<EventSourceMappingConfiguration, GetEventSourceMappingError> {
        Ok(mappings::get(ctx, &input.uuid)?)
    }

    async fn update_event_source_mapping(&self, ctx: &RequestContext, input: UpdateEventSourceMappingRequest) -> Result<EventSourceMappingConfiguration, UpdateEventSourceMappingError> {
        Ok(mappings::update(ctx, input)?)
    }

    async fn delete_event_source_mapping(&self, ctx: &RequestContext, input: DeleteEventSourceMappingRequest) -> Result<EventSourceMappingConfiguration, DeleteEventSourceMappingError> {
        Ok(mappings::delete(ctx, &input.uuid)?)
    }

    async fn list_event_source_mappings(&self, ctx: &RequestContext, input: ListEventSourceMappingsRequest) -> Result<ListEventSourceMappingsResponse, ListEventSourceMappingsError> {
        Ok(mappings::list(ctx, input)?)
    }

    async fn invoke(&self, ctx: &RequestContext, input: InvocationRequest) -> Result<InvocationResponse, InvokeError> {
        let f = names::parse(ctx, &input.function_name, input.qualifier.as_deref())?;
        let payload = check_payload(input.payload)?;
        let cc = client_context(input.client_context.as_deref())?;
        let kind = input.invocation_type.as_ref().map(|t| t.as_str().to_string()).unwrap_or_else(|| "RequestResponse".into());
        let tail = input.log_type.as_ref().is_some_and(|l| l.as_str() == "Tail");
        Ok(invoke_function(f, &kind, payload, tail, cc).await?)
    }
}
