//! TransactGetItems and TransactWriteItems: all-or-nothing across tables.
//! Every action is validated first (a malformed action fails the request
//! with a ValidationException); then every condition is checked against the
//! current items, and any failure cancels the whole transaction with one
//! CancellationReason per action. A ClientRequestToken makes a write
//! transaction idempotent for 10 minutes.

use crate::attr::{canonical_item, item_size, Item};
use crate::expr::{self, Cond, Kind, Symbols, Update};
use crate::items::{apply_update, check_update_keys, condition_holds, consumed, prepare_put, read_units, resource_not_found, selection, write_units};
use crate::table::PrimaryKey;
use crate::{validation, Region};
use simfra_gen_dynamodb::types::*;
use simfra_model::ServiceError;
use std::collections::{HashMap, HashSet};

const TOKEN_WINDOW_SECS: i64 = 600;

enum Action {
    Check,
    Put(Item),
    Update(Item, Option<Update>),
    Delete,
}

struct Planned {
    table: String,
    key: PrimaryKey,
    action: Action,
    cond: Option<Cond>,
    on_failure: Option<ReturnValuesOnConditionCheckFailure>,
}

fn parse_condition(
    cond: Option<&String>,
    update: Option<&String>,
    names: Option<&HashMap<String, String>>,
    values: Option<&HashMap<String, AttributeValue>>,
) -> Result<(Option<Cond>, Option<Update>), ServiceError> {
    let mut symbols = Symbols::new(names, values, cond.is_some() || update.is_some())?;
    let u = update.map(|u| expr::update_expression(u, &mut symbols)).transpose()?;
    let c = cond.map(|c| expr::condition(c, Kind::Condition, &mut symbols)).transpose()?;
    symbols.check_unused()?;
    Ok((c, u))
}

pub fn transact_write(region: &Region, input: TransactWriteItemsInput) -> Result<TransactWriteItemsOutput, ServiceError> {
    let fingerprint = format!("{:?}", input.transact_items);
    let now = simfra_model::Timestamp::now().secs;
    if let Some(token) = &input.client_request_token {
        let mut tokens = region.transaction_tokens.lock().unwrap_or_else(|e| e.into_inner());
        tokens.retain(|_, (at, _)| now - *at < TOKEN_WINDOW_SECS);
        if let Some((_, previous)) = tokens.get(token) {
            if *previous != fingerprint {
                return Err(IdempotentParameterMismatchException {
                    message: Some("The request uses the same client token as a previous, but non-identical request.".into()),
                }
                .into());
            }
            // The same request again: it already took effect.
            return Ok(TransactWriteItemsOutput::default());
        }
    }
    let mut tables = region.tables.lock().unwrap_or_else(|e| e.into_inner());
    let mut plans = Vec::new();
    let mut seen: HashSet<(String, PrimaryKey)> = HashSet::new();
    for item in &input.transact_items {
        let present = [item.condition_check.is_some(), item.put.is_some(), item.delete.is_some(), item.update.is_some()];
        if present.iter().filter(|p| **p).count() != 1 {
            return Err(validation("The action or operation requested is invalid. Verify that the action is typed correctly."));
        }
        let plan = if let Some(c) = &item.condition_check {
            let (cond, _) = parse_condition(Some(&c.condition_expression), None, c.expression_attribute_names.as_ref(), c.expression_attribute_values.as_ref())?;
            let table = tables.get(&c.table_name).ok_or_else(resource_not_found)?;
            let key = table.schema.key_of_key(&canonical_item(&c.key)?)?;
            Planned { table: c.table_name.clone(), key, action: Action::Check, cond, on_failure: c.return_values_on_condition_check_failure.clone() }
        } else if let Some(p) = &item.put {
            let (cond, _) = parse_condition(p.condition_expression.as_ref(), None, p.expression_attribute_names.as_ref(), p.expression_attribute_values.as_ref())?;
            let table = tables.get(&p.table_name).ok_or_else(resource_not_found)?;
            let (key, new) = prepare_put(table, &p.item)?;
            Planned { table: p.table_name.clone(), key, action: Action::Put(new), cond, on_failure: p.return_values_on_condition_check_failure.clone() }
        } else if let Some(d) = &item.delete {
            let (cond, _) = parse_condition(d.condition_expression.as_ref(), None, d.expression_attribute_names.as_ref(), d.expression_attribute_values.as_ref())?;
            let table = tables.get(&d.table_name).ok_or_else(resource_not_found)?;
            let key = table.schema.key_of_key(&canonical_item(&d.key)?)?;
            Planned { table: d.table_name.clone(), key, action: Action::Delete, cond, on_failure: d.return_values_on_condition_check_failure.clone() }
        } else if let Some(u) = &item.update {
            let (cond, upd) = parse_condition(u.condition_expression.as_ref(), Some(&u.update_expression), u.expression_attribute_names.as_ref(), u.expression_attribute_values.as_ref())?;
            let table = tables.get(&u.table_name).ok_or_else(resource_not_found)?;
            let key_item = canonical_item(&u.key)?;
            let key = table.schema.key_of_key(&key_item)?;
            if let Some(up) = &upd {
                check_update_keys(table, up)?;
            }
            Planned { table: u.table_name.clone(), key, action: Action::Update(key_item, upd), cond, on_failure: u.return_values_on_condition_check_failure.clone() }
        } else {
            continue;
        };
        if !seen.insert((plan.table.clone(), plan.key.clone())) {
            return Err(validation("Transaction request cannot include multiple operations on one item"));
        }
        plans.push(plan);
    }
    // Conditions and resulting items, against the items as they are now.
    let mut reasons = Vec::new();
    let mut failed = false;
    let mut results: Vec<Option<Option<Item>>> = Vec::new();
    for plan in &plans {
        let Some(table) = tables.get(&plan.table) else { return Err(resource_not_found()) };
        let old = table.items.get(&plan.key);
        if !condition_holds(plan.cond.as_ref(), old) {
            failed = true;
            reasons.push(CancellationReason {
                code: Some("ConditionalCheckFailed".into()),
                message: Some("The conditional request failed".into()),
                item: if plan.on_failure == Some(ReturnValuesOnConditionCheckFailure::AllOld) { old.cloned() } else { None },
            });
            results.push(None);
            continue;
        }
        let outcome = match &plan.action {
            Action::Check => Ok(None),
            Action::Put(item) => Ok(Some(Some(item.clone()))),
            Action::Delete => Ok(Some(None)),
            Action::Update(key_item, upd) => apply_update(table, key_item, old, upd.as_ref()).map(|n| Some(Some(n))),
        };
        match outcome {
            Ok(r) => {
                reasons.push(CancellationReason { code: Some("None".into()), ..Default::default() });
                results.push(r);
            }
            Err(e) => {
                failed = true;
                reasons.push(CancellationReason { code: Some("ValidationError".into()), message: e.message.clone(), item: None });
                results.push(None);
            }
        }
    }
    if failed {
        let codes: Vec<String> = reasons.iter().map(|r| r.code.clone().unwrap_or_default()).collect();
        return Err(TransactionCanceledException {
            message: Some(format!(
                "Transaction cancelled, please refer cancellation reasons for specific reasons [{}]",
                codes.join(", ")
            )),
            cancellation_reasons: Some(reasons),
        }
        .into());
    }
    let mut units: HashMap<String, f64> = HashMap::new();
    for (plan, result) in plans.into_iter().zip(results) {
        let Some(table) = tables.get_mut(&plan.table) else { continue };
        // Transactional writes cost twice a standard write.
        if let Some(new) = result {
            *units.entry(plan.table.clone()).or_default() += 2.0 * write_units(table.items.get(&plan.key), new.as_ref());
            table.write(plan.key, new, None);
        } else {
            *units.entry(plan.table.clone()).or_default() += 2.0;
        }
    }
    if let Some(token) = &input.client_request_token {
        region.transaction_tokens.lock().unwrap_or_else(|e| e.into_inner()).insert(token.clone(), (now, fingerprint));
    }
    let mut names: Vec<&String> = units.keys().collect();
    names.sort();
    let capacity: Vec<ConsumedCapacity> = names
        .iter()
        .filter_map(|n| tables.get(*n).and_then(|t| consumed(t, input.return_consumed_capacity.as_ref(), units[*n], true)))
        .collect();
    Ok(TransactWriteItemsOutput { consumed_capacity: (!capacity.is_empty()).then_some(capacity), item_collection_metrics: None })
}

pub fn transact_get(region: &Region, input: TransactGetItemsInput) -> Result<TransactGetItemsOutput, ServiceError> {
    let tables = region.tables.lock().unwrap_or_else(|e| e.into_inner());
    let mut plans = Vec::new();
    let mut seen: HashSet<(String, PrimaryKey)> = HashSet::new();
    for t in &input.transact_items {
        let g = &t.get;
        let mut symbols = Symbols::new(g.expression_attribute_names.as_ref(), None, g.projection_expression.is_some())?;
        let sel = selection(g.projection_expression.as_ref(), None, &mut symbols)?;
        symbols.check_unused()?;
        let table = tables.get(&g.table_name).ok_or_else(resource_not_found)?;
        let key = table.schema.key_of_key(&canonical_item(&g.key)?)?;
        if !seen.insert((g.table_name.clone(), key.clone())) {
            return Err(validation("Transaction request cannot include multiple operations on one item"));
        }
        plans.push((table, key, sel));
    }
    let mut units: HashMap<String, f64> = HashMap::new();
    let responses = plans
        .iter()
        .map(|(table, key, sel)| {
            let found = table.items.get(key);
            *units.entry(table.description.table_name.clone().unwrap_or_default()).or_default() +=
                2.0 * read_units(found.map(item_size).unwrap_or(0), true);
            ItemResponse { item: found.map(|i| sel.apply(i)) }
        })
        .collect();
    let mut names: Vec<&String> = units.keys().collect();
    names.sort();
    let capacity: Vec<ConsumedCapacity> = names
        .iter()
        .filter_map(|n| tables.get(*n).and_then(|t| consumed(t, input.return_consumed_capacity.as_ref(), units[*n], false)))
        .collect();
    Ok(TransactGetItemsOutput { responses: Some(responses), consumed_capacity: (!capacity.is_empty()).then_some(capacity) })
}
