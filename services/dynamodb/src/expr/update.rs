//! Applying an update expression to an item. SET operands are evaluated
//! against the item as it was before the update, as in DynamoDB; the
//! actions then apply in the order SET, REMOVE, ADD, DELETE.

use super::eval::resolve;
use super::parser::{Elem, Operand, Path, Update};
use crate::attr::Item;
use crate::number::Number;
use crate::validation;
use simfra_gen_dynamodb::types::AttributeValue;
use simfra_model::ServiceError;

fn wrong_type() -> ServiceError {
    validation("An operand in the update expression has an incorrect data type")
}

fn invalid_path() -> ServiceError {
    validation("The document path provided in the update expression is invalid for update")
}

fn number(v: &AttributeValue) -> Result<Number, ServiceError> {
    match v {
        AttributeValue::N(n) => Number::parse(n).map_err(|e| validation(e.message())),
        _ => Err(wrong_type()),
    }
}

fn value_of(item: &Item, op: &Operand) -> Result<AttributeValue, ServiceError> {
    let missing = || validation("The provided expression refers to an attribute that does not exist in the item");
    match op {
        Operand::Path(p) => resolve(item, p).cloned().ok_or_else(missing),
        Operand::Value(v) => Ok(v.clone()),
        Operand::Size(_) => Err(wrong_type()),
        Operand::IfNotExists(p, default) => match resolve(item, p) {
            Some(v) => Ok(v.clone()),
            None => value_of(item, default),
        },
        Operand::ListAppend(a, b) => match (value_of(item, a)?, value_of(item, b)?) {
            (AttributeValue::L(mut x), AttributeValue::L(y)) => {
                x.extend(y);
                Ok(AttributeValue::L(x))
            }
            _ => Err(wrong_type()),
        },
        Operand::Plus(a, b) | Operand::Minus(a, b) => {
            let (x, y) = (number(&value_of(item, a)?)?, number(&value_of(item, b)?)?);
            let r = if matches!(op, Operand::Plus(..)) { x.add(&y) } else { x.sub(&y) };
            r.map(|n| AttributeValue::N(n.to_string())).map_err(|e| validation(e.message()))
        }
    }
}

/// The slot a path names, creating nothing: the parent must exist.
fn parent_mut<'a>(item: &'a mut Item, path: &Path) -> Result<Option<&'a mut AttributeValue>, ServiceError> {
    if path.len() < 2 {
        return Ok(None);
    }
    let Some(Elem::Key(first)) = path.first() else { return Err(invalid_path()) };
    let mut cur = item.get_mut(first).ok_or_else(invalid_path)?;
    for elem in &path[1..path.len() - 1] {
        cur = match (elem, cur) {
            (Elem::Key(k), AttributeValue::M(m)) => m.get_mut(k).ok_or_else(invalid_path)?,
            (Elem::Index(i), AttributeValue::L(l)) => l.get_mut(*i).ok_or_else(invalid_path)?,
            _ => return Err(invalid_path()),
        };
    }
    Ok(Some(cur))
}

fn set_path(item: &mut Item, path: &Path, value: AttributeValue) -> Result<(), ServiceError> {
    let last = path.last().ok_or_else(invalid_path)?;
    match parent_mut(item, path)? {
        None => {
            let Elem::Key(k) = last else { return Err(invalid_path()) };
            item.insert(k.clone(), value);
        }
        Some(parent) => match (last, parent) {
            (Elem::Key(k), AttributeValue::M(m)) => {
                m.insert(k.clone(), value);
            }
            (Elem::Index(i), AttributeValue::L(l)) => {
                if *i < l.len() {
                    l[*i] = value;
                } else {
                    l.push(value);
                }
            }
            _ => return Err(invalid_path()),
        },
    }
    Ok(())
}

fn remove_path(item: &mut Item, path: &Path) -> Result<(), ServiceError> {
    let Some(last) = path.last() else { return Ok(()) };
    // The parent must exist and be a container of the right kind; a missing
    // last step changes nothing.
    let parent = parent_mut(item, path)?;
    match (last, parent) {
        (Elem::Key(k), None) => {
            item.remove(k);
        }
        (Elem::Key(k), Some(AttributeValue::M(m))) => {
            m.remove(k);
        }
        (Elem::Index(i), Some(AttributeValue::L(l))) => {
            if *i < l.len() {
                l.remove(*i);
            }
        }
        _ => return Err(invalid_path()),
    }
    Ok(())
}

fn set_union(existing: AttributeValue, add: &AttributeValue) -> Result<AttributeValue, ServiceError> {
    Ok(match (existing, add) {
        (AttributeValue::Ss(mut a), AttributeValue::Ss(b)) => {
            for v in b {
                if !a.contains(v) {
                    a.push(v.clone());
                }
            }
            AttributeValue::Ss(a)
        }
        (AttributeValue::Bs(mut a), AttributeValue::Bs(b)) => {
            for v in b {
                if !a.contains(v) {
                    a.push(v.clone());
                }
            }
            AttributeValue::Bs(a)
        }
        (AttributeValue::Ns(mut a), AttributeValue::Ns(b)) => {
            for v in b {
                let n = AttributeValue::N(v.clone());
                if !a.iter().any(|x| crate::attr::equal(&AttributeValue::N(x.clone()), &n)) {
                    a.push(v.clone());
                }
            }
            AttributeValue::Ns(a)
        }
        (AttributeValue::N(a), AttributeValue::N(b)) => {
            let sum = number(&AttributeValue::N(a))?.add(&number(&AttributeValue::N(b.clone()))?).map_err(|e| validation(e.message()))?;
            AttributeValue::N(sum.to_string())
        }
        _ => return Err(wrong_type()),
    })
}

/// `None` when every element was removed (the attribute then goes away).
fn set_difference(existing: AttributeValue, remove: &AttributeValue) -> Result<Option<AttributeValue>, ServiceError> {
    let out = match (existing, remove) {
        (AttributeValue::Ss(a), AttributeValue::Ss(b)) => {
            AttributeValue::Ss(a.into_iter().filter(|v| !b.contains(v)).collect())
        }
        (AttributeValue::Bs(a), AttributeValue::Bs(b)) => {
            AttributeValue::Bs(a.into_iter().filter(|v| !b.contains(v)).collect())
        }
        (AttributeValue::Ns(a), AttributeValue::Ns(b)) => AttributeValue::Ns(
            a.into_iter()
                .filter(|v| !b.iter().any(|w| crate::attr::equal(&AttributeValue::N(v.clone()), &AttributeValue::N(w.clone()))))
                .collect(),
        ),
        _ => return Err(wrong_type()),
    };
    let empty = match &out {
        AttributeValue::Ss(s) => s.is_empty(),
        AttributeValue::Ns(s) => s.is_empty(),
        AttributeValue::Bs(s) => s.is_empty(),
        _ => false,
    };
    Ok((!empty).then_some(out))
}

/// The item after the update (the input is the item before, or the key
/// alone when there was none).
pub fn apply(before: &Item, update: &Update) -> Result<Item, ServiceError> {
    let values = update
        .set
        .iter()
        .map(|(_, op)| value_of(before, op))
        .collect::<Result<Vec<_>, _>>()?;
    let mut item = before.clone();
    for ((path, _), value) in update.set.iter().zip(values) {
        set_path(&mut item, path, value)?;
    }
    // Higher list indexes first, so each index names the element it named
    // in the item before the update.
    let mut removals: Vec<&Path> = update.remove.iter().collect();
    removals.sort_by(|a, b| {
        for (x, y) in a.iter().zip(b.iter()) {
            let o = match (x, y) {
                (Elem::Index(i), Elem::Index(j)) => j.cmp(i),
                _ => std::cmp::Ordering::Equal,
            };
            if o != std::cmp::Ordering::Equal {
                return o;
            }
        }
        std::cmp::Ordering::Equal
    });
    for path in removals {
        remove_path(&mut item, path)?;
    }
    for (path, value) in &update.add {
        let next = match resolve(&item, path) {
            None => value.clone(),
            Some(existing) => set_union(existing.clone(), value)?,
        };
        set_path(&mut item, path, next)?;
    }
    for (path, value) in &update.delete {
        match parent_mut(&mut item, path)?.map(|p| &*p) {
            None | Some(AttributeValue::M(_)) if matches!(path.last(), Some(Elem::Key(_))) => {}
            Some(AttributeValue::L(_)) if matches!(path.last(), Some(Elem::Index(_))) => {}
            _ => return Err(invalid_path()),
        }
        if let Some(existing) = resolve(&item, path) {
            match set_difference(existing.clone(), value)? {
                Some(rest) => set_path(&mut item, path, rest)?,
                None => remove_path(&mut item, path)?,
            }
        }
    }
    Ok(item)
}
