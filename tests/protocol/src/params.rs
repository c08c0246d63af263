//! Test-case `params` (Smithy node values) as Simfra `Value`s of a shape.

use simfra_model::{ServiceSchema, ShapeId, ShapeKind, Timestamp, Value};
use serde_json::Value as Json;

pub fn to_value(svc: &ServiceSchema, shape: ShapeId, v: &Json) -> Result<Value, String> {
    let s = svc.shape(shape);
    Ok(match (s.kind, v) {
        (_, Json::Null) => Value::Null,
        (ShapeKind::Structure | ShapeKind::Union, Json::Object(o)) => {
            let mut fields = Vec::new();
            for (k, x) in o {
                let idx = s.member_index(k).ok_or_else(|| format!("{} has no member {k}", s.name))?;
                if x.is_null() {
                    continue;
                }
                fields.push((idx as u16, to_value(svc, s.members[idx].target, x)?));
            }
            Value::Struct(fields)
        }
        (ShapeKind::List, Json::Array(a)) => {
            Value::List(a.iter().map(|x| to_value(svc, s.members[0].target, x)).collect::<Result<_, _>>()?)
        }
        (ShapeKind::Map, Json::Object(o)) => Value::Map(
            o.iter().map(|(k, x)| Ok((k.clone(), to_value(svc, s.members[1].target, x)?))).collect::<Result<_, String>>()?,
        ),
        (ShapeKind::String | ShapeKind::Enum, Json::String(x)) => Value::String(x.clone()),
        (ShapeKind::Blob, Json::String(x)) => Value::Blob(x.clone().into_bytes().into()),
        (ShapeKind::Boolean, Json::Bool(b)) => Value::Bool(*b),
        (k, Json::Number(n)) if k.is_integer() => Value::Int(n.as_i64().ok_or("integer expected")?),
        (ShapeKind::Float | ShapeKind::Double, Json::Number(n)) => Value::Float(n.as_f64().unwrap_or(0.0)),
        (ShapeKind::Float | ShapeKind::Double, Json::String(x)) => Value::Float(match x.as_str() {
            "NaN" => f64::NAN,
            "Infinity" => f64::INFINITY,
            "-Infinity" => f64::NEG_INFINITY,
            _ => x.parse().map_err(|_| format!("bad float {x}"))?,
        }),
        (ShapeKind::BigInteger | ShapeKind::BigDecimal, Json::Number(n)) => Value::BigNumber(n.to_string()),
        (ShapeKind::BigInteger | ShapeKind::BigDecimal, Json::String(x)) => Value::BigNumber(x.clone()),
        (ShapeKind::Timestamp, Json::Number(n)) => Value::Timestamp(exact_timestamp(&n.to_string())),
        (ShapeKind::Timestamp, Json::String(x)) => Value::Timestamp(
            simfra_protocols::timefmt::parse_date_time(x)
                .or_else(|| simfra_protocols::timefmt::parse_http_date(x))
                .ok_or_else(|| format!("bad timestamp {x}"))?,
        ),
        (ShapeKind::Document, x) => Value::Document(simfra_protocols::json::to_document(x)),
        (k, x) => return Err(format!("cannot read {x} as {k:?} ({})", s.name)),
    })
}

/// A top-level structure (`params` may be absent).
pub fn structure(svc: &ServiceSchema, shape: ShapeId, v: &Json) -> Result<Value, String> {
    match to_value(svc, shape, v)? {
        Value::Null => Ok(Value::Struct(Vec::new())),
        other => Ok(other),
    }
}

/// Epoch seconds from their decimal text, without binary floating-point error
/// (`946845296.123` is 123 ms, not 123.000026 ms).
fn exact_timestamp(text: &str) -> Timestamp {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    let secs: i64 = int.parse().unwrap_or(0);
    let digits: String = frac.chars().take(9).collect();
    let nanos = if digits.is_empty() { 0 } else { format!("{digits:0<9}").parse::<u32>().unwrap_or(0) };
    if secs < 0 && nanos > 0 {
        Timestamp { secs: secs - 1, nanos: 1_000_000_000 - nanos }
    } else {
        Timestamp { secs, nanos }
    }
}
