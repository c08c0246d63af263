//! IAM groups and their members.

use crate::common::*;
use crate::shapes::{self, Detail};
use simfra_gen_iam::types::*;
use simfra_identity::iam::{self as store, key};
use simfra_model::RequestContext;
use std::collections::{BTreeMap, BTreeSet};

const GROUPS_QUOTA: usize = 300;
const GROUPS_PER_USER: usize = 10;

pub fn get<'a>(d: &'a store::IamData, name: &str) -> R<&'a store::Group> {
    d.groups.get(&key(name)).ok_or_else(|| no_such_group(name))
}

pub fn get_mut<'a>(d: &'a mut store::IamData, name: &str) -> R<&'a mut store::Group> {
    d.groups.get_mut(&key(name)).ok_or_else(|| no_such_group(name))
}

pub fn create_group(ctx: &RequestContext, input: CreateGroupRequest) -> R<CreateGroupResponse> {
    let path = path_or_root(input.path);
    check_path(&path)?;
    let st = state(ctx);
    let mut d = st.write();
    if d.groups.contains_key(&key(&input.group_name)) {
        return Err(already_exists(format!("Group with name {} already exists.", input.group_name)));
    }
    if d.groups.len() >= GROUPS_QUOTA {
        return Err(limit_exceeded(format!("Cannot exceed quota for GroupsPerAccount: {GROUPS_QUOTA}")));
    }
    let g = store::Group {
        arn: arn(&ctx.account_id, "group", &path, &input.group_name),
        name: input.group_name.clone(),
        id: unique_id("AGPA"),
        path,
        created: now(),
        inline: BTreeMap::new(),
        attached: Vec::new(),
        members: BTreeSet::new(),
    };
    let shown = shapes::group(&g);
    d.groups.insert(key(&input.group_name), g);
    Ok(CreateGroupResponse { group: shown })
}

pub fn get_group(ctx: &RequestContext, input: GetGroupRequest) -> R<GetGroupResponse> {
    let st = state(ctx);
    let d = st.read();
    let g = get(&d, &input.group_name)?;
    let members: Vec<&store::User> = g.members.iter().filter_map(|k| d.users.get(k)).collect();
    let page = paginate(members, |u| key(&u.name), input.marker.as_deref(), input.max_items)?;
    Ok(GetGroupResponse {
        group: shapes::group(g),
        users: page.items.iter().map(|u| shapes::user(u, Detail::Listed)).collect(),
        is_truncated: page.is_truncated(),
        marker: page.marker.clone(),
    })
}

pub fn list_groups(ctx: &RequestContext, input: ListGroupsRequest) -> R<ListGroupsResponse> {
    let st = state(ctx);
    let d = st.read();
    let all: Vec<&store::Group> = d.groups.values().filter(|g| path_matches(&g.path, input.path_prefix.as_deref())).collect();
    let page = paginate(all, |g| key(&g.name), input.marker.as_deref(), input.max_items)?;
    Ok(ListGroupsResponse {
        groups: page.items.iter().map(|g| shapes::group(g)).collect(),
        is_truncated: page.is_truncated(),
        marker: page.marker.clone(),
    })
}

pub fn list_groups_for_user(ctx: &RequestContext, input: ListGroupsForUserRequest) -> R<ListGroupsForUserResponse> {
    let st = state(ctx);
    let d = st.read();
    let u = crate::users::get(&d, &input.user_name)?;
    let all: Vec<&store::Group> = d.groups_of(&key(&u.name)).collect();
    let page = paginate(all, |g| key(&g.name), input.marker.as_deref(), input.max_items)?;
    Ok(ListGroupsForUserResponse {
        groups: page.items.iter().map(|g| shapes::group(g)).collect(),
        is_truncated: page.is_truncated(),
        marker: page.marker.clone(),
    })
}

pub fn update_group(ctx: &RequestContext, input: UpdateGroupRequest) -> R<()> {
    if let Some(p) = &input.new_path {
        check_path(p)?;
    }
    let st = state(ctx);
    let mut d = st.write();
    let old_key = key(&input.group_name);
    let mut g = get(&d, &input.group_name)?.clone();
    let new_name = input.new_group_name.unwrap_or_else(|| g.name.clone());
    let new_key = key(&new_name);
    if new_key != old_key && d.groups.contains_key(&new_key) {
        return Err(already_exists(format!("Group with name {new_name} already exists.")));
    }
    g.name = new_name;
    if let Some(p) = input.new_path {
        g.path = p;
    }
    g.arn = arn(&ctx.account_id, "group", &g.path, &g.name);
    d.groups.remove(&old_key);
    d.groups.insert(new_key, g);
    Ok(())
}

pub fn delete_group(ctx: &RequestContext, input: DeleteGroupRequest) -> R<()> {
    let st = state(ctx);
    let mut d = st.write();
    let g = get(&d, &input.group_name)?;
    if !g.members.is_empty() {
        return Err(delete_conflict("Cannot delete entity, must remove users from group first."));
    }
    if !g.inline.is_empty() {
        return Err(delete_conflict("Cannot delete entity, must delete policies first."));
    }
    if !g.attached.is_empty() {
        return Err(delete_conflict("Cannot delete entity, must detach all policies first."));
    }
    d.groups.remove(&key(&input.group_name));
    Ok(())
}

pub fn add_user_to_group(ctx: &RequestContext, input: AddUserToGroupRequest) -> R<()> {
    let st = state(ctx);
    let mut d = st.write();
    get(&d, &input.group_name)?;
    let user_key = key(&crate::users::get(&d, &input.user_name)?.name);
    let g = get(&d, &input.group_name)?;
    if g.members.contains(&user_key) {
        return Ok(());
    }
    if d.groups_of(&user_key).count() >= GROUPS_PER_USER {
        return Err(limit_exceeded(format!("Cannot exceed quota for GroupsPerUser: {GROUPS_PER_USER}")));
    }
    get_mut(&mut d, &input.group_name)?.members.insert(user_key);
    Ok(())
}

pub fn remove_user_from_group(ctx: &RequestContext, input: RemoveUserFromGroupRequest) -> R<()> {
    let st = state(ctx);
    let mut d = st.write();
    get(&d, &input.group_name)?;
    crate::users::get(&d, &input.user_name)?;
    if !get_mut(&mut d, &input.group_name)?.members.remove(&key(&input.user_name)) {
        return Err(no_such_user(&input.user_name));
    }
    Ok(())
}
