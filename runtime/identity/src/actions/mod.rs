//! Which IAM action(s) an operation needs, on which resource ARN(s), with
//! which service condition keys: what the gateway's authorization hands to
//! the policy engine for every signed request.
//!
//! The knowledge lives in `rules.txt` (AWS Service Authorization Reference,
//! "Actions, resources, and condition keys for …"), parsed once into an
//! index. Per service it says:
//!
//! - the IAM prefix (`cloudwatch` for the `monitoring` signing name …);
//! - how to name the resource from the request (`arn` lines, tried in order:
//!   the first whose members are all in the request wins);
//! - the operations whose action differs from `<prefix>:<Operation>`, need
//!   several actions, need other resources or carry condition keys;
//! - the operations that need no permission at all (`none`).
//!
//! Every operation not listed needs `<prefix>:<Operation>` on the inferred
//! resource, or on `*` when no rule names one. An operation that hands a
//! role to its service also needs `iam:PassRole` on it. Tags in create/tag requests
//! become `aws:RequestTag/<key>` and `aws:TagKeys` wherever the input has a
//! tag member of a common shape.
//!
//! What needs state is out of reach here (the request alone is known):
//! `aws:ResourceTag`, S3 `ExistingObjectTag`, an alias's target key, a
//! secret's random ARN suffix, the table's key schema (`dynamodb:LeadingKeys`
//! is only set when the key is unambiguous). Services that know can
//! canonicalise ARNs with `register_arn_resolver`.

mod rules;
mod special;
mod template;
#[cfg(test)]
mod tests;

use crate::by_service::ByArnService;
use rules::{Line, ResSpec, ServiceRules};
use simfra_model::{Operation, ServiceSchema, Value};

/// One authorization an operation needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Required {
    /// `s3:ListBucket`
    pub action: String,
    /// `arn:aws:s3:::bucket`, or `*` for actions that take no resource.
    pub resource: String,
    /// Service condition keys known from the request (`s3:prefix` …).
    pub context: Vec<(String, Vec<String>)>,
}

/// What the expansion of a rule may refer to besides the input.
pub(crate) struct Ctx<'a> {
    pub svc: &'a ServiceSchema,
    pub op: &'a Operation,
    pub input: &'a Value,
    pub partition: &'static str,
    pub region: &'a str,
    pub account: &'a str,
    /// The caller's ARN: IAM's self-service calls without a `UserName`
    /// (`CreateAccessKey` …) act on the calling user.
    pub caller: Option<&'a str>,
}

/// The IAM prefix of a service (`monitoring` → `cloudwatch`), by Simfra's
/// service name (the model folder: `cloudwatch`, `elastic-load-balancing-v2`).
pub fn iam_prefix(service: &str) -> Option<&'static str> {
    rules::index().get(service).map(|s| s.prefix)
}

/// Whether the operation needs no IAM permission at all (STS
/// GetCallerIdentity, token-authenticated Cognito operations …).
pub fn needs_no_permission(svc: &ServiceSchema, op: &Operation) -> bool {
    rules::index().get(svc.name).map(|r| r.is_none(op)).unwrap_or(false)
}

/// What the request needs. Empty when the operation needs no permission.
/// `caller` is the signing principal's ARN (`None` for unsigned requests).
pub fn required(svc: &ServiceSchema, op: &Operation, input: &Value, account: &str, region: &str, caller: Option<&str>) -> Vec<Required> {
    let ctx = Ctx { svc, op, input, partition: partition(region), region, account, caller };
    let Some(rules) = rules::index().get(svc.name) else {
        // A service without rules: its signing name stands for its prefix.
        return vec![Required { action: format!("{}:{}", svc.signing_name, op.name), resource: "*".into(), context: Vec::new() }];
    };
    if rules.is_none(op) {
        return Vec::new();
    }
    let mut context = Vec::new();
    for cond in &rules.conds {
        cond.apply(&ctx, &mut context);
    }
    let lines = rules.lines(op.name);
    let mut out = Vec::new();
    let mut tags = rules.auto_tags;
    match lines {
        None => {
            let resources = infer(rules, &ctx);
            push(&mut out, rules.default_action(op.name), resources);
        }
        Some(lines) => {
            for line in lines.iter().filter(|l| l.applies(&ctx)) {
                let first = out.len();
                line.expand(rules, &ctx, &mut out);
                for need in &mut out[first..] {
                    for cond in &line.conds {
                        cond.apply(&ctx, &mut need.context);
                    }
                }
                if line.no_tags {
                    tags = false;
                }
            }
            // A listed operation always needs something: if every line was
            // guarded out or named nothing, its first action on `*`.
            if out.is_empty() {
                if let Some(line) = lines.first() {
                    out.push(Required { action: line.action_for(rules, op.name), resource: "*".into(), context: Vec::new() });
                }
            }
        }
    }
    if tags {
        special::request_tags(&ctx, &mut context);
    }
    let passing_from = out.len();
    special::passed_roles(&ctx, &mut out);
    if !context.is_empty() {
        for need in &mut out[..passing_from] {
            for (k, v) in &context {
                if !need.context.iter().any(|(have, _)| have == k) {
                    need.context.push((k.clone(), v.clone()));
                }
            }
        }
    }
    resolve_arns(&mut out);
    resolve_context(&mut out, svc, op, input);
    out
}

fn push(out: &mut Vec<Required>, action: String, resources: Vec<String>) {
    if resources.is_empty() {
        out.push(Required { action, resource: "*".into(), context: Vec::new() });
        return;
    }
    let n = resources.len();
    let mut action = Some(action);
    for (i, resource) in resources.into_iter().enumerate() {
        let action = if i + 1 == n { action.take().unwrap_or_default() } else { action.clone().unwrap_or_default() };
        out.push(Required { action, resource, context: Vec::new() });
    }
}

/// The resources named by the first inference rule that the request fills,
/// then the rules every service shares (`ResourceArn` …); none: `*`.
fn infer(rules: &ServiceRules, ctx: &Ctx) -> Vec<String> {
    for t in rules.infer.iter().chain(rules::shared_inference()) {
        if let Some(found) = t.expand(ctx) {
            if !found.is_empty() {
                return found;
            }
        }
    }
    Vec::new()
}

impl Line {
    fn expand(&self, rules: &ServiceRules, ctx: &Ctx, out: &mut Vec<Required>) {
        let action = self.action_for(rules, ctx.op.name);
        for alt in &self.resources {
            match alt {
                ResSpec::Star => {
                    out.push(Required { action, resource: "*".into(), context: Vec::new() });
                    return;
                }
                ResSpec::Infer => {
                    push(out, action, infer(rules, ctx));
                    return;
                }
                ResSpec::Template(t) => {
                    if let Some(found) = t.expand(ctx) {
                        if !found.is_empty() {
                            push(out, action, found);
                            return;
                        }
                    }
                }
                ResSpec::Special(f) => {
                    let before = out.len();
                    f(ctx, &action, out);
                    if out.len() > before {
                        return;
                    }
                }
            }
        }
    }
}

/// Lets a service canonicalise the ARNs it knows better than the request
/// does (a secret's full ARN with its random suffix, an alias's key …).
/// Given the action and the ARN built from the request, answer the ARN to
/// authorize, or `None` to keep it.
pub type ArnResolver = fn(action: &str, arn: &str) -> Option<String>;

static ARN_RESOLVERS: ByArnService<ArnResolver> = ByArnService::new();

/// Registers the resolver for ARNs of one service (`arn:aws:<arn_service>:…`).
pub fn register_arn_resolver(arn_service: &'static str, resolver: ArnResolver) {
    ARN_RESOLVERS.register(arn_service, resolver);
}

fn resolve_arns(out: &mut [Required]) {
    for need in out.iter_mut() {
        if let Some(arn) = iam_entity_arn(&need.resource) {
            need.resource = arn;
        }
        if let Some(arn) = ARN_RESOLVERS.for_arn(&need.resource).and_then(|f| f(&need.action, &need.resource)) {
            need.resource = arn;
        }
    }
}

/// Requests name IAM users and roles by name; their ARNs carry their path
/// (`arn:aws:iam::1:user/division/bob`), which policies may name.
fn iam_entity_arn(arn: &str) -> Option<String> {
    let (account, kind, name) = crate::iam::entity_of_arn(arn)?;
    if name.contains('/') {
        return None;
    }
    match kind {
        "user" => crate::iam::user(account, name).map(|u| u.arn),
        "role" => crate::iam::role(account, name).map(|r| r.arn),
        _ => None,
    }
    .filter(|full| full != arn)
}

/// Condition keys a service computes from its own state, for one
/// authorization of a request (DynamoDB's `dynamodb:LeadingKeys` needs the
/// table's key schema to tell the partition key among an item's attributes).
pub type ContextResolver = fn(need: &Required, svc: &ServiceSchema, op: &Operation, input: &Value) -> Vec<(String, Vec<String>)>;

static CONTEXT_RESOLVERS: ByArnService<ContextResolver> = ByArnService::new();

/// Registers the condition keys of one service's resources (`arn:aws:<arn_service>:…`).
pub fn register_context_resolver(arn_service: &'static str, resolver: ContextResolver) {
    CONTEXT_RESOLVERS.register(arn_service, resolver);
}

fn resolve_context(out: &mut [Required], svc: &ServiceSchema, op: &Operation, input: &Value) {
    for need in out {
        let Some(f) = CONTEXT_RESOLVERS.for_arn(&need.resource) else { continue };
        for (k, v) in f(need, svc, op, input) {
            if !need.context.iter().any(|(have, _)| *have == k) {
                need.context.push((k, v));
            }
        }
    }
}

/// The partition a region belongs to.
pub fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else if region.starts_with("us-isob-") {
        "aws-iso-b"
    } else if region.starts_with("us-iso-") {
        "aws-iso"
    } else if region.starts_with("eu-isoe-") {
        "aws-iso-e"
    } else {
        "aws"
    }
}
