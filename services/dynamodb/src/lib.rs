//! Amazon DynamoDB: tables with key schemas, items stored in key order.
//! (Expressions, queries, indexes, streams and transactions are issue 7's work.)

use simfra_gen_dynamodb::types::*;
use simfra_gen_dynamodb::*;
use simfra_model::{RequestContext, ServiceError, SharedHandler, Timestamp};
use simfra_store::Scoped;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

type Item = HashMap<String, AttributeValue>;

/// One key attribute's value, ordered as DynamoDB orders keys.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum KeyPart {
    /// Numbers order numerically; kept as (sign-aware) sortable text would be
    /// issue 7's job, parsed f64 bits are enough to order and compare here.
    N(OrderedNumber),
    S(String),
    B(Vec<u8>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct OrderedNumber(f64);
impl Eq for OrderedNumber {}
impl PartialOrd for OrderedNumber {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for OrderedNumber {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

type Key = (KeyPart, Option<KeyPart>);

struct Table {
    description: TableDescription,
    hash_key: (String, ScalarAttributeType),
    range_key: Option<(String, ScalarAttributeType)>,
    items: BTreeMap<Key, Item>,
}

#[derive(Default)]
struct Region {
    tables: Mutex<BTreeMap<String, Table>>,
}

pub struct DynamoDb {
    state: &'static Scoped<Region>,
}

/// The tables of every account and region, one store for the process, so
/// that authorization can read key schemas (`dynamodb:LeadingKeys`).
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
    simfra_identity::actions::register_context_resolver("dynamodb", leading_keys);
    simfra_gen_dynamodb::handler(Arc::new(DynamoDb::default()))
}

/// `dynamodb:LeadingKeys`: the partition key value an item request names
/// (`Key` of GetItem/UpdateItem/DeleteItem, `Item` of PutItem), known from
/// the table's key schema.
fn leading_keys(
    need: &simfra_identity::actions::Required,
    svc: &simfra_model::ServiceSchema,
    op: &simfra_model::Operation,
    input: &simfra_model::Value,
) -> Vec<(String, Vec<String>)> {
    let mut parts = need.resource.splitn(6, ':');
    let (Some(region), Some(account), Some(resource)) = (parts.nth(3), parts.next(), parts.next()) else { return Vec::new() };
    let Some(table) = resource.strip_prefix("table/").filter(|t| !t.contains('/')) else { return Vec::new() };
    let hash = {
        let state = tables().get(account, region);
        let tables = state.tables.lock().unwrap_or_else(|e| e.into_inner());
        match tables.get(table) {
            Some(t) => t.hash_key.0.clone(),
            None => return Vec::new(),
        }
    };
    let shape = svc.shape(op.input);
    for member in ["Key", "Item"] {
        let Some(idx) = shape.member_index(member) else { continue };
        let Some(simfra_model::Value::Map(entries)) = input.field(idx) else { continue };
        let Some((_, simfra_model::Value::Struct(fields))) = entries.iter().find(|(k, _)| *k == hash) else { continue };
        let value = fields.first().and_then(|(_, v)| match v {
            simfra_model::Value::String(s) => Some(s.clone()),
            simfra_model::Value::BigNumber(n) => Some(n.clone()),
            _ => None,
        });
        if let Some(v) = value {
            return vec![("dynamodb:LeadingKeys".into(), vec![v])];
        }
    }
    Vec::new()
}

fn validation(message: impl Into<String>) -> ServiceError {
    ServiceError::new("ValidationException", 400, message)
}

fn not_found(table: &str) -> ServiceError {
    ResourceNotFoundException { message: Some(format!("Requested resource not found: Table: {table} not found")) }.into()
}

fn key_part(name: &str, ty: &ScalarAttributeType, v: Option<&AttributeValue>) -> Result<KeyPart, ServiceError> {
    let mismatch = || validation("One or more parameter values were invalid: Type mismatch for key");
    match (ty, v) {
        (_, None) => Err(validation(format!("One or more parameter values were invalid: Missing the key {name} in the item"))),
        (ScalarAttributeType::S, Some(AttributeValue::S(s))) => {
            if s.is_empty() {
                return Err(validation(format!(
                    "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: {name}"
                )));
            }
            Ok(KeyPart::S(s.clone()))
        }
        (ScalarAttributeType::N, Some(AttributeValue::N(n))) => {
            n.trim().parse::<f64>().map(|f| KeyPart::N(OrderedNumber(f))).map_err(|_| validation("A value provided cannot be converted into a number"))
        }
        (ScalarAttributeType::B, Some(AttributeValue::B(b))) => Ok(KeyPart::B(b.to_vec())),
        _ => Err(mismatch()),
    }
}

impl Table {
    fn key_of(&self, attrs: &Item, whole_item: bool) -> Result<Key, ServiceError> {
        let hash = key_part(&self.hash_key.0, &self.hash_key.1, attrs.get(&self.hash_key.0))?;
        let range = match &self.range_key {
            Some((name, ty)) => Some(key_part(name, ty, attrs.get(name))?),
            None => None,
        };
        let key_attrs = 1 + self.range_key.is_some() as usize;
        if !whole_item && attrs.len() != key_attrs {
            return Err(validation("The provided key element does not match the schema"));
        }
        Ok((hash, range))
    }
}

fn table_arn(ctx: &RequestContext, name: &str) -> String {
    simfra_store::arn("dynamodb", &ctx.region, &ctx.account_id, &format!("table/{name}"))
}

#[simfra_model::async_trait]
impl DynamodbApi for DynamoDb {
    fn implemented(&self) -> &'static [&'static str] {
        &["CreateTable", "DeleteItem", "DeleteTable", "DescribeTable", "GetItem", "ListTables", "PutItem"]
    }

    async fn create_table(&self, ctx: &RequestContext, input: CreateTableInput) -> Result<CreateTableOutput, CreateTableError> {
        let def_type = |name: &str| {
            input
                .attribute_definitions
                .iter()
                .find(|d| d.attribute_name == name)
                .map(|d| d.attribute_type.clone())
                .ok_or_else(|| {
                    validation(format!(
                        "One or more parameter values were invalid: Some index key attribute have no definition. Key: {name}"
                    ))
                })
        };
        let hash = input.key_schema.iter().find(|k| k.key_type == KeyType::Hash).ok_or_else(|| {
            validation("1 validation error detected: Value null at 'keySchema' failed to satisfy constraint: Member must have a HASH key")
        })?;
        let range = input.key_schema.iter().find(|k| k.key_type == KeyType::Range);
        let hash_key = (hash.attribute_name.clone(), def_type(&hash.attribute_name)?);
        let range_key = match range {
            Some(r) => Some((r.attribute_name.clone(), def_type(&r.attribute_name)?)),
            None => None,
        };
        let key_count = 1 + range_key.is_some() as usize;
        let index_keys = input.global_secondary_indexes.as_ref().map(|g| g.len()).unwrap_or(0)
            + input.local_secondary_indexes.as_ref().map(|l| l.len()).unwrap_or(0);
        if index_keys == 0 && input.attribute_definitions.len() != key_count {
            return Err(validation(format!(
                "One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions"
            ))
            .into());
        }
        let billing = input.billing_mode.clone().unwrap_or(BillingMode::Provisioned);
        let throughput = match (&billing, &input.provisioned_throughput) {
            (BillingMode::PayPerRequest, _) => ProvisionedThroughputDescription {
                number_of_decreases_today: Some(0),
                read_capacity_units: Some(0),
                write_capacity_units: Some(0),
                ..Default::default()
            },
            (_, Some(p)) => ProvisionedThroughputDescription {
                number_of_decreases_today: Some(0),
                read_capacity_units: Some(p.read_capacity_units),
                write_capacity_units: Some(p.write_capacity_units),
                ..Default::default()
            },
            (_, None) => {
                return Err(validation("One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED").into())
            }
        };
        let region = self.state.regional(ctx);
        let mut tables = region.tables.lock().unwrap_or_else(|e| e.into_inner());
        if tables.contains_key(&input.table_name) {
            return Err(ResourceInUseException { message: Some(format!("Table already exists: {}", input.table_name)) }.into());
        }
        let description = TableDescription {
            attribute_definitions: Some(input.attribute_definitions.clone()),
            table_name: Some(input.table_name.clone()),
            key_schema: Some(input.key_schema.clone()),
            // Tables are usable at once; AWS's CREATING phase has nothing to wait for here.
            table_status: Some(TableStatus::Active),
            creation_date_time: Some(Timestamp::now()),
            provisioned_throughput: Some(throughput),
            table_size_bytes: Some(0),
            item_count: Some(0),
            table_arn: Some(table_arn(ctx, &input.table_name)),
            billing_mode_summary: (billing == BillingMode::PayPerRequest).then(|| BillingModeSummary {
                billing_mode: Some(BillingMode::PayPerRequest),
                last_update_to_pay_per_request_date_time: Some(Timestamp::now()),
            }),
            deletion_protection_enabled: Some(input.deletion_protection_enabled.unwrap_or(false)),
            ..Default::default()
        };
        tables.insert(input.table_name.clone(), Table { description: description.clone(), hash_key, range_key, items: BTreeMap::new() });
        Ok(CreateTableOutput { table_description: Some(description) })
    }

    async fn describe_table(&self, ctx: &RequestContext, input: DescribeTableInput) -> Result<DescribeTableOutput, DescribeTableError> {
        let region = self.state.regional(ctx);
        let tables = region.tables.lock().unwrap_or_else(|e| e.into_inner());
        let t = tables.get(&input.table_name).ok_or_else(|| not_found(&input.table_name))?;
        let mut d = t.description.clone();
        d.item_count = Some(t.items.len() as i64);
        Ok(DescribeTableOutput { table: Some(d) })
    }

    async fn list_tables(&self, ctx: &RequestContext, input: ListTablesInput) -> Result<ListTablesOutput, ListTablesError> {
        let region = self.state.regional(ctx);
        let tables = region.tables.lock().unwrap_or_else(|e| e.into_inner());
        let limit = input.limit.unwrap_or(100) as usize;
        let after = input.exclusive_start_table_name.unwrap_or_default();
        let names: Vec<&String> = tables.keys().filter(|n| n.as_str() > after.as_str()).collect();
        let page: Vec<String> = names.iter().take(limit).map(|n| n.to_string()).collect();
        let last = (names.len() > limit).then(|| page.last().cloned()).flatten();
        Ok(ListTablesOutput { table_names: Some(page), last_evaluated_table_name: last })
    }

    async fn delete_table(&self, ctx: &RequestContext, input: DeleteTableInput) -> Result<DeleteTableOutput, DeleteTableError> {
        let region = self.state.regional(ctx);
        let mut tables = region.tables.lock().unwrap_or_else(|e| e.into_inner());
        let t = tables.get(&input.table_name).ok_or_else(|| not_found(&input.table_name))?;
        if t.description.deletion_protection_enabled == Some(true) {
            return Err(validation(format!(
                "Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first."
            ))
            .into());
        }
        let mut d = tables.remove(&input.table_name).unwrap().description;
        d.table_status = Some(TableStatus::Deleting);
        Ok(DeleteTableOutput { table_description: Some(d) })
    }

    async fn put_item(&self, ctx: &RequestContext, input: PutItemInput) -> Result<PutItemOutput, PutItemError> {
        let region = self.state.regional(ctx);
        let mut tables = region.tables.lock().unwrap_or_else(|e| e.into_inner());
        let t = tables.get_mut(&input.table_name).ok_or_else(|| not_found(&input.table_name))?;
        let key = t.key_of(&input.item, true)?;
        let old = t.items.insert(key, input.item);
        let attributes = match input.return_values {
            Some(ReturnValue::AllOld) => old,
            None | Some(ReturnValue::None) => None,
            Some(other) => {
                return Err(validation(format!("Return values set to invalid value: {other}")).into());
            }
        };
        Ok(PutItemOutput { attributes, ..Default::default() })
    }

    async fn get_item(&self, ctx: &RequestContext, input: GetItemInput) -> Result<GetItemOutput, GetItemError> {
        let region = self.state.regional(ctx);
        let tables = region.tables.lock().unwrap_or_else(|e| e.into_inner());
        let t = tables.get(&input.table_name).ok_or_else(|| not_found(&input.table_name))?;
        let key = t.key_of(&input.key, false)?;
        let item = t.items.get(&key).map(|item| match &input.attributes_to_get {
            Some(names) => item.iter().filter(|(k, _)| names.contains(k)).map(|(k, v)| (k.clone(), v.clone())).collect(),
            None => item.clone(),
        });
        Ok(GetItemOutput { item, consumed_capacity: None })
    }

    async fn delete_item(&self, ctx: &RequestContext, input: DeleteItemInput) -> Result<DeleteItemOutput, DeleteItemError> {
        let region = self.state.regional(ctx);
        let mut tables = region.tables.lock().unwrap_or_else(|e| e.into_inner());
        let t = tables.get_mut(&input.table_name).ok_or_else(|| not_found(&input.table_name))?;
        let key = t.key_of(&input.key, false)?;
        let old = t.items.remove(&key);
        let attributes = if input.return_values == Some(ReturnValue::AllOld) { old } else { None };
        Ok(DeleteItemOutput { attributes, ..Default::default() })
    }
}
