//! DynamoDB's expression language: condition, filter, key-condition, update
//! and projection expressions. `lexer` tokenizes, `parser` builds the syntax
//! tree while resolving `#name`/`:value` placeholders and applying AWS's
//! static checks (reserved words, undefined or unused placeholders, operand
//! types of literal values, overlapping paths), `eval` decides conditions
//! against an item, `update` applies update expressions and `projection`
//! selects attributes. Messages are AWS's own, prefixed with the
//! expression's parameter name (`Invalid UpdateExpression: …`).

pub mod eval;
pub mod lexer;
pub mod parser;
pub mod projection;
mod reserved;
pub mod update;

use crate::attr::Item;
use crate::validation;
use simfra_model::ServiceError;
use std::collections::{BTreeSet, HashMap};

pub use parser::{CmpOp, Cond, Elem, Operand, Path, Update};

/// Which request parameter an expression came from; it names the expression
/// in messages and decides which constructs are allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Condition,
    Filter,
    KeyCondition,
    Update,
    Projection,
}

impl Kind {
    pub fn param(self) -> &'static str {
        match self {
            Kind::Condition => "ConditionExpression",
            Kind::Filter => "FilterExpression",
            Kind::KeyCondition => "KeyConditionExpression",
            Kind::Update => "UpdateExpression",
            Kind::Projection => "ProjectionExpression",
        }
    }
}

/// The placeholders of one request and which of them expressions used, so
/// that unused ones can be rejected as AWS does.
pub struct Symbols<'a> {
    names: Option<&'a HashMap<String, String>>,
    values: Option<&'a Item>,
    used_names: BTreeSet<String>,
    used_values: BTreeSet<String>,
    /// Values validated and canonicalised once.
    canonical_values: HashMap<String, simfra_gen_dynamodb::types::AttributeValue>,
}

impl<'a> Symbols<'a> {
    /// Checks the placeholder maps themselves (non-empty, well-formed keys,
    /// valid values). `any_expression` says whether the request has an
    /// expression at all.
    pub fn new(
        names: Option<&'a HashMap<String, String>>,
        values: Option<&'a Item>,
        any_expression: bool,
    ) -> Result<Symbols<'a>, ServiceError> {
        if let Some(n) = names {
            if !any_expression {
                return Err(validation("ExpressionAttributeNames can only be specified when using expressions"));
            }
            if n.is_empty() {
                return Err(validation("ExpressionAttributeNames must not be empty"));
            }
            for key in n.keys() {
                if !key.starts_with('#') || key.len() < 2 || !key[1..].chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    return Err(validation(format!("ExpressionAttributeNames contains invalid key: Syntax error; key: \"{key}\"")));
                }
            }
        }
        let mut canonical_values = HashMap::new();
        if let Some(v) = values {
            if !any_expression {
                return Err(validation("ExpressionAttributeValues can only be specified when using expressions"));
            }
            if v.is_empty() {
                return Err(validation("ExpressionAttributeValues must not be empty"));
            }
            let mut keys: Vec<&String> = v.keys().collect();
            keys.sort();
            for key in keys {
                if !key.starts_with(':') || key.len() < 2 || !key[1..].chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    return Err(validation(format!("ExpressionAttributeValues contains invalid key: Syntax error; key: \"{key}\"")));
                }
                let value = crate::attr::canonical(&v[key]).map_err(|m| {
                    validation(format!("ExpressionAttributeValues contains invalid value: {m} for key {key}"))
                })?;
                canonical_values.insert(key.clone(), value);
            }
        }
        Ok(Symbols { names, values, used_names: BTreeSet::new(), used_values: BTreeSet::new(), canonical_values })
    }

    /// Placeholders that no expression used: AWS rejects the request.
    pub fn check_unused(&self) -> Result<(), ServiceError> {
        if let Some(n) = self.names {
            let mut unused: Vec<&String> = n.keys().filter(|k| !self.used_names.contains(*k)).collect();
            if !unused.is_empty() {
                unused.sort();
                let keys: Vec<&str> = unused.iter().map(|s| s.as_str()).collect();
                return Err(validation(format!(
                    "Value provided in ExpressionAttributeNames unused in expressions: keys: {{{}}}",
                    keys.join(", ")
                )));
            }
        }
        if let Some(v) = self.values {
            let mut unused: Vec<&String> = v.keys().filter(|k| !self.used_values.contains(*k)).collect();
            if !unused.is_empty() {
                unused.sort();
                let keys: Vec<&str> = unused.iter().map(|s| s.as_str()).collect();
                return Err(validation(format!(
                    "Value provided in ExpressionAttributeValues unused in expressions: keys: {{{}}}",
                    keys.join(", ")
                )));
            }
        }
        Ok(())
    }

    fn name(&mut self, alias: &str) -> Option<String> {
        let resolved = self.names.and_then(|n| n.get(alias)).cloned();
        if resolved.is_some() {
            self.used_names.insert(alias.to_string());
        }
        resolved
    }

    fn value(&mut self, placeholder: &str) -> Option<simfra_gen_dynamodb::types::AttributeValue> {
        let v = self.canonical_values.get(placeholder).cloned();
        if v.is_some() {
            self.used_values.insert(placeholder.to_string());
        }
        v
    }
}

/// Parses a condition or filter expression.
pub fn condition(src: &str, kind: Kind, symbols: &mut Symbols) -> Result<Cond, ServiceError> {
    parser::Parser::new(src, kind, symbols)?.condition()
}

pub fn update_expression(src: &str, symbols: &mut Symbols) -> Result<Update, ServiceError> {
    parser::Parser::new(src, Kind::Update, symbols)?.update()
}

pub fn projection_expression(src: &str, symbols: &mut Symbols) -> Result<Vec<Path>, ServiceError> {
    parser::Parser::new(src, Kind::Projection, symbols)?.projection()
}

#[cfg(test)]
mod tests {
    use super::*;
    use simfra_gen_dynamodb::types::AttributeValue;

    fn values(pairs: &[(&str, AttributeValue)]) -> Item {
        pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
    }

    fn message(e: ServiceError) -> String {
        e.message.unwrap_or_default()
    }

    #[test]
    fn precedence_is_not_over_and_over_or() {
        let v = values(&[(":a", AttributeValue::N("1".into()))]);
        let mut s = Symbols::new(None, Some(&v), true).unwrap();
        let c = condition("NOT x = :a AND y = :a OR z = :a", Kind::Condition, &mut s).unwrap();
        let Cond::Or(left, _) = c else { panic!("OR must be outermost") };
        let Cond::And(not, _) = *left else { panic!("AND binds tighter than OR") };
        assert!(matches!(*not, Cond::Not(_)));
    }

    #[test]
    fn syntax_errors_quote_neighbouring_tokens() {
        let mut s = Symbols::new(None, None, true).unwrap();
        let e = condition("a b", Kind::Condition, &mut s).unwrap_err();
        assert_eq!(message(e), "Invalid ConditionExpression: Syntax error; token: \"b\", near: \"a b\"");
        let e = projection_expression("a,", &mut s).unwrap_err();
        assert_eq!(message(e), "Invalid ProjectionExpression: Syntax error; token: \"<EOF>\", near: \",\"");
    }

    #[test]
    fn syntax_errors_win_over_semantic_ones() {
        let mut s = Symbols::new(None, None, true).unwrap();
        // `:undefined` is reported only if the whole expression parses.
        let e = condition("a = :undefined AND", Kind::Condition, &mut s).unwrap_err();
        assert!(message(e).contains("Syntax error"));
    }

    #[test]
    fn update_clauses_in_any_order_and_case() {
        let v = values(&[(":n", AttributeValue::N("1".into())), (":s", AttributeValue::Ss(vec!["x".into()]))]);
        let mut s = Symbols::new(None, Some(&v), true).unwrap();
        let u = update_expression("remove a delete b :s set c = :n add d :n", &mut s).unwrap();
        assert_eq!((u.set.len(), u.remove.len(), u.add.len(), u.delete.len()), (1, 1, 1, 1));
        s.check_unused().unwrap();
    }

    #[test]
    fn update_applies_against_the_item_before() {
        let v = values(&[(":one", AttributeValue::N("1".into()))]);
        let mut s = Symbols::new(None, Some(&v), true).unwrap();
        let u = update_expression("SET a = b + :one, b = a", &mut s).unwrap();
        let before = values(&[("a", AttributeValue::N("10".into())), ("b", AttributeValue::N("20".into()))]);
        let after = update::apply(&before, &u).unwrap();
        assert_eq!(after["a"], AttributeValue::N("21".into()));
        assert_eq!(after["b"], AttributeValue::N("10".into()));
    }
}
