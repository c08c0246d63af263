//! Authorization: may this caller do what this request needs? Gathers the
//! policies that apply (the principal's identity policies and boundary,
//! session policies, the resource's policy, SCPs) and evaluates them with
//! `simfra-policy`, with the global condition keys AWS sets for every request.
//! Denials carry AWS's message ("User: … is not authorized to perform: … on
//! resource: … because …").

use crate::actions::Required;
use crate::by_service::ByArnService;
use crate::credentials::{Credential, PrincipalKind};
use crate::iam::{self, PrincipalPolicies};
use simfra_policy::{evaluate_detailed, Evaluation, Outcome, Policy, Reason, Request};
use std::sync::{Arc, OnceLock};

/// `SIMFRA_IAM`
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IamMode {
    /// Denied requests are refused (the default).
    Enforce,
    /// Denied requests are served; the would-be denial is logged.
    Audit,
    /// No authorization at all.
    Off,
}

impl IamMode {
    pub fn parse(v: &str) -> Option<IamMode> {
        match v.to_ascii_lowercase().as_str() {
            "enforce" => Some(IamMode::Enforce),
            "audit" => Some(IamMode::Audit),
            "off" => Some(IamMode::Off),
            _ => None,
        }
    }
}

/// Facts about the request itself, for the global condition keys.
#[derive(Debug, Clone, Default)]
pub struct RequestFacts {
    pub source_ip: String,
    pub secure_transport: bool,
    pub region: String,
    pub user_agent: String,
    /// Unix seconds.
    pub now: i64,
}

/// A refused request.
#[derive(Debug, Clone, PartialEq)]
pub struct Denial {
    pub principal_arn: String,
    pub action: String,
    pub resource: String,
    pub reason: Reason,
    /// The resource belongs to another account than the caller's (S3 then
    /// answers a bare "Access Denied").
    pub cross_account: bool,
}

impl Denial {
    /// AWS's wording: `User: arn:aws:iam::1:user/bob is not authorized to
    /// perform: sqs:SendMessage on resource: arn:aws:sqs:us-east-1:1:q
    /// because no identity-based policy allows the sqs:SendMessage action`.
    pub fn message(&self) -> String {
        self.sentence(&self.resource)
    }

    /// S3's wording, which quotes the resource ARN.
    pub fn s3_message(&self) -> String {
        self.sentence(&format!("\"{}\"", self.resource))
    }

    fn sentence(&self, resource: &str) -> String {
        format!("User: {} is not authorized to perform: {} on resource: {} {}", self.principal_arn, self.action, resource, self.reason.explain(&self.action))
    }
}

/// What IAM weighs of a resource: the account that owns it (it matters for
/// ARNs that name none, S3's), its resource policy (a bucket's, a queue's,
/// a role's trust policy) and its tags (`aws:ResourceTag/<key>`).
#[derive(Debug, Clone, Default)]
pub struct ResourceFacts {
    pub owner: String,
    pub policy: Option<Arc<Policy>>,
    pub tags: Vec<(String, String)>,
}

/// A service's answer for one of its resources, by ARN; `None` when there
/// is no such resource.
pub type ResourceLookup = fn(resource_arn: &str) -> Option<ResourceFacts>;

static RESOURCE_LOOKUPS: ByArnService<ResourceLookup> = ByArnService::new();

/// Lets a service answer for its resources (`arn:aws:<service>:…`).
pub fn register_resources(arn_service: &'static str, lookup: ResourceLookup) {
    RESOURCE_LOOKUPS.register(arn_service, lookup);
}

/// Whether the resource policy of this request is a role's trust policy
/// (an `sts:` action on an IAM role).
fn is_trust_policy(action: &str, arn: &str) -> bool {
    action.len() > 4 && action[..4].eq_ignore_ascii_case("sts:") && arn.split(':').nth(2) == Some("iam")
}

fn resource_facts(action: &str, arn: &str) -> Option<ResourceFacts> {
    if arn.split(':').nth(2) == Some("iam") {
        return iam_facts(action, arn);
    }
    // A bucket being created is the caller's to be: that its name is taken
    // (even by another account) is S3's answer (BucketAlreadyExists), not IAM's.
    if action == "s3:CreateBucket" {
        return None;
    }
    RESOURCE_LOOKUPS.for_arn(arn)?(arn)
}

/// IAM's own resources: roles (whose trust policy is the resource policy
/// of assuming them) and users, with their tags.
fn iam_facts(action: &str, arn: &str) -> Option<ResourceFacts> {
    let (account, kind, path_name) = iam::entity_of_arn(arn)?;
    let name = path_name.rsplit('/').next()?;
    let owner = account.to_string();
    match kind {
        "role" => {
            let role = iam::role(account, name)?;
            let policy = is_trust_policy(action, arn).then_some(role.trust_policy);
            Some(ResourceFacts { owner, policy, tags: role.tags })
        }
        "user" => Some(ResourceFacts { owner, policy: None, tags: iam::user(account, name)?.tags }),
        _ => None,
    }
}

/// The account an ARN names (`arn:aws:sqs:us-east-1:123456789012:q`), if any:
/// twelve digits (`aws` of managed policies, or malformed ARNs, name none).
fn arn_account(arn: &str) -> Option<&str> {
    arn.split(':').nth(4).filter(|a| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()))
}

/// Root, or a session of root's (GetSessionToken).
fn is_root(cred: &Credential) -> bool {
    match &cred.principal {
        PrincipalKind::Root | PrincipalKind::RootSession { .. } => true,
        PrincipalKind::UserSession { parent } => **parent == PrincipalKind::Root,
        _ => false,
    }
}

/// The account owning a resource: the one its service knows as owner, or
/// the one its ARN names.
fn resource_owner<'a>(need: &'a Required, facts: Option<&'a ResourceFacts>) -> Option<&'a str> {
    facts.map(|f| f.owner.as_str()).or_else(|| arn_account(&need.resource))
}

/// What the caller's credential stands for, for evaluation.
struct PrincipalView {
    /// `aws:PrincipalArn`: a role session's role ARN, else the principal's own ARN.
    principal_arn_key: String,
    principal_type: &'static str,
    username: Option<String>,
    policies: Option<PrincipalPolicies>,
    session: Vec<(String, Arc<Policy>)>,
    session_tags: Vec<(String, String)>,
}

fn view(cred: &Credential) -> PrincipalView {
    let account = &cred.account_id;
    match &cred.principal {
        PrincipalKind::Root => PrincipalView {
            principal_arn_key: cred.principal_arn.clone(),
            principal_type: "Account",
            username: None,
            policies: None,
            session: Vec::new(),
            session_tags: Vec::new(),
        },
        PrincipalKind::RootSession { task_policies } => PrincipalView {
            principal_arn_key: cred.principal_arn.clone(),
            principal_type: "Account",
            username: None,
            policies: None,
            session: task_policies.clone(),
            session_tags: Vec::new(),
        },
        PrincipalKind::User { name, .. } => PrincipalView {
            principal_arn_key: cred.principal_arn.clone(),
            principal_type: "User",
            username: Some(name.clone()),
            policies: iam::user_policies(account, name),
            session: Vec::new(),
            session_tags: Vec::new(),
        },
        PrincipalKind::UserSession { parent } => {
            let parent_cred = Credential { principal: (**parent).clone(), ..cred.clone() };
            view(&parent_cred)
        }
        PrincipalKind::AssumedRole { role_name, role_arn, session_policies, session_tags, .. } => PrincipalView {
            principal_arn_key: role_arn.clone(),
            principal_type: "AssumedRole",
            username: None,
            policies: iam::role_policies(account, role_name),
            session: session_policies.clone(),
            session_tags: session_tags.clone(),
        },
        PrincipalKind::FederatedUser { parent_user, session_policies, .. } => PrincipalView {
            principal_arn_key: cred.principal_arn.clone(),
            principal_type: "FederatedUser",
            username: None,
            // Federated by root (no parent user): root's permissions, limited by the session policies.
            policies: if parent_user.is_empty() {
                Some(PrincipalPolicies { identity: vec![("root".into(), root_grant())], ..Default::default() })
            } else {
                iam::user_policies(account, parent_user)
            },
            // "If you do not pass any session policies, then the resulting
            // federated user session has no permissions."
            session: if session_policies.is_empty() { vec![("no-session-policy".into(), no_permissions())] } else { session_policies.clone() },
            session_tags: Vec::new(),
        },
    }
}

/// A policy that allows nothing.
fn no_permissions() -> Arc<Policy> {
    static NONE: OnceLock<Arc<Policy>> = OnceLock::new();
    NONE.get_or_init(|| Arc::new(Policy { version: Some("2012-10-17".into()), id: None, statements: Vec::new() })).clone()
}

fn iso8601(secs: i64) -> String {
    let (y, mo, d, h, mi, s) = simfra_model::calendar::utc_parts(secs);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}

/// Checks every authorization the request needs; the first refusal is
/// returned. On success, the other accounts whose resources the request was
/// allowed to reach (their resource policies agreed). Root credentials are
/// allowed everything in their own account but what an SCP or a resource
/// policy explicitly denies, as on AWS.
pub fn authorize(cred: &Credential, required: &[Required], facts: &RequestFacts) -> Result<Vec<String>, Denial> {
    let scps = crate::organizations::scp_levels(&cred.account_id);
    let v = view(cred);
    let mut foreign = Vec::new();
    for need in required {
        // Looked up once: owner, policy and tags of the resource.
        let resource = resource_facts(&need.action, &need.resource);
        let owner = resource_owner(need, resource.as_ref());
        let denial = |reason| Denial {
            principal_arn: cred.principal_arn.clone(),
            action: need.action.clone(),
            resource: need.resource.clone(),
            reason,
            cross_account: owner.is_some_and(|o| o != cred.account_id),
        };
        if let Some(reason) = session_limit(cred, need) {
            return Err(denial(reason));
        }
        let outcome = check(cred, &v, need, resource.as_ref(), facts, &scps);
        let bucket_policy_denies_root = outcome.reason == Reason::ExplicitDeny(simfra_policy::PolicyKind::Resource) && root_keeps_bucket_policy(cred, need, owner);
        if !outcome.decision.is_allowed() && !bucket_policy_denies_root {
            return Err(denial(outcome.reason));
        }
        if let Some(o) = owner.filter(|o| *o != cred.account_id) {
            foreign.push(o.to_string());
        }
    }
    Ok(foreign)
}

/// "The root principal in the bucket owner's account can execute
/// GetBucketPolicy, PutBucketPolicy, and DeleteBucketPolicy API actions,
/// even if their bucket policy explicitly denies the root principal's
/// access": a policy that locks everyone out can still be mended.
fn root_keeps_bucket_policy(cred: &Credential, need: &Required, owner: Option<&str>) -> bool {
    const POLICY_ACTIONS: &[&str] = &["s3:GetBucketPolicy", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy"];
    cred.principal == PrincipalKind::Root
        && owner == Some(cred.account_id.as_str())
        && need.resource.starts_with("arn:aws:s3:::")
        && POLICY_ACTIONS.iter().any(|a| a.eq_ignore_ascii_case(&need.action))
}

/// What temporary credentials may never do, whatever the policies say:
/// federated users call no IAM API, and GetSessionToken sessions without
/// MFA neither ("Cannot call any IAM API operations unless MFA
/// authentication information is included in the request").
fn session_limit(cred: &Credential, need: &Required) -> Option<Reason> {
    let iam = need.action.len() > 4 && need.action[..4].eq_ignore_ascii_case("iam:");
    match &cred.principal {
        PrincipalKind::FederatedUser { .. } | PrincipalKind::UserSession { .. } if iam => Some(Reason::NoAllow(simfra_policy::PolicyKind::Session)),
        _ => None,
    }
}

/// An unsigned request (S3 serves them): allowed only where the resource's
/// own policy grants everyone (`"Principal": "*"`). Answers the accounts
/// owning the resources, as `authorize` does.
pub fn authorize_anonymous(required: &[Required], facts: &RequestFacts) -> Result<Vec<String>, Denial> {
    let mut owners = Vec::new();
    for need in required {
        let mut req = Request::new(&need.action, &need.resource, "", "")
            .with("aws:SourceIp", &[&facts.source_ip])
            .with("aws:SecureTransport", &[if facts.secure_transport { "true" } else { "false" }])
            .with("aws:CurrentTime", &[&iso8601(facts.now)])
            .with("aws:EpochTime", &[&facts.now.to_string()])
            .with("aws:UserAgent", &[&facts.user_agent]);
        for (k, vals) in &need.context {
            let refs: Vec<&str> = vals.iter().map(String::as_str).collect();
            req = req.with(k, &refs);
        }
        let denied = |reason| Denial { principal_arn: "anonymous".into(), action: need.action.clone(), resource: need.resource.clone(), reason, cross_account: true };
        let facts_of = resource_facts(&need.action, &need.resource);
        // A bucket that does not exist is S3's to report (NoSuchBucket), except to a would-be creator.
        if facts_of.is_none() && need.resource.starts_with("arn:aws:s3:::") && !need.action.eq_ignore_ascii_case("s3:CreateBucket") {
            continue;
        }
        let Some(ResourceFacts { owner, policy: Some(policy), .. }) = facts_of else {
            return Err(denied(Reason::NoAllow(simfra_policy::PolicyKind::Resource)));
        };
        // Only the resource policy speaks for anonymous callers: evaluated as in the owner's account.
        let ev = Evaluation { resource: Some(("resource-policy", policy.as_ref())), ..Default::default() };
        let outcome = evaluate_detailed(&ev, &req);
        if !outcome.decision.is_allowed() {
            let reason = match outcome.reason {
                Reason::ExplicitDeny(k) => Reason::ExplicitDeny(k),
                _ => Reason::NoAllow(simfra_policy::PolicyKind::Resource),
            };
            return Err(denied(reason));
        }
        owners.push(owner);
    }
    Ok(owners)
}

fn check(
    cred: &Credential,
    v: &PrincipalView,
    need: &Required,
    resource: Option<&ResourceFacts>,
    facts: &RequestFacts,
    scps: &[Vec<(String, Arc<Policy>)>],
) -> Outcome {
    let mut req = Request::new(&need.action, &need.resource, &cred.principal_arn, &cred.account_id)
        .with("aws:PrincipalArn", &[&v.principal_arn_key])
        .with("aws:PrincipalAccount", &[&cred.account_id])
        .with("aws:PrincipalType", &[v.principal_type])
        .with("aws:userid", &[&cred.user_id])
        .with("aws:SourceIp", &[&facts.source_ip])
        .with("aws:SecureTransport", &[if facts.secure_transport { "true" } else { "false" }])
        .with("aws:RequestedRegion", &[&facts.region])
        .with("aws:UserAgent", &[&facts.user_agent])
        .with("aws:CurrentTime", &[&iso8601(facts.now)])
        .with("aws:EpochTime", &[&facts.now.to_string()])
        .with("aws:ViaAWSService", &["false"])
        .with("aws:PrincipalIsAWSService", &["false"]);
    if let Some(u) = &v.username {
        req = req.with("aws:username", &[u]);
    }
    if let Some(issued) = cred.issued_at {
        req = req.with("aws:TokenIssueTime", &[&iso8601(issued)]).with("aws:MultiFactorAuthPresent", &["false"]);
    }
    let principal_tags = v.policies.as_ref().map(|p| p.tags.as_slice()).unwrap_or(&[]).iter().chain(v.session_tags.iter());
    for (k, val) in principal_tags {
        req = req.with(&format!("aws:PrincipalTag/{k}"), &[val]);
    }
    for (k, vals) in &need.context {
        let refs: Vec<&str> = vals.iter().map(String::as_str).collect();
        req = req.with(k, &refs);
    }

    let resource_account = resource_owner(need, resource);
    if let Some(owner) = resource_account {
        req = req.with("aws:ResourceAccount", &[owner]);
    }
    for (k, val) in resource.map(|f| f.tags.as_slice()).unwrap_or(&[]) {
        req = req.with(&format!("aws:ResourceTag/{k}"), &[val]);
    }
    let empty = PrincipalPolicies::default();
    let pol = v.policies.as_ref().unwrap_or(&empty);
    let root_grant = root_grant();
    let identity = if is_root(cred) {
        vec![("root", &*root_grant)]
    } else {
        pol.identity.iter().map(|(id, p)| (id.as_str(), p.as_ref())).collect()
    };
    let ev = Evaluation {
        identity,
        resource: resource.and_then(|f| f.policy.as_deref()).map(|p| ("resource-policy", p)),
        boundary: pol.boundary.as_ref().map(|(id, p)| (id.as_str(), p.as_ref())),
        session: v.session.iter().map(|(id, p)| (id.as_str(), p.as_ref())).collect(),
        scps: scps.iter().map(|level| level.iter().map(|(id, p)| (id.as_str(), p.as_ref())).collect()).collect(),
        resource_account,
        trust_policy: is_trust_policy(&need.action, &need.resource),
    };
    evaluate_detailed(&ev, &req)
}

/// What root may do before SCPs: everything.
fn root_grant() -> Arc<Policy> {
    static ALL: OnceLock<Arc<Policy>> = OnceLock::new();
    ALL.get_or_init(|| {
        Arc::new(simfra_policy::parse(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#).expect("a valid policy"))
    })
    .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn denial_messages_read_like_aws() {
        let d = Denial {
            principal_arn: "arn:aws:iam::123456789012:user/bob".into(),
            action: "s3:ListBucket".into(),
            resource: "arn:aws:s3:::b".into(),
            reason: Reason::NoAllow(simfra_policy::PolicyKind::Identity),
            cross_account: false,
        };
        assert_eq!(
            d.message(),
            "User: arn:aws:iam::123456789012:user/bob is not authorized to perform: s3:ListBucket on resource: arn:aws:s3:::b because no identity-based policy allows the s3:ListBucket action"
        );
        assert_eq!(
            d.s3_message(),
            "User: arn:aws:iam::123456789012:user/bob is not authorized to perform: s3:ListBucket on resource: \"arn:aws:s3:::b\" because no identity-based policy allows the s3:ListBucket action"
        );
    }

    #[test]
    fn root_bypasses_and_unknown_users_are_denied() {
        let root = Credential::root("123456789012", "AKIAROOT", "secret");
        let need = vec![Required { action: "s3:ListBucket".into(), resource: "arn:aws:s3:::b".into(), context: Vec::new() }];
        assert_eq!(authorize(&root, &need, &RequestFacts::default()), Ok(Vec::new()));
        let user = Credential {
            principal: PrincipalKind::User { name: "ghost".into(), user_id: "AIDAGHOST".into() },
            principal_arn: "arn:aws:iam::123456789012:user/ghost".into(),
            ..root
        };
        let d = authorize(&user, &need, &RequestFacts::default()).unwrap_err();
        assert_eq!(d.reason, Reason::NoAllow(simfra_policy::PolicyKind::Identity));
    }
}
