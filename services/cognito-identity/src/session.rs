//! AWS credentials for an identity: the enhanced (simplified) flow, in which
//! Cognito Identity itself assumes the pool's role with a web identity and
//! hands the identity the session.
//!
//! The role is the pool's authenticated or unauthenticated role, or what a
//! role mapping of the login's provider picks (from the token's
//! `cognito:preferred_role`/`cognito:roles`, or by rules on its claims). The
//! role's trust policy must allow `sts:AssumeRoleWithWebIdentity` for the
//! federated principal `cognito-identity.amazonaws.com` with the conditions
//! identity-pool roles use (`cognito-identity.amazonaws.com:aud` = pool id,
//! `…:amr` = `authenticated`/`unauthenticated`, `…:sub` = identity id); the
//! session goes into the shared credential store exactly as STS's
//! AssumeRoleWithWebIdentity would put it. Unauthenticated identities' sessions
//! are scoped down by AWS's `AmazonCognitoUnAuthedIdentitiesSessionPolicy`, as
//! AWS does in the enhanced flow: whatever the role allows, they reach only
//! the services that policy names.

use crate::errors;
use crate::logins::{Resolved, COGNITO_IDENTITY};
use crate::pool::Pool;
use serde_json::Value as Json;
use simfra_gen_cognito_identity::types::{AmbiguousRoleResolutionType, MappingRule, MappingRuleMatchType, RoleMapping, RoleMappingType};
use simfra_model::{ServiceError, Timestamp};
use simfra_policy::{Policy, Request};
use std::sync::{Arc, OnceLock};

/// The session name AWS gives the enhanced flow's role sessions.
pub const SESSION_NAME: &str = "CognitoIdentityCredentials";
/// The enhanced flow's sessions last one hour.
const SESSION_SECONDS: i64 = 3600;

/// `arn:aws:iam::aws:policy/AmazonCognitoUnAuthedIdentitiesSessionPolicy` (v3):
/// the session policy of every unauthenticated identity's enhanced-flow session.
const UNAUTHENTICATED_SCOPE_DOWN_ARN: &str = "arn:aws:iam::aws:policy/AmazonCognitoUnAuthedIdentitiesSessionPolicy";
const UNAUTHENTICATED_SCOPE_DOWN: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [{
    "Sid": "CognitoUnAuthedIdentitiesSessionPolicy",
    "Effect": "Allow",
    "Action": [
      "rum:PutRumEvents", "sagemaker:InvokeEndpoint", "polly:*", "comprehend:*", "translate:*",
      "transcribe:*", "rekognition:*", "mobiletargeting:*", "firehose:*", "personalize:*",
      "geo:GetMap*", "geo:SearchPlaceIndex*", "geo:GetPlace", "geo:CalculateRoute*",
      "geo:*Geofence", "geo:*Geofences", "geo:*DevicePosition*",
      "kms:Encrypt", "kms:Decrypt", "kms:ReEncryptTo", "kms:ReEncryptFrom", "kms:GenerateDataKey",
      "kms:GenerateDataKeyPair", "kms:GenerateDataKeyPairWithoutPlaintext", "kms:GenerateDataKeyWithoutPlaintext"
    ],
    "Resource": "*"
  }]
}"#;

fn unauthenticated_scope_down() -> Result<Arc<Policy>, ServiceError> {
    static POLICY: OnceLock<Option<Arc<Policy>>> = OnceLock::new();
    POLICY
        .get_or_init(|| simfra_policy::parse(UNAUTHENTICATED_SCOPE_DOWN).ok().map(Arc::new))
        .clone()
        .ok_or_else(|| ServiceError::new("InternalErrorException", 500, "The unauthenticated session policy is unreadable."))
}

pub struct Issued {
    pub access_key_id: String,
    pub secret_key: String,
    pub session_token: String,
    pub expiration: Timestamp,
}

/// The role the identity gets: a role mapping's choice for its login, else
/// the pool's role for how it authenticated.
pub fn choose_role(pool: &Pool, logins: &[Resolved], authenticated: bool, custom_role_arn: Option<&str>) -> Result<String, ServiceError> {
    if !authenticated {
        return pool.roles.unauthenticated.clone().ok_or_else(errors::invalid_pool_configuration);
    }
    for login in logins {
        let Some((key, mapping)) = mapping_for(pool, login) else { continue };
        let claims = login.claims.clone().unwrap_or(Json::Null);
        let chosen = match mapping.type_ {
            RoleMappingType::Token => role_from_token(&claims, custom_role_arn),
            RoleMappingType::Rules => mapping.rules_configuration.as_ref().and_then(|r| role_from_rules(&claims, &r.rules)),
            RoleMappingType::Unknown(_) => None,
        };
        if let Some(role) = chosen {
            return Ok(role);
        }
        return match mapping.ambiguous_role_resolution {
            Some(AmbiguousRoleResolutionType::AuthenticatedRole) => {
                pool.roles.authenticated.clone().ok_or_else(errors::invalid_pool_configuration)
            }
            _ => Err(ServiceError::new(
                "InvalidIdentityPoolConfigurationException",
                400,
                format!("The ambiguous role mapping rules for: {key} denied this request."),
            )),
        };
    }
    pool.roles.authenticated.clone().ok_or_else(errors::invalid_pool_configuration)
}

/// The role mapping of a login's provider: keyed by the provider name, or
/// for Cognito user pools by `provider:app client id`.
fn mapping_for<'p>(pool: &'p Pool, login: &Resolved) -> Option<(&'p str, &'p RoleMapping)> {
    let provider = login.login.provider.as_str();
    let audiences: Vec<String> = login
        .claims
        .as_ref()
        .map(|c| ["aud", "client_id"].iter().filter_map(|k| c.get(*k).and_then(Json::as_str).map(str::to_string)).collect())
        .unwrap_or_default();
    pool.roles.role_mappings.iter().find_map(|(key, mapping)| {
        let matches = key == provider
            || key.strip_prefix(provider).and_then(|rest| rest.strip_prefix(':')).is_some_and(|client| audiences.iter().any(|a| a == client));
        matches.then_some((key.as_str(), mapping))
    })
}

/// `cognito:preferred_role`, or the `CustomRoleArn` when the token's
/// `cognito:roles` lists it, or the only role it lists.
fn role_from_token(claims: &Json, custom_role_arn: Option<&str>) -> Option<String> {
    let roles: Vec<String> = match claims.get("cognito:roles") {
        Some(Json::Array(a)) => a.iter().filter_map(|r| r.as_str().map(str::to_string)).collect(),
        Some(Json::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    };
    if let Some(custom) = custom_role_arn {
        return roles.iter().find(|r| *r == custom).cloned();
    }
    if let Some(preferred) = claims.get("cognito:preferred_role").and_then(Json::as_str) {
        return Some(preferred.to_string());
    }
    (roles.len() == 1).then(|| roles[0].clone())
}

/// The role of the first rule whose claim matches.
fn role_from_rules(claims: &Json, rules: &[MappingRule]) -> Option<String> {
    rules.iter().find_map(|rule| {
        let have: Vec<String> = match claims.get(&rule.claim) {
            Some(Json::String(s)) => vec![s.clone()],
            Some(Json::Array(a)) => a.iter().map(|v| v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string())).collect(),
            Some(Json::Null) | None => Vec::new(),
            Some(other) => vec![other.to_string()],
        };
        let want = rule.value.as_str();
        let matched = match rule.match_type {
            MappingRuleMatchType::Equals => have.iter().any(|h| h == want),
            MappingRuleMatchType::Contains => have.iter().any(|h| h.contains(want)),
            MappingRuleMatchType::StartsWith => have.iter().any(|h| h.starts_with(want)),
            MappingRuleMatchType::NotEqual => !have.is_empty() && have.iter().all(|h| h != want),
            MappingRuleMatchType::Unknown(_) => false,
        };
        matched.then(|| rule.role_arn.clone())
    })
}

/// What the role's trust policy is weighed against: Cognito Identity
/// assuming the role with the identity's web identity.
pub fn trust_request(role_arn: &str, pool_id: &str, identity_id: &str, amr: &[String]) -> Request {
    let amr: Vec<&str> = amr.iter().map(String::as_str).collect();
    Request {
        action: "sts:AssumeRoleWithWebIdentity".into(),
        resource: role_arn.to_string(),
        federated_provider: Some(COGNITO_IDENTITY.to_string()),
        ..Default::default()
    }
    .with(&format!("{COGNITO_IDENTITY}:aud"), &[pool_id])
    .with(&format!("{COGNITO_IDENTITY}:sub"), &[identity_id])
    .with(&format!("{COGNITO_IDENTITY}:amr"), &amr)
}

/// Assumes `role_arn` for the identity and stores the session's keys.
pub fn assume(role_arn: &str, pool_id: &str, identity_id: &str, amr: &[String], authenticated: bool, now: i64) -> Result<Issued, ServiceError> {
    let (account, name) = simfra_identity::iam::role_of_arn(role_arn).ok_or_else(errors::invalid_pool_configuration)?;
    let role = simfra_identity::iam::role(account, name).ok_or_else(errors::invalid_pool_configuration)?;
    if !role.trust_policy.trusts(&trust_request(&role.arn, pool_id, identity_id, amr)) {
        return Err(errors::invalid_pool_configuration());
    }
    let session_policies = if authenticated {
        Vec::new()
    } else {
        vec![(UNAUTHENTICATED_SCOPE_DOWN_ARN.to_string(), unauthenticated_scope_down()?)]
    };
    let expires = now + SESSION_SECONDS;
    let keys = simfra_identity::credentials::issue_role_session(
        account,
        &role,
        simfra_identity::credentials::RoleSessionSpec {
            session_name: SESSION_NAME.to_string(),
            issued_at: now,
            expires_at: expires,
            session_policies,
            session_tags: Vec::new(),
            source_identity: None,
        },
    );
    Ok(Issued { access_key_id: keys.access_key_id, secret_key: keys.secret_access_key, session_token: keys.session_token, expiration: Timestamp::from_secs(expires) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},
        "Action":"sts:AssumeRoleWithWebIdentity",
        "Condition":{"StringEquals":{"cognito-identity.amazonaws.com:aud":"us-east-1:pool"},
                     "ForAnyValue:StringLike":{"cognito-identity.amazonaws.com:amr":"unauthenticated"}}}]}"#;

    #[test]
    fn trust_policy_conditions_on_pool_and_amr() {
        let trust = simfra_policy::parse(TRUST).unwrap();
        let unauth = vec!["unauthenticated".to_string()];
        let auth = vec!["authenticated".to_string(), "login.example".to_string()];
        let role = "arn:aws:iam::000000000000:role/r";
        assert!(trust.trusts(&trust_request(role, "us-east-1:pool", "us-east-1:i", &unauth)));
        assert!(!trust.trusts(&trust_request(role, "us-east-1:other", "us-east-1:i", &unauth)));
        assert!(!trust.trusts(&trust_request(role, "us-east-1:pool", "us-east-1:i", &auth)));
    }

    #[test]
    fn the_scope_down_policy_parses() {
        assert_eq!(unauthenticated_scope_down().unwrap().statements.len(), 1);
    }

    #[test]
    fn rules_pick_the_first_matching_role() {
        let rule = |claim: &str, match_type, value: &str, role: &str| MappingRule {
            claim: claim.into(),
            match_type,
            value: value.into(),
            role_arn: role.into(),
        };
        let rules = vec![
            rule("groups", MappingRuleMatchType::Contains, "admin", "arn:admin"),
            rule("sub", MappingRuleMatchType::StartsWith, "u-", "arn:user"),
        ];
        assert_eq!(role_from_rules(&json!({"groups": ["x-admins"], "sub": "u-1"}), &rules).as_deref(), Some("arn:admin"));
        assert_eq!(role_from_rules(&json!({"sub": "u-1"}), &rules).as_deref(), Some("arn:user"));
        assert_eq!(role_from_rules(&json!({"sub": "x"}), &rules), None);
    }

    #[test]
    fn token_roles_honour_the_custom_role_only_when_listed() {
        let claims = json!({"cognito:roles": ["arn:a", "arn:b"], "cognito:preferred_role": "arn:a"});
        assert_eq!(role_from_token(&claims, None).as_deref(), Some("arn:a"));
        assert_eq!(role_from_token(&claims, Some("arn:b")).as_deref(), Some("arn:b"));
        assert_eq!(role_from_token(&claims, Some("arn:c")), None);
    }
}
