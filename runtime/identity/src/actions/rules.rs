//! `rules.txt`, parsed once: per service, its IAM prefix, how resources are
//! named, and the operations that differ from `<prefix>:<Operation>`.
//!
//! The file is line-based (`#` starts a comment):
//!
//! ```text
//! service <name> <iam-prefix> [notags]   # a service block; notags: no aws:RequestTag keys
//! arn <template>                         # resource inference, tried in order
//! star <OpPrefix> …                      # ops starting so need their action on `*` (Describe …)
//! cond <key> <template>                  # a condition key for every operation
//! none <Op> …                            # operations that need no permission
//! op <Op> <action> [<res>|<res>…] [if <Member>] [unless <Member>] [notags] [cond <key>=<template>]…
//! ```
//!
//! `op *` stands for every operation of the service not listed by name.
//!
//! An `op` action is `-` (`<prefix>:<Op>`), a bare name (`<prefix>:<name>`)
//! or `service:Name`. A resource is `*`, `infer`, `@special` or a template;
//! alternatives separated by `|` are tried in order; none given: `infer`.
//! Several `op` lines for one operation are several authorizations, all
//! needed.

use super::special;
use super::template::{self, Template};
use super::{Ctx, Required};
use simfra_model::Operation;
use std::collections::HashMap;
use std::sync::OnceLock;

const RULES: &str = include_str!("rules.txt");

pub(crate) type SpecialFn = fn(&Ctx, &str, &mut Vec<Required>);

pub(crate) enum ResSpec {
    Star,
    Infer,
    Template(Template),
    Special(SpecialFn),
}

/// A condition key whose value(s) come from the request.
pub(crate) struct Cond {
    key: String,
    value: Template,
}

impl Cond {
    pub fn apply(&self, ctx: &Ctx, out: &mut Vec<(String, Vec<String>)>) {
        if out.iter().any(|(k, _)| *k == self.key) {
            return;
        }
        if let Some(values) = self.value.expand(ctx) {
            if !values.is_empty() {
                out.push((self.key.clone(), values));
            }
        }
    }
}

enum Guard {
    If(Vec<String>),
    Unless(Vec<String>),
}

pub(crate) struct Line {
    /// `None`: the operation's own name.
    action: Option<String>,
    pub resources: Vec<ResSpec>,
    pub conds: Vec<Cond>,
    pub no_tags: bool,
    guards: Vec<Guard>,
}

impl Line {
    pub fn applies(&self, ctx: &Ctx) -> bool {
        self.guards.iter().all(|g| match g {
            Guard::If(path) => template::present(ctx.svc, ctx.op.input, ctx.input, path),
            Guard::Unless(path) => !template::present(ctx.svc, ctx.op.input, ctx.input, path),
        })
    }

    pub fn action_for(&self, rules: &ServiceRules, op: &str) -> String {
        match &self.action {
            None => rules.default_action(op),
            Some(a) if a.contains(':') => a.clone(),
            Some(a) => format!("{}:{}", rules.prefix, a),
        }
    }
}

pub(crate) struct ServiceRules {
    pub prefix: &'static str,
    pub auto_tags: bool,
    pub infer: Vec<Template>,
    pub conds: Vec<Cond>,
    star: Vec<&'static str>,
    none: Vec<&'static str>,
    ops: HashMap<&'static str, Vec<Line>>,
}

impl ServiceRules {
    pub fn is_none(&self, op: &Operation) -> bool {
        self.none.contains(&op.name)
    }

    pub fn lines(&self, op: &str) -> Option<&Vec<Line>> {
        if let Some(lines) = self.ops.get(op).or_else(|| self.ops.get("*")) {
            return Some(lines);
        }
        // `star` prefixes: one line, default action on `*`.
        static STAR: OnceLock<Vec<Line>> = OnceLock::new();
        if self.star.iter().any(|p| op.starts_with(p)) {
            return Some(STAR.get_or_init(|| {
                vec![Line { action: None, resources: vec![ResSpec::Star], conds: Vec::new(), no_tags: false, guards: Vec::new() }]
            }));
        }
        None
    }

    pub fn default_action(&self, op: &str) -> String {
        format!("{}:{}", self.prefix, op)
    }

    /// Every operation named by an `op` or `none` line (for the rule-file checks).
    #[cfg(test)]
    pub fn named_ops(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.ops.keys().copied().chain(self.none.iter().copied())
    }

    /// Every template of the service (for the rule-file checks).
    #[cfg(test)]
    pub fn templates(&self) -> Vec<(&'static str, &Template)> {
        let mut out: Vec<(&'static str, &Template)> = self.infer.iter().map(|t| ("", t)).collect();
        for (op, lines) in &self.ops {
            for line in lines {
                for r in &line.resources {
                    if let ResSpec::Template(t) = r {
                        out.push((op, t));
                    }
                }
                for c in &line.conds {
                    out.push((op, &c.value));
                }
            }
        }
        out
    }
}

/// Resource names every service shares: an operation on `ResourceArn` (tagging …) names it.
pub(crate) fn shared_inference() -> std::slice::Iter<'static, Template> {
    static SHARED: OnceLock<Vec<Template>> = OnceLock::new();
    SHARED
        .get_or_init(|| {
            ["{ResourceArn|arn-only}", "{ResourceARN|arn-only}", "{resourceArn|arn-only}", "{resourceARN|arn-only}", "{Arn|arn-only}", "{arn|arn-only}"]
                .iter()
                .map(|t| Template::parse(t).expect("shared template"))
                .collect()
        })
        .iter()
}

/// The rules of every service, by Simfra's service name.
pub(crate) fn index() -> &'static HashMap<&'static str, ServiceRules> {
    static INDEX: OnceLock<HashMap<&'static str, ServiceRules>> = OnceLock::new();
    INDEX.get_or_init(|| parse(RULES).unwrap_or_else(|e| panic!("runtime/identity/src/actions/rules.txt: {e}")))
}

pub(crate) fn parse(text: &'static str) -> Result<HashMap<&'static str, ServiceRules>, String> {
    let mut out: HashMap<&'static str, ServiceRules> = HashMap::new();
    let mut current: Option<&'static str> = None;
    for (n, raw) in text.lines().enumerate() {
        let line = raw.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let at = |e: String| format!("line {}: {e}", n + 1);
        let mut words = line.split_whitespace();
        let head = words.next().unwrap_or("");
        if head == "service" {
            let name = words.next().ok_or_else(|| at("service without a name".into()))?;
            let prefix = words.next().ok_or_else(|| at("service without an IAM prefix".into()))?;
            let auto_tags = !words.any(|w| w == "notags");
            if out.contains_key(name) {
                return Err(at(format!("service {name} twice")));
            }
            out.insert(
                name,
                ServiceRules { prefix, auto_tags, infer: Vec::new(), conds: Vec::new(), star: Vec::new(), none: Vec::new(), ops: HashMap::new() },
            );
            current = Some(name);
            continue;
        }
        let svc = current.and_then(|c| out.get_mut(c)).ok_or_else(|| at("a rule before any `service`".into()))?;
        match head {
            "arn" => {
                let t = words.next().ok_or_else(|| at("arn without a template".into()))?;
                svc.infer.push(Template::parse(t).map_err(at)?);
            }
            "star" => svc.star.extend(words),
            "none" => svc.none.extend(words),
            "cond" => {
                let key = words.next().ok_or_else(|| at("cond without a key".into()))?;
                let t = words.next().ok_or_else(|| at("cond without a value".into()))?;
                svc.conds.push(Cond { key: key.to_string(), value: Template::parse(t).map_err(at)? });
            }
            "op" => {
                let op = words.next().ok_or_else(|| at("op without an operation".into()))?;
                let action = words.next().ok_or_else(|| at("op without an action".into()))?;
                let line = parse_op_line(action, words.collect()).map_err(at)?;
                svc.ops.entry(op).or_default().push(line);
            }
            other => return Err(at(format!("unknown rule `{other}`"))),
        }
    }
    Ok(out)
}

fn parse_op_line(action: &str, words: Vec<&str>) -> Result<Line, String> {
    let mut line = Line {
        action: if action == "-" { None } else { Some(action.to_string()) },
        resources: Vec::new(),
        conds: Vec::new(),
        no_tags: false,
        guards: Vec::new(),
    };
    let mut i = 0;
    let path = |w: Option<&&str>| -> Result<Vec<String>, String> {
        w.map(|p| p.split('.').map(str::to_string).collect()).ok_or_else(|| "a guard without a member".to_string())
    };
    while i < words.len() {
        match words[i] {
            "if" => {
                line.guards.push(Guard::If(path(words.get(i + 1))?));
                i += 2;
            }
            "unless" => {
                line.guards.push(Guard::Unless(path(words.get(i + 1))?));
                i += 2;
            }
            "notags" => {
                line.no_tags = true;
                i += 1;
            }
            "cond" => {
                let spec = words.get(i + 1).ok_or("cond without key=value")?;
                let (key, value) = spec.split_once('=').ok_or_else(|| format!("cond `{spec}` is not key=value"))?;
                line.conds.push(Cond { key: key.to_string(), value: Template::parse(value)? });
                i += 2;
            }
            res if line.resources.is_empty() => {
                for alt in split_alternatives(res) {
                    line.resources.push(parse_resource(alt)?);
                }
                i += 1;
            }
            other => return Err(format!("unexpected `{other}`")),
        }
    }
    if line.resources.is_empty() {
        line.resources.push(ResSpec::Infer);
    }
    Ok(line)
}

fn parse_resource(alt: &str) -> Result<ResSpec, String> {
    Ok(match alt {
        "*" => ResSpec::Star,
        "infer" => ResSpec::Infer,
        s if s.starts_with('@') => ResSpec::Special(special::named(&s[1..]).ok_or_else(|| format!("unknown special {s}"))?),
        s => ResSpec::Template(Template::parse(s)?),
    })
}

/// `a|{X|last}|b` → `a`, `{X|last}`, `b`: `|` inside a placeholder is a filter.
fn split_alternatives(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            '|' if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out.retain(|a| !a.is_empty());
    out
}
