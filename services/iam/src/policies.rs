//! Managed policies: customer managed ones with their versions, the AWS
//! managed catalogue (`arn:aws:iam::aws:policy/…`, read-only), attaching them
//! to users, groups and roles, and permissions boundaries. Attachment counts
//! are computed from the attachments themselves, so they cannot drift.

use crate::common::*;
use crate::shapes::{self, Detail};
use simfra_gen_iam::types::*;
use simfra_identity::iam::{self as store, key, IamData};
use simfra_identity::managed::{self, AwsManagedPolicy};
use simfra_model::{RequestContext, ServiceError};

const POLICIES_QUOTA: usize = 1500;
const VERSIONS_PER_POLICY: usize = 5;
const MANAGED_POLICY_SIZE: usize = 6144;
const ATTACHED_PER_ENTITY: usize = 10;

/// A managed policy found by ARN.
pub enum Found<'a> {
    Customer(&'a store::ManagedPolicy),
    Aws(&'static AwsManagedPolicy),
}

/// The policy an ARN names: AWS managed, or customer managed in this account.
pub fn find<'a>(d: &'a IamData, account: &str, arn: &str) -> Option<Found<'a>> {
    if let Some(p) = managed::by_arn(arn) {
        return Some(Found::Aws(p));
    }
    let owner = arn.strip_prefix("arn:aws:iam::")?.split(':').next()?;
    if owner != account {
        return None;
    }
    d.policy_by_arn(arn).map(Found::Customer)
}

fn canonical(f: &Found) -> String {
    match f {
        Found::Customer(p) => p.arn.clone(),
        Found::Aws(p) => p.arn(),
    }
}

/// The ARN to attach, as the policy spells it.
pub fn resolve_attachable(d: &IamData, account: &str, arn: &str) -> R<String> {
    find(d, account, arn).map(|f| canonical(&f)).ok_or_else(|| not_attachable(arn))
}

/// A permissions boundary must be an existing managed policy.
pub fn resolve_boundary(d: &IamData, account: &str, arn: &str) -> R<String> {
    find(d, account, arn)
        .map(|f| canonical(&f))
        .ok_or_else(|| no_such_entity(format!("Scope ARN: {arn} does not exist or is not attachable.")))
}

/// The size IAM counts: characters other than white space.
pub fn policy_size(text: &str) -> usize {
    text.chars().filter(|c| !c.is_whitespace()).count()
}

fn check_managed_size(text: &str) -> R<()> {
    if policy_size(text) > MANAGED_POLICY_SIZE {
        return Err(limit_exceeded(format!("Cannot exceed quota for PolicySize: {MANAGED_POLICY_SIZE}")));
    }
    Ok(())
}

fn customer<'a>(d: &'a IamData, account: &str, arn: &str) -> R<&'a store::ManagedPolicy> {
    match find(d, account, arn) {
        Some(Found::Customer(p)) => Ok(p),
        _ => Err(no_such_policy(arn)),
    }
}

fn customer_mut<'a>(d: &'a mut IamData, account: &str, arn: &str) -> R<&'a mut store::ManagedPolicy> {
    customer(d, account, arn)?;
    d.policy_by_arn_mut(arn).ok_or_else(|| no_such_policy(arn))
}

fn aws_owned(ctx: &RequestContext, action: &str, arn: &str) -> ServiceError {
    let caller = ctx.principal_arn.clone().unwrap_or_else(|| format!("arn:aws:iam::{}:root", ctx.account_id));
    ServiceError::new("AccessDenied", 403, format!("User: {caller} is not authorized to perform: iam:{action} on resource: policy {arn}"))
}

pub fn create_policy(ctx: &RequestContext, input: CreatePolicyRequest) -> R<CreatePolicyResponse> {
    let path = path_or_root(input.path);
    check_path(&path)?;
    let document = identity_document(&input.policy_document)?;
    check_managed_size(&input.policy_document)?;
    let st = state(ctx);
    let mut d = st.write();
    if d.policies.contains_key(&key(&input.policy_name)) {
        return Err(already_exists(format!("A policy called {} already exists. Duplicate names are not allowed.", input.policy_name)));
    }
    if d.policies.len() >= POLICIES_QUOTA {
        return Err(limit_exceeded(format!("Cannot exceed quota for PoliciesPerAccount: {POLICIES_QUOTA}")));
    }
    let mut tags = store::Tags::default();
    apply_tags(&mut tags, input.tags.as_deref().unwrap_or(&[]))?;
    let created = now();
    let p = store::ManagedPolicy {
        arn: arn(&ctx.account_id, "policy", &path, &input.policy_name),
        name: input.policy_name.clone(),
        id: unique_id("ANPA"),
        path,
        created,
        updated: created,
        description: input.description.filter(|s| !s.is_empty()),
        default_version: "v1".into(),
        versions: vec![store::PolicyVersion { id: "v1".into(), document, created }],
        next_version: 2,
        tags,
    };
    let mut shown = shapes::policy(&d, &p, Detail::Listed);
    shown.tags = tags_opt(&p.tags);
    d.policies.insert(key(&input.policy_name), p);
    Ok(CreatePolicyResponse { policy: Some(shown) })
}

pub fn get_policy(ctx: &RequestContext, input: GetPolicyRequest) -> R<GetPolicyResponse> {
    let st = state(ctx);
    let d = st.read();
    let shown = match find(&d, &ctx.account_id, &input.policy_arn) {
        Some(Found::Customer(p)) => shapes::policy(&d, p, Detail::Full),
        Some(Found::Aws(p)) => shapes::aws_policy(&d, p, Detail::Full),
        None => return Err(no_such_policy(&input.policy_arn)),
    };
    Ok(GetPolicyResponse { policy: Some(shown) })
}

pub fn delete_policy(ctx: &RequestContext, input: DeletePolicyRequest) -> R<()> {
    let st = state(ctx);
    let mut d = st.write();
    let p = match find(&d, &ctx.account_id, &input.policy_arn) {
        Some(Found::Customer(p)) => p,
        Some(Found::Aws(_)) => return Err(aws_owned(ctx, "DeletePolicy", &input.policy_arn)),
        None => return Err(no_such_policy(&input.policy_arn)),
    };
    if d.attachment_count(&p.arn) > 0 || d.boundary_usage_count(&p.arn) > 0 {
        return Err(delete_conflict("Cannot delete a policy attached to entities."));
    }
    if p.versions.len() > 1 {
        return Err(delete_conflict(
            "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
        ));
    }
    let k = key(&p.name);
    d.policies.remove(&k);
    Ok(())
}

/// Which policies ListPolicies shows.
fn listed(d: &IamData, arn: &str, input: &ListPoliciesRequest) -> bool {
    let attachments = d.attachment_count(arn);
    let boundaries = d.boundary_usage_count(arn);
    if input.only_attached == Some(true) {
        return match &input.policy_usage_filter {
            Some(PolicyUsageType::PermissionsBoundary) => boundaries > 0,
            _ => attachments > 0,
        };
    }
    true
}

pub fn list_policies(ctx: &RequestContext, input: ListPoliciesRequest) -> R<ListPoliciesResponse> {
    let st = state(ctx);
    let d = st.read();
    let scope = input.scope.clone().unwrap_or(PolicyScopeType::All);
    let mut all: Vec<(String, Policy)> = Vec::new();
    if matches!(scope, PolicyScopeType::All | PolicyScopeType::Local) {
        for p in d.policies.values() {
            if path_matches(&p.path, input.path_prefix.as_deref()) && listed(&d, &p.arn, &input) {
                all.push((format!("{}|{}", key(&p.name), p.arn), shapes::policy(&d, p, Detail::Listed)));
            }
        }
    }
    if matches!(scope, PolicyScopeType::All | PolicyScopeType::Aws) {
        for p in managed::aws_managed() {
            let arn = p.arn();
            if path_matches(p.path, input.path_prefix.as_deref()) && listed(&d, &arn, &input) {
                all.push((format!("{}|{}", key(p.name), arn), shapes::aws_policy(&d, p, Detail::Listed)));
            }
        }
    }
    all.sort_by(|a, b| a.0.cmp(&b.0));
    let page = paginate(all, |(k, _)| k.clone(), input.marker.as_deref(), input.max_items)?;
    let truncated = page.is_truncated();
    Ok(ListPoliciesResponse { policies: Some(page.items.into_iter().map(|(_, p)| p).collect()), is_truncated: truncated, marker: page.marker })
}

pub fn create_policy_version(ctx: &RequestContext, input: CreatePolicyVersionRequest) -> R<CreatePolicyVersionResponse> {
    let document = identity_document(&input.policy_document)?;
    check_managed_size(&input.policy_document)?;
    let st = state(ctx);
    let mut d = st.write();
    if let Some(Found::Aws(_)) = find(&d, &ctx.account_id, &input.policy_arn) {
        return Err(aws_owned(ctx, "CreatePolicyVersion", &input.policy_arn));
    }
    let p = customer_mut(&mut d, &ctx.account_id, &input.policy_arn)?;
    if p.versions.len() >= VERSIONS_PER_POLICY {
        return Err(limit_exceeded(format!(
            "A managed policy can have up to {VERSIONS_PER_POLICY} versions. Before you create a new version, you must delete an existing version."
        )));
    }
    let created = now();
    let v = store::PolicyVersion { id: format!("v{}", p.next_version), document, created };
    p.next_version += 1;
    if input.set_as_default == Some(true) {
        p.default_version = v.id.clone();
        p.updated = created;
    }
    let shown = shapes::policy_version(p, &v, false);
    p.versions.push(v);
    Ok(CreatePolicyVersionResponse { policy_version: Some(shown) })
}

fn no_such_version(arn: &str, version: &str) -> ServiceError {
    no_such_entity(format!("Policy {arn} version {version} does not exist or is not attachable."))
}

pub fn get_policy_version(ctx: &RequestContext, input: GetPolicyVersionRequest) -> R<GetPolicyVersionResponse> {
    let st = state(ctx);
    let d = st.read();
    let shown = match find(&d, &ctx.account_id, &input.policy_arn) {
        Some(Found::Customer(p)) => {
            let v = p.versions.iter().find(|v| v.id == input.version_id).ok_or_else(|| no_such_version(&p.arn, &input.version_id))?;
            shapes::policy_version(p, v, true)
        }
        Some(Found::Aws(p)) if p.default_version_id == input.version_id => shapes::aws_policy_version(p, true),
        Some(Found::Aws(p)) => return Err(no_such_version(&p.arn(), &input.version_id)),
        None => return Err(no_such_policy(&input.policy_arn)),
    };
    Ok(GetPolicyVersionResponse { policy_version: Some(shown) })
}

pub fn delete_policy_version(ctx: &RequestContext, input: DeletePolicyVersionRequest) -> R<()> {
    let st = state(ctx);
    let mut d = st.write();
    if let Some(Found::Aws(_)) = find(&d, &ctx.account_id, &input.policy_arn) {
        return Err(aws_owned(ctx, "DeletePolicyVersion", &input.policy_arn));
    }
    let p = customer_mut(&mut d, &ctx.account_id, &input.policy_arn)?;
    let Some(i) = p.versions.iter().position(|v| v.id == input.version_id) else {
        return Err(no_such_version(&p.arn, &input.version_id));
    };
    if p.default_version == input.version_id {
        return Err(delete_conflict("Cannot delete the default version of a policy."));
    }
    p.versions.remove(i);
    Ok(())
}

pub fn list_policy_versions(ctx: &RequestContext, input: ListPolicyVersionsRequest) -> R<ListPolicyVersionsResponse> {
    let st = state(ctx);
    let d = st.read();
    // Newest first, as AWS lists them.
    let all: Vec<(String, PolicyVersion)> = match find(&d, &ctx.account_id, &input.policy_arn) {
        Some(Found::Customer(p)) => p
            .versions
            .iter()
            .rev()
            .map(|v| (format!("{:010}", u32::MAX - v.id[1..].parse::<u32>().unwrap_or(0)), shapes::policy_version(p, v, false)))
            .collect(),
        Some(Found::Aws(p)) => vec![("0".into(), shapes::aws_policy_version(p, false))],
        None => return Err(no_such_policy(&input.policy_arn)),
    };
    let page = paginate(all, |(k, _)| k.clone(), input.marker.as_deref(), input.max_items)?;
    let truncated = page.is_truncated();
    Ok(ListPolicyVersionsResponse { versions: Some(page.items.into_iter().map(|(_, v)| v).collect()), is_truncated: truncated, marker: page.marker })
}

pub fn set_default_policy_version(ctx: &RequestContext, input: SetDefaultPolicyVersionRequest) -> R<()> {
    let st = state(ctx);
    let mut d = st.write();
    if let Some(Found::Aws(_)) = find(&d, &ctx.account_id, &input.policy_arn) {
        return Err(aws_owned(ctx, "SetDefaultPolicyVersion", &input.policy_arn));
    }
    let p = customer_mut(&mut d, &ctx.account_id, &input.policy_arn)?;
    if !p.versions.iter().any(|v| v.id == input.version_id) {
        return Err(no_such_version(&p.arn, &input.version_id));
    }
    p.default_version = input.version_id;
    p.updated = now();
    Ok(())
}

pub fn tag_policy(ctx: &RequestContext, input: TagPolicyRequest) -> R<()> {
    let st = state(ctx);
    let mut d = st.write();
    apply_tags(&mut customer_mut(&mut d, &ctx.account_id, &input.policy_arn)?.tags, &input.tags)
}

pub fn untag_policy(ctx: &RequestContext, input: UntagPolicyRequest) -> R<()> {
    let st = state(ctx);
    let mut d = st.write();
    customer_mut(&mut d, &ctx.account_id, &input.policy_arn)?.tags.remove(&input.tag_keys);
    Ok(())
}

pub fn list_policy_tags(ctx: &RequestContext, input: ListPolicyTagsRequest) -> R<ListPolicyTagsResponse> {
    let st = state(ctx);
    let d = st.read();
    let p = customer(&d, &ctx.account_id, &input.policy_arn)?;
    let (tags, is_truncated, marker) = list_tags(&p.tags, input.marker.as_deref(), input.max_items)?;
    Ok(ListPolicyTagsResponse { tags, is_truncated, marker })
}

// ------------------------------------------------------------- attachments

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Target {
    User,
    Group,
    Role,
}

impl Target {
    fn quota_name(self) -> &'static str {
        match self {
            Target::User => "PoliciesPerUser",
            Target::Group => "PoliciesPerGroup",
            Target::Role => "PoliciesPerRole",
        }
    }
}

/// The attachment list of a user, group or role (with IAM's errors for a
/// missing entity and for service-linked roles).
fn attachments_mut<'a>(d: &'a mut IamData, target: Target, name: &str) -> R<&'a mut Vec<String>> {
    let k = key(name);
    match target {
        Target::User => d.users.get_mut(&k).map(|u| &mut u.attached).ok_or_else(|| no_such_user(name)),
        Target::Group => d.groups.get_mut(&k).map(|g| &mut g.attached).ok_or_else(|| no_such_group(name)),
        Target::Role => {
            let r = d.roles.get_mut(&k).ok_or_else(|| no_such_role(name))?;
            if r.linked_service().is_some() {
                return Err(protected_role(&r.name));
            }
            Ok(&mut r.attached)
        }
    }
}

fn attachments<'a>(d: &'a IamData, target: Target, name: &str) -> R<&'a Vec<String>> {
    let k = key(name);
    match target {
        Target::User => d.users.get(&k).map(|u| &u.attached).ok_or_else(|| no_such_user(name)),
        Target::Group => d.groups.get(&k).map(|g| &g.attached).ok_or_else(|| no_such_group(name)),
        Target::Role => d.roles.get(&k).map(|r| &r.attached).ok_or_else(|| no_such_role(name)),
    }
}

fn attach(ctx: &RequestContext, target: Target, name: &str, policy_arn: &str) -> R<()> {
    let st = state(ctx);
    let mut d = st.write();
    attachments(&d, target, name)?;
    let arn = resolve_attachable(&d, &ctx.account_id, policy_arn)?;
    let list = attachments_mut(&mut d, target, name)?;
    if list.contains(&arn) {
        return Ok(());
    }
    if list.len() >= ATTACHED_PER_ENTITY {
        return Err(limit_exceeded(format!("Cannot exceed quota for {}: {ATTACHED_PER_ENTITY}", target.quota_name())));
    }
    list.push(arn);
    Ok(())
}

fn detach(ctx: &RequestContext, target: Target, name: &str, policy_arn: &str) -> R<()> {
    let st = state(ctx);
    let mut d = st.write();
    let list = attachments_mut(&mut d, target, name)?;
    let before = list.len();
    list.retain(|a| !a.eq_ignore_ascii_case(policy_arn));
    if list.len() == before {
        return Err(no_such_policy(policy_arn));
    }
    Ok(())
}

type AttachedPage = (Option<Vec<AttachedPolicy>>, Option<bool>, Option<String>);

fn list_attached(ctx: &RequestContext, target: Target, name: &str, prefix: Option<&str>, marker: Option<&str>, max: Option<i32>) -> R<AttachedPage> {
    let st = state(ctx);
    let d = st.read();
    let list = attachments(&d, target, name)?;
    let all: Vec<(usize, String)> = list
        .iter()
        .filter(|arn| {
            let path = match find(&d, &ctx.account_id, arn) {
                Some(Found::Customer(p)) => p.path.clone(),
                Some(Found::Aws(p)) => p.path.to_string(),
                None => "/".into(),
            };
            path_matches(&path, prefix)
        })
        .cloned()
        .enumerate()
        .collect();
    let page = paginate(all, |(i, _)| format!("{i:06}"), marker, max)?;
    let arns: Vec<String> = page.items.iter().map(|(_, a)| a.clone()).collect();
    Ok((Some(shapes::attached(&arns)), page.is_truncated(), page.marker))
}

pub fn attach_user_policy(ctx: &RequestContext, input: AttachUserPolicyRequest) -> R<()> {
    attach(ctx, Target::User, &input.user_name, &input.policy_arn)
}
pub fn attach_group_policy(ctx: &RequestContext, input: AttachGroupPolicyRequest) -> R<()> {
    attach(ctx, Target::Group, &input.group_name, &input.policy_arn)
}
pub fn attach_role_policy(ctx: &RequestContext, input: AttachRolePolicyRequest) -> R<()> {
    attach(ctx, Target::Role, &input.role_name, &input.policy_arn)
}
pub fn detach_user_policy(ctx: &RequestContext, input: DetachUserPolicyRequest) -> R<()> {
    detach(ctx, Target::User, &input.user_name, &input.policy_arn)
}
pub fn detach_group_policy(ctx: &RequestContext, input: DetachGroupPolicyRequest) -> R<()> {
    detach(ctx, Target::Group, &input.group_name, &input.policy_arn)
}
pub fn detach_role_policy(ctx: &RequestContext, input: DetachRolePolicyRequest) -> R<()> {
    detach(ctx, Target::Role, &input.role_name, &input.policy_arn)
}

pub fn list_attached_user_policies(ctx: &RequestContext, input: ListAttachedUserPoliciesRequest) -> R<ListAttachedUserPoliciesResponse> {
    let (attached_policies, is_truncated, marker) =
        list_attached(ctx, Target::User, &input.user_name, input.path_prefix.as_deref(), input.marker.as_deref(), input.max_items)?;
    Ok(ListAttachedUserPoliciesResponse { attached_policies, is_truncated, marker })
}
pub fn list_attached_group_policies(ctx: &RequestContext, input: ListAttachedGroupPoliciesRequest) -> R<ListAttachedGroupPoliciesResponse> {
    let (attached_policies, is_truncated, marker) =
        list_attached(ctx, Target::Group, &input.group_name, input.path_prefix.as_deref(), input.marker.as_deref(), input.max_items)?;
    Ok(ListAttachedGroupPoliciesResponse { attached_policies, is_truncated, marker })
}
pub fn list_attached_role_policies(ctx: &RequestContext, input: ListAttachedRolePoliciesRequest) -> R<ListAttachedRolePoliciesResponse> {
    let (attached_policies, is_truncated, marker) =
        list_attached(ctx, Target::Role, &input.role_name, input.path_prefix.as_deref(), input.marker.as_deref(), input.max_items)?;
    Ok(ListAttachedRolePoliciesResponse { attached_policies, is_truncated, marker })
}

/// One entity using a policy, for ListEntitiesForPolicy.
enum Entity {
    Group(PolicyGroup),
    User(PolicyUser),
    Role(PolicyRole),
}

pub fn list_entities_for_policy(ctx: &RequestContext, input: ListEntitiesForPolicyRequest) -> R<ListEntitiesForPolicyResponse> {
    let st = state(ctx);
    let d = st.read();
    let arn = find(&d, &ctx.account_id, &input.policy_arn).map(|f| canonical(&f)).ok_or_else(|| no_such_policy(&input.policy_arn))?;
    let boundary = matches!(input.policy_usage_filter, Some(PolicyUsageType::PermissionsBoundary));
    let permissions = matches!(input.policy_usage_filter, Some(PolicyUsageType::PermissionsPolicy));
    let uses = |attached: &Vec<String>, b: &Option<String>| {
        let as_policy = attached.contains(&arn);
        let as_boundary = b.as_deref() == Some(arn.as_str());
        if boundary {
            as_boundary
        } else if permissions {
            as_policy
        } else {
            as_policy || as_boundary
        }
    };
    let wants = |t: EntityType| match &input.entity_filter {
        None => true,
        // The managed-policy filters select every entity kind.
        Some(EntityType::LocalManagedPolicy) | Some(EntityType::AwsManagedPolicy) => true,
        Some(f) => *f == t,
    };
    let prefix = input.path_prefix.as_deref();
    let mut all: Vec<(String, Entity)> = Vec::new();
    if wants(EntityType::Group) && !boundary {
        for g in d.groups.values().filter(|g| uses(&g.attached, &None) && path_matches(&g.path, prefix)) {
            all.push((format!("g{}", key(&g.name)), Entity::Group(PolicyGroup { group_name: Some(g.name.clone()), group_id: Some(g.id.clone()) })));
        }
    }
    if wants(EntityType::User) {
        for u in d.users.values().filter(|u| uses(&u.attached, &u.boundary) && path_matches(&u.path, prefix)) {
            all.push((format!("u{}", key(&u.name)), Entity::User(PolicyUser { user_name: Some(u.name.clone()), user_id: Some(u.id.clone()) })));
        }
    }
    if wants(EntityType::Role) {
        for r in d.roles.values().filter(|r| uses(&r.attached, &r.boundary) && path_matches(&r.path, prefix)) {
            all.push((format!("r{}", key(&r.name)), Entity::Role(PolicyRole { role_name: Some(r.name.clone()), role_id: Some(r.id.clone()) })));
        }
    }
    let page = paginate(all, |(k, _)| k.clone(), input.marker.as_deref(), input.max_items)?;
    let (mut groups, mut users, mut roles) = (Vec::new(), Vec::new(), Vec::new());
    let truncated = page.is_truncated();
    for (_, e) in page.items {
        match e {
            Entity::Group(g) => groups.push(g),
            Entity::User(u) => users.push(u),
            Entity::Role(r) => roles.push(r),
        }
    }
    Ok(ListEntitiesForPolicyResponse {
        policy_groups: Some(groups),
        policy_users: Some(users),
        policy_roles: Some(roles),
        is_truncated: truncated,
        marker: page.marker,
    })
}
