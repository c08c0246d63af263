//! Access control lists: canned ACLs, `x-amz-grant-*` headers and
//! `AccessControlPolicy` documents turned into the grants S3 keeps, and what
//! those grants allow, as policy statements IAM weighs beside the bucket
//! policy (see `super::resource_facts`).

use crate::errors::invalid_argument;
use simfra_gen_s3::types::*;
use simfra_model::ServiceError;

pub(crate) const ALL_USERS: &str = "http://acs.amazonaws.com/groups/global/AllUsers";
pub(crate) const AUTHENTICATED_USERS: &str = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
pub(crate) const LOG_DELIVERY: &str = "http://acs.amazonaws.com/groups/s3/LogDelivery";
/// The canonical user `aws-exec-read` grants READ to (Amazon EC2, which
/// reads AMI bundles from S3).
const EC2_READER: &str = "6aa5a366c34c1cbe25dc49211496e913e0351eb0e8c37aa3477e40942ec6b97c";

/// The `x-amz-grant-*` headers of an object write (PutObject, CopyObject,
/// CreateMultipartUpload). Objects take no WRITE grant.
#[derive(Debug, Clone, Default)]
pub(crate) struct GrantHeaders {
    pub full_control: Option<String>,
    pub read: Option<String>,
    pub read_acp: Option<String>,
    pub write_acp: Option<String>,
}

impl GrantHeaders {
    pub(crate) fn is_empty(&self) -> bool {
        self.full_control.is_none() && self.read.is_none() && self.read_acp.is_none() && self.write_acp.is_none()
    }

    pub(crate) fn pairs(&self) -> Vec<(Permission, &str)> {
        [
            (Permission::FullControl, &self.full_control),
            (Permission::Read, &self.read),
            (Permission::ReadAcp, &self.read_acp),
            (Permission::WriteAcp, &self.write_acp),
        ]
        .into_iter()
        .filter_map(|(p, v)| v.as_deref().map(|v| (p, v)))
        .collect()
    }
}

pub(crate) fn canonical_grantee(account: &str) -> Grantee {
    let owner = crate::ids::owner(account);
    Grantee { type_: Type::CanonicalUser, id: owner.id, display_name: owner.display_name, ..Default::default() }
}

fn group(uri: &str) -> Grantee {
    Grantee { type_: Type::Group, uri: Some(uri.to_string()), ..Default::default() }
}

fn grant(grantee: Grantee, permission: Permission) -> Grant {
    Grant { grantee: Some(grantee), permission: Some(permission) }
}

/// The grants of the default ACL: the owner's full control.
pub(crate) fn private(owner: &str) -> Vec<Grant> {
    vec![grant(canonical_grantee(owner), Permission::FullControl)]
}

/// The grants a canned ACL stands for. `owner` owns the resource;
/// `bucket_owner` matters for `bucket-owner-*` (objects only).
pub(crate) fn canned(name: &str, owner: &str, bucket_owner: &str, for_object: bool) -> Result<Vec<Grant>, ServiceError> {
    let mut grants = private(owner);
    match name {
        "private" => {}
        "public-read" => grants.push(grant(group(ALL_USERS), Permission::Read)),
        "public-read-write" => {
            grants.push(grant(group(ALL_USERS), Permission::Read));
            grants.push(grant(group(ALL_USERS), Permission::Write));
        }
        "authenticated-read" => grants.push(grant(group(AUTHENTICATED_USERS), Permission::Read)),
        "aws-exec-read" if for_object => {
            grants.push(grant(Grantee { type_: Type::CanonicalUser, id: Some(EC2_READER.into()), ..Default::default() }, Permission::Read))
        }
        "bucket-owner-read" if for_object => {
            if owner != bucket_owner {
                grants.push(grant(canonical_grantee(bucket_owner), Permission::Read));
            }
        }
        "bucket-owner-full-control" if for_object => {
            if owner != bucket_owner {
                grants.push(grant(canonical_grantee(bucket_owner), Permission::FullControl));
            }
        }
        "log-delivery-write" if !for_object => {
            grants.push(grant(group(LOG_DELIVERY), Permission::Write));
            grants.push(grant(group(LOG_DELIVERY), Permission::ReadAcp));
        }
        _ => return Err(refused("", "x-amz-acl", name)),
    }
    Ok(grants)
}

fn unresolvable_email() -> ServiceError {
    ServiceError::new("UnresolvableGrantByEmailAddress", 400, "The e-mail address you provided does not match any account on record.")
}

/// InvalidArgument naming the argument S3 refused (`ArgumentName`, `ArgumentValue`).
fn refused(message: &str, name: &str, value: &str) -> ServiceError {
    let mut e = invalid_argument(message);
    e.fields = simfra_model::Value::Map(
        [("ArgumentName", name), ("ArgumentValue", value)].iter().map(|(k, v)| (k.to_string(), simfra_model::Value::String(v.to_string()))).collect(),
    );
    e
}

fn invalid_id(id: &str) -> ServiceError {
    refused("Invalid id", "CanonicalUser/ID", id)
}

fn invalid_group(uri: &str) -> ServiceError {
    refused("Invalid group uri", "Group/URI", uri)
}

pub(crate) fn malformed_acl() -> ServiceError {
    ServiceError::new("MalformedACLError", 400, "The XML you provided was not well-formed or did not validate against our published schema")
}

/// A canonical id names an account Simfra knows.
fn known_canonical(id: &str) -> Option<String> {
    let account = crate::ids::account_of_canonical_id(id)?;
    simfra_identity::accounts::accounts().get(&account).map(|_| account)
}

fn checked_group(uri: &str) -> Result<Grantee, ServiceError> {
    match uri {
        ALL_USERS | AUTHENTICATED_USERS | LOG_DELIVERY => Ok(group(uri)),
        _ => Err(invalid_group(uri)),
    }
}

/// One `x-amz-grant-*` header: `id="…", uri="…", emailAddress="…"`, comma separated.
pub(crate) fn parse_grant_header(value: &str, permission: Permission, out: &mut Vec<Grant>) -> Result<(), ServiceError> {
    for item in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let (kind, v) = item.split_once('=').ok_or_else(|| invalid_argument("Argument format not recognized"))?;
        let v = v.trim().trim_matches('"');
        let grantee = match kind.trim().to_ascii_lowercase().as_str() {
            "id" => {
                let account = known_canonical(v).ok_or_else(|| invalid_id(v))?;
                canonical_grantee(&account)
            }
            "uri" => checked_group(v)?,
            "emailaddress" => return Err(unresolvable_email()),
            _ => return Err(invalid_argument("Argument format not recognized")),
        };
        out.push(grant(grantee, permission.clone()));
    }
    Ok(())
}

/// The grants of an `AccessControlPolicy` document, checked: an owner that
/// is the resource's, grantees S3 can resolve, permissions it knows.
pub(crate) fn from_document(doc: &AccessControlPolicy, owner: &str) -> Result<Vec<Grant>, ServiceError> {
    let Some(doc_owner) = doc.owner.as_ref().and_then(|o| o.id.as_deref()) else { return Err(malformed_acl()) };
    if crate::ids::account_of_canonical_id(doc_owner).as_deref() != Some(owner) {
        return Err(crate::errors::access_denied());
    }
    let mut grants = Vec::new();
    for g in doc.grants.iter().flatten() {
        let (Some(grantee), Some(permission)) = (&g.grantee, &g.permission) else { return Err(malformed_acl()) };
        if matches!(permission, Permission::Unknown(_)) {
            return Err(malformed_acl());
        }
        let grantee = match &grantee.type_ {
            Type::CanonicalUser => {
                let id = grantee.id.as_deref().ok_or_else(malformed_acl)?;
                canonical_grantee(&known_canonical(id).ok_or_else(|| invalid_id(id))?)
            }
            Type::Group => checked_group(grantee.uri.as_deref().ok_or_else(malformed_acl)?)?,
            Type::AmazonCustomerByEmail => return Err(unresolvable_email()),
            Type::Unknown(_) => return Err(malformed_acl()),
        };
        grants.push(grant(grantee, permission.clone()));
    }
    Ok(grants)
}

/// Grants anyone (AllUsers) or any AWS account (AuthenticatedUsers) access.
pub(crate) fn is_public(grants: &[Grant]) -> bool {
    grants.iter().any(|g| g.grantee.as_ref().is_some_and(is_public_grantee))
}

fn is_public_grantee(g: &Grantee) -> bool {
    g.type_ == Type::Group && matches!(g.uri.as_deref(), Some(ALL_USERS | AUTHENTICATED_USERS))
}

/// Grants nothing beyond `owner`'s full control (what ACL-less buckets accept).
pub(crate) fn owner_full_control_only(grants: &[Grant], owner: &str) -> bool {
    let me = crate::ids::canonical_id(owner);
    grants.iter().all(|g| g.permission == Some(Permission::FullControl) && g.grantee.as_ref().and_then(|x| x.id.as_deref()) == Some(me.as_str()))
}

/// The IAM actions an ACL permission allows (AWS's mapping of ACL
/// permissions to policy actions), for a bucket's or an object's ACL.
fn actions(permission: &Permission, on_bucket: bool) -> &'static [&'static str] {
    match (permission, on_bucket) {
        (Permission::Read, true) => &["s3:ListBucket", "s3:ListBucketVersions", "s3:ListBucketMultipartUploads"],
        (Permission::Write, true) => &["s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
        (Permission::ReadAcp, true) => &["s3:GetBucketAcl"],
        (Permission::WriteAcp, true) => &["s3:PutBucketAcl"],
        (Permission::FullControl, true) => &[
            "s3:ListBucket",
            "s3:ListBucketVersions",
            "s3:ListBucketMultipartUploads",
            "s3:PutObject",
            "s3:DeleteObject",
            "s3:AbortMultipartUpload",
            "s3:GetBucketAcl",
            "s3:PutBucketAcl",
        ],
        (Permission::Read, false) => &["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectTorrent"],
        (Permission::ReadAcp, false) => &["s3:GetObjectAcl", "s3:GetObjectVersionAcl"],
        (Permission::WriteAcp, false) => &["s3:PutObjectAcl", "s3:PutObjectVersionAcl"],
        (Permission::FullControl, false) => &[
            "s3:GetObject",
            "s3:GetObjectVersion",
            "s3:GetObjectTorrent",
            "s3:GetObjectAcl",
            "s3:GetObjectVersionAcl",
            "s3:PutObjectAcl",
            "s3:PutObjectVersionAcl",
        ],
        _ => &[],
    }
}

/// What a set of grants allows, as resource-policy statements. A bucket's
/// READ lists the bucket, its WRITE writes the objects in it; an object's
/// grants act on that object. Grants to `skip_account` (the bucket owner:
/// its own account needs no grant) are left out, and so are public grants
/// when `ignore_public` (IgnorePublicAcls).
pub(crate) fn statements(grants: &[Grant], bucket: &str, key: Option<&str>, skip_account: &str, ignore_public: bool) -> Vec<serde_json::Value> {
    use serde_json::json;
    let mut out = Vec::new();
    for g in grants {
        let (Some(grantee), Some(permission)) = (&g.grantee, &g.permission) else { continue };
        if ignore_public && is_public_grantee(grantee) {
            continue;
        }
        let (principal, condition) = match (&grantee.type_, grantee.uri.as_deref(), grantee.id.as_deref()) {
            (Type::Group, Some(ALL_USERS), _) => (json!("*"), None),
            // Any signed caller: anonymous requests carry no principal account.
            (Type::Group, Some(AUTHENTICATED_USERS), _) => (json!("*"), Some(json!({"Null": {"aws:PrincipalAccount": "false"}}))),
            (Type::Group, Some(LOG_DELIVERY), _) => (json!({"Service": "logging.s3.amazonaws.com"}), None),
            (Type::CanonicalUser, _, Some(id)) => match crate::ids::account_of_canonical_id(id) {
                Some(account) if account != skip_account => (json!({"AWS": format!("arn:aws:iam::{account}:root")}), None),
                _ => continue,
            },
            _ => continue,
        };
        let bucket_arn = format!("arn:aws:s3:::{bucket}");
        let mut add = |acts: Vec<&str>, resource: String| {
            if acts.is_empty() {
                return;
            }
            let mut st = json!({"Effect": "Allow", "Principal": principal, "Action": acts, "Resource": resource});
            if let Some(c) = &condition {
                st["Condition"] = c.clone();
            }
            out.push(st);
        };
        match key {
            None => {
                // Bucket-level grants: list/ACL actions on the bucket, writes on its objects.
                let (object_acts, bucket_acts): (Vec<&str>, Vec<&str>) =
                    actions(permission, true).iter().partition(|a| matches!(**a, "s3:PutObject" | "s3:DeleteObject" | "s3:AbortMultipartUpload"));
                add(bucket_acts, bucket_arn.clone());
                add(object_acts, format!("{bucket_arn}/*"));
            }
            Some(k) => add(actions(permission, false).to_vec(), object_resource(bucket, k)),
        }
    }
    out
}

/// An object's ARN as a statement's resource: a key's `${` is literal, not a
/// policy variable (`${$}` stands for `$`).
fn object_resource(bucket: &str, key: &str) -> String {
    format!("arn:aws:s3:::{bucket}/{}", key.replace("${", "${$}{"))
}

/// The actions an object's owner decides about (what its ACL can grant).
const OBJECT_ACTIONS: &[&str] =
    &["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectTorrent", "s3:GetObjectAcl", "s3:GetObjectVersionAcl", "s3:PutObjectAcl", "s3:PutObjectVersionAcl"];

/// For an object another account owns than the bucket's: S3 asks the
/// object's owner too (the "object context"), so reading the object or its
/// ACL takes a grant of its ACL, whatever the bucket policy or the bucket
/// owner's own policies allow. Answered as Deny statements for everyone but
/// the owner and the grantees, per action.
pub(crate) fn object_owner_denies(grants: &[Grant], bucket: &str, key: &str, object_owner: &str, ignore_public: bool) -> Vec<serde_json::Value> {
    use serde_json::json;
    let mut out = Vec::new();
    for action in OBJECT_ACTIONS {
        let (mut accounts, mut everyone, mut signed) = (vec![object_owner.to_string()], false, false);
        for g in grants {
            let (Some(grantee), Some(permission)) = (&g.grantee, &g.permission) else { continue };
            if !actions(permission, false).contains(action) || (ignore_public && is_public_grantee(grantee)) {
                continue;
            }
            match (grantee.uri.as_deref(), grantee.id.as_deref()) {
                (Some(ALL_USERS), _) => everyone = true,
                (Some(AUTHENTICATED_USERS), _) => signed = true,
                (_, Some(id)) => accounts.extend(crate::ids::account_of_canonical_id(id)),
                _ => {}
            }
        }
        if everyone {
            continue;
        }
        // Anonymous callers carry no principal account: the negated test refuses them too.
        let condition = if signed { json!({"Null": {"aws:PrincipalAccount": "true"}}) } else { json!({"StringNotEquals": {"aws:PrincipalAccount": accounts}}) };
        out.push(json!({"Effect": "Deny", "Principal": "*", "Action": action, "Resource": object_resource(bucket, key), "Condition": condition}));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canned_acls_and_public_grants() {
        let g = canned("public-read", "111111111111", "111111111111", true).unwrap();
        assert_eq!(g.len(), 2);
        assert!(is_public(&g));
        assert!(!is_public(&canned("private", "1", "1", true).unwrap()));
        assert_eq!(canned("bucket-owner-full-control", "222222222222", "111111111111", true).unwrap().len(), 2);
        assert_eq!(canned("bucket-owner-full-control", "111111111111", "111111111111", true).unwrap().len(), 1);
        assert!(canned("log-delivery-write", "1", "1", true).is_err());
        assert_eq!(canned("log-delivery-write", "1", "1", false).unwrap().len(), 3);
        let st = statements(&g, "b", Some("k"), "111111111111", false);
        assert_eq!(st.len(), 1);
        assert_eq!(st[0]["Principal"], "*");
        assert!(statements(&g, "b", Some("k"), "111111111111", true).is_empty());
        // A key that looks like a policy variable stays itself.
        let policy = serde_json::json!({"Version": "2012-10-17", "Statement": statements(&g, "b", Some("a${aws:username}"), "111111111111", false)});
        let policy = simfra_policy::parse(&policy.to_string()).unwrap();
        let req = simfra_policy::Request::new("s3:GetObject", "arn:aws:s3:::b/a${aws:username}", "", "");
        assert!(policy.statements[0].applies(&req, true));
    }

    #[test]
    fn grant_headers() {
        let mut out = Vec::new();
        parse_grant_header(&format!("uri=\"{ALL_USERS}\""), Permission::Read, &mut out).unwrap();
        assert!(is_public(&out));
        assert_eq!(parse_grant_header("emailAddress=\"a@b.c\"", Permission::Read, &mut out).unwrap_err().code, "UnresolvableGrantByEmailAddress");
        assert_eq!(parse_grant_header("uri=\"http://example.com/x\"", Permission::Read, &mut out).unwrap_err().code, "InvalidArgument");
        assert_eq!(parse_grant_header("nonsense", Permission::Read, &mut out).unwrap_err().code, "InvalidArgument");
    }
}
