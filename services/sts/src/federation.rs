//! Web identity tokens (OIDC JWTs) for AssumeRoleWithWebIdentity: what they
//! claim, which identity provider they name, and the condition keys trust
//! policies test (`<provider>:sub`, `<provider>:aud`, `<provider>:amr`).
//!
//! The token's signature is not checked: that needs the provider's published
//! keys (JWKS), which a local cloud without internet cannot fetch. The issuer,
//! expiry, audience and subject are checked as AWS checks them, and the
//! role's trust policy must name the provider.

use base64::Engine;
use simfra_model::ServiceError;
use serde_json::Value as Json;

pub struct WebIdentityToken {
    pub issuer: String,
    pub subject: String,
    pub audience: Vec<String>,
    pub amr: Vec<String>,
}

/// The identity provider a token federates through.
pub struct Provider {
    /// How trust policies name it (`Federated`): an OIDC provider ARN or a well-known name.
    pub principal: String,
    /// Prefix of its condition keys (`oidc.eks…/id/X`, `cognito-identity.amazonaws.com`).
    pub key_prefix: String,
    /// What the response's `Provider` shows.
    pub reported: String,
}

fn invalid(message: impl Into<String>) -> ServiceError {
    ServiceError::new("InvalidIdentityToken", 400, message)
}

fn strings(v: Option<&Json>) -> Vec<String> {
    match v {
        Some(Json::String(s)) => vec![s.clone()],
        Some(Json::Array(a)) => a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect(),
        _ => Vec::new(),
    }
}

impl WebIdentityToken {
    pub fn parse(token: &str, now: i64) -> Result<Self, ServiceError> {
        let mut parts = token.split('.');
        let (Some(_header), Some(payload), Some(_sig), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
            return Err(invalid("The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request."));
        };
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload.trim_end_matches('='))
            .map_err(|_| invalid("The web identity token that was passed is not a valid JWT."))?;
        let claims: Json = serde_json::from_slice(&bytes).map_err(|_| invalid("The web identity token that was passed is not a valid JWT."))?;
        let issuer = claims.get("iss").and_then(Json::as_str).ok_or_else(|| invalid("No OpenIDConnect provider found in your account for the token: the iss claim is missing"))?;
        if let Some(exp) = claims.get("exp").and_then(Json::as_i64) {
            if exp <= now {
                return Err(ServiceError::new("ExpiredTokenException", 400, "Token expired: current date/time must be before the expiration date/time."));
            }
        }
        Ok(WebIdentityToken {
            issuer: issuer.to_string(),
            subject: claims.get("sub").and_then(Json::as_str).unwrap_or("").to_string(),
            audience: strings(claims.get("aud")),
            amr: strings(claims.get("amr")),
        })
    }

    /// The provider the token names, in the role's account.
    pub fn provider(&self, account: &str, provider_id: Option<&str>) -> Result<Provider, ServiceError> {
        let host = self.issuer.trim_start_matches("https://").trim_end_matches('/').to_string();
        if host == "cognito-identity.amazonaws.com" {
            return Ok(Provider { principal: host.clone(), key_prefix: host.clone(), reported: host });
        }
        // OAuth 2.0 providers named by ProviderId (Login with Amazon, Facebook).
        if let Some(p) = provider_id {
            return Ok(Provider { principal: p.to_string(), key_prefix: p.to_string(), reported: p.to_string() });
        }
        if host.is_empty() {
            return Err(invalid("No OpenIDConnect provider found in your account for the token"));
        }
        let arn = format!("arn:aws:iam::{account}:oidc-provider/{host}");
        Ok(Provider { principal: arn.clone(), key_prefix: host, reported: arn })
    }

    /// `<prefix>:sub`, `<prefix>:aud`, `<prefix>:amr`.
    pub fn condition_keys(&self, prefix: &str) -> Vec<(String, Vec<String>)> {
        let mut out = vec![(format!("{prefix}:sub"), vec![self.subject.clone()]), (format!("{prefix}:aud"), self.audience.clone())];
        if !self.amr.is_empty() {
            out.push((format!("{prefix}:amr"), self.amr.clone()));
        }
        out
    }
}
