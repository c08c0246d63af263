//! Block Public Access and what IAM weighs of a bucket or object: the
//! bucket policy (its public and cross-account grants set aside under
//! RestrictPublicBuckets), and the ACLs' grants as policy statements
//! (unless ACLs are disabled, public ones set aside under IgnorePublicAcls).

use super::acl;
use crate::store::Bucket;
use simfra_gen_s3::types::*;
use std::sync::Arc;

/// The four settings in force for a bucket: its own and its owner
/// account's (S3 Control's), whichever is stricter.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Blocks {
    pub block_public_acls: bool,
    pub ignore_public_acls: bool,
    pub block_public_policy: bool,
    pub restrict_public_buckets: bool,
}

pub(crate) fn blocks(b: &Bucket) -> Blocks {
    let own = b.config.public_access_block.as_ref();
    let flag = |f: fn(&PublicAccessBlockConfiguration) -> Option<bool>| own.and_then(f).unwrap_or(false);
    let account = simfra_svc_s3_control::account_public_access_block(&b.owner_account).unwrap_or_default();
    Blocks {
        block_public_acls: flag(|c| c.block_public_acls) || account.0,
        ignore_public_acls: flag(|c| c.ignore_public_acls) || account.1,
        block_public_policy: flag(|c| c.block_public_policy) || account.2,
        restrict_public_buckets: flag(|c| c.restrict_public_buckets) || account.3,
    }
}

/// Whether the bucket's Object Ownership is BucketOwnerEnforced (ACLs disabled).
pub(crate) fn acls_disabled(b: &Bucket) -> bool {
    ownership(b) == ObjectOwnership::BucketOwnerEnforced
}

/// The bucket's Object Ownership; without controls, ObjectWriter.
pub(crate) fn ownership(b: &Bucket) -> ObjectOwnership {
    b.config.ownership.as_ref().and_then(|o| o.rules.first()).map(|r| r.object_ownership.clone()).unwrap_or(ObjectOwnership::ObjectWriter)
}

/// Condition keys that pin a grant to known callers, so that a statement
/// for everyone is not public (AWS's "The meaning of public").
const FIXING_KEYS: &[&str] = &[
    "aws:principalarn", "aws:principalaccount", "aws:principalorgid", "aws:sourcearn", "aws:sourcevpc", "aws:sourcevpce",
    "aws:sourceaccount", "aws:sourceowner", "aws:sourceip", "aws:userid", "s3:dataaccesspointarn", "s3:dataaccesspointaccount",
    "aws:principalservicename",
];

fn statements_of(doc: &serde_json::Value) -> Vec<serde_json::Value> {
    match doc.get("Statement") {
        Some(serde_json::Value::Array(a)) => a.clone(),
        Some(o @ serde_json::Value::Object(_)) => vec![o.clone()],
        _ => Vec::new(),
    }
}

fn names_everyone(st: &serde_json::Value) -> bool {
    match st.get("Principal") {
        Some(serde_json::Value::String(s)) => s == "*",
        Some(serde_json::Value::Object(m)) => m.get("AWS").is_some_and(|v| v == "*" || v.as_array().is_some_and(|a| a.iter().any(|x| x == "*"))),
        _ => false,
    }
}

/// Whether a policy makes the bucket public: an Allow for everyone that no
/// fixing condition narrows.
pub(crate) fn policy_is_public(text: &str) -> bool {
    let Ok(doc) = serde_json::from_str::<serde_json::Value>(text) else { return false };
    statements_of(&doc).iter().any(|st| {
        let allow = st.get("Effect").and_then(|e| e.as_str()) == Some("Allow");
        let fixed = st.get("Condition").and_then(|c| c.as_object()).is_some_and(|ops| {
            ops.values().filter_map(|keys| keys.as_object()).any(|keys| keys.keys().any(|k| FIXING_KEYS.contains(&k.to_ascii_lowercase().as_str())))
        });
        allow && names_everyone(st) && !fixed
    })
}

/// A statement granting AWS principals (not only services) is narrowed to
/// the owner's account: RestrictPublicBuckets leaves a public bucket to
/// "AWS service principals and authorized users within the bucket owner's account".
fn restrict_to_account(st: &mut serde_json::Value, owner: &str) {
    if st.get("Effect").and_then(|e| e.as_str()) != Some("Allow") {
        return;
    }
    let services_only = st.get("Principal").and_then(|p| p.as_object()).is_some_and(|m| m.keys().all(|k| k == "Service"));
    if services_only {
        return;
    }
    let conditions = st.as_object_mut().map(|o| o.entry("Condition").or_insert_with(|| serde_json::json!({})));
    let Some(serde_json::Value::Object(ops)) = conditions else { return };
    // Every operator must hold: use one that does not test the key yet.
    for op in ["StringEquals", "StringEqualsIgnoreCase", "StringLike"] {
        let block = ops.entry(op).or_insert_with(|| serde_json::json!({}));
        if let serde_json::Value::Object(keys) = block {
            if !keys.keys().any(|k| k.eq_ignore_ascii_case("aws:PrincipalAccount")) {
                keys.insert("aws:PrincipalAccount".into(), serde_json::json!(owner));
                return;
            }
        }
    }
}

/// IAM's view of an S3 resource (`arn:aws:s3:::bucket[/key]`): its owner,
/// its tags, and the resource policy in force: the bucket policy with the
/// ACL grants that apply, under the bucket's Block Public Access settings.
pub(crate) fn resource_facts(arn: &str) -> Option<simfra_identity::authorize::ResourceFacts> {
    let rest = arn.strip_prefix("arn:aws:s3:::")?;
    let (bucket, key) = match rest.split_once('/') {
        Some((b, k)) => (b, Some(k)),
        None => (rest, None),
    };
    let s3 = crate::internal::shared();
    let buckets = s3.store.lock();
    let b = buckets.get(bucket)?;
    let owner = b.owner_account.clone();
    let tags = b.config.tags.clone().unwrap_or_default();
    let policy_text = b.config.policy.clone();
    // The settings are looked up only where they can matter (most buckets
    // have no policy and no ACL granting anyone but their owner).
    let mut settings = None;
    let mut blocks_of = || *settings.get_or_insert_with(|| blocks(b));
    let mut acl_statements = Vec::new();
    if !acls_disabled(b) {
        let object = key.and_then(|k| b.current(k)).filter(|v| !v.delete_marker);
        let private = object.map(|v| acl::private(&v.owner_account));
        let grant_lists = [
            (b.config.acl.as_ref().and_then(|a| a.grants.as_deref()), None),
            (object.and_then(|v| v.acl.as_ref()).and_then(|a| a.grants.as_deref()).or(private.as_deref()), key),
        ];
        for (grants, on) in grant_lists {
            let Some(grants) = grants else { continue };
            let all = acl::statements(grants, bucket, on, &owner, false);
            if !all.is_empty() {
                let ignore_public = acl::is_public(grants) && blocks_of().ignore_public_acls;
                acl_statements.extend(if ignore_public { acl::statements(grants, bucket, on, &owner, true) } else { all });
            }
        }
        // An object another account owns answers to its owner's ACL only.
        if let (Some(v), Some(k)) = (object, key) {
            let object_owner = super::object_owner(b, v);
            if object_owner != owner {
                let grants = v.acl.as_ref().and_then(|a| a.grants.as_deref()).or(private.as_deref()).unwrap_or(&[]);
                let ignore_public = acl::is_public(grants) && blocks_of().ignore_public_acls;
                acl_statements.extend(acl::object_owner_denies(grants, bucket, k, &object_owner, ignore_public));
            }
        }
    }
    let restrict = policy_text.as_deref().is_some_and(|p| blocks_of().restrict_public_buckets && policy_is_public(p));
    drop(buckets);

    let policy = match policy_text {
        // The common case: the bucket policy as it was put.
        Some(text) if acl_statements.is_empty() && !restrict => simfra_policy::parse(&text).ok(),
        None if acl_statements.is_empty() => None,
        text => {
            let doc = text.as_deref().and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok());
            let version = doc.as_ref().and_then(|d| d.get("Version").cloned()).unwrap_or_else(|| serde_json::json!("2012-10-17"));
            let mut statements = doc.as_ref().map(statements_of).unwrap_or_default();
            if restrict {
                statements.iter_mut().for_each(|st| restrict_to_account(st, &owner));
            }
            statements.extend(acl_statements);
            // Should the combination not parse, the bucket policy as put still speaks (its denials above all).
            simfra_policy::parse(&serde_json::json!({"Version": version, "Statement": statements}).to_string())
                .ok()
                .or_else(|| text.as_deref().and_then(|t| simfra_policy::parse(t).ok()))
        }
    };
    Some(simfra_identity::authorize::ResourceFacts { owner, policy: policy.map(Arc::new), tags })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_policies_and_restriction() {
        let public = r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::logs/*"}]}"#;
        assert!(policy_is_public(public));
        let pinned = r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::logs/*","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}}]}"#;
        assert!(!policy_is_public(pinned));
        let mut st: serde_json::Value = serde_json::from_str(&pinned[14..pinned.len() - 2]).unwrap();
        restrict_to_account(&mut st, "111111111111");
        assert_eq!(st["Condition"]["StringEquals"]["aws:PrincipalAccount"], "111111111111");
        let mut service: serde_json::Value = serde_json::json!({"Effect":"Allow","Principal":{"Service":"logging.s3.amazonaws.com"},"Action":"s3:PutObject","Resource":"*"});
        restrict_to_account(&mut service, "1");
        assert!(service.get("Condition").is_none());
    }
}
