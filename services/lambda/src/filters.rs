//! Event filtering of event source mappings (`FilterCriteria`): each
//! filter's pattern uses EventBridge's pattern syntax; a record passes when
//! any pattern matches it. A JSON `body` (SQS) or `data` (Kinesis) is
//! matched as JSON, any other as a plain string.

use serde_json::Value as Json;
use simfra_gen_lambda::types::FilterCriteria;

pub fn compile(criteria: Option<&FilterCriteria>) -> Vec<Json> {
    criteria
        .and_then(|c| c.filters.as_ref())
        .map(|fs| fs.iter().filter_map(|f| serde_json::from_str(f.pattern.as_deref()?).ok()).collect())
        .unwrap_or_default()
}

/// No patterns: everything passes.
pub fn matches_any(patterns: &[Json], record: &Json) -> bool {
    if patterns.is_empty() {
        return true;
    }
    let mut view = record.clone();
    for field in ["body", "data"] {
        if let Some(Json::String(s)) = view.get(field) {
            if let Ok(parsed) = serde_json::from_str::<Json>(s) {
                if parsed.is_object() {
                    view[field] = parsed;
                }
            }
        }
    }
    patterns.iter().any(|p| matches(p, Some(&view)))
}

fn matches(pattern: &Json, value: Option<&Json>) -> bool {
    match pattern {
        Json::Object(fields) => fields.iter().all(|(k, p)| {
            let v = value.and_then(|v| v.get(k));
            match p {
                Json::Object(_) => matches(p, v),
                Json::Array(alternatives) => alternatives.iter().any(|a| matches_one(a, v)),
                _ => false,
            }
        }),
        _ => false,
    }
}

/// One alternative of a field's list against the field's value (arrays match element-wise).
fn matches_one(alt: &Json, value: Option<&Json>) -> bool {
    if let Json::Object(op) = alt {
        if let Some(Json::Bool(want)) = op.get("exists") {
            return value.is_some() == *want;
        }
    }
    match value {
        Some(Json::Array(items)) => items.iter().any(|i| matches_scalar(alt, Some(i))),
        v => matches_scalar(alt, v),
    }
}

fn matches_scalar(alt: &Json, value: Option<&Json>) -> bool {
    match alt {
        Json::Object(op) => {
            let Some((name, arg)) = op.iter().next() else { return false };
            let s = value.and_then(Json::as_str);
            match name.as_str() {
                "prefix" => s.zip(arg.as_str()).is_some_and(|(s, p)| s.starts_with(p)),
                "suffix" => s.zip(arg.as_str()).is_some_and(|(s, p)| s.ends_with(p)),
                "equals-ignore-case" => s.zip(arg.as_str()).is_some_and(|(s, p)| s.eq_ignore_ascii_case(p)),
                "anything-but" => {
                    let Some(v) = value else { return false };
                    match arg {
                        Json::Array(list) => !list.iter().any(|x| scalar_eq(x, v)),
                        Json::Object(_) => !matches_scalar(arg, Some(v)),
                        x => !scalar_eq(x, v),
                    }
                }
                "numeric" => value.and_then(Json::as_f64).is_some_and(|n| numeric(arg, n)),
                _ => false,
            }
        }
        x => value.is_some_and(|v| scalar_eq(x, v)),
    }
}

fn scalar_eq(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

fn numeric(arg: &Json, n: f64) -> bool {
    let Some(ops) = arg.as_array() else { return false };
    ops.chunks(2).all(|pair| {
        let (Some(op), Some(x)) = (pair.first().and_then(Json::as_str), pair.get(1).and_then(Json::as_f64)) else { return false };
        match op {
            "=" => n == x,
            "<" => n < x,
            "<=" => n <= x,
            ">" => n > x,
            ">=" => n >= x,
            _ => false,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn patterns_match_json_bodies() {
        let p = vec![json!({"body": {"kind": ["keep"], "n": [{"numeric": [">", 5]}]}})];
        assert!(matches_any(&p, &json!({"body": "{\"kind\":\"keep\",\"n\":7}"})));
        assert!(!matches_any(&p, &json!({"body": "{\"kind\":\"keep\",\"n\":3}"})));
        assert!(!matches_any(&p, &json!({"body": "plain"})));
        assert!(matches_any(&[json!({"body": [{"prefix": "pl"}]})], &json!({"body": "plain"})));
        assert!(matches_any(&[], &json!({})));
        assert!(matches_any(&[json!({"x": [{"exists": false}]})], &json!({})));
        assert!(matches_any(&[json!({"a": [{"anything-but": ["b"]}]})], &json!({"a": "c"})));
    }
}
