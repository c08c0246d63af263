//! The policy simulator: SimulatePrincipalPolicy (an entity's own policies,
//! plus any given) and SimulateCustomPolicy (only the given ones), evaluated
//! with the same engine as real requests (`simfra_policy`), and the context
//! keys policies use.
//!
//! As on AWS, the simulator sets no condition keys of its own: the caller
//! provides them as `ContextEntries`, and keys an applicable statement needs
//! but was not given are reported as `MissingContextValues`.

use crate::common::*;
use simfra_gen_iam::types::*;
use simfra_identity::iam::{key, IamData};
use simfra_model::RequestContext;
use simfra_policy::{Decision, Effect, Evaluation, Policy, Request};
use serde_json::Value as Json;
use std::collections::HashMap;
use std::sync::Arc;

/// A policy taking part in a simulation, with what the result says of it.
struct SimPolicy {
    id: String,
    source_type: Option<PolicySourceType>,
    text: String,
    parsed: Arc<Policy>,
}

impl SimPolicy {
    fn new(id: String, source_type: Option<PolicySourceType>, text: &str, parsed: Arc<Policy>) -> Self {
        SimPolicy { id, source_type, text: text.to_string(), parsed }
    }
}

struct Simulation {
    identity: Vec<SimPolicy>,
    boundary: Vec<SimPolicy>,
    resource: Option<SimPolicy>,
    caller_arn: String,
    account: String,
    resource_owner: Option<String>,
    context: Vec<ContextEntry>,
}

// ------------------------------------------------------ statement positions

/// Where each statement of a policy document starts and ends (1-based line
/// and column), for `MatchedStatements`.
fn statement_positions(text: &str) -> Vec<(Position, Position)> {
    let b = text.as_bytes();
    let mut s = Scanner { b, i: 0 };
    let spans = s.statements().unwrap_or_default();
    spans.into_iter().map(|(start, end)| (position(text, start), position(text, end))).collect()
}

fn position(text: &str, offset: usize) -> Position {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let line = before.iter().filter(|c| **c == b'\n').count() + 1;
    let column = offset - before.iter().rposition(|c| *c == b'\n').map(|p| p + 1).unwrap_or(0) + 1;
    Position { line: Some(line as i32), column: Some(column as i32) }
}

struct Scanner<'a> {
    b: &'a [u8],
    i: usize,
}

impl Scanner<'_> {
    fn ws(&mut self) {
        while self.i < self.b.len() && self.b[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }
    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.b.get(self.i).copied()
    }
    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.i += 1)
    }
    fn string(&mut self) -> Option<String> {
        self.eat(b'"')?;
        let start = self.i;
        while *self.b.get(self.i)? != b'"' {
            self.i += if self.b[self.i] == b'\\' { 2 } else { 1 };
        }
        let s = String::from_utf8_lossy(&self.b[start..self.i]).into_owned();
        self.i += 1;
        Some(s)
    }
    /// Skips one value.
    fn value(&mut self) -> Option<()> {
        match self.peek()? {
            b'"' => self.string().map(|_| ()),
            open @ (b'{' | b'[') => {
                let close = if open == b'{' { b'}' } else { b']' };
                self.i += 1;
                if self.eat(close).is_some() {
                    return Some(());
                }
                loop {
                    if open == b'{' {
                        self.string()?;
                        self.eat(b':')?;
                    }
                    self.value()?;
                    match self.peek()? {
                        b',' => self.i += 1,
                        c if c == close => {
                            self.i += 1;
                            return Some(());
                        }
                        _ => return None,
                    }
                }
            }
            _ => {
                while self.i < self.b.len() && !matches!(self.b[self.i], b',' | b'}' | b']') && !self.b[self.i].is_ascii_whitespace() {
                    self.i += 1;
                }
                Some(())
            }
        }
    }
    /// Byte spans of the top-level `Statement` entries.
    fn statements(&mut self) -> Option<Vec<(usize, usize)>> {
        self.eat(b'{')?;
        let mut spans = Vec::new();
        loop {
            let k = self.string()?;
            self.eat(b':')?;
            if k == "Statement" {
                if self.peek()? == b'[' {
                    self.i += 1;
                    while self.peek()? != b']' {
                        let start = self.i;
                        self.value()?;
                        spans.push((start, self.i));
                        if self.peek()? == b',' {
                            self.i += 1;
                        }
                    }
                    self.i += 1;
                } else {
                    let start = {
                        self.ws();
                        self.i
                    };
                    self.value()?;
                    spans.push((start, self.i));
                }
            } else {
                self.value()?;
            }
            match self.peek()? {
                b',' => self.i += 1,
                b'}' => return Some(spans),
                _ => return None,
            }
        }
    }
}

// -------------------------------------------------------------- context keys

/// The condition keys of each statement of a document, in statement order.
fn statement_condition_keys(text: &str) -> Vec<Vec<String>> {
    let Ok(json) = serde_json::from_str::<Json>(text) else { return Vec::new() };
    let statements: Vec<&Json> = match json.get("Statement") {
        Some(Json::Array(a)) => a.iter().collect(),
        Some(o @ Json::Object(_)) => vec![o],
        _ => Vec::new(),
    };
    statements
        .iter()
        .map(|st| {
            let mut keys = Vec::new();
            if let Some(Json::Object(ops)) = st.get("Condition") {
                for block in ops.values() {
                    if let Json::Object(k) = block {
                        keys.extend(k.keys().cloned());
                    }
                }
            }
            keys
        })
        .collect()
}

/// Every context key a document uses: condition keys and `${…}` policy variables.
fn document_context_keys(text: &str, out: &mut Vec<String>) {
    let mut add = |k: &str| {
        if !out.iter().any(|o| o.eq_ignore_ascii_case(k)) {
            out.push(k.to_string());
        }
    };
    for keys in statement_condition_keys(text) {
        for k in keys {
            add(&k);
        }
    }
    let mut rest = text;
    while let Some(i) = rest.find("${") {
        rest = &rest[i + 2..];
        if let Some(end) = rest.find('}') {
            let var = &rest[..end];
            // Special characters (`${*}`, `${?}`, `${$}`) are not keys.
            if var.contains(':') {
                add(var);
            }
            rest = &rest[end..];
        }
    }
}

// --------------------------------------------------------------- evaluation

fn parse_input(text: &str, what: &str) -> R<Arc<Policy>> {
    simfra_policy::parse(text).map(Arc::new).map_err(|e| invalid_input(format!("{what} is not a valid policy: {}", e.0)))
}

fn request(sim: &Simulation, action: &str, resource: &str) -> Request {
    let mut req = Request::new(action, resource, &sim.caller_arn, &sim.account);
    for e in &sim.context {
        if let Some(name) = &e.context_key_name {
            let values: Vec<&str> = e.context_key_values.as_deref().unwrap_or(&[]).iter().map(String::as_str).collect();
            req = req.with(name, &values);
        }
    }
    req
}

/// The statements of a policy that apply to the request, with their effect.
fn applicable(p: &SimPolicy, req: &Request, resource_policy: bool) -> Vec<(usize, Effect)> {
    p.parsed.statements.iter().enumerate().filter(|(_, s)| s.applies(req, resource_policy)).map(|(i, s)| (i, s.effect)).collect()
}

fn matched(p: &SimPolicy, indices: &[usize]) -> Vec<Statement> {
    let positions = statement_positions(&p.text);
    indices
        .iter()
        .map(|i| {
            let (start, end) = positions.get(*i).cloned().unzip();
            Statement { source_policy_id: Some(p.id.clone()), source_policy_type: p.source_type.clone(), start_position: start, end_position: end }
        })
        .collect()
}

/// Condition keys that applicable statements (by action and resource) test
/// but the simulation was not given.
fn missing_keys(sim: &Simulation, req: &Request) -> Vec<String> {
    let given: Vec<String> = sim.context.iter().filter_map(|e| e.context_key_name.as_ref().map(|k| k.to_ascii_lowercase())).collect();
    let mut out: Vec<String> = Vec::new();
    let all = sim.identity.iter().map(|p| (p, false)).chain(sim.boundary.iter().map(|p| (p, false))).chain(sim.resource.iter().map(|p| (p, true)));
    for (p, is_resource) in all {
        let keys = statement_condition_keys(&p.text);
        for (i, st) in p.parsed.statements.iter().enumerate() {
            let mut bare = st.clone();
            bare.conditions.clear();
            if !bare.applies(req, is_resource) {
                continue;
            }
            for k in keys.get(i).into_iter().flatten() {
                if !given.contains(&k.to_ascii_lowercase()) && !out.iter().any(|o| o.eq_ignore_ascii_case(k)) {
                    out.push(k.clone());
                }
            }
        }
    }
    out
}

fn decision_type(d: Decision) -> PolicyEvaluationDecisionType {
    match d {
        Decision::Allowed => PolicyEvaluationDecisionType::Allowed,
        Decision::ExplicitDeny => PolicyEvaluationDecisionType::ExplicitDeny,
        Decision::ImplicitDeny => PolicyEvaluationDecisionType::ImplicitDeny,
    }
}

/// The decision of one set of policies on its own (for the decision details).
fn decision_of(policies: &[&SimPolicy], req: &Request, resource_policy: bool) -> Decision {
    let mut allowed = false;
    for p in policies {
        for (_, effect) in applicable(p, req, resource_policy) {
            match effect {
                Effect::Deny => return Decision::ExplicitDeny,
                Effect::Allow => allowed = true,
            }
        }
    }
    if allowed {
        Decision::Allowed
    } else {
        Decision::ImplicitDeny
    }
}

fn evaluate(sim: &Simulation, action: &str, resource: &str) -> EvaluationResult {
    let req = request(sim, action, resource);
    let cross_account = sim.resource_owner.as_deref().map(|o| o != sim.account).unwrap_or(false);
    let ev = Evaluation {
        identity: sim.identity.iter().map(|p| (p.id.as_str(), p.parsed.as_ref())).collect(),
        resource: sim.resource.as_ref().map(|p| (p.id.as_str(), p.parsed.as_ref())),
        // Several boundary inputs limit together, like one policy with all their statements.
        boundary: None,
        session: Vec::new(),
        scps: Vec::new(),
        resource_account: sim.resource_owner.as_deref().or(Some(sim.account.as_str())),
        trust_policy: false,
    };
    let mut outcome = simfra_policy::evaluate(&ev, &req).0;
    // The boundary: a deny in it denies; allowing needs one of its statements.
    let boundary_refs: Vec<&SimPolicy> = sim.boundary.iter().collect();
    let boundary_decision = (!boundary_refs.is_empty()).then(|| decision_of(&boundary_refs, &req, false));
    match boundary_decision {
        Some(Decision::ExplicitDeny) => outcome = Decision::ExplicitDeny,
        Some(Decision::ImplicitDeny) if outcome == Decision::Allowed => {
            // A resource policy naming the caller itself still allows (same account).
            let resource_alone = !cross_account
                && sim.resource.as_ref().map(|p| decision_of(&[p], &req, true) == Decision::Allowed).unwrap_or(false)
                && decision_of(&sim.identity.iter().collect::<Vec<_>>(), &req, false) != Decision::Allowed;
            if !resource_alone {
                outcome = Decision::ImplicitDeny;
            }
        }
        _ => {}
    }
    let mut statements = Vec::new();
    let wanted = match outcome {
        Decision::Allowed => Some(Effect::Allow),
        Decision::ExplicitDeny => Some(Effect::Deny),
        Decision::ImplicitDeny => None,
    };
    if let Some(effect) = wanted {
        let sources = sim.identity.iter().map(|p| (p, false)).chain(sim.resource.iter().map(|p| (p, true)));
        let sources: Vec<(&SimPolicy, bool)> = if effect == Effect::Deny {
            sources.chain(sim.boundary.iter().map(|p| (p, false))).collect()
        } else {
            sources.collect()
        };
        for (p, is_resource) in sources {
            let idx: Vec<usize> = applicable(p, &req, is_resource).into_iter().filter(|(_, e)| *e == effect).map(|(i, _)| i).collect();
            statements.extend(matched(p, &idx));
        }
    }
    let details = cross_account.then(|| {
        let identity: Vec<&SimPolicy> = sim.identity.iter().collect();
        let mut m = HashMap::new();
        m.insert("IAM Policy".to_string(), decision_type(decision_of(&identity, &req, false)));
        if let Some(p) = &sim.resource {
            m.insert("Resource Policy".to_string(), decision_type(decision_of(&[p], &req, true)));
        }
        m
    });
    EvaluationResult {
        eval_action_name: action.to_string(),
        eval_resource_name: Some(resource.to_string()),
        eval_decision: decision_type(outcome),
        matched_statements: Some(statements),
        missing_context_values: Some(missing_keys(sim, &req)),
        organizations_decision_detail: None,
        permissions_boundary_decision_detail: boundary_decision
            .map(|d| PermissionsBoundaryDecisionDetail { allowed_by_permissions_boundary: Some(d == Decision::Allowed) }),
        eval_decision_details: details,
        resource_specific_results: None,
    }
}

struct Inputs<'a> {
    action_names: &'a [String],
    resource_arns: Option<&'a [String]>,
    marker: Option<&'a str>,
    max_items: Option<i32>,
}

fn run(sim: &Simulation, inputs: Inputs) -> R<SimulatePolicyResponse> {
    let star = ["*".to_string()];
    let resources: &[String] = match inputs.resource_arns {
        Some(r) if !r.is_empty() => r,
        _ => &star,
    };
    let mut results = Vec::new();
    for action in inputs.action_names {
        if action != "*" && !action.contains(':') {
            return Err(invalid_input(format!("Actions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc. Action: {action}")));
        }
        for resource in resources {
            results.push(evaluate(sim, action, resource));
        }
    }
    let indexed: Vec<(usize, EvaluationResult)> = results.into_iter().enumerate().collect();
    let page = paginate(indexed, |(i, _)| format!("{i:08}"), inputs.marker, inputs.max_items)?;
    let truncated = page.is_truncated();
    Ok(SimulatePolicyResponse { evaluation_results: Some(page.items.into_iter().map(|(_, r)| r).collect()), is_truncated: truncated, marker: page.marker })
}

fn inputs_as(list: Option<&[String]>, label: &str, source: Option<PolicySourceType>) -> R<Vec<SimPolicy>> {
    list.unwrap_or(&[])
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let id = format!("{label}.{}", i + 1);
            let parsed = parse_input(text, &id)?;
            Ok(SimPolicy::new(id, source.clone(), text, parsed))
        })
        .collect()
}

fn resource_input(text: Option<&str>) -> R<Option<SimPolicy>> {
    text.map(|t| Ok(SimPolicy::new("ResourcePolicy".into(), Some(PolicySourceType::Resource), t, parse_input(t, "ResourcePolicy")?)))
        .transpose()
}

/// A managed policy as a simulation input.
fn managed_input(d: &IamData, arn: &str) -> Option<SimPolicy> {
    let name = arn.rsplit('/').next().unwrap_or(arn).to_string();
    if let Some(p) = simfra_identity::managed::by_arn(arn) {
        let parsed = simfra_identity::managed::parsed(arn)?;
        return Some(SimPolicy::new(name, Some(PolicySourceType::AwsManaged), p.document, parsed));
    }
    let doc = d.policy_by_arn(arn)?.default_document()?;
    Some(SimPolicy::new(name, Some(PolicySourceType::UserManaged), &doc.text, doc.parsed.clone()))
}

fn inline_inputs(m: &std::collections::BTreeMap<String, simfra_identity::iam::InlinePolicy>, source: PolicySourceType) -> Vec<SimPolicy> {
    m.values().map(|p| SimPolicy::new(p.name.clone(), Some(source.clone()), &p.document.text, p.document.parsed.clone())).collect()
}

/// The identity policies and boundary of the user, group or role an ARN names.
fn principal_policies(d: &IamData, arn: &str) -> R<(Vec<SimPolicy>, Vec<SimPolicy>)> {
    let resource = arn.splitn(6, ':').nth(5).unwrap_or("");
    let name = resource.rsplit('/').next().unwrap_or("");
    let boundary = |b: &Option<String>| b.as_deref().and_then(|a| managed_input(d, a)).into_iter().collect::<Vec<_>>();
    if resource.starts_with("user/") {
        let u = d.users.get(&key(name)).filter(|u| u.arn == arn).ok_or_else(|| no_such_user(name))?;
        let mut out = inline_inputs(&u.inline, PolicySourceType::User);
        out.extend(u.attached.iter().filter_map(|a| managed_input(d, a)));
        for g in d.groups_of(&key(&u.name)) {
            out.extend(inline_inputs(&g.inline, PolicySourceType::Group));
            out.extend(g.attached.iter().filter_map(|a| managed_input(d, a)));
        }
        Ok((out, boundary(&u.boundary)))
    } else if resource.starts_with("group/") {
        let g = d.groups.get(&key(name)).filter(|g| g.arn == arn).ok_or_else(|| no_such_group(name))?;
        let mut out = inline_inputs(&g.inline, PolicySourceType::Group);
        out.extend(g.attached.iter().filter_map(|a| managed_input(d, a)));
        Ok((out, Vec::new()))
    } else if resource.starts_with("role/") {
        let r = d.roles.get(&key(name)).filter(|r| r.arn == arn).ok_or_else(|| no_such_role(name))?;
        let mut out = inline_inputs(&r.inline, PolicySourceType::Role);
        out.extend(r.attached.iter().filter_map(|a| managed_input(d, a)));
        Ok((out, boundary(&r.boundary)))
    } else {
        Err(invalid_input(format!("Invalid ARN: {arn} is not the ARN of a user, group or role.")))
    }
}

pub fn simulate_principal_policy(ctx: &RequestContext, input: SimulatePrincipalPolicyRequest) -> R<SimulatePolicyResponse> {
    let (mut identity, mut boundary) = {
        let st = state(ctx);
        let d = st.read();
        principal_policies(&d, &input.policy_source_arn)?
    };
    identity.extend(inputs_as(input.policy_input_list.as_deref(), "PolicyInputList", None)?);
    // Boundaries given in the request take the place of the entity's own.
    let given_boundaries = inputs_as(input.permissions_boundary_policy_input_list.as_deref(), "PermissionsBoundaryPolicyInputList", None)?;
    if !given_boundaries.is_empty() {
        boundary = given_boundaries;
    }
    let sim = Simulation {
        identity,
        boundary,
        resource: resource_input(input.resource_policy.as_deref())?,
        caller_arn: input.caller_arn.clone().unwrap_or_else(|| input.policy_source_arn.clone()),
        account: ctx.account_id.clone(),
        resource_owner: input.resource_owner.as_deref().map(owner_account),
        context: input.context_entries.clone().unwrap_or_default(),
    };
    run(
        &sim,
        Inputs {
            action_names: &input.action_names,
            resource_arns: input.resource_arns.as_deref(),
            marker: input.marker.as_deref(),
            max_items: input.max_items,
        },
    )
}

pub fn simulate_custom_policy(ctx: &RequestContext, input: SimulateCustomPolicyRequest) -> R<SimulatePolicyResponse> {
    let sim = Simulation {
        identity: inputs_as(Some(&input.policy_input_list), "PolicyInputList", None)?,
        boundary: inputs_as(input.permissions_boundary_policy_input_list.as_deref(), "PermissionsBoundaryPolicyInputList", None)?,
        resource: resource_input(input.resource_policy.as_deref())?,
        caller_arn: input.caller_arn.clone().unwrap_or_default(),
        account: ctx.account_id.clone(),
        resource_owner: input.resource_owner.as_deref().map(owner_account),
        context: input.context_entries.clone().unwrap_or_default(),
    };
    run(
        &sim,
        Inputs {
            action_names: &input.action_names,
            resource_arns: input.resource_arns.as_deref(),
            marker: input.marker.as_deref(),
            max_items: input.max_items,
        },
    )
}

/// `ResourceOwner` is an account id or an ARN naming one (`arn:aws:iam::123456789012:root`).
fn owner_account(owner: &str) -> String {
    owner.strip_prefix("arn:aws:iam::").and_then(|r| r.split(':').next()).unwrap_or(owner).to_string()
}

pub fn get_context_keys_for_custom_policy(_ctx: &RequestContext, input: GetContextKeysForCustomPolicyRequest) -> R<GetContextKeysForPolicyResponse> {
    let mut keys = Vec::new();
    for (i, text) in input.policy_input_list.iter().enumerate() {
        parse_input(text, &format!("PolicyInputList.{}", i + 1))?;
        document_context_keys(text, &mut keys);
    }
    Ok(GetContextKeysForPolicyResponse { context_key_names: Some(keys) })
}

pub fn get_context_keys_for_principal_policy(
    ctx: &RequestContext,
    input: GetContextKeysForPrincipalPolicyRequest,
) -> R<GetContextKeysForPolicyResponse> {
    let (identity, _) = {
        let st = state(ctx);
        let d = st.read();
        principal_policies(&d, &input.policy_source_arn)?
    };
    let mut keys = Vec::new();
    for p in &identity {
        document_context_keys(&p.text, &mut keys);
    }
    for (i, text) in input.policy_input_list.as_deref().unwrap_or(&[]).iter().enumerate() {
        parse_input(text, &format!("PolicyInputList.{}", i + 1))?;
        document_context_keys(text, &mut keys);
    }
    Ok(GetContextKeysForPolicyResponse { context_key_names: Some(keys) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statement_positions_point_at_the_braces() {
        let text = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"*\"},\n    {\"Effect\": \"Deny\", \"Action\": \"s3:Delete*\", \"Resource\": \"*\"}\n  ]\n}";
        let pos = statement_positions(text);
        assert_eq!(pos.len(), 2);
        assert_eq!((pos[0].0.line, pos[0].0.column), (Some(4), Some(5)));
        assert_eq!((pos[1].0.line, pos[1].0.column), (Some(5), Some(5)));
        assert_eq!(pos[1].1.line, Some(5));
        let single = statement_positions(r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#);
        assert_eq!((single[0].0.line, single[0].0.column), (Some(1), Some(14)));
    }

    #[test]
    fn context_keys_come_from_conditions_and_variables() {
        let mut keys = Vec::new();
        document_context_keys(
            r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}/*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"},"StringEquals":{"AWS:SourceIp":"x","s3:prefix":"a"}}}}"#,
            &mut keys,
        );
        assert_eq!(keys, vec!["aws:SourceIp", "s3:prefix", "aws:username"]);
    }

    fn sim(identity: &[&str], boundary: &[&str]) -> Simulation {
        let mk = |label: &str, list: &[&str]| -> Vec<SimPolicy> {
            list.iter().enumerate().map(|(i, t)| SimPolicy::new(format!("{label}.{}", i + 1), None, t, Arc::new(simfra_policy::parse(t).unwrap()))).collect()
        };
        Simulation {
            identity: mk("PolicyInputList", identity),
            boundary: mk("PermissionsBoundaryPolicyInputList", boundary),
            resource: None,
            caller_arn: "arn:aws:iam::111111111111:user/alice".into(),
            account: "111111111111".into(),
            resource_owner: None,
            context: Vec::new(),
        }
    }

    #[test]
    fn decisions_matched_statements_and_boundaries() {
        let allow_s3 = r#"{"Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:*","Resource":"*"},{"Sid":"D","Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}]}"#;
        let s = sim(&[allow_s3], &[]);
        let r = evaluate(&s, "s3:GetObject", "*");
        assert_eq!(r.eval_decision, PolicyEvaluationDecisionType::Allowed);
        assert_eq!(r.matched_statements.as_ref().unwrap().len(), 1);
        let r = evaluate(&s, "s3:DeleteBucket", "*");
        assert_eq!(r.eval_decision, PolicyEvaluationDecisionType::ExplicitDeny);
        assert_eq!(r.matched_statements.unwrap()[0].source_policy_id.as_deref(), Some("PolicyInputList.1"));
        assert_eq!(evaluate(&s, "sqs:SendMessage", "*").eval_decision, PolicyEvaluationDecisionType::ImplicitDeny);

        let fenced = sim(&[allow_s3], &[r#"{"Statement":{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}}"#]);
        let r = evaluate(&fenced, "s3:PutObject", "*");
        assert_eq!(r.eval_decision, PolicyEvaluationDecisionType::ImplicitDeny);
        assert_eq!(r.permissions_boundary_decision_detail.unwrap().allowed_by_permissions_boundary, Some(false));
        assert_eq!(evaluate(&fenced, "s3:GetObject", "*").eval_decision, PolicyEvaluationDecisionType::Allowed);
    }

    #[test]
    fn missing_context_values_are_reported() {
        let s = sim(&[r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}}"#], &[]);
        let r = evaluate(&s, "s3:GetObject", "*");
        assert_eq!(r.eval_decision, PolicyEvaluationDecisionType::ImplicitDeny);
        assert_eq!(r.missing_context_values.unwrap(), vec!["aws:SourceIp"]);
        let mut given = sim(&[r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}}"#], &[]);
        given.context = vec![ContextEntry {
            context_key_name: Some("aws:SourceIp".into()),
            context_key_values: Some(vec!["10.1.2.3".into()]),
            context_key_type: Some(ContextKeyTypeEnum::Ip),
        }];
        assert_eq!(evaluate(&given, "s3:GetObject", "*").eval_decision, PolicyEvaluationDecisionType::Allowed);
    }
}
