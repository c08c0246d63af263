//! AddPermission and RemovePermission: statements of the queue's `Policy`
//! attribute, named by label, granting other accounts SQS actions.

use crate::validate::invalid_parameter;
use crate::*;

pub fn add(q: &mut Queue, input: &AddPermissionRequest) -> Result<(), ServiceError> {
    let mut policy = q
        .attributes
        .get("Policy")
        .and_then(|p| serde_json::from_str::<serde_json::Value>(p).ok())
        .unwrap_or_else(|| serde_json::json!({"Version": "2012-10-17", "Id": format!("{}/SQSDefaultPolicy", q.arn), "Statement": []}));
    let statements = policy
        .get_mut("Statement")
        .and_then(|s| s.as_array_mut())
        .ok_or_else(|| invalid_parameter("The queue's policy has no statement list."))?;
    if statements.iter().any(|s| s.get("Sid").and_then(|v| v.as_str()) == Some(input.label.as_str())) {
        return Err(invalid_parameter(format!(
            "Value {} for parameter Label is invalid. Reason: Already exists.",
            input.label
        )));
    }
    let principals: Vec<String> = input.aws_account_ids.iter().map(|a| format!("arn:aws:iam::{a}:root")).collect();
    let actions: Vec<String> = input.actions.iter().map(|a| format!("SQS:{a}")).collect();
    statements.push(serde_json::json!({
        "Sid": input.label,
        "Effect": "Allow",
        "Principal": {"AWS": if principals.len() == 1 { serde_json::json!(principals[0]) } else { serde_json::json!(principals) }},
        "Action": if actions.len() == 1 { serde_json::json!(actions[0]) } else { serde_json::json!(actions) },
        "Resource": q.arn,
    }));
    q.attributes.insert("Policy".into(), policy.to_string());
    Ok(())
}

pub fn remove(q: &mut Queue, input: &RemovePermissionRequest) -> Result<(), ServiceError> {
    let not_found = || {
        invalid_parameter(format!(
            "Value {} for parameter Label is invalid. Reason: can't find label on existing policy.",
            input.label
        ))
    };
    let mut policy = q
        .attributes
        .get("Policy")
        .and_then(|p| serde_json::from_str::<serde_json::Value>(p).ok())
        .ok_or_else(not_found)?;
    let statements = policy.get_mut("Statement").and_then(|s| s.as_array_mut()).ok_or_else(not_found)?;
    let before = statements.len();
    statements.retain(|s| s.get("Sid").and_then(|v| v.as_str()) != Some(input.label.as_str()));
    if statements.len() == before {
        return Err(not_found());
    }
    if statements.is_empty() {
        q.attributes.remove("Policy");
    } else {
        q.attributes.insert("Policy".into(), policy.to_string());
    }
    Ok(())
}
