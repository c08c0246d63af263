//! Account-wide IAM: the account alias, the password policy, the account
//! summary and authorization details, the credential report, STS token
//! preferences, and Organizations' root-credential features.

use crate::common::*;
use crate::shapes::{self, Detail};
use simfra_gen_iam::types::*;
use simfra_identity::iam::{self as store, key, IamData};
use simfra_identity::{accounts::accounts, credentials};
use simfra_model::{Bytes, RequestContext, ServiceError};
use std::collections::HashMap;

/// A credential report is served for four hours after it was generated.
const REPORT_LIFETIME: i64 = 4 * 3600;

// ------------------------------------------------------------- account alias

pub fn create_account_alias(ctx: &RequestContext, input: CreateAccountAliasRequest) -> R<()> {
    let alias = input.account_alias;
    // Aliases are unique across all accounts.
    for ((account, _), st) in store::store().all() {
        if account != ctx.account_id && st.read().account_aliases.contains(&alias) {
            return Err(already_exists(format!("The account alias {alias} already exists.")));
        }
    }
    let st = state(ctx);
    let mut d = st.write();
    // An account has one alias: a new one replaces it.
    d.account_aliases = vec![alias];
    Ok(())
}

pub fn delete_account_alias(ctx: &RequestContext, input: DeleteAccountAliasRequest) -> R<()> {
    let st = state(ctx);
    let mut d = st.write();
    if !d.account_aliases.contains(&input.account_alias) {
        return Err(no_such_entity(format!("The account alias {} cannot be found.", input.account_alias)));
    }
    d.account_aliases.retain(|a| *a != input.account_alias);
    Ok(())
}

pub fn list_account_aliases(ctx: &RequestContext, input: ListAccountAliasesRequest) -> R<ListAccountAliasesResponse> {
    let st = state(ctx);
    let d = st.read();
    let page = paginate(d.account_aliases.clone(), |a| a.clone(), input.marker.as_deref(), input.max_items)?;
    let truncated = page.is_truncated();
    Ok(ListAccountAliasesResponse { account_aliases: page.items, is_truncated: truncated, marker: page.marker })
}

// ----------------------------------------------------------- password policy

fn no_password_policy(account: &str) -> ServiceError {
    no_such_entity(format!("The Password Policy with domain name {account} cannot be found."))
}

pub fn update_account_password_policy(ctx: &RequestContext, input: UpdateAccountPasswordPolicyRequest) -> R<()> {
    let st = state(ctx);
    // Parameters left out take their defaults, as on AWS.
    st.write().password_policy = Some(store::PasswordPolicy {
        minimum_password_length: Some(input.minimum_password_length.unwrap_or(6)),
        require_symbols: input.require_symbols.unwrap_or(false),
        require_numbers: input.require_numbers.unwrap_or(false),
        require_uppercase_characters: input.require_uppercase_characters.unwrap_or(false),
        require_lowercase_characters: input.require_lowercase_characters.unwrap_or(false),
        allow_users_to_change_password: input.allow_users_to_change_password.unwrap_or(false),
        max_password_age: input.max_password_age.filter(|a| *a > 0),
        password_reuse_prevention: input.password_reuse_prevention.filter(|n| *n > 0),
        hard_expiry: input.hard_expiry,
    });
    Ok(())
}

pub fn get_account_password_policy(ctx: &RequestContext) -> R<GetAccountPasswordPolicyResponse> {
    let st = state(ctx);
    let d = st.read();
    let p = d.password_policy.as_ref().ok_or_else(|| no_password_policy(&ctx.account_id))?;
    Ok(GetAccountPasswordPolicyResponse {
        password_policy: PasswordPolicy {
            minimum_password_length: p.minimum_password_length,
            require_symbols: Some(p.require_symbols),
            require_numbers: Some(p.require_numbers),
            require_uppercase_characters: Some(p.require_uppercase_characters),
            require_lowercase_characters: Some(p.require_lowercase_characters),
            allow_users_to_change_password: Some(p.allow_users_to_change_password),
            expire_passwords: Some(p.max_password_age.is_some()),
            max_password_age: p.max_password_age,
            password_reuse_prevention: p.password_reuse_prevention,
            hard_expiry: p.hard_expiry,
        },
    })
}

pub fn delete_account_password_policy(ctx: &RequestContext) -> R<()> {
    let st = state(ctx);
    let mut d = st.write();
    if d.password_policy.take().is_none() {
        return Err(no_password_policy(&ctx.account_id));
    }
    Ok(())
}

// ------------------------------------------------------------------ summary

/// Whether the root user has an access key (the account's own or one created through IAM).
fn root_has_keys(account: &str, d: &IamData) -> bool {
    let registry = accounts().get(account).and_then(|a| credentials().lookup(&a.root_access_key_id)).is_some();
    registry || d.root_access_keys.iter().any(|k| credentials().lookup(&k.id).is_some())
}

pub fn get_account_summary(ctx: &RequestContext) -> R<GetAccountSummaryResponse> {
    let st = state(ctx);
    let d = st.read();
    let attachments: usize = d.policies.values().map(|p| d.attachment_count(&p.arn)).sum::<usize>()
        + simfra_identity::managed::aws_managed().iter().map(|p| d.attachment_count(&p.arn())).sum::<usize>();
    let mfa_in_use = d.virtual_mfa_devices.values().filter(|m| m.user.is_some()).count();
    let token_version = if d.global_endpoint_token_version.as_deref() == Some("v2Token") { 2 } else { 1 };
    let n = |x: usize| x as i32;
    let entries: [(&str, i32); 32] = [
        ("Users", n(d.users.len())),
        ("UsersQuota", 5000),
        ("Groups", n(d.groups.len())),
        ("GroupsQuota", 300),
        ("Roles", n(d.roles.len())),
        ("RolesQuota", 1000),
        ("InstanceProfiles", n(d.instance_profiles.len())),
        ("InstanceProfilesQuota", 1000),
        ("ServerCertificates", n(d.server_certificates.len())),
        ("ServerCertificatesQuota", 20),
        ("Policies", n(d.policies.len())),
        ("PoliciesQuota", 1500),
        ("PolicySizeQuota", 6144),
        ("PolicyVersionsInUse", n(attachments)),
        ("PolicyVersionsInUseQuota", 10000),
        ("VersionsPerPolicyQuota", 5),
        ("UserPolicySizeQuota", 2048),
        ("GroupPolicySizeQuota", 5120),
        ("RolePolicySizeQuota", 10240),
        ("AssumeRolePolicySizeQuota", 2048),
        ("GroupsPerUserQuota", 10),
        ("SigningCertificatesPerUserQuota", 2),
        ("AccessKeysPerUserQuota", 2),
        ("AttachedPoliciesPerGroupQuota", 10),
        ("AttachedPoliciesPerRoleQuota", 10),
        ("AttachedPoliciesPerUserQuota", 10),
        ("MFADevices", n(d.virtual_mfa_devices.len())),
        ("MFADevicesInUse", n(mfa_in_use)),
        ("AccountMFAEnabled", 0),
        ("AccountAccessKeysPresent", i32::from(root_has_keys(&ctx.account_id, &d))),
        ("Providers", n(d.oidc_providers.len() + d.saml_providers.len())),
        ("GlobalEndpointTokenVersion", token_version),
    ];
    let mut map: HashMap<String, i32> = entries.iter().map(|(k, v)| (k.to_string(), *v)).collect();
    map.insert("AccountPasswordPresent".into(), 0);
    map.insert("AccountSigningCertificatesPresent".into(), 0);
    Ok(GetAccountSummaryResponse { summary_map: Some(map) })
}

pub fn set_security_token_service_preferences(ctx: &RequestContext, input: SetSecurityTokenServicePreferencesRequest) -> R<()> {
    let st = state(ctx);
    st.write().global_endpoint_token_version = Some(input.global_endpoint_token_version.as_str().to_string());
    Ok(())
}

// ---------------------------------------------------- authorization details

enum Detailed {
    User(UserDetail),
    Group(GroupDetail),
    Role(RoleDetail),
    Policy(ManagedPolicyDetail),
}

pub fn get_account_authorization_details(
    ctx: &RequestContext,
    input: GetAccountAuthorizationDetailsRequest,
) -> R<GetAccountAuthorizationDetailsResponse> {
    let st = state(ctx);
    let d = st.read();
    let filter = input.filter.clone().unwrap_or_default();
    let wants = |t: EntityType| filter.is_empty() || filter.contains(&t);
    let mut all: Vec<(String, Detailed)> = Vec::new();
    if wants(EntityType::User) {
        for u in d.users.values() {
            all.push((
                format!("1{}", key(&u.name)),
                Detailed::User(UserDetail {
                    path: Some(u.path.clone()),
                    user_name: Some(u.name.clone()),
                    user_id: Some(u.id.clone()),
                    arn: Some(u.arn.clone()),
                    create_date: Some(ts(u.created)),
                    user_policy_list: Some(shapes::inline_details(&u.inline)),
                    group_list: Some(d.groups_of(&key(&u.name)).map(|g| g.name.clone()).collect()),
                    attached_managed_policies: Some(shapes::attached(&u.attached)),
                    permissions_boundary: shapes::user(u, Detail::Full).permissions_boundary,
                    tags: Some(tag_list(&u.tags)),
                }),
            ));
        }
    }
    if wants(EntityType::Group) {
        for g in d.groups.values() {
            all.push((
                format!("2{}", key(&g.name)),
                Detailed::Group(GroupDetail {
                    path: Some(g.path.clone()),
                    group_name: Some(g.name.clone()),
                    group_id: Some(g.id.clone()),
                    arn: Some(g.arn.clone()),
                    create_date: Some(ts(g.created)),
                    group_policy_list: Some(shapes::inline_details(&g.inline)),
                    attached_managed_policies: Some(shapes::attached(&g.attached)),
                }),
            ));
        }
    }
    if wants(EntityType::Role) {
        for r in d.roles.values() {
            let rk = key(&r.name);
            let full = shapes::role(&st, r, Detail::Full);
            all.push((
                format!("3{rk}"),
                Detailed::Role(RoleDetail {
                    path: Some(r.path.clone()),
                    role_name: Some(r.name.clone()),
                    role_id: Some(r.id.clone()),
                    arn: Some(r.arn.clone()),
                    create_date: Some(ts(r.created)),
                    assume_role_policy_document: Some(encoded(&r.trust)),
                    instance_profile_list: Some(
                        d.instance_profiles.values().filter(|ip| ip.roles.contains(&rk)).map(|ip| shapes::instance_profile(&st, &d, ip, false)).collect(),
                    ),
                    role_policy_list: Some(shapes::inline_details(&r.inline)),
                    attached_managed_policies: Some(shapes::attached(&r.attached)),
                    permissions_boundary: full.permissions_boundary,
                    tags: Some(tag_list(&r.tags)),
                    role_last_used: full.role_last_used,
                }),
            ));
        }
    }
    if wants(EntityType::LocalManagedPolicy) {
        for p in d.policies.values() {
            let shown = shapes::policy(&d, p, Detail::Full);
            all.push((
                format!("4{}", key(&p.name)),
                Detailed::Policy(ManagedPolicyDetail {
                    policy_name: shown.policy_name,
                    policy_id: shown.policy_id,
                    arn: shown.arn,
                    path: shown.path,
                    default_version_id: shown.default_version_id,
                    attachment_count: shown.attachment_count,
                    permissions_boundary_usage_count: shown.permissions_boundary_usage_count,
                    is_attachable: shown.is_attachable,
                    description: shown.description,
                    create_date: shown.create_date,
                    update_date: shown.update_date,
                    policy_version_list: Some(p.versions.iter().map(|v| shapes::policy_version(p, v, true)).collect()),
                }),
            ));
        }
    }
    if wants(EntityType::AwsManagedPolicy) {
        // The AWS managed policies the account uses.
        for p in simfra_identity::managed::aws_managed() {
            let arn = p.arn();
            if d.attachment_count(&arn) + d.boundary_usage_count(&arn) == 0 {
                continue;
            }
            let shown = shapes::aws_policy(&d, p, Detail::Full);
            all.push((
                format!("5{}", key(p.name)),
                Detailed::Policy(ManagedPolicyDetail {
                    policy_name: shown.policy_name,
                    policy_id: shown.policy_id,
                    arn: shown.arn,
                    path: shown.path,
                    default_version_id: shown.default_version_id,
                    attachment_count: shown.attachment_count,
                    permissions_boundary_usage_count: shown.permissions_boundary_usage_count,
                    is_attachable: shown.is_attachable,
                    description: shown.description,
                    create_date: shown.create_date,
                    update_date: shown.update_date,
                    policy_version_list: Some(vec![shapes::aws_policy_version(p, true)]),
                }),
            ));
        }
    }
    let page = paginate(all, |(k, _)| k.clone(), input.marker.as_deref(), input.max_items)?;
    let mut out = GetAccountAuthorizationDetailsResponse {
        user_detail_list: Some(Vec::new()),
        group_detail_list: Some(Vec::new()),
        role_detail_list: Some(Vec::new()),
        policies: Some(Vec::new()),
        is_truncated: page.is_truncated(),
        marker: page.marker.clone(),
    };
    for (_, item) in page.items {
        match item {
            Detailed::User(u) => out.user_detail_list.get_or_insert_with(Vec::new).push(u),
            Detailed::Group(g) => out.group_detail_list.get_or_insert_with(Vec::new).push(g),
            Detailed::Role(r) => out.role_detail_list.get_or_insert_with(Vec::new).push(r),
            Detailed::Policy(p) => out.policies.get_or_insert_with(Vec::new).push(p),
        }
    }
    Ok(out)
}

// --------------------------------------------------------- credential report

/// The report's time format: ISO 8601 with an explicit UTC offset.
fn report_time(secs: i64) -> String {
    let (y, mo, d, h, mi, s) = simfra_model::calendar::utc_parts(secs);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}+00:00")
}

fn or_na(t: Option<i64>) -> String {
    t.map(report_time).unwrap_or_else(|| "N/A".into())
}

const REPORT_COLUMNS: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated";

/// The columns for one access key (or two N/A-filled when there is none).
fn key_columns(st: &store::IamState, k: Option<&store::AccessKey>) -> Vec<String> {
    match k {
        None => vec!["false".into(), "N/A".into(), "N/A".into(), "N/A".into(), "N/A".into()],
        Some(k) => {
            let used = st.key_last_used(&k.id);
            vec![
                k.active.to_string(),
                report_time(k.created),
                or_na(used.as_ref().map(|u| u.when)),
                used.as_ref().map(|u| u.region.clone()).unwrap_or_else(|| "N/A".into()),
                used.as_ref().map(|u| u.service.clone()).unwrap_or_else(|| "N/A".into()),
            ]
        }
    }
}

fn cert_columns(c: Option<&store::SigningCertificate>) -> Vec<String> {
    match c {
        None => vec!["false".into(), "N/A".into()],
        Some(c) => vec![c.active.to_string(), report_time(c.uploaded)],
    }
}

/// The CSV AWS documents: the root user first, then each user.
fn build_report(ctx: &RequestContext, st: &store::IamState, d: &IamData) -> String {
    let mut rows = vec![REPORT_COLUMNS.to_string()];
    let account = accounts().get(&ctx.account_id);
    let mut root_keys: Vec<store::AccessKey> = Vec::new();
    if let Some(a) = &account {
        if let Some(c) = credentials().lookup(&a.root_access_key_id) {
            root_keys.push(store::AccessKey { id: c.access_key_id, active: c.active, created: a.created });
        }
    }
    root_keys.extend(d.root_access_keys.iter().filter(|k| credentials().lookup(&k.id).is_some()).cloned());
    let mut root = vec![
        "<root_account>".to_string(),
        format!("arn:aws:iam::{}:root", ctx.account_id),
        report_time(account.as_ref().map(|a| a.created).unwrap_or(0)),
        "not_supported".into(),
        "no_information".into(),
        "not_supported".into(),
        "not_supported".into(),
        "false".into(),
    ];
    root.extend(key_columns(st, root_keys.first()));
    root.extend(key_columns(st, root_keys.get(1)));
    root.extend(cert_columns(None));
    root.extend(cert_columns(None));
    rows.push(root.join(","));
    let max_age = d.password_policy.as_ref().and_then(|p| p.max_password_age);
    for u in d.users.values() {
        let lp = u.login_profile.as_ref();
        let mut row = vec![
            u.name.clone(),
            u.arn.clone(),
            report_time(u.created),
            lp.is_some().to_string(),
            match lp {
                None => "N/A".into(),
                Some(_) => u.password_last_used.map(report_time).unwrap_or_else(|| "no_information".into()),
            },
            or_na(lp.map(|l| l.password_last_changed)),
            or_na(lp.and_then(|l| max_age.map(|days| l.password_last_changed + days as i64 * 86400))),
            (!u.mfa_devices.is_empty()).to_string(),
        ];
        row.extend(key_columns(st, u.access_keys.first()));
        row.extend(key_columns(st, u.access_keys.get(1)));
        row.extend(cert_columns(u.signing_certificates.first()));
        row.extend(cert_columns(u.signing_certificates.get(1)));
        rows.push(row.join(","));
    }
    rows.join("\n")
}

pub fn generate_credential_report(ctx: &RequestContext) -> R<GenerateCredentialReportResponse> {
    let st = state(ctx);
    let mut d = st.write();
    let t = now();
    let fresh = d.credential_report.as_ref().map(|r| t - r.generated < REPORT_LIFETIME).unwrap_or(false);
    if fresh {
        return Ok(GenerateCredentialReportResponse { state: Some(ReportStateType::Complete), description: None });
    }
    let csv = build_report(ctx, &st, &d);
    d.credential_report = Some(store::CredentialReport { generated: t, csv: csv.into_bytes() });
    Ok(GenerateCredentialReportResponse {
        state: Some(ReportStateType::Started),
        description: Some("No report exists. Starting a new report generation task".into()),
    })
}

pub fn get_credential_report(ctx: &RequestContext) -> R<GetCredentialReportResponse> {
    let st = state(ctx);
    let d = st.read();
    let Some(r) = &d.credential_report else {
        return Err(CredentialReportNotPresentException {
            message: Some("Unable to find a credential report for this account. Use GenerateCredentialReport to generate a report.".into()),
        }
        .into());
    };
    if now() - r.generated >= REPORT_LIFETIME {
        return Err(CredentialReportExpiredException {
            message: Some("The credential report has expired. To generate a new one, use GenerateCredentialReport.".into()),
        }
        .into());
    }
    Ok(GetCredentialReportResponse {
        content: Some(Bytes::from(r.csv.clone())),
        report_format: Some(ReportFormatType::TextCsv),
        generated_time: Some(ts(r.generated)),
    })
}

// ---------------------------------------------- Organizations root features

/// Root-credential management is an Organizations feature; an account
/// outside an organization gets AWS's answer for that.
fn no_organization() -> ServiceError {
    OrganizationNotFoundException { message: Some("The request failed because your account is not a member of an organization.".into()) }.into()
}

pub fn list_organizations_features(_ctx: &RequestContext, _input: ListOrganizationsFeaturesRequest) -> R<ListOrganizationsFeaturesResponse> {
    Err(no_organization())
}

pub fn enable_organizations_root_credentials_management(
    _ctx: &RequestContext,
    _input: EnableOrganizationsRootCredentialsManagementRequest,
) -> R<EnableOrganizationsRootCredentialsManagementResponse> {
    Err(no_organization())
}

pub fn disable_organizations_root_credentials_management(
    _ctx: &RequestContext,
    _input: DisableOrganizationsRootCredentialsManagementRequest,
) -> R<DisableOrganizationsRootCredentialsManagementResponse> {
    Err(no_organization())
}

pub fn enable_organizations_root_sessions(
    _ctx: &RequestContext,
    _input: EnableOrganizationsRootSessionsRequest,
) -> R<EnableOrganizationsRootSessionsResponse> {
    Err(no_organization())
}

pub fn disable_organizations_root_sessions(
    _ctx: &RequestContext,
    _input: DisableOrganizationsRootSessionsRequest,
) -> R<DisableOrganizationsRootSessionsResponse> {
    Err(no_organization())
}
