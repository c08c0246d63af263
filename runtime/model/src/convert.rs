//! Conversions between `Value` and typed shapes. Generated code implements
//! these traits for every structure, union and enum; the impls here cover the
//! simple types and containers.

use crate::error::ConvertError;
use crate::value::{Document, Timestamp, Value};
use bytes::Bytes;
use std::collections::HashMap;

pub trait FromValue: Sized {
    fn from_value(v: Value) -> Result<Self, ConvertError>;
}

pub trait ToValue {
    fn to_value(self) -> Value;
}

macro_rules! int_conv {
    ($($t:ty),*) => {$(
        impl FromValue for $t {
            fn from_value(v: Value) -> Result<Self, ConvertError> {
                match v {
                    Value::Int(i) => <$t>::try_from(i).map_err(|_| ConvertError(format!("{i} is out of range"))),
                    other => Err(ConvertError::expected("an integer", &other)),
                }
            }
        }
        impl ToValue for $t {
            fn to_value(self) -> Value { Value::Int(self as i64) }
        }
    )*};
}
int_conv!(i8, i16, i32, i64);

impl FromValue for f64 {
    fn from_value(v: Value) -> Result<Self, ConvertError> {
        match v {
            Value::Float(f) => Ok(f),
            Value::Int(i) => Ok(i as f64),
            other => Err(ConvertError::expected("a number", &other)),
        }
    }
}
impl ToValue for f64 {
    fn to_value(self) -> Value {
        Value::Float(self)
    }
}
impl FromValue for f32 {
    fn from_value(v: Value) -> Result<Self, ConvertError> {
        f64::from_value(v).map(|f| f as f32)
    }
}
impl ToValue for f32 {
    fn to_value(self) -> Value {
        Value::Float(self as f64)
    }
}

impl FromValue for bool {
    fn from_value(v: Value) -> Result<Self, ConvertError> {
        match v {
            Value::Bool(b) => Ok(b),
            other => Err(ConvertError::expected("a boolean", &other)),
        }
    }
}
impl ToValue for bool {
    fn to_value(self) -> Value {
        Value::Bool(self)
    }
}

impl FromValue for String {
    fn from_value(v: Value) -> Result<Self, ConvertError> {
        match v {
            Value::String(s) | Value::BigNumber(s) => Ok(s),
            other => Err(ConvertError::expected("a string", &other)),
        }
    }
}
impl ToValue for String {
    fn to_value(self) -> Value {
        Value::String(self)
    }
}

/// bigInteger / bigDecimal: kept as decimal text.
#[derive(Debug, Clone, PartialEq, Eq, Default, Hash)]
pub struct BigNumber(pub String);

impl FromValue for BigNumber {
    fn from_value(v: Value) -> Result<Self, ConvertError> {
        match v {
            Value::BigNumber(s) | Value::String(s) => Ok(BigNumber(s)),
            Value::Int(i) => Ok(BigNumber(i.to_string())),
            Value::Float(f) => Ok(BigNumber(f.to_string())),
            other => Err(ConvertError::expected("a number", &other)),
        }
    }
}
impl ToValue for BigNumber {
    fn to_value(self) -> Value {
        Value::BigNumber(self.0)
    }
}

impl FromValue for Bytes {
    fn from_value(v: Value) -> Result<Self, ConvertError> {
        match v {
            Value::Blob(b) => Ok(b),
            Value::String(s) => Ok(Bytes::from(s)),
            other => Err(ConvertError::expected("a blob", &other)),
        }
    }
}
impl ToValue for Bytes {
    fn to_value(self) -> Value {
        Value::Blob(self)
    }
}

impl FromValue for crate::stream::ByteStream {
    fn from_value(v: Value) -> Result<Self, ConvertError> {
        match v {
            Value::Stream(s) => Ok(s),
            Value::Blob(b) => Ok(b.into()),
            Value::String(s) => Ok(Bytes::from(s).into()),
            other => Err(ConvertError::expected("a blob", &other)),
        }
    }
}
impl ToValue for crate::stream::ByteStream {
    fn to_value(self) -> Value {
        Value::Stream(self)
    }
}

impl FromValue for Timestamp {
    fn from_value(v: Value) -> Result<Self, ConvertError> {
        match v {
            Value::Timestamp(t) => Ok(t),
            other => Err(ConvertError::expected("a timestamp", &other)),
        }
    }
}
impl ToValue for Timestamp {
    fn to_value(self) -> Value {
        Value::Timestamp(self)
    }
}

impl FromValue for Document {
    fn from_value(v: Value) -> Result<Self, ConvertError> {
        match v {
            Value::Document(d) => Ok(d),
            Value::Null => Ok(Document::Null),
            other => Err(ConvertError::expected("a document", &other)),
        }
    }
}
impl ToValue for Document {
    fn to_value(self) -> Value {
        Value::Document(self)
    }
}

impl<T: FromValue> FromValue for Option<T> {
    fn from_value(v: Value) -> Result<Self, ConvertError> {
        match v {
            Value::Null => Ok(None),
            v => T::from_value(v).map(Some),
        }
    }
}
impl<T: ToValue> ToValue for Option<T> {
    fn to_value(self) -> Value {
        match self {
            None => Value::Null,
            Some(v) => v.to_value(),
        }
    }
}

impl<T: FromValue> FromValue for Box<T> {
    fn from_value(v: Value) -> Result<Self, ConvertError> {
        T::from_value(v).map(Box::new)
    }
}
impl<T: ToValue> ToValue for Box<T> {
    fn to_value(self) -> Value {
        (*self).to_value()
    }
}

impl<T: FromValue> FromValue for Vec<T> {
    fn from_value(v: Value) -> Result<Self, ConvertError> {
        match v {
            Value::List(items) => items.into_iter().map(T::from_value).collect(),
            other => Err(ConvertError::expected("a list", &other)),
        }
    }
}
impl<T: ToValue> ToValue for Vec<T> {
    fn to_value(self) -> Value {
        Value::List(self.into_iter().map(ToValue::to_value).collect())
    }
}

impl<T: FromValue> FromValue for HashMap<String, T> {
    fn from_value(v: Value) -> Result<Self, ConvertError> {
        match v {
            Value::Map(entries) => entries.into_iter().map(|(k, v)| Ok((k, T::from_value(v)?))).collect(),
            other => Err(ConvertError::expected("a map", &other)),
        }
    }
}
impl<T: ToValue> ToValue for HashMap<String, T> {
    fn to_value(self) -> Value {
        let mut entries: Vec<(String, Value)> = self.into_iter().map(|(k, v)| (k, v.to_value())).collect();
        // Deterministic output: AWS promises no order, tests and diffs like one.
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        Value::Map(entries)
    }
}

/// Takes the fields of a structure value (used by generated `from_value`).
pub fn struct_fields(v: Value, shape: &str) -> Result<Vec<(u16, Value)>, ConvertError> {
    match v {
        Value::Struct(fields) => Ok(fields),
        other => Err(ConvertError(format!("expected structure {shape}, found {}", other.kind_name()))),
    }
}

/// Unwraps a required member that generated `from_value` collected.
pub fn required<T>(v: Option<T>, member: &str) -> Result<T, ConvertError> {
    v.ok_or_else(|| ConvertError::missing(member))
}

/// Builds a structure value, skipping absent (`Null`) members (used by generated `to_value`).
pub struct StructBuilder(Vec<(u16, Value)>);

impl StructBuilder {
    pub fn with_capacity(n: usize) -> Self {
        StructBuilder(Vec::with_capacity(n))
    }
    pub fn field(&mut self, idx: u16, v: Value) {
        if !matches!(v, Value::Null) {
            self.0.push((idx, v));
        }
    }
    pub fn build(self) -> Value {
        Value::Struct(self.0)
    }
}

/// Operations without input or output (`smithy.api#Unit`) use `()`.
impl FromValue for () {
    fn from_value(_: Value) -> Result<Self, ConvertError> {
        Ok(())
    }
}
impl ToValue for () {
    fn to_value(self) -> Value {
        Value::empty_struct()
    }
}
