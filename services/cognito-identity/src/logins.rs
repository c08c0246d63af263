//! The `Logins` map of a request: provider name → token, each checked against
//! the providers the pool trusts and read down to the user it vouches for.
//!
//! Simfra cannot ask Facebook, Google or an OIDC provider whether a token is
//! genuine, nor fetch their signing keys, so signatures are not verified.
//! What AWS checks in the token itself is checked: the issuer must be the
//! provider the login names, the audience the client the pool configured,
//! the token unexpired. A JWT vouches for its `sub`; an opaque token (a
//! Facebook access token, a SAML response) for itself.

use crate::errors;
use crate::identities::Login;
use crate::pool::Pool;
use base64::Engine;
use serde_json::Value as Json;
use simfra_model::ServiceError;
use std::collections::HashMap;

/// The issuer and login name of Cognito Identity's own OpenID tokens.
pub const COGNITO_IDENTITY: &str = "cognito-identity.amazonaws.com";

/// One login of a request, checked.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub login: Login,
    /// The token's claims, when it is a JWT (role mapping rules read them).
    pub claims: Option<Json>,
}

impl Resolved {
    /// A Cognito Identity OpenID token: it names the identity itself.
    pub fn names_identity(&self) -> Option<&str> {
        (self.login.provider == COGNITO_IDENTITY).then_some(self.login.user.as_str())
    }
}

/// The claims of a JWT (`header.payload.signature`), unverified.
pub fn jwt_claims(token: &str) -> Option<Json> {
    let mut parts = token.split('.');
    let (Some(_), Some(payload), Some(_), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return None;
    };
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    serde_json::from_slice::<Json>(&bytes).ok().filter(Json::is_object)
}

fn invalid_token(why: &str) -> ServiceError {
    errors::not_authorized(format!("Invalid login token. {why}"))
}

fn unsupported_provider() -> ServiceError {
    errors::not_authorized("Token is not from a supported provider of this identity pool.")
}

fn claim_strings(claims: &Json, name: &str) -> Vec<String> {
    match claims.get(name) {
        Some(Json::String(s)) => vec![s.clone()],
        Some(Json::Array(a)) => a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect(),
        _ => Vec::new(),
    }
}

/// Checks an OpenID Connect token: issuer, expiry, subject, and (when the
/// pool names clients) audience. Answers its subject.
fn check_oidc(claims: &Json, provider: &str, clients: &[&str], now: i64) -> Result<String, ServiceError> {
    let issuer = claims.get("iss").and_then(Json::as_str).ok_or_else(|| invalid_token("Missing a required claim: iss"))?;
    let issuer_host = issuer.trim_start_matches("https://").trim_end_matches('/');
    if issuer_host != provider {
        return Err(invalid_token("Issuer doesn't match providerName"));
    }
    if let Some(exp) = claims.get("exp").and_then(Json::as_i64) {
        if exp <= now {
            return Err(invalid_token(&format!("Token expired: {now} >= {exp}")));
        }
    }
    if !clients.is_empty() {
        // ID tokens name the client in `aud`, Cognito user pool access tokens in `client_id`.
        let mut audiences = claim_strings(claims, "aud");
        audiences.extend(claim_strings(claims, "client_id"));
        if audiences.is_empty() {
            return Err(invalid_token("Missing a required claim: aud"));
        }
        if !audiences.iter().any(|a| clients.contains(&a.as_str())) {
            return Err(unsupported_provider());
        }
    }
    claims
        .get("sub")
        .and_then(Json::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .ok_or_else(|| invalid_token("Missing a required claim: sub"))
}

/// Checks one login against the pool and reads the user it vouches for.
pub fn resolve(pool: &Pool, provider: &str, token: &str, now: i64) -> Result<Resolved, ServiceError> {
    let claims = jwt_claims(token);
    let resolved = |user: String| Ok(Resolved { login: Login { provider: provider.to_string(), user }, claims: claims.clone() });

    // Cognito Identity's own tokens (the developer-authenticated flow).
    if provider == COGNITO_IDENTITY {
        let c = claims.as_ref().ok_or_else(|| invalid_token("Not a valid OpenId Connect identity token."))?;
        let sub = check_oidc(c, COGNITO_IDENTITY, &[], now)?;
        if !claim_strings(c, "aud").contains(&pool.id) {
            return Err(invalid_token("Incorrect token audience."));
        }
        return resolved(sub);
    }
    // Developer user identifiers are vouched for only by the developer's own
    // signed GetOpenIdTokenForDeveloperIdentity, never through a public call.
    if pool.developer_provider_name.as_deref() == Some(provider) {
        return Err(unsupported_provider());
    }
    // Amazon Cognito user pools: `cognito-idp.<region>.amazonaws.com/<user pool id>`.
    let user_pool_clients: Vec<&str> =
        pool.cognito_identity_providers.iter().filter(|(name, _)| name == provider).map(|(_, client)| client.as_str()).collect();
    if !user_pool_clients.is_empty() {
        let c = claims.as_ref().ok_or_else(|| invalid_token("Not a valid OpenId Connect identity token."))?;
        let clients: Vec<&str> = user_pool_clients.into_iter().filter(|c| !c.is_empty()).collect();
        return resolved(check_oidc(c, provider, &clients, now)?);
    }
    // IAM OIDC providers, named by host in `Logins`.
    if pool.openid_connect_provider_arns.iter().any(|arn| arn.rsplit_once(":oidc-provider/").is_some_and(|(_, host)| host == provider)) {
        let c = claims.as_ref().ok_or_else(|| invalid_token("Not a valid OpenId Connect identity token."))?;
        return resolved(check_oidc(c, provider, &[], now)?);
    }
    // Public providers (Facebook, Google, Amazon, Apple, Twitter): ID tokens
    // are read, opaque access tokens stand for their user.
    if let Some((_, app)) = pool.supported_login_providers.iter().find(|(name, _)| name == provider) {
        return match &claims {
            Some(c) if c.get("iss").is_some() => {
                let clients: Vec<&str> = app.split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
                let sub = check_oidc_any_issuer(c, &clients, now)?;
                resolved(sub)
            }
            _ => resolved(token.to_string()),
        };
    }
    // IAM SAML providers, named by ARN: the SAML response stands for its user.
    if pool.saml_provider_arns.iter().any(|arn| arn == provider) {
        return resolved(token.to_string());
    }
    Err(unsupported_provider())
}

/// Public providers' ID tokens come from issuers other than the login key
/// (`accounts.google.com` tokens say `https://accounts.google.com`, Apple's
/// `https://appleid.apple.com`): expiry, audience and subject are checked.
fn check_oidc_any_issuer(claims: &Json, clients: &[&str], now: i64) -> Result<String, ServiceError> {
    let issuer = claims.get("iss").and_then(Json::as_str).unwrap_or_default();
    let host = issuer.trim_start_matches("https://").trim_end_matches('/').to_string();
    check_oidc(claims, &host, clients, now)
}

/// Every login of a request, checked.
pub fn resolve_all(pool: &Pool, logins: Option<&HashMap<String, String>>, now: i64) -> Result<Vec<Resolved>, ServiceError> {
    let mut out = Vec::new();
    let mut entries: Vec<(&String, &String)> = logins.map(|m| m.iter().collect()).unwrap_or_default();
    entries.sort();
    for (provider, token) in entries {
        out.push(resolve(pool, provider, token, now)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pool::Roles;

    fn pool() -> Pool {
        Pool {
            id: "us-east-1:p".into(),
            region: "us-east-1".into(),
            allow_unauthenticated: false,
            supported_login_providers: vec![("graph.facebook.com".into(), "123".into())],
            developer_provider_name: Some("login.example".into()),
            openid_connect_provider_arns: vec!["arn:aws:iam::000000000000:oidc-provider/idp.example.com".into()],
            cognito_identity_providers: vec![("cognito-idp.us-east-1.amazonaws.com/us-east-1_abc".into(), "client1".into())],
            saml_provider_arns: vec![],
            roles: Roles::default(),
        }
    }

    fn jwt(claims: Json) -> String {
        let enc = |v: &Json| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
        format!("{}.{}.sig", enc(&serde_json::json!({"alg": "RS256"})), enc(&claims))
    }

    #[test]
    fn opaque_tokens_of_public_providers_stand_for_themselves() {
        let r = resolve(&pool(), "graph.facebook.com", "EAAB-token", 0).unwrap();
        assert_eq!(r.login.user, "EAAB-token");
    }

    #[test]
    fn user_pool_tokens_need_the_configured_issuer_and_client() {
        let p = pool();
        let provider = "cognito-idp.us-east-1.amazonaws.com/us-east-1_abc";
        let good = jwt(serde_json::json!({"iss": format!("https://{provider}"), "aud": "client1", "sub": "u1", "exp": 100}));
        assert_eq!(resolve(&p, provider, &good, 50).unwrap().login.user, "u1");
        let other_client = jwt(serde_json::json!({"iss": format!("https://{provider}"), "aud": "client2", "sub": "u1"}));
        assert_eq!(resolve(&p, provider, &other_client, 50).unwrap_err().message.as_deref(), Some("Token is not from a supported provider of this identity pool."));
        let other_issuer = jwt(serde_json::json!({"iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_zzz", "aud": "client1", "sub": "u1"}));
        assert_eq!(resolve(&p, provider, &other_issuer, 50).unwrap_err().message.as_deref(), Some("Invalid login token. Issuer doesn't match providerName"));
        assert!(resolve(&p, provider, &good, 100).unwrap_err().message.unwrap_or_default().starts_with("Invalid login token. Token expired"));
    }

    #[test]
    fn unknown_and_developer_providers_are_refused() {
        let p = pool();
        assert_eq!(resolve(&p, "accounts.google.com", "t", 0).unwrap_err().code, "NotAuthorizedException");
        assert_eq!(resolve(&p, "login.example", "user", 0).unwrap_err().code, "NotAuthorizedException");
        let oidc = jwt(serde_json::json!({"iss": "https://idp.example.com", "sub": "s"}));
        assert_eq!(resolve(&p, "idp.example.com", &oidc, 0).unwrap().login.user, "s");
    }
}
