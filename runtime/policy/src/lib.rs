//! IAM policy documents and their evaluation, following AWS's documented
//! logic: an explicit `Deny` in any applicable policy wins; otherwise a
//! request is allowed when an identity-based policy allows it (within the
//! permissions boundary, if one is set) or a resource-based policy allows it
//! for the principal; everything else is an implicit deny.
//!
//! The same engine serves the gateway's authorization, IAM's policy simulator,
//! and resource policies (S3 buckets, SQS queues, SNS topics, Lambda functions).

mod condition;
mod document;
mod matching;

pub use document::{parse, validate_identity_policy, Effect, Policy, PolicyError, Principal, PrincipalMatch, Statement};
pub use matching::{arn_like, glob_match};

use std::collections::HashMap;

/// What is being asked, in the terms policies speak.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// `s3:GetObject`
    pub action: String,
    /// The resource ARN (`arn:aws:s3:::bucket/key`), or `*` for actions without one.
    pub resource: String,
    /// The caller's ARN (`arn:aws:iam::123456789012:user/alice`, `…:assumed-role/R/s`, `…:root`).
    pub principal_arn: String,
    pub principal_account: String,
    /// Condition keys and their values (`aws:SourceIp`, `aws:username`, `s3:prefix` …).
    /// Keys are matched case-insensitively.
    pub context: HashMap<String, Vec<String>>,
    /// The caller is an AWS service principal (`lambda.amazonaws.com`).
    pub service_principal: Option<String>,
    /// A web identity or SAML provider the caller federates through
    /// (`cognito-identity.amazonaws.com`, `arn:aws:iam::1:saml-provider/P`), for trust policies.
    pub federated_provider: Option<String>,
}

impl Request {
    pub fn new(action: &str, resource: &str, principal_arn: &str, principal_account: &str) -> Self {
        Request {
            action: action.to_string(),
            resource: resource.to_string(),
            principal_arn: principal_arn.to_string(),
            principal_account: principal_account.to_string(),
            ..Default::default()
        }
    }
    pub fn with(mut self, key: &str, values: &[&str]) -> Self {
        self.context.insert(key.to_ascii_lowercase(), values.iter().map(|v| v.to_string()).collect());
        self
    }
    pub(crate) fn key(&self, key: &str) -> Option<&Vec<String>> {
        self.context.get(&key.to_ascii_lowercase())
    }
}

/// The outcome of evaluating a set of policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allowed,
    /// An applicable statement denies the request.
    ExplicitDeny,
    /// Nothing allows it.
    ImplicitDeny,
}

impl Decision {
    pub fn is_allowed(self) -> bool {
        self == Decision::Allowed
    }
    /// As IAM's policy simulator names it.
    pub fn simulator_name(self) -> &'static str {
        match self {
            Decision::Allowed => "allowed",
            Decision::ExplicitDeny => "explicitDeny",
            Decision::ImplicitDeny => "implicitDeny",
        }
    }
}

/// Which statement decided, for the simulator's `MatchedStatements`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matched {
    pub policy_id: String,
    pub sid: Option<String>,
}

/// The policies that apply to one request.
#[derive(Debug, Default)]
pub struct Evaluation<'a> {
    /// Identity-based policies of the principal (inline and attached, user's groups included), with an id each.
    pub identity: Vec<(&'a str, &'a Policy)>,
    /// The resource's policy, if the resource has one.
    pub resource: Option<(&'a str, &'a Policy)>,
    /// The principal's permissions boundary.
    pub boundary: Option<(&'a str, &'a Policy)>,
    /// Session policies passed to AssumeRole*/GetFederationToken, which limit like a boundary.
    pub session: Vec<(&'a str, &'a Policy)>,
    /// Organizations SCPs of the caller's account, one entry per level of the
    /// organization (root, each OU, the account): every level must allow.
    pub scps: Vec<Vec<(&'a str, &'a Policy)>>,
    /// The account that owns the resource (cross-account requests need both sides to allow).
    pub resource_account: Option<&'a str>,
    /// The resource policy is a role's trust policy: naming the caller there
    /// does not lift the caller's permissions boundary or session policies
    /// ("if a permissions boundary is set for the user, then it must allow
    /// the sts:AssumeRole action").
    pub trust_policy: bool,
}

/// The kinds of policy, as AWS names them in denial messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyKind {
    ServiceControl,
    Identity,
    Resource,
    Boundary,
    Session,
}

impl PolicyKind {
    /// "an identity-based policy", as in AWS's AccessDenied messages.
    pub fn phrase(self) -> &'static str {
        match self {
            PolicyKind::ServiceControl => "a service control policy",
            PolicyKind::Identity => "an identity-based policy",
            PolicyKind::Resource => "a resource-based policy",
            PolicyKind::Boundary => "a permissions boundary",
            PolicyKind::Session => "a session policy",
        }
    }
    /// "identity-based policy", for "because no … allows".
    pub fn noun(self) -> &'static str {
        match self {
            PolicyKind::ServiceControl => "service control policy",
            PolicyKind::Identity => "identity-based policy",
            PolicyKind::Resource => "resource-based policy",
            PolicyKind::Boundary => "permissions boundary",
            PolicyKind::Session => "session policy",
        }
    }
}

/// Why a request was decided as it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    Allowed,
    /// A statement of this kind of policy denies.
    ExplicitDeny(PolicyKind),
    /// No policy of this kind allows (the first check that failed).
    NoAllow(PolicyKind),
}

impl Reason {
    /// The tail of AWS's AccessDenied message: "because no identity-based
    /// policy allows the s3:GetObject action", "with an explicit deny in a
    /// resource-based policy".
    pub fn explain(self, action: &str) -> String {
        match self {
            Reason::Allowed => String::new(),
            Reason::ExplicitDeny(k) => format!("with an explicit deny in {}", k.phrase()),
            Reason::NoAllow(k) => format!("because no {} allows the {action} action", k.noun()),
        }
    }
}

/// The full result of an evaluation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub decision: Decision,
    pub reason: Reason,
    /// The statements that decided: the denying one, or the allowing ones.
    pub matched: Vec<Matched>,
}

/// Result of one policy against a request.
#[derive(Debug, Clone, PartialEq, Eq)]
enum PolicyResult {
    Deny(Matched),
    /// Allowed, and how the strongest allowing statement named the principal.
    Allow(Matched, PrincipalMatch),
    NoMatch,
}

fn eval_policy(id: &str, p: &Policy, req: &Request, resource_policy: bool) -> PolicyResult {
    let mut allow: Option<(Matched, PrincipalMatch)> = None;
    for st in &p.statements {
        let Some(how) = st.applies_as(req, resource_policy) else { continue };
        let m = Matched { policy_id: id.to_string(), sid: st.sid.clone() };
        match st.effect {
            Effect::Deny => return PolicyResult::Deny(m),
            Effect::Allow => {
                if allow.as_ref().map(|(_, h)| how > *h).unwrap_or(true) {
                    allow = Some((m, how));
                }
            }
        }
    }
    match allow {
        Some((m, how)) => PolicyResult::Allow(m, how),
        None => PolicyResult::NoMatch,
    }
}

/// Evaluates a request against its applicable policies.
pub fn evaluate(ev: &Evaluation, req: &Request) -> (Decision, Vec<Matched>) {
    let o = evaluate_detailed(ev, req);
    (o.decision, o.matched)
}

/// AWS's evaluation logic:
/// 1. an explicit deny in any policy (SCP, resource, identity, boundary, session) denies;
/// 2. every SCP level must allow;
/// 3. same account: a resource policy that names the caller (or `*`) allows on
///    its own; naming the caller's role still leaves boundary and session
///    policies to agree; naming the account delegates to identity policies;
/// 4. an identity policy must allow, then the boundary and the session
///    policies, if any, must allow too;
/// 5. cross account: additionally the resource policy must allow the caller
///    (naming its account is enough).
pub fn evaluate_detailed(ev: &Evaluation, req: &Request) -> Outcome {
    let deny = |kind, m| Outcome { decision: Decision::ExplicitDeny, reason: Reason::ExplicitDeny(kind), matched: vec![m] };
    let implicit = |kind| Outcome { decision: Decision::ImplicitDeny, reason: Reason::NoAllow(kind), matched: Vec::new() };

    // Every policy is read first: an explicit deny anywhere wins.
    let mut scp_levels_allow = true;
    for level in &ev.scps {
        let mut level_allows = false;
        for (id, p) in level {
            match eval_policy(id, p, req, false) {
                PolicyResult::Deny(m) => return deny(PolicyKind::ServiceControl, m),
                PolicyResult::Allow(..) => level_allows = true,
                PolicyResult::NoMatch => {}
            }
        }
        scp_levels_allow &= level_allows;
    }
    let mut resource_allow: Option<(Matched, PrincipalMatch)> = None;
    if let Some((id, p)) = ev.resource {
        match eval_policy(id, p, req, true) {
            PolicyResult::Deny(m) => return deny(PolicyKind::Resource, m),
            PolicyResult::Allow(m, how) => resource_allow = Some((m, how)),
            PolicyResult::NoMatch => {}
        }
    }
    let mut identity_allows = Vec::new();
    for (id, p) in &ev.identity {
        match eval_policy(id, p, req, false) {
            PolicyResult::Deny(m) => return deny(PolicyKind::Identity, m),
            PolicyResult::Allow(m, _) => identity_allows.push(m),
            PolicyResult::NoMatch => {}
        }
    }
    let mut boundary_allows = true;
    if let Some((id, p)) = ev.boundary {
        match eval_policy(id, p, req, false) {
            PolicyResult::Deny(m) => return deny(PolicyKind::Boundary, m),
            PolicyResult::Allow(..) => {}
            PolicyResult::NoMatch => boundary_allows = false,
        }
    }
    let mut session_allows = true;
    for (id, p) in &ev.session {
        match eval_policy(id, p, req, false) {
            PolicyResult::Deny(m) => return deny(PolicyKind::Session, m),
            PolicyResult::Allow(..) => {}
            // Several session policies (inline + managed ARNs) together form one limit: any may allow.
            PolicyResult::NoMatch => {}
        }
    }
    if !ev.session.is_empty() {
        session_allows = ev.session.iter().any(|(id, p)| matches!(eval_policy(id, p, req, false), PolicyResult::Allow(..)));
    }
    if !scp_levels_allow {
        return implicit(PolicyKind::ServiceControl);
    }
    let allowed = |mut matched: Vec<Matched>, extra: Option<Matched>| {
        matched.extend(extra);
        Outcome { decision: Decision::Allowed, reason: Reason::Allowed, matched }
    };
    // A role can only be assumed where its trust policy lets the caller in.
    if ev.trust_policy && resource_allow.is_none() {
        return implicit(PolicyKind::Resource);
    }
    let cross_account = ev.resource_account.map(|a| a != req.principal_account).unwrap_or(false);
    if !cross_account {
        match &resource_allow {
            Some((m, PrincipalMatch::Exact)) if !ev.trust_policy => return allowed(Vec::new(), Some(m.clone())),
            Some((m, PrincipalMatch::Exact | PrincipalMatch::Role)) if boundary_allows && session_allows => {
                return allowed(Vec::new(), Some(m.clone()))
            }
            // The trust policy grants the caller itself; only the limits failed.
            Some((_, PrincipalMatch::Exact)) if !boundary_allows => return implicit(PolicyKind::Boundary),
            Some((_, PrincipalMatch::Exact)) => return implicit(PolicyKind::Session),
            _ => {}
        }
    }
    if identity_allows.is_empty() {
        return implicit(PolicyKind::Identity);
    }
    if !boundary_allows {
        return implicit(PolicyKind::Boundary);
    }
    if !session_allows {
        return implicit(PolicyKind::Session);
    }
    if cross_account {
        return match resource_allow {
            Some((m, _)) => allowed(identity_allows, Some(m)),
            None => implicit(PolicyKind::Resource),
        };
    }
    allowed(identity_allows, resource_allow.map(|(m, _)| m))
}

#[cfg(test)]
mod tests;
