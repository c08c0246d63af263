//! Resource templates: `arn:{partition}:sqs:{region}:{QueueUrl|url-account}:{QueueUrl|last}`.
//!
//! A placeholder is `{partition}`, `{region}`, `{account}`, `{caller}` (the
//! calling IAM user's ARN), or a member path
//! of the input (`Bucket`, `Delete.Objects.Key`: structures by member name,
//! lists element by element, maps by value) with filters after `|`, and
//! alternatives after `,` (`{registryId,account}`: the first that is there).
//! A template expands to one string per value of its one multi-valued
//! placeholder (several keys of a `DeleteObjects` are several ARNs), and to
//! nothing when a member it needs is absent.
//!
//! Members that take "a name or an ARN" (`FunctionName`, `TableName`,
//! `cluster` …) are common: when a member's value already is an ARN, that
//! ARN is the expansion, whatever the rest of the template says.

use super::Ctx;
use simfra_model::{ServiceSchema, ShapeId, ShapeKind, Value};

#[derive(Debug, Clone, PartialEq)]
enum Part {
    Text(String),
    Hole(Vec<Source>),
}

/// Where a placeholder's value comes from, one alternative of it.
#[derive(Debug, Clone, PartialEq)]
struct Source {
    what: What,
    filters: Vec<Filter>,
}

#[derive(Debug, Clone, PartialEq)]
enum What {
    Partition,
    Region,
    Account,
    /// The calling IAM user's ARN (none for other callers).
    Caller,
    Member(Vec<String>),
    /// A literal fallback: `{Name,'default'}`.
    Literal(String),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Filter {
    /// After the last `/` (a queue URL's name).
    Last,
    /// A queue URL's account (the path segment before the name), or the caller's.
    UrlAccount,
    /// A map's keys instead of its values.
    Keys,
    /// Only a value that is an ARN.
    ArnOnly,
    /// Only a value that is not an ARN (a name).
    NotArn,
    /// A leading `/` (SSM parameter names are `/a/b` or `b`).
    Slash,
    /// KMS: `alias/x` stays, a key id becomes `key/<id>`.
    KmsKey,
    /// An ARN's last `:`-separated part dropped (a subscription's topic).
    ArnParent,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Template {
    parts: Vec<Part>,
    /// The template is a single placeholder (`{TopicArn}`): its values are
    /// taken as they are.
    bare: bool,
}

impl Template {
    pub fn parse(text: &str) -> Result<Template, String> {
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                parts.push(Part::Text(rest[..open].to_string()));
            }
            let close = rest[open..].find('}').ok_or_else(|| format!("unclosed placeholder in {text}"))? + open;
            let hole = &rest[open + 1..close];
            let mut sources = Vec::new();
            for alt in hole.split(',') {
                sources.push(parse_source(alt.trim()).map_err(|e| format!("{e} in {text}"))?);
            }
            parts.push(Part::Hole(sources));
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_string()));
        }
        let bare = matches!(parts.as_slice(), [Part::Hole(_)]);
        Ok(Template { parts, bare })
    }

    /// The strings this template names for the request; `None` when a
    /// member it needs is absent.
    pub fn expand(&self, ctx: &Ctx) -> Option<Vec<String>> {
        let mut holes: Vec<Vec<String>> = Vec::new();
        for part in &self.parts {
            if let Part::Hole(sources) = part {
                let values = sources.iter().find_map(|s| s.values(ctx).filter(|v| !v.is_empty()))?;
                holes.push(values);
            }
        }
        // A member that is an ARN already names the resource.
        if !self.bare {
            let mut i = 0;
            for part in &self.parts {
                if let Part::Hole(sources) = part {
                    if sources.iter().any(|s| matches!(s.what, What::Member(_))) && holes[i].iter().all(|v| v.starts_with("arn:")) {
                        return Some(holes[i].clone());
                    }
                    i += 1;
                }
            }
        }
        // One string per value of the widest placeholder; single values repeat.
        let n = holes.iter().map(Vec::len).max().unwrap_or(1);
        let mut out = Vec::with_capacity(n);
        for k in 0..n {
            let mut s = String::new();
            let mut i = 0;
            for part in &self.parts {
                match part {
                    Part::Text(t) => s.push_str(t),
                    Part::Hole(_) => {
                        let vals = &holes[i];
                        s.push_str(if vals.len() == 1 { &vals[0] } else { vals.get(k).map(String::as_str).unwrap_or("") });
                        i += 1;
                    }
                }
            }
            out.push(s);
        }
        Some(out)
    }

    /// The member paths the template reads (for the rule-file checks).
    #[cfg(test)]
    pub fn members(&self) -> Vec<&[String]> {
        let mut out = Vec::new();
        for part in &self.parts {
            if let Part::Hole(sources) = part {
                for s in sources {
                    if let What::Member(path) = &s.what {
                        out.push(path.as_slice());
                    }
                }
            }
        }
        out
    }
}

fn parse_source(text: &str) -> Result<Source, String> {
    let mut pieces = text.split('|');
    let head = pieces.next().unwrap_or("").trim();
    let what = match head {
        "partition" => What::Partition,
        "region" => What::Region,
        "account" => What::Account,
        "caller" => What::Caller,
        h if h.starts_with('\'') && h.ends_with('\'') && h.len() >= 2 => What::Literal(h[1..h.len() - 1].to_string()),
        h if !h.is_empty() && h.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_') => {
            What::Member(h.split('.').map(str::to_string).collect())
        }
        h => return Err(format!("bad placeholder `{h}`")),
    };
    let mut filters = Vec::new();
    for f in pieces {
        filters.push(match f.trim() {
            "last" => Filter::Last,
            "url-account" => Filter::UrlAccount,
            "keys" => Filter::Keys,
            "arn-only" => Filter::ArnOnly,
            "not-arn" => Filter::NotArn,
            "slash" => Filter::Slash,
            "kms-key" => Filter::KmsKey,
            "arn-parent" => Filter::ArnParent,
            other => return Err(format!("unknown filter `{other}`")),
        });
    }
    Ok(Source { what, filters })
}

impl Source {
    fn values(&self, ctx: &Ctx) -> Option<Vec<String>> {
        let mut vals = match &self.what {
            What::Partition => vec![ctx.partition.to_string()],
            What::Region => vec![ctx.region.to_string()],
            What::Account => vec![ctx.account.to_string()],
            What::Caller => match ctx.caller {
                // An IAM user, or the root user (AssumeRoot's task policies name `arn:aws:iam::*:root`).
                Some(arn) if arn.split(':').nth(5).is_some_and(|r| r.starts_with("user/") || r == "root") => vec![arn.to_string()],
                _ => return None,
            },
            What::Literal(s) => vec![s.clone()],
            What::Member(path) => {
                let keys = self.filters.contains(&Filter::Keys);
                let found = member_values(ctx.svc, ctx.op.input, ctx.input, path, keys);
                if found.is_empty() {
                    return None;
                }
                found
            }
        };
        for f in &self.filters {
            vals = vals
                .into_iter()
                .filter_map(|v| match f {
                    Filter::Last => Some(v.rsplit('/').next().unwrap_or("").to_string()),
                    Filter::UrlAccount => {
                        let path: Vec<&str> = v.split('/').collect();
                        let acct = if path.len() >= 2 { path[path.len() - 2] } else { "" };
                        Some(if acct.len() == 12 && acct.bytes().all(|b| b.is_ascii_digit()) { acct.to_string() } else { ctx.account.to_string() })
                    }
                    Filter::Keys => Some(v),
                    Filter::ArnOnly => v.starts_with("arn:").then_some(v),
                    Filter::NotArn => (!v.starts_with("arn:")).then_some(v),
                    Filter::Slash => Some(if v.starts_with('/') { v } else { format!("/{v}") }),
                    Filter::KmsKey => Some(if v.starts_with("alias/") || v.starts_with("arn:") { v } else { format!("key/{v}") }),
                    Filter::ArnParent => Some(match v.rfind(':') {
                        Some(i) if v.starts_with("arn:") && v.matches(':').count() > 5 => v[..i].to_string(),
                        _ => v,
                    }),
                })
                .filter(|v| !v.is_empty())
                .collect();
        }
        Some(vals)
    }
}

/// Every scalar value at `path` in `value` (a structure of shape `shape`),
/// as text. Lists are walked element by element; maps give their values,
/// or their keys when `keys` and the path ends at the map.
pub(crate) fn member_values(svc: &ServiceSchema, shape: ShapeId, value: &Value, path: &[String], keys: bool) -> Vec<String> {
    let mut out = Vec::new();
    walk(svc, shape, value, path, keys, &mut out);
    out
}

fn walk(svc: &ServiceSchema, shape: ShapeId, value: &Value, path: &[String], keys: bool, out: &mut Vec<String>) {
    let s = svc.shape(shape);
    match (s.kind, value) {
        (ShapeKind::List, Value::List(items)) => {
            let Some(m) = s.members.first() else { return };
            for item in items {
                walk(svc, m.target, item, path, keys, out);
            }
        }
        (ShapeKind::Map, Value::Map(entries)) => {
            if path.is_empty() && keys {
                out.extend(entries.iter().map(|(k, _)| k.clone()));
                return;
            }
            let Some(m) = s.members.get(1) else { return };
            for (_, v) in entries {
                walk(svc, m.target, v, path, keys, out);
            }
        }
        (ShapeKind::Structure | ShapeKind::Union, Value::Struct(_)) => {
            let Some((first, rest)) = path.split_first() else { return };
            let Some(idx) = s.member_index(first) else { return };
            let Some(v) = value.field(idx) else { return };
            walk(svc, s.members[idx].target, v, rest, keys, out);
        }
        (_, v) if path.is_empty() => {
            if let Some(text) = scalar_text(v) {
                out.push(text);
            }
        }
        _ => {}
    }
}

/// A scalar as the text condition keys and ARNs carry.
pub(crate) fn scalar_text(v: &Value) -> Option<String> {
    Some(match v {
        Value::String(s) => s.clone(),
        Value::Int(i) => i.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Float(f) => f.to_string(),
        Value::BigNumber(n) => n.clone(),
        _ => return None,
    })
}

/// Whether the input has something at `path` (a non-empty list or map counts,
/// an empty one does not).
pub(crate) fn present(svc: &ServiceSchema, shape: ShapeId, value: &Value, path: &[String]) -> bool {
    let s = svc.shape(shape);
    match (s.kind, value) {
        (_, Value::Null) => false,
        (ShapeKind::List, Value::List(items)) => {
            let Some(m) = s.members.first() else { return false };
            items.iter().any(|i| path.is_empty() || present(svc, m.target, i, path))
        }
        (ShapeKind::Map, Value::Map(entries)) => path.is_empty() && !entries.is_empty(),
        (ShapeKind::Structure | ShapeKind::Union, Value::Struct(_)) => {
            let Some((first, rest)) = path.split_first() else { return true };
            let Some(idx) = s.member_index(first) else { return false };
            match value.field(idx) {
                Some(v) => present(svc, s.members[idx].target, v, rest),
                None => false,
            }
        }
        _ => path.is_empty(),
    }
}
