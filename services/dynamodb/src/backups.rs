//! On-demand backups (a full copy of the table's items, schema and indexes
//! at the moment of the request) and point-in-time recovery (a base copy
//! taken when PITR is enabled plus every later change), with the restores
//! that build new tables from them.

use crate::table::{Partitions, Table};
use crate::tables::{table_arn, table_not_found};
use crate::attr::Item;
use crate::{validation, Region};
use simfra_gen_dynamodb::types::*;
use simfra_model::{RequestContext, ServiceError, Timestamp};

pub struct Backup {
    pub details: BackupDetails,
    pub source: SourceTableDetails,
    pub features: SourceTableFeatureDetails,
    /// The table as it was, items included.
    pub table: Table,
}

fn backup_not_found(arn: &str) -> ServiceError {
    BackupNotFoundException { message: Some(format!("Backup not found: {arn}")) }.into()
}

fn source_details(t: &Table) -> (SourceTableDetails, SourceTableFeatureDetails) {
    let d = t.describe();
    let pt = d.provisioned_throughput.clone().unwrap_or_default();
    let billing = d.billing_mode_summary.as_ref().and_then(|b| b.billing_mode.clone()).unwrap_or(BillingMode::Provisioned);
    (
        SourceTableDetails {
            table_name: d.table_name.clone().unwrap_or_default(),
            table_id: d.table_id.clone().unwrap_or_default(),
            table_arn: d.table_arn.clone(),
            table_size_bytes: d.table_size_bytes,
            key_schema: d.key_schema.clone().unwrap_or_default(),
            table_creation_date_time: d.creation_date_time.unwrap_or_else(Timestamp::now),
            provisioned_throughput: ProvisionedThroughput {
                read_capacity_units: pt.read_capacity_units.unwrap_or(0),
                write_capacity_units: pt.write_capacity_units.unwrap_or(0),
            },
            item_count: d.item_count,
            billing_mode: Some(billing),
            ..Default::default()
        },
        SourceTableFeatureDetails {
            global_secondary_indexes: d.global_secondary_indexes.as_ref().map(|g| {
                g.iter()
                    .map(|i| GlobalSecondaryIndexInfo {
                        index_name: i.index_name.clone(),
                        key_schema: i.key_schema.clone(),
                        projection: i.projection.clone(),
                        ..Default::default()
                    })
                    .collect()
            }),
            local_secondary_indexes: d.local_secondary_indexes.as_ref().map(|l| {
                l.iter()
                    .map(|i| LocalSecondaryIndexInfo { index_name: i.index_name.clone(), key_schema: i.key_schema.clone(), projection: i.projection.clone() })
                    .collect()
            }),
            stream_description: d.stream_specification.clone(),
            sse_description: d.sse_description.clone(),
            time_to_live_description: Some(match &t.ttl_attribute {
                Some(a) => TimeToLiveDescription { time_to_live_status: Some(TimeToLiveStatus::Enabled), attribute_name: Some(a.clone()) },
                None => TimeToLiveDescription { time_to_live_status: Some(TimeToLiveStatus::Disabled), attribute_name: None },
            }),
        },
    )
}

pub fn create_backup(region: &Region, input: CreateBackupInput) -> Result<CreateBackupOutput, ServiceError> {
    let tables = region.tables.lock().unwrap_or_else(|e| e.into_inner());
    let t = tables.get(&input.table_name).ok_or_else(|| TableNotFoundException { message: Some(format!("Table not found: {}", input.table_name)) })?;
    let now = Timestamp::now();
    let arn = format!("{}/backup/{:013}-{}", t.description.table_arn.clone().unwrap_or_default(), now.as_millis(), &crate::new_id()[..8]);
    let details = BackupDetails {
        backup_arn: arn.clone(),
        backup_name: input.backup_name.clone(),
        backup_size_bytes: Some(t.size_bytes),
        backup_status: BackupStatus::Available,
        backup_type: BackupType::User,
        backup_creation_date_time: now,
        backup_expiry_date_time: None,
    };
    let (source, features) = source_details(t);
    let copy = t.restored(&input.table_name, t.description.table_arn.as_deref().unwrap_or_default(), t.items.clone(), RestoreSummary::default());
    drop(tables);
    region.backups.lock().unwrap_or_else(|e| e.into_inner()).insert(arn, Backup { details: details.clone(), source, features, table: copy });
    Ok(CreateBackupOutput { backup_details: Some(details) })
}

fn description(b: &Backup) -> BackupDescription {
    BackupDescription {
        backup_details: Some(b.details.clone()),
        source_table_details: Some(b.source.clone()),
        source_table_feature_details: Some(b.features.clone()),
    }
}

pub fn describe_backup(region: &Region, arn: &str) -> Result<DescribeBackupOutput, ServiceError> {
    let backups = region.backups.lock().unwrap_or_else(|e| e.into_inner());
    let b = backups.get(arn).ok_or_else(|| backup_not_found(arn))?;
    Ok(DescribeBackupOutput { backup_description: Some(description(b)) })
}

pub fn delete_backup(region: &Region, arn: &str) -> Result<DeleteBackupOutput, ServiceError> {
    let mut backups = region.backups.lock().unwrap_or_else(|e| e.into_inner());
    let b = backups.remove(arn).ok_or_else(|| backup_not_found(arn))?;
    let mut d = description(&b);
    if let Some(det) = &mut d.backup_details {
        det.backup_status = BackupStatus::Deleted;
    }
    Ok(DeleteBackupOutput { backup_description: Some(d) })
}

pub fn list_backups(region: &Region, input: ListBackupsInput) -> Result<ListBackupsOutput, ServiceError> {
    let backups = region.backups.lock().unwrap_or_else(|e| e.into_inner());
    let limit = input.limit.unwrap_or(100).clamp(1, 100) as usize;
    let matching: Vec<&Backup> = backups
        .values()
        .filter(|b| input.table_name.as_ref().is_none_or(|n| *n == b.source.table_name))
        // Every backup here is a USER backup.
        .filter(|_| matches!(input.backup_type, None | Some(BackupTypeFilter::User) | Some(BackupTypeFilter::All)))
        .filter(|b| input.exclusive_start_backup_arn.as_ref().is_none_or(|s| b.details.backup_arn > *s))
        .filter(|b| input.time_range_lower_bound.is_none_or(|t| b.details.backup_creation_date_time.as_millis() >= t.as_millis()))
        .filter(|b| input.time_range_upper_bound.is_none_or(|t| b.details.backup_creation_date_time.as_millis() < t.as_millis()))
        .collect();
    let page: Vec<BackupSummary> = matching
        .iter()
        .take(limit)
        .map(|b| BackupSummary {
            table_name: Some(b.source.table_name.clone()),
            table_id: Some(b.source.table_id.clone()),
            table_arn: b.source.table_arn.clone(),
            backup_arn: Some(b.details.backup_arn.clone()),
            backup_name: Some(b.details.backup_name.clone()),
            backup_creation_date_time: Some(b.details.backup_creation_date_time),
            backup_expiry_date_time: None,
            backup_status: Some(b.details.backup_status.clone()),
            backup_type: Some(b.details.backup_type.clone()),
            backup_size_bytes: b.details.backup_size_bytes,
        })
        .collect();
    let last = (matching.len() > limit).then(|| page.last().and_then(|b| b.backup_arn.clone())).flatten();
    Ok(ListBackupsOutput { backup_summaries: Some(page), last_evaluated_backup_arn: last })
}

fn target_free(tables: &std::collections::BTreeMap<String, Table>, name: &str) -> Result<(), ServiceError> {
    if tables.contains_key(name) {
        return Err(TableAlreadyExistsException { message: Some(format!("Table already exists: {name}")) }.into());
    }
    Ok(())
}

pub fn restore_from_backup(region: &Region, ctx: &RequestContext, input: RestoreTableFromBackupInput) -> Result<RestoreTableFromBackupOutput, ServiceError> {
    let backups = region.backups.lock().unwrap_or_else(|e| e.into_inner());
    let b = backups.get(&input.backup_arn).ok_or_else(|| backup_not_found(&input.backup_arn))?;
    let mut tables = region.tables.lock().unwrap_or_else(|e| e.into_inner());
    target_free(&tables, &input.target_table_name)?;
    let summary = RestoreSummary {
        source_backup_arn: Some(input.backup_arn.clone()),
        source_table_arn: b.source.table_arn.clone(),
        restore_date_time: Timestamp::now(),
        restore_in_progress: false,
    };
    let mut table = b.table.restored(&input.target_table_name, &table_arn(ctx, &input.target_table_name), b.table.items.clone(), summary);
    apply_overrides(&mut table, input.billing_mode_override.as_ref(), input.provisioned_throughput_override.as_ref());
    let d = table.describe();
    tables.insert(input.target_table_name.clone(), table);
    Ok(RestoreTableFromBackupOutput { table_description: Some(d) })
}

pub fn describe_continuous(region: &Region, name: &str) -> Result<DescribeContinuousBackupsOutput, ServiceError> {
    let tables = region.tables.lock().unwrap_or_else(|e| e.into_inner());
    let t = tables.get(name).ok_or_else(|| TableNotFoundException { message: Some(format!("Table not found: {name}")) })?;
    Ok(DescribeContinuousBackupsOutput { continuous_backups_description: Some(continuous(t)) })
}

fn continuous(t: &Table) -> ContinuousBackupsDescription {
    ContinuousBackupsDescription {
        continuous_backups_status: ContinuousBackupsStatus::Enabled,
        point_in_time_recovery_description: Some(match &t.pitr {
            Some(p) => PointInTimeRecoveryDescription {
                point_in_time_recovery_status: Some(PointInTimeRecoveryStatus::Enabled),
                recovery_period_in_days: Some(35),
                earliest_restorable_date_time: Some(p.enabled_at),
                latest_restorable_date_time: Some(Timestamp::now()),
            },
            None => PointInTimeRecoveryDescription { point_in_time_recovery_status: Some(PointInTimeRecoveryStatus::Disabled), ..Default::default() },
        }),
    }
}

pub fn update_continuous(region: &Region, input: UpdateContinuousBackupsInput) -> Result<UpdateContinuousBackupsOutput, ServiceError> {
    let mut tables = region.tables.lock().unwrap_or_else(|e| e.into_inner());
    let t = tables.get_mut(&input.table_name).ok_or_else(|| TableNotFoundException { message: Some(format!("Table not found: {}", input.table_name)) })?;
    let spec = &input.point_in_time_recovery_specification;
    if let Some(days) = spec.recovery_period_in_days {
        if !(1..=35).contains(&days) {
            return Err(validation("RecoveryPeriodInDays must be between 1 and 35"));
        }
    }
    match (spec.point_in_time_recovery_enabled, t.pitr.is_some()) {
        (true, false) => {
            t.pitr = Some(crate::table::PitrLog { enabled_at: Timestamp::now(), base: t.items.clone(), changes: Vec::new() });
        }
        (false, _) => t.pitr = None,
        _ => {}
    }
    Ok(UpdateContinuousBackupsOutput { continuous_backups_description: Some(continuous(t)) })
}

pub fn restore_to_point_in_time(region: &Region, ctx: &RequestContext, input: RestoreTableToPointInTimeInput) -> Result<RestoreTableToPointInTimeOutput, ServiceError> {
    let mut tables = region.tables.lock().unwrap_or_else(|e| e.into_inner());
    let source = match (&input.source_table_name, &input.source_table_arn) {
        (Some(n), _) => n.clone(),
        (None, Some(arn)) => crate::settings::table_name_of(arn, ctx)?,
        (None, None) => return Err(validation("Either source table name or source table arn must be specified")),
    };
    let t = tables.get(&source).ok_or_else(|| table_not_found(&source))?;
    let Some(log) = &t.pitr else {
        return Err(PointInTimeRecoveryUnavailableException {
            message: Some(format!("Point in time recovery is not enabled for table '{source}'")),
        }
        .into());
    };
    let now = Timestamp::now();
    let at = match (input.use_latest_restorable_time, input.restore_date_time) {
        (Some(true), Some(_)) => return Err(validation("Only one of RestoreDateTime or UseLatestRestorableTime should be specified")),
        (Some(true), None) => now,
        (_, Some(t)) => t,
        _ => return Err(validation("Either RestoreDateTime or UseLatestRestorableTime must be specified")),
    };
    if at.as_millis() < log.enabled_at.as_millis() - 1000 || at.as_millis() > now.as_millis() {
        return Err(InvalidRestoreTimeException {
            message: Some("RestoreDateTime is outside the recoverable window".into()),
        }
        .into());
    }
    let items: Partitions<Item> = log.items_at(at.as_millis());
    target_free(&tables, &input.target_table_name)?;
    let summary = RestoreSummary {
        source_backup_arn: None,
        source_table_arn: t.description.table_arn.clone(),
        restore_date_time: at,
        restore_in_progress: false,
    };
    let mut table = t.restored(&input.target_table_name, &table_arn(ctx, &input.target_table_name), items, summary);
    apply_overrides(&mut table, input.billing_mode_override.as_ref(), input.provisioned_throughput_override.as_ref());
    let d = table.describe();
    tables.insert(input.target_table_name.clone(), table);
    Ok(RestoreTableToPointInTimeOutput { table_description: Some(d) })
}

/// A restore's BillingModeOverride and ProvisionedThroughputOverride.
fn apply_overrides(table: &mut Table, billing: Option<&BillingMode>, throughput: Option<&ProvisionedThroughput>) {
    if let Some(b) = billing {
        table.description.billing_mode_summary = Some(BillingModeSummary {
            billing_mode: Some(b.clone()),
            last_update_to_pay_per_request_date_time: (*b == BillingMode::PayPerRequest).then(Timestamp::now),
        });
        if *b == BillingMode::PayPerRequest {
            table.description.provisioned_throughput = Some(ProvisionedThroughputDescription {
                number_of_decreases_today: Some(0),
                read_capacity_units: Some(0),
                write_capacity_units: Some(0),
                ..Default::default()
            });
        }
    }
    if let Some(p) = throughput {
        table.description.provisioned_throughput = Some(ProvisionedThroughputDescription {
            number_of_decreases_today: Some(0),
            read_capacity_units: Some(p.read_capacity_units),
            write_capacity_units: Some(p.write_capacity_units),
            ..Default::default()
        });
    }
}
