//! Deciding conditions against an item. A missing attribute or an operand
//! of the wrong type makes a comparison false rather than an error, as in
//! DynamoDB.

use super::parser::{CmpOp, Cond, Elem, Operand, Path};
use crate::attr::{compare, equal, Item};
use simfra_gen_dynamodb::types::AttributeValue;
use std::borrow::Cow;
use std::cmp::Ordering;

/// The value at a document path, if every step exists.
pub fn resolve<'a>(item: &'a Item, path: &Path) -> Option<&'a AttributeValue> {
    let (Elem::Key(first), rest) = path.split_first()? else { return None };
    let mut cur = item.get(first)?;
    for elem in rest {
        cur = match (elem, cur) {
            (Elem::Key(k), AttributeValue::M(m)) => m.get(k)?,
            (Elem::Index(i), AttributeValue::L(l)) => l.get(*i)?,
            _ => return None,
        };
    }
    Some(cur)
}

fn size_of(v: &AttributeValue) -> Option<usize> {
    Some(match v {
        AttributeValue::S(s) => s.chars().count(),
        AttributeValue::B(b) => b.len(),
        AttributeValue::Ss(s) => s.len(),
        AttributeValue::Ns(s) => s.len(),
        AttributeValue::Bs(s) => s.len(),
        AttributeValue::M(m) => m.len(),
        AttributeValue::L(l) => l.len(),
        _ => return None,
    })
}

/// An operand's value in a condition (no update functions there).
pub fn operand<'a>(item: &'a Item, op: &'a Operand) -> Option<Cow<'a, AttributeValue>> {
    match op {
        Operand::Path(p) => resolve(item, p).map(Cow::Borrowed),
        Operand::Value(v) => Some(Cow::Borrowed(v)),
        Operand::Size(p) => resolve(item, p).and_then(size_of).map(|n| Cow::Owned(AttributeValue::N(n.to_string()))),
        _ => None,
    }
}

pub fn matches(item: &Item, cond: &Cond) -> bool {
    match cond {
        Cond::And(a, b) => matches(item, a) && matches(item, b),
        Cond::Or(a, b) => matches(item, a) || matches(item, b),
        Cond::Not(c) => !matches(item, c),
        Cond::Exists(p) => resolve(item, p).is_some(),
        Cond::NotExists(p) => resolve(item, p).is_none(),
        Cond::AttributeType(p, t) => resolve(item, p).is_some_and(|v| crate::attr::type_name(v) == t),
        Cond::Compare(a, op, b) => {
            let (a, b) = (operand(item, a), operand(item, b));
            match op {
                CmpOp::Eq => matches!((&a, &b), (Some(a), Some(b)) if equal(a, b)),
                CmpOp::Ne => !matches!((&a, &b), (Some(a), Some(b)) if equal(a, b)),
                _ => {
                    let Some(ord) = a.zip(b).and_then(|(a, b)| compare(&a, &b)) else { return false };
                    match op {
                        CmpOp::Lt => ord == Ordering::Less,
                        CmpOp::Le => ord != Ordering::Greater,
                        CmpOp::Gt => ord == Ordering::Greater,
                        _ => ord != Ordering::Less,
                    }
                }
            }
        }
        Cond::Between(v, low, high) => {
            let (Some(v), Some(low), Some(high)) = (operand(item, v), operand(item, low), operand(item, high)) else { return false };
            compare(&v, &low).is_some_and(|o| o != Ordering::Less) && compare(&v, &high).is_some_and(|o| o != Ordering::Greater)
        }
        Cond::In(v, list) => {
            let Some(v) = operand(item, v) else { return false };
            list.iter().any(|o| operand(item, o).is_some_and(|o| equal(&v, &o)))
        }
        Cond::BeginsWith(a, b) => match (operand(item, a).as_deref(), operand(item, b).as_deref()) {
            (Some(AttributeValue::S(s)), Some(AttributeValue::S(p))) => s.starts_with(p.as_str()),
            (Some(AttributeValue::B(s)), Some(AttributeValue::B(p))) => s.starts_with(p),
            _ => false,
        },
        Cond::Contains(a, b) => match (operand(item, a).as_deref(), operand(item, b).as_deref()) {
            (Some(AttributeValue::S(s)), Some(AttributeValue::S(p))) => s.contains(p.as_str()),
            (Some(AttributeValue::B(s)), Some(AttributeValue::B(p))) => {
                p.is_empty() || s.windows(p.len()).any(|w| w == p.as_ref())
            }
            (Some(AttributeValue::Ss(set)), Some(AttributeValue::S(p))) => set.contains(p),
            (Some(AttributeValue::Bs(set)), Some(AttributeValue::B(p))) => set.contains(p),
            (Some(AttributeValue::Ns(set)), Some(n @ AttributeValue::N(_))) => {
                set.iter().any(|m| equal(&AttributeValue::N(m.clone()), n))
            }
            (Some(AttributeValue::L(list)), Some(v)) => list.iter().any(|e| equal(e, v)),
            _ => false,
        },
    }
}

/// Top-level attribute names a condition reads (for key-attribute checks).
pub fn top_level_names(cond: &Cond, out: &mut Vec<String>) {
    let from_operand = |op: &Operand, out: &mut Vec<String>| operand_names(op, out);
    match cond {
        Cond::And(a, b) | Cond::Or(a, b) => {
            top_level_names(a, out);
            top_level_names(b, out);
        }
        Cond::Not(c) => top_level_names(c, out),
        Cond::Exists(p) | Cond::NotExists(p) | Cond::AttributeType(p, _) => path_name(p, out),
        Cond::Compare(a, _, b) | Cond::BeginsWith(a, b) | Cond::Contains(a, b) => {
            from_operand(a, out);
            from_operand(b, out);
        }
        Cond::Between(a, b, c) => {
            for o in [a, b, c] {
                from_operand(o, out);
            }
        }
        Cond::In(a, list) => {
            from_operand(a, out);
            for o in list {
                from_operand(o, out);
            }
        }
    }
}

fn path_name(p: &Path, out: &mut Vec<String>) {
    if let Some(Elem::Key(k)) = p.first() {
        out.push(k.clone());
    }
}

fn operand_names(op: &Operand, out: &mut Vec<String>) {
    match op {
        Operand::Path(p) | Operand::Size(p) => path_name(p, out),
        Operand::IfNotExists(p, o) => {
            path_name(p, out);
            operand_names(o, out);
        }
        Operand::ListAppend(a, b) | Operand::Plus(a, b) | Operand::Minus(a, b) => {
            operand_names(a, out);
            operand_names(b, out);
        }
        Operand::Value(_) => {}
    }
}
