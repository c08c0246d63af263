//! Single-item operations: PutItem, GetItem, UpdateItem, DeleteItem. The
//! checks and the item arithmetic live in functions that batches and
//! transactions reuse, so every path validates and writes alike.

use crate::attr::{canonical_item, item_size, Item, MAX_ITEM_SIZE};
use crate::expr::{self, eval, projection, update, Cond, Kind, Path, Symbols, Update};
use crate::table::{PrimaryKey, Table};
use crate::{legacy, validation, Region};
use simfra_gen_dynamodb::types::*;
use simfra_model::ServiceError;
use std::collections::HashMap;

pub fn resource_not_found() -> ServiceError {
    ResourceNotFoundException { message: Some("Requested resource not found".into()) }.into()
}

pub fn condition_failed(old: Option<&Item>, on_failure: Option<&ReturnValuesOnConditionCheckFailure>) -> ServiceError {
    ConditionalCheckFailedException {
        message: Some("The conditional request failed".into()),
        item: if on_failure == Some(&ReturnValuesOnConditionCheckFailure::AllOld) { old.cloned() } else { None },
    }
    .into()
}

/// `Can not use both expression and non-expression parameters …` when a
/// request mixes legacy parameters with expressions.
pub fn no_mixing(legacy: &[(&str, bool)], expressions: &[(&str, bool)]) -> Result<(), ServiceError> {
    let l: Vec<&str> = legacy.iter().filter(|(_, p)| *p).map(|(n, _)| *n).collect();
    let e: Vec<&str> = expressions.iter().filter(|(_, p)| *p).map(|(n, _)| *n).collect();
    if !l.is_empty() && !e.is_empty() {
        return Err(validation(format!(
            "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {{{}}} Expression parameters: {{{}}}",
            l.join(", "),
            e.join(", ")
        )));
    }
    Ok(())
}

pub fn check_size(item: &Item, update: bool) -> Result<(), ServiceError> {
    if item_size(item) > MAX_ITEM_SIZE {
        return Err(validation(if update {
            "Item size to update has exceeded the maximum allowed size"
        } else {
            "Item size has exceeded the maximum allowed size"
        }));
    }
    Ok(())
}

/// An item to write, checked on its own (values, size): AWS does this
/// before it looks for the table.
pub fn checked_item(item: &Item) -> Result<Item, ServiceError> {
    let item = canonical_item(item)?;
    check_size(&item, false)?;
    Ok(item)
}

/// A checked item against the table's key schema and indexes.
pub fn keyed_item(table: &Table, item: Item) -> Result<(PrimaryKey, Item), ServiceError> {
    let key = table.schema.key_of_item(&item)?;
    table.check_index_keys(&item)?;
    Ok((key, item))
}

/// The item a PutItem stores, validated against the table.
pub fn prepare_put(table: &Table, item: &Item) -> Result<(PrimaryKey, Item), ServiceError> {
    keyed_item(table, checked_item(item)?)
}

/// Refuses update paths that touch key attributes.
pub fn check_update_keys(table: &Table, update: &Update) -> Result<(), ServiceError> {
    for path in update.paths() {
        if let Some(expr::Elem::Key(name)) = path.first() {
            if table.schema.is_key(name) {
                return Err(validation(format!(
                    "One or more parameter values were invalid: Cannot update attribute {name}. This attribute is part of the key"
                )));
            }
        }
    }
    Ok(())
}

/// The item after an UpdateItem, from the current item (or the key alone).
pub fn apply_update(table: &Table, key_item: &Item, old: Option<&Item>, upd: Option<&Update>) -> Result<Item, ServiceError> {
    let base = old.cloned().unwrap_or_else(|| key_item.clone());
    let new = match upd {
        Some(u) => update::apply(&base, u)?,
        None => base,
    };
    check_size(&new, true)?;
    table.check_index_keys(&new)?;
    Ok(new)
}

pub fn condition_holds(cond: Option<&Cond>, item: Option<&Item>) -> bool {
    match cond {
        None => true,
        Some(c) => eval::matches(item.unwrap_or(&HashMap::new()), c),
    }
}

/// Capacity units, as `ReturnConsumedCapacity` reports them.
pub fn consumed(table: &Table, mode: Option<&ReturnConsumedCapacity>, units: f64, write: bool) -> Option<ConsumedCapacity> {
    let mode = mode?;
    if *mode == ReturnConsumedCapacity::None {
        return None;
    }
    let name = table.description.table_name.clone();
    let gsi_units: f64 = if write { table.indexes.iter().filter(|i| i.global).count() as f64 * units } else { 0.0 };
    let mut c = ConsumedCapacity { table_name: name, capacity_units: Some(units + gsi_units), ..Default::default() };
    if write {
        c.write_capacity_units = Some(units + gsi_units);
    } else {
        c.read_capacity_units = Some(units);
    }
    if *mode == ReturnConsumedCapacity::Indexes {
        c.table = Some(Capacity {
            capacity_units: Some(units),
            read_capacity_units: (!write).then_some(units),
            write_capacity_units: write.then_some(units),
        });
        if write && gsi_units > 0.0 {
            c.global_secondary_indexes = Some(
                table
                    .indexes
                    .iter()
                    .filter(|i| i.global)
                    .map(|i| (i.name.clone(), Capacity { capacity_units: Some(units), write_capacity_units: Some(units), read_capacity_units: None }))
                    .collect(),
            );
        }
    }
    Some(c)
}

pub fn write_units(old: Option<&Item>, new: Option<&Item>) -> f64 {
    let size = old.map(item_size).unwrap_or(0).max(new.map(item_size).unwrap_or(0));
    size.div_ceil(1024).max(1) as f64
}

pub fn read_units(size: usize, consistent: bool) -> f64 {
    let units = size.div_ceil(4096).max(1) as f64;
    if consistent { units } else { units / 2.0 }
}

pub fn collection_metrics(table: &Table, key_item: &Item, mode: Option<&ReturnItemCollectionMetrics>) -> Option<ItemCollectionMetrics> {
    if mode != Some(&ReturnItemCollectionMetrics::Size) || !table.indexes.iter().any(|i| !i.global) {
        return None;
    }
    let hash = &table.schema.hash.0;
    Some(ItemCollectionMetrics {
        item_collection_key: Some(key_item.get(hash).map(|v| (hash.clone(), v.clone())).into_iter().collect()),
        size_estimate_range_gb: Some(vec![0.0, 1.0]),
    })
}

/// ProjectionExpression or AttributesToGet, parsed.
pub enum Selection {
    All,
    Paths(Vec<Path>),
    Names(Vec<String>),
}

impl Selection {
    pub fn apply(&self, item: &Item) -> Item {
        match self {
            Selection::All => item.clone(),
            Selection::Paths(p) => projection::project(item, p),
            Selection::Names(n) => projection::project_names(item, n),
        }
    }
}

pub fn selection(projection: Option<&String>, attributes_to_get: Option<&Vec<String>>, symbols: &mut Symbols) -> Result<Selection, ServiceError> {
    Ok(match (projection, attributes_to_get) {
        (Some(p), _) => Selection::Paths(expr::projection_expression(p, symbols)?),
        (None, Some(names)) => {
            let mut seen = Vec::new();
            for n in names {
                if seen.contains(&n) {
                    return Err(validation(format!(
                        "One or more parameter values were invalid: Duplicate value in attribute name: {n}"
                    )));
                }
                seen.push(n);
            }
            Selection::Names(names.clone())
        }
        _ => Selection::All,
    })
}

pub fn put_item(region: &Region, input: PutItemInput) -> Result<PutItemOutput, ServiceError> {
    no_mixing(
        &[("Expected", input.expected.is_some())],
        &[("ConditionExpression", input.condition_expression.is_some())],
    )?;
    let mut symbols = Symbols::new(
        input.expression_attribute_names.as_ref(),
        input.expression_attribute_values.as_ref(),
        input.condition_expression.is_some(),
    )?;
    let mut cond = input.condition_expression.as_deref().map(|c| expr::condition(c, Kind::Condition, &mut symbols)).transpose()?;
    symbols.check_unused()?;
    if let Some(expected) = &input.expected {
        cond = legacy::expected(expected, input.conditional_operator.as_ref())?;
    }
    match input.return_values {
        None | Some(ReturnValue::None) | Some(ReturnValue::AllOld) => {}
        Some(_) => return Err(validation("Return values set to invalid value")),
    }
    let item = checked_item(&input.item)?;
    let mut tables = region.tables.lock().unwrap_or_else(|e| e.into_inner());
    let table = tables.get_mut(&input.table_name).ok_or_else(resource_not_found)?;
    let (key, item) = keyed_item(table, item)?;
    let old = table.items.get(&key);
    if !condition_holds(cond.as_ref(), old) {
        return Err(condition_failed(old, input.return_values_on_condition_check_failure.as_ref()));
    }
    let units = write_units(old, Some(&item));
    let key_item = table.schema.key_attributes(&item);
    let old = table.write(key, Some(item), None);
    Ok(PutItemOutput {
        attributes: if input.return_values == Some(ReturnValue::AllOld) { old } else { None },
        consumed_capacity: consumed(table, input.return_consumed_capacity.as_ref(), units, true),
        item_collection_metrics: collection_metrics(table, &key_item, input.return_item_collection_metrics.as_ref()),
    })
}

pub fn get_item(region: &Region, input: GetItemInput) -> Result<GetItemOutput, ServiceError> {
    no_mixing(
        &[("AttributesToGet", input.attributes_to_get.is_some())],
        &[("ProjectionExpression", input.projection_expression.is_some())],
    )?;
    let mut symbols = Symbols::new(input.expression_attribute_names.as_ref(), None, input.projection_expression.is_some())?;
    let selection = selection(input.projection_expression.as_ref(), input.attributes_to_get.as_ref(), &mut symbols)?;
    symbols.check_unused()?;
    let key_item = canonical_item(&input.key)?;
    let tables = region.tables.lock().unwrap_or_else(|e| e.into_inner());
    let table = tables.get(&input.table_name).ok_or_else(resource_not_found)?;
    let key = table.schema.key_of_key(&key_item)?;
    let found = table.items.get(&key);
    let units = read_units(found.map(item_size).unwrap_or(0), input.consistent_read == Some(true));
    Ok(GetItemOutput {
        item: found.map(|i| selection.apply(i)),
        consumed_capacity: consumed(table, input.return_consumed_capacity.as_ref(), units, false),
    })
}

pub fn delete_item(region: &Region, input: DeleteItemInput) -> Result<DeleteItemOutput, ServiceError> {
    no_mixing(
        &[("Expected", input.expected.is_some())],
        &[("ConditionExpression", input.condition_expression.is_some())],
    )?;
    let mut symbols = Symbols::new(
        input.expression_attribute_names.as_ref(),
        input.expression_attribute_values.as_ref(),
        input.condition_expression.is_some(),
    )?;
    let mut cond = input.condition_expression.as_deref().map(|c| expr::condition(c, Kind::Condition, &mut symbols)).transpose()?;
    symbols.check_unused()?;
    if let Some(expected) = &input.expected {
        cond = legacy::expected(expected, input.conditional_operator.as_ref())?;
    }
    match input.return_values {
        None | Some(ReturnValue::None) | Some(ReturnValue::AllOld) => {}
        Some(_) => return Err(validation("Return values set to invalid value")),
    }
    let key_item = canonical_item(&input.key)?;
    let mut tables = region.tables.lock().unwrap_or_else(|e| e.into_inner());
    let table = tables.get_mut(&input.table_name).ok_or_else(resource_not_found)?;
    let key = table.schema.key_of_key(&key_item)?;
    let old = table.items.get(&key);
    if !condition_holds(cond.as_ref(), old) {
        return Err(condition_failed(old, input.return_values_on_condition_check_failure.as_ref()));
    }
    let units = write_units(old, None);
    let old = if old.is_some() { table.write(key, None, None) } else { None };
    Ok(DeleteItemOutput {
        attributes: if input.return_values == Some(ReturnValue::AllOld) { old } else { None },
        consumed_capacity: consumed(table, input.return_consumed_capacity.as_ref(), units, true),
        item_collection_metrics: collection_metrics(table, &key_item, input.return_item_collection_metrics.as_ref()),
    })
}

pub fn update_item(region: &Region, input: UpdateItemInput) -> Result<UpdateItemOutput, ServiceError> {
    no_mixing(
        &[("AttributeUpdates", input.attribute_updates.is_some()), ("Expected", input.expected.is_some())],
        &[("UpdateExpression", input.update_expression.is_some()), ("ConditionExpression", input.condition_expression.is_some())],
    )?;
    let mut symbols = Symbols::new(
        input.expression_attribute_names.as_ref(),
        input.expression_attribute_values.as_ref(),
        input.update_expression.is_some() || input.condition_expression.is_some(),
    )?;
    let mut upd = input.update_expression.as_deref().map(|u| expr::update_expression(u, &mut symbols)).transpose()?;
    let mut cond = input.condition_expression.as_deref().map(|c| expr::condition(c, Kind::Condition, &mut symbols)).transpose()?;
    symbols.check_unused()?;
    if let Some(updates) = &input.attribute_updates {
        upd = Some(legacy::attribute_updates(updates)?);
    }
    if let Some(expected) = &input.expected {
        cond = legacy::expected(expected, input.conditional_operator.as_ref())?;
    }
    let key_item = canonical_item(&input.key)?;
    let mut tables = region.tables.lock().unwrap_or_else(|e| e.into_inner());
    let table = tables.get_mut(&input.table_name).ok_or_else(resource_not_found)?;
    let key = table.schema.key_of_key(&key_item)?;
    if let Some(u) = &upd {
        check_update_keys(table, u)?;
    }
    let old = table.items.get(&key);
    if !condition_holds(cond.as_ref(), old) {
        return Err(condition_failed(old, input.return_values_on_condition_check_failure.as_ref()));
    }
    let new = apply_update(table, &key_item, old, upd.as_ref())?;
    let units = write_units(old, Some(&new));
    let old = table.write(key, Some(new.clone()), None);
    let updated_paths = || -> Vec<Path> { upd.as_ref().map(|u| u.paths().into_iter().cloned().collect()).unwrap_or_default() };
    let attributes = match input.return_values.unwrap_or(ReturnValue::None) {
        ReturnValue::AllOld => old,
        ReturnValue::AllNew => Some(new),
        ReturnValue::UpdatedOld => old.map(|o| projection::project(&o, &updated_paths())),
        ReturnValue::UpdatedNew => Some(projection::project(&new, &updated_paths())),
        _ => None,
    }
    .filter(|a| !a.is_empty());
    Ok(UpdateItemOutput {
        attributes,
        consumed_capacity: consumed(table, input.return_consumed_capacity.as_ref(), units, true),
        item_collection_metrics: collection_metrics(table, &key_item, input.return_item_collection_metrics.as_ref()),
    })
}
