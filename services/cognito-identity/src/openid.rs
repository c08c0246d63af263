//! Cognito Identity's OpenID tokens: JWTs issued by
//! `https://cognito-identity.amazonaws.com` for an identity, with the pool as
//! audience and `amr` saying how the identity authenticated. STS
//! AssumeRoleWithWebIdentity accepts them with a role trusting
//! `cognito-identity.amazonaws.com`.
//!
//! AWS signs them RS512 with keys it publishes at
//! `https://cognito-identity.amazonaws.com/.well-known/jwks_uri`. Simfra signs
//! them RS512 with a fixed local key (`openid_signing_key.der`, PKCS#1, key id
//! `simfra-cognito-identity-1`), so tokens are well-formed; nothing outside
//! Simfra should trust that key.

use base64::Engine;
use rsa::signature::{SignatureEncoding, Signer};
use serde_json::{json, Map, Value as Json};
use simfra_model::ServiceError;
use std::sync::OnceLock;

pub const ISSUER: &str = "https://cognito-identity.amazonaws.com";
pub const KEY_ID: &str = "simfra-cognito-identity-1";

/// GetOpenIdToken's tokens last ten minutes.
pub const OPEN_ID_TOKEN_SECONDS: i64 = 600;
/// GetOpenIdTokenForDeveloperIdentity's default `TokenDuration`: 15 minutes.
pub const DEVELOPER_TOKEN_DEFAULT_SECONDS: i64 = 900;

const SIGNING_KEY_DER: &[u8] = include_bytes!("openid_signing_key.der");

fn signing_key() -> Option<&'static rsa::PrivateKey> {
    use rsa::pkcs1::DecodeRsaPrivateKey;
    static KEY: OnceLock<Option<rsa::PrivateKey>> = OnceLock::new();
    KEY.get_or_init(|| rsa::PrivateKey::from_pkcs1_der(SIGNING_KEY_DER).ok()).as_ref()
}

/// What a token says about an identity.
pub struct Claims<'a> {
    pub identity_id: &'a str,
    pub pool_id: &'a str,
    /// `["unauthenticated"]`, or `["authenticated", provider, "provider:pool:user" …]`.
    pub amr: Vec<String>,
    pub issued_at: i64,
    pub lifetime: i64,
    /// Session tags a developer provider attached (`PrincipalTags`).
    pub principal_tags: Vec<(String, String)>,
}

/// The `amr` of an identity that authenticated with `logins` (provider, user), or of an unauthenticated one.
pub fn amr(pool_id: &str, logins: &[(String, String)]) -> Vec<String> {
    if logins.is_empty() {
        return vec!["unauthenticated".to_string()];
    }
    let mut out = vec!["authenticated".to_string()];
    for (provider, user) in logins {
        if !out.contains(provider) {
            out.push(provider.clone());
        }
        out.push(format!("{provider}:{pool_id}:{user}"));
    }
    out
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A signed token (`header.payload.signature`).
pub fn issue(c: &Claims) -> Result<String, ServiceError> {
    let header = json!({"kid": KEY_ID, "typ": "JWS", "alg": "RS512"});
    let mut payload = Map::new();
    payload.insert("sub".into(), json!(c.identity_id));
    payload.insert("aud".into(), json!(c.pool_id));
    payload.insert("amr".into(), json!(c.amr));
    payload.insert("iss".into(), json!(ISSUER));
    payload.insert("exp".into(), json!(c.issued_at.saturating_add(c.lifetime)));
    payload.insert("iat".into(), json!(c.issued_at));
    if !c.principal_tags.is_empty() {
        // The session-tags claim AWS reads on AssumeRoleWithWebIdentity.
        let tags: Map<String, Json> = c.principal_tags.iter().map(|(k, v)| (k.clone(), json!([v]))).collect();
        payload.insert("https://aws.amazon.com/tags".into(), json!({ "principal_tags": tags }));
    }
    let signing_input = format!("{}.{}", b64(header.to_string().as_bytes()), b64(Json::Object(payload).to_string().as_bytes()));
    let key = signing_key().ok_or_else(|| ServiceError::new("InternalErrorException", 500, "The OpenID token signing key is unreadable."))?;
    let signature = rsa::pkcs1v15::SigningKey::<sha2::Sha512>::new(key.clone()).sign(signing_input.as_bytes()).to_vec();
    Ok(format!("{signing_input}.{}", b64(&signature)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_carry_the_claims_and_verify_with_the_local_key() {
        let token = issue(&Claims {
            identity_id: "us-east-1:i",
            pool_id: "us-east-1:p",
            amr: amr("us-east-1:p", &[("login.example".into(), "alice".into())]),
            issued_at: 1000,
            lifetime: 600,
            principal_tags: vec![("team".into(), "red".into())],
        })
        .unwrap();
        let claims = crate::logins::jwt_claims(&token).unwrap();
        assert_eq!(claims["iss"], ISSUER);
        assert_eq!(claims["sub"], "us-east-1:i");
        assert_eq!(claims["aud"], "us-east-1:p");
        assert_eq!(claims["exp"], 1600);
        assert_eq!(claims["amr"], json!(["authenticated", "login.example", "login.example:us-east-1:p:alice"]));
        assert_eq!(claims["https://aws.amazon.com/tags"]["principal_tags"]["team"], json!(["red"]));

        use rsa::signature::Verifier;
        let (input, sig) = token.rsplit_once('.').unwrap();
        let sig = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(sig).unwrap();
        let public = rsa::pkcs1v15::VerifyingKey::<sha2::Sha512>::new(signing_key().unwrap().to_public_key());
        public.verify(input.as_bytes(), &rsa::pkcs1v15::Signature::try_from(sig.as_slice()).unwrap()).unwrap();
    }
}
