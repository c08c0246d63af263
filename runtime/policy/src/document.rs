//! Policy documents: the JSON grammar IAM accepts, and what a statement applies to.

use crate::condition::{Condition, parse_conditions};
use crate::matching::{action_match, glob_match, substitute};
use crate::Request;
use serde_json::Value as Json;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

/// A `Principal`/`NotPrincipal` element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// `"*"` or `{"AWS": "*"}`: everyone.
    Any,
    /// By type: `AWS` (ARNs or account ids), `Service`, `Federated`, `CanonicalUser`.
    Listed(Vec<(String, String)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub sid: Option<String>,
    pub effect: Effect,
    pub principal: Option<Principal>,
    pub not_principal: Option<Principal>,
    /// `Action` patterns, or `NotAction` when `not_action`.
    pub actions: Vec<String>,
    pub not_action: bool,
    /// `Resource` patterns, or `NotResource`; empty with `resource_absent` when neither is given.
    pub resources: Vec<String>,
    pub not_resource: bool,
    pub resource_absent: bool,
    pub conditions: Vec<Condition>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub version: Option<String>,
    pub id: Option<String>,
    pub statements: Vec<Statement>,
}

/// Why a document is not a valid policy (IAM's `MalformedPolicyDocument` message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError(pub String);

impl std::fmt::Display for PolicyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn err<T>(m: impl Into<String>) -> Result<T, PolicyError> {
    Err(PolicyError(m.into()))
}

fn strings(v: &Json, what: &str) -> Result<Vec<String>, PolicyError> {
    match v {
        Json::String(s) => Ok(vec![s.clone()]),
        Json::Array(items) => items
            .iter()
            .map(|i| match i {
                Json::String(s) => Ok(s.clone()),
                _ => err(format!("{what} must contain only strings")),
            })
            .collect(),
        _ => err(format!("{what} must be a string or an array of strings")),
    }
}

fn principal(v: &Json) -> Result<Principal, PolicyError> {
    match v {
        Json::String(s) if s == "*" => Ok(Principal::Any),
        Json::Object(map) => {
            let mut out = Vec::new();
            for (kind, ids) in map {
                if !matches!(kind.as_str(), "AWS" | "Service" | "Federated" | "CanonicalUser") {
                    return err(format!("Invalid principal in policy: unknown principal type \"{kind}\""));
                }
                for id in strings(ids, "Principal")? {
                    if kind == "AWS" && id == "*" {
                        return Ok(Principal::Any);
                    }
                    out.push((kind.clone(), id));
                }
            }
            Ok(Principal::Listed(out))
        }
        _ => err("Invalid principal in policy"),
    }
}

/// Parses and validates a policy document (JSON text).
pub fn parse(text: &str) -> Result<Policy, PolicyError> {
    let json: Json = serde_json::from_str(text).map_err(|_| PolicyError("Syntax errors in policy.".into()))?;
    let Json::Object(root) = &json else { return err("Syntax errors in policy.") };
    for k in root.keys() {
        if !matches!(k.as_str(), "Version" | "Id" | "Statement") {
            return err(format!("Syntax errors in policy: unknown field {k}"));
        }
    }
    let version = match root.get("Version") {
        None => None,
        Some(Json::String(v)) if v == "2012-10-17" || v == "2008-10-17" => Some(v.clone()),
        Some(_) => return err("The policy failed legacy parsing"),
    };
    let id = root.get("Id").and_then(Json::as_str).map(str::to_string);
    let raw_statements: Vec<&Json> = match root.get("Statement") {
        Some(Json::Array(a)) => a.iter().collect(),
        Some(o @ Json::Object(_)) => vec![o],
        _ => return err("Syntax errors in policy: missing Statement"),
    };
    if raw_statements.is_empty() {
        return err("Syntax errors in policy: empty Statement");
    }
    let mut statements = Vec::new();
    for st in raw_statements {
        let Json::Object(s) = st else { return err("Syntax errors in policy: a statement must be an object") };
        for k in s.keys() {
            if !matches!(
                k.as_str(),
                "Sid" | "Effect" | "Principal" | "NotPrincipal" | "Action" | "NotAction" | "Resource" | "NotResource" | "Condition"
            ) {
                return err(format!("Syntax errors in policy: unknown field {k}"));
            }
        }
        let effect = match s.get("Effect").and_then(Json::as_str) {
            Some("Allow") => Effect::Allow,
            Some("Deny") => Effect::Deny,
            Some(other) => return err(format!("Invalid effect: {other}")),
            None => return err("Missing required field Effect"),
        };
        let (actions, not_action) = match (s.get("Action"), s.get("NotAction")) {
            (Some(a), None) => (strings(a, "Action")?, false),
            (None, Some(a)) => (strings(a, "NotAction")?, true),
            (None, None) => return err("Policy statement must contain actions."),
            (Some(_), Some(_)) => return err("Syntax errors in policy: Action and NotAction together"),
        };
        for a in &actions {
            if a != "*" && !a.contains(':') {
                return err(format!("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc. Action: {a}"));
            }
        }
        let (resources, not_resource, resource_absent) = match (s.get("Resource"), s.get("NotResource")) {
            (Some(r), None) => (strings(r, "Resource")?, false, false),
            (None, Some(r)) => (strings(r, "NotResource")?, true, false),
            (None, None) => (Vec::new(), false, true),
            (Some(_), Some(_)) => return err("Syntax errors in policy: Resource and NotResource together"),
        };
        let principal_el = s.get("Principal").map(principal).transpose()?;
        let not_principal = s.get("NotPrincipal").map(principal).transpose()?;
        let conditions = match s.get("Condition") {
            Some(c) => parse_conditions(c)?,
            None => Vec::new(),
        };
        statements.push(Statement {
            sid: s.get("Sid").and_then(Json::as_str).map(str::to_string),
            effect,
            principal: principal_el,
            not_principal,
            actions,
            not_action,
            resources,
            not_resource,
            resource_absent,
            conditions,
        });
    }
    // "Policy variables … are only recognized with Version 2012-10-17; with
    // an older or no Version they are literal text": escaped here once.
    if version.as_deref() != Some("2012-10-17") {
        for st in &mut statements {
            for r in &mut st.resources {
                *r = escape_variables(r);
            }
            for c in &mut st.conditions {
                c.escape_variables(escape_variables);
            }
        }
    }
    Ok(Policy { version, id, statements })
}

/// Identity policies must name resources and no principal.
pub fn validate_identity_policy(p: &Policy) -> Result<(), PolicyError> {
    for st in &p.statements {
        if st.principal.is_some() || st.not_principal.is_some() {
            return err("Policy document should not specify a principal.");
        }
        if st.resource_absent {
            return err("Policy statement must contain resources.");
        }
    }
    Ok(())
}

/// How a resource policy's `Principal` names the caller; it decides whether
/// the grant stands on its own (see `crate::evaluate_detailed`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PrincipalMatch {
    /// The caller's account (`123456789012` or `arn:aws:iam::123456789012:root`):
    /// the account delegates to its own identity policies.
    Account,
    /// The role whose session the caller is: session and boundary policies still limit.
    Role,
    /// The caller itself (user ARN, role-session ARN) or everyone (`*`).
    Exact,
}

fn principal_match(p: &Principal, req: &Request) -> Option<PrincipalMatch> {
    match p {
        Principal::Any => Some(PrincipalMatch::Exact),
        Principal::Listed(list) => list
            .iter()
            .filter_map(|(kind, id)| match kind.as_str() {
                "AWS" => {
                    let root = format!("arn:aws:iam::{}:root", req.principal_account);
                    if id == &req.principal_arn || glob_match(id, &req.principal_arn, false) {
                        Some(PrincipalMatch::Exact)
                    } else if assumed_role_matches(id, &req.principal_arn) {
                        Some(PrincipalMatch::Role)
                    } else if id == &req.principal_account || *id == root {
                        Some(PrincipalMatch::Account)
                    } else {
                        None
                    }
                }
                "Service" => (req.service_principal.as_deref() == Some(id.as_str())).then_some(PrincipalMatch::Exact),
                "Federated" => (req.federated_provider.as_deref() == Some(id.as_str())).then_some(PrincipalMatch::Exact),
                _ => None,
            })
            .max(),
    }
}

/// A role ARN in a policy matches the sessions of that role
/// (`arn:aws:sts::1:assumed-role/R/session` is `arn:aws:iam::1:role/R`).
fn assumed_role_matches(policy_arn: &str, caller: &str) -> bool {
    let Some(rest) = caller.strip_prefix("arn:aws:sts::") else { return false };
    let Some((account, path)) = rest.split_once(':') else { return false };
    let Some(role_session) = path.strip_prefix("assumed-role/") else { return false };
    let role = role_session.split('/').next().unwrap_or("");
    policy_arn == format!("arn:aws:iam::{account}:role/{role}")
        || policy_arn.starts_with(&format!("arn:aws:iam::{account}:role/")) && policy_arn.ends_with(&format!("/{role}"))
}

impl Policy {
    /// Whether a role's trust policy, on its own, lets the request assume the
    /// role: a statement allows (naming the caller, its account or its
    /// identity provider) and none denies.
    pub fn trusts(&self, req: &Request) -> bool {
        self.statements.iter().any(|s| s.effect == Effect::Allow && s.applies(req, true))
            && !self.statements.iter().any(|s| s.effect == Effect::Deny && s.applies(req, true))
    }
}

impl Statement {
    /// Whether this statement covers the request (principal, action, resource, conditions).
    pub fn applies(&self, req: &Request, resource_policy: bool) -> bool {
        self.applies_as(req, resource_policy).is_some()
    }

    /// Like `applies`; for resource policies also how the principal was named
    /// (identity policies answer `Exact`).
    pub fn applies_as(&self, req: &Request, resource_policy: bool) -> Option<PrincipalMatch> {
        let mut how = PrincipalMatch::Exact;
        if resource_policy {
            match (&self.principal, &self.not_principal) {
                (Some(p), _) => how = principal_match(p, req)?,
                // NotPrincipal: everyone except those listed, each by its exact
                // ARN: an account ARN spares only its root user, a role ARN
                // none of its sessions.
                (None, Some(np)) => {
                    if principal_match(np, req) == Some(PrincipalMatch::Exact) {
                        return None;
                    }
                }
                (None, None) => return None,
            }
        }
        let action_hit = self.actions.iter().any(|a| action_match(a, &req.action));
        if action_hit == self.not_action {
            return None;
        }
        if !self.resource_absent {
            let hit = self.resources.iter().any(|r| glob_match(&substitute(r, req), &req.resource, false));
            if hit == self.not_resource {
                return None;
            }
        }
        self.conditions.iter().all(|c| c.holds(req)).then_some(how)
    }
}

/// `${x}` → `${$}{x}`: `substitute` then gives back the literal `${x}`.
fn escape_variables(s: &str) -> String {
    s.replace("${", "${$}{")
}
