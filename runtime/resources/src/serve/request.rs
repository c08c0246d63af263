//! Reading a request by member names: which resource(s) it names, and the
//! tags it carries.

use super::*;

// ------------------------------------------------------------------ reading requests

/// How strictly a request's members pick out a resource.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Pick {
    /// Reads, deletes, state changes: every required member must agree with
    /// the record (a read naming a different `Scope` finds nothing).
    Strict,
    /// Updates and creates: only identifiers (the rest are new values).
    Identifiers,
}

/// The input members that say which resource(s) a request means: URI labels,
/// identifier-like members, members naming the resource itself (`WorkGroup`)
/// and, when strict, every other required scalar. Numbers count as their text.
pub(super) fn identifiers(call: &Call, node: &Node, noun: &str, pick: Pick) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for m in call.input_shape().members {
        if is_control_member(m.name) || is_token_member(m.name) || call.op.paginated.is_some_and(|p| p.input_token == Some(m.name)) {
            continue;
        }
        let v = match node.get(m.name, "") {
            Some(Node::Scalar(Value::String(s))) => s.clone(),
            Some(Node::Scalar(Value::Int(i))) => i.to_string(),
            _ => continue,
        };
        let identifying = m.location == Location::Label || is_identifier_name(m.name) || call.catalog.names_itself(m.name, noun);
        if identifying || (pick == Pick::Strict && m.is_required()) {
            out.push((m.name, v));
        }
    }
    out
}

/// Plural identifier filters (`FileSystemIds: [..]`, `Names: [..]`).
pub(super) fn identifier_lists(call: &Call, node: &Node) -> Vec<(&'static str, Vec<String>)> {
    let mut out = Vec::new();
    for m in call.input_shape().members {
        if !is_identifier_name(m.name) || !m.name.ends_with('s') {
            continue;
        }
        if let Some(Node::List(items)) = node.get(m.name, "") {
            let vs: Vec<String> = items.iter().filter_map(Node::as_str).map(str::to_string).collect();
            if !vs.is_empty() {
                out.push((m.name, vs));
            }
        }
    }
    out
}

/// A record field's value as text (strings and numbers), for matching.
pub(super) fn field_text(rec: &Record, member: &str, noun: &str) -> Option<String> {
    match rec.fields.get(member, noun)? {
        Node::Scalar(Value::String(s)) => Some(s.clone()),
        Node::Scalar(Value::Int(i)) => Some(i.to_string()),
        _ => None,
    }
}

/// Whether a record is the one (or among those) the request's identifiers name.
pub(super) fn matches(catalog: &Catalog, rec: &Record, noun: &str, ids: &[(&str, String)], lists: &[(&str, Vec<String>)]) -> bool {
    let one = |member: &str, v: &str| -> Option<bool> {
        match field_text(rec, member, noun) {
            Some(f) if f == v => Some(true),
            // `FunctionName` given as an ARN: any of the record's names will do.
            Some(_) => Some(rec.is_named(v)),
            None if catalog.names_itself(member, noun) => Some(rec.is_named(v)),
            // `AccountAssignmentCreationRequestId` of a request status.
            None if member.ends_with("RequestId") => Some(rec.is_named(v)),
            // A member the record does not have and that does not name it: not a filter here.
            None => None,
        }
    };
    ids.iter().all(|(m, v)| one(m, v).unwrap_or(true))
        && lists.iter().all(|(m, vs)| {
            let singular = m.trim_end_matches('s');
            vs.iter().any(|v| one(singular, v).unwrap_or(true))
        })
}

/// The identifiers the caller gave, for messages.
pub(super) fn describe_ids(ids: &[(&str, String)]) -> String {
    ids.iter().rev().find(|(m, _)| is_identifier_name(m)).or(ids.last()).map(|(_, v)| format!("'{v}'")).unwrap_or_default()
}

pub(super) fn find<'r>(catalog: &Catalog, records: &'r mut Records, ty: usize, noun: &str, ids: &[(&str, String)]) -> Option<(u64, &'r mut Record)> {
    records.iter_mut().find(|(_, r)| r.ty == ty && matches(catalog, r, noun, ids, &[])).map(|(k, r)| (*k, r))
}

pub(super) fn strip_controls(node: &mut Node) {
    if let Node::Struct(fields) = node {
        fields.retain(|(k, _)| !is_control_member(k));
    }
}

/// Tags from a `Tags`/`TagList`/`tags` member, in either form.
pub(super) fn tag_pairs(n: &Node) -> Vec<(String, String)> {
    match n {
        Node::Map(entries) => entries.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string())).collect(),
        Node::List(items) => items
            .iter()
            .filter_map(|item| {
                let fields = item.fields();
                let key = fields.iter().find(|(k, _)| k.to_ascii_lowercase().ends_with("key"))?.1.as_str()?;
                let value = fields.iter().find(|(k, _)| k.to_ascii_lowercase().ends_with("value")).and_then(|(_, v)| v.as_str());
                Some((key.to_string(), value.unwrap_or("").to_string()))
            })
            .collect(),
        _ => Vec::new(),
    }
}

pub(super) fn is_tags_member(name: &str) -> bool {
    matches!(name.to_ascii_lowercase().as_str(), "tags" | "taglist" | "tagset" | "resourcetags" | "tagstoadd")
}

pub(super) fn merge_tags(into: &mut Vec<(String, String)>, new: Vec<(String, String)>) {
    for (k, v) in new {
        match into.iter_mut().find(|(x, _)| *x == k) {
            Some(slot) => slot.1 = v,
            None => into.push((k, v)),
        }
    }
}
