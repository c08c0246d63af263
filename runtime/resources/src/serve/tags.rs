//! Tag, untag and list tags, on any record by its ARN, id or name.

use super::*;

pub(super) fn tags(call: &Call, plan: Plan, node: &Node) -> Result<Value, ServiceError> {
    let target = identifiers(call, node, "Resource", Pick::Identifiers).first().map(|(_, v)| v.clone()).ok_or_else(|| {
        ServiceError::new("ValidationException", 400, "The request names no resource to tag")
    })?;
    // Tags to add: any map or list of key/value pairs (`Tags`, `TagsToAdd`, `TagList`);
    // keys to remove: any list of strings (`TagKeys`, `TagsToRemove`, `TagKeyList`).
    let new_tags: Vec<(String, String)> = node.fields().iter().flat_map(|(_, v)| tag_pairs(v)).collect();
    let keys: Vec<String> = node
        .fields()
        .iter()
        .flat_map(|(_, v)| match v {
            Node::List(items) => items.iter().filter_map(|i| i.as_str().map(str::to_string)).collect::<Vec<_>>(),
            _ => Vec::new(),
        })
        .chain(new_tags.iter().map(|(k, _)| k.clone()))
        .collect();
    let current = call.records(|records| {
        let r = records.values_mut().find(|r| r.is_named(&target))?;
        match plan {
            Plan::Tag => merge_tags(&mut r.tags, new_tags.clone()),
            Plan::Untag => r.tags.retain(|(k, _)| !keys.contains(k)),
            _ => {}
        }
        Some(r.tags.clone())
    });
    let Some(current) = current else {
        return Err(not_found(call, "Resource", &format!("'{target}'")));
    };
    let out_shape = call.schema.shape(call.op.output);
    let mut fields = Vec::new();
    if plan == Plan::ListTags {
        if let Some(i) = out_shape.members.iter().position(|m| is_tags_member(m.name)).or_else(|| {
            out_shape.members.iter().position(|m| matches!(call.schema.shape(m.target).kind, ShapeKind::List | ShapeKind::Map))
        }) {
            if let Some(v) = tags_value(call.schema, out_shape.members[i].target, &current) {
                fields.push((i as u16, v));
            }
        }
    }
    let mut v = Value::Struct(fields);
    fill_required(call.schema, call.op.output, &mut v, 0);
    Ok(v)
}

pub(super) fn tags_value(schema: &ServiceSchema, shape: ShapeId, tags: &[(String, String)]) -> Option<Value> {
    let node = Node::Map(tags.iter().map(|(k, v)| (k.clone(), Node::str(v.clone()))).collect());
    let s = schema.shape(shape);
    if s.kind == ShapeKind::List && s.members.first().and_then(|e| key_value_members(schema, e.target)).is_none() {
        return None;
    }
    to_value(schema, shape, &node, "")
}
