//! Lists, batch reads and reads of things nothing creates, with
//! pagination and the wrappers some protocols put around items.

use super::*;

pub(super) fn list(call: &Call, ty: usize, node: &Node) -> Result<Value, ServiceError> {
    let t = call.ty(ty).clone();
    let noun = t.noun.as_str();
    let ids = identifiers(call, node, noun, Pick::Identifiers);
    let lists = identifier_lists(call, node);
    let paginated = call.op.paginated;
    let start: u64 = paginated
        .and_then(|p| p.input_token)
        .and_then(|m| node.get(m, "").and_then(Node::as_str))
        .and_then(|tok| base64::engine::general_purpose::STANDARD.decode(tok).ok())
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let page = paginated
        .and_then(|p| p.page_size)
        .and_then(|m| node.get(m, "").and_then(|n| match n {
            Node::Scalar(Value::Int(i)) => Some(*i),
            _ => None,
        }))
        .filter(|n| *n > 0)
        .unwrap_or(100) as usize;
    let (items, next): (Vec<Record>, Option<u64>) = call.records(|records| {
        let mut it = records.range(start..).filter(|(_, r)| r.ty == ty && matches(call.catalog, r, noun, &ids, &lists));
        let items: Vec<Record> = it.by_ref().take(page).map(|(_, r)| r.clone()).collect();
        let next = it.next().map(|(k, _)| *k);
        (items, next)
    });
    // A request naming one resource that does not exist is an error, not an empty list.
    if items.is_empty() && start == 0 && ids.iter().any(|(m, _)| names_itself(m, noun)) && t.created {
        return Err(not_found(call, noun, &describe_ids(&ids)));
    }
    let schema = call.schema;
    let mut v = Value::empty_struct();
    // A listing answered as a map by name (SES v2's `GetEmailIdentityPolicies`: `{ Policies: { name: policy } }`).
    if let Some((i, value_member)) = map_listing(schema, call.op.output) {
        let entries = items
            .iter()
            .filter_map(|r| {
                let key = r.name.clone().unwrap_or_else(|| r.id.clone());
                let value = r.fields.fields().iter().find(|(k, _)| k.eq_ignore_ascii_case(value_member)).and_then(|(_, n)| n.as_str())?;
                Some((key, Value::String(value.to_string())))
            })
            .collect();
        v.set_field(i, Value::Map(entries));
        fill_required(call.schema, call.op.output, &mut v, 0);
        return Ok(v);
    }
    if let Some(path) = items_path(schema, call.op.output, paginated.and_then(|p| p.items), noun) {
        let (list_shape, member_name) = member_at(schema, call.op.output, &path);
        if let Some(elem) = schema.shape(list_shape).members.first().map(|e| e.target) {
            let values: Vec<Value> = items.iter().filter_map(|r| list_item(call, ty, r, elem, member_name)).collect();
            let count = values.len() as i64;
            set_path(&mut v, &path, Value::List(values));
            // REST/XML lists wrap their items with a count and a truncation flag (CloudFront's `Quantity`, `IsTruncated`).
            let container = member_container(schema, call.op.output, &path);
            for (sibling, value) in [("Quantity", Value::Int(count)), ("IsTruncated", Value::Bool(next.is_some())), ("MaxItems", Value::Int(page as i64))] {
                if let Some(k) = schema.shape(container.0).member_index(sibling) {
                    let mut p = container.1.clone();
                    p.push(k);
                    set_path(&mut v, &p, value);
                }
            }
        }
    }
    if let (Some(next), Some(tok)) = (next, paginated.and_then(|p| p.output_token)) {
        if let Some(path) = resolve_path(schema, call.op.output, tok) {
            set_path(&mut v, &path, Value::String(base64::engine::general_purpose::STANDARD.encode(next.to_string())));
        }
    }
    fill_required(call.schema, call.op.output, &mut v, 0);
    Ok(v)
}

/// Member indexes along a dotted member path (`DistributionList.Items`).
pub(super) fn resolve_path(schema: &ServiceSchema, shape: ShapeId, path: &str) -> Option<Vec<usize>> {
    let mut out = Vec::new();
    let mut cur = shape;
    for part in path.split('.') {
        let s = schema.shape(cur);
        let i = s.member_index(part)?;
        out.push(i);
        cur = s.members[i].target;
    }
    Some(out)
}

/// Where a list operation's items go: the paginated `items` path, else a
/// list member of the output (one naming the resource first), else one
/// inside a wrapper structure (CloudFront's `CachePolicyList.Items`).
pub(super) fn items_path(schema: &ServiceSchema, output: ShapeId, paginated_items: Option<&str>, noun: &str) -> Option<Vec<usize>> {
    if let Some(p) = paginated_items.and_then(|p| resolve_path(schema, output, p)) {
        if schema.shape(member_at(schema, output, &p).0).kind == ShapeKind::List {
            return Some(p);
        }
    }
    let direct = |shape: ShapeId| {
        let s = schema.shape(shape);
        s.members
            .iter()
            .position(|m| is_list_of(schema, m.target, noun))
            .or_else(|| s.members.iter().position(|m| schema.shape(m.target).kind == ShapeKind::List && !is_tags_member(m.name)))
    };
    if let Some(i) = direct(output) {
        return Some(vec![i]);
    }
    let out = schema.shape(output);
    out.members.iter().enumerate().find_map(|(i, m)| {
        (schema.shape(m.target).kind == ShapeKind::Structure).then(|| direct(m.target).map(|j| vec![i, j])).flatten()
    })
}

/// An output that is one map of strings, and the name its values have in
/// the records (the map's value shape: `Policy`).
fn map_listing(schema: &ServiceSchema, output: ShapeId) -> Option<(usize, &'static str)> {
    let out = schema.shape(output);
    let lists = out.members.iter().filter(|m| matches!(schema.shape(m.target).kind, ShapeKind::List | ShapeKind::Map)).count();
    let (i, m) = out.members.iter().enumerate().find(|(_, m)| schema.shape(m.target).kind == ShapeKind::Map)?;
    let value = schema.shape(schema.shape(m.target).members.get(1)?.target);
    (lists == 1 && value.kind == ShapeKind::String).then_some((i, value.name))
}

/// The shape at a member path, and the last member's name.
pub(super) fn member_at(schema: &ServiceSchema, shape: ShapeId, path: &[usize]) -> (ShapeId, &'static str) {
    let mut cur = shape;
    let mut name = "";
    for &i in path {
        let m = &schema.shape(cur).members[i];
        cur = m.target;
        name = m.name;
    }
    (cur, name)
}

/// The structure holding the last member of a path, and the path to it.
pub(super) fn member_container(schema: &ServiceSchema, shape: ShapeId, path: &[usize]) -> (ShapeId, Vec<usize>) {
    let parent = &path[..path.len().saturating_sub(1)];
    (member_at(schema, shape, parent).0, parent.to_vec())
}

/// Sets a value at a member path, creating the structures on the way.
pub(super) fn set_path(v: &mut Value, path: &[usize], value: Value) {
    match path {
        [] => *v = value,
        [last] => v.set_field(*last, value),
        [first, rest @ ..] => {
            if v.field(*first).is_none() {
                v.set_field(*first, Value::empty_struct());
            }
            if let Some(child) = v.field_mut(*first) {
                set_path(child, rest, value);
            }
        }
    }
}

pub(super) fn is_list_of(schema: &ServiceSchema, shape: ShapeId, noun: &str) -> bool {
    let s = schema.shape(shape);
    s.kind == ShapeKind::List
        && s.members.first().is_some_and(|e| {
            let es = schema.shape(e.target);
            es.name.starts_with(noun) || singulars(s.name).iter().any(|x| x.starts_with(noun))
        })
}

/// One list entry: a structure filled from the record, or the identifier the list holds.
pub(super) fn list_item(call: &Call, ty: usize, r: &Record, elem: ShapeId, member: &str) -> Option<Value> {
    let es = call.schema.shape(elem);
    match es.kind {
        ShapeKind::Structure => Some(resource_struct(call, ty, r, r.phase, elem, 1)),
        ShapeKind::String | ShapeKind::Enum => {
            let lower = member.to_ascii_lowercase();
            let v = if lower.contains("arn") {
                r.arn.clone()
            } else if lower.ends_with("ids") || lower.contains("identifier") {
                r.id.clone()
            } else {
                r.name.clone().unwrap_or_else(|| r.id.clone())
            };
            Some(Value::String(v))
        }
        _ => None,
    }
}

pub(super) fn batch_read(call: &Call, ty: usize, node: &Node) -> Result<Value, ServiceError> {
    let noun = call.ty(ty).noun.clone();
    let lists = identifier_lists(call, node);
    let found: Vec<Record> = call.records(|records| {
        records.values().filter(|r| r.ty == ty && !lists.is_empty() && matches(call.catalog, r, &noun, &[], &lists)).cloned().collect()
    });
    let out_shape = call.schema.shape(call.op.output);
    let mut fields = Vec::new();
    if let Some(i) = out_shape.members.iter().position(|m| is_list_of(call.schema, m.target, &noun) && !m.name.contains("NotFound")) {
        let m = &out_shape.members[i];
        if let Some(elem) = call.schema.shape(m.target).members.first() {
            fields.push((i as u16, Value::List(found.iter().filter_map(|r| list_item(call, ty, r, elem.target, m.name)).collect())));
        }
    }
    // The names asked for that matched nothing, where the output has a place for them.
    let missing: Vec<Value> = lists
        .iter()
        .flat_map(|(_, vs)| vs.iter())
        .filter(|v| !found.iter().any(|r| r.is_named(v)))
        .map(|v| Value::String(v.to_string()))
        .collect();
    if let Some(i) = out_shape.members.iter().position(|m| {
        m.name.contains("NotFound") && call.schema.shape(m.target).members.first().is_some_and(|e| call.schema.shape(e.target).kind == ShapeKind::String)
    }) {
        fields.push((i as u16, Value::List(missing)));
    }
    let mut v = Value::Struct(fields);
    fill_required(call.schema, call.op.output, &mut v, 0);
    Ok(v)
}

pub(super) fn absent(call: &Call, list: bool, node: &Node) -> Result<Value, ServiceError> {
    if list {
        return Ok(default_value(call.schema, call.op.output, 0));
    }
    let (_, _, noun) = crate::words::split_verb(call.op.name);
    let noun = crate::words::base_noun(noun);
    Err(not_found(call, noun, &describe_ids(&identifiers(call, node, noun, Pick::Identifiers))))
}
