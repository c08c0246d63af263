//! DynamoDB's IAM condition keys, resolved from a request for the table its
//! required action names:
//!
//! - `dynamodb:LeadingKeys`: the partition key values the request touches.
//!   Item operations name one key; Query names the one its key condition
//!   fixes; batches and transactions name every key they touch in that
//!   table (a multivalued key, for `ForAllValues:` conditions).
//! - `dynamodb:Attributes`: the top-level attribute names the request reads
//!   or writes (projections, AttributesToGet, a put item's names, an
//!   update's paths).
//! - `dynamodb:Select`, `dynamodb:ReturnValues`,
//!   `dynamodb:ReturnConsumedCapacity`: as the request sets them.

use crate::attr::Item;
use crate::expr::{self, Kind, Symbols};
use crate::table::KeyPart;
use simfra_gen_dynamodb::types::*;
use simfra_model::FromValue;

fn text(v: &AttributeValue) -> Option<String> {
    match v {
        AttributeValue::S(s) => Some(s.clone()),
        AttributeValue::N(n) => Some(n.clone()),
        AttributeValue::B(b) => Some(crate::base64(b)),
        _ => None,
    }
}

fn hash_of(item: &Item, hash: &str) -> Option<String> {
    item.get(hash).and_then(text)
}

/// The partition key value a Query's key condition fixes.
fn query_key(input: QueryInput, hash: &str) -> Option<String> {
    if input.index_name.is_some() {
        return None;
    }
    if let Some(conditions) = &input.key_conditions {
        let c = conditions.get(hash)?;
        return c.attribute_value_list.as_ref()?.first().and_then(text);
    }
    let src = input.key_condition_expression.as_ref()?;
    let mut symbols = Symbols::new(input.expression_attribute_names.as_ref(), input.expression_attribute_values.as_ref(), true).ok()?;
    let cond = expr::condition(src, Kind::KeyCondition, &mut symbols).ok()?;
    let mut found = None;
    find_eq(&cond, hash, &mut found);
    found
}

fn find_eq(c: &expr::Cond, hash: &str, out: &mut Option<String>) {
    match c {
        expr::Cond::And(a, b) => {
            find_eq(a, hash, out);
            find_eq(b, hash, out);
        }
        expr::Cond::Compare(expr::Operand::Path(p), expr::CmpOp::Eq, expr::Operand::Value(v))
        | expr::Cond::Compare(expr::Operand::Value(v), expr::CmpOp::Eq, expr::Operand::Path(p)) => {
            if matches!(p.as_slice(), [expr::Elem::Key(k)] if k == hash) {
                *out = KeyPart::from_value(v).and_then(|k| text(&k.to_value()));
            }
        }
        _ => {}
    }
}

/// Every partition key value the request names in `table`, for the
/// required action `action` (`dynamodb:PutItem` …).
pub fn values(op: &str, action: &str, table: &str, hash: &str, input: simfra_model::Value) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    match op {
        "Query" => out.extend(QueryInput::from_value(input).ok().and_then(|i| query_key(i, hash))),
        "BatchGetItem" => {
            if let Ok(i) = BatchGetItemInput::from_value(input) {
                if let Some(req) = i.request_items.get(table) {
                    out.extend(req.keys.iter().filter_map(|k| hash_of(k, hash)));
                }
            }
        }
        "BatchWriteItem" => {
            if let Ok(i) = BatchWriteItemInput::from_value(input) {
                for w in i.request_items.get(table).into_iter().flatten() {
                    let item = w.put_request.as_ref().map(|p| &p.item).or(w.delete_request.as_ref().map(|d| &d.key));
                    out.extend(item.and_then(|i| hash_of(i, hash)));
                }
            }
        }
        "TransactGetItems" => {
            if let Ok(i) = TransactGetItemsInput::from_value(input) {
                out.extend(i.transact_items.iter().filter(|t| t.get.table_name == table).filter_map(|t| hash_of(&t.get.key, hash)));
            }
        }
        "TransactWriteItems" => {
            if let Ok(i) = TransactWriteItemsInput::from_value(input) {
                for t in &i.transact_items {
                    let named = match action.rsplit(':').next().unwrap_or_default() {
                        "PutItem" => t.put.as_ref().filter(|p| p.table_name == table).map(|p| &p.item),
                        "UpdateItem" => t.update.as_ref().filter(|u| u.table_name == table).map(|u| &u.key),
                        "DeleteItem" => t.delete.as_ref().filter(|d| d.table_name == table).map(|d| &d.key),
                        "ConditionCheckItem" => t.condition_check.as_ref().filter(|c| c.table_name == table).map(|c| &c.key),
                        _ => None,
                    };
                    out.extend(named.and_then(|i| hash_of(i, hash)));
                }
            }
        }
        _ => {}
    }
    out.sort();
    out.dedup();
    out
}

/// DynamoDB's IAM condition keys known from a request:
/// `dynamodb:Select`, `dynamodb:ReturnValues` and
/// `dynamodb:ReturnConsumedCapacity` as the request sets them, and
/// `dynamodb:LeadingKeys`, the partition key values it names (`Key` of
/// GetItem/UpdateItem/DeleteItem, `Item` of PutItem; Query, batches and
/// transactions through `leading_keys`), known from the table's key schema.
pub fn resolve(
    need: &simfra_identity::actions::Required,
    svc: &simfra_model::ServiceSchema,
    op: &simfra_model::Operation,
    input: &simfra_model::Value,
) -> Vec<(String, Vec<String>)> {
    let shape = svc.shape(op.input);
    let mut out: Vec<(String, Vec<String>)> = ["Select", "ReturnValues", "ReturnConsumedCapacity"]
        .iter()
        .filter_map(|member| {
            let idx = shape.member_index(member)?;
            match input.field(idx) {
                Some(simfra_model::Value::String(v)) => Some((format!("dynamodb:{member}"), vec![v.clone()])),
                _ => None,
            }
        })
        .collect();
    out.extend(leading_keys(need, svc, op, input));
    let names = attributes(op.name, input.clone());
    if !names.is_empty() {
        out.push(("dynamodb:Attributes".into(), names));
    }
    out
}

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
        let state = crate::tables().get(account, region);
        let tables = state.tables.lock().unwrap_or_else(|e| e.into_inner());
        match tables.get(table) {
            Some(t) => t.schema.hash.0.clone(),
            None => return Vec::new(),
        }
    };
    if matches!(op.name, "Query" | "BatchGetItem" | "BatchWriteItem" | "TransactGetItems" | "TransactWriteItems") {
        let values = values(op.name, &need.action, table, &hash, input.clone());
        return if values.is_empty() { Vec::new() } else { vec![("dynamodb:LeadingKeys".into(), values)] };
    }
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


/// Top-level names of a projection, placeholders resolved.
fn projected(projection: Option<&String>, to_get: Option<&Vec<String>>, names: Option<&std::collections::HashMap<String, String>>) -> Vec<String> {
    if let Some(list) = to_get {
        return list.clone();
    }
    let Some(p) = projection else { return Vec::new() };
    let Ok(mut symbols) = Symbols::new(names, None, true) else { return Vec::new() };
    let Ok(paths) = expr::projection_expression(p, &mut symbols) else { return Vec::new() };
    paths
        .into_iter()
        .filter_map(|p| match p.into_iter().next() {
            Some(expr::Elem::Key(k)) => Some(k),
            _ => None,
        })
        .collect()
}

/// `dynamodb:Attributes` of a request.
fn attributes(op: &str, input: simfra_model::Value) -> Vec<String> {
    let mut out: Vec<String> = match op {
        "GetItem" => GetItemInput::from_value(input)
            .map(|i| projected(i.projection_expression.as_ref(), i.attributes_to_get.as_ref(), i.expression_attribute_names.as_ref()))
            .unwrap_or_default(),
        "Query" => QueryInput::from_value(input)
            .map(|i| projected(i.projection_expression.as_ref(), i.attributes_to_get.as_ref(), i.expression_attribute_names.as_ref()))
            .unwrap_or_default(),
        "Scan" => ScanInput::from_value(input)
            .map(|i| projected(i.projection_expression.as_ref(), i.attributes_to_get.as_ref(), i.expression_attribute_names.as_ref()))
            .unwrap_or_default(),
        "PutItem" => PutItemInput::from_value(input).map(|i| i.item.into_keys().collect()).unwrap_or_default(),
        "UpdateItem" => UpdateItemInput::from_value(input)
            .map(|i| {
                let mut names: Vec<String> = i.attribute_updates.map(|u| u.into_keys().collect()).unwrap_or_default();
                if let Some(u) = &i.update_expression {
                    if let Ok(mut symbols) = Symbols::new(i.expression_attribute_names.as_ref(), i.expression_attribute_values.as_ref(), true) {
                        if let Ok(update) = expr::update_expression(u, &mut symbols) {
                            names.extend(update.paths().into_iter().filter_map(|p| match p.first() {
                                Some(expr::Elem::Key(k)) => Some(k.clone()),
                                _ => None,
                            }));
                        }
                    }
                }
                names.extend(i.key.into_keys());
                names
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    out.sort();
    out.dedup();
    out
}
