//! What every operation shares: AWS's errors, who may call what, paging, and
//! the store's records in the API's shapes.

use simfra_gen_organizations::types::*;
use simfra_identity::organizations::{self as orgs, OrgsData};
use simfra_model::{RequestContext, ServiceError, Timestamp, Value};

pub type R<T> = Result<T, ServiceError>;

/// An Organizations error shape by name, with its message and, for the
/// shapes that carry one (`ConstraintViolationException` …), its `Reason`.
pub fn err_reason(shape: &str, message: impl Into<String>, reason: Option<&str>) -> ServiceError {
    let schema = &simfra_gen_organizations::SCHEMA;
    let Some(id) = schema.shape_by_name(shape) else {
        return ServiceError::new(shape, 400, message);
    };
    let s = schema.shape(id);
    let mut fields = Vec::new();
    if let Some(i) = s.member_index("Message") {
        fields.push((i as u16, Value::String(message.into())));
    }
    if let (Some(reason), Some(i)) = (reason, s.member_index("Reason")) {
        fields.push((i as u16, Value::String(reason.to_string())));
    }
    ServiceError::from_shape(schema, id, Value::Struct(fields))
}

pub fn err(shape: &str, message: impl Into<String>) -> ServiceError {
    err_reason(shape, message, None)
}

pub fn constraint(reason: &str, message: impl Into<String>) -> ServiceError {
    err_reason("ConstraintViolationException", message, Some(reason))
}

pub fn invalid_input(reason: &str, message: impl Into<String>) -> ServiceError {
    err_reason("InvalidInputException", message, Some(reason))
}

pub fn not_in_use() -> ServiceError {
    err(
        "AWSOrganizationsNotInUseException",
        "Your account is not a member of an organization. To make this request, you must use the credentials of an account that belongs to an organization.",
    )
}

pub fn access_denied() -> ServiceError {
    err("AccessDeniedException", "You don't have permissions to access this resource.")
}

pub fn account_not_found() -> ServiceError {
    err("AccountNotFoundException", "You specified an account that doesn't exist.")
}

pub fn parent_not_found() -> ServiceError {
    err("ParentNotFoundException", "You specified parent that doesn't exist.")
}

pub fn target_not_found() -> ServiceError {
    err("TargetNotFoundException", "You specified a target that doesn't exist.")
}

pub fn policy_not_found() -> ServiceError {
    err("PolicyNotFoundException", "We can't find a policy with the PolicyId that you specified.")
}

pub fn ou_not_found() -> ServiceError {
    err("OrganizationalUnitNotFoundException", "We can't find an organizational unit (OU) with the OrganizationalUnitId that you specified.")
}

pub fn root_not_found() -> ServiceError {
    err("RootNotFoundException", "We can't find a root with the RootId that you specified.")
}

pub fn immutable_policy() -> ServiceError {
    invalid_input("IMMUTABLE_POLICY", "You specified a policy that is managed by AWS and can't be modified.")
}

/// The organization of the calling account (any member may ask).
pub fn member_org<'a>(data: &'a OrgsData, ctx: &RequestContext) -> R<&'a orgs::Organization> {
    data.org_of(&ctx.account_id).ok_or_else(not_in_use)
}

/// The organization the caller manages: management operations are refused to members.
pub fn managed_org<'a>(data: &'a OrgsData, ctx: &RequestContext) -> R<&'a orgs::Organization> {
    let org = member_org(data, ctx)?;
    if org.management_account_id != ctx.account_id {
        return Err(access_denied());
    }
    Ok(org)
}

pub fn managed_org_mut<'a>(data: &'a mut OrgsData, ctx: &RequestContext) -> R<&'a mut orgs::Organization> {
    managed_org(data, ctx)?;
    data.org_of_mut(&ctx.account_id).ok_or_else(not_in_use)
}

/// The organization for read-only calls: its management account, or a
/// member registered as a delegated administrator, may read it.
pub fn readable_org<'a>(data: &'a OrgsData, ctx: &RequestContext) -> R<&'a orgs::Organization> {
    let org = member_org(data, ctx)?;
    let delegated = org.delegated_admins.keys().any(|(a, _)| *a == ctx.account_id);
    if org.management_account_id != ctx.account_id && !delegated {
        return Err(access_denied());
    }
    Ok(org)
}

/// One page of `items` from `token` on: at most `max` (1–20, validated by
/// the gateway; 20 when absent) and the token of the next page, if any.
pub fn page<T>(items: Vec<T>, token: Option<&str>, max: Option<i32>) -> R<(Vec<T>, Option<String>)> {
    let start = match token {
        None => 0,
        Some(t) => t
            .strip_prefix("page-")
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|n| *n <= items.len())
            .ok_or_else(|| invalid_input("INVALID_NEXT_TOKEN", "You specified an invalid value for nextToken. You must get the value from the response to a previous call to the API."))?,
    };
    let size = max.filter(|m| *m > 0).unwrap_or(20) as usize;
    let end = (start + size).min(items.len());
    let next = (end < items.len()).then(|| format!("page-{end}"));
    Ok((items.into_iter().skip(start).take(end - start).collect(), next))
}

pub fn ts(secs: i64) -> Option<Timestamp> {
    Some(Timestamp::from_secs(secs))
}

pub fn tags_out(tags: &[(String, String)]) -> Vec<Tag> {
    tags.iter().map(|(k, v)| Tag { key: k.clone(), value: v.clone() }).collect()
}

/// Tags of a request, checked as AWS does: no key twice, at most 50 on a resource.
pub fn tags_in(tags: Option<Vec<Tag>>) -> R<Vec<(String, String)>> {
    let tags: Vec<(String, String)> = tags.unwrap_or_default().into_iter().map(|t| (t.key, t.value)).collect();
    for (i, (k, _)) in tags.iter().enumerate() {
        if tags[..i].iter().any(|(o, _)| o == k) {
            return Err(invalid_input("DUPLICATE_TAG_KEY", "You provided multiple tags with the same tag key."));
        }
        if k.to_ascii_lowercase().starts_with("aws:") {
            return Err(invalid_input("INVALID_SYSTEM_TAGS_PARAMETER", "The tag key cannot start with the reserved prefix 'aws:'."));
        }
    }
    if tags.len() > 50 {
        return Err(constraint("MAX_TAG_LIMIT_EXCEEDED", "You have exceeded the maximum number of tags allowed on this resource."));
    }
    Ok(tags)
}

/// Adds or replaces tags on a resource of the organization.
pub fn set_tags(org: &mut orgs::Organization, resource: &str, tags: Vec<(String, String)>) -> R<()> {
    let existing = org.tags.entry(resource.to_string()).or_default();
    let mut merged = existing.clone();
    for (k, v) in tags {
        match merged.iter_mut().find(|(ek, _)| *ek == k) {
            Some(e) => e.1 = v,
            None => merged.push((k, v)),
        }
    }
    if merged.len() > 50 {
        return Err(constraint("MAX_TAG_LIMIT_EXCEEDED", "You have exceeded the maximum number of tags allowed on this resource."));
    }
    *existing = merged;
    org.tags.retain(|_, t| !t.is_empty());
    Ok(())
}

pub fn organization_out(o: &orgs::Organization) -> Organization {
    let available = if o.feature_set == "ALL" {
        vec![PolicyTypeSummary { type_: Some(PolicyType::ServiceControlPolicy), status: Some(PolicyTypeStatus::Enabled) }]
    } else {
        Vec::new()
    };
    Organization {
        id: Some(o.id.clone()),
        arn: Some(o.arn.clone()),
        feature_set: Some(OrganizationFeatureSet::from(o.feature_set.as_str())),
        master_account_arn: Some(o.account_arn(&o.management_account_id)),
        master_account_id: Some(o.management_account_id.clone()),
        master_account_email: Some(o.management_email.clone()),
        available_policy_types: Some(available),
    }
}

pub fn root_out(o: &orgs::Organization) -> Root {
    Root {
        id: Some(o.root_id.clone()),
        arn: Some(o.root_arn.clone()),
        name: Some("Root".into()),
        policy_types: Some(
            o.policy_types
                .iter()
                .map(|(t, s)| PolicyTypeSummary { type_: Some(PolicyType::from(t.as_str())), status: Some(PolicyTypeStatus::from(s.as_str())) })
                .collect(),
        ),
    }
}

pub fn ou_out(ou: &orgs::OrganizationalUnit) -> OrganizationalUnit {
    OrganizationalUnit { id: Some(ou.id.clone()), arn: Some(ou.arn.clone()), name: Some(ou.name.clone()) }
}

pub fn account_out(m: &orgs::Member) -> Account {
    Account {
        id: Some(m.id.clone()),
        arn: Some(m.arn.clone()),
        email: Some(m.email.clone()),
        name: Some(m.name.clone()),
        status: Some(AccountStatus::from(m.status.as_str())),
        joined_method: Some(AccountJoinedMethod::from(m.joined_method.as_str())),
        joined_timestamp: ts(m.joined),
    }
}

pub fn policy_summary(p: &orgs::OrgPolicy) -> PolicySummary {
    PolicySummary {
        id: Some(p.id.clone()),
        arn: Some(p.arn.clone()),
        name: Some(p.name.clone()),
        description: Some(p.description.clone()),
        type_: Some(PolicyType::from(p.policy_type.as_str())),
        aws_managed: Some(p.aws_managed),
    }
}

pub fn policy_out(p: &orgs::OrgPolicy) -> Policy {
    Policy { policy_summary: Some(policy_summary(p)), content: Some(p.content.clone()) }
}

pub fn create_account_status_out(r: &orgs::CreateAccountRecord) -> CreateAccountStatus {
    CreateAccountStatus {
        id: Some(r.id.clone()),
        account_name: Some(r.account_name.clone()),
        state: Some(CreateAccountState::from(r.state.as_str())),
        requested_timestamp: ts(r.requested),
        completed_timestamp: r.completed.and_then(ts),
        account_id: r.account_id.clone(),
        gov_cloud_account_id: None,
        failure_reason: r.failure_reason.as_deref().map(CreateAccountFailureReason::from),
    }
}

fn handshake_resource_out(r: &orgs::HandshakeResource) -> HandshakeResource {
    HandshakeResource {
        value: Some(r.value.clone()),
        type_: Some(HandshakeResourceType::from(r.kind.as_str())),
        resources: (!r.resources.is_empty()).then(|| r.resources.iter().map(handshake_resource_out).collect()),
    }
}

pub fn handshake_out(h: &orgs::Handshake) -> Handshake {
    Handshake {
        id: Some(h.id.clone()),
        arn: Some(h.arn.clone()),
        parties: Some(h.parties.iter().map(|(id, t)| HandshakeParty { id: id.clone(), type_: HandshakePartyType::from(t.as_str()) }).collect()),
        state: Some(HandshakeState::from(h.state.as_str())),
        requested_timestamp: ts(h.requested),
        expiration_timestamp: ts(h.expires),
        action: Some(ActionType::from(h.action.as_str())),
        resources: Some(h.resources.iter().map(handshake_resource_out).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_follow_tokens_and_refuse_made_up_ones() {
        let (p1, t1) = page((0..45).collect::<Vec<_>>(), None, None).expect("first page");
        assert_eq!(p1.len(), 20);
        let (p2, t2) = page((0..45).collect::<Vec<_>>(), t1.as_deref(), Some(20)).expect("second page");
        assert_eq!(p2[0], 20);
        let (p3, t3) = page((0..45).collect::<Vec<_>>(), t2.as_deref(), Some(20)).expect("last page");
        assert_eq!(p3, vec![40, 41, 42, 43, 44]);
        assert!(t3.is_none());
        let e = page((0..5).collect::<Vec<_>>(), Some("page-9"), None).unwrap_err();
        assert_eq!(e.code, "InvalidInputException");
    }

    #[test]
    fn errors_carry_their_reason() {
        let e = constraint("MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED", "m");
        assert_eq!(e.code, "ConstraintViolationException");
        assert_eq!(e.message.as_deref(), Some("m"));
        assert!(matches!(&e.fields, Value::Struct(f) if f.iter().any(|(_, v)| *v == Value::String("MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED".into()))));
    }
}
