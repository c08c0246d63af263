//! Table management: CreateTable/UpdateTable validation (key schemas,
//! attribute definitions, indexes, billing) with AWS's messages, and the
//! description each operation returns. A new table answers CREATING once,
//! in CreateTable's response, and is ACTIVE from then on (nothing here takes
//! time to provision); index creation likewise completes at once, the
//! backfill running inside UpdateTable.

use crate::streams::TableStream;
use crate::table::{Index, KeySchema, Table};
use crate::{validation, Region};
use simfra_gen_dynamodb::types::*;
use simfra_model::{RequestContext, ServiceError, Timestamp};
use std::collections::BTreeSet;

pub fn table_not_found(name: &str) -> ServiceError {
    ResourceNotFoundException { message: Some(format!("Requested resource not found: Table: {name} not found")) }.into()
}

fn invalid(msg: impl std::fmt::Display) -> ServiceError {
    validation(format!("One or more parameter values were invalid: {msg}"))
}

/// A key schema checked against the attribute definitions.
fn key_schema(elements: &[KeySchemaElement], defs: &[AttributeDefinition]) -> Result<KeySchema, ServiceError> {
    let what = "Invalid KeySchema";
    let first = elements.first().ok_or_else(|| validation(format!("{what}: The number of KeySchemaElements must be 1 or 2")))?;
    if first.key_type != KeyType::Hash {
        return Err(validation(format!("{what}: The first KeySchemaElement is not a HASH key type")));
    }
    if elements.len() > 2 {
        return Err(validation(format!("{what}: The number of KeySchemaElements must be 1 or 2")));
    }
    if let Some(second) = elements.get(1) {
        if second.key_type != KeyType::Range {
            return Err(validation(format!("{what}: The second KeySchemaElement is not a RANGE key type")));
        }
        if second.attribute_name == first.attribute_name {
            return Err(validation("Both the Hash Key and the Range Key element in the KeySchema have the same name"));
        }
    }
    let missing: Vec<&str> = elements
        .iter()
        .filter(|e| !defs.iter().any(|d| d.attribute_name == e.attribute_name))
        .map(|e| e.attribute_name.as_str())
        .collect();
    if !missing.is_empty() {
        let defined: Vec<&str> = defs.iter().map(|d| d.attribute_name.as_str()).collect();
        return Err(invalid(format!(
            "Some index key attributes are not defined in AttributeDefinitions. Keys: [{}], AttributeDefinitions: [{}]",
            missing.join(", "),
            defined.join(", ")
        )));
    }
    let ty = |name: &str| defs.iter().find(|d| d.attribute_name == name).map(|d| d.attribute_type.clone()).unwrap_or(ScalarAttributeType::S);
    Ok(KeySchema {
        hash: (first.attribute_name.clone(), ty(&first.attribute_name)),
        range: elements.get(1).map(|r| (r.attribute_name.clone(), ty(&r.attribute_name))),
    })
}

fn projection(p: &Projection, index: &str) -> Result<Projection, ServiceError> {
    let ty = p.projection_type.clone().ok_or_else(|| invalid("Unknown ProjectionType: null"))?;
    match (&ty, &p.non_key_attributes) {
        (ProjectionType::Include, None) => {
            return Err(invalid("ProjectionType is INCLUDE, but NonKeyAttributes is not specified".to_string()))
        }
        (ProjectionType::All | ProjectionType::KeysOnly, Some(_)) => {
            return Err(invalid(format!("ProjectionType is {ty}, but NonKeyAttributes is specified")))
        }
        _ => {}
    }
    if let Some(n) = &p.non_key_attributes {
        if let Some((i, dup)) = n.iter().enumerate().find(|(i, a)| n[..*i].contains(a)) {
            let _ = i;
            return Err(invalid(format!("Duplicate element in NonKeyAttributes: {dup}")));
        }
        if n.len() > 100 {
            return Err(invalid(format!("Number of NonKeyAttributes in index {index} exceeds the limit of 100")));
        }
    }
    Ok(Projection { projection_type: Some(ty), non_key_attributes: p.non_key_attributes.clone() })
}

fn throughput_description(p: Option<&ProvisionedThroughput>) -> ProvisionedThroughputDescription {
    ProvisionedThroughputDescription {
        number_of_decreases_today: Some(0),
        read_capacity_units: Some(p.map(|p| p.read_capacity_units).unwrap_or(0)),
        write_capacity_units: Some(p.map(|p| p.write_capacity_units).unwrap_or(0)),
        ..Default::default()
    }
}

fn check_throughput(p: &ProvisionedThroughput) -> Result<(), ServiceError> {
    if p.read_capacity_units < 1 || p.write_capacity_units < 1 {
        return Err(invalid(format!(
            "{} for ProvisionedThroughput.{} must be at least 1",
            if p.read_capacity_units < 1 { p.read_capacity_units } else { p.write_capacity_units },
            if p.read_capacity_units < 1 { "ReadCapacityUnits" } else { "WriteCapacityUnits" }
        )));
    }
    Ok(())
}

/// A GSI's throughput as the billing mode demands.
fn index_throughput(billing: &BillingMode, name: &str, p: Option<&ProvisionedThroughput>) -> Result<ProvisionedThroughputDescription, ServiceError> {
    match (billing, p) {
        (BillingMode::PayPerRequest, Some(_)) => Err(invalid(format!(
            "ProvisionedThroughput should not be specified for index: {name} when BillingMode is PAY_PER_REQUEST"
        ))),
        (BillingMode::PayPerRequest, None) => Ok(throughput_description(None)),
        (_, None) => Err(invalid(format!("ProvisionedThroughput is not specified for index: {name}"))),
        (_, Some(p)) => {
            check_throughput(p)?;
            Ok(throughput_description(Some(p)))
        }
    }
}

fn billing_summary(billing: &BillingMode) -> Option<BillingModeSummary> {
    Some(BillingModeSummary {
        billing_mode: Some(billing.clone()),
        last_update_to_pay_per_request_date_time: (*billing == BillingMode::PayPerRequest).then(Timestamp::now),
    })
}

pub fn table_arn(ctx: &RequestContext, name: &str) -> String {
    simfra_store::arn("dynamodb", &ctx.region, &ctx.account_id, &format!("table/{name}"))
}

fn stream_view(spec: &StreamSpecification) -> Result<Option<StreamViewType>, ServiceError> {
    match (spec.stream_enabled, &spec.stream_view_type) {
        (true, Some(v)) => Ok(Some(v.clone())),
        (true, None) => Err(validation("One or more parameter values were invalid: StreamViewType is required when StreamEnabled is true")) ,
        (false, Some(_)) => Err(invalid("StreamSpecification: Either StreamEnabled should be true or StreamViewType should be empty")),
        (false, None) => Ok(None),
    }
}

/// Every key attribute defined and every definition used by some key: AWS
/// checks this before any other index rule.
fn check_definitions_used(input: &CreateTableInput, defs: &[AttributeDefinition]) -> Result<(), ServiceError> {
    let index_keys = input
        .local_secondary_indexes
        .iter()
        .flatten()
        .flat_map(|i| i.key_schema.iter())
        .chain(input.global_secondary_indexes.iter().flatten().flat_map(|i| i.key_schema.iter()));
    let mut used: Vec<&str> = Vec::new();
    for k in input.key_schema.iter().chain(index_keys) {
        if !used.contains(&k.attribute_name.as_str()) {
            used.push(&k.attribute_name);
        }
    }
    let has_indexes = input.local_secondary_indexes.is_some() || input.global_secondary_indexes.is_some();
    let defined: Vec<&str> = defs.iter().map(|d| d.attribute_name.as_str()).collect();
    let missing: Vec<&str> = used.iter().copied().filter(|u| !defined.contains(u)).collect();
    if !missing.is_empty() {
        return Err(invalid(format!(
            "Some index key attributes are not defined in AttributeDefinitions. Keys: [{}], AttributeDefinitions: [{}]",
            missing.join(", "),
            defined.join(", ")
        )));
    }
    if defined.len() != used.len() {
        if !has_indexes {
            return Err(invalid("Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions"));
        }
        return Err(invalid(format!(
            "Some AttributeDefinitions are not used. AttributeDefinitions: [{}], keys used: [{}]",
            defined.join(", "),
            used.join(", ")
        )));
    }
    Ok(())
}

pub fn create_table(region: &Region, ctx: &RequestContext, input: CreateTableInput) -> Result<CreateTableOutput, ServiceError> {
    let defs = &input.attribute_definitions;
    let mut seen = BTreeSet::new();
    for d in defs {
        if !seen.insert(d.attribute_name.as_str()) {
            return Err(invalid(format!("Attribute Name is duplicated: {}", d.attribute_name)));
        }
    }
    let schema = key_schema(&input.key_schema, defs)?;
    if input.local_secondary_indexes.as_ref().is_some_and(|l| l.is_empty()) {
        return Err(invalid("List of LocalSecondaryIndexes is empty"));
    }
    if input.global_secondary_indexes.as_ref().is_some_and(|g| g.is_empty()) {
        return Err(invalid("List of GlobalSecondaryIndexes is empty"));
    }
    check_definitions_used(&input, defs)?;
    let billing = input.billing_mode.clone().unwrap_or(BillingMode::Provisioned);
    let throughput = match (&billing, &input.provisioned_throughput) {
        (BillingMode::PayPerRequest, Some(_)) => {
            return Err(invalid("Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST"))
        }
        (BillingMode::PayPerRequest, None) => throughput_description(None),
        (_, None) => {
            return Err(invalid("ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED"))
        }
        (_, Some(p)) => {
            check_throughput(p)?;
            throughput_description(Some(p))
        }
    };
    let mut indexes: Vec<Index> = Vec::new();
    let lsis = input.local_secondary_indexes.as_deref().unwrap_or(&[]);
    let gsis = input.global_secondary_indexes.as_deref().unwrap_or(&[]);
    if lsis.len() > 5 {
        return Err(invalid("Number of indexes exceeds per-table limit of 5"));
    }
    if gsis.len() > 20 {
        return Err(invalid("Number of GlobalSecondaryIndexes exceeds per-table limit of 20"));
    }
    if !lsis.is_empty() && schema.range.is_none() {
        return Err(invalid("Table KeySchema does not have a range key"));
    }
    for lsi in lsis {
        let s = key_schema(&lsi.key_schema, defs)?;
        if s.hash.0 != schema.hash.0 {
            return Err(invalid(format!(
                "Index KeySchema does not have the same leading hash key as table KeySchema for index: {}. index hash key: {}, table hash key: {}",
                lsi.index_name, s.hash.0, schema.hash.0
            )));
        }
        if s.range.is_none() {
            return Err(invalid(format!("Index KeySchema does not have a range key for index: {}", lsi.index_name)));
        }
        if indexes.iter().any(|i| i.name == lsi.index_name) {
            return Err(invalid(format!("Duplicate index name: {}", lsi.index_name)));
        }
        indexes.push(Index {
            name: lsi.index_name.clone(),
            global: false,
            schema: s,
            projection: projection(&lsi.projection, &lsi.index_name)?,
            throughput: None,
            entries: Default::default(),
        });
    }
    for gsi in gsis {
        let s = key_schema(&gsi.key_schema, defs)?;
        if indexes.iter().any(|i| i.name == gsi.index_name) {
            return Err(invalid(format!("Duplicate index name: {}", gsi.index_name)));
        }
        indexes.push(Index {
            name: gsi.index_name.clone(),
            global: true,
            schema: s,
            projection: projection(&gsi.projection, &gsi.index_name)?,
            throughput: Some(index_throughput(&billing, &gsi.index_name, gsi.provisioned_throughput.as_ref())?),
            entries: Default::default(),
        });
    }
    let view = input.stream_specification.as_ref().map(stream_view).transpose()?.flatten();
    let mut tables = region.tables.lock().unwrap_or_else(|e| e.into_inner());
    if tables.contains_key(&input.table_name) {
        return Err(ResourceInUseException { message: Some(format!("Table already exists: {}", input.table_name)) }.into());
    }
    if tables.len() >= 2500 {
        return Err(LimitExceededException { message: Some("Subscriber limit exceeded: Only 2500 tables can be created per account".into()) }.into());
    }
    let arn = table_arn(ctx, &input.table_name);
    let stream = view.map(|v| TableStream::new(&arn, &input.table_name, &ctx.region, v, schema.clone()));
    let description = TableDescription {
        attribute_definitions: Some(defs.clone()),
        table_name: Some(input.table_name.clone()),
        key_schema: Some(schema.elements()),
        table_status: Some(TableStatus::Active),
        creation_date_time: Some(Timestamp::now()),
        provisioned_throughput: Some(throughput),
        table_arn: Some(arn.clone()),
        table_id: Some(crate::new_id()),
        // A table created provisioned has no billing summary until it changes mode.
        billing_mode_summary: (billing == BillingMode::PayPerRequest).then(|| billing_summary(&billing)).flatten(),
        stream_specification: input.stream_specification.clone().filter(|s| s.stream_enabled),
        latest_stream_label: stream.as_ref().map(|s| s.label.clone()),
        latest_stream_arn: stream.as_ref().map(|s| s.arn.clone()),
        table_class_summary: input.table_class.as_ref().map(|c| TableClassSummary { table_class: Some(c.clone()), last_update_date_time: None }),
        sse_description: sse(input.sse_specification.as_ref(), ctx),
        deletion_protection_enabled: Some(input.deletion_protection_enabled.unwrap_or(false)),
        ..Default::default()
    };
    let table = Table {
        description,
        schema,
        items: Default::default(),
        item_count: 0,
        indexes,
        size_bytes: 0,
        tags: input.tags.clone().unwrap_or_default(),
        ttl_attribute: None,
        expiries: Default::default(),
        resource_policy: input.resource_policy.clone().map(|p| (p, crate::new_id())),
        stream,
        pitr: None,
        insights: Default::default(),
        replicas: Vec::new(),
        outbox: Vec::new(),
    };
    let mut out = table.describe();
    out.table_status = Some(TableStatus::Creating);
    if let Some(g) = &mut out.global_secondary_indexes {
        for i in g.iter_mut() {
            i.index_status = Some(IndexStatus::Creating);
        }
    }
    tables.insert(input.table_name.clone(), table);
    Ok(CreateTableOutput { table_description: Some(out) })
}

fn sse(spec: Option<&SseSpecification>, ctx: &RequestContext) -> Option<SseDescription> {
    let spec = spec?;
    if spec.enabled != Some(true) {
        return None;
    }
    let key = spec.kms_master_key_id.clone().unwrap_or_else(|| "alias/aws/dynamodb".into());
    let arn = if key.starts_with("arn:") { key } else { simfra_store::arn("kms", &ctx.region, &ctx.account_id, &key) };
    Some(SseDescription { status: Some(SseStatus::Enabled), sse_type: Some(SseType::Kms), kms_master_key_arn: Some(arn), ..Default::default() })
}

pub fn describe_table(region: &Region, name: &str) -> Result<DescribeTableOutput, ServiceError> {
    let tables = region.tables.lock().unwrap_or_else(|e| e.into_inner());
    let t = tables.get(name).ok_or_else(|| table_not_found(name))?;
    Ok(DescribeTableOutput { table: Some(t.describe()) })
}

pub fn delete_table(region: &Region, name: &str) -> Result<DeleteTableOutput, ServiceError> {
    let mut tables = region.tables.lock().unwrap_or_else(|e| e.into_inner());
    let t = tables.get(name).ok_or_else(|| table_not_found(name))?;
    if t.description.deletion_protection_enabled == Some(true) {
        return Err(validation("Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.".to_string()));
    }
    let Some(t) = tables.remove(name) else { return Err(table_not_found(name)) };
    let mut d = t.describe();
    d.table_status = Some(TableStatus::Deleting);
    if let Some(stream) = t.stream {
        region.orphan_streams.lock().unwrap_or_else(|e| e.into_inner()).push(stream);
    }
    Ok(DeleteTableOutput { table_description: Some(d) })
}

pub fn list_tables(region: &Region, input: ListTablesInput) -> Result<ListTablesOutput, ServiceError> {
    let tables = region.tables.lock().unwrap_or_else(|e| e.into_inner());
    let limit = input.limit.unwrap_or(100).clamp(1, 100) as usize;
    let after = input.exclusive_start_table_name.unwrap_or_default();
    let names: Vec<&String> = tables.keys().filter(|n| n.as_str() > after.as_str()).collect();
    let page: Vec<String> = names.iter().take(limit).map(|n| n.to_string()).collect();
    let last = (names.len() > limit).then(|| page.last().cloned()).flatten();
    Ok(ListTablesOutput { table_names: Some(page), last_evaluated_table_name: last })
}

/// Whether an UpdateTable asks for anything besides replica changes.
pub fn has_other_updates(input: &UpdateTableInput) -> bool {
    input.billing_mode.is_some()
        || input.provisioned_throughput.is_some()
        || input.global_secondary_index_updates.as_ref().is_some_and(|u| !u.is_empty())
        || input.stream_specification.is_some()
        || input.sse_specification.is_some()
        || input.table_class.is_some()
        || input.deletion_protection_enabled.is_some()
        || input.on_demand_throughput.is_some()
        || input.warm_throughput.is_some()
}

pub fn update_table(region: &Region, ctx: &RequestContext, input: UpdateTableInput) -> Result<UpdateTableOutput, ServiceError> {
    let mut tables = region.tables.lock().unwrap_or_else(|e| e.into_inner());
    let t = tables.get_mut(&input.table_name).ok_or_else(|| table_not_found(&input.table_name))?;
    let nothing = input.billing_mode.is_none()
        && input.multi_region_consistency.is_none()
        && input.provisioned_throughput.is_none()
        && input.global_secondary_index_updates.as_ref().is_none_or(|u| u.is_empty())
        && input.stream_specification.is_none()
        && input.sse_specification.is_none()
        && input.table_class.is_none()
        && input.deletion_protection_enabled.is_none()
        && input.replica_updates.is_none()
        && input.on_demand_throughput.is_none()
        && input.warm_throughput.is_none();
    if nothing {
        return Err(validation(
            "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates, SSESpecification, ReplicaUpdates, MultiAccountReplicaReady, ReplicaTransitRoleArn, MultiRegionConsistency, DeletionProtectionEnabled, OnDemandThroughput, WarmThroughput or TableClass is required",
        ));
    }
    let current_billing = t
        .description
        .billing_mode_summary
        .as_ref()
        .and_then(|b| b.billing_mode.clone())
        .unwrap_or(BillingMode::Provisioned);
    let billing = input.billing_mode.clone().unwrap_or(current_billing.clone());
    match (&billing, &input.provisioned_throughput) {
        (BillingMode::PayPerRequest, Some(_)) => {
            return Err(invalid("Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST"))
        }
        (BillingMode::Provisioned, None) if current_billing == BillingMode::PayPerRequest => {
            return Err(invalid("ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED"))
        }
        (_, Some(p)) => {
            check_throughput(p)?;
            t.description.provisioned_throughput = Some(throughput_description(Some(p)));
        }
        _ => {}
    }
    if billing != current_billing {
        t.description.billing_mode_summary = billing_summary(&billing);
        if billing == BillingMode::PayPerRequest {
            t.description.provisioned_throughput = Some(throughput_description(None));
        }
    }
    let mut defs = t.description.attribute_definitions.clone().unwrap_or_default();
    for d in input.attribute_definitions.iter().flatten() {
        match defs.iter().find(|e| e.attribute_name == d.attribute_name) {
            Some(e) if e.attribute_type != d.attribute_type => {
                return Err(invalid(format!(
                    "Cannot change the type of an attribute that is already in use. Attribute name: {}",
                    d.attribute_name
                )))
            }
            Some(_) => {}
            None => defs.push(d.clone()),
        }
    }
    let updates = input.global_secondary_index_updates.as_deref().unwrap_or(&[]);
    // What UpdateTable's answer shows of index changes still under way.
    let mut creating: Vec<String> = Vec::new();
    let mut deleting: Vec<GlobalSecondaryIndexDescription> = Vec::new();
    let creates = updates.iter().filter(|u| u.create.is_some()).count();
    if creates > 1 {
        return Err(LimitExceededException {
            message: Some("Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table".into()),
        }
        .into());
    }
    for u in updates {
        if let Some(c) = &u.create {
            if t.indexes.iter().any(|i| i.name == c.index_name) {
                return Err(invalid(format!("Index with name: {} already exists", c.index_name)));
            }
            if t.indexes.iter().filter(|i| i.global).count() >= 20 {
                return Err(LimitExceededException {
                    message: Some("Subscriber limit exceeded: The table has reached the maximum number of global secondary indexes (20)".into()),
                }
                .into());
            }
            let schema = key_schema(&c.key_schema, &defs)?;
            let mut index = Index {
                name: c.index_name.clone(),
                global: true,
                schema,
                projection: projection(&c.projection, &c.index_name)?,
                throughput: Some(index_throughput(&billing, &c.index_name, c.provisioned_throughput.as_ref())?),
                entries: Default::default(),
            };
            // Backfill: items whose index key attributes have other types
            // simply stay out of the index, as in AWS.
            t.backfill(&mut index);
            creating.push(index.name.clone());
            t.indexes.push(index);
        } else if let Some(d) = &u.delete {
            let Some(pos) = t.indexes.iter().position(|i| i.global && i.name == d.index_name) else {
                return Err(ResourceNotFoundException {
                    message: Some(format!("Requested resource not found: Index: {} not found", d.index_name)),
                }
                .into());
            };
            if let Some(mut d) = t.describe().global_secondary_indexes.into_iter().flatten().find(|g| g.index_name.as_deref() == Some(&d.index_name)) {
                d.index_status = Some(IndexStatus::Deleting);
                deleting.push(d);
            }
            t.indexes.remove(pos);
        } else if let Some(up) = &u.update {
            let Some(index) = t.indexes.iter_mut().find(|i| i.global && i.name == up.index_name) else {
                return Err(ResourceNotFoundException {
                    message: Some(format!("Requested resource not found: Index: {} not found", up.index_name)),
                }
                .into());
            };
            if let Some(p) = &up.provisioned_throughput {
                index.throughput = Some(index_throughput(&billing, &up.index_name, Some(p))?);
            }
        }
    }
    // Definitions only for attributes some key uses.
    let used: BTreeSet<String> = t
        .schema
        .names()
        .into_iter()
        .cloned()
        .chain(t.indexes.iter().flat_map(|i| i.schema.names().into_iter().cloned()))
        .collect();
    defs.retain(|d| used.contains(&d.attribute_name));
    t.description.attribute_definitions = Some(defs);
    if let Some(spec) = &input.stream_specification {
        let view = stream_view(spec)?;
        let active = t.stream.as_ref().is_some_and(|s| s.enabled);
        match view {
            Some(_) if active => {
                return Err(invalid(format!("Table already has an enabled stream: {}", t.description.table_name.clone().unwrap_or_default())))
            }
            Some(v) => {
                let arn = t.description.table_arn.clone().unwrap_or_default();
                let stream = TableStream::new(&arn, &input.table_name, &ctx.region, v, t.schema.clone());
                t.description.latest_stream_arn = Some(stream.arn.clone());
                t.description.latest_stream_label = Some(stream.label.clone());
                if let Some(old) = t.stream.replace(stream) {
                    region.orphan_streams.lock().unwrap_or_else(|e| e.into_inner()).push(old);
                }
                t.description.stream_specification = Some(spec.clone());
            }
            None => {
                if !active {
                    return Err(invalid("Table does not have a stream to disable"));
                }
                if let Some(s) = &mut t.stream {
                    s.enabled = false;
                }
                t.description.stream_specification = None;
            }
        }
    }
    if let Some(class) = &input.table_class {
        t.description.table_class_summary = Some(TableClassSummary { table_class: Some(class.clone()), last_update_date_time: Some(Timestamp::now()) });
    }
    if let Some(p) = input.deletion_protection_enabled {
        t.description.deletion_protection_enabled = Some(p);
    }
    if input.sse_specification.is_some() {
        t.description.sse_description = sse(input.sse_specification.as_ref(), ctx);
    }
    let mut out = t.describe();
    out.table_status = Some(TableStatus::Updating);
    for g in out.global_secondary_indexes.iter_mut().flatten() {
        if g.index_name.as_ref().is_some_and(|n| creating.contains(n)) {
            g.index_status = Some(IndexStatus::Creating);
            g.backfilling = Some(true);
        }
    }
    if !deleting.is_empty() {
        out.global_secondary_indexes.get_or_insert_with(Vec::new).extend(deleting);
    }
    Ok(UpdateTableOutput { table_description: Some(out) })
}
