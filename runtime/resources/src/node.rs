//! Resources are stored as name-keyed trees, not as any one operation's
//! shape: the input of `CreateCluster`, the output of `DescribeCluster` and
//! the items of `ListClusters` are different shapes that share member names.
//! `Node` is that neutral form; `from_value` reads a shape's value into it and
//! `to_value` writes it out as another shape, matching members by name.

use crate::words::same_field;
use simfra_model::{Document, ServiceSchema, ShapeId, ShapeKind, Timestamp, Value};

/// Members AWS answers under another name than the request gave them
/// (output name, input name): Redshift's event subscriptions.
const ALIASES: &[(&str, &str)] = &[("CustSubscriptionId", "SubscriptionName")];

#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// A scalar (string, number, boolean, timestamp, blob, document).
    Scalar(Value),
    Struct(Vec<(String, Node)>),
    List(Vec<Node>),
    Map(Vec<(String, Node)>),
}

impl Node {
    pub fn str(s: impl Into<String>) -> Node {
        Node::Scalar(Value::String(s.into()))
    }
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Node::Scalar(Value::String(s)) => Some(s),
            _ => None,
        }
    }
    /// A structure's field, by a name that may carry the noun in front (see `same_field`).
    pub fn get(&self, name: &str, noun: &str) -> Option<&Node> {
        let Node::Struct(fields) = self else { return None };
        let alias = ALIASES.iter().find(|(out, _)| *out == name).map(|(_, input)| *input);
        fields
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .or_else(|| fields.iter().find(|(k, _)| same_field(k, name, noun)))
            .or_else(|| alias.and_then(|a| fields.iter().find(|(k, _)| k == a)))
            .map(|(_, v)| v)
    }
    /// Sets a structure field, replacing one of the same name (ignoring case).
    pub fn set(&mut self, name: &str, v: Node) {
        if let Node::Struct(fields) = self {
            match fields.iter_mut().find(|(k, _)| k.eq_ignore_ascii_case(name)) {
                Some(slot) => slot.1 = v,
                None => fields.push((name.to_string(), v)),
            }
        }
    }
    /// Merges `other`'s fields into this structure (an update): present fields replace.
    pub fn merge(&mut self, other: Node) {
        if let Node::Struct(fields) = other {
            for (k, v) in fields {
                self.set(&k, v);
            }
        }
    }
    pub fn fields(&self) -> &[(String, Node)] {
        match self {
            Node::Struct(f) => f,
            _ => &[],
        }
    }
}

/// A shape's value as a node (member indexes become member names).
pub fn from_value(schema: &ServiceSchema, shape: ShapeId, v: &Value) -> Node {
    let s = schema.shape(shape);
    match (s.kind, v) {
        (ShapeKind::Structure | ShapeKind::Union, Value::Struct(fields)) => Node::Struct(
            fields
                .iter()
                .filter_map(|(i, fv)| s.members.get(*i as usize).map(|m| (m.name.to_string(), from_value(schema, m.target, fv))))
                .collect(),
        ),
        (ShapeKind::List, Value::List(items)) => {
            let t = s.members.first().map(|m| m.target);
            Node::List(items.iter().map(|x| t.map(|t| from_value(schema, t, x)).unwrap_or(Node::Scalar(x.clone()))).collect())
        }
        (ShapeKind::Map, Value::Map(entries)) => {
            let t = s.members.get(1).map(|m| m.target);
            Node::Map(entries.iter().map(|(k, x)| (k.clone(), t.map(|t| from_value(schema, t, x)).unwrap_or(Node::Scalar(x.clone())))).collect())
        }
        _ => Node::Scalar(v.clone()),
    }
}

/// The `Key`/`Value` members of a tag-like structure (`{Key, Value}`, `{key, value}`, `{TagKey, TagValue}`).
pub fn key_value_members(schema: &ServiceSchema, shape: ShapeId) -> Option<(usize, usize)> {
    let s = schema.shape(shape);
    if s.kind != ShapeKind::Structure || s.members.len() != 2 {
        return None;
    }
    let k = s.members.iter().position(|m| m.name.to_ascii_lowercase().ends_with("key"))?;
    let v = s.members.iter().position(|m| m.name.to_ascii_lowercase().ends_with("value"))?;
    Some((k, v))
}

/// Writes a node as a value of `shape`, or `None` when it does not fit.
/// Lists of `{Key, Value}` and maps convert into each other (tags come both ways).
pub fn to_value(schema: &ServiceSchema, shape: ShapeId, n: &Node, noun: &str) -> Option<Value> {
    let s = schema.shape(shape);
    match (s.kind, n) {
        (ShapeKind::Structure | ShapeKind::Union, Node::Struct(_)) => {
            let mut out = Vec::new();
            for (i, m) in s.members.iter().enumerate() {
                if let Some(v) = n.get(m.name, noun).and_then(|child| to_value(schema, m.target, child, noun)) {
                    out.push((i as u16, v));
                    if s.kind == ShapeKind::Union {
                        break;
                    }
                }
            }
            Some(Value::Struct(out))
        }
        (ShapeKind::List, Node::List(items)) => {
            let t = s.members.first()?.target;
            Some(Value::List(items.iter().filter_map(|x| to_value(schema, t, x, noun)).collect()))
        }
        (ShapeKind::List, Node::Map(entries)) => {
            let t = s.members.first()?.target;
            let (k, v) = key_value_members(schema, t)?;
            let members = schema.shape(t).members;
            Some(Value::List(
                entries
                    .iter()
                    .filter_map(|(key, val)| {
                        let val = to_value(schema, members[v].target, val, noun)?;
                        Some(Value::Struct(vec![(k as u16, Value::String(key.clone())), (v as u16, val)]))
                    })
                    .collect(),
            ))
        }
        (ShapeKind::Map, Node::Map(entries)) => {
            let t = s.members.get(1)?.target;
            Some(Value::Map(entries.iter().filter_map(|(k, x)| Some((k.clone(), to_value(schema, t, x, noun)?))).collect()))
        }
        (ShapeKind::Map, Node::List(items)) => {
            let t = s.members.get(1)?.target;
            Some(Value::Map(
                items
                    .iter()
                    .filter_map(|item| {
                        let mut kv = item.fields().iter();
                        let key = kv.find(|(k, _)| k.to_ascii_lowercase().ends_with("key"))?.1.as_str()?.to_string();
                        let val = item.fields().iter().find(|(k, _)| k.to_ascii_lowercase().ends_with("value"))?;
                        Some((key, to_value(schema, t, &val.1, noun)?))
                    })
                    .collect(),
            ))
        }
        (_, Node::Scalar(v)) => scalar(s.kind, v),
        (ShapeKind::Document, other) => Some(Value::Document(document(other))),
        _ => None,
    }
}

/// A scalar converted to the target kind where the conversion is lossless enough.
fn scalar(kind: ShapeKind, v: &Value) -> Option<Value> {
    Some(match (kind, v) {
        (ShapeKind::String | ShapeKind::Enum, Value::String(_)) => v.clone(),
        (ShapeKind::String, Value::Int(i)) => Value::String(i.to_string()),
        (ShapeKind::String, Value::Bool(b)) => Value::String(b.to_string()),
        (k, Value::Int(_)) if k.is_integer() => v.clone(),
        (k, Value::String(s)) if k.is_integer() => Value::Int(s.parse().ok()?),
        (ShapeKind::Float | ShapeKind::Double, Value::Int(i)) => Value::Float(*i as f64),
        (ShapeKind::Float | ShapeKind::Double, Value::Float(_)) => v.clone(),
        (ShapeKind::BigInteger | ShapeKind::BigDecimal, Value::BigNumber(_)) => v.clone(),
        (ShapeKind::BigInteger | ShapeKind::BigDecimal, Value::Int(i)) => Value::BigNumber(i.to_string()),
        (ShapeKind::Boolean, Value::Bool(_)) => v.clone(),
        (ShapeKind::Timestamp, Value::Timestamp(_)) => v.clone(),
        (ShapeKind::Timestamp, Value::Int(i)) => Value::Timestamp(Timestamp::from_secs(*i)),
        (ShapeKind::Blob, Value::Blob(_)) => v.clone(),
        (ShapeKind::Blob, Value::String(s)) => Value::Blob(s.clone().into_bytes().into()),
        (ShapeKind::Document, Value::Document(_)) => v.clone(),
        _ => return None,
    })
}

fn document(n: &Node) -> Document {
    match n {
        Node::Scalar(Value::Document(d)) => d.clone(),
        Node::Scalar(Value::String(s)) => Document::String(s.clone()),
        Node::Scalar(Value::Int(i)) => Document::Int(*i),
        Node::Scalar(Value::Float(f)) => Document::Float(*f),
        Node::Scalar(Value::Bool(b)) => Document::Bool(*b),
        Node::Scalar(_) => Document::Null,
        Node::List(items) => Document::List(items.iter().map(document).collect()),
        Node::Struct(fields) | Node::Map(fields) => Document::Map(fields.iter().map(|(k, v)| (k.clone(), document(v))).collect()),
    }
}

/// A node as JSON (timestamps as epoch seconds, blobs as their text), for
/// hand-written services reading records the engine keeps.
pub fn to_json(n: &Node) -> serde_json::Value {
    use serde_json::Value as J;
    match n {
        Node::Scalar(Value::String(s)) => J::String(s.clone()),
        Node::Scalar(Value::Int(i)) => J::from(*i),
        Node::Scalar(Value::Float(f)) => serde_json::Number::from_f64(*f).map(J::Number).unwrap_or(J::Null),
        Node::Scalar(Value::Bool(b)) => J::Bool(*b),
        Node::Scalar(Value::BigNumber(b)) => J::String(b.clone()),
        Node::Scalar(Value::Timestamp(t)) => serde_json::Number::from_f64(t.as_f64()).map(J::Number).unwrap_or(J::Null),
        Node::Scalar(Value::Blob(b)) => J::String(String::from_utf8_lossy(b).into_owned()),
        Node::Scalar(_) => J::Null,
        Node::List(items) => J::Array(items.iter().map(to_json).collect()),
        Node::Struct(fields) | Node::Map(fields) => J::Object(fields.iter().map(|(k, v)| (k.clone(), to_json(v))).collect()),
    }
}

/// JSON as a node (the form published answers are written in).
pub fn from_json(j: &serde_json::Value) -> Node {
    use serde_json::Value as J;
    match j {
        J::String(s) => Node::str(s.clone()),
        J::Bool(b) => Node::Scalar(Value::Bool(*b)),
        J::Number(n) => match n.as_i64() {
            Some(i) => Node::Scalar(Value::Int(i)),
            None => Node::Scalar(Value::Float(n.as_f64().unwrap_or(0.0))),
        },
        J::Array(items) => Node::List(items.iter().map(from_json).collect()),
        J::Object(map) => Node::Struct(map.iter().map(|(k, v)| (k.clone(), from_json(v))).collect()),
        J::Null => Node::Scalar(Value::Null),
    }
}
