//! The organization itself: creating and deleting it, its root and the
//! policy types enabled there, its feature set, trusted service access,
//! delegated administrators and its resource policy.

use crate::common::*;
use simfra_gen_organizations::types::*;
use simfra_identity::organizations::{self as orgs, store};
use simfra_model::RequestContext;

/// The e-mail address Organizations shows for an account Simfra knows
/// without one (accounts made through the admin API have none).
pub fn email_of(account: &str) -> String {
    format!("{account}@example.com")
}

/// The Simfra name of an account.
pub fn name_of(account: &str) -> String {
    simfra_identity::accounts::accounts().get(account).map(|a| a.name).unwrap_or_else(|| account.to_string())
}

pub fn create_organization(ctx: &RequestContext, input: CreateOrganizationRequest) -> R<CreateOrganizationResponse> {
    let feature_set = input.feature_set.as_ref().map(|f| f.as_str().to_string()).unwrap_or_else(|| "ALL".into());
    let mut data = store().write();
    if data.org_of(&ctx.account_id).is_some() {
        return Err(err("AlreadyInOrganizationException", "The AWS account is already a member of an organization."));
    }
    let me = &ctx.account_id;
    let org = orgs::Organization::new(me, &name_of(me), &email_of(me), &feature_set);
    let out = organization_out(&org);
    data.insert_org(org);
    Ok(CreateOrganizationResponse { organization: Some(out) })
}

pub fn describe_organization(ctx: &RequestContext) -> R<DescribeOrganizationResponse> {
    let data = store().read();
    let org = member_org(&data, ctx)?;
    Ok(DescribeOrganizationResponse { organization: Some(organization_out(org)) })
}

pub fn delete_organization(ctx: &RequestContext) -> R<()> {
    let mut data = store().write();
    let org = managed_org(&data, ctx)?;
    if org.accounts.len() > 1 {
        return Err(err(
            "OrganizationNotEmptyException",
            "To delete an organization you must first remove all member accounts (except the management account).",
        ));
    }
    let id = org.id.clone();
    data.remove_org(&id);
    // Invitations it sent can no longer be accepted.
    for h in data.handshakes.values_mut().filter(|h| h.organization_id == id && h.state == "OPEN") {
        h.state = "CANCELED".into();
    }
    Ok(())
}

pub fn list_roots(ctx: &RequestContext, input: ListRootsRequest) -> R<ListRootsResponse> {
    let data = store().read();
    let org = readable_org(&data, ctx)?;
    let (roots, next_token) = page(vec![root_out(org)], input.next_token.as_deref(), input.max_results)?;
    Ok(ListRootsResponse { roots: Some(roots), next_token })
}

/// Policy types are enabled in the root, and only with all features.
fn check_policy_type_root(org: &orgs::Organization, root_id: &str, policy_type: &str) -> R<()> {
    if root_id != org.root_id {
        return Err(root_not_found());
    }
    if org.feature_set != "ALL" {
        return Err(err(
            "PolicyTypeNotAvailableForOrganizationException",
            format!("You can't use the {policy_type} policy type with the feature set currently enabled for this organization."),
        ));
    }
    Ok(())
}

pub fn enable_policy_type(ctx: &RequestContext, input: EnablePolicyTypeRequest) -> R<EnablePolicyTypeResponse> {
    let mut data = store().write();
    let org = managed_org_mut(&mut data, ctx)?;
    let policy_type = input.policy_type.as_str();
    check_policy_type_root(org, &input.root_id, policy_type)?;
    if org.is_enabled(policy_type) {
        return Err(err("PolicyTypeAlreadyEnabledException", "The specified policy type is already enabled."));
    }
    org.enable_policy_type(policy_type);
    Ok(EnablePolicyTypeResponse { root: Some(root_out(org)) })
}

pub fn disable_policy_type(ctx: &RequestContext, input: DisablePolicyTypeRequest) -> R<DisablePolicyTypeResponse> {
    let mut data = store().write();
    let org = managed_org_mut(&mut data, ctx)?;
    let policy_type = input.policy_type.as_str();
    check_policy_type_root(org, &input.root_id, policy_type)?;
    if !org.is_enabled(policy_type) {
        return Err(err(
            "PolicyTypeNotEnabledException",
            "This operation can be performed only for enabled policy types.",
        ));
    }
    org.disable_policy_type(policy_type);
    Ok(DisablePolicyTypeResponse { root: Some(root_out(org)) })
}

/// From consolidated billing to all features. Simfra's accounts agree at
/// once, so the change is complete when the call returns.
pub fn enable_all_features(ctx: &RequestContext, _input: EnableAllFeaturesRequest) -> R<EnableAllFeaturesResponse> {
    let mut data = store().write();
    let org = managed_org_mut(&mut data, ctx)?;
    if org.feature_set == "ALL" {
        return Err(err_reason(
            "HandshakeConstraintViolationException",
            "This organization has already enabled all features.",
            Some("ORGANIZATION_ALREADY_HAS_ALL_FEATURES"),
        ));
    }
    org.feature_set = "ALL".into();
    let t = orgs::now();
    let id = orgs::new_handshake_id();
    let h = orgs::Handshake {
        arn: org.handshake_arn(&id, "ENABLE_ALL_FEATURES"),
        id: id.clone(),
        organization_id: org.id.clone(),
        management_account_id: org.management_account_id.clone(),
        parties: vec![(org.id.clone(), "ORGANIZATION".into())],
        target_account: org.management_account_id.clone(),
        state: "ACCEPTED".into(),
        requested: t,
        expires: t + 90 * 86400,
        action: "ENABLE_ALL_FEATURES".into(),
        resources: vec![orgs::HandshakeResource { kind: "ORGANIZATION".into(), value: org.id.clone(), resources: Vec::new() }],
        tags: Vec::new(),
    };
    let out = handshake_out(&h);
    data.handshakes.insert(id, h);
    Ok(EnableAllFeaturesResponse { handshake: Some(out) })
}

fn check_service_principal(principal: &str) -> R<()> {
    if principal.ends_with(".amazonaws.com") && principal.len() > ".amazonaws.com".len() {
        Ok(())
    } else {
        Err(invalid_input("UNRECOGNIZED_SERVICE_PRINCIPAL", "You specified an unrecognized service principal."))
    }
}

pub fn enable_aws_service_access(ctx: &RequestContext, input: EnableAwsServiceAccessRequest) -> R<()> {
    check_service_principal(&input.service_principal)?;
    let mut data = store().write();
    let org = managed_org_mut(&mut data, ctx)?;
    if org.feature_set != "ALL" {
        return Err(constraint(
            "ORGANIZATION_NOT_IN_ALL_FEATURES_MODE",
            "You can't perform this operation because the organization doesn't have all features enabled.",
        ));
    }
    org.enabled_services.entry(input.service_principal).or_insert_with(orgs::now);
    Ok(())
}

pub fn disable_aws_service_access(ctx: &RequestContext, input: DisableAwsServiceAccessRequest) -> R<()> {
    check_service_principal(&input.service_principal)?;
    let mut data = store().write();
    let org = managed_org_mut(&mut data, ctx)?;
    org.enabled_services.remove(&input.service_principal);
    Ok(())
}

pub fn list_aws_service_access(
    ctx: &RequestContext,
    input: ListAwsServiceAccessForOrganizationRequest,
) -> R<ListAwsServiceAccessForOrganizationResponse> {
    let data = store().read();
    let org = readable_org(&data, ctx)?;
    let all = org
        .enabled_services
        .iter()
        .map(|(p, t)| EnabledServicePrincipal { service_principal: Some(p.clone()), date_enabled: ts(*t) })
        .collect();
    let (items, next_token) = page(all, input.next_token.as_deref(), input.max_results)?;
    Ok(ListAwsServiceAccessForOrganizationResponse { enabled_service_principals: Some(items), next_token })
}

pub fn register_delegated_administrator(ctx: &RequestContext, input: RegisterDelegatedAdministratorRequest) -> R<()> {
    check_service_principal(&input.service_principal)?;
    let mut data = store().write();
    let org = managed_org_mut(&mut data, ctx)?;
    if input.account_id == org.management_account_id {
        return Err(constraint(
            "CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR",
            "You can't register the management account of your organization as a delegated administrator for an AWS service integrated with Organizations.",
        ));
    }
    if !org.accounts.contains_key(&input.account_id) {
        return Err(account_not_found());
    }
    let k = (input.account_id, input.service_principal);
    if org.delegated_admins.contains_key(&k) {
        return Err(err("AccountAlreadyRegisteredException", "The provided account is already a delegated administrator for your organization."));
    }
    org.delegated_admins.insert(k, orgs::now());
    Ok(())
}

pub fn deregister_delegated_administrator(ctx: &RequestContext, input: DeregisterDelegatedAdministratorRequest) -> R<()> {
    check_service_principal(&input.service_principal)?;
    let mut data = store().write();
    let org = managed_org_mut(&mut data, ctx)?;
    if !org.accounts.contains_key(&input.account_id) {
        return Err(account_not_found());
    }
    if org.delegated_admins.remove(&(input.account_id, input.service_principal)).is_none() {
        return Err(err("AccountNotRegisteredException", "The provided account is not a registered delegated administrator for your organization."));
    }
    Ok(())
}

pub fn list_delegated_administrators(
    ctx: &RequestContext,
    input: ListDelegatedAdministratorsRequest,
) -> R<ListDelegatedAdministratorsResponse> {
    if let Some(p) = &input.service_principal {
        check_service_principal(p)?;
    }
    let data = store().read();
    let org = readable_org(&data, ctx)?;
    let mut seen: Vec<String> = Vec::new();
    let mut all = Vec::new();
    for ((account, principal), when) in &org.delegated_admins {
        if input.service_principal.as_ref().is_some_and(|p| p != principal) || seen.contains(account) {
            continue;
        }
        let Some(m) = org.accounts.get(account) else { continue };
        seen.push(account.clone());
        let a = account_out(m);
        all.push(DelegatedAdministrator {
            id: a.id,
            arn: a.arn,
            email: a.email,
            name: a.name,
            status: a.status,
            joined_method: a.joined_method,
            joined_timestamp: a.joined_timestamp,
            delegation_enabled_date: ts(*when),
        });
    }
    let (items, next_token) = page(all, input.next_token.as_deref(), input.max_results)?;
    Ok(ListDelegatedAdministratorsResponse { delegated_administrators: Some(items), next_token })
}

pub fn list_delegated_services_for_account(
    ctx: &RequestContext,
    input: ListDelegatedServicesForAccountRequest,
) -> R<ListDelegatedServicesForAccountResponse> {
    let data = store().read();
    let org = readable_org(&data, ctx)?;
    if !org.accounts.contains_key(&input.account_id) {
        return Err(account_not_found());
    }
    let all: Vec<DelegatedService> = org
        .delegated_admins
        .iter()
        .filter(|((a, _), _)| *a == input.account_id)
        .map(|((_, p), when)| DelegatedService { service_principal: Some(p.clone()), delegation_enabled_date: ts(*when) })
        .collect();
    if all.is_empty() {
        return Err(err("AccountNotRegisteredException", "The provided account is not a registered delegated administrator for your organization."));
    }
    let (items, next_token) = page(all, input.next_token.as_deref(), input.max_results)?;
    Ok(ListDelegatedServicesForAccountResponse { delegated_services: Some(items), next_token })
}

/// The organization's resource policy lives with it, under a fixed id.
fn resource_policy_out(org: &orgs::Organization, content: &str) -> ResourcePolicy {
    let id = format!("rp-{}", &org.id[2..10.min(org.id.len())]);
    ResourcePolicy {
        resource_policy_summary: Some(ResourcePolicySummary {
            arn: Some(format!("arn:aws:organizations::{}:resourcepolicy/{}/{id}", org.management_account_id, org.id)),
            id: Some(id),
        }),
        content: Some(content.to_string()),
    }
}

const RESOURCE_POLICY_KEY: &str = "__resource_policy__";

fn resource_policy_not_found() -> simfra_model::ServiceError {
    err("ResourcePolicyNotFoundException", "We can't find a resource policy request with the parameter that you specified.")
}

pub fn put_resource_policy(ctx: &RequestContext, input: PutResourcePolicyRequest) -> R<PutResourcePolicyResponse> {
    let tags = tags_in(input.tags)?;
    let parsed = simfra_policy::parse(&input.content)
        .map_err(|_| invalid_input("INVALID_RESOURCE_POLICY_JSON", "The resource policy is not valid JSON."))?;
    if parsed.statements.iter().any(|s| s.principal.is_none() && s.not_principal.is_none()) {
        return Err(invalid_input("INVALID_PRINCIPAL", "The resource policy must name a principal in each statement."));
    }
    let mut data = store().write();
    let org = managed_org_mut(&mut data, ctx)?;
    org.resource_policy = Some(input.content.clone());
    if !tags.is_empty() {
        set_tags(org, RESOURCE_POLICY_KEY, tags)?;
    }
    Ok(PutResourcePolicyResponse { resource_policy: Some(resource_policy_out(org, &input.content)) })
}

pub fn describe_resource_policy(ctx: &RequestContext) -> R<DescribeResourcePolicyResponse> {
    let data = store().read();
    let org = member_org(&data, ctx)?;
    let content = org.resource_policy.as_deref().ok_or_else(resource_policy_not_found)?;
    Ok(DescribeResourcePolicyResponse { resource_policy: Some(resource_policy_out(org, content)) })
}

pub fn delete_resource_policy(ctx: &RequestContext) -> R<()> {
    let mut data = store().write();
    let org = managed_org_mut(&mut data, ctx)?;
    if org.resource_policy.take().is_none() {
        return Err(resource_policy_not_found());
    }
    org.tags.remove(RESOURCE_POLICY_KEY);
    Ok(())
}
