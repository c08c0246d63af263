//! AWS STS over the shared identity store: who is calling, and temporary
//! credentials for roles (AssumeRole, …WithWebIdentity, …WithSAML), users
//! (GetSessionToken), federated users (GetFederationToken) and an
//! organization member's root user (AssumeRoot). Issued keys go
//! into `simfra_identity::credentials()`, so they sign requests right away and
//! stop working when they expire.
//!
//! The caller's own permission to call these (`sts:AssumeRole` on the role,
//! weighed against the role's trust policy) is the gateway's authorization;
//! the trust policy is checked here for the callers the gateway does not
//! weigh: unsigned web-identity callers and relaxed-mode unknown keys. Root
//! users may not assume roles at all.

mod c14n;
mod federation;
mod root;
mod saml;
mod xml;
mod xmldsig;

use base64::Engine;
use simfra_gen_sts::types::*;
use simfra_gen_sts::*;
use simfra_identity::{credentials, ids, Credential, PrincipalKind};
use simfra_model::{RequestContext, ServiceError, SharedHandler, Timestamp};
use simfra_policy::{Policy, Request};
use std::sync::Arc;

#[derive(Default)]
pub struct Sts;

pub fn handler() -> SharedHandler {
    simfra_gen_sts::handler(Arc::new(Sts))
}

fn now_secs() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

fn access_denied(message: String) -> ServiceError {
    ServiceError::new("AccessDenied", 403, message)
}

fn validation(message: impl Into<String>) -> ServiceError {
    ServiceError::new("ValidationError", 400, message)
}

/// The credential the request was signed with.
fn caller(ctx: &RequestContext) -> Option<Credential> {
    ctx.access_key_id.as_deref().and_then(|k| credentials().lookup(k))
}

fn caller_arn(ctx: &RequestContext) -> String {
    ctx.principal_arn.clone().unwrap_or_else(|| format!("arn:aws:iam::{}:root", ctx.account_id))
}

/// `arn:aws:iam::123456789012:role/path/Name` → (account, name).
fn parse_role_arn(arn: &str) -> Option<(String, String)> {
    simfra_identity::iam::role_of_arn(arn).map(|(a, n)| (a.to_string(), n.to_string()))
}

/// Session policies: the inline `Policy` and the managed `PolicyArns`, each a limit on the session.
fn session_policies(
    account: &str,
    inline: Option<&str>,
    arns: Option<&[PolicyDescriptorType]>,
) -> Result<(Vec<(String, Arc<Policy>)>, Option<i32>), ServiceError> {
    let mut out = Vec::new();
    let mut packed = None;
    if let Some(text) = inline {
        let p = simfra_policy::parse(text).map_err(|e| ServiceError::new("MalformedPolicyDocument", 400, e.0))?;
        // AWS packs the session policy and tags into a binary format limited to 2048
        // bytes of plain-text policy and reports how much of the limit was used.
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let size = compact.len() * 100 / 2048;
        if compact.len() > 2048 {
            return Err(ServiceError::new(
                "PackedPolicyTooLarge",
                400,
                format!("Packed size of consumed session policies and session tags exceeds 100%. The size is {size}%"),
            ));
        }
        packed = Some(size.max(1) as i32);
        out.push(("session-policy".to_string(), Arc::new(p)));
    }
    for d in arns.unwrap_or(&[]) {
        let Some(arn) = d.arn.as_deref() else { continue };
        let p = simfra_identity::iam::managed_policy(account, arn)
            .ok_or_else(|| validation(format!("Policy {arn} does not exist or is not attachable.")))?;
        out.push((arn.to_string(), p));
    }
    Ok((out, packed))
}


/// Everything a new role session needs.
struct RoleSession<'a> {
    role_arn: &'a str,
    session_name: &'a str,
    duration: Option<i32>,
    policy: Option<&'a str>,
    policy_arns: Option<&'a [PolicyDescriptorType]>,
    tags: Vec<(String, String)>,
    source_identity: Option<String>,
    /// Role chaining (a role session assuming a role) is limited to one hour.
    chained: bool,
    /// The session ends then at the latest (a SAML assertion's SessionNotOnOrAfter).
    not_after: Option<i64>,
}

struct Issued {
    credentials: Credentials,
    assumed: AssumedRoleUser,
    packed: Option<i32>,
}

fn check_session_name(name: &str) -> Result<(), ServiceError> {
    let ok = (2..=64).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"+=,.@-_".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(validation(format!(
            "1 validation error detected: Value '{name}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*"
        )))
    }
}

fn issue_role_session(s: RoleSession, trust_check: impl Fn(&Policy) -> bool, denied: impl Fn() -> ServiceError) -> Result<Issued, ServiceError> {
    let (account, name) = parse_role_arn(s.role_arn).ok_or_else(|| validation(format!("{} is invalid", s.role_arn)))?;
    check_session_name(s.session_name)?;
    // A missing role and an untrusting one look the same to the caller, as on AWS.
    let role = simfra_identity::iam::role(&account, &name).ok_or_else(&denied)?;
    if !trust_check(&role.trust_policy) {
        return Err(denied());
    }
    let max = if s.chained { 3600 } else { role.max_session_duration.max(3600) };
    let duration = s.duration.unwrap_or(3600);
    if duration < 900 {
        return Err(validation(format!(
            "1 validation error detected: Value '{duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"
        )));
    }
    if duration > max {
        return Err(validation(if s.chained {
            format!("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
        } else {
            format!("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
        }));
    }
    let (session, packed) = session_policies(&account, s.policy, s.policy_arns)?;
    let now = now_secs();
    let expires = s.not_after.map_or(now + duration as i64, |t| t.min(now + duration as i64));
    let keys = simfra_identity::credentials::issue_role_session(
        &account,
        &role,
        simfra_identity::credentials::RoleSessionSpec {
            session_name: s.session_name.to_string(),
            issued_at: now,
            expires_at: expires,
            session_policies: session,
            session_tags: s.tags,
            source_identity: s.source_identity,
        },
    );
    Ok(Issued {
        credentials: Credentials {
            access_key_id: keys.access_key_id,
            secret_access_key: keys.secret_access_key,
            session_token: keys.session_token,
            expiration: Timestamp::from_secs(keys.expires_at),
        },
        assumed: AssumedRoleUser { assumed_role_id: keys.assumed_role_id, arn: keys.arn },
        packed,
    })
}

/// The caller's side of a trust-policy check.
fn trust_request(action: &str, role_arn: &str, principal_arn: &str, account: &str) -> Request {
    Request::new(action, role_arn, principal_arn, account)
        .with("aws:PrincipalArn", &[principal_arn])
        .with("aws:PrincipalAccount", &[account])
}

fn tags_of(tags: Option<&[Tag]>) -> Vec<(String, String)> {
    tags.unwrap_or(&[]).iter().map(|t| (t.key.clone(), t.value.clone())).collect()
}

/// AWS's limit on the base64 SAML response.
const MAX_SAML_ASSERTION_LEN: usize = 100_000;

/// What the AWS attributes of a SAML assertion make of the session.
struct SamlSessionClaims {
    session_name: String,
    duration: i32,
    tags: Vec<(String, String)>,
    transitive_tag_keys: Vec<String>,
    source_identity: Option<String>,
}

impl SamlSessionClaims {
    fn read(assertion: &saml::Assertion, requested: Option<i32>, now: i64) -> Result<SamlSessionClaims, ServiceError> {
        let single = |name: &str| assertion.attribute(name).and_then(|v| v.first()).map(String::as_str);
        let session_name = single(saml::SESSION_NAME_ATTRIBUTE).ok_or_else(|| saml::invalid("RoleSessionName is required in AuthnResponse"))?;
        if check_session_name(session_name).is_err() {
            return Err(saml::invalid("RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}"));
        }
        // DurationSeconds (one hour by default), no longer than the
        // SessionDuration attribute allows.
        let mut duration = requested.unwrap_or(3600);
        if let Some(text) = single(saml::SESSION_DURATION_ATTRIBUTE) {
            let allowed = text
                .trim()
                .parse::<i32>()
                .ok()
                .filter(|d| (900..=43200).contains(d))
                .ok_or_else(|| saml::invalid("SessionDuration in AuthnResponse must be an integer between 900 and 43200"))?;
            duration = duration.min(allowed);
        }
        if assertion.session_not_on_or_after.is_some_and(|t| t <= now) {
            return Err(ServiceError::new("ExpiredTokenException", 400, "The SAML session has expired (SessionNotOnOrAfter)."));
        }

        let tags = assertion.principal_tags();
        if tags.len() > 50 {
            return Err(saml::invalid("The number of session tags in AuthnResponse exceeds the limit of 50"));
        }
        for (i, (k, v)) in tags.iter().enumerate() {
            if k.is_empty() || k.chars().count() > 128 || v.chars().count() > 256 || k.to_ascii_lowercase().starts_with("aws:") {
                return Err(saml::invalid(format!("The session tag '{k}' in AuthnResponse is not valid")));
            }
            if tags[..i].iter().any(|(other, _)| other.eq_ignore_ascii_case(k)) {
                return Err(saml::invalid(format!("Duplicate session tag key '{k}' in AuthnResponse")));
            }
        }
        let transitive_tag_keys: Vec<String> = assertion.attribute(saml::TRANSITIVE_TAG_KEYS_ATTRIBUTE).unwrap_or(&[]).to_vec();
        if let Some(k) = transitive_tag_keys.iter().find(|k| !tags.iter().any(|(t, _)| t.eq_ignore_ascii_case(k))) {
            return Err(saml::invalid(format!("Transitive tag key '{k}' in AuthnResponse is not a session tag")));
        }
        let source_identity = single(saml::SOURCE_IDENTITY_ATTRIBUTE).map(str::to_string);
        if let Some(si) = &source_identity {
            let ok = (2..=64).contains(&si.len())
                && !si.to_ascii_lowercase().starts_with("aws:")
                && si.bytes().all(|b| b.is_ascii_alphanumeric() || b"+=,.@-_".contains(&b));
            if !ok {
                return Err(saml::invalid("SourceIdentity in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64} and not begin with aws:"));
            }
        }
        Ok(SamlSessionClaims { session_name: session_name.to_string(), duration, tags, transitive_tag_keys, source_identity })
    }
}

#[simfra_model::async_trait]
impl StsApi for Sts {
    fn implemented(&self) -> &'static [&'static str] {
        &[
            "AssumeRole",
            "AssumeRoleWithSAML",
            "AssumeRoleWithWebIdentity",
            "AssumeRoot",
            "DecodeAuthorizationMessage",
            "GetAccessKeyInfo",
            "GetCallerIdentity",
            "GetFederationToken",
            "GetSessionToken",
        ]
    }

    async fn get_caller_identity(
        &self,
        ctx: &RequestContext,
        _input: GetCallerIdentityRequest,
    ) -> Result<GetCallerIdentityResponse, GetCallerIdentityError> {
        let arn = caller_arn(ctx);
        let user_id = match caller(ctx) {
            Some(c) => c.user_id,
            None if arn.ends_with(":root") => ctx.account_id.clone(),
            None => ctx.access_key_id.clone().unwrap_or_default(),
        };
        Ok(GetCallerIdentityResponse { user_id: Some(user_id), account: Some(ctx.account_id.clone()), arn: Some(arn) })
    }

    async fn assume_role(&self, ctx: &RequestContext, input: AssumeRoleRequest) -> Result<AssumeRoleResponse, AssumeRoleError> {
        let me = caller(ctx);
        let principal_arn = caller_arn(ctx);
        // "You cannot use AWS account root user credentials to call AssumeRole."
        if matches!(me.as_ref().map(|c| &c.principal), Some(PrincipalKind::Root)) {
            return Err(access_denied("Roles may not be assumed by root accounts.".into()).into());
        }
        // The gateway evaluated the trust policy for known callers, with
        // every condition key of the request (and with SIMFRA_IAM=audit or
        // off deliberately let a refusal pass); callers it let through
        // unchecked (relaxed auth with an unknown key) are held to it here.
        let gateway_checked = me.is_some();
        let chained = matches!(me.as_ref().map(|c| &c.principal), Some(PrincipalKind::AssumedRole { .. }));
        // Transitive session tags of the calling session carry over into the new one.
        let mut tags = tags_of(input.tags.as_deref());
        if let Some(PrincipalKind::AssumedRole { session_tags, .. }) = me.as_ref().map(|c| &c.principal) {
            for (k, v) in session_tags {
                if !tags.iter().any(|(tk, _)| tk.eq_ignore_ascii_case(k)) {
                    tags.push((k.clone(), v.clone()));
                }
            }
        }
        if tags.len() > 50 {
            return Err(validation("The number of session tags exceeds the limit of 50").into());
        }
        let mut req = trust_request("sts:AssumeRole", &input.role_arn, &principal_arn, &ctx.account_id)
            .with("sts:RoleSessionName", &[&input.role_session_name]);
        if let Some(e) = &input.external_id {
            req = req.with("sts:ExternalId", &[e]);
        }
        if let Some(si) = &input.source_identity {
            req = req.with("sts:SourceIdentity", &[si]);
        }
        for (k, v) in &tags {
            req = req.with(&format!("aws:RequestTag/{k}"), &[v]);
        }
        if !tags.is_empty() {
            let keys: Vec<&str> = tags.iter().map(|(k, _)| k.as_str()).collect();
            req = req.with("aws:TagKeys", &keys);
        }
        let tagging = !tags.is_empty();
        let denied = || access_denied(format!("User: {principal_arn} is not authorized to perform: sts:AssumeRole on resource: {}", input.role_arn));
        let issued = issue_role_session(
            RoleSession {
                role_arn: &input.role_arn,
                session_name: &input.role_session_name,
                duration: input.duration_seconds,
                policy: input.policy.as_deref(),
                policy_arns: input.policy_arns.as_deref(),
                tags,
                source_identity: input.source_identity.clone(),
                chained,
                not_after: None,
            },
            |trust| {
                (gateway_checked || trust.trusts(&req))
                    // Passing session tags needs sts:TagSession in the trust policy too.
                    && (!tagging || trust.trusts(&Request { action: "sts:TagSession".into(), ..req.clone() }))
            },
            denied,
        )?;
        Ok(AssumeRoleResponse {
            credentials: Some(issued.credentials),
            assumed_role_user: Some(issued.assumed),
            packed_policy_size: issued.packed,
            source_identity: input.source_identity,
        })
    }

    async fn assume_role_with_web_identity(
        &self,
        _ctx: &RequestContext,
        input: AssumeRoleWithWebIdentityRequest,
    ) -> Result<AssumeRoleWithWebIdentityResponse, AssumeRoleWithWebIdentityError> {
        let token = federation::WebIdentityToken::parse(&input.web_identity_token, now_secs())?;
        let (account, _) = parse_role_arn(&input.role_arn).ok_or_else(|| validation(format!("{} is invalid", input.role_arn)))?;
        let provider = token.provider(&account, input.provider_id.as_deref())?;
        let mut req = Request {
            action: "sts:AssumeRoleWithWebIdentity".into(),
            resource: input.role_arn.clone(),
            federated_provider: Some(provider.principal.clone()),
            ..Default::default()
        };
        for (k, v) in token.condition_keys(&provider.key_prefix) {
            let refs: Vec<&str> = v.iter().map(String::as_str).collect();
            req = req.with(&k, &refs);
        }
        let denied = || access_denied("Not authorized to perform sts:AssumeRoleWithWebIdentity".to_string());
        let issued = issue_role_session(
            RoleSession {
                role_arn: &input.role_arn,
                session_name: &input.role_session_name,
                duration: input.duration_seconds,
                policy: input.policy.as_deref(),
                policy_arns: input.policy_arns.as_deref(),
                tags: Vec::new(),
                source_identity: None,
                chained: false,
                not_after: None,
            },
            |trust| {
                trust.trusts(&req)
            },
            denied,
        )?;
        Ok(AssumeRoleWithWebIdentityResponse {
            credentials: Some(issued.credentials),
            subject_from_web_identity_token: Some(token.subject.clone()),
            assumed_role_user: Some(issued.assumed),
            packed_policy_size: issued.packed,
            provider: Some(provider.reported),
            audience: token.audience.first().cloned(),
            source_identity: None,
        })
    }

    async fn assume_role_with_saml(
        &self,
        _ctx: &RequestContext,
        input: AssumeRoleWithSamlRequest,
    ) -> Result<AssumeRoleWithSamlResponse, AssumeRoleWithSamlError> {
        let now = now_secs();
        if input.saml_assertion.len() > MAX_SAML_ASSERTION_LEN {
            return Err(validation(format!(
                "1 validation error detected: Value at 'sAMLAssertion' failed to satisfy constraint: Member must have length less than or equal to {MAX_SAML_ASSERTION_LEN}"
            ))
            .into());
        }
        let (account, _) = parse_role_arn(&input.role_arn).ok_or_else(|| validation(format!("{} is invalid", input.role_arn)))?;
        // The provider: an IAM SAML provider of the role's account.
        let provider_name = input
            .principal_arn
            .strip_prefix(&format!("arn:aws:iam::{account}:saml-provider/"))
            .filter(|n| !n.is_empty() && !n.contains('/'));
        let provider = provider_name
            .and_then(|_| simfra_identity::iam::saml_provider(&account, &input.principal_arn))
            .ok_or_else(|| saml::invalid(format!("SAML provider {} does not exist in the account of role {}", input.principal_arn, input.role_arn)))?;
        if provider.valid_until <= now {
            return Err(saml::invalid("The metadata of the SAML provider has expired (validUntil)").into());
        }
        let idp = saml::IdentityProvider::from_metadata(&provider.metadata)?;
        let assertion = saml::verified_assertion(&input.saml_assertion, &idp)?;
        assertion.check(&idp, now)?;

        let denied = || access_denied("Not authorized to perform sts:AssumeRoleWithSAML".to_string());
        if !assertion.offers_role(&input.role_arn, &input.principal_arn) {
            return Err(denied().into());
        }
        let claims = SamlSessionClaims::read(&assertion, input.duration_seconds, now)?;

        let name_qualifier = {
            use sha1::Digest;
            let digest = sha1::Sha1::digest(format!("{}{}/{}", assertion.issuer, account, provider.name).as_bytes());
            base64::engine::general_purpose::STANDARD.encode(digest)
        };
        let subject_type = assertion.subject_type();
        let recipient = assertion.recipient.clone().unwrap_or_default();
        let mut req = Request {
            action: "sts:AssumeRoleWithSAML".into(),
            resource: input.role_arn.clone(),
            federated_provider: Some(provider.arn.clone()),
            ..Default::default()
        }
        .with("SAML:aud", &[&recipient])
        .with("SAML:iss", &[&assertion.issuer])
        .with("SAML:sub", &[&assertion.subject])
        .with("SAML:sub_type", &[&subject_type])
        .with("SAML:namequalifier", &[&name_qualifier])
        .with("SAML:doc", &[&format!("{account}/{}", provider.name)]);
        for (k, v) in assertion.attribute_condition_keys() {
            let refs: Vec<&str> = v.iter().map(String::as_str).collect();
            req = req.with(&k, &refs);
        }
        for (k, v) in &claims.tags {
            req = req.with(&format!("aws:RequestTag/{k}"), &[v]).with(&format!("aws:PrincipalTag/{k}"), &[v]);
        }
        if !claims.tags.is_empty() {
            let keys: Vec<&str> = claims.tags.iter().map(|(k, _)| k.as_str()).collect();
            req = req.with("aws:TagKeys", &keys);
        }
        if !claims.transitive_tag_keys.is_empty() {
            let keys: Vec<&str> = claims.transitive_tag_keys.iter().map(String::as_str).collect();
            req = req.with("sts:TransitiveTagKeys", &keys);
        }
        if let Some(si) = &claims.source_identity {
            req = req.with("sts:SourceIdentity", &[si]);
        }
        let tagging = !claims.tags.is_empty();
        let setting_source = claims.source_identity.is_some();
        let issued = issue_role_session(
            RoleSession {
                role_arn: &input.role_arn,
                session_name: &claims.session_name,
                duration: Some(claims.duration),
                policy: input.policy.as_deref(),
                policy_arns: input.policy_arns.as_deref(),
                tags: claims.tags.clone(),
                source_identity: claims.source_identity.clone(),
                chained: false,
                not_after: assertion.session_not_on_or_after,
            },
            |trust| {
                trust.trusts(&req)
                    // Session tags and a source identity need their own actions in the trust policy.
                    && (!tagging || trust.trusts(&Request { action: "sts:TagSession".into(), ..req.clone() }))
                    && (!setting_source || trust.trusts(&Request { action: "sts:SetSourceIdentity".into(), ..req.clone() }))
            },
            denied,
        )?;
        Ok(AssumeRoleWithSamlResponse {
            credentials: Some(issued.credentials),
            assumed_role_user: Some(issued.assumed),
            packed_policy_size: issued.packed,
            subject: Some(assertion.subject.clone()),
            subject_type: Some(subject_type),
            issuer: Some(assertion.issuer.clone()),
            audience: assertion.recipient.clone(),
            name_qualifier: Some(name_qualifier),
            source_identity: claims.source_identity,
        })
    }

    async fn assume_root(&self, ctx: &RequestContext, input: AssumeRootRequest) -> Result<AssumeRootResponse, AssumeRootError> {
        let principal_arn = caller_arn(ctx);
        let me = caller(ctx).ok_or_else(|| access_denied(format!("User: {principal_arn} is not authorized to perform: sts:AssumeRoot")))?;
        // "You cannot use root user credentials to call AssumeRoot."
        let root_caller = match &me.principal {
            PrincipalKind::Root => true,
            PrincipalKind::UserSession { parent } => **parent == PrincipalKind::Root,
            _ => false,
        };
        if root_caller {
            return Err(access_denied("Root user credentials cannot be used to call AssumeRoot.".into()).into());
        }
        let target = root::target_account(&input.target_principal).ok_or_else(|| {
            validation(format!(
                "1 validation error detected: Value '{}' at 'targetPrincipal' failed to satisfy constraint: Member must be an account ID or an account root ARN",
                input.target_principal
            ))
        })?;
        let task_arn = input.task_policy_arn.arn.clone().unwrap_or_default();
        let task_policy = root::task_policy(&task_arn)
            .ok_or_else(|| validation(format!("The TaskPolicyArn {task_arn} is not a root task policy (arn:aws:iam::aws:policy/root-task/…).")))?;
        let duration = input.duration_seconds.unwrap_or(root::MAX_DURATION);
        if !(0..=root::MAX_DURATION).contains(&duration) {
            return Err(validation(format!(
                "1 validation error detected: Value '{duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value {} {}",
                if duration < 0 { "greater than or equal to" } else { "less than or equal to" },
                if duration < 0 { 0 } else { root::MAX_DURATION }
            ))
            .into());
        }
        root::may_assume_root(&me.account_id, target).map_err(|why| {
            access_denied(format!("User: {principal_arn} is not authorized to perform: sts:AssumeRoot on resource: arn:aws:iam::{target}:root. {why}"))
        })?;
        // The member's root user, limited by the task policy as a session policy.
        let now = now_secs();
        let akid = ids::access_key_id("ASIA");
        let secret = ids::secret_access_key();
        let token = ids::session_token();
        let expires = now + duration as i64;
        credentials().purge_expired(now);
        credentials().insert(Credential {
            access_key_id: akid.clone(),
            secret_access_key: secret.clone(),
            account_id: target.to_string(),
            principal_arn: format!("arn:aws:iam::{target}:root"),
            user_id: target.to_string(),
            principal: PrincipalKind::RootSession { task_policies: vec![(task_arn, task_policy)] },
            session_token: Some(token.clone()),
            expires_at: Some(expires),
            issued_at: Some(now),
            active: true,
        });
        // A source identity set on the calling session carries over.
        let source_identity = match me.principal {
            PrincipalKind::AssumedRole { source_identity, .. } => source_identity,
            _ => None,
        };
        Ok(AssumeRootResponse {
            credentials: Some(Credentials { access_key_id: akid, secret_access_key: secret, session_token: token, expiration: Timestamp::from_secs(expires) }),
            source_identity,
        })
    }

    async fn get_session_token(
        &self,
        ctx: &RequestContext,
        input: GetSessionTokenRequest,
    ) -> Result<GetSessionTokenResponse, GetSessionTokenError> {
        let me = caller(ctx).ok_or_else(|| access_denied("Cannot call GetSessionToken without long-term credentials".into()))?;
        if !matches!(me.principal, PrincipalKind::Root | PrincipalKind::User { .. }) {
            return Err(access_denied("Cannot call GetSessionToken with session credentials".into()).into());
        }
        let root = me.principal == PrincipalKind::Root;
        let duration = input.duration_seconds.unwrap_or(if root { 3600 } else { 43200 });
        let max = if root { 3600 } else { 129_600 };
        if !(900..=max).contains(&duration) {
            return Err(validation(format!(
                "1 validation error detected: Value '{duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value {} {}",
                if duration < 900 { "greater than or equal to" } else { "less than or equal to" },
                if duration < 900 { 900 } else { max }
            ))
            .into());
        }
        let creds = issue_derived(&me, duration as i64, me.principal_arn.clone(), me.user_id.clone(), PrincipalKind::UserSession {
            parent: Box::new(me.principal.clone()),
        });
        Ok(GetSessionTokenResponse { credentials: Some(creds) })
    }

    async fn get_federation_token(
        &self,
        ctx: &RequestContext,
        input: GetFederationTokenRequest,
    ) -> Result<GetFederationTokenResponse, GetFederationTokenError> {
        let me = caller(ctx).ok_or_else(|| access_denied("Cannot call GetFederationToken without long-term credentials".into()))?;
        let parent_user = match &me.principal {
            PrincipalKind::User { name, .. } => name.clone(),
            PrincipalKind::Root => String::new(),
            _ => return Err(access_denied("Cannot call GetFederationToken with session credentials".into()).into()),
        };
        let root = me.principal == PrincipalKind::Root;
        let duration = input.duration_seconds.unwrap_or(43200);
        let max = if root { 3600 } else { 129_600 };
        if !(900..=max).contains(&duration) {
            return Err(validation(format!("The requested DurationSeconds must be between 900 and {max} seconds.")).into());
        }
        let (session, packed) = session_policies(&me.account_id, input.policy.as_deref(), input.policy_arns.as_deref())?;
        let arn = format!("arn:aws:sts::{}:federated-user/{}", me.account_id, input.name);
        let user_id = format!("{}:{}", me.account_id, input.name);
        let principal = PrincipalKind::FederatedUser { name: input.name.clone(), parent_user, session_policies: session };
        let creds = issue_derived(&me, duration as i64, arn.clone(), user_id.clone(), principal);
        Ok(GetFederationTokenResponse {
            credentials: Some(creds),
            federated_user: Some(FederatedUser { federated_user_id: user_id, arn }),
            packed_policy_size: packed,
        })
    }

    async fn get_access_key_info(
        &self,
        ctx: &RequestContext,
        input: GetAccessKeyInfoRequest,
    ) -> Result<GetAccessKeyInfoResponse, GetAccessKeyInfoError> {
        let account = credentials().lookup(&input.access_key_id).map(|c| c.account_id).unwrap_or_else(|| ctx.account_id.clone());
        Ok(GetAccessKeyInfoResponse { account: Some(account) })
    }

    async fn decode_authorization_message(
        &self,
        _ctx: &RequestContext,
        input: DecodeAuthorizationMessageRequest,
    ) -> Result<DecodeAuthorizationMessageResponse, DecodeAuthorizationMessageError> {
        let invalid = || ServiceError::new("InvalidAuthorizationMessageException", 400, "The specified authorization message is invalid.");
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(input.encoded_message.trim().trim_end_matches('='))
            .map_err(|_| invalid())?;
        let text = String::from_utf8(bytes).map_err(|_| invalid())?;
        serde_json::from_str::<serde_json::Value>(&text).map_err(|_| invalid())?;
        Ok(DecodeAuthorizationMessageResponse { decoded_message: Some(text) })
    }
}

/// Temporary credentials standing for `principal`, derived from the caller's own.
fn issue_derived(me: &Credential, duration: i64, arn: String, user_id: String, principal: PrincipalKind) -> Credentials {
    let now = now_secs();
    let akid = ids::access_key_id("ASIA");
    let secret = ids::secret_access_key();
    let token = ids::session_token();
    credentials().purge_expired(now);
    credentials().insert(Credential {
        access_key_id: akid.clone(),
        secret_access_key: secret.clone(),
        account_id: me.account_id.clone(),
        principal_arn: arn,
        user_id,
        principal,
        session_token: Some(token.clone()),
        expires_at: Some(now + duration),
        issued_at: Some(now),
        active: true,
    });
    Credentials { access_key_id: akid, secret_access_key: secret, session_token: token, expiration: Timestamp::from_secs(now + duration) }
}
