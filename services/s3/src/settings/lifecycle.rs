//! Lifecycle configurations: S3's validation of a configuration, and the
//! background worker that applies every bucket's rules — current-version
//! expiration (a delete marker in versioned buckets), noncurrent-version
//! expiration, expired-delete-marker cleanup, storage class transitions and
//! aborting stale multipart uploads.
//!
//! The worker is one tokio task, started by the first
//! PutBucketLifecycleConfiguration, waking every
//! `SIMFRA_S3_LIFECYCLE_INTERVAL_SECONDS` (default 60). Rules count days of
//! `SIMFRA_S3_LIFECYCLE_DAY_SECONDS` (default 86400) so that tests can see a
//! `Days: 1` rule act within seconds. As on AWS, an action is due at the
//! first day boundary ("midnight UTC") after the object's age reaches the
//! rule's days.

use crate::errors::*;
use crate::notify::{self, Actor};
use crate::store::{Bucket, Upload, Version, Versioning, NULL_VERSION};
use simfra_gen_s3::types::*;
use simfra_model::{ServiceError, Timestamp};
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

fn env_seconds(name: &str, default: f64) -> f64 {
    std::env::var(name).ok().and_then(|v| v.parse::<f64>().ok()).filter(|v| *v > 0.0).unwrap_or(default)
}

/// How often the worker applies the rules.
fn interval() -> Duration {
    Duration::from_secs_f64(env_seconds("SIMFRA_S3_LIFECYCLE_INTERVAL_SECONDS", 60.0))
}

/// The length of a lifecycle "day", in seconds.
fn day_seconds() -> i64 {
    (env_seconds("SIMFRA_S3_LIFECYCLE_DAY_SECONDS", 86_400.0).round() as i64).max(1)
}

// ------------------------------------------------------------- validation

fn at_midnight(t: &Timestamp) -> bool {
    t.nanos == 0 && t.secs.rem_euclid(86_400) == 0
}

fn random_rule_id() -> String {
    simfra_identity::ids::random_string(b"abcdefghijklmnopqrstuvwxyz0123456789", 48)
}

/// Infrequent-access classes: S3 keeps objects in STANDARD at least 30 days before them.
fn needs_30_days(class: &TransitionStorageClass) -> bool {
    matches!(class, TransitionStorageClass::StandardIa | TransitionStorageClass::OnezoneIa)
}

/// Checks a configuration as S3 does and gives rules without an ID one.
pub(super) fn validate(conf: &mut BucketLifecycleConfiguration) -> Result<(), ServiceError> {
    if conf.rules.is_empty() || conf.rules.len() > 1000 {
        return Err(malformed_xml());
    }
    let mut ids = HashSet::new();
    for rule in &mut conf.rules {
        check_rule(rule)?;
        if rule.id.as_deref().is_none_or(str::is_empty) {
            rule.id = Some(random_rule_id());
        }
        let id = rule.id.clone().unwrap_or_default();
        if id.chars().count() > 255 {
            return Err(invalid_argument("ID length should not exceed allowed limit of 255"));
        }
        if !ids.insert(id) {
            return Err(invalid_argument("Rule ID must be unique. Found same ID for more than one rule"));
        }
    }
    Ok(())
}

fn check_rule(rule: &LifecycleRule) -> Result<(), ServiceError> {
    if matches!(rule.status, ExpirationStatus::Unknown(_)) {
        return Err(malformed_xml());
    }
    // A rule selects objects by a Filter or (the older form) a Prefix: exactly one of them.
    match (&rule.filter, &rule.prefix) {
        (Some(_), Some(_)) | (None, None) => return Err(malformed_xml()),
        _ => {}
    }
    let mut has_tags = false;
    if let Some(f) = &rule.filter {
        let set = [f.prefix.is_some(), f.tag.is_some(), f.object_size_greater_than.is_some(), f.object_size_less_than.is_some(), f.and.is_some()];
        if set.iter().filter(|s| **s).count() > 1 {
            return Err(malformed_xml());
        }
        has_tags = f.tag.is_some();
        let (mut gt, mut lt) = (f.object_size_greater_than, f.object_size_less_than);
        if let Some(and) = &f.and {
            let tags = and.tags.as_deref().unwrap_or_default();
            has_tags |= !tags.is_empty();
            let conditions = and.prefix.is_some() as usize + tags.len() + and.object_size_greater_than.is_some() as usize + and.object_size_less_than.is_some() as usize;
            if conditions < 2 {
                return Err(malformed_xml());
            }
            let mut keys = HashSet::new();
            if !tags.iter().all(|t| keys.insert(t.key.as_str())) {
                return Err(invalid_request("Duplicate Tag Keys are not allowed."));
            }
            gt = and.object_size_greater_than;
            lt = and.object_size_less_than;
        }
        if gt.is_some_and(|v| v < 0) || lt.is_some_and(|v| v <= 0) {
            return Err(invalid_argument("Object size filters must be non-negative and ObjectSizeLessThan must be positive"));
        }
        if let (Some(g), Some(l)) = (gt, lt) {
            if g >= l {
                return Err(invalid_argument("ObjectSizeGreaterThan must be less than ObjectSizeLessThan"));
            }
        }
    }
    let transitions = rule.transitions.as_deref().unwrap_or_default();
    let noncurrent_transitions = rule.noncurrent_version_transitions.as_deref().unwrap_or_default();
    let any_action = rule.expiration.is_some()
        || !transitions.is_empty()
        || !noncurrent_transitions.is_empty()
        || rule.noncurrent_version_expiration.is_some()
        || rule.abort_incomplete_multipart_upload.is_some();
    if !any_action {
        return Err(invalid_request("At least one action needs to be specified in a rule"));
    }
    let mut expiration_days = None;
    if let Some(e) = &rule.expiration {
        let marker = e.expired_object_delete_marker.is_some();
        match (e.days, &e.date, marker) {
            (Some(_), Some(_), _) | (Some(_), _, true) | (_, Some(_), true) | (None, None, false) => return Err(malformed_xml()),
            _ => {}
        }
        if let Some(d) = e.days {
            if d <= 0 {
                return Err(invalid_argument("'Days' for Expiration action must be a positive integer"));
            }
            expiration_days = Some(d);
        }
        if e.date.as_ref().is_some_and(|d| !at_midnight(d)) {
            return Err(invalid_argument("'Date' must be at midnight GMT"));
        }
        if marker && has_tags {
            return Err(invalid_request("ExpiredObjectDeleteMarker cannot be specified with Tags."));
        }
    }
    let mut classes = HashSet::new();
    for t in transitions {
        let class = match &t.storage_class {
            None | Some(TransitionStorageClass::Unknown(_)) => return Err(malformed_xml()),
            Some(c) => c,
        };
        if !classes.insert(class.as_str().to_string()) {
            return Err(invalid_request("'StorageClass' must be different for 'Transition' actions in same 'Rule'"));
        }
        match (t.days, &t.date) {
            (Some(_), Some(_)) | (None, None) => return Err(malformed_xml()),
            (Some(d), None) => {
                if d < 0 {
                    return Err(invalid_argument("'Days' in Transition action must be nonnegative"));
                }
                if needs_30_days(class) && d < 30 {
                    return Err(invalid_argument(format!("'Days' in Transition action must be greater than or equal to 30 for storageClass '{}'", class.as_str())));
                }
                if expiration_days.is_some_and(|e| e <= d) {
                    return Err(invalid_argument("'Days' in the Expiration action must be greater than 'Days' in the Transition action"));
                }
            }
            (None, Some(date)) => {
                if !at_midnight(date) {
                    return Err(invalid_argument("'Date' must be at midnight GMT"));
                }
            }
        }
    }
    let mut classes = HashSet::new();
    for t in noncurrent_transitions {
        let class = match &t.storage_class {
            None | Some(TransitionStorageClass::Unknown(_)) => return Err(malformed_xml()),
            Some(c) => c,
        };
        if !classes.insert(class.as_str().to_string()) {
            return Err(invalid_request("'StorageClass' must be different for 'NoncurrentVersionTransition' actions in same 'Rule'"));
        }
        let Some(d) = t.noncurrent_days else { return Err(malformed_xml()) };
        if d < 0 {
            return Err(invalid_argument("'NoncurrentDays' in NoncurrentVersionTransition action must be nonnegative"));
        }
        if needs_30_days(class) && d < 30 {
            return Err(invalid_argument(format!(
                "'NoncurrentDays' in NoncurrentVersionTransition action must be greater than or equal to 30 for storageClass '{}'",
                class.as_str()
            )));
        }
        check_newer_noncurrent(t.newer_noncurrent_versions, "NoncurrentVersionTransition")?;
    }
    if let Some(n) = &rule.noncurrent_version_expiration {
        let Some(d) = n.noncurrent_days else { return Err(malformed_xml()) };
        if d <= 0 {
            return Err(invalid_argument("'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer"));
        }
        check_newer_noncurrent(n.newer_noncurrent_versions, "NoncurrentVersionExpiration")?;
    }
    if let Some(a) = &rule.abort_incomplete_multipart_upload {
        let Some(d) = a.days_after_initiation else { return Err(malformed_xml()) };
        if d <= 0 {
            return Err(invalid_argument("'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer"));
        }
        if has_tags {
            return Err(invalid_request("AbortIncompleteMultipartUpload cannot be specified with Tags."));
        }
    }
    Ok(())
}

fn check_newer_noncurrent(n: Option<i32>, action: &str) -> Result<(), ServiceError> {
    match n {
        Some(n) if n <= 0 => Err(invalid_argument(format!("'NewerNoncurrentVersions' for {action} action must be a positive integer"))),
        Some(n) if n > 100 => Err(invalid_argument(format!("'NewerNoncurrentVersions' for {action} action must be less than or equal to 100"))),
        _ => Ok(()),
    }
}

// ----------------------------------------------------------------- worker

static STARTED: AtomicBool = AtomicBool::new(false);

/// Starts the worker once per process (from a handler, so on the server's runtime).
pub(crate) fn start_worker() {
    if STARTED.swap(true, Ordering::SeqCst) {
        return;
    }
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        STARTED.store(false, Ordering::SeqCst);
        return;
    };
    runtime.spawn(async {
        let every = interval();
        loop {
            tokio::time::sleep(every).await;
            // A pass over many objects is CPU work: off the async workers.
            let _ = tokio::task::spawn_blocking(|| apply_all(Timestamp::now(), day_seconds())).await;
        }
    });
}

/// What one rule selects: the filter's prefix, tags and size bounds.
struct Selector {
    prefix: String,
    tags: Vec<(String, String)>,
    greater_than: Option<i64>,
    less_than: Option<i64>,
}

impl Selector {
    fn of(rule: &LifecycleRule) -> Self {
        let mut s = Selector { prefix: rule.prefix.clone().unwrap_or_default(), tags: Vec::new(), greater_than: None, less_than: None };
        if let Some(f) = &rule.filter {
            if let Some(p) = &f.prefix {
                s.prefix = p.clone();
            }
            if let Some(t) = &f.tag {
                s.tags.push((t.key.clone(), t.value.clone()));
            }
            s.greater_than = f.object_size_greater_than;
            s.less_than = f.object_size_less_than;
            if let Some(and) = &f.and {
                s.prefix = and.prefix.clone().unwrap_or_default();
                s.tags = and.tags.iter().flatten().map(|t| (t.key.clone(), t.value.clone())).collect();
                s.greater_than = and.object_size_greater_than;
                s.less_than = and.object_size_less_than;
            }
        }
        s
    }

    fn sized(&self) -> bool {
        self.greater_than.is_some() || self.less_than.is_some()
    }

    /// Whether a version (not a delete marker) of `key` is selected.
    fn selects(&self, key: &str, v: &Version) -> bool {
        key.starts_with(&self.prefix)
            && self.tags.iter().all(|t| v.tags.contains(t))
            && self.greater_than.is_none_or(|g| v.size as i64 > g)
            && self.less_than.is_none_or(|l| (v.size as i64) < l)
    }
}

/// Whether `days` lifecycle days after `since` have passed, counted to the next day boundary.
fn due(since: Timestamp, days: i32, now: Timestamp, day: i64) -> bool {
    now >= due_at(since, days, day)
}

/// When `days` lifecycle days after `since` fall due (the next day boundary).
fn due_at(since: Timestamp, days: i32, day: i64) -> Timestamp {
    let reached = since.secs + days as i64 * day;
    let extra = if reached.rem_euclid(day) == 0 && since.nanos == 0 { 0 } else { day };
    Timestamp::from_secs(reached.div_euclid(day) * day + extra)
}

/// What S3 answers as `x-amz-expiration` for an object version written or
/// read now: `expiry-date="Fri, 23 Dec 2012 00:00:00 GMT", rule-id="…"` for
/// the earliest-expiring enabled rule that selects it, if any.
pub(crate) fn expiration_header(b: &Bucket, key: &str, v: &Version) -> Option<String> {
    let conf = b.config.lifecycle.as_ref()?;
    let day = day_seconds();
    let mut earliest: Option<(Timestamp, &str)> = None;
    for rule in conf.rules.iter().filter(|r| r.status == ExpirationStatus::Enabled) {
        let Some(e) = &rule.expiration else { continue };
        if v.delete_marker || !Selector::of(rule).selects(key, v) {
            continue;
        }
        let at = match (e.days, &e.date) {
            (Some(d), _) => due_at(v.last_modified, d, day),
            (None, Some(date)) => *date,
            _ => continue,
        };
        if earliest.is_none_or(|(t, _)| at < t) {
            earliest = Some((at, rule.id.as_deref().unwrap_or_default()));
        }
    }
    let (at, id) = earliest?;
    Some(format!("expiry-date=\"{}\", rule-id=\"{id}\"", simfra_protocols::timefmt::format_http_date(at)))
}

fn locked(v: &Version, now: Timestamp) -> bool {
    v.legal_hold || v.retention.as_ref().is_some_and(|(_, until)| *until > now)
}

fn delete_marker(version_id: String, owner: &str, now: Timestamp) -> Version {
    Version {
        version_id,
        delete_marker: true,
        blob: None,
        size: 0,
        etag: String::new(),
        last_modified: now,
        owner_account: owner.to_string(),
        headers: Default::default(),
        metadata: Vec::new(),
        storage_class: StorageClass::Standard,
        checksum: None,
        parts: Vec::new(),
        encryption: Default::default(),
        tags: Vec::new(),
        acl: None,
        retention: None,
        legal_hold: false,
        restore: None,
    }
}

/// Coldness of a storage class: transitions only ever go colder.
fn rank(class: &str) -> u8 {
    match class {
        "STANDARD" | "REDUCED_REDUNDANCY" => 0,
        "INTELLIGENT_TIERING" => 1,
        "STANDARD_IA" => 2,
        "ONEZONE_IA" => 3,
        "GLACIER_IR" => 4,
        "GLACIER" => 5,
        "DEEP_ARCHIVE" => 6,
        _ => 0,
    }
}

/// Objects under 128 KiB stay where they are unless the rule filters by
/// size itself or (with `varies_by_storage_class`) the target is an archive class.
fn small_object_stays(v: &Version, target: &TransitionStorageClass, sel: &Selector, minimum: Option<&TransitionDefaultMinimumObjectSize>) -> bool {
    if sel.sized() || v.size >= 128 * 1024 {
        return false;
    }
    match minimum {
        Some(TransitionDefaultMinimumObjectSize::VariesByStorageClass) => {
            !matches!(target, TransitionStorageClass::Glacier | TransitionStorageClass::DeepArchive)
        }
        _ => true,
    }
}

/// An event the worker caused, announced after the store's lock is released.
struct Happened {
    bucket: String,
    event: &'static str,
    key: String,
    size: u64,
    etag: String,
    version_id: Option<String>,
}

/// Applies every bucket's enabled rules once.
pub(crate) fn apply_all(now: Timestamp, day: i64) {
    let s3 = crate::internal::shared();
    let mut gone_versions: Vec<Version> = Vec::new();
    let mut gone_uploads: Vec<Upload> = Vec::new();
    let mut happened: Vec<Happened> = Vec::new();
    let configured: Vec<String> = s3.store.lock().iter().filter(|(_, b)| b.config.lifecycle.is_some()).map(|(n, _)| n.clone()).collect();
    // One bucket per turn of the lock, so requests to other buckets go on meanwhile.
    for name in configured {
        let mut buckets = s3.store.lock();
        let Some(b) = buckets.get_mut(&name) else { continue };
        let Some(conf) = b.config.lifecycle.clone() else { continue };
        let minimum = b.config.lifecycle_minimum_size.clone();
        for rule in conf.rules.iter().filter(|r| r.status == ExpirationStatus::Enabled) {
            let sel = Selector::of(rule);
            apply_rule(b, rule, &sel, minimum.as_ref(), now, day, &mut gone_versions, &mut gone_uploads, &mut happened);
        }
    }
    // Blob files are removed as the last references go, outside the lock.
    drop(gone_versions);
    drop(gone_uploads);
    for h in happened {
        notify::emit(&h.bucket, h.event, &h.key, h.size, &h.etag, h.version_id.as_deref(), &Actor::service());
    }
}

#[allow(clippy::too_many_arguments)]
fn apply_rule(
    b: &mut Bucket,
    rule: &LifecycleRule,
    sel: &Selector,
    minimum: Option<&TransitionDefaultMinimumObjectSize>,
    now: Timestamp,
    day: i64,
    gone_versions: &mut Vec<Version>,
    gone_uploads: &mut Vec<Upload>,
    happened: &mut Vec<Happened>,
) {
    let keys: Vec<String> = b.objects.range(sel.prefix.clone()..).map(|(k, _)| k.clone()).take_while(|k| k.starts_with(&sel.prefix)).collect();
    let bucket_name = b.name.clone();
    let versioning = b.versioning;
    let owner = b.owner_account.clone();
    let mut record = |event: &'static str, key: &str, v: &Version, version_id: Option<String>| {
        happened.push(Happened { bucket: bucket_name.clone(), event, key: key.to_string(), size: v.size, etag: v.etag.clone(), version_id })
    };
    for key in &keys {
        // Current version: expiration, expired delete markers, transitions.
        if let Some(e) = &rule.expiration {
            let Some(stack) = b.objects.get(key) else { continue };
            let current = &stack[0];
            if current.delete_marker {
                // An expired object delete marker: the only version left.
                let old_enough = e.expired_object_delete_marker == Some(true) || e.days.is_some_and(|d| due(current.last_modified, d, now, day));
                if stack.len() == 1 && old_enough {
                    let id = current.version_id.clone();
                    if let Some(v) = b.remove_version(key, &id) {
                        gone_versions.push(v);
                    }
                }
            } else if sel.selects(key, current) && !locked(current, now) {
                let expired = match (e.days, &e.date) {
                    (Some(d), _) => due(current.last_modified, d, now, day),
                    (None, Some(date)) => now >= *date,
                    _ => false,
                };
                if expired {
                    let snapshot = current.clone();
                    match versioning {
                        Versioning::Unversioned => {
                            if let Some(v) = b.remove_version(key, NULL_VERSION) {
                                gone_versions.push(v);
                            }
                            record("LifecycleExpiration:Delete", key, &snapshot, None);
                        }
                        Versioning::Enabled | Versioning::Suspended => {
                            let id = if versioning == Versioning::Enabled { crate::ids::version_id() } else { NULL_VERSION.to_string() };
                            let marker = delete_marker(id.clone(), &owner, now);
                            gone_versions.extend(b.push_version(key, marker));
                            record("LifecycleExpiration:DeleteMarkerCreated", key, &snapshot, Some(id));
                        }
                    }
                }
            }
        }
        if let Some(transitions) = &rule.transitions {
            if let Some(current) = b.objects.get_mut(key).and_then(|s| s.first_mut()) {
                if !current.delete_marker && sel.selects(key, current) {
                    for t in transitions {
                        let Some(target) = &t.storage_class else { continue };
                        let reached = match (t.days, &t.date) {
                            (Some(d), _) => due(current.last_modified, d, now, day),
                            (None, Some(date)) => now >= *date,
                            _ => false,
                        };
                        if reached && rank(target.as_str()) > rank(current.storage_class.as_str()) && !small_object_stays(current, target, sel, minimum) {
                            current.storage_class = StorageClass::from(target.as_str());
                            let (snapshot, id) = (current.clone(), current.version_id.clone());
                            record("LifecycleTransition", key, &snapshot, (versioning != Versioning::Unversioned).then_some(id));
                        }
                    }
                }
            }
        }
        // Noncurrent versions: transitions and expiration. A version became
        // noncurrent when the next newer one was written.
        let Some(stack) = b.objects.get_mut(key) else { continue };
        if let Some(transitions) = &rule.noncurrent_version_transitions {
            for i in 1..stack.len() {
                let since = stack[i - 1].last_modified;
                let v = &mut stack[i];
                if v.delete_marker || !sel.selects(key, v) {
                    continue;
                }
                for t in transitions {
                    let (Some(target), Some(days)) = (&t.storage_class, t.noncurrent_days) else { continue };
                    if t.newer_noncurrent_versions.is_some_and(|n| (i - 1) < n as usize) {
                        continue;
                    }
                    if due(since, days, now, day) && rank(target.as_str()) > rank(v.storage_class.as_str()) && !small_object_stays(v, target, sel, minimum) {
                        v.storage_class = StorageClass::from(target.as_str());
                    }
                }
            }
        }
        if let Some(n) = &rule.noncurrent_version_expiration {
            let Some(days) = n.noncurrent_days else { continue };
            let keep = n.newer_noncurrent_versions.unwrap_or(0).max(0) as usize;
            let mut expired_ids = Vec::new();
            for i in 1..stack.len() {
                let since = stack[i - 1].last_modified;
                let v = &stack[i];
                let selected = if v.delete_marker { key.starts_with(&sel.prefix) } else { sel.selects(key, v) };
                if (i - 1) >= keep && selected && !locked(v, now) && due(since, days, now, day) {
                    expired_ids.push(v.version_id.clone());
                }
            }
            for id in expired_ids {
                if let Some(v) = b.remove_version(key, &id) {
                    if !v.delete_marker {
                        record("LifecycleExpiration:Delete", key, &v, Some(id));
                    }
                    gone_versions.push(v);
                }
            }
        }
    }
    if let Some(a) = &rule.abort_incomplete_multipart_upload {
        if let Some(days) = a.days_after_initiation {
            let stale: Vec<String> =
                b.uploads.iter().filter(|(_, u)| u.key.starts_with(&sel.prefix) && due(u.initiated, days, now, day)).map(|(id, _)| id.clone()).collect();
            for id in stale {
                if let Some(u) = b.uploads.remove(&id) {
                    gone_uploads.push(u);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_rounds_up_to_the_next_day_boundary() {
        let day = 86_400;
        // Created 10:00 on day 0: one day later is 10:00 on day 1, due at midnight starting day 2.
        let created = Timestamp::from_secs(10 * 3600);
        assert!(!due(created, 1, Timestamp::from_secs(2 * day - 1), day));
        assert!(due(created, 1, Timestamp::from_secs(2 * day), day));
        // Created exactly at midnight: due exactly one day later.
        assert!(due(Timestamp::from_secs(day), 1, Timestamp::from_secs(2 * day), day));
    }

    fn object(id: &str, at: i64) -> Version {
        Version { delete_marker: false, size: 10, etag: "\"e\"".into(), ..delete_marker(id.to_string(), "111122223333", Timestamp::from_secs(at)) }
    }

    fn expire_after_one_day() -> LifecycleRule {
        LifecycleRule {
            status: ExpirationStatus::Enabled,
            filter: Some(LifecycleRuleFilter::default()),
            expiration: Some(LifecycleExpiration { days: Some(1), ..Default::default() }),
            ..Default::default()
        }
    }

    fn run(b: &mut Bucket, rule: &LifecycleRule, now: i64) -> Vec<&'static str> {
        let (mut versions, mut uploads, mut happened) = (Vec::new(), Vec::new(), Vec::new());
        apply_rule(b, rule, &Selector::of(rule), None, Timestamp::from_secs(now), 10, &mut versions, &mut uploads, &mut happened);
        happened.iter().map(|h| h.event).collect()
    }

    #[test]
    fn suspended_buckets_get_a_null_delete_marker_in_place_of_the_null_version() {
        let mut b = Bucket::new("b", "111122223333", "us-east-1");
        b.versioning = Versioning::Suspended;
        b.push_version("k", object("v1", 0));
        b.push_version("k", object(NULL_VERSION, 5));
        assert_eq!(run(&mut b, &expire_after_one_day(), 19), Vec::<&str>::new());
        assert_eq!(run(&mut b, &expire_after_one_day(), 20), vec!["LifecycleExpiration:DeleteMarkerCreated"]);
        let stack = &b.objects["k"];
        assert_eq!(stack.len(), 2);
        assert!(stack[0].delete_marker && stack[0].version_id == NULL_VERSION);
        assert_eq!(stack[1].version_id, "v1");
    }

    #[test]
    fn held_objects_do_not_expire() {
        let mut b = Bucket::new("b", "111122223333", "us-east-1");
        b.push_version("held", Version { legal_hold: true, ..object(NULL_VERSION, 0) });
        b.push_version("free", object(NULL_VERSION, 0));
        assert_eq!(run(&mut b, &expire_after_one_day(), 100), vec!["LifecycleExpiration:Delete"]);
        assert!(b.objects.contains_key("held") && !b.objects.contains_key("free"));
    }

    #[test]
    fn expiration_header_names_the_earliest_rule() {
        let mut b = Bucket::new("b", "111122223333", "us-east-1");
        let v = object(NULL_VERSION, 10 * 3600);
        assert_eq!(expiration_header(&b, "k", &v), None);
        let rule = |id: &str, days| LifecycleRule {
            id: Some(id.into()),
            expiration: Some(LifecycleExpiration { days: Some(days), ..Default::default() }),
            ..expire_after_one_day()
        };
        b.config.lifecycle = Some(BucketLifecycleConfiguration { rules: vec![rule("late", 30), rule("soon", 2)] });
        // Written 10:00 on 1 January 1970: two days on is the 3rd, due at midnight starting the 4th.
        assert_eq!(expiration_header(&b, "k", &v).as_deref(), Some("expiry-date=\"Sun, 04 Jan 1970 00:00:00 GMT\", rule-id=\"soon\""));
    }

    #[test]
    fn rules_need_a_filter_or_prefix_and_an_action() {
        let mut conf = BucketLifecycleConfiguration {
            rules: vec![LifecycleRule { status: ExpirationStatus::Enabled, expiration: Some(LifecycleExpiration { days: Some(1), ..Default::default() }), ..Default::default() }],
        };
        assert_eq!(validate(&mut conf).unwrap_err().code, "MalformedXML");
        conf.rules[0].filter = Some(LifecycleRuleFilter::default());
        validate(&mut conf).unwrap();
        assert_eq!(conf.rules[0].id.as_ref().map(String::len), Some(48));
        conf.rules[0].expiration = None;
        assert_eq!(validate(&mut conf).unwrap_err().message.as_deref(), Some("At least one action needs to be specified in a rule"));
    }
}
