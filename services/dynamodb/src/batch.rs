//! BatchGetItem and BatchWriteItem: up to 100 keys to read or 25 writes,
//! across tables, validated as a whole before anything is read or written.
//! Everything is processed at once, so UnprocessedKeys/UnprocessedItems
//! come back empty (AWS's shape for a fully served batch).

use crate::attr::{canonical_item, item_size, Item};
use crate::expr::Symbols;
use crate::items::{checked_item, collection_metrics, consumed, keyed_item, read_units, resource_not_found, selection, write_units};
use crate::table::PrimaryKey;
use crate::{validation, Region};
use simfra_gen_dynamodb::types::*;
use simfra_model::ServiceError;
use std::collections::{HashMap, HashSet};

fn duplicates() -> ServiceError {
    validation("Provided list of item keys contains duplicates")
}

pub fn batch_get(region: &Region, input: BatchGetItemInput) -> Result<BatchGetItemOutput, ServiceError> {
    let total: usize = input.request_items.values().map(|k| k.keys.len()).sum();
    if total > 100 {
        return Err(validation("Too many items requested for the BatchGetItem call"));
    }
    let mut names: Vec<&String> = input.request_items.keys().collect();
    names.sort();
    let tables = region.tables.lock().unwrap_or_else(|e| e.into_inner());
    let mut plans = Vec::new();
    for name in names {
        let req = &input.request_items[name];
        crate::items::no_mixing(
            &[("AttributesToGet", req.attributes_to_get.is_some())],
            &[("ProjectionExpression", req.projection_expression.is_some())],
        )?;
        let mut symbols = Symbols::new(req.expression_attribute_names.as_ref(), None, req.projection_expression.is_some())?;
        let sel = selection(req.projection_expression.as_ref(), req.attributes_to_get.as_ref(), &mut symbols)?;
        symbols.check_unused()?;
        let table = tables.get(name).ok_or_else(resource_not_found)?;
        let mut seen: HashSet<PrimaryKey> = HashSet::new();
        let mut keys = Vec::new();
        for key in &req.keys {
            let pk = table.schema.key_of_key(&canonical_item(key)?)?;
            if !seen.insert(pk.clone()) {
                return Err(duplicates());
            }
            keys.push(pk);
        }
        plans.push((name, table, sel, keys, req.consistent_read == Some(true)));
    }
    let mut responses = HashMap::new();
    let mut capacity = Vec::new();
    for (name, table, sel, keys, consistent) in plans {
        let found: Vec<_> = keys.iter().filter_map(|k| table.items.get(k)).collect();
        let units: f64 = found.iter().map(|i| read_units(item_size(i), consistent)).sum::<f64>().max(if consistent { 1.0 } else { 0.5 });
        capacity.extend(consumed(table, input.return_consumed_capacity.as_ref(), units, false));
        responses.insert(name.clone(), found.into_iter().map(|i| sel.apply(i)).collect());
    }
    Ok(BatchGetItemOutput {
        responses: Some(responses),
        unprocessed_keys: Some(HashMap::new()),
        consumed_capacity: input.return_consumed_capacity.is_some().then_some(capacity).filter(|c| !c.is_empty()),
    })
}

pub fn batch_write(region: &Region, input: BatchWriteItemInput) -> Result<BatchWriteItemOutput, ServiceError> {
    let total: usize = input.request_items.values().map(|r| r.len()).sum();
    if total > 25 {
        return Err(validation("Too many items requested for the BatchWriteItem call"));
    }
    let mut names: Vec<&String> = input.request_items.keys().collect();
    names.sort();
    // Validate everything first: one bad request fails the whole batch, and
    // values and sizes are judged before tables are looked up.
    let mut checked: Vec<(&String, Result<Item, Item>)> = Vec::new();
    for name in &names {
        for req in &input.request_items[*name] {
            checked.push((
                *name,
                match (&req.put_request, &req.delete_request) {
                    (Some(p), None) => Ok(checked_item(&p.item)?),
                    (None, Some(d)) => Err(canonical_item(&d.key)?),
                    _ => {
                        return Err(validation(
                            "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes",
                        ))
                    }
                },
            ));
        }
    }
    let mut tables = region.tables.lock().unwrap_or_else(|e| e.into_inner());
    let mut plans: Vec<(String, PrimaryKey, Option<HashMap<String, AttributeValue>>)> = Vec::new();
    let mut seen: HashSet<(&String, PrimaryKey)> = HashSet::new();
    for (name, request) in checked {
        let table = tables.get(name).ok_or_else(resource_not_found)?;
        {
            let (pk, item) = match request {
                Ok(item) => {
                    let (pk, item) = keyed_item(table, item)?;
                    (pk, Some(item))
                }
                Err(key) => (table.schema.key_of_key(&key)?, None),
            };
            if !seen.insert((name, pk.clone())) {
                return Err(duplicates());
            }
            plans.push((name.clone(), pk, item));
        }
    }
    let mut units: HashMap<String, f64> = HashMap::new();
    let mut metrics: HashMap<String, Vec<ItemCollectionMetrics>> = HashMap::new();
    for (name, pk, item) in plans {
        let Some(table) = tables.get_mut(&name) else { continue };
        let key_item = item.as_ref().map(|i| table.schema.key_attributes(i));
        let old = table.write(pk, item.clone(), None);
        *units.entry(name.clone()).or_default() += write_units(old.as_ref(), item.as_ref());
        if let Some(m) = key_item.and_then(|k| collection_metrics(table, &k, input.return_item_collection_metrics.as_ref())) {
            metrics.entry(name).or_default().push(m);
        }
    }
    let capacity: Vec<ConsumedCapacity> = names
        .iter()
        .filter_map(|n| tables.get(*n).and_then(|t| consumed(t, input.return_consumed_capacity.as_ref(), units.get(*n).copied().unwrap_or(0.0), true)))
        .collect();
    Ok(BatchWriteItemOutput {
        unprocessed_items: Some(HashMap::new()),
        item_collection_metrics: (!metrics.is_empty()).then_some(metrics),
        consumed_capacity: (!capacity.is_empty()).then_some(capacity),
    })
}
