//! Live replication: a new object version (or delete marker) in a bucket
//! with a replication configuration is copied to the destination bucket of
//! each enabled rule that selects it, keeping its version id, as S3's
//! same- and cross-region replication does. Replicas share the source's
//! blob (no bytes are copied).
//!
//! As on AWS: objects written before the configuration are not replicated
//! (that is Batch Replication), replicas are not replicated again, deletes
//! of a specific version are never replicated, delete markers only when the
//! rule says so (always for rules in the older, Prefix-only form), and a
//! destination that is gone or no longer versioned is skipped. The
//! replication role's permissions are not evaluated.

use crate::store::{Bucket, Version, Versioning};
use crate::S3;
use simfra_gen_s3::types::*;

/// Whether a rule selects a version of `key` (its prefix and tags).
fn selects(rule: &ReplicationRule, key: &str, v: &Version) -> bool {
    let has = |t: &Tag| v.tags.iter().any(|(k, val)| *k == t.key && *val == t.value);
    match &rule.filter {
        None => key.starts_with(rule.prefix.as_deref().unwrap_or_default()),
        Some(f) => {
            if let Some(and) = &f.and {
                key.starts_with(and.prefix.as_deref().unwrap_or_default()) && and.tags.iter().flatten().all(has)
            } else {
                key.starts_with(f.prefix.as_deref().unwrap_or_default()) && f.tag.as_ref().is_none_or(has)
            }
        }
    }
}

/// Whether a rule replicates delete markers: rules in the current form say
/// so; rules in the older Prefix-only form always do.
fn replicates_delete_markers(rule: &ReplicationRule) -> bool {
    match &rule.delete_marker_replication {
        Some(d) => d.status == Some(DeleteMarkerReplicationStatus::Enabled),
        None => rule.filter.is_none(),
    }
}

/// The destination buckets a new version goes to, each with the rule that
/// sends it there (the highest priority among the rules for that bucket).
fn destinations<'a>(b: &'a Bucket, key: &str, v: &Version) -> Vec<(&'a str, &'a ReplicationRule)> {
    let Some(conf) = &b.config.replication else { return Vec::new() };
    let mut chosen: Vec<(&str, &ReplicationRule)> = Vec::new();
    for rule in conf.rules.iter().filter(|r| r.status == ReplicationRuleStatus::Enabled) {
        // Delete markers carry no tags: a rule takes them by its prefix.
        let wanted = if v.delete_marker { replicates_delete_markers(rule) && key.starts_with(selector_prefix(rule)) } else { selects(rule, key, v) };
        let Some(dest) = rule.destination.bucket.strip_prefix("arn:aws:s3:::") else { continue };
        if !wanted {
            continue;
        }
        match chosen.iter_mut().find(|(d, _)| *d == dest) {
            Some(slot) if rule.priority.unwrap_or(0) > slot.1.priority.unwrap_or(0) => slot.1 = rule,
            Some(_) => {}
            None => chosen.push((dest, rule)),
        }
    }
    chosen
}

fn selector_prefix(rule: &ReplicationRule) -> &str {
    match &rule.filter {
        None => rule.prefix.as_deref().unwrap_or_default(),
        Some(f) => f.and.as_ref().and_then(|a| a.prefix.as_deref()).or(f.prefix.as_deref()).unwrap_or_default(),
    }
}

/// Replicates what an object event created (called for every event; only
/// `ObjectCreated:*` and `ObjectRemoved:DeleteMarkerCreated` replicate).
pub(crate) fn replicate(s3: &S3, bucket: &str, event: &str, key: &str, version_id: Option<&str>) {
    if !(event.starts_with("ObjectCreated:") || event == "ObjectRemoved:DeleteMarkerCreated") {
        return;
    }
    let Some(version_id) = version_id else { return };
    let mut buckets = s3.store.lock();
    let Some(source) = buckets.get(bucket) else { return };
    if source.versioning != Versioning::Enabled || source.config.replication.is_none() {
        return;
    }
    let Some(version) = source.version(key, version_id).cloned() else { return };
    let plan: Vec<(String, Option<StorageClass>, bool)> = destinations(source, key, &version)
        .into_iter()
        .map(|(dest, rule)| {
            let owner_override = rule.destination.access_control_translation.is_some();
            (dest.to_string(), rule.destination.storage_class.clone(), owner_override)
        })
        .collect();
    for (dest, storage_class, owner_override) in plan {
        if dest == bucket {
            continue;
        }
        let Some(d) = buckets.get_mut(&dest) else { continue };
        if d.versioning != Versioning::Enabled || d.version(key, version_id).is_some() {
            continue;
        }
        let mut replica = version.clone();
        if let Some(class) = storage_class.filter(|_| !replica.delete_marker) {
            replica.storage_class = class;
        }
        if owner_override {
            replica.owner_account = d.owner_account.clone();
            replica.acl = None;
        }
        // Versions keep their order by time: a replica newer than the
        // destination's current version becomes current.
        let stack = d.objects.entry(key.to_string()).or_default();
        let at = stack.iter().position(|v| v.last_modified <= replica.last_modified).unwrap_or(stack.len());
        stack.insert(at, replica);
    }
}
