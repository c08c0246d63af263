//! Stored entities as the API shows them. Which attributes each operation
//! returns follows AWS: list operations leave out tags, boundaries and
//! last-use details, the Get operations include them.

use crate::common::{encoded, tags_opt, ts};
use simfra_gen_iam::types as api;
use simfra_identity::iam::{self as store, IamData, IamState};
use simfra_identity::managed::AwsManagedPolicy;

/// How much of an entity to show.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// List operations: the core attributes.
    Listed,
    /// Get and Create operations: tags and boundary too.
    Full,
}

fn boundary(arn: &Option<String>) -> Option<api::AttachedPermissionsBoundary> {
    arn.as_ref().map(|a| api::AttachedPermissionsBoundary {
        permissions_boundary_type: Some(api::PermissionsBoundaryAttachmentType::PermissionsBoundaryPolicy),
        permissions_boundary_arn: Some(a.clone()),
    })
}

pub fn user(u: &store::User, detail: Detail) -> api::User {
    let full = detail == Detail::Full;
    api::User {
        path: u.path.clone(),
        user_name: u.name.clone(),
        user_id: u.id.clone(),
        arn: u.arn.clone(),
        create_date: ts(u.created),
        password_last_used: u.password_last_used.map(ts),
        permissions_boundary: if full { boundary(&u.boundary) } else { None },
        tags: if full { tags_opt(&u.tags) } else { None },
    }
}

pub fn group(g: &store::Group) -> api::Group {
    api::Group { path: g.path.clone(), group_name: g.name.clone(), group_id: g.id.clone(), arn: g.arn.clone(), create_date: ts(g.created) }
}

/// A role. `Full` adds tags, boundary and `RoleLastUsed` (GetRole).
pub fn role(st: &IamState, r: &store::Role, detail: Detail) -> api::Role {
    let full = detail == Detail::Full;
    api::Role {
        path: r.path.clone(),
        role_name: r.name.clone(),
        role_id: r.id.clone(),
        arn: r.arn.clone(),
        create_date: ts(r.created),
        assume_role_policy_document: Some(encoded(&r.trust)),
        description: r.description.clone(),
        max_session_duration: Some(r.max_session_duration),
        permissions_boundary: if full { boundary(&r.boundary) } else { None },
        tags: if full { tags_opt(&r.tags) } else { None },
        role_last_used: if full { Some(role_last_used(st, r)) } else { None },
    }
}

pub fn role_last_used(st: &IamState, r: &store::Role) -> api::RoleLastUsed {
    match st.role_last_used(&r.name) {
        Some(u) => api::RoleLastUsed { last_used_date: Some(ts(u.when)), region: Some(u.region) },
        None => api::RoleLastUsed::default(),
    }
}

pub fn instance_profile(st: &IamState, d: &IamData, ip: &store::InstanceProfile, with_tags: bool) -> api::InstanceProfile {
    api::InstanceProfile {
        path: ip.path.clone(),
        instance_profile_name: ip.name.clone(),
        instance_profile_id: ip.id.clone(),
        arn: ip.arn.clone(),
        create_date: ts(ip.created),
        roles: ip.roles.iter().filter_map(|k| d.roles.get(k)).map(|r| role(st, r, Detail::Listed)).collect(),
        tags: if with_tags { tags_opt(&ip.tags) } else { None },
    }
}

/// A customer managed policy. `Full` adds description and tags (GetPolicy).
pub fn policy(d: &IamData, p: &store::ManagedPolicy, detail: Detail) -> api::Policy {
    let full = detail == Detail::Full;
    api::Policy {
        policy_name: Some(p.name.clone()),
        policy_id: Some(p.id.clone()),
        arn: Some(p.arn.clone()),
        path: Some(p.path.clone()),
        default_version_id: Some(p.default_version.clone()),
        attachment_count: Some(d.attachment_count(&p.arn) as i32),
        permissions_boundary_usage_count: Some(d.boundary_usage_count(&p.arn) as i32),
        is_attachable: Some(true),
        description: if full { p.description.clone() } else { None },
        create_date: Some(ts(p.created)),
        update_date: Some(ts(p.updated)),
        tags: if full { tags_opt(&p.tags) } else { None },
    }
}

/// `2015-02-06T18:39:46Z` → Unix seconds (the AWS managed catalogue's dates).
pub fn parse_iso(s: &str) -> i64 {
    let num = |r: std::ops::Range<usize>| s.get(r).and_then(|x| x.parse::<i64>().ok()).unwrap_or(0);
    let days = simfra_model::calendar::days_from_civil(num(0..4), num(5..7) as u32, num(8..10) as u32);
    days * 86400 + num(11..13) * 3600 + num(14..16) * 60 + num(17..19)
}

pub fn aws_policy(d: &IamData, p: &AwsManagedPolicy, detail: Detail) -> api::Policy {
    let arn = p.arn();
    api::Policy {
        policy_name: Some(p.name.to_string()),
        policy_id: Some(p.policy_id.to_string()),
        path: Some(p.path.to_string()),
        default_version_id: Some(p.default_version_id.to_string()),
        attachment_count: Some(d.attachment_count(&arn) as i32),
        permissions_boundary_usage_count: Some(d.boundary_usage_count(&arn) as i32),
        is_attachable: Some(true),
        description: if detail == Detail::Full && !p.description.is_empty() { Some(p.description.to_string()) } else { None },
        create_date: Some(ts(parse_iso(p.create_date))),
        update_date: Some(ts(parse_iso(p.update_date))),
        tags: None,
        arn: Some(arn),
    }
}

pub fn policy_version(p: &store::ManagedPolicy, v: &store::PolicyVersion, with_document: bool) -> api::PolicyVersion {
    api::PolicyVersion {
        document: if with_document { Some(encoded(&v.document)) } else { None },
        version_id: Some(v.id.clone()),
        is_default_version: Some(v.id == p.default_version),
        create_date: Some(ts(v.created)),
    }
}

pub fn aws_policy_version(p: &AwsManagedPolicy, with_document: bool) -> api::PolicyVersion {
    api::PolicyVersion {
        document: if with_document { Some(crate::common::url_encode(p.document)) } else { None },
        version_id: Some(p.default_version_id.to_string()),
        is_default_version: Some(true),
        create_date: Some(ts(parse_iso(p.update_date))),
    }
}

/// `AttachedPolicies` entries: the name is the ARN's last segment.
pub fn attached(arns: &[String]) -> Vec<api::AttachedPolicy> {
    arns.iter()
        .map(|a| api::AttachedPolicy { policy_name: a.rsplit('/').next().map(str::to_string), policy_arn: Some(a.clone()) })
        .collect()
}

pub fn inline_details(m: &std::collections::BTreeMap<String, store::InlinePolicy>) -> Vec<api::PolicyDetail> {
    m.values()
        .map(|p| api::PolicyDetail { policy_name: Some(p.name.clone()), policy_document: Some(encoded(&p.document)) })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn iso_dates_of_the_managed_catalogue() {
        assert_eq!(super::parse_iso("2015-02-06T18:39:46Z"), 1423247986);
    }
}
