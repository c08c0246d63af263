//! Query and Scan over a table or one of its indexes. A Query reaches its
//! partition through the partition tree and walks a range of the sort keys
//! (in either direction); a Scan walks partitions in order, optionally only
//! those of one parallel segment. Both stop at `Limit` items evaluated or
//! 1 MB read, apply the filter after that, and report where they stopped.

use crate::attr::{item_size, Item};
use crate::expr::{self, CmpOp, Cond, Elem, Kind, Operand, Symbols};
use crate::items::{consumed, no_mixing, read_units, resource_not_found, selection, Selection};
use crate::table::{type_matches, Index, KeyPart, KeySchema, PrimaryKey, Table};
use crate::{legacy, validation, Region};
use simfra_gen_dynamodb::types::*;
use simfra_model::ServiceError;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound;

const PAGE_BYTES: usize = 1024 * 1024;

/// The condition on the sort key a Query's key condition leaves.
enum SortCond {
    Any,
    Range(Bound<KeyPart>, Bound<KeyPart>),
    BeginsWith(KeyPart),
}

fn key_error(msg: &str) -> ServiceError {
    validation(msg)
}

fn leaves(cond: Cond, out: &mut Vec<Cond>) -> Result<(), ServiceError> {
    match cond {
        Cond::And(a, b) => {
            leaves(*a, out)?;
            leaves(*b, out)
        }
        Cond::Or(..) => Err(key_error("Invalid operator used in KeyConditionExpression: OR")),
        Cond::Not(..) => Err(key_error("Invalid operator used in KeyConditionExpression: NOT")),
        Cond::In(..) => Err(key_error("Invalid operator used in KeyConditionExpression: IN")),
        Cond::Compare(_, CmpOp::Ne, _) => Err(key_error("Invalid operator used in KeyConditionExpression: <>")),
        Cond::Exists(_) => Err(key_error("Invalid operator used in KeyConditionExpression: attribute_exists")),
        Cond::NotExists(_) => Err(key_error("Invalid operator used in KeyConditionExpression: attribute_not_exists")),
        Cond::AttributeType(..) => Err(key_error("Invalid operator used in KeyConditionExpression: attribute_type")),
        Cond::Contains(..) => Err(key_error("Invalid operator used in KeyConditionExpression: contains")),
        other => {
            out.push(other);
            Ok(())
        }
    }
}

/// The attribute a key-condition leaf constrains, and the leaf flipped so
/// the attribute is on the left.
fn leaf_attribute(leaf: Cond) -> Result<(String, Cond), ServiceError> {
    let top = |op: &Operand| match op {
        Operand::Path(p) if p.len() == 1 => match &p[0] {
            Elem::Key(k) => Some(k.clone()),
            _ => None,
        },
        _ => None,
    };
    let nested = |op: &Operand| matches!(op, Operand::Path(p) if p.len() > 1);
    let flip = |op: CmpOp| match op {
        CmpOp::Lt => CmpOp::Gt,
        CmpOp::Le => CmpOp::Ge,
        CmpOp::Gt => CmpOp::Lt,
        CmpOp::Ge => CmpOp::Le,
        o => o,
    };
    match leaf {
        Cond::Compare(a, op, b) => {
            if nested(&a) || nested(&b) {
                return Err(key_error("KeyConditionExpressions cannot have conditions on nested attributes"));
            }
            match (top(&a), top(&b)) {
                (Some(n), None) => Ok((n, Cond::Compare(a, op, b))),
                (None, Some(n)) => Ok((n, Cond::Compare(b, flip(op), a))),
                (Some(_), Some(_)) => Err(key_error("Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition")),
                _ if matches!(a, Operand::Size(_)) || matches!(b, Operand::Size(_)) => {
                    Err(key_error("KeyConditionExpressions cannot contain nested operations"))
                }
                _ => Err(key_error("Invalid condition in KeyConditionExpression: No key attribute specified")),
            }
        }
        Cond::Between(a, l, h) => {
            if [&a, &l, &h].iter().any(|o| nested(o)) {
                return Err(key_error("KeyConditionExpressions cannot have conditions on nested attributes"));
            }
            if [&a, &l, &h].iter().any(|o| matches!(o, Operand::Size(_))) {
                return Err(key_error("KeyConditionExpressions cannot contain nested operations"));
            }
            match top(&a) {
                Some(_) if top(&l).is_some() || top(&h).is_some() => {
                    Err(key_error("Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition"))
                }
                Some(n) => Ok((n, Cond::Between(a, l, h))),
                None => Err(key_error("Invalid condition in KeyConditionExpression: BETWEEN operator must have the key attribute as its first operand")),
            }
        }
        Cond::BeginsWith(a, b) => match top(&a) {
            Some(_) if top(&b).is_some() => {
                Err(key_error("Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition"))
            }
            Some(n) => Ok((n, Cond::BeginsWith(a, b))),
            None => Err(key_error("Invalid condition in KeyConditionExpression: begins_with operator must have the key attribute as its first operand")),
        },
        _ => Err(validation("Query key condition not supported")),
    }
}

fn typed_value(op: &Operand, ty: &ScalarAttributeType) -> Result<KeyPart, ServiceError> {
    let mismatch = || validation("One or more parameter values were invalid: Condition parameter type does not match schema type");
    match op {
        Operand::Value(v) if type_matches(ty, v) => KeyPart::from_value(v).ok_or_else(mismatch),
        Operand::Value(_) => Err(mismatch()),
        _ => Err(validation("Query key condition not supported")),
    }
}

fn analyze(cond: Cond, schema: &KeySchema) -> Result<(KeyPart, SortCond), ServiceError> {
    let mut list = Vec::new();
    leaves(cond, &mut list)?;
    let mut named = Vec::new();
    for leaf in list {
        let (name, leaf) = leaf_attribute(leaf)?;
        if named.iter().any(|(n, _)| *n == name) {
            return Err(key_error("KeyConditionExpressions must only contain one condition per key"));
        }
        named.push((name, leaf));
    }
    if named.len() > 2 {
        return Err(validation("Conditions can be of length 1 or 2 only"));
    }
    let mut hash = None;
    let mut sort = SortCond::Any;
    for (name, leaf) in named {
        if name == schema.hash.0 {
            match leaf {
                Cond::Compare(_, CmpOp::Eq, v) => hash = Some(typed_value(&v, &schema.hash.1)?),
                _ => return Err(validation("Query key condition not supported")),
            }
        } else if let Some((range, ty)) = schema.range.as_ref().filter(|r| r.0 == name) {
            let _ = range;
            sort = match leaf {
                Cond::Compare(_, op, v) => {
                    let v = typed_value(&v, ty)?;
                    match op {
                        CmpOp::Eq => SortCond::Range(Bound::Included(v.clone()), Bound::Included(v)),
                        CmpOp::Lt => SortCond::Range(Bound::Unbounded, Bound::Excluded(v)),
                        CmpOp::Le => SortCond::Range(Bound::Unbounded, Bound::Included(v)),
                        CmpOp::Gt => SortCond::Range(Bound::Excluded(v), Bound::Unbounded),
                        _ => SortCond::Range(Bound::Included(v), Bound::Unbounded),
                    }
                }
                Cond::Between(_, l, h) => SortCond::Range(Bound::Included(typed_value(&l, ty)?), Bound::Included(typed_value(&h, ty)?)),
                Cond::BeginsWith(_, p) => {
                    if *ty == ScalarAttributeType::N {
                        return Err(validation(
                            "Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N",
                        ));
                    }
                    SortCond::BeginsWith(typed_value(&p, ty)?)
                }
                _ => return Err(validation("Query key condition not supported")),
            };
        } else {
            return Err(validation("Query key condition not supported"));
        }
    }
    let hash = hash.ok_or_else(|| validation(format!("Query condition missed key schema element: {}", schema.hash.0)))?;
    Ok((hash, sort))
}

fn begins(v: &KeyPart, prefix: &KeyPart) -> bool {
    match (v, prefix) {
        (KeyPart::S(s), KeyPart::S(p)) => s.starts_with(p.as_str()),
        (KeyPart::B(s), KeyPart::B(p)) => s.starts_with(p),
        _ => false,
    }
}

fn wrap(b: Bound<KeyPart>) -> Bound<Option<KeyPart>> {
    match b {
        Bound::Included(v) => Bound::Included(Some(v)),
        Bound::Excluded(v) => Bound::Excluded(Some(v)),
        Bound::Unbounded => Bound::Unbounded,
    }
}

fn raise_lower(b: Bound<Option<KeyPart>>, start: Bound<Option<KeyPart>>) -> Bound<Option<KeyPart>> {
    let key = |b: &Bound<Option<KeyPart>>| match b {
        Bound::Included(v) | Bound::Excluded(v) => Some(v.clone()),
        Bound::Unbounded => None,
    };
    match (key(&b), key(&start)) {
        (_, None) => b,
        (None, _) => start,
        (Some(x), Some(y)) if y > x || (y == x && matches!(start, Bound::Excluded(_))) => start,
        _ => b,
    }
}

fn lower_upper(b: Bound<Option<KeyPart>>, start: Bound<Option<KeyPart>>) -> Bound<Option<KeyPart>> {
    let key = |b: &Bound<Option<KeyPart>>| match b {
        Bound::Included(v) | Bound::Excluded(v) => Some(v.clone()),
        Bound::Unbounded => None,
    };
    match (key(&b), key(&start)) {
        (_, None) => b,
        (None, _) => start,
        (Some(x), Some(y)) if y < x || (y == x && matches!(start, Bound::Excluded(_))) => start,
        _ => b,
    }
}

fn non_empty(lo: &Bound<Option<KeyPart>>, hi: &Bound<Option<KeyPart>>) -> bool {
    match (lo, hi) {
        (Bound::Included(a), Bound::Included(b)) => a <= b,
        (Bound::Included(a), Bound::Excluded(b)) | (Bound::Excluded(a), Bound::Included(b)) => a <= b,
        (Bound::Excluded(a), Bound::Excluded(b)) => a < b,
        _ => true,
    }
}

/// The entries of one partition the sort condition selects, in order,
/// starting after `start` (a sort key, with `inclusive` for index entries
/// where several items share a sort key).
fn sort_range<'a, V>(
    part: &'a BTreeMap<Option<KeyPart>, V>,
    sort: &'a SortCond,
    start: Option<(Option<KeyPart>, bool)>,
    forward: bool,
) -> Box<dyn Iterator<Item = (&'a Option<KeyPart>, &'a V)> + 'a> {
    let (mut lo, mut hi) = match sort {
        SortCond::Any => (Bound::Unbounded, Bound::Unbounded),
        SortCond::Range(l, h) => (wrap(l.clone()), wrap(h.clone())),
        SortCond::BeginsWith(p) => (Bound::Included(Some(p.clone())), Bound::Unbounded),
    };
    if let Some((s, inclusive)) = start {
        let b = if inclusive { Bound::Included(s) } else { Bound::Excluded(s) };
        if forward {
            lo = raise_lower(lo, b);
        } else {
            hi = lower_upper(hi, b);
        }
    }
    if !non_empty(&lo, &hi) {
        return Box::new(std::iter::empty());
    }
    let range = part.range((lo, hi));
    let prefix = match sort {
        SortCond::BeginsWith(p) => Some(p),
        _ => None,
    };
    let keep = move |k: &Option<KeyPart>| prefix.is_none_or(|p| k.as_ref().is_some_and(|k| begins(k, p)));
    if forward {
        Box::new(range.take_while(move |(k, _)| keep(k)))
    } else {
        Box::new(range.rev().filter(move |(k, _)| keep(k)))
    }
}

/// A table or one of its indexes, as a read sees it.
struct Target<'a> {
    table: &'a Table,
    index: Option<&'a Index>,
}

impl<'a> Target<'a> {
    fn schema(&self) -> &KeySchema {
        self.index.map(|i| &i.schema).unwrap_or(&self.table.schema)
    }

    /// The item as the read holds it: a GSI has only its projection.
    fn view(&self, item: &Item) -> Item {
        match self.index {
            Some(i) if i.global => i.project(item, &self.table.schema),
            _ => item.clone(),
        }
    }

    fn last_key(&self, item: &Item) -> Item {
        let mut key = self.table.schema.key_attributes(item);
        if let Some(i) = self.index {
            key.extend(i.schema.key_attributes(item));
        }
        key
    }

    /// ExclusiveStartKey as (primary key, index key). AWS first checks the
    /// attribute names against those a LastEvaluatedKey would carry, then
    /// their types (worded differently for tables and indexes).
    fn start(&self, key: &Item) -> Result<(PrimaryKey, Option<(KeyPart, Option<KeyPart>)>), ServiceError> {
        let expected: BTreeSet<&String> = self
            .table
            .schema
            .names()
            .into_iter()
            .chain(self.index.map(|i| i.schema.names()).unwrap_or_default())
            .collect();
        if key.len() != expected.len() || !key.keys().all(|k| expected.contains(k)) {
            return Err(validation("The provided starting key is invalid"));
        }
        let mismatch = || match self.index {
            Some(_) => validation("The provided starting key is invalid: The provided key element does not match the schema"),
            None => validation("The provided key element does not match the schema"),
        };
        let key = start_values(key)?;
        let table_key: Item = self.table.schema.key_attributes(&key);
        let pk = self.table.schema.key_of_key(&table_key).map_err(|_| mismatch())?;
        let index_key = match self.index {
            Some(i) => Some(i.key_of(&key).map_err(|_| mismatch())?.ok_or_else(mismatch)?),
            None => None,
        };
        Ok((pk, index_key))
    }
}

/// ExclusiveStartKey's values, checked as AWS does: some faults are
/// reported as an invalid starting key, others in their own words.
fn start_values(key: &Item) -> Result<Item, ServiceError> {
    let mut out = Item::new();
    for (k, v) in key {
        let prefixed = matches!(v, AttributeValue::Unknown | AttributeValue::Null(false))
            || matches!(v, AttributeValue::Ss(s) if s.is_empty())
            || matches!(v, AttributeValue::Bs(b) if b.is_empty());
        let value = crate::attr::canonical(v).map_err(|m| {
            if prefixed { validation(format!("The provided starting key is invalid: {m}")) } else { validation(m) }
        })?;
        out.insert(k.clone(), value);
    }
    Ok(out)
}

struct Page {
    items: Vec<Item>,
    count: i32,
    scanned: i32,
    last: Option<Item>,
    bytes: usize,
}

fn read_page<'a>(
    target: &Target<'a>,
    entries: impl Iterator<Item = &'a Item>,
    filter: Option<&Cond>,
    output: &dyn Fn(&Item) -> Option<Item>,
    limit: Option<usize>,
) -> Page {
    let mut page = Page { items: Vec::new(), count: 0, scanned: 0, last: None, bytes: 0 };
    for item in entries {
        let view = target.view(item);
        page.scanned += 1;
        page.bytes += item_size(&view);
        if filter.is_none_or(|f| expr::eval::matches(&view, f)) {
            page.count += 1;
            if let Some(out) = output(&view) {
                page.items.push(out);
            }
        }
        if limit.is_some_and(|l| page.scanned as usize >= l) || page.bytes >= PAGE_BYTES {
            page.last = Some(target.last_key(item));
            break;
        }
    }
    page
}

/// What each returned item holds, from Select and the projection.
fn output_shape<'a>(target: &Target<'a>, select: Option<&Select>, selection: Selection, has_projection: bool) -> Result<(bool, Selection), ServiceError> {
    let select = select.cloned().unwrap_or(if has_projection {
        Select::SpecificAttributes
    } else if target.index.is_some() {
        Select::AllProjectedAttributes
    } else {
        Select::AllAttributes
    });
    match select {
        Select::Count => {
            if has_projection {
                return Err(validation("Cannot specify the AttributesToGet when choosing to get only the Count"));
            }
            Ok((false, Selection::All))
        }
        Select::SpecificAttributes => Ok((true, selection)),
        Select::AllProjectedAttributes => {
            let Some(index) = target.index else {
                return Err(validation("ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName"));
            };
            if has_projection {
                return Err(validation("Cannot specify the AttributesToGet when choosing to get ALL_PROJECTED_ATTRIBUTES"));
            }
            if index.projects_all() {
                return Ok((true, Selection::All));
            }
            let mut names: Vec<String> = target.table.schema.names().into_iter().cloned().collect();
            names.extend(index.schema.names().into_iter().cloned());
            names.extend(index.projection.non_key_attributes.iter().flatten().cloned());
            Ok((true, Selection::Names(names)))
        }
        Select::AllAttributes => {
            if has_projection {
                return Err(validation("Cannot specify the AttributesToGet when choosing to get ALL_ATTRIBUTES"));
            }
            if let Some(i) = target.index.filter(|i| i.global && !i.projects_all()) {
                return Err(validation(format!(
                    "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index {} because its projection type is not ALL",
                    i.name
                )));
            }
            Ok((true, Selection::All))
        }
        Select::Unknown(s) => Err(validation(format!("1 validation error detected: Value '{s}' at 'select' failed to satisfy constraint"))),
    }
}

fn target<'a>(table: &'a Table, index_name: Option<&String>, consistent: bool) -> Result<Target<'a>, ServiceError> {
    let index = match index_name {
        Some(n) => Some(table.index(n).ok_or_else(|| validation(format!("The table does not have the specified index: {n}")))?),
        None => None,
    };
    if consistent && index.is_some_and(|i| i.global) {
        return Err(validation("Consistent reads are not supported on global secondary indexes"));
    }
    Ok(Target { table, index })
}

pub fn query(region: &Region, input: QueryInput) -> Result<QueryOutput, ServiceError> {
    no_mixing(
        &[
            ("AttributesToGet", input.attributes_to_get.is_some()),
            ("KeyConditions", input.key_conditions.is_some()),
            ("QueryFilter", input.query_filter.is_some()),
        ],
        &[
            ("ProjectionExpression", input.projection_expression.is_some()),
            ("KeyConditionExpression", input.key_condition_expression.is_some()),
            ("FilterExpression", input.filter_expression.is_some()),
        ],
    )?;
    let any = input.projection_expression.is_some() || input.key_condition_expression.is_some() || input.filter_expression.is_some();
    let mut symbols = Symbols::new(input.expression_attribute_names.as_ref(), input.expression_attribute_values.as_ref(), any)?;
    let key_cond = match (&input.key_condition_expression, &input.key_conditions) {
        (Some(k), _) => expr::condition(k, Kind::KeyCondition, &mut symbols)?,
        (None, Some(k)) => legacy::conditions(k, None)?
            .ok_or_else(|| validation("Either the KeyConditions or KeyConditionExpression parameter must be specified in the request."))?,
        (None, None) => {
            return Err(validation("Either the KeyConditions or KeyConditionExpression parameter must be specified in the request."))
        }
    };
    let mut filter = input.filter_expression.as_deref().map(|f| expr::condition(f, Kind::Filter, &mut symbols)).transpose()?;
    let selection = selection(input.projection_expression.as_ref(), input.attributes_to_get.as_ref(), &mut symbols)?;
    symbols.check_unused()?;
    if let Some(f) = &input.query_filter {
        filter = legacy::conditions(f, input.conditional_operator.as_ref())?;
    }
    let tables = region.tables.lock().unwrap_or_else(|e| e.into_inner());
    let table = tables.get(&input.table_name).ok_or_else(resource_not_found)?;
    let consistent = input.consistent_read == Some(true);
    let target = target(table, input.index_name.as_ref(), consistent)?;
    let schema = target.schema().clone();
    if let Some(f) = &filter {
        let mut names = Vec::new();
        expr::eval::top_level_names(f, &mut names);
        if let Some(k) = names.iter().find(|n| schema.is_key(n)) {
            return Err(validation(format!("Filter Expression can only contain non-primary key attributes: Primary key attribute: {k}")));
        }
    }
    let has_projection = !matches!(selection, Selection::All);
    let (return_items, selection) = output_shape(&target, input.select.as_ref(), selection, has_projection)?;
    let (hash, sort) = analyze(key_cond, &schema)?;
    let forward = input.scan_index_forward != Some(false);
    let start = input.exclusive_start_key.as_ref().map(|k| target.start(k)).transpose()?;
    let limit = input.limit.map(|l| l.max(1) as usize);
    let output = |item: &Item| return_items.then(|| selection.apply(item));
    let page = match target.index {
        None => {
            let start_sort = match &start {
                Some((pk, _)) if pk.0 != hash => {
                    return Err(validation("The provided starting key is outside query boundaries based on provided conditions"))
                }
                Some((pk, _)) => Some((pk.1.clone(), false)),
                None => None,
            };
            let entries: Box<dyn Iterator<Item = &Item>> = match table.items.parts.get(&hash) {
                Some(part) => Box::new(sort_range(part, &sort, start_sort, forward).map(|(_, item)| item)),
                None => Box::new(std::iter::empty()),
            };
            read_page(&target, entries, filter.as_ref(), &output, limit)
        }
        Some(index) => {
            let (start_sort, start_pk) = match &start {
                Some((pk, Some((h, r)))) => {
                    if *h != hash {
                        return Err(validation("The provided starting key is outside query boundaries based on provided conditions"));
                    }
                    (Some((r.clone(), true)), Some((r.clone(), pk.clone())))
                }
                _ => (None, None),
            };
            let entries: Box<dyn Iterator<Item = &Item>> = match index.entries.parts.get(&hash) {
                Some(part) => {
                    let pks = sort_range(part, &sort, start_sort, forward).flat_map(move |(r, set)| {
                        let list: Box<dyn Iterator<Item = (&Option<KeyPart>, &PrimaryKey)>> = if forward {
                            Box::new(set.iter().map(move |pk| (r, pk)))
                        } else {
                            Box::new(set.iter().rev().map(move |pk| (r, pk)))
                        };
                        list
                    });
                    let after_start = pks.skip_while(move |(r, pk)| match &start_pk {
                        Some((sr, spk)) => *r == sr && if forward { *pk <= spk } else { *pk >= spk },
                        None => false,
                    });
                    Box::new(after_start.filter_map(|(_, pk)| table.items.get(pk)))
                }
                None => Box::new(std::iter::empty()),
            };
            read_page(&target, entries, filter.as_ref(), &output, limit)
        }
    };
    Ok(QueryOutput {
        count: Some(page.count),
        scanned_count: Some(page.scanned),
        items: return_items.then_some(page.items),
        last_evaluated_key: page.last,
        consumed_capacity: consumed(table, input.return_consumed_capacity.as_ref(), read_units(page.bytes, consistent), false),
    })
}

/// The parallel-scan segment of a partition key value: a stable hash.
fn segment_of(key: &KeyPart, total: u64) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    let bytes: Vec<u8> = match key {
        KeyPart::S(s) => s.as_bytes().to_vec(),
        KeyPart::N(n) => n.to_string().into_bytes(),
        KeyPart::B(b) => b.clone(),
    };
    for b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h % total
}

pub fn scan(region: &Region, input: ScanInput) -> Result<ScanOutput, ServiceError> {
    no_mixing(
        &[("AttributesToGet", input.attributes_to_get.is_some()), ("ScanFilter", input.scan_filter.is_some())],
        &[("ProjectionExpression", input.projection_expression.is_some()), ("FilterExpression", input.filter_expression.is_some())],
    )?;
    let segments = match (input.segment, input.total_segments) {
        (Some(_), None) => {
            return Err(validation(
                "The TotalSegments parameter is required but was not present in the request when Segment parameter is present",
            ))
        }
        (None, Some(_)) => {
            return Err(validation(
                "The Segment parameter is required but was not present in the request when parameter TotalSegments is present",
            ))
        }
        (Some(s), Some(t)) => {
            if s >= t {
                return Err(validation(format!(
                    "The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: {s} is not less than TotalSegments: {t}"
                )));
            }
            Some((s as u64, t as u64))
        }
        _ => None,
    };
    let any = input.projection_expression.is_some() || input.filter_expression.is_some();
    let mut symbols = Symbols::new(input.expression_attribute_names.as_ref(), input.expression_attribute_values.as_ref(), any)?;
    let mut filter = input.filter_expression.as_deref().map(|f| expr::condition(f, Kind::Filter, &mut symbols)).transpose()?;
    let selection = selection(input.projection_expression.as_ref(), input.attributes_to_get.as_ref(), &mut symbols)?;
    symbols.check_unused()?;
    if let Some(f) = &input.scan_filter {
        filter = legacy::conditions(f, input.conditional_operator.as_ref())?;
    }
    let tables = region.tables.lock().unwrap_or_else(|e| e.into_inner());
    let table = tables.get(&input.table_name).ok_or_else(resource_not_found)?;
    let consistent = input.consistent_read == Some(true);
    let target = target(table, input.index_name.as_ref(), consistent)?;
    let has_projection = !matches!(selection, Selection::All);
    let (return_items, selection) = output_shape(&target, input.select.as_ref(), selection, has_projection)?;
    let start = input.exclusive_start_key.as_ref().map(|k| target.start(k)).transpose()?;
    let limit = input.limit.map(|l| l.max(1) as usize);
    let in_segment = move |h: &KeyPart| segments.is_none_or(|(s, t)| segment_of(h, t) == s);
    let output = |item: &Item| return_items.then(|| selection.apply(item));
    let page = match target.index {
        None => {
            let lower = match &start {
                Some((pk, _)) => Bound::Included(pk.0.clone()),
                None => Bound::Unbounded,
            };
            let entries = table
                .items
                .parts
                .range((lower, Bound::Unbounded))
                .filter(|(h, _)| in_segment(h))
                .flat_map(|(h, part)| part.iter().map(move |(r, item)| (h, r, item)))
                .skip_while(|(h, r, _)| match &start {
                    Some((pk, _)) => **h == pk.0 && **r <= pk.1,
                    None => false,
                })
                .map(|(_, _, item)| item);
            read_page(&target, entries, filter.as_ref(), &output, limit)
        }
        Some(index) => {
            let start_entry = start.as_ref().and_then(|(pk, ik)| ik.as_ref().map(|(h, r)| (h.clone(), r.clone(), pk.clone())));
            let lower = match &start_entry {
                Some((h, _, _)) => Bound::Included(h.clone()),
                None => Bound::Unbounded,
            };
            let entries = index
                .entries
                .parts
                .range((lower, Bound::Unbounded))
                .filter(|(h, _)| in_segment(h))
                .flat_map(|(h, part)| part.iter().flat_map(move |(r, set)| set.iter().map(move |pk| (h, r, pk))))
                .skip_while(|(h, r, pk)| match &start_entry {
                    Some((sh, sr, spk)) => (*h, *r, *pk) <= (sh, sr, spk),
                    None => false,
                })
                .filter_map(|(_, _, pk)| table.items.get(pk));
            read_page(&target, entries, filter.as_ref(), &output, limit)
        }
    };
    Ok(ScanOutput {
        count: Some(page.count),
        scanned_count: Some(page.scanned),
        items: return_items.then_some(page.items),
        last_evaluated_key: page.last,
        consumed_capacity: consumed(table, input.return_consumed_capacity.as_ref(), read_units(page.bytes, consistent), false),
    })
}
