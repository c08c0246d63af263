//! Amazon DynamoDB and DynamoDB Streams: tables with key schemas and
//! secondary indexes, the full expression language, queries and scans,
//! batches, transactions and change streams, with AWS's validation rules
//! and messages.
//!
//! Modules: `number` (38-digit decimals), `attr` (value rules, sizes,
//! ordering), `expr` (lexer, parser, evaluator, updates, projections),
//! `legacy` (pre-expression parameters), `table` (storage and indexes),
//! `tables` (table management), `items`, `query`, `batch`, `transact`,
//! `partiql`, `streams` (records) and `streams_api` (the dynamodb-streams
//! service), `settings` (tags, TTL and its worker, resource policies,
//! Contributor Insights), `backups` (on-demand and point in time),
//! `exports` (to and from S3), `condition_keys` (IAM context keys) and
//! `encoding`.

mod attr;
mod backups;
mod batch;
mod condition_keys;
mod encoding;
mod exports;
mod expr;
mod items;
mod legacy;
mod number;
mod partiql;
mod query;
mod replicas;
mod settings;
mod streams;
mod streams_api;
mod table;
mod tables;
mod transact;

use simfra_gen_dynamodb::types::*;
use simfra_gen_dynamodb::*;
use simfra_model::{RequestContext, ServiceError, SharedHandler};
use simfra_store::Scoped;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

/// One account's tables in one region.
#[derive(Default)]
pub struct Region {
    tables: Mutex<BTreeMap<String, table::Table>>,
    /// Streams of deleted tables (or replaced specifications), readable for
    /// their 24-hour retention.
    orphan_streams: Mutex<Vec<streams::TableStream>>,
    /// TransactWriteItems idempotency: token → (when, request fingerprint).
    transaction_tokens: Mutex<HashMap<String, (i64, String)>>,
    /// On-demand backups by ARN.
    backups: Mutex<BTreeMap<String, backups::Backup>>,
    exports: Mutex<BTreeMap<String, exports::Export>>,
    imports: Mutex<BTreeMap<String, exports::Import>>,
}

pub struct DynamoDb {
    state: &'static Scoped<Region>,
}

/// The tables of every account and region, one store for the process, so
/// that authorization can read key schemas (`dynamodb:LeadingKeys`) and the
/// streams service can read records.
fn tables() -> &'static Scoped<Region> {
    static STATE: std::sync::OnceLock<Scoped<Region>> = std::sync::OnceLock::new();
    STATE.get_or_init(Scoped::new)
}

impl Default for DynamoDb {
    fn default() -> Self {
        DynamoDb { state: tables() }
    }
}

pub fn handler() -> SharedHandler {
    simfra_identity::actions::register_context_resolver("dynamodb", condition_keys::resolve);
    simfra_identity::authorize::register_resources("dynamodb", settings::table_facts);
    simfra_gen_dynamodb::handler(Arc::new(DynamoDb::default()))
}

/// The DynamoDB Streams service, reading the records the tables keep.
pub use streams_api::{read_stream, StreamPosition};

pub fn streams_handler() -> SharedHandler {
    streams_api::handler()
}

use encoding::{base64, base64_decode, iso_millis, new_id};

fn validation(message: impl Into<String>) -> ServiceError {
    ServiceError::new("ValidationException", 400, message)
}

#[simfra_model::async_trait]
impl DynamodbApi for DynamoDb {
    fn implemented(&self) -> &'static [&'static str] {
        &[
            "BatchExecuteStatement",
            "BatchGetItem",
            "BatchWriteItem",
            "CreateBackup",
            "CreateTable",
            "DeleteBackup",
            "DeleteResourcePolicy",
            "DeleteItem",
            "DeleteTable",
            "DescribeBackup",
            "DescribeContinuousBackups",
            "DescribeContributorInsights",
            "DescribeEndpoints",
            "DescribeExport",
            "DescribeImport",
            "DescribeTable",
            "DescribeTimeToLive",
            "ExecuteStatement",
            "ExecuteTransaction",
            "ExportTableToPointInTime",
            "GetItem",
            "GetResourcePolicy",
            "ImportTable",
            "ListBackups",
            "ListContributorInsights",
            "ListExports",
            "ListImports",
            "ListTables",
            "ListTagsOfResource",
            "PutItem",
            "PutResourcePolicy",
            "Query",
            "RestoreTableFromBackup",
            "RestoreTableToPointInTime",
            "Scan",
            "TagResource",
            "TransactGetItems",
            "TransactWriteItems",
            "UntagResource",
            "UpdateContinuousBackups",
            "UpdateContributorInsights",
            "UpdateItem",
            "UpdateTable",
            "UpdateTimeToLive",
        ]
    }

    async fn create_table(&self, ctx: &RequestContext, input: CreateTableInput) -> Result<CreateTableOutput, CreateTableError> {
        Ok(tables::create_table(&self.state.regional(ctx), ctx, input)?)
    }

    async fn describe_table(&self, ctx: &RequestContext, input: DescribeTableInput) -> Result<DescribeTableOutput, DescribeTableError> {
        Ok(tables::describe_table(&self.state.regional(ctx), &input.table_name)?)
    }

    async fn list_tables(&self, ctx: &RequestContext, input: ListTablesInput) -> Result<ListTablesOutput, ListTablesError> {
        Ok(tables::list_tables(&self.state.regional(ctx), input)?)
    }

    async fn delete_table(&self, ctx: &RequestContext, input: DeleteTableInput) -> Result<DeleteTableOutput, DeleteTableError> {
        let out = tables::delete_table(&self.state.regional(ctx), &input.table_name)?;
        // A deleted replica leaves the other replicas' groups.
        let others: Vec<String> =
            out.table_description.iter().flat_map(|d| d.replicas.iter().flatten()).filter_map(|r| r.region_name.clone()).collect();
        replicas::forget(ctx, &input.table_name, &ctx.region, &others);
        Ok(out)
    }

    async fn update_table(&self, ctx: &RequestContext, mut input: UpdateTableInput) -> Result<UpdateTableOutput, UpdateTableError> {
        let region = self.state.regional(ctx);
        let Some(updates) = input.replica_updates.take() else { return Ok(tables::update_table(&region, ctx, input)?) };
        // Replicas span regions, so they are changed outside this region's
        // lock; other settings in the same request apply afterwards.
        let created = replicas::update(ctx, &input.table_name, &updates)?;
        let mut out = match tables::describe_table(&region, &input.table_name) {
            Ok(_) if tables::has_other_updates(&input) => tables::update_table(&region, ctx, input)?,
            Ok(d) => UpdateTableOutput { table_description: d.table },
            Err(e) => return Err(e.into()),
        };
        if let Some(d) = &mut out.table_description {
            d.table_status = Some(TableStatus::Updating);
            for r in d.replicas.iter_mut().flatten() {
                if r.region_name.as_ref().is_some_and(|n| created.contains(n)) {
                    r.replica_status = Some(ReplicaStatus::Creating);
                }
            }
        }
        Ok(out)
    }

    async fn put_item(&self, ctx: &RequestContext, input: PutItemInput) -> Result<PutItemOutput, PutItemError> {
        Ok(items::put_item(&self.state.regional(ctx), input)?)
    }

    async fn get_item(&self, ctx: &RequestContext, input: GetItemInput) -> Result<GetItemOutput, GetItemError> {
        Ok(items::get_item(&self.state.regional(ctx), input)?)
    }

    async fn update_item(&self, ctx: &RequestContext, input: UpdateItemInput) -> Result<UpdateItemOutput, UpdateItemError> {
        Ok(items::update_item(&self.state.regional(ctx), input)?)
    }

    async fn delete_item(&self, ctx: &RequestContext, input: DeleteItemInput) -> Result<DeleteItemOutput, DeleteItemError> {
        Ok(items::delete_item(&self.state.regional(ctx), input)?)
    }

    async fn query(&self, ctx: &RequestContext, input: QueryInput) -> Result<QueryOutput, QueryError> {
        Ok(query::query(&self.state.regional(ctx), input)?)
    }

    async fn scan(&self, ctx: &RequestContext, input: ScanInput) -> Result<ScanOutput, ScanError> {
        Ok(query::scan(&self.state.regional(ctx), input)?)
    }

    async fn batch_get_item(&self, ctx: &RequestContext, input: BatchGetItemInput) -> Result<BatchGetItemOutput, BatchGetItemError> {
        Ok(batch::batch_get(&self.state.regional(ctx), input)?)
    }

    async fn batch_write_item(&self, ctx: &RequestContext, input: BatchWriteItemInput) -> Result<BatchWriteItemOutput, BatchWriteItemError> {
        Ok(batch::batch_write(&self.state.regional(ctx), input)?)
    }

    async fn transact_get_items(&self, ctx: &RequestContext, input: TransactGetItemsInput) -> Result<TransactGetItemsOutput, TransactGetItemsError> {
        Ok(transact::transact_get(&self.state.regional(ctx), input)?)
    }

    async fn transact_write_items(&self, ctx: &RequestContext, input: TransactWriteItemsInput) -> Result<TransactWriteItemsOutput, TransactWriteItemsError> {
        Ok(transact::transact_write(&self.state.regional(ctx), input)?)
    }

    async fn tag_resource(&self, ctx: &RequestContext, input: TagResourceInput) -> Result<(), TagResourceError> {
        Ok(settings::tag_resource(&self.state.regional(ctx), ctx, input)?)
    }

    async fn untag_resource(&self, ctx: &RequestContext, input: UntagResourceInput) -> Result<(), UntagResourceError> {
        Ok(settings::untag_resource(&self.state.regional(ctx), ctx, input)?)
    }

    async fn list_tags_of_resource(&self, ctx: &RequestContext, input: ListTagsOfResourceInput) -> Result<ListTagsOfResourceOutput, ListTagsOfResourceError> {
        Ok(settings::list_tags(&self.state.regional(ctx), ctx, input)?)
    }

    async fn update_time_to_live(&self, ctx: &RequestContext, input: UpdateTimeToLiveInput) -> Result<UpdateTimeToLiveOutput, UpdateTimeToLiveError> {
        Ok(settings::update_ttl(&self.state.regional(ctx), input)?)
    }

    async fn describe_time_to_live(&self, ctx: &RequestContext, input: DescribeTimeToLiveInput) -> Result<DescribeTimeToLiveOutput, DescribeTimeToLiveError> {
        Ok(settings::describe_ttl(&self.state.regional(ctx), &input.table_name)?)
    }

    async fn execute_statement(&self, ctx: &RequestContext, input: ExecuteStatementInput) -> Result<ExecuteStatementOutput, ExecuteStatementError> {
        Ok(partiql::execute_statement(&self.state.regional(ctx), input)?)
    }

    async fn batch_execute_statement(&self, ctx: &RequestContext, input: BatchExecuteStatementInput) -> Result<BatchExecuteStatementOutput, BatchExecuteStatementError> {
        Ok(partiql::batch_execute(&self.state.regional(ctx), input)?)
    }

    async fn execute_transaction(&self, ctx: &RequestContext, input: ExecuteTransactionInput) -> Result<ExecuteTransactionOutput, ExecuteTransactionError> {
        Ok(partiql::execute_transaction(&self.state.regional(ctx), input)?)
    }

    async fn create_backup(&self, ctx: &RequestContext, input: CreateBackupInput) -> Result<CreateBackupOutput, CreateBackupError> {
        Ok(backups::create_backup(&self.state.regional(ctx), input)?)
    }

    async fn describe_backup(&self, ctx: &RequestContext, input: DescribeBackupInput) -> Result<DescribeBackupOutput, DescribeBackupError> {
        Ok(backups::describe_backup(&self.state.regional(ctx), &input.backup_arn)?)
    }

    async fn delete_backup(&self, ctx: &RequestContext, input: DeleteBackupInput) -> Result<DeleteBackupOutput, DeleteBackupError> {
        Ok(backups::delete_backup(&self.state.regional(ctx), &input.backup_arn)?)
    }

    async fn list_backups(&self, ctx: &RequestContext, input: ListBackupsInput) -> Result<ListBackupsOutput, ListBackupsError> {
        Ok(backups::list_backups(&self.state.regional(ctx), input)?)
    }

    async fn restore_table_from_backup(&self, ctx: &RequestContext, input: RestoreTableFromBackupInput) -> Result<RestoreTableFromBackupOutput, RestoreTableFromBackupError> {
        Ok(backups::restore_from_backup(&self.state.regional(ctx), ctx, input)?)
    }

    async fn describe_continuous_backups(&self, ctx: &RequestContext, input: DescribeContinuousBackupsInput) -> Result<DescribeContinuousBackupsOutput, DescribeContinuousBackupsError> {
        Ok(backups::describe_continuous(&self.state.regional(ctx), &input.table_name)?)
    }

    async fn update_continuous_backups(&self, ctx: &RequestContext, input: UpdateContinuousBackupsInput) -> Result<UpdateContinuousBackupsOutput, UpdateContinuousBackupsError> {
        Ok(backups::update_continuous(&self.state.regional(ctx), input)?)
    }

    async fn restore_table_to_point_in_time(&self, ctx: &RequestContext, input: RestoreTableToPointInTimeInput) -> Result<RestoreTableToPointInTimeOutput, RestoreTableToPointInTimeError> {
        Ok(backups::restore_to_point_in_time(&self.state.regional(ctx), ctx, input)?)
    }

    async fn put_resource_policy(&self, ctx: &RequestContext, input: PutResourcePolicyInput) -> Result<PutResourcePolicyOutput, PutResourcePolicyError> {
        Ok(settings::put_resource_policy(&self.state.regional(ctx), ctx, input)?)
    }

    async fn get_resource_policy(&self, ctx: &RequestContext, input: GetResourcePolicyInput) -> Result<GetResourcePolicyOutput, GetResourcePolicyError> {
        Ok(settings::get_resource_policy(&self.state.regional(ctx), ctx, &input.resource_arn)?)
    }

    async fn delete_resource_policy(&self, ctx: &RequestContext, input: DeleteResourcePolicyInput) -> Result<DeleteResourcePolicyOutput, DeleteResourcePolicyError> {
        Ok(settings::delete_resource_policy(&self.state.regional(ctx), ctx, input)?)
    }

    async fn export_table_to_point_in_time(&self, ctx: &RequestContext, input: ExportTableToPointInTimeInput) -> Result<ExportTableToPointInTimeOutput, ExportTableToPointInTimeError> {
        Ok(exports::export(&self.state.regional(ctx), ctx, input)?)
    }

    async fn describe_export(&self, ctx: &RequestContext, input: DescribeExportInput) -> Result<DescribeExportOutput, DescribeExportError> {
        Ok(exports::describe_export(&self.state.regional(ctx), &input.export_arn)?)
    }

    async fn list_exports(&self, ctx: &RequestContext, input: ListExportsInput) -> Result<ListExportsOutput, ListExportsError> {
        Ok(exports::list_exports(&self.state.regional(ctx), input)?)
    }

    async fn import_table(&self, ctx: &RequestContext, input: ImportTableInput) -> Result<ImportTableOutput, ImportTableError> {
        Ok(exports::import(&self.state.regional(ctx), ctx, input)?)
    }

    async fn describe_import(&self, ctx: &RequestContext, input: DescribeImportInput) -> Result<DescribeImportOutput, DescribeImportError> {
        Ok(exports::describe_import(&self.state.regional(ctx), &input.import_arn)?)
    }

    async fn list_imports(&self, ctx: &RequestContext, input: ListImportsInput) -> Result<ListImportsOutput, ListImportsError> {
        Ok(exports::list_imports(&self.state.regional(ctx), input)?)
    }

    async fn describe_endpoints(&self, ctx: &RequestContext, _input: DescribeEndpointsRequest) -> Result<DescribeEndpointsResponse, DescribeEndpointsError> {
        Ok(DescribeEndpointsResponse {
            endpoints: vec![Endpoint { address: format!("dynamodb.{}.amazonaws.com", ctx.region), cache_period_in_minutes: 1440 }],
        })
    }

    async fn update_contributor_insights(&self, ctx: &RequestContext, input: UpdateContributorInsightsInput) -> Result<UpdateContributorInsightsOutput, UpdateContributorInsightsError> {
        Ok(settings::update_insights(&self.state.regional(ctx), input)?)
    }

    async fn describe_contributor_insights(&self, ctx: &RequestContext, input: DescribeContributorInsightsInput) -> Result<DescribeContributorInsightsOutput, DescribeContributorInsightsError> {
        Ok(settings::describe_insights(&self.state.regional(ctx), input)?)
    }

    async fn list_contributor_insights(&self, ctx: &RequestContext, input: ListContributorInsightsInput) -> Result<ListContributorInsightsOutput, ListContributorInsightsError> {
        Ok(settings::list_insights(&self.state.regional(ctx), input)?)
    }
}
