//! Resource-based policies of functions (AddPermission, RemovePermission,
//! GetPolicy): statements as AWS writes them, one policy per qualifier, and
//! IAM's view of them (a function's policy is the resource policy of
//! requests on it, e.g. another account's `lambda:InvokeFunction`).

use crate::errors;
use crate::names::{self, FunctionRef};
use crate::store;
use serde_json::{json, Map, Value as Json};
use simfra_gen_lambda::types::*;
use simfra_model::{RequestContext, ServiceError};
use std::sync::Arc;

fn principal(p: &str) -> Json {
    if p == "*" {
        json!("*")
    } else if p.len() == 12 && p.bytes().all(|b| b.is_ascii_digit()) {
        json!({"AWS": format!("arn:aws:iam::{p}:root")})
    } else if p.starts_with("arn:") {
        json!({"AWS": p})
    } else {
        json!({"Service": p})
    }
}

fn policy_key(f: &FunctionRef) -> String {
    f.qualifier.clone().filter(|q| q != "$LATEST").unwrap_or_default()
}

fn policy_document(statements: &[Json]) -> String {
    json!({"Version": "2012-10-17", "Id": "default", "Statement": statements}).to_string()
}

pub fn add(ctx: &RequestContext, input: AddPermissionRequest) -> Result<AddPermissionResponse, ServiceError> {
    let f = names::parse(ctx, &input.function_name, input.qualifier.as_deref())?;
    let action = &input.action;
    let valid_action = action == "*" || action.strip_prefix("lambda:").is_some_and(|a| !a.is_empty());
    if !valid_action {
        return Err(errors::validation(action, "action", "Member must satisfy regular expression pattern: (lambda:[*]|lambda:[a-zA-Z]+|[*])"));
    }
    store::with_function(&f, |function| {
        if !function.has_qualifier(f.qualifier.as_deref()) {
            return Err(errors::function_not_found(&f.qualified_arn()));
        }
        let key = policy_key(&f);
        if let Some(expected) = &input.revision_id {
            if function.policy_revisions.get(&key) != Some(expected) {
                return Err(errors::precondition_failed());
            }
        }
        let statements = function.policies.entry(key.clone()).or_default();
        if statements.iter().any(|s| s["Sid"] == input.statement_id.as_str()) {
            return Err(errors::conflict(format!(
                "The statement id ({}) provided already exists. Please choose another statement id.",
                input.statement_id
            )));
        }
        let mut condition = Map::new();
        let mut string_equals = Map::new();
        if let Some(a) = &input.source_account {
            string_equals.insert("AWS:SourceAccount".into(), json!(a));
        }
        if let Some(t) = &input.event_source_token {
            string_equals.insert("lambda:EventSourceToken".into(), json!(t));
        }
        if let Some(o) = &input.principal_org_id {
            string_equals.insert("aws:PrincipalOrgID".into(), json!(o));
        }
        if let Some(t) = &input.function_url_auth_type {
            string_equals.insert("lambda:FunctionUrlAuthType".into(), json!(t.as_str()));
        }
        if !string_equals.is_empty() {
            condition.insert("StringEquals".into(), Json::Object(string_equals));
        }
        if let Some(arn) = &input.source_arn {
            condition.insert("ArnLike".into(), json!({"AWS:SourceArn": arn}));
        }
        let mut statement = json!({
            "Sid": input.statement_id,
            "Effect": "Allow",
            "Principal": principal(&input.principal),
            "Action": input.action,
            "Resource": f.qualified_arn(),
        });
        if !condition.is_empty() {
            statement["Condition"] = Json::Object(condition);
        }
        let text = statement.to_string();
        let mut candidate = statements.clone();
        candidate.push(statement.clone());
        if policy_document(&candidate).len() > 20_480 {
            return Err(ServiceError::new(
                "PolicyLengthExceededException",
                400,
                "The final policy size (20480) is bigger than the limit (20480).",
            ));
        }
        statements.push(statement);
        function.policy_revisions.insert(key, simfra_identity::ids::uuid());
        Ok(AddPermissionResponse { statement: Some(text) })
    })
}

pub fn remove(ctx: &RequestContext, input: RemovePermissionRequest) -> Result<(), ServiceError> {
    let f = names::parse(ctx, &input.function_name, input.qualifier.as_deref())?;
    store::with_function(&f, |function| {
        if !function.has_qualifier(f.qualifier.as_deref()) {
            return Err(errors::function_not_found(&f.qualified_arn()));
        }
        let key = policy_key(&f);
        if let Some(expected) = &input.revision_id {
            if function.policy_revisions.get(&key) != Some(expected) {
                return Err(errors::precondition_failed());
            }
        }
        let statements = function.policies.get_mut(&key).ok_or_else(|| errors::not_found("No policy is associated with the given resource."))?;
        let before = statements.len();
        statements.retain(|s| s["Sid"] != input.statement_id.as_str());
        if statements.len() == before {
            return Err(errors::not_found(format!("Statement {} is not found in resource policy.", input.statement_id)));
        }
        if statements.is_empty() {
            function.policies.remove(&key);
        }
        function.policy_revisions.insert(key, simfra_identity::ids::uuid());
        Ok(())
    })
}

pub fn get(ctx: &RequestContext, input: GetPolicyRequest) -> Result<GetPolicyResponse, ServiceError> {
    let f = names::parse(ctx, &input.function_name, input.qualifier.as_deref())?;
    store::with_function(&f, |function| {
        if !function.has_qualifier(f.qualifier.as_deref()) {
            return Err(errors::function_not_found(&f.qualified_arn()));
        }
        let key = policy_key(&f);
        let statements = function.policies.get(&key).filter(|s| !s.is_empty()).ok_or_else(|| errors::not_found("The resource you requested does not exist."))?;
        Ok(GetPolicyResponse { policy: Some(policy_document(statements)), revision_id: function.policy_revisions.get(&key).cloned() })
    })
}

/// The parsed policy of a function ARN (qualified or not), for IAM and for
/// service principals invoking the function.
pub fn policy_of(arn: &str) -> Option<(String, Option<Arc<simfra_policy::Policy>>, Vec<(String, String)>)> {
    let parts: Vec<&str> = arn.split(':').collect();
    if parts.len() < 7 || parts[2] != "lambda" || parts[5] != "function" {
        return None;
    }
    let (region, account, name) = (parts[3], parts[4], parts[6]);
    let key = parts.get(7).filter(|q| **q != "$LATEST").map(|q| q.to_string()).unwrap_or_default();
    let region_state = store::state().get(account, region);
    let functions = region_state.functions();
    let function = functions.get(name)?;
    let policy = function
        .policies
        .get(&key)
        .filter(|s| !s.is_empty())
        .and_then(|s| simfra_policy::parse(&policy_document(s)).ok())
        .map(Arc::new);
    Some((account.to_string(), policy, function.tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect()))
}

/// IAM's view of a function.
pub fn function_facts(arn: &str) -> Option<simfra_identity::authorize::ResourceFacts> {
    let (owner, policy, tags) = policy_of(arn)?;
    Some(simfra_identity::authorize::ResourceFacts { owner, policy, tags })
}

/// Whether the function's policy lets an AWS service (`sns.amazonaws.com`)
/// invoke it on behalf of `source_arn`, as AWS requires before SNS, S3 or
/// EventBridge may invoke a function.
pub fn admits_service(function_arn: &str, service: &str, source_arn: &str, source_account: &str) -> bool {
    let Some((account, Some(policy), _)) = policy_of(function_arn) else { return false };
    let evaluation = simfra_policy::Evaluation { resource: Some(("function policy", &policy)), resource_account: Some(&account), ..Default::default() };
    let mut request = simfra_policy::Request::new("lambda:InvokeFunction", function_arn, service, &account)
        .with("aws:SourceArn", &[source_arn])
        .with("aws:SourceAccount", &[source_account]);
    request.service_principal = Some(service.to_string());
    simfra_policy::evaluate(&evaluation, &request).0.is_allowed()
}
