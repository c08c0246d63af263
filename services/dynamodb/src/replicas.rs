//! Global tables (version 2019.11.21): UpdateTable's ReplicaUpdates create
//! and delete replicas of a table in other regions of the same account, and
//! every write to any replica reaches the others. Replication is
//! asynchronous, as in AWS: each table queues its local changes, and a
//! background worker copies them to the other replicas (last writer wins),
//! holding one region's lock at a time.

use crate::streams::TableStream;
use crate::tables::table_not_found;
use crate::{validation, Region};
use simfra_gen_dynamodb::types::*;
use simfra_model::{RequestContext, ServiceError};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

const REPLICATION_TICK: Duration = Duration::from_millis(50);

fn regional(ctx: &RequestContext, region: &str) -> std::sync::Arc<Region> {
    crate::tables().get(&ctx.account_id, region)
}

/// The stream every replica needs (new and old images), enabled if absent.
fn ensure_stream(t: &mut crate::table::Table, region: &str, name: &str) {
    if t.stream.as_ref().is_some_and(|s| s.enabled) {
        return;
    }
    let arn = t.description.table_arn.clone().unwrap_or_default();
    let stream = TableStream::new(&arn, name, region, StreamViewType::NewAndOldImages, t.schema.clone());
    t.description.latest_stream_arn = Some(stream.arn.clone());
    t.description.latest_stream_label = Some(stream.label.clone());
    t.description.stream_specification = Some(StreamSpecification { stream_enabled: true, stream_view_type: Some(StreamViewType::NewAndOldImages) });
    t.stream = Some(stream);
}

/// Applies ReplicaUpdates for table `name` in the caller's region; answers
/// the regions whose replicas were just created.
pub fn update(ctx: &RequestContext, name: &str, updates: &[ReplicationGroupUpdate]) -> Result<Vec<String>, ServiceError> {
    let mut created = Vec::new();
    for u in updates {
        if let Some(c) = &u.create {
            create(ctx, name, &c.region_name)?;
            created.push(c.region_name.clone());
        } else if let Some(d) = &u.delete {
            delete(ctx, name, &d.region_name)?;
        } else if let Some(up) = &u.update {
            let source = regional(ctx, &ctx.region);
            let tables = source.tables.lock().unwrap_or_else(|e| e.into_inner());
            let t = tables.get(name).ok_or_else(|| table_not_found(name))?;
            if !t.replicas.contains(&up.region_name) {
                return Err(validation(format!("Update global table operation failed because region {} is not a replica of table {name}", up.region_name)));
            }
        }
    }
    Ok(created)
}

fn create(ctx: &RequestContext, name: &str, target: &str) -> Result<(), ServiceError> {
    if target == ctx.region {
        return Err(validation(format!("Cannot add replica in region {target}: the table is already in this region")));
    }
    {
        let dest = regional(ctx, target);
        let tables = dest.tables.lock().unwrap_or_else(|e| e.into_inner());
        if tables.contains_key(name) {
            return Err(validation(format!(
                "Failed to create a the new replica of table with name: '{name}' because one or more replicas already existed as tables."
            )));
        }
    }
    let target_arn = simfra_store::arn("dynamodb", target, &ctx.account_id, &format!("table/{name}"));
    let (mut replica, others) = {
        let source = regional(ctx, &ctx.region);
        let mut tables = source.tables.lock().unwrap_or_else(|e| e.into_inner());
        let t = tables.get_mut(name).ok_or_else(|| table_not_found(name))?;
        if t.replicas.iter().any(|r| r == target) {
            return Err(validation(format!("Replica in region {target} already exists for table {name}")));
        }
        ensure_stream(t, &ctx.region, name);
        let mut replica = t.restored(name, &target_arn, t.items.clone(), RestoreSummary::default());
        replica.description.restore_summary = None;
        replica.description.deletion_protection_enabled = t.description.deletion_protection_enabled;
        let others = t.replicas.clone();
        t.replicas.push(target.to_string());
        t.outbox.clear();
        (replica, others)
    };
    replica.replicas = std::iter::once(ctx.region.clone()).chain(others.iter().cloned()).collect();
    ensure_stream(&mut replica, target, name);
    regional(ctx, target).tables.lock().unwrap_or_else(|e| e.into_inner()).insert(name.to_string(), replica);
    for other in &others {
        let r = regional(ctx, other);
        let mut tables = r.tables.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(t) = tables.get_mut(name) {
            t.replicas.push(target.to_string());
        }
    }
    start_worker();
    Ok(())
}

fn delete(ctx: &RequestContext, name: &str, target: &str) -> Result<(), ServiceError> {
    let others = {
        let source = regional(ctx, &ctx.region);
        let mut tables = source.tables.lock().unwrap_or_else(|e| e.into_inner());
        let t = tables.get_mut(name).ok_or_else(|| table_not_found(name))?;
        let Some(pos) = t.replicas.iter().position(|r| r == target) else {
            return Err(validation(format!("Replica specified in the Replica Update or Replica Delete action of the request was not found: {target}")));
        };
        t.replicas.remove(pos);
        t.replicas.clone()
    };
    {
        let dest = regional(ctx, target);
        let mut tables = dest.tables.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(removed) = tables.remove(name) {
            if let Some(stream) = removed.stream {
                dest.orphan_streams.lock().unwrap_or_else(|e| e.into_inner()).push(stream);
            }
        }
    }
    forget(ctx, name, target, &others);
    Ok(())
}

/// Removes `gone` from the replica lists of `name` in `regions`.
pub fn forget(ctx: &RequestContext, name: &str, gone: &str, regions: &[String]) {
    for region in regions {
        let r = regional(ctx, region);
        let mut tables = r.tables.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(t) = tables.get_mut(name) {
            t.replicas.retain(|x| x != gone);
        }
    }
}

/// Copies every queued change to the other replicas.
pub fn replicate() {
    for ((account, _), region) in crate::tables().all() {
        let batches: Vec<(String, Vec<String>, Vec<_>)> = {
            let mut tables = region.tables.lock().unwrap_or_else(|e| e.into_inner());
            tables
                .iter_mut()
                .filter(|(_, t)| !t.outbox.is_empty())
                .map(|(name, t)| (name.clone(), t.replicas.clone(), std::mem::take(&mut t.outbox)))
                .collect()
        };
        for (name, targets, changes) in batches {
            for target in targets {
                let r = crate::tables().get(&account, &target);
                let mut tables = r.tables.lock().unwrap_or_else(|e| e.into_inner());
                let Some(t) = tables.get_mut(&name) else { continue };
                for (key, new) in &changes {
                    t.apply(key.clone(), new.clone(), None);
                }
            }
        }
    }
}

fn start_worker() {
    static STARTED: AtomicBool = AtomicBool::new(false);
    if STARTED.swap(true, Ordering::SeqCst) {
        return;
    }
    if let Ok(handle) = tokio::runtime::Handle::try_current() {
        handle.spawn(async {
            loop {
                tokio::time::sleep(REPLICATION_TICK).await;
                replicate();
            }
        });
    } else {
        STARTED.store(false, Ordering::SeqCst);
    }
}
