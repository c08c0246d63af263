//! The protocol-neutral value tree. Codecs decode wire bytes into a `Value`
//! guided by the schema and encode a `Value` back; generated code converts
//! between `Value` and typed shapes; the resource engine stores and returns
//! `Value`s directly.

use bytes::Bytes;
use std::fmt;

/// A point in time with nanosecond precision (seconds since the Unix epoch).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp {
    pub secs: i64,
    pub nanos: u32,
}

impl Timestamp {
    pub fn from_secs(secs: i64) -> Self {
        Timestamp { secs, nanos: 0 }
    }
    pub fn from_millis(ms: i64) -> Self {
        Timestamp { secs: ms.div_euclid(1000), nanos: (ms.rem_euclid(1000) as u32) * 1_000_000 }
    }
    pub fn from_f64(v: f64) -> Self {
        let secs = v.floor();
        let nanos = ((v - secs) * 1e9).round() as u32;
        if nanos >= 1_000_000_000 {
            Timestamp { secs: secs as i64 + 1, nanos: 0 }
        } else {
            Timestamp { secs: secs as i64, nanos }
        }
    }
    pub fn now() -> Self {
        let d = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        Timestamp { secs: d.as_secs() as i64, nanos: d.subsec_nanos() }
    }
    pub fn as_f64(&self) -> f64 {
        self.secs as f64 + self.nanos as f64 / 1e9
    }
    pub fn as_millis(&self) -> i64 {
        self.secs * 1000 + (self.nanos / 1_000_000) as i64
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({}.{:09})", self.secs, self.nanos)
    }
}

/// An untyped document (`document` shapes): JSON's data model.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Document {
    #[default]
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    List(Vec<Document>),
    Map(Vec<(String, Document)>),
}

/// A decoded value. Structures and unions hold `(member index, value)` pairs in
/// the order they were read; a union holds exactly one pair.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    /// byte, short, integer, long, intEnum
    Int(i64),
    /// float, double (including NaN and infinities)
    Float(f64),
    /// bigInteger and bigDecimal, kept as their decimal text
    BigNumber(String),
    /// string and enum
    String(String),
    Blob(Bytes),
    /// A `@streaming` blob: read once, possibly larger than memory.
    Stream(crate::stream::ByteStream),
    Timestamp(Timestamp),
    Document(Document),
    List(Vec<Value>),
    Map(Vec<(String, Value)>),
    Struct(Vec<(u16, Value)>),
}

impl Value {
    pub fn empty_struct() -> Value {
        Value::Struct(Vec::new())
    }
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Int(_) => "integer",
            Value::Float(_) => "float",
            Value::BigNumber(_) => "number",
            Value::String(_) => "string",
            Value::Blob(_) | Value::Stream(_) => "blob",
            Value::Timestamp(_) => "timestamp",
            Value::Document(_) => "document",
            Value::List(_) => "list",
            Value::Map(_) => "map",
            Value::Struct(_) => "structure",
        }
    }
    /// The field of a structure value by member index.
    pub fn field(&self, idx: usize) -> Option<&Value> {
        match self {
            Value::Struct(fields) => fields.iter().find(|(i, _)| *i as usize == idx).map(|(_, v)| v),
            _ => None,
        }
    }
    pub fn field_mut(&mut self, idx: usize) -> Option<&mut Value> {
        match self {
            Value::Struct(fields) => fields.iter_mut().find(|(i, _)| *i as usize == idx).map(|(_, v)| v),
            _ => None,
        }
    }
    /// Sets (or replaces) a structure field.
    pub fn set_field(&mut self, idx: usize, v: Value) {
        if let Value::Struct(fields) = self {
            if let Some(slot) = fields.iter_mut().find(|(i, _)| *i as usize == idx) {
                slot.1 = v;
            } else {
                fields.push((idx as u16, v));
            }
        }
    }
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }
}
