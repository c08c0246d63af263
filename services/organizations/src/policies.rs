//! Policies of every type, where they are attached, and tags on the
//! organization's resources. Service control policies are validated as IAM
//! documents (no `Principal`), kept parsed, and evaluated by authorization
//! for member accounts; the other types are stored and merged into
//! effective policies.

use crate::common::*;
use serde_json::{Map, Value as Json};
use simfra_gen_organizations::types::*;
use simfra_identity::organizations::{self as orgs, store, RESOURCE_CONTROL_POLICY, SERVICE_CONTROL_POLICY};
use simfra_model::RequestContext;
use std::sync::Arc;

const MAX_POLICIES_PER_TYPE: usize = 1000;

/// AWS's document size quota per policy type, in characters.
fn content_limit(policy_type: &str) -> usize {
    match policy_type {
        SERVICE_CONTROL_POLICY | RESOURCE_CONTROL_POLICY => 5120,
        "AISERVICES_OPT_OUT_POLICY" => 2500,
        _ => 10000,
    }
}

/// How many policies of a type one root, OU or account can have attached.
fn attachment_limit(policy_type: &str) -> usize {
    match policy_type {
        SERVICE_CONTROL_POLICY | RESOURCE_CONTROL_POLICY => 5,
        _ => 10,
    }
}

/// Types with an AWS managed default that every target keeps at least one of.
fn needs_one(policy_type: &str) -> bool {
    matches!(policy_type, SERVICE_CONTROL_POLICY | RESOURCE_CONTROL_POLICY)
}

fn malformed(detail: &str) -> simfra_model::ServiceError {
    let base = "The provided policy document doesn't meet the requirements of the specified policy type.";
    err("MalformedPolicyDocumentException", if detail.is_empty() { base.to_string() } else { format!("{base} {detail}") })
}

/// Checks a document for its type; SCPs and RCPs come back parsed.
fn validate(policy_type: &str, content: &str) -> R<Option<Arc<simfra_policy::Policy>>> {
    if content.chars().count() > content_limit(policy_type) {
        return Err(constraint(
            "POLICY_CONTENT_LIMIT_EXCEEDED",
            "You attempted to create a policy that is larger than the maximum size.",
        ));
    }
    match policy_type {
        SERVICE_CONTROL_POLICY => {
            let p = simfra_policy::parse(content).map_err(|e| malformed(&e.0))?;
            if p.statements.iter().any(|s| s.principal.is_some() || s.not_principal.is_some()) {
                return Err(malformed("Service control policies can't specify a principal."));
            }
            Ok(Some(Arc::new(p)))
        }
        RESOURCE_CONTROL_POLICY => {
            let p = simfra_policy::parse(content).map_err(|e| malformed(&e.0))?;
            Ok(Some(Arc::new(p)))
        }
        _ => match serde_json::from_str::<Json>(content) {
            Ok(Json::Object(_)) => Ok(None),
            _ => Err(malformed("")),
        },
    }
}

fn policy_type_available(org: &orgs::Organization, policy_type: &str) -> R<()> {
    if org.feature_set != "ALL" {
        return Err(err(
            "PolicyTypeNotAvailableForOrganizationException",
            format!("You can't use the {policy_type} policy type with the feature set currently enabled for this organization."),
        ));
    }
    Ok(())
}

pub fn create_policy(ctx: &RequestContext, input: CreatePolicyRequest) -> R<CreatePolicyResponse> {
    let tags = tags_in(input.tags)?;
    let policy_type = input.type_.as_str().to_string();
    let mut data = store().write();
    let org = managed_org_mut(&mut data, ctx)?;
    policy_type_available(org, &policy_type)?;
    let parsed = validate(&policy_type, &input.content)?;
    let of_type: Vec<&orgs::OrgPolicy> = org.policies.values().filter(|p| p.policy_type == policy_type).collect();
    if of_type.iter().any(|p| p.name == input.name) {
        return Err(err("DuplicatePolicyException", "A policy with the same name already exists."));
    }
    if of_type.iter().filter(|p| !p.aws_managed).count() >= MAX_POLICIES_PER_TYPE {
        return Err(constraint(
            "POLICY_NUMBER_LIMIT_EXCEEDED",
            "You attempted to exceed the number of policies that you can have in an organization.",
        ));
    }
    let id = loop {
        let id = orgs::new_policy_id();
        if !org.policies.contains_key(&id) {
            break id;
        }
    };
    let p = orgs::OrgPolicy {
        arn: org.policy_arn(&id, &policy_type),
        id: id.clone(),
        name: input.name,
        description: input.description,
        policy_type,
        content: input.content,
        parsed,
        aws_managed: false,
    };
    let out = policy_out(&p);
    org.policies.insert(id.clone(), p);
    if !tags.is_empty() {
        set_tags(org, &id, tags)?;
    }
    Ok(CreatePolicyResponse { policy: Some(out) })
}

pub fn update_policy(ctx: &RequestContext, input: UpdatePolicyRequest) -> R<UpdatePolicyResponse> {
    let mut data = store().write();
    let org = managed_org_mut(&mut data, ctx)?;
    let current = org.policies.get(&input.policy_id).ok_or_else(policy_not_found)?;
    if current.aws_managed {
        return Err(immutable_policy());
    }
    let policy_type = current.policy_type.clone();
    if let Some(name) = &input.name {
        if org.policies.values().any(|p| p.policy_type == policy_type && p.name == *name && p.id != input.policy_id) {
            return Err(err("DuplicatePolicyException", "A policy with the same name already exists."));
        }
    }
    let parsed = match &input.content {
        Some(c) => Some(validate(&policy_type, c)?),
        None => None,
    };
    let p = org.policies.get_mut(&input.policy_id).ok_or_else(policy_not_found)?;
    if let Some(name) = input.name {
        p.name = name;
    }
    if let Some(d) = input.description {
        p.description = d;
    }
    if let (Some(c), Some(parsed)) = (input.content, parsed) {
        p.content = c;
        p.parsed = parsed;
    }
    Ok(UpdatePolicyResponse { policy: Some(policy_out(p)) })
}

pub fn delete_policy(ctx: &RequestContext, input: DeletePolicyRequest) -> R<()> {
    let mut data = store().write();
    let org = managed_org_mut(&mut data, ctx)?;
    let p = org.policies.get(&input.policy_id).ok_or_else(policy_not_found)?;
    if p.aws_managed {
        return Err(immutable_policy());
    }
    if !org.targets_of(&input.policy_id).is_empty() {
        return Err(err(
            "PolicyInUseException",
            "The policy is attached to one or more entities. You must detach it from all roots, OUs, and accounts before performing this operation.",
        ));
    }
    org.policies.remove(&input.policy_id);
    org.tags.remove(&input.policy_id);
    Ok(())
}

pub fn describe_policy(ctx: &RequestContext, input: DescribePolicyRequest) -> R<DescribePolicyResponse> {
    let data = store().read();
    let org = readable_org(&data, ctx)?;
    let p = org.policies.get(&input.policy_id).ok_or_else(policy_not_found)?;
    Ok(DescribePolicyResponse { policy: Some(policy_out(p)) })
}

/// AWS managed policies first, then the organization's by name.
fn sorted(mut ps: Vec<&orgs::OrgPolicy>) -> Vec<&orgs::OrgPolicy> {
    ps.sort_by(|a, b| (!a.aws_managed, &a.name, &a.id).cmp(&(!b.aws_managed, &b.name, &b.id)));
    ps
}

pub fn list_policies(ctx: &RequestContext, input: ListPoliciesRequest) -> R<ListPoliciesResponse> {
    let data = store().read();
    let org = readable_org(&data, ctx)?;
    let t = input.filter.as_str();
    let all = sorted(org.policies.values().filter(|p| p.policy_type == t).collect()).into_iter().map(policy_summary).collect();
    let (items, next_token) = page(all, input.next_token.as_deref(), input.max_results)?;
    Ok(ListPoliciesResponse { policies: Some(items), next_token })
}

pub fn attach_policy(ctx: &RequestContext, input: AttachPolicyRequest) -> R<()> {
    let mut data = store().write();
    let org = managed_org_mut(&mut data, ctx)?;
    let p = org.policies.get(&input.policy_id).ok_or_else(policy_not_found)?;
    if !org.is_target(&input.target_id) {
        return Err(target_not_found());
    }
    let policy_type = p.policy_type.clone();
    if !org.is_enabled(&policy_type) {
        return Err(err(
            "PolicyTypeNotEnabledException",
            "The specified policy type isn't currently enabled in this root. You can't attach policies of the specified type to entities in a root until you enable that type in the root.",
        ));
    }
    let attached = org.attached(&input.target_id, &policy_type);
    if attached.iter().any(|a| a.id == input.policy_id) {
        return Err(err("DuplicatePolicyAttachmentException", "The selected policy is already attached to the specified target."));
    }
    if attached.len() >= attachment_limit(&policy_type) {
        return Err(constraint(
            "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
            "You attempted to exceed the number of policies of a certain type that can be attached to an entity at one time.",
        ));
    }
    org.attach(&input.policy_id, &input.target_id);
    Ok(())
}

pub fn detach_policy(ctx: &RequestContext, input: DetachPolicyRequest) -> R<()> {
    let mut data = store().write();
    let org = managed_org_mut(&mut data, ctx)?;
    let p = org.policies.get(&input.policy_id).ok_or_else(policy_not_found)?;
    if !org.is_target(&input.target_id) {
        return Err(target_not_found());
    }
    let policy_type = p.policy_type.clone();
    let attached = org.attached(&input.target_id, &policy_type);
    if !attached.iter().any(|a| a.id == input.policy_id) {
        return Err(err("PolicyNotAttachedException", "The policy isn't attached to the specified target in the specified root."));
    }
    if needs_one(&policy_type) && attached.len() == 1 {
        return Err(constraint(
            "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
            "You attempted to detach a policy from an entity that would cause the entity to have fewer than the minimum number of policies of a certain type required.",
        ));
    }
    org.detach(&input.policy_id, &input.target_id);
    Ok(())
}

pub fn list_policies_for_target(ctx: &RequestContext, input: ListPoliciesForTargetRequest) -> R<ListPoliciesForTargetResponse> {
    let data = store().read();
    let org = readable_org(&data, ctx)?;
    if !org.is_target(&input.target_id) {
        return Err(target_not_found());
    }
    let all = org.attached(&input.target_id, input.filter.as_str()).into_iter().map(policy_summary).collect();
    let (items, next_token) = page(all, input.next_token.as_deref(), input.max_results)?;
    Ok(ListPoliciesForTargetResponse { policies: Some(items), next_token })
}

pub fn list_targets_for_policy(ctx: &RequestContext, input: ListTargetsForPolicyRequest) -> R<ListTargetsForPolicyResponse> {
    let data = store().read();
    let org = readable_org(&data, ctx)?;
    if !org.policies.contains_key(&input.policy_id) {
        return Err(policy_not_found());
    }
    let mut all: Vec<PolicyTargetSummary> = org.targets_of(&input.policy_id).iter().filter_map(|t| target_summary(org, t)).collect();
    // The root first, then OUs, then accounts, each by name.
    let rank = |t: &PolicyTargetSummary| match t.type_ {
        Some(TargetType::Root) => 0,
        Some(TargetType::OrganizationalUnit) => 1,
        _ => 2,
    };
    all.sort_by(|a, b| (rank(a), &a.name, &a.target_id).cmp(&(rank(b), &b.name, &b.target_id)));
    let (items, next_token) = page(all, input.next_token.as_deref(), input.max_results)?;
    Ok(ListTargetsForPolicyResponse { targets: Some(items), next_token })
}

fn target_summary(org: &orgs::Organization, id: &str) -> Option<PolicyTargetSummary> {
    let (arn, name, kind) = if id == org.root_id {
        (org.root_arn.clone(), "Root".to_string(), TargetType::Root)
    } else if let Some(ou) = org.ous.get(id) {
        (ou.arn.clone(), ou.name.clone(), TargetType::OrganizationalUnit)
    } else {
        let m = org.accounts.get(id)?;
        (m.arn.clone(), m.name.clone(), TargetType::Account)
    };
    Some(PolicyTargetSummary { target_id: Some(id.to_string()), arn: Some(arn), name: Some(name), type_: Some(kind) })
}

// ---------------------------------------------------------------- tags

/// A taggable resource of the organization: the root, an OU, an account, or
/// a policy of the organization's own.
fn taggable(org: &orgs::Organization, id: &str) -> R<()> {
    match org.policies.get(id) {
        Some(p) if p.aws_managed => Err(immutable_policy()),
        Some(_) => Ok(()),
        None if org.is_target(id) => Ok(()),
        None => Err(target_not_found()),
    }
}

pub fn tag_resource(ctx: &RequestContext, input: TagResourceRequest) -> R<()> {
    let tags = tags_in(Some(input.tags))?;
    let mut data = store().write();
    let org = managed_org_mut(&mut data, ctx)?;
    taggable(org, &input.resource_id)?;
    set_tags(org, &input.resource_id, tags)
}

pub fn untag_resource(ctx: &RequestContext, input: UntagResourceRequest) -> R<()> {
    let mut data = store().write();
    let org = managed_org_mut(&mut data, ctx)?;
    taggable(org, &input.resource_id)?;
    if let Some(tags) = org.tags.get_mut(&input.resource_id) {
        tags.retain(|(k, _)| !input.tag_keys.contains(k));
    }
    org.tags.retain(|_, t| !t.is_empty());
    Ok(())
}

pub fn list_tags_for_resource(ctx: &RequestContext, input: ListTagsForResourceRequest) -> R<ListTagsForResourceResponse> {
    let data = store().read();
    let org = readable_org(&data, ctx)?;
    taggable(org, &input.resource_id)?;
    let all = org.tags.get(&input.resource_id).map(|t| tags_out(t)).unwrap_or_default();
    let (items, next_token) = page(all, input.next_token.as_deref(), None)?;
    Ok(ListTagsForResourceResponse { tags: Some(items), next_token })
}

// ---------------------------------------------------------------- effective policies

/// Merges a child policy into what the levels above it set, following the
/// management-policy inheritance operators: `@@assign` replaces, `@@append`
/// adds to a list, `@@remove` takes values out; plain values replace, and
/// `@@operators_allowed_for_child_policies` is dropped from the result.
fn merge(into: &mut Map<String, Json>, child: &Map<String, Json>) {
    for (k, v) in child {
        if k == "@@operators_allowed_for_child_policies" {
            continue;
        }
        match v {
            Json::Object(ops) if ops.keys().any(|o| o.starts_with("@@")) => {
                if let Some(a) = ops.get("@@assign") {
                    into.insert(k.clone(), a.clone());
                }
                if let Some(Json::Array(add)) = ops.get("@@append") {
                    let mut list = match into.get(k) {
                        Some(Json::Array(l)) => l.clone(),
                        Some(other) => vec![other.clone()],
                        None => Vec::new(),
                    };
                    for x in add {
                        if !list.contains(x) {
                            list.push(x.clone());
                        }
                    }
                    into.insert(k.clone(), Json::Array(list));
                }
                if let Some(rm) = ops.get("@@remove") {
                    let rm: Vec<Json> = match rm {
                        Json::Array(l) => l.clone(),
                        other => vec![other.clone()],
                    };
                    match into.get_mut(k) {
                        Some(Json::Array(l)) => l.retain(|x| !rm.contains(x)),
                        Some(_) => {
                            into.remove(k);
                        }
                        None => {}
                    }
                }
                let nested: Map<String, Json> = ops.iter().filter(|(o, _)| !o.starts_with("@@")).map(|(a, b)| (a.clone(), b.clone())).collect();
                if !nested.is_empty() {
                    let slot = into.entry(k.clone()).or_insert_with(|| Json::Object(Map::new()));
                    if let Json::Object(m) = slot {
                        merge(m, &nested);
                    }
                }
            }
            Json::Object(sub) => {
                let slot = into.entry(k.clone()).or_insert_with(|| Json::Object(Map::new()));
                if !slot.is_object() {
                    *slot = Json::Object(Map::new());
                }
                if let Json::Object(m) = slot {
                    merge(m, sub);
                }
            }
            other => {
                into.insert(k.clone(), other.clone());
            }
        }
    }
}

pub fn describe_effective_policy(ctx: &RequestContext, input: DescribeEffectivePolicyRequest) -> R<DescribeEffectivePolicyResponse> {
    let data = store().read();
    let org = member_org(&data, ctx)?;
    let target = input.target_id.clone().unwrap_or_else(|| ctx.account_id.clone());
    if target != ctx.account_id && org.management_account_id != ctx.account_id {
        return Err(access_denied());
    }
    if org.is_parent(&target) {
        return Err(invalid_input("TARGET_NOT_SUPPORTED", "You can't perform the specified operation on that target entity."));
    }
    if !org.accounts.contains_key(&target) {
        return Err(target_not_found());
    }
    let policy_type = input.policy_type.as_str();
    let mut merged = Map::new();
    let mut any = false;
    for level in org.path_to(&target) {
        for p in org.attached(&level, policy_type) {
            if let Ok(Json::Object(doc)) = serde_json::from_str::<Json>(&p.content) {
                merge(&mut merged, &doc);
                any = true;
            }
        }
    }
    if !any || !org.is_enabled(policy_type) {
        return Err(err("EffectivePolicyNotFoundException", "We can't find an effective policy for the specified target."));
    }
    Ok(DescribeEffectivePolicyResponse {
        effective_policy: Some(EffectivePolicy {
            policy_content: Some(Json::Object(merged).to_string()),
            last_updated_timestamp: ts(orgs::now()),
            target_id: Some(target),
            policy_type: Some(input.policy_type),
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scps_are_iam_documents_without_principals_and_size_limited() {
        assert!(validate(SERVICE_CONTROL_POLICY, r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"sqs:*","Resource":"*"}]}"#)
            .expect("valid")
            .is_some());
        let e = validate(
            SERVICE_CONTROL_POLICY,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"sqs:*","Resource":"*"}]}"#,
        )
        .unwrap_err();
        assert_eq!(e.code, "MalformedPolicyDocumentException");
        assert_eq!(validate(SERVICE_CONTROL_POLICY, "not json").unwrap_err().code, "MalformedPolicyDocumentException");
        let big = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"{}","Effect":"Deny","Action":"sqs:*","Resource":"*"}}]}}"#,
            "a".repeat(5100)
        );
        assert_eq!(validate(SERVICE_CONTROL_POLICY, &big).unwrap_err().code, "ConstraintViolationException");
        assert!(validate("TAG_POLICY", r#"{"tags":{}}"#).expect("valid").is_none());
        assert_eq!(validate("TAG_POLICY", "[]").unwrap_err().code, "MalformedPolicyDocumentException");
    }

    #[test]
    fn effective_policies_follow_the_inheritance_operators() {
        let mut m = Map::new();
        let parent: Json = serde_json::json!({"tags": {"cc": {"tag_key": {"@@assign": "CostCenter"}, "tag_value": {"@@assign": ["100", "200"]}}}});
        let child: Json = serde_json::json!({"tags": {"cc": {"tag_value": {"@@append": ["300"]}}}});
        merge(&mut m, parent.as_object().expect("object"));
        merge(&mut m, child.as_object().expect("object"));
        assert_eq!(Json::Object(m), serde_json::json!({"tags": {"cc": {"tag_key": "CostCenter", "tag_value": ["100", "200", "300"]}}}));
    }
}
