//! Subscription filter policies: validation when a policy is set, and
//! matching against a message's attributes (`FilterPolicyScope`
//! `MessageAttributes`) or its JSON body (`MessageBody`).
//!
//! A policy is a JSON object; every key must match (AND), each key's array
//! lists alternatives (OR), and `$or` lists alternative sub-policies.
//! Conditions: exact strings, numbers, booleans and null; `prefix`,
//! `suffix`, `equals-ignore-case`, `wildcard`, `anything-but` (of values or
//! of a prefix/suffix), `numeric` ranges, `exists` and `cidr` (IP addresses).

use serde_json::{Map, Value};
use std::net::IpAddr;

/// A value found in a message, as filter policies compare them.
#[derive(Debug, Clone, PartialEq)]
pub enum Found {
    Str(String),
    Num(f64),
    Bool(bool),
    Null,
}

impl Found {
    fn from_json(v: &Value) -> Vec<Found> {
        match v {
            Value::String(s) => vec![Found::Str(s.clone())],
            Value::Number(n) => n.as_f64().map(Found::Num).into_iter().collect(),
            Value::Bool(b) => vec![Found::Bool(*b)],
            Value::Null => vec![Found::Null],
            Value::Array(a) => a.iter().flat_map(Found::from_json).collect(),
            Value::Object(_) => Vec::new(),
        }
    }
}

/// Where a policy looks: the message's attributes, or its JSON body.
pub trait Source {
    /// The values at `path` (attribute name, or JSON object path), or `None` when absent.
    fn values(&self, path: &[&str]) -> Option<Vec<Found>>;
}

/// Message attributes by name: String values, Number values, String.Array elements.
pub struct Attributes<'a>(pub &'a [(String, String, String)]);

impl Source for Attributes<'_> {
    fn values(&self, path: &[&str]) -> Option<Vec<Found>> {
        let [name] = path else { return None };
        let (_, data_type, value) = self.0.iter().find(|(n, _, _)| n == name)?;
        let base = data_type.split('.').next().unwrap_or("");
        Some(match (base, data_type.as_str()) {
            (_, "String.Array") => match serde_json::from_str::<Value>(value) {
                Ok(Value::Array(a)) => a.iter().flat_map(Found::from_json).collect(),
                _ => vec![Found::Str(value.clone())],
            },
            ("Number", _) => value.trim().parse::<f64>().map(Found::Num).into_iter().collect(),
            ("Binary", _) => Vec::new(),
            _ => vec![Found::Str(value.clone())],
        })
    }
}

/// A JSON message body.
pub struct Body<'a>(pub &'a Value);

impl Source for Body<'_> {
    fn values(&self, path: &[&str]) -> Option<Vec<Found>> {
        let mut nodes = vec![self.0];
        for key in path {
            let mut next = Vec::new();
            for n in nodes {
                match n {
                    Value::Object(m) => next.extend(m.get(*key)),
                    // Arrays of objects: look into each.
                    Value::Array(a) => next.extend(a.iter().filter_map(|e| e.as_object()).filter_map(|m| m.get(*key))),
                    _ => {}
                }
            }
            if next.is_empty() {
                return None;
            }
            nodes = next;
        }
        Some(nodes.into_iter().flat_map(Found::from_json).collect())
    }
}

fn invalid(reason: impl std::fmt::Display) -> String {
    format!("Invalid parameter: FilterPolicy: {reason}")
}

const MAX_COMBINATIONS: usize = 150;

/// Checks a policy's form; `Err` carries AWS's InvalidParameter message.
pub fn validate(policy: &str, body_scope: bool) -> Result<(), String> {
    let v: Value = serde_json::from_str(policy).map_err(|e| invalid(format!("failed to parse JSON. {e}")))?;
    let obj = v.as_object().ok_or_else(|| invalid("Filter policy must be a JSON object"))?;
    if obj.is_empty() {
        return Ok(());
    }
    let combos = check_object(obj, body_scope)?;
    if combos > MAX_COMBINATIONS {
        return Err(invalid(format!("Filter policy is too complex: {combos} combinations, at most {MAX_COMBINATIONS}")));
    }
    Ok(())
}

/// Validates one object level; answers its number of value combinations.
fn check_object(obj: &Map<String, Value>, body_scope: bool) -> Result<usize, String> {
    let mut combos = 1usize;
    for (key, v) in obj {
        if key == "$or" {
            let alts = v.as_array().filter(|a| a.len() >= 2).ok_or_else(|| invalid("$or must be an array of at least two objects"))?;
            let mut sum = 0;
            for alt in alts {
                let o = alt.as_object().ok_or_else(|| invalid("$or must be an array of at least two objects"))?;
                sum += check_object(o, body_scope)?;
            }
            combos = combos.saturating_mul(sum);
            continue;
        }
        match v {
            Value::Array(conds) => {
                if conds.is_empty() {
                    return Err(invalid("Empty arrays are not allowed".to_string()));
                }
                for c in conds {
                    check_condition(c)?;
                }
                combos = combos.saturating_mul(conds.len());
            }
            Value::Object(inner) if body_scope => combos = combos.saturating_mul(check_object(inner, true)?),
            Value::Object(_) => return Err(invalid("Filter policy scope MessageAttributes does not support nested filter policy")),
            _ => return Err(invalid("Match value must be String, number, true, false, or null".to_string())),
        }
    }
    Ok(combos)
}

fn number(v: &Value) -> Option<f64> {
    v.as_f64()
}

fn check_condition(c: &Value) -> Result<(), String> {
    let Value::Object(op) = c else { return Ok(()) };
    let (name, arg) = match op.iter().next() {
        Some(p) if op.len() == 1 => p,
        _ => return Err(invalid("Only one key allowed in match expression")),
    };
    match name.as_str() {
        "prefix" | "suffix" | "equals-ignore-case" | "wildcard" => match arg {
            Value::String(_) => Ok(()),
            Value::Object(o) if name != "wildcard" && o.len() == 1 && o.get("equals-ignore-case").is_some_and(Value::is_string) => Ok(()),
            _ => Err(invalid(format!("{name} match pattern must be a string"))),
        },
        "exists" => arg.as_bool().map(|_| ()).ok_or_else(|| invalid("exists match pattern must be either true or false.")),
        "numeric" => check_numeric(arg),
        "cidr" => arg
            .as_str()
            .and_then(parse_cidr)
            .map(|_| ())
            .ok_or_else(|| invalid("Malformed CIDR, one '/' required".to_string())),
        "anything-but" => match arg {
            Value::String(_) | Value::Number(_) => Ok(()),
            Value::Array(a) if !a.is_empty() && (a.iter().all(Value::is_string) || a.iter().all(Value::is_number)) => Ok(()),
            Value::Object(o) if o.len() == 1 => match o.iter().next() {
                Some((k, Value::String(_))) if matches!(k.as_str(), "prefix" | "suffix" | "equals-ignore-case" | "wildcard") => Ok(()),
                Some((k, Value::Array(a))) if k == "equals-ignore-case" && a.iter().all(Value::is_string) => Ok(()),
                _ => Err(invalid("Unsupported anything-but pattern")),
            },
            _ => Err(invalid("Value of anything-but must be an array or single string/number value.")),
        },
        other => Err(invalid(format!("Unrecognized match type {other}"))),
    }
}

fn check_numeric(arg: &Value) -> Result<(), String> {
    let a = arg.as_array().filter(|a| !a.is_empty()).ok_or_else(|| invalid("Value of numeric must be an array."))?;
    let mut i = 0;
    let (mut lower, mut upper) = (None::<f64>, None::<f64>);
    while i < a.len() {
        let op = a[i].as_str().ok_or_else(|| invalid(format!("Unrecognized numeric range operator: {}", a[i])))?;
        let n = a.get(i + 1).and_then(number).ok_or_else(|| invalid(format!("Value of {op} must be numeric")))?;
        match op {
            "=" if a.len() == 2 => {}
            ">" | ">=" if lower.is_none() => lower = Some(n),
            "<" | "<=" if upper.is_none() => upper = Some(n),
            _ => return Err(invalid(format!("Unrecognized numeric range operator: {op}"))),
        }
        i += 2;
    }
    if let (Some(l), Some(u)) = (lower, upper) {
        if l >= u {
            return Err(invalid("Bottom must be less than top"));
        }
    }
    Ok(())
}

/// Whether a message matches the policy. An empty policy matches everything.
pub fn matches(policy: &Value, source: &dyn Source) -> bool {
    match policy.as_object() {
        Some(obj) => object_matches(obj, source, &mut Vec::new()),
        None => false,
    }
}

fn object_matches<'a>(obj: &'a Map<String, Value>, source: &dyn Source, path: &mut Vec<&'a str>) -> bool {
    obj.iter().all(|(key, v)| {
        if key == "$or" {
            return v.as_array().is_some_and(|alts| {
                alts.iter().any(|alt| alt.as_object().is_some_and(|o| object_matches(o, source, path)))
            });
        }
        path.push(key);
        let ok = match v {
            Value::Object(inner) => object_matches(inner, source, path),
            Value::Array(conds) => {
                let found = source.values(path);
                conds.iter().any(|c| condition_matches(c, found.as_deref()))
            }
            _ => false,
        };
        path.pop();
        ok
    })
}

fn condition_matches(cond: &Value, found: Option<&[Found]>) -> bool {
    if let Value::Object(op) = cond {
        if let Some(Value::Bool(want)) = op.get("exists") {
            return found.is_some_and(|f| !f.is_empty()) == *want;
        }
    }
    let Some(found) = found else { return false };
    match cond {
        Value::String(s) => found.iter().any(|f| matches!(f, Found::Str(v) if v == s)),
        Value::Number(n) => found.iter().any(|f| matches!(f, Found::Num(v) if Some(*v) == n.as_f64())),
        Value::Bool(b) => found.iter().any(|f| f == &Found::Bool(*b)),
        Value::Null => found.iter().any(|f| f == &Found::Null),
        Value::Object(op) => {
            let Some((name, arg)) = op.iter().next() else { return false };
            match name.as_str() {
                "prefix" => found.iter().any(|f| string_op(f, arg, |v, p| v.starts_with(p), |v, p| v.to_lowercase().starts_with(&p.to_lowercase()))),
                "suffix" => found.iter().any(|f| string_op(f, arg, |v, p| v.ends_with(p), |v, p| v.to_lowercase().ends_with(&p.to_lowercase()))),
                "equals-ignore-case" => found.iter().any(|f| matches!((f, arg), (Found::Str(v), Value::String(p)) if v.to_lowercase() == p.to_lowercase())),
                "wildcard" => found.iter().any(|f| matches!((f, arg), (Found::Str(v), Value::String(p)) if wildcard(p, v))),
                "numeric" => found.iter().any(|f| matches!(f, Found::Num(v) if numeric(arg, *v))),
                "cidr" => found.iter().any(|f| match (f, arg.as_str().and_then(parse_cidr)) {
                    (Found::Str(v), Some(net)) => v.parse::<IpAddr>().is_ok_and(|ip| in_cidr(&ip, &net)),
                    _ => false,
                }),
                "anything-but" => !found.is_empty() && found.iter().all(|f| !excluded(f, arg)),
                _ => false,
            }
        }
        Value::Array(_) => false,
    }
}

/// A string operator whose argument is a string, or `{"equals-ignore-case": s}` for its case-blind form.
fn string_op(f: &Found, arg: &Value, exact: fn(&str, &str) -> bool, blind: fn(&str, &str) -> bool) -> bool {
    let Found::Str(v) = f else { return false };
    match arg {
        Value::String(p) => exact(v, p),
        Value::Object(o) => o.get("equals-ignore-case").and_then(Value::as_str).is_some_and(|p| blind(v, p)),
        _ => false,
    }
}

fn excluded(f: &Found, arg: &Value) -> bool {
    match arg {
        Value::String(s) => matches!(f, Found::Str(v) if v == s),
        Value::Number(n) => matches!(f, Found::Num(v) if Some(*v) == n.as_f64()),
        Value::Array(a) => a.iter().any(|x| excluded(f, x)),
        Value::Object(o) => {
            let Found::Str(v) = f else { return false };
            match o.iter().next() {
                Some((k, Value::String(p))) if k == "prefix" => v.starts_with(p.as_str()),
                Some((k, Value::String(p))) if k == "suffix" => v.ends_with(p.as_str()),
                Some((k, Value::String(p))) if k == "wildcard" => wildcard(p, v),
                Some((k, Value::String(p))) if k == "equals-ignore-case" => v.to_lowercase() == p.to_lowercase(),
                Some((k, Value::Array(a))) if k == "equals-ignore-case" => {
                    a.iter().filter_map(Value::as_str).any(|p| v.to_lowercase() == p.to_lowercase())
                }
                _ => false,
            }
        }
        _ => false,
    }
}

fn numeric(arg: &Value, v: f64) -> bool {
    let Some(a) = arg.as_array() else { return false };
    a.chunks(2).all(|pair| match (pair.first().and_then(Value::as_str), pair.get(1).and_then(number)) {
        (Some("="), Some(n)) => v == n,
        (Some(">"), Some(n)) => v > n,
        (Some(">="), Some(n)) => v >= n,
        (Some("<"), Some(n)) => v < n,
        (Some("<="), Some(n)) => v <= n,
        _ => false,
    })
}

/// `*` matches any run of characters.
fn wildcard(pattern: &str, value: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == value;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !value.starts_with(first) || value.len() < first.len() + last.len() || !value.ends_with(last) {
        return false;
    }
    let mut rest = &value[first.len()..value.len() - last.len()];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(i) => rest = &rest[i + mid.len()..],
            None => return false,
        }
    }
    true
}

fn parse_cidr(s: &str) -> Option<(IpAddr, u8)> {
    let (ip, bits) = s.split_once('/')?;
    let ip: IpAddr = ip.parse().ok()?;
    let bits: u8 = bits.parse().ok()?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    (bits <= max).then_some((ip, bits))
}

fn in_cidr(ip: &IpAddr, (net, bits): &(IpAddr, u8)) -> bool {
    let (a, b, width): (u128, u128, u32) = match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(b)) => (u32::from(*a) as u128, u32::from(*b) as u128, 32),
        (IpAddr::V6(a), IpAddr::V6(b)) => (u128::from(*a), u128::from(*b), 128),
        _ => return false,
    };
    if *bits == 0 {
        return true;
    }
    let shift = width - *bits as u32;
    (a >> shift) == (b >> shift)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs(list: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
        list.iter().map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string())).collect()
    }

    fn m(policy: &str, list: &[(&str, &str, &str)]) -> bool {
        validate(policy, false).unwrap();
        matches(&serde_json::from_str(policy).unwrap(), &Attributes(&attrs(list)))
    }

    #[test]
    fn operators_on_attributes() {
        let color = [("color", "String", "red")];
        assert!(m(r#"{"color":["red","blue"]}"#, &color));
        assert!(!m(r#"{"color":["blue"]}"#, &color));
        assert!(m(r#"{"color":[{"prefix":"re"}]}"#, &color));
        assert!(m(r#"{"color":[{"suffix":"ed"}]}"#, &color));
        assert!(m(r#"{"color":[{"anything-but":["blue","green"]}]}"#, &color));
        assert!(!m(r#"{"color":[{"anything-but":{"prefix":"r"}}]}"#, &color));
        assert!(m(r#"{"color":[{"exists":true}]}"#, &color));
        assert!(m(r#"{"size":[{"exists":false}]}"#, &color));
        assert!(!m(r#"{"size":[{"anything-but":"x"}]}"#, &color));
        let price = [("price", "Number", "150")];
        assert!(m(r#"{"price":[{"numeric":[">",100,"<=",150]}]}"#, &price));
        assert!(!m(r#"{"price":[{"numeric":["<",100]}]}"#, &price));
        assert!(m(r#"{"price":[150]}"#, &price));
        assert!(m(r#"{"ip":[{"cidr":"10.0.0.0/24"}]}"#, &[("ip", "String", "10.0.0.7")]));
        assert!(!m(r#"{"ip":[{"cidr":"10.0.0.0/24"}]}"#, &[("ip", "String", "10.0.1.7")]));
        assert!(m(r#"{"tags":["b"]}"#, &[("tags", "String.Array", r#"["a","b"]"#)]));
        assert!(m(r#"{"$or":[{"color":["blue"]},{"size":[{"exists":false}]}]}"#, &color));
    }

    #[test]
    fn nested_body_paths() {
        let body: Value = serde_json::from_str(r#"{"order":{"kind":"book","items":[{"qty":3}]}}"#).unwrap();
        let p: Value = serde_json::from_str(r#"{"order":{"kind":["book"],"items":{"qty":[{"numeric":[">=",2]}]}}}"#).unwrap();
        assert!(matches(&p, &Body(&body)));
        let q: Value = serde_json::from_str(r#"{"order":{"kind":["cd"]}}"#).unwrap();
        assert!(!matches(&q, &Body(&body)));
    }

    #[test]
    fn bad_policies_are_rejected() {
        assert!(validate(r#"{"a":[{"prefixx":"x"}]}"#, false).unwrap_err().contains("Unrecognized match type prefixx"));
        assert!(validate(r#"{"a":"x"}"#, false).is_err());
        assert!(validate(r#"{"a":[{"numeric":[">",5,"<",1]}]}"#, false).is_err());
        assert!(validate(r#"{"a":{"b":["x"]}}"#, false).is_err());
        assert!(validate(r#"{"a":{"b":["x"]}}"#, true).is_ok());
    }
}
