//! Attribute values as DynamoDB judges them: the validation every value in a
//! request goes through (numbers, sets, NULL), the canonical form they are
//! stored in, their size towards the 400 KB item limit, and the equality and
//! ordering expressions use.

use crate::number::Number;
use crate::validation;
use simfra_gen_dynamodb::types::AttributeValue;
use simfra_model::ServiceError;
use std::cmp::Ordering;
use std::collections::HashMap;

pub type Item = HashMap<String, AttributeValue>;

pub const MAX_ITEM_SIZE: usize = 400 * 1024;

/// The type's short name as AWS writes it in messages (`S`, `NS`, `BOOL` …).
pub fn type_name(v: &AttributeValue) -> &'static str {
    match v {
        AttributeValue::S(_) => "S",
        AttributeValue::N(_) => "N",
        AttributeValue::B(_) => "B",
        AttributeValue::Ss(_) => "SS",
        AttributeValue::Ns(_) => "NS",
        AttributeValue::Bs(_) => "BS",
        AttributeValue::M(_) => "M",
        AttributeValue::L(_) => "L",
        AttributeValue::Null(_) => "NULL",
        AttributeValue::Bool(_) => "BOOL",
        AttributeValue::Unknown => "UNKNOWN",
    }
}

/// Maps and lists nest at most this deep.
const MAX_NESTING: usize = 32;

/// Checks one value and returns it in canonical form (numbers normalised).
/// `Err` carries the message AWS gives, without any prefix.
pub fn canonical(v: &AttributeValue) -> Result<AttributeValue, String> {
    canonical_at(v, 0)
}

fn canonical_at(v: &AttributeValue, depth: usize) -> Result<AttributeValue, String> {
    if depth > MAX_NESTING {
        return Err("Nesting Levels have exceeded supported limits".into());
    }
    Ok(match v {
        AttributeValue::Unknown => {
            return Err("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes".into())
        }
        AttributeValue::N(n) => AttributeValue::N(parse_number(n)?.to_string()),
        AttributeValue::Null(false) => {
            return Err("One or more parameter values were invalid: Null attribute value types must have the value of true".into())
        }
        AttributeValue::Ss(set) => {
            if set.is_empty() {
                return Err("One or more parameter values were invalid: An string set  may not be empty".into());
            }
            if set.iter().any(|s| s.is_empty()) {
                return Err("One or more parameter values were invalid: An string set may not have a empty string as a member".into());
            }
            reject_duplicates(set, |a, b| a == b, |s| s.clone(), " ")?;
            AttributeValue::Ss(set.clone())
        }
        AttributeValue::Ns(set) => {
            if set.is_empty() {
                return Err("One or more parameter values were invalid: An number set  may not be empty".into());
            }
            let numbers = set.iter().map(|n| parse_number(n)).collect::<Result<Vec<_>, _>>()?;
            if numbers.iter().enumerate().any(|(i, n)| numbers[..i].contains(n)) {
                return Err("Input collection contains duplicates".into());
            }
            AttributeValue::Ns(numbers.iter().map(|n| n.to_string()).collect())
        }
        AttributeValue::Bs(set) => {
            if set.is_empty() {
                return Err("One or more parameter values were invalid: Binary sets should not be empty".into());
            }
            if set.iter().any(|b| b.is_empty()) {
                return Err("One or more parameter values were invalid: Binary sets may not contain null or empty values".into());
            }
            reject_duplicates(set, |a, b| a == b, |b| crate::base64(b), "of type BS ")?;
            AttributeValue::Bs(set.clone())
        }
        AttributeValue::M(map) => {
            let mut out = HashMap::with_capacity(map.len());
            for (k, v) in map {
                out.insert(k.clone(), canonical_at(v, depth + 1)?);
            }
            AttributeValue::M(out)
        }
        AttributeValue::L(list) => AttributeValue::L(list.iter().map(|v| canonical_at(v, depth + 1)).collect::<Result<_, _>>()?),
        other => other.clone(),
    })
}

/// AWS's message names the members, and for binary sets the type, glued
/// to the list as AWS writes it (`[Yg==, Yg==]of type BS`).
fn reject_duplicates<T>(set: &[T], eq: impl Fn(&T, &T) -> bool, show: impl Fn(&T) -> String, type_note: &str) -> Result<(), String> {
    for (i, a) in set.iter().enumerate() {
        if set[..i].iter().any(|b| eq(a, b)) {
            let shown: Vec<String> = set.iter().map(show).collect();
            return Err(format!(
                "One or more parameter values were invalid: Input collection [{}]{type_note}contains duplicates.",
                shown.join(", ")
            ));
        }
    }
    Ok(())
}

pub fn parse_number(text: &str) -> Result<Number, String> {
    Number::parse(text).map_err(|e| e.message())
}

/// Validates and canonicalises every attribute of an item from a request.
pub fn canonical_item(item: &Item) -> Result<Item, ServiceError> {
    let mut out = HashMap::with_capacity(item.len());
    for (k, v) in item {
        out.insert(k.clone(), canonical(v).map_err(validation)?);
    }
    Ok(out)
}

/// Bytes the value counts towards the item size limit.
pub fn value_size(v: &AttributeValue) -> usize {
    match v {
        AttributeValue::S(s) => s.len(),
        AttributeValue::N(n) => Number::parse(n).map(|n| n.stored_size()).unwrap_or(n.len()),
        AttributeValue::B(b) => b.len(),
        AttributeValue::Ss(s) => s.iter().map(|s| s.len()).sum(),
        AttributeValue::Ns(s) => s.iter().map(|n| Number::parse(n).map(|n| n.stored_size()).unwrap_or(n.len())).sum(),
        AttributeValue::Bs(s) => s.iter().map(|b| b.len()).sum(),
        AttributeValue::M(m) => 3 + m.iter().map(|(k, v)| k.len() + value_size(v) + 1).sum::<usize>(),
        AttributeValue::L(l) => 3 + l.iter().map(|v| value_size(v) + 1).sum::<usize>(),
        AttributeValue::Null(_) | AttributeValue::Bool(_) => 1,
        AttributeValue::Unknown => 0,
    }
}

pub fn item_size(item: &Item) -> usize {
    item.iter().map(|(k, v)| k.len() + value_size(v)).sum()
}

/// Equality as expressions see it: numbers by value, sets ignoring order.
pub fn equal(a: &AttributeValue, b: &AttributeValue) -> bool {
    use AttributeValue::*;
    match (a, b) {
        (N(x), N(y)) => match (Number::parse(x), Number::parse(y)) {
            (Ok(x), Ok(y)) => x == y,
            _ => x == y,
        },
        (Ss(x), Ss(y)) => x.len() == y.len() && x.iter().all(|v| y.contains(v)),
        (Bs(x), Bs(y)) => x.len() == y.len() && x.iter().all(|v| y.contains(v)),
        (Ns(x), Ns(y)) => x.len() == y.len() && x.iter().all(|v| y.iter().any(|w| equal(&N(v.clone()), &N(w.clone())))),
        (M(x), M(y)) => x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| equal(v, w))),
        (L(x), L(y)) => x.len() == y.len() && x.iter().zip(y).all(|(v, w)| equal(v, w)),
        _ => a == b,
    }
}

/// Ordering for `<`, `<=`, `>`, `>=`, BETWEEN and sort keys: numbers by
/// value, strings and binaries by bytes; `None` for other or mixed types.
pub fn compare(a: &AttributeValue, b: &AttributeValue) -> Option<Ordering> {
    use AttributeValue::*;
    match (a, b) {
        (N(x), N(y)) => Some(Number::parse(x).ok()?.cmp(&Number::parse(y).ok()?)),
        (S(x), S(y)) => Some(x.as_bytes().cmp(y.as_bytes())),
        (B(x), B(y)) => Some(x.as_ref().cmp(y.as_ref())),
        _ => None,
    }
}

/// AWS's rendering of a value inside messages: `{N:10}`, `{S:abc}`.
pub fn describe(v: &AttributeValue) -> String {
    match v {
        AttributeValue::S(s) => format!("{{S:{s}}}"),
        AttributeValue::N(n) => format!("{{N:{n}}}"),
        AttributeValue::B(b) => format!("{{B:{}}}", crate::base64(b)),
        other => format!("{{{}}}", type_name(other)),
    }
}
