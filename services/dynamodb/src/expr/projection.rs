//! ProjectionExpression: the listed document paths of an item, nested
//! structure kept (list elements picked by index keep their relative order).

use super::parser::{Elem, Path};
use crate::attr::Item;
use simfra_gen_dynamodb::types::AttributeValue;
use std::collections::{BTreeMap, HashMap};

/// A tree of what to keep, merged from all paths.
#[derive(Default)]
struct Keep {
    whole: bool,
    keys: BTreeMap<String, Keep>,
    indexes: BTreeMap<usize, Keep>,
}

fn pick(v: &AttributeValue, keep: &Keep) -> Option<AttributeValue> {
    if keep.whole {
        return Some(v.clone());
    }
    match v {
        AttributeValue::M(m) if !keep.keys.is_empty() => {
            let out: HashMap<String, AttributeValue> =
                keep.keys.iter().filter_map(|(k, sub)| Some((k.clone(), pick(m.get(k)?, sub)?))).collect();
            (!out.is_empty()).then_some(AttributeValue::M(out))
        }
        AttributeValue::L(l) if !keep.indexes.is_empty() => {
            let out: Vec<AttributeValue> = keep.indexes.iter().filter_map(|(i, sub)| pick(l.get(*i)?, sub)).collect();
            (!out.is_empty()).then_some(AttributeValue::L(out))
        }
        _ => None,
    }
}

pub fn project(item: &Item, paths: &[Path]) -> Item {
    let mut root = Keep::default();
    for path in paths {
        let mut node = &mut root;
        for elem in path {
            node = match elem {
                Elem::Key(k) => node.keys.entry(k.clone()).or_default(),
                Elem::Index(i) => node.indexes.entry(*i).or_default(),
            };
        }
        node.whole = true;
    }
    root.keys.iter().filter_map(|(k, keep)| Some((k.clone(), pick(item.get(k)?, keep)?))).collect()
}

/// Top-level attributes by name (AttributesToGet and index projections).
pub fn project_names<'a>(item: &Item, names: impl IntoIterator<Item = &'a String>) -> Item {
    names.into_iter().filter_map(|n| Some((n.clone(), item.get(n)?.clone()))).collect()
}
