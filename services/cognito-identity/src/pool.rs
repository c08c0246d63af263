//! The identity pool as the resource engine keeps it. Pools and their roles
//! are written by the engine (CreateIdentityPool, UpdateIdentityPool,
//! SetIdentityPoolRoles); this crate only reads them, so that the data plane
//! always sees the pool's current configuration.

use crate::errors;
use serde_json::Value as Json;
use simfra_gen_cognito_identity::types::RoleMapping;
use simfra_model::ServiceError;

const SERVICE: &str = "cognito-identity";

/// An identity pool's settings that decide who may get an identity and credentials.
#[derive(Debug, Clone)]
pub struct Pool {
    pub id: String,
    pub region: String,
    pub allow_unauthenticated: bool,
    /// `graph.facebook.com` → app id, `accounts.google.com` → client id …
    pub supported_login_providers: Vec<(String, String)>,
    pub developer_provider_name: Option<String>,
    /// `arn:aws:iam::123456789012:oidc-provider/example.com`
    pub openid_connect_provider_arns: Vec<String>,
    /// (`cognito-idp.<region>.amazonaws.com/<user pool id>`, app client id)
    pub cognito_identity_providers: Vec<(String, String)>,
    pub saml_provider_arns: Vec<String>,
    pub roles: Roles,
}

/// The pool's roles as SetIdentityPoolRoles set them.
#[derive(Debug, Clone, Default)]
pub struct Roles {
    pub authenticated: Option<String>,
    pub unauthenticated: Option<String>,
    /// Provider name (or `provider:app client id`) → its role mapping, in key order.
    pub role_mappings: Vec<(String, RoleMapping)>,
}

/// The region an identity pool (or identity) id names: `us-east-1:…` → `us-east-1`.
pub fn region_of(id: &str) -> Option<&str> {
    let (prefix, _) = id.split_once(':')?;
    let parts: Vec<&str> = prefix.split('-').collect();
    let looks_like_region = parts.len() >= 3
        && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
        && parts.last().is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()));
    looks_like_region.then_some(prefix)
}

/// The scope an id lives in: the region it names, else the request's.
pub fn scope_region<'a>(id: &'a str, request_region: &'a str) -> &'a str {
    region_of(id).unwrap_or(request_region)
}

fn strings(v: Option<&Json>) -> Vec<String> {
    v.and_then(Json::as_array).map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_string)).collect()).unwrap_or_default()
}

fn string_map(v: Option<&Json>) -> Vec<(String, String)> {
    v.and_then(Json::as_object)
        .map(|m| m.iter().filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string()))).collect())
        .unwrap_or_default()
}

/// The pool `id` of `account`, in the region its id names (or `request_region`).
pub fn find(account: &str, request_region: &str, id: &str) -> Result<Pool, ServiceError> {
    let region = scope_region(id, request_region).to_string();
    let view = simfra_resources::record(account, &region, SERVICE, "IdentityPool", id)
        .filter(|r| r.id == id)
        .ok_or_else(|| errors::pool_not_found(id))?;
    let f = &view.fields;
    let cognito_identity_providers = f
        .get("CognitoIdentityProviders")
        .and_then(Json::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|p| {
                    let name = p.get("ProviderName")?.as_str()?.to_string();
                    let client = p.get("ClientId").and_then(Json::as_str).unwrap_or_default().to_string();
                    Some((name, client))
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(Pool {
        id: id.to_string(),
        roles: roles(account, &region, id),
        region,
        allow_unauthenticated: f.get("AllowUnauthenticatedIdentities").and_then(Json::as_bool).unwrap_or(false),
        supported_login_providers: string_map(f.get("SupportedLoginProviders")),
        developer_provider_name: f.get("DeveloperProviderName").and_then(Json::as_str).map(str::to_string),
        openid_connect_provider_arns: strings(f.get("OpenIdConnectProviderARNs")),
        cognito_identity_providers,
        saml_provider_arns: strings(f.get("SamlProviderARNs")),
    })
}

/// The pool's roles; none until SetIdentityPoolRoles wrote them.
fn roles(account: &str, region: &str, pool_id: &str) -> Roles {
    let Some(stored) = crate::roles::get(account, region, pool_id) else { return Roles::default() };
    let mut role_mappings: Vec<(String, RoleMapping)> = stored.role_mappings.into_iter().collect();
    role_mappings.sort_by(|a, b| a.0.cmp(&b.0));
    Roles {
        authenticated: stored.roles.get("authenticated").cloned(),
        unauthenticated: stored.roles.get("unauthenticated").cloned(),
        role_mappings,
    }
}

/// The names its logins go by (`Logins` keys and role mapping keys): public
/// providers, Cognito user pools (also as `provider:client id`), OIDC
/// provider hosts, SAML provider ARNs.
pub fn provider_keys(pool: &Pool) -> Vec<String> {
    let mut keys: Vec<String> = pool.supported_login_providers.iter().map(|(name, _)| name.clone()).collect();
    for (name, client) in &pool.cognito_identity_providers {
        keys.push(name.clone());
        keys.push(format!("{name}:{client}"));
    }
    keys.extend(pool.openid_connect_provider_arns.iter().filter_map(|arn| arn.rsplit_once(":oidc-provider/").map(|(_, host)| host.to_string())));
    keys.extend(pool.saml_provider_arns.iter().cloned());
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_prefix_of_ids() {
        assert_eq!(region_of("us-east-1:0c7f7c1a-1111-2222-3333-444455556666"), Some("us-east-1"));
        assert_eq!(region_of("ap-southeast-2:abc"), Some("ap-southeast-2"));
        assert_eq!(region_of("us-gov-west-1:abc"), Some("us-gov-west-1"));
        assert_eq!(region_of("15o9ahugppmt:59f32ec3a0b1"), None);
        assert_eq!(region_of("no-colon"), None);
    }
}
