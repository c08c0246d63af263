//! `@default` values: a server fills in every defaulted member the client left
//! out of a request, and every one a handler left out of a response, so that
//! handlers see (and clients get) what the model promises.

use crate::json::{decode_json, JsonMode};
use simfra_model::{Location, ServiceSchema, ShapeId, ShapeKind, Value};

/// Which members to fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Requests: every member, wherever it is bound.
    All,
    /// Responses: body members only (a defaulted header would add a header AWS does not send).
    BodyOnly,
}

/// Fills the missing defaulted members of structure value `value` of `shape`,
/// recursing into nested structures, lists and maps.
pub fn fill(svc: &ServiceSchema, shape: ShapeId, value: &mut Value, scope: Scope) {
    fill_at(svc, shape, value, scope, true, 0)
}

fn fill_at(svc: &ServiceSchema, shape_id: ShapeId, value: &mut Value, scope: Scope, top: bool, depth: usize) {
    if depth > 64 {
        return;
    }
    let shape = svc.shape(shape_id);
    match (shape.kind, value) {
        (ShapeKind::Structure, v @ Value::Struct(_)) => {
            for (idx, m) in shape.members.iter().enumerate() {
                if top && scope == Scope::BodyOnly && m.location != Location::Body {
                    continue;
                }
                match v.field_mut(idx) {
                    Some(child) => fill_at(svc, m.target, child, scope, false, depth + 1),
                    None => {
                        let Some(text) = m.default else { continue };
                        let Ok(json) = serde_json::from_str::<serde_json::Value>(text) else { continue };
                        if json.is_null() {
                            continue;
                        }
                        if let Ok(d) = decode_json(svc, m.target, &json, JsonMode::Rpc) {
                            v.set_field(idx, d);
                        }
                    }
                }
            }
        }
        (ShapeKind::Union, Value::Struct(fields)) => {
            for (idx, child) in fields.iter_mut() {
                if let Some(m) = shape.members.get(*idx as usize) {
                    fill_at(svc, m.target, child, scope, false, depth + 1);
                }
            }
        }
        (ShapeKind::List, Value::List(items)) => {
            let target = shape.members[0].target;
            if svc.shape(target).kind.is_aggregate() {
                for it in items {
                    fill_at(svc, target, it, scope, false, depth + 1);
                }
            }
        }
        (ShapeKind::Map, Value::Map(entries)) => {
            let target = shape.members[1].target;
            if svc.shape(target).kind.is_aggregate() {
                for (_, it) in entries {
                    fill_at(svc, target, it, scope, false, depth + 1);
                }
            }
        }
        _ => {}
    }
}
