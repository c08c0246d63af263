//! The `Condition` block: operators, `…IfExists`, `ForAllValues:`/`ForAnyValue:`.

use crate::document::PolicyError;
use crate::matching::{arn_like, glob_match, substitute};
use crate::Request;
use serde_json::Value as Json;
use std::net::IpAddr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SetQualifier {
    None,
    ForAllValues,
    ForAnyValue,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
}

impl Op {
    fn parse(s: &str) -> Option<Op> {
        Some(match s {
            "StringEquals" => Op::StringEquals,
            "StringNotEquals" => Op::StringNotEquals,
            "StringEqualsIgnoreCase" => Op::StringEqualsIgnoreCase,
            "StringNotEqualsIgnoreCase" => Op::StringNotEqualsIgnoreCase,
            "StringLike" => Op::StringLike,
            "StringNotLike" => Op::StringNotLike,
            "NumericEquals" => Op::NumericEquals,
            "NumericNotEquals" => Op::NumericNotEquals,
            "NumericLessThan" => Op::NumericLessThan,
            "NumericLessThanEquals" => Op::NumericLessThanEquals,
            "NumericGreaterThan" => Op::NumericGreaterThan,
            "NumericGreaterThanEquals" => Op::NumericGreaterThanEquals,
            "DateEquals" => Op::DateEquals,
            "DateNotEquals" => Op::DateNotEquals,
            "DateLessThan" => Op::DateLessThan,
            "DateLessThanEquals" => Op::DateLessThanEquals,
            "DateGreaterThan" => Op::DateGreaterThan,
            "DateGreaterThanEquals" => Op::DateGreaterThanEquals,
            "Bool" => Op::Bool,
            "BinaryEquals" => Op::BinaryEquals,
            "IpAddress" => Op::IpAddress,
            "NotIpAddress" => Op::NotIpAddress,
            "ArnEquals" => Op::ArnEquals,
            "ArnLike" => Op::ArnLike,
            "ArnNotEquals" => Op::ArnNotEquals,
            "ArnNotLike" => Op::ArnNotLike,
            "Null" => Op::Null,
            _ => return None,
        })
    }

    /// Negated operators hold when no value matches.
    fn negated(self) -> bool {
        matches!(
            self,
            Op::StringNotEquals
                | Op::StringNotEqualsIgnoreCase
                | Op::StringNotLike
                | Op::NumericNotEquals
                | Op::DateNotEquals
                | Op::NotIpAddress
                | Op::ArnNotEquals
                | Op::ArnNotLike
        )
    }

    /// The positive form of a negated operator.
    fn positive(self) -> Op {
        match self {
            Op::StringNotEquals => Op::StringEquals,
            Op::StringNotEqualsIgnoreCase => Op::StringEqualsIgnoreCase,
            Op::StringNotLike => Op::StringLike,
            Op::NumericNotEquals => Op::NumericEquals,
            Op::DateNotEquals => Op::DateEquals,
            Op::NotIpAddress => Op::IpAddress,
            Op::ArnNotEquals => Op::ArnEquals,
            Op::ArnNotLike => Op::ArnLike,
            o => o,
        }
    }
}

/// One `operator: { key: values }` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    op: Op,
    if_exists: bool,
    set: SetQualifier,
    key: String,
    values: Vec<String>,
}

impl Condition {
    /// Makes the values' policy variables literal (see `document::parse`).
    pub(crate) fn escape_variables(&mut self, escape: fn(&str) -> String) {
        for v in &mut self.values {
            *v = escape(v);
        }
    }
}

fn value_strings(v: &Json) -> Result<Vec<String>, PolicyError> {
    let one = |v: &Json| match v {
        Json::String(s) => Ok(s.clone()),
        Json::Bool(b) => Ok(b.to_string()),
        Json::Number(n) => Ok(n.to_string()),
        _ => Err(PolicyError("Syntax errors in policy: condition values must be strings, numbers or booleans".into())),
    };
    match v {
        Json::Array(items) => items.iter().map(one).collect(),
        other => Ok(vec![one(other)?]),
    }
}

pub fn parse_conditions(v: &Json) -> Result<Vec<Condition>, PolicyError> {
    let Json::Object(ops) = v else { return Err(PolicyError("Syntax errors in policy: Condition must be an object".into())) };
    let mut out = Vec::new();
    for (raw_op, keys) in ops {
        let (set, rest) = if let Some(r) = raw_op.strip_prefix("ForAllValues:") {
            (SetQualifier::ForAllValues, r)
        } else if let Some(r) = raw_op.strip_prefix("ForAnyValue:") {
            (SetQualifier::ForAnyValue, r)
        } else {
            (SetQualifier::None, raw_op.as_str())
        };
        let (name, if_exists) = match rest.strip_suffix("IfExists") {
            Some(n) => (n, true),
            None => (rest, false),
        };
        let op = Op::parse(name).ok_or_else(|| PolicyError(format!("Invalid Condition type : {raw_op}")))?;
        let Json::Object(keys) = keys else {
            return Err(PolicyError(format!("Syntax errors in policy: {raw_op} must map keys to values")));
        };
        for (key, values) in keys {
            out.push(Condition { op, if_exists, set, key: key.clone(), values: value_strings(values)? });
        }
    }
    Ok(out)
}

fn parse_date(s: &str) -> Option<f64> {
    if let Ok(n) = s.parse::<f64>() {
        return Some(n);
    }
    // 2026-01-01T00:00:00Z, 2026-01-01
    let b = s.as_bytes();
    if b.len() < 10 {
        return None;
    }
    let y: i64 = s.get(0..4)?.parse().ok()?;
    let m: i64 = s.get(5..7)?.parse().ok()?;
    let d: i64 = s.get(8..10)?.parse().ok()?;
    let (mut hh, mut mm, mut ss) = (0i64, 0i64, 0f64);
    if b.len() >= 19 {
        hh = s.get(11..13)?.parse().ok()?;
        mm = s.get(14..16)?.parse().ok()?;
        ss = s.get(17..19)?.parse().ok()?;
    }
    let days = simfra_model::calendar::days_from_civil(y, m as u32, d as u32);
    Some((days * 86_400 + hh * 3600 + mm * 60) as f64 + ss)
}

fn ip_in(cidr: &str, ip: &str) -> bool {
    let Ok(addr) = ip.parse::<IpAddr>() else { return false };
    let (net, bits) = match cidr.split_once('/') {
        Some((n, b)) => (n, b.parse::<u32>().ok()),
        None => (cidr, None),
    };
    let Ok(net) = net.parse::<IpAddr>() else { return false };
    match (addr, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let bits = bits.unwrap_or(32).min(32);
            let mask = if bits == 0 { 0 } else { u32::MAX << (32 - bits) };
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let bits = bits.unwrap_or(128).min(128);
            let mask = if bits == 0 { 0 } else { u128::MAX << (128 - bits) };
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

/// Whether one request value matches one policy value under a positive operator.
fn matches_one(op: Op, policy: &str, actual: &str) -> bool {
    match op {
        Op::StringEquals => policy == actual,
        Op::StringEqualsIgnoreCase => policy.eq_ignore_ascii_case(actual),
        Op::StringLike => glob_match(policy, actual, false),
        Op::NumericEquals | Op::NumericLessThan | Op::NumericLessThanEquals | Op::NumericGreaterThan | Op::NumericGreaterThanEquals => {
            let (Ok(p), Ok(a)) = (policy.parse::<f64>(), actual.parse::<f64>()) else { return false };
            match op {
                Op::NumericEquals => a == p,
                Op::NumericLessThan => a < p,
                Op::NumericLessThanEquals => a <= p,
                Op::NumericGreaterThan => a > p,
                _ => a >= p,
            }
        }
        Op::DateEquals | Op::DateLessThan | Op::DateLessThanEquals | Op::DateGreaterThan | Op::DateGreaterThanEquals => {
            let (Some(p), Some(a)) = (parse_date(policy), parse_date(actual)) else { return false };
            match op {
                Op::DateEquals => a == p,
                Op::DateLessThan => a < p,
                Op::DateLessThanEquals => a <= p,
                Op::DateGreaterThan => a > p,
                _ => a >= p,
            }
        }
        Op::Bool => policy.eq_ignore_ascii_case(actual),
        Op::BinaryEquals => policy == actual,
        Op::IpAddress => ip_in(policy, actual),
        Op::ArnEquals | Op::ArnLike => arn_like(policy, actual),
        _ => false,
    }
}

impl Condition {
    pub fn holds(&self, req: &Request) -> bool {
        let actual = req.key(&self.key);
        if self.op == Op::Null {
            // `Null: {key: true}` holds when the key is absent.
            let want_absent = self.values.iter().any(|v| v.eq_ignore_ascii_case("true"));
            return actual.map(|v| v.is_empty()).unwrap_or(true) == want_absent;
        }
        let Some(actual) = actual.filter(|v| !v.is_empty()) else {
            // A missing key: IfExists conditions hold; ForAllValues holds vacuously;
            // negated operators hold (nothing equals); others fail.
            return self.if_exists || self.set == SetQualifier::ForAllValues || (self.set == SetQualifier::None && self.op.negated());
        };
        let values: Vec<String> = self.values.iter().map(|v| substitute(v, req)).collect();
        let positive = self.op.positive();
        let any_match = |a: &str| values.iter().any(|p| matches_one(positive, p, a));
        let hit = |a: &str| if self.op.negated() { !any_match(a) } else { any_match(a) };
        match self.set {
            SetQualifier::ForAllValues => actual.iter().all(|a| hit(a)),
            SetQualifier::ForAnyValue => actual.iter().any(|a| hit(a)),
            // A single-valued key: every value of a multi-valued one must satisfy a negation,
            // any value may satisfy a positive operator.
            SetQualifier::None if self.op.negated() => actual.iter().all(|a| hit(a)),
            SetQualifier::None => actual.iter().any(|a| hit(a)),
        }
    }
}
