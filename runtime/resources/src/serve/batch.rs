//! Batch writes (`BatchDeleteClusterSnapshots`, `BatchCreatePartition`, …):
//! each entry is carried out as the service's single operation on the same
//! resource type would carry it out (`DeleteClusterSnapshot`), with the
//! request's other members in common; failures are reported per entry in
//! the output's error list and successes in its list of done names.

use super::*;

pub(super) fn batch_write(call: &Call, ty: usize, each: BatchEach, node: Node) -> Result<Value, ServiceError> {
    let schema = call.schema;
    // The single operation whose behaviour each entry gets.
    let single = schema.operations.iter().zip(call.catalog.plans.iter()).find(|(_, p)| match (each, **p) {
        (BatchEach::Create, Plan::Create { ty: t, .. }) | (BatchEach::Update, Plan::Update { ty: t }) | (BatchEach::Delete, Plan::Delete { ty: t }) => t == ty,
        _ => false,
    });
    let Some((single_op, single_plan)) = single else {
        return Err(not_served(schema.name, call.op.name, "has no single operation to apply per entry"));
    };
    let single_call = Call { schema, catalog: call.catalog, ctx: call.ctx, op: single_op };
    let input = call.input_shape();
    // The entries: the request's (required, else first) list member.
    let entries_member = input
        .members
        .iter()
        .find(|m| m.is_required() && schema.shape(m.target).kind == ShapeKind::List)
        .or_else(|| input.members.iter().find(|m| schema.shape(m.target).kind == ShapeKind::List))
        .ok_or_else(|| not_served(schema.name, call.op.name, "has no list of entries"))?;
    let entries = match node.get(entries_member.name, "") {
        Some(Node::List(items)) => items.clone(),
        _ => Vec::new(),
    };
    let common: Vec<(String, Node)> = node.fields().iter().filter(|(k, _)| k != entries_member.name).cloned().collect();
    // Where a string entry goes in the single operation's request: its
    // identifying member the common part does not fill.
    let single_input = schema.shape(single_op.input);
    let slot = single_input
        .members
        .iter()
        .filter(|m| m.is_required() && !common.iter().any(|(k, _)| k.eq_ignore_ascii_case(m.name)))
        .find(|m| is_identifier_name(m.name) || call.catalog.names_itself(m.name, &call.ty(ty).noun))
        .map(|m| m.name);

    let mut done = Vec::new();
    let mut failed: Vec<(String, ServiceError)> = Vec::new();
    for entry in entries {
        let mut one = Node::Struct(common.clone());
        let label = match &entry {
            Node::Struct(fields) => {
                for (k, v) in fields {
                    one.set(k, v.clone());
                }
                fields.iter().find(|(k, _)| is_identifier_name(k)).and_then(|(_, v)| v.as_str()).unwrap_or("").to_string()
            }
            other => {
                let text = other.as_str().unwrap_or("").to_string();
                if let Some(slot) = slot {
                    one.set(slot, Node::str(text.clone()));
                }
                text
            }
        };
        let result = match single_plan {
            Plan::Create { upsert, .. } => create(&single_call, ty, *upsert, one),
            Plan::Update { .. } => update(&single_call, ty, one),
            _ => delete(&single_call, ty, &one),
        };
        match result {
            Ok(_) => done.push(label),
            Err(e) => failed.push((label, e)),
        }
    }

    let out_shape = schema.shape(call.op.output);
    let mut v = Value::empty_struct();
    for (i, m) in out_shape.members.iter().enumerate() {
        let lower = m.name.to_ascii_lowercase();
        let target = schema.shape(m.target);
        if ["error", "fail", "unprocessed"].iter().any(|w| lower.contains(w)) {
            if let Some(errors) = error_list(call, ty, m.target, &failed) {
                v.set_field(i, errors);
            }
        } else if target.kind == ShapeKind::List && target.members.first().is_some_and(|e| schema.shape(e.target).kind == ShapeKind::String) {
            // `Resources`, `Succeeded`: the names of the entries carried out.
            v.set_field(i, Value::List(done.iter().map(|d| Value::String(d.clone())).collect()));
        }
    }
    fill_required(schema, call.op.output, &mut v, 0);
    Ok(v)
}

/// The failures in the output's error shape: a list of structures (or a map
/// by entry name) whose members take the entry's name, the error code and
/// message by their names (`ErrorCode`, `Code`, `ErrorMessage`, `Message`,
/// a nested `ErrorDetail`).
fn error_list(call: &Call, ty: usize, shape: ShapeId, failed: &[(String, ServiceError)]) -> Option<Value> {
    let schema = call.schema;
    let s = schema.shape(shape);
    let element = match s.kind {
        ShapeKind::Map => s.members.get(1)?.target,
        ShapeKind::List => s.members.first()?.target,
        _ => return None,
    };
    // The element's members naming the resource (`SnapshotIdentifier`, `TableName`) name the entry.
    let noun = &call.ty(ty).noun;
    let id_members: Vec<&str> =
        schema.shape(element).members.iter().filter(|m| call.catalog.names_itself(m.name, noun)).map(|m| m.name).collect();
    let describe = |label: &str, e: &ServiceError| {
        let code = Node::str(e.code.clone());
        let message = Node::str(e.message.clone().unwrap_or_default());
        let detail = Node::Struct(vec![("ErrorCode".into(), code.clone()), ("ErrorMessage".into(), message.clone())]);
        let mut fields = vec![
            ("ErrorCode".into(), code.clone()),
            ("Code".into(), code.clone()),
            ("FailureCode".into(), code),
            ("ErrorMessage".into(), message.clone()),
            ("Message".into(), message.clone()),
            ("FailureReason".into(), message),
            ("ErrorDetail".into(), detail),
        ];
        fields.extend(id_members.iter().map(|m| (m.to_string(), Node::str(label))));
        Node::Struct(fields)
    };
    let node = match s.kind {
        ShapeKind::Map => Node::Map(failed.iter().map(|(l, e)| (l.clone(), describe(l, e))).collect()),
        _ => Node::List(failed.iter().map(|(l, e)| describe(l, e)).collect()),
    };
    to_value(schema, shape, &node, "")
}
