//! S3 Access Grants: one instance per account and region, locations (an S3
//! scope and the IAM role that reaches it) and grants (a grantee's READ,
//! WRITE or READWRITE on a scope under a location).
//!
//! `GetDataAccess` is real: the caller's matching grant is found, the
//! location's role is assumed as `access-grants.s3.amazonaws.com` (its trust
//! policy must allow that), and the temporary credentials carry a session
//! policy limited to the grant's scope and permission, so requests signed
//! with them can do what the grant says and no more.
//!
//! Grantees are IAM principals; directory users and groups need IAM Identity
//! Center, which Simfra's Access Grants do not integrate with: an instance
//! naming one answers NotImplemented, and directory grantees are refused.

use crate::{state, Data, TagSet};
use simfra_gen_s3_control::types::*;
use simfra_model::{RequestContext, ServiceError, Timestamp};
use std::collections::BTreeMap;

pub(crate) struct Instance {
    created: Timestamp,
    identity_center_arn: Option<String>,
    locations: BTreeMap<String, Location>,
    grants: BTreeMap<String, Grant>,
    policy: Option<(String, Option<String>, Timestamp)>,
    pub tags: TagSet,
}

struct Location {
    created: Timestamp,
    scope: String,
    role_arn: String,
    tags: TagSet,
}

struct Grant {
    created: Timestamp,
    location_id: String,
    sub_prefix: Option<String>,
    grantee: Grantee,
    permission: Permission,
    application_arn: Option<String>,
    scope: String,
    tags: TagSet,
}

const INSTANCE_ID: &str = "default";

fn instance_arn(ctx: &RequestContext) -> String {
    format!("arn:aws:s3:{}:{}:access-grants/{INSTANCE_ID}", ctx.region, ctx.account_id)
}

fn location_arn(ctx: &RequestContext, id: &str) -> String {
    format!("{}/location/{id}", instance_arn(ctx))
}

fn grant_arn(ctx: &RequestContext, id: &str) -> String {
    format!("{}/grant/{id}", instance_arn(ctx))
}

fn err(code: &str, status: u16, message: &str) -> ServiceError {
    ServiceError::new(code, status, message)
}

fn no_instance() -> ServiceError {
    err("AccessGrantsInstanceNotExistsError", 404, "Access Grants Instance does not exist")
}

fn no_location() -> ServiceError {
    err("NoSuchAccessGrantsLocationError", 404, "The specified access grants location does not exist")
}

fn no_grant() -> ServiceError {
    err("NoSuchAccessGrantError", 404, "The specified access grant does not exist")
}

fn with_instance<T>(ctx: &RequestContext, f: impl FnOnce(&mut Instance) -> Result<T, ServiceError>) -> Result<T, ServiceError> {
    let scope = state().regional(ctx);
    let mut data = scope.lock();
    data.access_grants.as_mut().ok_or_else(no_instance).and_then(f)
}

fn tags_of(tags: Option<Vec<Tag>>) -> Result<TagSet, ServiceError> {
    crate::tagging::checked(tags.into_iter().flatten().map(|t| (t.key, t.value)).collect())
}

// ---------------------------------------------------------------- the instance

pub(crate) fn create_instance(ctx: &RequestContext, input: CreateAccessGrantsInstanceRequest) -> Result<CreateAccessGrantsInstanceResult, ServiceError> {
    if input.identity_center_arn.is_some() {
        return Err(ServiceError::new(
            "NotImplemented",
            501,
            "Simfra's S3 Access Grants do not integrate with IAM Identity Center: create the instance without IdentityCenterArn",
        ));
    }
    let tags = tags_of(input.tags)?;
    let scope = state().regional(ctx);
    let mut data = scope.lock();
    if data.access_grants.is_some() {
        return Err(err("AccessGrantsInstanceAlreadyExists", 409, "Access Grants Instance already exists"));
    }
    let created = Timestamp::now();
    data.access_grants = Some(Instance {
        created,
        identity_center_arn: input.identity_center_arn.clone(),
        locations: BTreeMap::new(),
        grants: BTreeMap::new(),
        policy: None,
        tags,
    });
    Ok(CreateAccessGrantsInstanceResult {
        created_at: Some(created),
        access_grants_instance_id: Some(INSTANCE_ID.into()),
        access_grants_instance_arn: Some(instance_arn(ctx)),
        identity_center_arn: input.identity_center_arn,
        ..Default::default()
    })
}

pub(crate) fn get_instance(ctx: &RequestContext) -> Result<GetAccessGrantsInstanceResult, ServiceError> {
    with_instance(ctx, |i| {
        Ok(GetAccessGrantsInstanceResult {
            access_grants_instance_arn: Some(instance_arn(ctx)),
            access_grants_instance_id: Some(INSTANCE_ID.into()),
            identity_center_arn: i.identity_center_arn.clone(),
            created_at: Some(i.created),
            ..Default::default()
        })
    })
}

pub(crate) fn list_instances(ctx: &RequestContext) -> ListAccessGrantsInstancesResult {
    let entry = get_instance(ctx).ok().map(|i| ListAccessGrantsInstanceEntry {
        access_grants_instance_id: i.access_grants_instance_id,
        access_grants_instance_arn: i.access_grants_instance_arn,
        created_at: i.created_at,
        identity_center_arn: i.identity_center_arn,
        ..Default::default()
    });
    ListAccessGrantsInstancesResult { next_token: None, access_grants_instances_list: Some(entry.into_iter().collect()) }
}

/// An instance with locations cannot be deleted.
pub(crate) fn delete_instance(ctx: &RequestContext) -> Result<(), ServiceError> {
    let scope = state().regional(ctx);
    let mut data = scope.lock();
    let instance = data.access_grants.as_ref().ok_or_else(no_instance)?;
    if !instance.locations.is_empty() {
        return Err(err("AccessGrantsInstanceNotEmptyError", 400, "Please clean up locations before deleting the access grants instance"));
    }
    data.access_grants = None;
    Ok(())
}

pub(crate) fn instance_for_prefix(ctx: &RequestContext, prefix: &str) -> Result<GetAccessGrantsInstanceForPrefixResult, ServiceError> {
    with_instance(ctx, |i| {
        if !i.locations.values().any(|l| covers(&location_grant_scope(&l.scope), prefix)) {
            return Err(no_instance());
        }
        Ok(GetAccessGrantsInstanceForPrefixResult { access_grants_instance_arn: Some(instance_arn(ctx)), access_grants_instance_id: Some(INSTANCE_ID.into()) })
    })
}

pub(crate) fn put_policy(ctx: &RequestContext, policy: String, organization: Option<String>) -> Result<PutAccessGrantsInstanceResourcePolicyResult, ServiceError> {
    if simfra_policy::parse(&policy).is_err() {
        return Err(err("InvalidResourcePolicy", 400, "The specified Resource Policy is invalid"));
    }
    with_instance(ctx, |i| {
        let created = Timestamp::now();
        i.policy = Some((policy.clone(), organization.clone(), created));
        Ok(PutAccessGrantsInstanceResourcePolicyResult { policy: Some(policy), organization, created_at: Some(created) })
    })
}

pub(crate) fn get_policy(ctx: &RequestContext) -> Result<GetAccessGrantsInstanceResourcePolicyResult, ServiceError> {
    with_instance(ctx, |i| {
        let (policy, organization, created) =
            i.policy.clone().ok_or_else(|| err("AccessGrantsInstanceResourcePolicyNotExists", 404, "Access Grants Instance Resource Policy does not exist"))?;
        Ok(GetAccessGrantsInstanceResourcePolicyResult { policy: Some(policy), organization, created_at: Some(created) })
    })
}

pub(crate) fn delete_policy(ctx: &RequestContext) -> Result<(), ServiceError> {
    with_instance(ctx, |i| {
        i.policy = None;
        Ok(())
    })
}

// ---------------------------------------------------------------- locations

/// A location's IAM role must exist.
fn check_role(role_arn: &str) -> Result<(), ServiceError> {
    simfra_identity::iam::role_of_arn(role_arn)
        .and_then(|(account, name)| simfra_identity::iam::role(account, name))
        .map(|_| ())
        .ok_or_else(|| err("InvalidIamRole", 400, "The specified IAM Role is invalid"))
}

/// `s3://`, `s3://bucket` or `s3://bucket/prefix`.
fn valid_location_scope(scope: &str) -> bool {
    scope.strip_prefix("s3://").is_some_and(|rest| rest.is_empty() || !rest.starts_with('/'))
}

fn location_result(ctx: &RequestContext, id: &str, l: &Location) -> GetAccessGrantsLocationResult {
    GetAccessGrantsLocationResult {
        created_at: Some(l.created),
        access_grants_location_id: Some(id.to_string()),
        access_grants_location_arn: Some(location_arn(ctx, id)),
        location_scope: Some(l.scope.clone()),
        iam_role_arn: Some(l.role_arn.clone()),
    }
}

pub(crate) fn create_location(ctx: &RequestContext, input: CreateAccessGrantsLocationRequest) -> Result<GetAccessGrantsLocationResult, ServiceError> {
    if !valid_location_scope(&input.location_scope) {
        return Err(err("InvalidAccessGrantsLocation", 400, "The specified Access Grants Location is invalid"));
    }
    check_role(&input.iam_role_arn)?;
    let tags = tags_of(input.tags)?;
    with_instance(ctx, |i| {
        if i.locations.values().any(|l| l.scope == input.location_scope) {
            return Err(err("AccessGrantsLocationAlreadyExistsError", 409, "The specified access grants location already exists"));
        }
        // The whole of S3 (`s3://`) is the location AWS calls `default`.
        let id = if input.location_scope == "s3://" { "default".to_string() } else { simfra_identity::ids::uuid() };
        let l = Location { created: Timestamp::now(), scope: input.location_scope, role_arn: input.iam_role_arn, tags };
        let out = location_result(ctx, &id, &l);
        i.locations.insert(id, l);
        Ok(out)
    })
}

pub(crate) fn get_location(ctx: &RequestContext, id: &str) -> Result<GetAccessGrantsLocationResult, ServiceError> {
    with_instance(ctx, |i| i.locations.get(id).map(|l| location_result(ctx, id, l)).ok_or_else(no_location))
}

pub(crate) fn update_location(ctx: &RequestContext, id: &str, role_arn: &str) -> Result<GetAccessGrantsLocationResult, ServiceError> {
    check_role(role_arn)?;
    with_instance(ctx, |i| {
        let l = i.locations.get_mut(id).ok_or_else(no_location)?;
        l.role_arn = role_arn.to_string();
        Ok(location_result(ctx, id, l))
    })
}

/// A location with grants cannot be deleted.
pub(crate) fn delete_location(ctx: &RequestContext, id: &str) -> Result<(), ServiceError> {
    with_instance(ctx, |i| {
        if !i.locations.contains_key(id) {
            return Err(no_location());
        }
        if i.grants.values().any(|g| g.location_id == id) {
            return Err(err("AccessGrantsLocationNotEmptyError", 400, "Please clean up access grants before deleting access grants location"));
        }
        i.locations.remove(id);
        Ok(())
    })
}

pub(crate) fn list_locations(ctx: &RequestContext, scope: Option<&str>) -> Result<ListAccessGrantsLocationsResult, ServiceError> {
    with_instance(ctx, |i| {
        let list = i
            .locations
            .iter()
            .filter(|(_, l)| scope.is_none_or(|s| l.scope == s))
            .map(|(id, l)| {
                let r = location_result(ctx, id, l);
                ListAccessGrantsLocationsEntry {
                    created_at: r.created_at,
                    access_grants_location_id: r.access_grants_location_id,
                    access_grants_location_arn: r.access_grants_location_arn,
                    location_scope: r.location_scope,
                    iam_role_arn: r.iam_role_arn,
                }
            })
            .collect();
        Ok(ListAccessGrantsLocationsResult { next_token: None, access_grants_locations_list: Some(list) })
    })
}

// ---------------------------------------------------------------- grants

/// What a whole location grants: everything under its scope.
fn location_grant_scope(location: &str) -> String {
    if location == "s3://" {
        "s3://*".to_string()
    } else {
        format!("{}/*", location.trim_end_matches('/'))
    }
}

/// A grant's scope: the location's scope with the sub-prefix appended.
fn grant_scope(location: &str, sub_prefix: Option<&str>) -> String {
    match sub_prefix {
        None => location_grant_scope(location),
        Some(sub) if location == "s3://" => format!("s3://{}", sub.trim_start_matches('/')),
        Some(sub) => format!("{}/{}", location.trim_end_matches('/'), sub.trim_start_matches('/')),
    }
}

/// Whether a scope (`s3://b/p*` is a prefix, anything else one object)
/// covers a target (itself a prefix when it ends with `*`).
fn covers(scope: &str, target: &str) -> bool {
    match scope.strip_suffix('*') {
        Some(prefix) => target.trim_end_matches('*').starts_with(prefix),
        None => target == scope,
    }
}

fn allows(granted: &Permission, wanted: &Permission) -> bool {
    granted == wanted || *granted == Permission::Readwrite
}

fn grant_result(ctx: &RequestContext, id: &str, g: &Grant) -> GetAccessGrantResult {
    GetAccessGrantResult {
        created_at: Some(g.created),
        access_grant_id: Some(id.to_string()),
        access_grant_arn: Some(grant_arn(ctx, id)),
        grantee: Some(g.grantee.clone()),
        permission: Some(g.permission.clone()),
        access_grants_location_id: Some(g.location_id.clone()),
        access_grants_location_configuration: Some(AccessGrantsLocationConfiguration { s3_sub_prefix: g.sub_prefix.clone() }),
        grant_scope: Some(g.scope.clone()),
        application_arn: g.application_arn.clone(),
    }
}

pub(crate) fn create_grant(ctx: &RequestContext, input: CreateAccessGrantRequest) -> Result<GetAccessGrantResult, ServiceError> {
    let invalid = || err("InvalidAccessGrant", 400, "The specified Access Grant is invalid");
    if input.grantee.grantee_type != Some(GranteeType::Iam) || input.grantee.grantee_identifier.as_deref().is_none_or(str::is_empty) {
        return Err(invalid());
    }
    let tags = tags_of(input.tags)?;
    let sub_prefix = input.access_grants_location_configuration.and_then(|c| c.s3_sub_prefix);
    with_instance(ctx, |i| {
        let location = i.locations.get(&input.access_grants_location_id).ok_or_else(no_location)?;
        let scope = grant_scope(&location.scope, sub_prefix.as_deref());
        let exists = i.grants.values().any(|g| g.scope == scope && g.grantee == input.grantee && g.permission == input.permission);
        if exists {
            return Err(err("AccessGrantAlreadyExists", 409, "The specified access grant already exists"));
        }
        let id = simfra_identity::ids::uuid();
        let g = Grant {
            created: Timestamp::now(),
            location_id: input.access_grants_location_id,
            sub_prefix,
            grantee: input.grantee,
            permission: input.permission,
            application_arn: input.application_arn,
            scope,
            tags,
        };
        let out = grant_result(ctx, &id, &g);
        i.grants.insert(id, g);
        Ok(out)
    })
}

pub(crate) fn get_grant(ctx: &RequestContext, id: &str) -> Result<GetAccessGrantResult, ServiceError> {
    with_instance(ctx, |i| i.grants.get(id).map(|g| grant_result(ctx, id, g)).ok_or_else(no_grant))
}

pub(crate) fn delete_grant(ctx: &RequestContext, id: &str) -> Result<(), ServiceError> {
    with_instance(ctx, |i| i.grants.remove(id).map(|_| ()).ok_or_else(no_grant))
}

pub(crate) fn list_grants(ctx: &RequestContext, input: &ListAccessGrantsRequest) -> Result<ListAccessGrantsResult, ServiceError> {
    with_instance(ctx, |i| {
        let list = i
            .grants
            .iter()
            .filter(|(_, g)| input.grantee_type.as_ref().is_none_or(|t| g.grantee.grantee_type.as_ref() == Some(t)))
            .filter(|(_, g)| input.grantee_identifier.as_ref().is_none_or(|id| g.grantee.grantee_identifier.as_ref() == Some(id)))
            .filter(|(_, g)| input.permission.as_ref().is_none_or(|p| g.permission == *p))
            .filter(|(_, g)| input.grant_scope.as_ref().is_none_or(|s| g.scope == *s))
            .filter(|(_, g)| input.application_arn.as_ref().is_none_or(|a| g.application_arn.as_ref() == Some(a)))
            .map(|(id, g)| {
                let r = grant_result(ctx, id, g);
                ListAccessGrantEntry {
                    created_at: r.created_at,
                    access_grant_id: r.access_grant_id,
                    access_grant_arn: r.access_grant_arn,
                    grantee: r.grantee,
                    permission: r.permission,
                    access_grants_location_id: r.access_grants_location_id,
                    access_grants_location_configuration: r.access_grants_location_configuration,
                    grant_scope: r.grant_scope,
                    application_arn: r.application_arn,
                }
            })
            .collect();
        Ok(ListAccessGrantsResult { next_token: None, access_grants_list: Some(list) })
    })
}

/// The IAM identity grants name the caller by: a role session's role ARN,
/// else the caller's own ARN.
fn caller_identity(ctx: &RequestContext) -> Option<String> {
    let arn = ctx.principal_arn.clone()?;
    let Some(rest) = arn.strip_prefix(&format!("arn:aws:sts::{}:assumed-role/", ctx.account_id)) else { return Some(arn) };
    let role = rest.split('/').next()?;
    simfra_identity::iam::role(&ctx.account_id, role).map(|r| r.arn)
}

fn is_grantee(g: &Grant, caller: &str) -> bool {
    g.grantee.grantee_type == Some(GranteeType::Iam) && g.grantee.grantee_identifier.as_deref() == Some(caller)
}

pub(crate) fn list_caller_grants(ctx: &RequestContext, scope: Option<&str>) -> Result<ListCallerAccessGrantsResult, ServiceError> {
    let caller = caller_identity(ctx).unwrap_or_default();
    with_instance(ctx, |i| {
        let list = i
            .grants
            .values()
            .filter(|g| is_grantee(g, &caller))
            .filter(|g| scope.is_none_or(|s| g.scope.starts_with(s.trim_end_matches('*'))))
            .map(|g| ListCallerAccessGrantsEntry { permission: Some(g.permission.clone()), grant_scope: Some(g.scope.clone()), application_arn: g.application_arn.clone() })
            .collect();
        Ok(ListCallerAccessGrantsResult { next_token: None, caller_access_grants_list: Some(list) })
    })
}

// ---------------------------------------------------------------- data access

/// The session policy of vended credentials: the permission's object actions
/// on the scope, and listing the bucket under it.
fn session_policy(scope: &str, permission: &Permission) -> String {
    let path = scope.strip_prefix("s3://").unwrap_or(scope);
    let (bucket, prefix) = path.split_once('/').unwrap_or((path, "*"));
    let read = ["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectAcl", "s3:GetObjectVersionAcl", "s3:ListMultipartUploadParts"];
    let write = ["s3:PutObject", "s3:PutObjectAcl", "s3:PutObjectVersionAcl", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:AbortMultipartUpload"];
    let actions: Vec<&str> = match permission {
        Permission::Read => read.to_vec(),
        Permission::Write => write.to_vec(),
        _ => read.iter().chain(write.iter()).copied().collect(),
    };
    let list_prefix = prefix.trim_end_matches('*');
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": actions, "Resource": format!("arn:aws:s3:::{bucket}/{prefix}")},
            {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": format!("arn:aws:s3:::{bucket}"),
             "Condition": {"StringLike": {"s3:prefix": format!("{list_prefix}*")}}}
        ]
    })
    .to_string()
}

/// The principal S3 Access Grants assumes location roles as.
const ACCESS_GRANTS: &str = "access-grants.s3.amazonaws.com";

pub(crate) fn get_data_access(ctx: &RequestContext, input: &GetDataAccessRequest) -> Result<GetDataAccessResult, ServiceError> {
    let duration = input.duration_seconds.unwrap_or(3600) as i64;
    let caller = caller_identity(ctx).unwrap_or_default();
    let denied = || {
        err(
            "AccessDenied",
            403,
            &format!("You do not have {} permissions to the requested S3 Prefix: {}", input.permission.as_str(), input.target),
        )
    };
    let (grant_scope, grantee, role_arn) = with_instance(ctx, |i| {
        // The most specific grant that covers the target with the permission.
        let grant = i
            .grants
            .values()
            .filter(|g| is_grantee(g, &caller) && allows(&g.permission, &input.permission) && covers(&g.scope, &input.target))
            .max_by_key(|g| g.scope.len())
            .ok_or_else(denied)?;
        let location = i.locations.get(&grant.location_id).ok_or_else(denied)?;
        Ok((grant.scope.clone(), grant.grantee.clone(), location.role_arn.clone()))
    })?;
    let role = simfra_identity::iam::role_of_arn(&role_arn)
        .and_then(|(account, name)| simfra_identity::iam::role(account, name))
        .filter(|role| {
            let req = simfra_policy::Request { action: "sts:AssumeRole".into(), resource: role.arn.clone(), service_principal: Some(ACCESS_GRANTS.into()), ..Default::default() };
            role.trust_policy.trusts(&req)
        })
        .ok_or_else(|| err("StsNotAuthorizedError", 403, &format!("User: {ACCESS_GRANTS} is not authorized to perform: sts:AssumeRole on resource: {role_arn}")))?;
    // Minimal privilege scopes the credentials to the target itself.
    let scope = if input.privilege == Some(Privilege::Minimal) { input.target.clone() } else { grant_scope.clone() };
    let policy = simfra_policy::parse(&session_policy(&scope, &input.permission)).map_err(|e| ServiceError::internal(e.0))?;
    let now = Timestamp::now().secs;
    let spec = simfra_identity::credentials::RoleSessionSpec {
        session_name: format!("access-grants-{}", &simfra_identity::ids::random_hex(8)),
        issued_at: now,
        expires_at: now + duration,
        session_policies: vec![("access-grants-scope".into(), std::sync::Arc::new(policy))],
        session_tags: Vec::new(),
        source_identity: None,
    };
    let (account, _) = simfra_identity::iam::role_of_arn(&role_arn).unwrap_or_default();
    let keys = simfra_identity::credentials::issue_role_session(account, &role, spec);
    Ok(GetDataAccessResult {
        credentials: Some(Credentials {
            access_key_id: Some(keys.access_key_id),
            secret_access_key: Some(keys.secret_access_key),
            session_token: Some(keys.session_token),
            expiration: Some(Timestamp::from_secs(keys.expires_at)),
        }),
        matched_grant_target: Some(grant_scope),
        grantee: Some(grantee),
    })
}

// ---------------------------------------------------------------- tags and IAM

/// The tags of an instance (`default`), a location (`default/location/<id>`)
/// or a grant (`default/grant/<id>`), by the ARN's path after `access-grants/`.
pub(crate) fn tags_mut<'d>(data: &'d mut Data, path: &str) -> Option<&'d mut TagSet> {
    let instance = data.access_grants.as_mut()?;
    match path.split('/').collect::<Vec<_>>().as_slice() {
        [INSTANCE_ID] => Some(&mut instance.tags),
        [INSTANCE_ID, "location", id] => instance.locations.get_mut(*id).map(|l| &mut l.tags),
        [INSTANCE_ID, "grant", id] => instance.grants.get_mut(*id).map(|g| &mut g.tags),
        _ => None,
    }
}

/// IAM's view of the instance or one of its locations or grants: the
/// owner, the instance's resource policy and the resource's tags.
pub(crate) fn facts(account: &str, region: &str, path: &str) -> Option<simfra_identity::authorize::ResourceFacts> {
    let scope = state().all().into_iter().find(|((a, r), _)| a == account && r == region)?.1;
    let mut data = scope.lock();
    let policy = data.access_grants.as_ref()?.policy.as_ref().and_then(|(p, _, _)| simfra_policy::parse(p).ok()).map(std::sync::Arc::new);
    let tags = tags_mut(&mut data, path)?.clone();
    Some(simfra_identity::authorize::ResourceFacts { owner: account.to_string(), policy, tags })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes() {
        assert_eq!(grant_scope("s3://", None), "s3://*");
        assert_eq!(grant_scope("s3://", Some("bucket/logs*")), "s3://bucket/logs*");
        assert_eq!(grant_scope("s3://bucket", Some("logs/*")), "s3://bucket/logs/*");
        assert_eq!(grant_scope("s3://bucket/", None), "s3://bucket/*");
        assert!(covers("s3://bucket/logs/*", "s3://bucket/logs/2024/a.txt"));
        assert!(covers("s3://bucket/logs/*", "s3://bucket/logs/*"));
        assert!(!covers("s3://bucket/logs/*", "s3://bucket/other/a.txt"));
        assert!(covers("s3://bucket/a.txt", "s3://bucket/a.txt"));
        assert!(!covers("s3://bucket/a.txt", "s3://bucket/a.txt2"));
        assert!(allows(&Permission::Readwrite, &Permission::Read));
        assert!(!allows(&Permission::Read, &Permission::Write));
    }
}
