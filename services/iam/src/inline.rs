//! Inline policies of users, groups and roles. Each kind of entity has a
//! limit on the total size of its inline policies (white space not counted).

use crate::common::*;
use crate::policies::policy_size;
use simfra_gen_iam::types::*;
use simfra_identity::iam::{key, IamData, InlinePolicy};
use simfra_model::RequestContext;
use std::collections::BTreeMap;

#[derive(Clone, Copy)]
enum Owner {
    User,
    Group,
    Role,
}

impl Owner {
    fn noun(self) -> &'static str {
        match self {
            Owner::User => "user",
            Owner::Group => "group",
            Owner::Role => "role",
        }
    }
    /// Aggregate inline policy size allowed per entity.
    fn quota(self) -> usize {
        match self {
            Owner::User => 2048,
            Owner::Group => 5120,
            Owner::Role => 10240,
        }
    }
}

fn policies<'a>(d: &'a IamData, owner: Owner, name: &str) -> R<&'a BTreeMap<String, InlinePolicy>> {
    let k = key(name);
    match owner {
        Owner::User => d.users.get(&k).map(|u| &u.inline).ok_or_else(|| no_such_user(name)),
        Owner::Group => d.groups.get(&k).map(|g| &g.inline).ok_or_else(|| no_such_group(name)),
        Owner::Role => d.roles.get(&k).map(|r| &r.inline).ok_or_else(|| no_such_role(name)),
    }
}

fn policies_mut<'a>(d: &'a mut IamData, owner: Owner, name: &str) -> R<&'a mut BTreeMap<String, InlinePolicy>> {
    let k = key(name);
    match owner {
        Owner::User => d.users.get_mut(&k).map(|u| &mut u.inline).ok_or_else(|| no_such_user(name)),
        Owner::Group => d.groups.get_mut(&k).map(|g| &mut g.inline).ok_or_else(|| no_such_group(name)),
        Owner::Role => {
            let r = d.roles.get_mut(&k).ok_or_else(|| no_such_role(name))?;
            if r.linked_service().is_some() {
                return Err(protected_role(&r.name));
            }
            Ok(&mut r.inline)
        }
    }
}

fn not_found(owner: Owner, policy: &str) -> simfra_model::ServiceError {
    no_such_entity(format!("The {} policy with name {policy} cannot be found.", owner.noun()))
}

fn put(ctx: &RequestContext, owner: Owner, name: &str, policy_name: &str, text: &str) -> R<()> {
    let document = identity_document(text)?;
    let st = state(ctx);
    let mut d = st.write();
    let map = policies_mut(&mut d, owner, name)?;
    let pk = key(policy_name);
    let others: usize = map.iter().filter(|(k, _)| **k != pk).map(|(_, p)| policy_size(&p.document.text)).sum();
    if others + policy_size(text) > owner.quota() {
        return Err(limit_exceeded(format!("Maximum policy size of {} bytes exceeded for {} {name}", owner.quota(), owner.noun())));
    }
    map.insert(pk, InlinePolicy { name: policy_name.to_string(), document });
    Ok(())
}

/// (entity name as stored, policy name, URL-encoded document)
fn get(ctx: &RequestContext, owner: Owner, name: &str, policy_name: &str) -> R<(String, String, String)> {
    let st = state(ctx);
    let d = st.read();
    let map = policies(&d, owner, name)?;
    let p = map.get(&key(policy_name)).ok_or_else(|| not_found(owner, policy_name))?;
    let entity = match owner {
        Owner::User => d.users.get(&key(name)).map(|u| u.name.clone()),
        Owner::Group => d.groups.get(&key(name)).map(|g| g.name.clone()),
        Owner::Role => d.roles.get(&key(name)).map(|r| r.name.clone()),
    }
    .unwrap_or_else(|| name.to_string());
    Ok((entity, p.name.clone(), encoded(&p.document)))
}

fn delete(ctx: &RequestContext, owner: Owner, name: &str, policy_name: &str) -> R<()> {
    let st = state(ctx);
    let mut d = st.write();
    policies_mut(&mut d, owner, name)?.remove(&key(policy_name)).ok_or_else(|| not_found(owner, policy_name))?;
    Ok(())
}

fn list(ctx: &RequestContext, owner: Owner, name: &str, marker: Option<&str>, max: Option<i32>) -> R<(Vec<String>, Option<bool>, Option<String>)> {
    let st = state(ctx);
    let d = st.read();
    let names: Vec<String> = policies(&d, owner, name)?.values().map(|p| p.name.clone()).collect();
    let page = paginate(names, |n| key(n), marker, max)?;
    let truncated = page.is_truncated();
    Ok((page.items, truncated, page.marker))
}

pub fn put_user_policy(ctx: &RequestContext, input: PutUserPolicyRequest) -> R<()> {
    put(ctx, Owner::User, &input.user_name, &input.policy_name, &input.policy_document)
}
pub fn put_group_policy(ctx: &RequestContext, input: PutGroupPolicyRequest) -> R<()> {
    put(ctx, Owner::Group, &input.group_name, &input.policy_name, &input.policy_document)
}
pub fn put_role_policy(ctx: &RequestContext, input: PutRolePolicyRequest) -> R<()> {
    put(ctx, Owner::Role, &input.role_name, &input.policy_name, &input.policy_document)
}

pub fn get_user_policy(ctx: &RequestContext, input: GetUserPolicyRequest) -> R<GetUserPolicyResponse> {
    let (user_name, policy_name, policy_document) = get(ctx, Owner::User, &input.user_name, &input.policy_name)?;
    Ok(GetUserPolicyResponse { user_name, policy_name, policy_document })
}
pub fn get_group_policy(ctx: &RequestContext, input: GetGroupPolicyRequest) -> R<GetGroupPolicyResponse> {
    let (group_name, policy_name, policy_document) = get(ctx, Owner::Group, &input.group_name, &input.policy_name)?;
    Ok(GetGroupPolicyResponse { group_name, policy_name, policy_document })
}
pub fn get_role_policy(ctx: &RequestContext, input: GetRolePolicyRequest) -> R<GetRolePolicyResponse> {
    let (role_name, policy_name, policy_document) = get(ctx, Owner::Role, &input.role_name, &input.policy_name)?;
    Ok(GetRolePolicyResponse { role_name, policy_name, policy_document })
}

pub fn delete_user_policy(ctx: &RequestContext, input: DeleteUserPolicyRequest) -> R<()> {
    delete(ctx, Owner::User, &input.user_name, &input.policy_name)
}
pub fn delete_group_policy(ctx: &RequestContext, input: DeleteGroupPolicyRequest) -> R<()> {
    delete(ctx, Owner::Group, &input.group_name, &input.policy_name)
}
pub fn delete_role_policy(ctx: &RequestContext, input: DeleteRolePolicyRequest) -> R<()> {
    delete(ctx, Owner::Role, &input.role_name, &input.policy_name)
}

pub fn list_user_policies(ctx: &RequestContext, input: ListUserPoliciesRequest) -> R<ListUserPoliciesResponse> {
    let (policy_names, is_truncated, marker) = list(ctx, Owner::User, &input.user_name, input.marker.as_deref(), input.max_items)?;
    Ok(ListUserPoliciesResponse { policy_names, is_truncated, marker })
}
pub fn list_group_policies(ctx: &RequestContext, input: ListGroupPoliciesRequest) -> R<ListGroupPoliciesResponse> {
    let (policy_names, is_truncated, marker) = list(ctx, Owner::Group, &input.group_name, input.marker.as_deref(), input.max_items)?;
    Ok(ListGroupPoliciesResponse { policy_names, is_truncated, marker })
}
pub fn list_role_policies(ctx: &RequestContext, input: ListRolePoliciesRequest) -> R<ListRolePoliciesResponse> {
    let (policy_names, is_truncated, marker) = list(ctx, Owner::Role, &input.role_name, input.marker.as_deref(), input.max_items)?;
    Ok(ListRolePoliciesResponse { policy_names, is_truncated, marker })
}
