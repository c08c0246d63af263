//! Instance profiles: the container that passes one role to an EC2 instance.

use crate::common::*;
use crate::shapes;
use simfra_gen_iam::types::*;
use simfra_identity::iam::{self as store, key, IamData};
use simfra_model::RequestContext;

const PROFILES_QUOTA: usize = 1000;
const ROLES_PER_PROFILE: usize = 1;

fn get<'a>(d: &'a IamData, name: &str) -> R<&'a store::InstanceProfile> {
    d.instance_profiles.get(&key(name)).ok_or_else(|| no_such_instance_profile(name))
}

fn get_mut<'a>(d: &'a mut IamData, name: &str) -> R<&'a mut store::InstanceProfile> {
    d.instance_profiles.get_mut(&key(name)).ok_or_else(|| no_such_instance_profile(name))
}

pub fn create_instance_profile(ctx: &RequestContext, input: CreateInstanceProfileRequest) -> R<CreateInstanceProfileResponse> {
    let path = path_or_root(input.path);
    check_path(&path)?;
    let st = state(ctx);
    let mut d = st.write();
    if d.instance_profiles.contains_key(&key(&input.instance_profile_name)) {
        return Err(already_exists(format!("Instance Profile {} already exists.", input.instance_profile_name)));
    }
    if d.instance_profiles.len() >= PROFILES_QUOTA {
        return Err(limit_exceeded(format!("Cannot exceed quota for InstanceProfilesPerAccount: {PROFILES_QUOTA}")));
    }
    let mut tags = store::Tags::default();
    apply_tags(&mut tags, input.tags.as_deref().unwrap_or(&[]))?;
    let ip = store::InstanceProfile {
        arn: arn(&ctx.account_id, "instance-profile", &path, &input.instance_profile_name),
        name: input.instance_profile_name.clone(),
        id: unique_id("AIPA"),
        path,
        created: now(),
        roles: Vec::new(),
        tags,
    };
    let shown = shapes::instance_profile(&st, &d, &ip, true);
    d.instance_profiles.insert(key(&input.instance_profile_name), ip);
    Ok(CreateInstanceProfileResponse { instance_profile: shown })
}

pub fn get_instance_profile(ctx: &RequestContext, input: GetInstanceProfileRequest) -> R<GetInstanceProfileResponse> {
    let st = state(ctx);
    let d = st.read();
    let ip = get(&d, &input.instance_profile_name)?;
    Ok(GetInstanceProfileResponse { instance_profile: shapes::instance_profile(&st, &d, ip, true) })
}

pub fn delete_instance_profile(ctx: &RequestContext, input: DeleteInstanceProfileRequest) -> R<()> {
    let st = state(ctx);
    let mut d = st.write();
    if !get(&d, &input.instance_profile_name)?.roles.is_empty() {
        return Err(delete_conflict("Cannot delete entity, must remove roles from instance profile first."));
    }
    d.instance_profiles.remove(&key(&input.instance_profile_name));
    Ok(())
}

pub fn list_instance_profiles(ctx: &RequestContext, input: ListInstanceProfilesRequest) -> R<ListInstanceProfilesResponse> {
    let st = state(ctx);
    let d = st.read();
    let all: Vec<&store::InstanceProfile> =
        d.instance_profiles.values().filter(|ip| path_matches(&ip.path, input.path_prefix.as_deref())).collect();
    let page = paginate(all, |ip| key(&ip.name), input.marker.as_deref(), input.max_items)?;
    Ok(ListInstanceProfilesResponse {
        instance_profiles: page.items.iter().map(|ip| shapes::instance_profile(&st, &d, ip, false)).collect(),
        is_truncated: page.is_truncated(),
        marker: page.marker.clone(),
    })
}

pub fn list_instance_profiles_for_role(ctx: &RequestContext, input: ListInstanceProfilesForRoleRequest) -> R<ListInstanceProfilesForRoleResponse> {
    let st = state(ctx);
    let d = st.read();
    let rk = key(&crate::roles::get(&d, &input.role_name)?.name);
    let all: Vec<&store::InstanceProfile> = d.instance_profiles.values().filter(|ip| ip.roles.contains(&rk)).collect();
    let page = paginate(all, |ip| key(&ip.name), input.marker.as_deref(), input.max_items)?;
    Ok(ListInstanceProfilesForRoleResponse {
        instance_profiles: page.items.iter().map(|ip| shapes::instance_profile(&st, &d, ip, false)).collect(),
        is_truncated: page.is_truncated(),
        marker: page.marker.clone(),
    })
}

pub fn add_role_to_instance_profile(ctx: &RequestContext, input: AddRoleToInstanceProfileRequest) -> R<()> {
    let st = state(ctx);
    let mut d = st.write();
    get(&d, &input.instance_profile_name)?;
    let rk = key(&crate::roles::get(&d, &input.role_name)?.name);
    let ip = get_mut(&mut d, &input.instance_profile_name)?;
    if ip.roles.len() >= ROLES_PER_PROFILE {
        return Err(limit_exceeded(format!("Cannot exceed quota for InstanceSessionsPerInstanceProfile: {ROLES_PER_PROFILE}")));
    }
    ip.roles.push(rk);
    Ok(())
}

pub fn remove_role_from_instance_profile(ctx: &RequestContext, input: RemoveRoleFromInstanceProfileRequest) -> R<()> {
    let st = state(ctx);
    let mut d = st.write();
    get(&d, &input.instance_profile_name)?;
    crate::roles::get(&d, &input.role_name)?;
    let rk = key(&input.role_name);
    let ip = get_mut(&mut d, &input.instance_profile_name)?;
    let before = ip.roles.len();
    ip.roles.retain(|r| *r != rk);
    if ip.roles.len() == before {
        return Err(no_such_role(&input.role_name));
    }
    Ok(())
}

pub fn tag_instance_profile(ctx: &RequestContext, input: TagInstanceProfileRequest) -> R<()> {
    let st = state(ctx);
    let mut d = st.write();
    apply_tags(&mut get_mut(&mut d, &input.instance_profile_name)?.tags, &input.tags)
}

pub fn untag_instance_profile(ctx: &RequestContext, input: UntagInstanceProfileRequest) -> R<()> {
    let st = state(ctx);
    let mut d = st.write();
    get_mut(&mut d, &input.instance_profile_name)?.tags.remove(&input.tag_keys);
    Ok(())
}

pub fn list_instance_profile_tags(ctx: &RequestContext, input: ListInstanceProfileTagsRequest) -> R<ListInstanceProfileTagsResponse> {
    let st = state(ctx);
    let d = st.read();
    let (tags, is_truncated, marker) = list_tags(&get(&d, &input.instance_profile_name)?.tags, input.marker.as_deref(), input.max_items)?;
    Ok(ListInstanceProfileTagsResponse { tags, is_truncated, marker })
}
