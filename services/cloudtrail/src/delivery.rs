//! Log file delivery: while a trail is logging, the events it selects are
//! written to its S3 bucket as gzipped JSON (`{"Records":[…]}`) under
//! `[prefix/]AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/` in files named
//! `<account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<16 characters>.json.gz`,
//! one file per region and delivery, as AWS names them.
//!
//! AWS delivers about every five minutes. Locally that is a long wait, so
//! Simfra delivers every `SIMFRA_CLOUDTRAIL_DELIVERY_SECONDS` seconds
//! (default 10; fractions allowed) from a background task started with the
//! first trail that logs. Each delivery re-checks the bucket and its policy,
//! as AWS's does: a deleted bucket or a policy that no longer lets
//! `cloudtrail.amazonaws.com` write shows up as the trail status's
//! `LatestDeliveryError` (`NoSuchBucket`, `AccessDenied`) and the events wait
//! for the next delivery. Digest files (log file validation), SNS
//! notifications and CloudWatch Logs delivery are not produced.

use crate::trails::{self, TrailState};
use flate2::write::GzEncoder;
use serde_json::{json, Value as Json};
use simfra_audit::Event;
use simfra_model::{Bytes, Timestamp};
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Delivery interval when `SIMFRA_CLOUDTRAIL_DELIVERY_SECONDS` is not set.
pub const DEFAULT_INTERVAL_SECS: f64 = 10.0;

pub fn interval() -> Duration {
    let secs = std::env::var("SIMFRA_CLOUDTRAIL_DELIVERY_SECONDS")
        .ok()
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|v| v.is_finite() && *v > 0.0)
        .unwrap_or(DEFAULT_INTERVAL_SECS);
    Duration::from_secs_f64(secs.max(0.05))
}

/// Starts the delivery task once, on the runtime of the request that asks
/// (the gateway serves requests on tokio); does nothing outside a runtime.
pub fn ensure_started() {
    static STARTED: AtomicBool = AtomicBool::new(false);
    if STARTED.load(Ordering::Acquire) {
        return;
    }
    let Ok(handle) = tokio::runtime::Handle::try_current() else { return };
    if STARTED.swap(true, Ordering::AcqRel) {
        return;
    }
    handle.spawn(async {
        let every = interval();
        loop {
            tokio::time::sleep(every).await;
            deliver_all(Timestamp::now());
        }
    });
}

/// One delivery round over every logging trail of every account.
pub fn deliver_all(now: Timestamp) {
    for (_, account_trails) in trails::store().all() {
        let mut trails = account_trails.lock();
        for t in trails.iter_mut().filter(|t| t.logging) {
            deliver_trail(t, now);
        }
    }
}

/// Whether a trail logs an event: global services' events only when the
/// trail includes them, and whatever its selectors choose.
fn wanted(t: &TrailState, ev: &Event) -> bool {
    (t.include_global || !ev.is_global_service()) && t.selectors.matches(ev)
}

fn deliver_trail(t: &mut TrailState, now: Timestamp) {
    let log = simfra_audit::log();
    let regions = if t.multi_region { log.regions(&t.account) } else { vec![t.home_region.clone()] };
    for region in regions {
        let cursor = t.delivery.cursors.get(&region).copied().unwrap_or(t.delivery.start_seq);
        let events = log.events_after(&t.account, &region, cursor);
        let Some(last) = events.last().map(|e| e.seq) else { continue };
        let records: Vec<Json> = events.iter().filter(|e| wanted(t, e)).map(|e| e.record()).collect();
        if records.is_empty() {
            t.delivery.cursors.insert(region, last);
            continue;
        }
        t.delivery.latest_attempt = Some(now);
        match write_log_file(t, &region, &records, now) {
            Ok(()) => {
                t.delivery.cursors.insert(region, last);
                t.delivery.latest_delivery = Some(now);
                t.delivery.latest_attempt_succeeded = Some(now);
                t.delivery.latest_error = None;
            }
            Err(code) => t.delivery.latest_error = Some(code.to_string()),
        }
    }
}

/// The object key of a log file delivered at `now`.
pub fn log_file_key(prefix: Option<&str>, account: &str, region: &str, now: Timestamp, unique: &str) -> String {
    let (y, m, d, hh, mm, _) = simfra_model::calendar::utc_parts(now.secs);
    format!(
        "{}{y:04}/{m:02}/{d:02}/{account}_CloudTrail_{region}_{y:04}{m:02}{d:02}T{hh:02}{mm:02}Z_{unique}.json.gz",
        trails::log_folder(prefix, account, region)
    )
}

pub fn gzip_records(records: &[Json]) -> std::io::Result<Vec<u8>> {
    let body = json!({ "Records": records }).to_string();
    let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(body.as_bytes())?;
    gz.finish()
}

fn write_log_file(t: &TrailState, region: &str, records: &[Json], now: Timestamp) -> Result<(), &'static str> {
    let Some(bucket) = simfra_svc_s3::bucket_info(&t.s3_bucket) else { return Err("NoSuchBucket") };
    if !trails::bucket_allows_delivery(bucket.policy.as_deref(), &t.s3_bucket, t.s3_key_prefix.as_deref(), &t.account, &t.arn) {
        return Err("AccessDenied");
    }
    let unique = simfra_identity::ids::random_string(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 16);
    let key = log_file_key(t.s3_key_prefix.as_deref(), &t.account, region, now, &unique);
    let body = gzip_records(records).map_err(|_| "InternalFailure")?;
    simfra_svc_s3::put_object_internal(&t.s3_bucket, &key, Bytes::from(body), Some("application/json")).map(|_| ()).map_err(|_| "NoSuchBucket")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_file_names() {
        // 2015-08-01T02:10:00Z
        let k = log_file_key(Some("logs"), "111122223333", "us-east-2", Timestamp::from_secs(1438395000), "Mu0KsOhtH1ar15ZZ");
        assert_eq!(k, "logs/AWSLogs/111122223333/CloudTrail/us-east-2/2015/08/01/111122223333_CloudTrail_us-east-2_20150801T0210Z_Mu0KsOhtH1ar15ZZ.json.gz");
        let gz = gzip_records(&[json!({"eventName": "X"})]).unwrap();
        let mut out = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&gz[..]), &mut out).unwrap();
        assert_eq!(out, r#"{"Records":[{"eventName":"X"}]}"#);
    }
}
