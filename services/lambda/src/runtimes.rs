//! Which image runs a function and how its container is set up.
//!
//! Zip functions run in their runtime's base image. The defaults are AWS's
//! public Lambda base images (`public.ecr.aws/lambda/python:3.11` …);
//! `SIMFRA_LAMBDA_IMAGE_REGISTRY` replaces the registry
//! (`<registry>/python:3.11`), and `SIMFRA_LAMBDA_IMAGE_<RUNTIME>` (the
//! runtime id upper-cased, other characters as `_`: `PYTHON3_11`,
//! `NODEJS18_X`, `PROVIDED_AL2023`) names the image of one runtime. The
//! images follow AWS's base-image contract: the handler is the command,
//! the image's entrypoint starts /var/runtime/bootstrap. Image functions run
//! their own image with its entrypoint and command (or ImageConfig's).
//!
//! The code goes to /var/task and layers to /opt, as files copied into the
//! container before it starts.

use crate::errors;
use crate::names::FunctionRef;
use crate::store::Code;
use simfra_docker::{ContainerSpec, Orchestrator};
use simfra_gen_lambda::types::*;
use simfra_identity::credentials::RoleSessionKeys;
use simfra_model::ServiceError;

/// AWS's base image (repository:tag under the registry) of a runtime.
fn aws_image(runtime: &str) -> Option<String> {
    let (repo, tag) = if let Some(v) = runtime.strip_prefix("python") {
        ("python", v.to_string())
    } else if let Some(v) = runtime.strip_prefix("nodejs") {
        ("nodejs", v.trim_end_matches(".x").to_string())
    } else if let Some(v) = runtime.strip_prefix("provided") {
        ("provided", v.trim_start_matches('.').to_string())
    } else if let Some(v) = runtime.strip_prefix("java") {
        ("java", v.to_string())
    } else if let Some(v) = runtime.strip_prefix("ruby") {
        ("ruby", v.to_string())
    } else if let Some(v) = runtime.strip_prefix("dotnet") {
        ("dotnet", v.to_string())
    } else {
        return None;
    };
    let tag = if tag.is_empty() { "latest".to_string() } else { tag };
    Some(format!("{repo}:{tag}"))
}

fn env_key(runtime: &str) -> String {
    let suffix: String = runtime.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' }).collect();
    format!("SIMFRA_LAMBDA_IMAGE_{suffix}")
}

fn var(k: &str) -> Option<String> {
    std::env::var(k).ok().filter(|v| !v.is_empty())
}

pub fn image_for(config: &FunctionConfiguration, code: &Code) -> Result<String, ServiceError> {
    if let Some(uri) = &code.image_uri {
        return Ok(uri.clone());
    }
    let runtime = config.runtime.as_ref().map(|r| r.as_str().to_string()).unwrap_or_default();
    if let Some(image) = var(&env_key(&runtime)) {
        return Ok(image);
    }
    let repo_tag = aws_image(&runtime).ok_or_else(|| errors::invalid(format!("The runtime {runtime} has no base image.")))?;
    let registry = var("SIMFRA_LAMBDA_IMAGE_REGISTRY").unwrap_or_else(|| "public.ecr.aws/lambda".into());
    Ok(format!("{}/{repo_tag}", registry.trim_end_matches('/')))
}

fn is_provided(config: &FunctionConfiguration) -> bool {
    config.runtime.as_ref().is_some_and(|r| r.as_str().starts_with("provided"))
}

/// A custom runtime's bootstrap, found where Lambda looks for it.
const PROVIDED_LAUNCHER: &str = r#"#!/bin/sh
for b in "${LAMBDA_TASK_ROOT:-/var/task}/bootstrap" /opt/bootstrap; do
  if [ -x "$b" ]; then exec "$b"; fi
done
echo "Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]" 1>&2
exit 1
"#;

/// SDKs in the function address S3 by path: bucket host names under
/// `simfra.local` do not resolve inside the container.
const AWS_CONFIG: &str = "[default]\ns3 =\n    addressing_style = path\n";

#[allow(clippy::too_many_arguments)]
pub fn container_spec(
    f: &FunctionRef,
    config: &FunctionConfiguration,
    code: &Code,
    version: &str,
    image: &str,
    runtime_api_port: u16,
    docker: &Orchestrator,
    keys: &RoleSessionKeys,
    initialization_type: &str,
) -> Result<ContainerSpec, ServiceError> {
    let memory = config.memory_size.unwrap_or(128);
    let runtime = config.runtime.as_ref().map(|r| r.as_str().to_string()).unwrap_or_default();
    let day = crate::names::now()[..10].replace('-', "/");
    let log_group = config.logging_config.as_ref().and_then(|l| l.log_group.clone()).unwrap_or_else(|| format!("/aws/lambda/{}", f.name));
    let mut env: Vec<(String, String)> = vec![
        ("AWS_LAMBDA_RUNTIME_API".into(), format!("{}:{runtime_api_port}", docker.gateway_host())),
        ("AWS_LAMBDA_FUNCTION_NAME".into(), f.name.clone()),
        ("AWS_LAMBDA_FUNCTION_VERSION".into(), version.to_string()),
        ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE".into(), memory.to_string()),
        ("AWS_LAMBDA_LOG_GROUP_NAME".into(), log_group),
        ("AWS_LAMBDA_LOG_STREAM_NAME".into(), format!("{day}/[{version}]{}", simfra_identity::ids::random_hex(16))),
        ("AWS_LAMBDA_INITIALIZATION_TYPE".into(), initialization_type.to_string()),
        ("AWS_REGION".into(), f.region.clone()),
        ("AWS_DEFAULT_REGION".into(), f.region.clone()),
        ("AWS_ACCESS_KEY_ID".into(), keys.access_key_id.clone()),
        ("AWS_SECRET_ACCESS_KEY".into(), keys.secret_access_key.clone()),
        ("AWS_SESSION_TOKEN".into(), keys.session_token.clone()),
        ("AWS_ENDPOINT_URL".into(), docker.gateway_endpoint()),
        ("AWS_CONFIG_FILE".into(), "/etc/simfra/aws-config".into()),
        ("LAMBDA_TASK_ROOT".into(), "/var/task".into()),
        ("LAMBDA_RUNTIME_DIR".into(), "/var/runtime".into()),
        ("TZ".into(), ":UTC".into()),
    ];
    if !runtime.is_empty() {
        env.push(("AWS_EXECUTION_ENV".into(), format!("AWS_Lambda_{runtime}")));
    }
    if let Some(h) = &config.handler {
        env.push(("_HANDLER".into(), h.clone()));
    }
    if let Some(vars) = config.environment.as_ref().and_then(|e| e.variables.as_ref()) {
        env.extend(vars.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    let mut files: Vec<(String, Vec<u8>, u32)> = vec![("/etc/simfra/aws-config".into(), AWS_CONFIG.as_bytes().to_vec(), 0o644)];
    for layer in config.layers.iter().flatten() {
        let arn = layer.arn.clone().unwrap_or_default();
        let lv = crate::layers::find(&arn).ok_or_else(|| errors::invalid(format!("Layer version {arn} does not exist.")))?;
        files.extend(crate::code::unzip(&lv.zip, "/opt")?);
    }
    if let Some(zip) = &code.zip {
        files.extend(crate::code::unzip(zip, "/var/task")?);
    }
    let (entrypoint, cmd) = if code.image_uri.is_some() {
        let ic = config.image_config_response.as_ref().and_then(|r| r.image_config.clone()).unwrap_or_default();
        (ic.entry_point.filter(|e| !e.is_empty()), ic.command.filter(|c| !c.is_empty()))
    } else {
        if is_provided(config) {
            files.push(("/var/runtime/bootstrap".into(), PROVIDED_LAUNCHER.as_bytes().to_vec(), 0o755));
        }
        (None, Some(vec![config.handler.clone().unwrap_or_else(|| "bootstrap".into())]))
    };
    Ok(ContainerSpec {
        name: format!("lambda-{}-{}", f.name, simfra_identity::ids::random_hex(4)),
        image: image.to_string(),
        env,
        cmd,
        entrypoint,
        labels: vec![("simfra.lambda.version".into(), version.to_string())],
        service: "lambda".into(),
        owner_resource: f.arn(),
        memory_mb: Some(memory as u64),
        files,
        network: None,
        exposed_tcp_ports: Vec::new(),
        health_timeout: None,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn aws_base_image_names() {
        let cases = [
            ("python3.11", "python:3.11"),
            ("nodejs18.x", "nodejs:18"),
            ("provided.al2023", "provided:al2023"),
            ("java8.al2", "java:8.al2"),
            ("java21", "java:21"),
            ("ruby3.3", "ruby:3.3"),
            ("dotnet8", "dotnet:8"),
        ];
        for (runtime, image) in cases {
            assert_eq!(super::aws_image(runtime).as_deref(), Some(image), "{runtime}");
        }
        assert_eq!(super::env_key("nodejs18.x"), "SIMFRA_LAMBDA_IMAGE_NODEJS18_X");
    }
}
