//! IAM users: create, read, rename, delete (once nothing hangs on them), tags
//! and permissions boundaries.

use crate::common::*;
use crate::policies::resolve_boundary;
use crate::shapes::{self, Detail};
use simfra_gen_iam::types::*;
use simfra_identity::iam::{self as store, key};
use simfra_identity::{credentials, PrincipalKind};
use simfra_model::RequestContext;
use std::collections::BTreeMap;

const USERS_QUOTA: usize = 5000;

/// The user or IAM's "cannot be found".
pub fn get<'a>(d: &'a store::IamData, name: &str) -> R<&'a store::User> {
    d.users.get(&key(name)).ok_or_else(|| no_such_user(name))
}

pub fn get_mut<'a>(d: &'a mut store::IamData, name: &str) -> R<&'a mut store::User> {
    d.users.get_mut(&key(name)).ok_or_else(|| no_such_user(name))
}

pub fn create_user(ctx: &RequestContext, input: CreateUserRequest) -> R<CreateUserResponse> {
    let path = path_or_root(input.path);
    check_path(&path)?;
    let st = state(ctx);
    let mut d = st.write();
    if d.users.contains_key(&key(&input.user_name)) {
        return Err(already_exists(format!("User with name {} already exists.", input.user_name)));
    }
    if d.users.len() >= USERS_QUOTA {
        return Err(limit_exceeded(format!("Cannot exceed quota for UsersPerAccount: {USERS_QUOTA}")));
    }
    let boundary = input.permissions_boundary.as_deref().map(|b| resolve_boundary(&d, &ctx.account_id, b)).transpose()?;
    let mut tags = store::Tags::default();
    apply_tags(&mut tags, input.tags.as_deref().unwrap_or(&[]))?;
    let user = store::User {
        arn: arn(&ctx.account_id, "user", &path, &input.user_name),
        name: input.user_name.clone(),
        id: unique_id("AIDA"),
        path,
        created: now(),
        password_last_used: None,
        boundary,
        tags,
        inline: BTreeMap::new(),
        attached: Vec::new(),
        access_keys: Vec::new(),
        login_profile: None,
        mfa_devices: Vec::new(),
        ssh_keys: Vec::new(),
        signing_certificates: Vec::new(),
        service_credentials: Vec::new(),
    };
    let shown = shapes::user(&user, Detail::Full);
    d.users.insert(key(&input.user_name), user);
    Ok(CreateUserResponse { user: Some(shown) })
}

pub fn get_user(ctx: &RequestContext, input: GetUserRequest) -> R<GetUserResponse> {
    let st = state(ctx);
    let d = st.read();
    match subject(ctx, input.user_name.as_deref())? {
        Subject::User(name) => Ok(GetUserResponse { user: shapes::user(get(&d, &name)?, Detail::Full) }),
        // Root: the account itself, as AWS shows it.
        Subject::Root => {
            let created = simfra_identity::accounts::accounts().get(&ctx.account_id).map(|a| a.created).unwrap_or(0);
            Ok(GetUserResponse {
                user: User {
                    path: String::new(),
                    user_name: String::new(),
                    user_id: ctx.account_id.clone(),
                    arn: format!("arn:aws:iam::{}:root", ctx.account_id),
                    create_date: ts(created),
                    ..Default::default()
                },
            })
        }
    }
}

pub fn list_users(ctx: &RequestContext, input: ListUsersRequest) -> R<ListUsersResponse> {
    let st = state(ctx);
    let d = st.read();
    let all: Vec<&store::User> = d.users.values().filter(|u| path_matches(&u.path, input.path_prefix.as_deref())).collect();
    let page = paginate(all, |u| key(&u.name), input.marker.as_deref(), input.max_items)?;
    Ok(ListUsersResponse {
        users: page.items.iter().map(|u| shapes::user(u, Detail::Listed)).collect(),
        is_truncated: page.is_truncated(),
        marker: page.marker.clone(),
    })
}

pub fn update_user(ctx: &RequestContext, input: UpdateUserRequest) -> R<()> {
    if let Some(p) = &input.new_path {
        check_path(p)?;
    }
    let st = state(ctx);
    let mut d = st.write();
    let old_key = key(&input.user_name);
    let mut user = get(&d, &input.user_name)?.clone();
    let new_name = input.new_user_name.clone().unwrap_or_else(|| user.name.clone());
    let new_key = key(&new_name);
    if new_key != old_key && d.users.contains_key(&new_key) {
        return Err(already_exists(format!("User with name {new_name} already exists.")));
    }
    user.name = new_name.clone();
    if let Some(p) = input.new_path {
        user.path = p;
    }
    user.arn = arn(&ctx.account_id, "user", &user.path, &user.name);
    // Memberships and MFA assignments refer to the user by key.
    if new_key != old_key {
        for g in d.groups.values_mut() {
            if g.members.remove(&old_key) {
                g.members.insert(new_key.clone());
            }
        }
        for m in d.virtual_mfa_devices.values_mut() {
            if let Some((u, _)) = &mut m.user {
                if *u == old_key {
                    *u = new_key.clone();
                }
            }
        }
    }
    // The user's access keys now sign as the renamed user.
    for k in &user.access_keys {
        if let Some(mut c) = credentials().lookup(&k.id) {
            c.principal_arn = user.arn.clone();
            c.principal = PrincipalKind::User { name: user.name.clone(), user_id: user.id.clone() };
            credentials().insert(c);
        }
    }
    d.users.remove(&old_key);
    d.users.insert(new_key, user);
    Ok(())
}

pub fn delete_user(ctx: &RequestContext, input: DeleteUserRequest) -> R<()> {
    let st = state(ctx);
    let mut d = st.write();
    let k = key(&input.user_name);
    let u = get(&d, &input.user_name)?;
    let conflict = if u.login_profile.is_some() {
        Some("Cannot delete entity, must delete login profile first.")
    } else if !u.access_keys.is_empty() {
        Some("Cannot delete entity, must delete access keys first.")
    } else if !u.signing_certificates.is_empty() {
        Some("Cannot delete entity, must delete certificates first.")
    } else if !u.ssh_keys.is_empty() || !u.service_credentials.is_empty() {
        Some("Cannot delete entity, must remove referenced objects first.")
    } else if !u.mfa_devices.is_empty() {
        Some("Cannot delete entity, must delete MFA device first.")
    } else if !u.inline.is_empty() {
        Some("Cannot delete entity, must delete policies first.")
    } else if !u.attached.is_empty() {
        Some("Cannot delete entity, must detach all policies first.")
    } else if d.groups_of(&k).next().is_some() {
        Some("Cannot delete entity, must remove users from group first.")
    } else {
        None
    };
    if let Some(m) = conflict {
        return Err(delete_conflict(m));
    }
    d.users.remove(&k);
    Ok(())
}

pub fn tag_user(ctx: &RequestContext, input: TagUserRequest) -> R<()> {
    let st = state(ctx);
    let mut d = st.write();
    apply_tags(&mut get_mut(&mut d, &input.user_name)?.tags, &input.tags)
}

pub fn untag_user(ctx: &RequestContext, input: UntagUserRequest) -> R<()> {
    let st = state(ctx);
    let mut d = st.write();
    get_mut(&mut d, &input.user_name)?.tags.remove(&input.tag_keys);
    Ok(())
}

pub fn list_user_tags(ctx: &RequestContext, input: ListUserTagsRequest) -> R<ListUserTagsResponse> {
    let st = state(ctx);
    let d = st.read();
    let (tags, is_truncated, marker) = list_tags(&get(&d, &input.user_name)?.tags, input.marker.as_deref(), input.max_items)?;
    Ok(ListUserTagsResponse { tags, is_truncated, marker })
}

pub fn put_user_permissions_boundary(ctx: &RequestContext, input: PutUserPermissionsBoundaryRequest) -> R<()> {
    let st = state(ctx);
    let mut d = st.write();
    get(&d, &input.user_name)?;
    let arn = resolve_boundary(&d, &ctx.account_id, &input.permissions_boundary)?;
    get_mut(&mut d, &input.user_name)?.boundary = Some(arn);
    Ok(())
}

pub fn delete_user_permissions_boundary(ctx: &RequestContext, input: DeleteUserPermissionsBoundaryRequest) -> R<()> {
    let st = state(ctx);
    let mut d = st.write();
    get_mut(&mut d, &input.user_name)?.boundary = None;
    Ok(())
}
