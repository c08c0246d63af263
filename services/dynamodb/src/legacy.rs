//! The pre-expression parameters (Expected, AttributeUpdates, KeyConditions,
//! QueryFilter, ScanFilter) translated into the expression syntax tree, so
//! one evaluator serves both styles.

use crate::attr::canonical;
use crate::expr::{CmpOp, Cond, Elem, Operand, Update};
use crate::validation;
use simfra_gen_dynamodb::types::*;
use simfra_model::ServiceError;
use std::collections::HashMap;

fn value(v: &AttributeValue) -> Result<Operand, ServiceError> {
    Ok(Operand::Value(canonical(v).map_err(validation)?))
}

fn path(name: &str) -> Operand {
    Operand::Path(vec![Elem::Key(name.to_string())])
}

/// One attribute's legacy condition (`ComparisonOperator` + values).
pub fn comparison(name: &str, op: &ComparisonOperator, values: &[AttributeValue]) -> Result<Cond, ServiceError> {
    let want = |n: usize| -> Result<(), ServiceError> {
        if values.len() != n {
            return Err(validation(format!(
                "One or more parameter values were invalid: Invalid number of argument(s) for the {} ComparisonOperator",
                op
            )));
        }
        Ok(())
    };
    let scalar = |v: &AttributeValue| matches!(v, AttributeValue::S(_) | AttributeValue::N(_) | AttributeValue::B(_));
    let allowed = |v: &AttributeValue| match op {
        ComparisonOperator::Lt | ComparisonOperator::Le | ComparisonOperator::Gt | ComparisonOperator::Ge | ComparisonOperator::In | ComparisonOperator::Between => scalar(v),
        ComparisonOperator::BeginsWith => matches!(v, AttributeValue::S(_) | AttributeValue::B(_)),
        _ => true,
    };
    if let Some(bad) = values.iter().find(|v| !allowed(v)) {
        return Err(validation(format!(
            "One or more parameter values were invalid: ComparisonOperator {op} is not valid for {} AttributeValue type",
            crate::attr::type_name(bad)
        )));
    }
    let p = path(name);
    Ok(match op {
        ComparisonOperator::Eq | ComparisonOperator::Ne | ComparisonOperator::Lt | ComparisonOperator::Le | ComparisonOperator::Gt | ComparisonOperator::Ge => {
            want(1)?;
            let cmp = match op {
                ComparisonOperator::Eq => CmpOp::Eq,
                ComparisonOperator::Ne => CmpOp::Ne,
                ComparisonOperator::Lt => CmpOp::Lt,
                ComparisonOperator::Le => CmpOp::Le,
                ComparisonOperator::Gt => CmpOp::Gt,
                _ => CmpOp::Ge,
            };
            Cond::Compare(p, cmp, value(&values[0])?)
        }
        ComparisonOperator::NotNull => {
            want(0)?;
            Cond::Exists(vec![Elem::Key(name.into())])
        }
        ComparisonOperator::Null => {
            want(0)?;
            Cond::NotExists(vec![Elem::Key(name.into())])
        }
        ComparisonOperator::Contains => {
            want(1)?;
            Cond::Contains(p, value(&values[0])?)
        }
        ComparisonOperator::NotContains => {
            want(1)?;
            Cond::Not(Box::new(Cond::Contains(p, value(&values[0])?)))
        }
        ComparisonOperator::BeginsWith => {
            want(1)?;
            Cond::BeginsWith(p, value(&values[0])?)
        }
        ComparisonOperator::In => {
            if values.is_empty() {
                want(1)?;
            }
            Cond::In(p, values.iter().map(value).collect::<Result<_, _>>()?)
        }
        ComparisonOperator::Between => {
            want(2)?;
            Cond::Between(p, value(&values[0])?, value(&values[1])?)
        }
        ComparisonOperator::Unknown(_) => return Err(validation("1 validation error detected: Value at 'comparisonOperator' failed to satisfy constraint")),
    })
}

fn combine(conds: Vec<Cond>, op: Option<&ConditionalOperator>) -> Option<Cond> {
    let or = op == Some(&ConditionalOperator::Or);
    conds.into_iter().reduce(|a, b| if or { Cond::Or(Box::new(a), Box::new(b)) } else { Cond::And(Box::new(a), Box::new(b)) })
}

pub fn expected(expected: &HashMap<String, ExpectedAttributeValue>, op: Option<&ConditionalOperator>) -> Result<Option<Cond>, ServiceError> {
    let mut names: Vec<&String> = expected.keys().collect();
    names.sort();
    let mut conds = Vec::new();
    for name in names {
        let e = &expected[name];
        let invalid = |m: String| validation(format!("One or more parameter values were invalid: {m} for Attribute: {name}"));
        let cond = match (&e.comparison_operator, &e.value, e.exists, &e.attribute_value_list) {
            (_, _, _, Some(_)) if e.comparison_operator.is_none() || e.exists.is_some() => {
                return Err(invalid("AttributeValueList can only be used with a ComparisonOperator".into()))
            }
            (Some(_), Some(_), _, Some(_)) => return Err(invalid("Value and AttributeValueList cannot be used together".into())),
            (Some(_), _, Some(_), _) => return Err(invalid("Exists and ComparisonOperator cannot be used together".into())),
            (Some(op), Some(v), None, None) => comparison(name, op, std::slice::from_ref(v))?,
            (Some(op), None, None, list) => {
                let list = list.as_deref().unwrap_or(&[]);
                if list.is_empty() && !matches!(op, ComparisonOperator::Null | ComparisonOperator::NotNull) {
                    return Err(invalid(format!("Value or AttributeValueList must be used with ComparisonOperator: {op}")));
                }
                comparison(name, op, list)?
            }
            (None, Some(v), None | Some(true), None) => Cond::Compare(path(name), CmpOp::Eq, value(v)?),
            (None, None, Some(false), None) => Cond::NotExists(vec![Elem::Key(name.clone())]),
            (None, Some(_), Some(false), None) => return Err(invalid("Value cannot be used when Exists is false".into())),
            (None, None, Some(true), None) => return Err(invalid("Value must be provided when Exists is true".into())),
            _ => return Err(invalid("Value must be provided when Exists is null".into())),
        };
        conds.push(cond);
    }
    Ok(combine(conds, op))
}

pub fn conditions(map: &HashMap<String, Condition>, op: Option<&ConditionalOperator>) -> Result<Option<Cond>, ServiceError> {
    let mut names: Vec<&String> = map.keys().collect();
    names.sort();
    let mut conds = Vec::new();
    for name in names {
        let c = &map[name];
        conds.push(comparison(name, &c.comparison_operator, c.attribute_value_list.as_deref().unwrap_or(&[]))?);
    }
    Ok(combine(conds, op))
}

pub fn attribute_updates(updates: &HashMap<String, AttributeValueUpdate>) -> Result<Update, ServiceError> {
    let mut out = Update::default();
    for (name, u) in updates {
        let p = vec![Elem::Key(name.clone())];
        let v = u.value.as_ref().map(|v| canonical(v).map_err(validation)).transpose()?;
        match (u.action.clone().unwrap_or(AttributeAction::Put), v) {
            (AttributeAction::Put, Some(v)) => out.set.push((p, Operand::Value(v))),
            (AttributeAction::Delete, None) => out.remove.push(p),
            (AttributeAction::Delete, Some(v)) => out.delete.push((p, v)),
            (AttributeAction::Add, Some(v)) => out.add.push((p, v)),
            (action, None) => {
                return Err(validation(format!(
                    "One or more parameter values were invalid: Only DELETE action is allowed when no attribute value is specified; action: {action}, attribute: {name}"
                )))
            }
            _ => return Err(validation("One or more parameter values were invalid: Invalid attribute action")),
        }
    }
    Ok(out)
}
