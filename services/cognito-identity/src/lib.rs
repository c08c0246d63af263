//! Amazon Cognito Identity's data plane: the identities of identity pools,
//! the logins linked to them, their OpenID tokens and their AWS credentials.
//!
//! The pools themselves (create, describe, update, delete, tags) are the
//! resource engine's records; this crate reads them on every call (`pool`),
//! so identities always follow the pool's current configuration. The pools'
//! roles (Set/GetIdentityPoolRoles) are kept here (`roles`), where the
//! credentials that depend on them are made.
//!
//! GetId, GetCredentialsForIdentity, GetOpenIdToken and UnlinkIdentity are
//! public on AWS (apps call them unsigned); an identity id alone finds its
//! pool. The developer-facing operations are signed and keep to the caller's
//! account.

mod errors;
mod identities;
mod logins;
mod openid;
mod pool;
mod roles;
mod session;

use base64::Engine;
use identities::{Identity, Login};
use logins::Resolved;
use pool::Pool;
use serde_json::Value as Json;
use simfra_gen_cognito_identity::types::*;
use simfra_gen_cognito_identity::*;
use simfra_model::{RequestContext, ServiceError, SharedHandler, Timestamp};
use std::collections::HashMap;
use std::sync::Arc;

#[derive(Default)]
pub struct CognitoIdentity;

pub fn handler() -> SharedHandler {
    simfra_gen_cognito_identity::handler(Arc::new(CognitoIdentity))
}

fn now_secs() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// The account whose pool an unsigned GetId means: the `AccountId` it names,
/// else the request's (the default account for unsigned requests).
fn get_id_account(ctx: &RequestContext, named: Option<&str>) -> String {
    match named {
        Some(a) if ctx.access_key_id.is_none() && a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()) => a.to_string(),
        _ => ctx.account_id.clone(),
    }
}

/// An existing identity and its pool, found from the identity id alone (public operations).
fn identity_and_pool(ctx: &RequestContext, identity_id: &str) -> Result<(String, Pool), ServiceError> {
    let region = pool::scope_region(identity_id, &ctx.region);
    let (account, region) = identities::locate(identity_id, &ctx.account_id, region).ok_or_else(|| errors::identity_not_found(identity_id))?;
    let pool_id = identities::with(&account, &region, |ids| ids.get(identity_id).map(|i| i.pool_id.clone()))
        .ok_or_else(|| errors::identity_not_found(identity_id))?;
    // A deleted pool takes its identities with it.
    let pool = pool::find(&account, &region, &pool_id).map_err(|_| errors::identity_not_found(identity_id))?;
    Ok((account, pool))
}

/// An identity of the caller's own account (developer operations).
fn own_identity(ctx: &RequestContext, identity_id: &str) -> Result<(Identity, Pool), ServiceError> {
    let region = pool::scope_region(identity_id, &ctx.region).to_string();
    let identity = identities::with(&ctx.account_id, &region, |ids| ids.get(identity_id).cloned())
        .ok_or_else(|| errors::identity_not_found(identity_id))?;
    let pool = pool::find(&ctx.account_id, &region, &identity.pool_id).map_err(|_| errors::identity_not_found(identity_id))?;
    Ok((identity, pool))
}

/// The `amr` of a token in a login (`cognito-identity.amazonaws.com` logins).
fn token_amr(resolved: &Resolved) -> Vec<String> {
    match resolved.claims.as_ref().and_then(|c| c.get("amr")) {
        Some(Json::Array(a)) => a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect(),
        Some(Json::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

/// How a caller of a public operation proved who it is.
struct Proven {
    authenticated: bool,
    amr: Vec<String>,
    logins: Vec<Resolved>,
}

/// Checks that `logins` are the identity's (or new to the pool, when
/// `link_new`, linking them), or that an identity without logins may be used
/// unauthenticated.
fn prove(pool: &Pool, account: &str, identity_id: &str, logins: Option<&HashMap<String, String>>, link_new: bool) -> Result<Proven, ServiceError> {
    let resolved = logins::resolve_all(pool, logins, now_secs())?;
    identities::with(account, &pool.region, |ids| {
        let identity = ids.get(identity_id).cloned().ok_or_else(|| errors::identity_not_found(identity_id))?;
        if identity.disabled {
            return Err(errors::identity_forbidden(identity_id));
        }
        let mut fresh = Vec::new();
        let mut amr_from_token = Vec::new();
        let mut direct = Vec::new();
        for r in &resolved {
            if let Some(named) = r.names_identity() {
                if named != identity_id {
                    return Err(errors::logins_do_not_match());
                }
                amr_from_token = token_amr(r);
                continue;
            }
            direct.push((r.login.provider.clone(), r.login.user.clone()));
            if identity.has(&r.login) {
                continue;
            }
            if ids.with_login(&pool.id, &r.login).is_some() || !link_new {
                return Err(errors::logins_do_not_match());
            }
            fresh.push(r.login.clone());
        }
        if resolved.is_empty() && identity.is_authenticated() {
            return Err(errors::identity_forbidden(identity_id));
        }
        let amr = if !direct.is_empty() {
            openid::amr(&pool.id, &direct)
        } else if !amr_from_token.is_empty() {
            amr_from_token
        } else {
            openid::amr(&pool.id, &[])
        };
        let authenticated = amr.first().is_some_and(|a| a == "authenticated");
        if !authenticated && !pool.allow_unauthenticated {
            return Err(errors::unauthenticated_not_supported());
        }
        if !fresh.is_empty() {
            ids.link(identity_id, fresh);
        }
        Ok(Proven { authenticated, amr, logins: resolved.clone() })
    })
}

/// The identity `logins` lead to in the pool, merging identities they show
/// to be one user and linking logins new to the pool; a new identity when
/// none is known. `explicit` is an identity the caller named.
fn identity_for_logins(pool: &Pool, account: &str, logins: &[Login], explicit: Option<&str>) -> Result<String, ServiceError> {
    identities::with(account, &pool.region, |ids| {
        let mut owners: Vec<String> = explicit.map(|e| vec![e.to_string()]).unwrap_or_default();
        for login in logins {
            if let Some(owner) = ids.with_login(&pool.id, login) {
                if !owners.contains(&owner.id) {
                    owners.push(owner.id.clone());
                }
            }
        }
        let Some(target) = owners.first().cloned() else {
            return Ok(ids.create(&pool.id, &pool.region, logins.to_vec()).id);
        };
        for other in &owners[1..] {
            ids.merge(other, &target, pool.developer_provider_name.as_deref())
                .map_err(|_| errors::resource_conflict("Logins are linked to different identities that cannot be merged."))?;
        }
        ids.link(&target, logins.iter().cloned());
        Ok(target)
    })
}

fn list_token(pool_id: &str, after: u64) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{pool_id}|{after}"))
}

/// The position a NextToken continues from; it must be one this pool's listing gave.
fn list_position(pool_id: &str, token: Option<&str>) -> Result<u64, ServiceError> {
    let Some(token) = token else { return Ok(0) };
    let invalid = || errors::invalid_parameter("Invalid pagination token.");
    let text = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(token).ok().and_then(|b| String::from_utf8(b).ok()).ok_or_else(invalid)?;
    let (pool, after) = text.rsplit_once('|').ok_or_else(invalid)?;
    if pool != pool_id {
        return Err(invalid());
    }
    after.parse().map_err(|_| invalid())
}

fn description(identity: &Identity) -> IdentityDescription {
    IdentityDescription {
        identity_id: Some(identity.id.clone()),
        logins: Some(identity.provider_names()),
        creation_date: Some(identity.created),
        last_modified_date: Some(identity.modified),
    }
}

/// The developer provider a developer operation names must be the pool's.
fn check_developer_provider(pool: &Pool, named: &str) -> Result<(), ServiceError> {
    if pool.developer_provider_name.as_deref() == Some(named) {
        Ok(())
    } else {
        Err(errors::not_authorized(format!("Developer provider '{named}' is not configured for identity pool '{}'.", pool.id)))
    }
}

fn developer_user_not_found(user: &str) -> ServiceError {
    ServiceError::new("ResourceNotFoundException", 400, format!("DeveloperUserIdentifier '{user}' not found."))
}

#[simfra_model::async_trait]
impl CognitoIdentityApi for CognitoIdentity {
    fn implemented(&self) -> &'static [&'static str] {
        &[
            "DeleteIdentities",
            "DescribeIdentity",
            "GetCredentialsForIdentity",
            "GetId",
            "GetOpenIdToken",
            "GetOpenIdTokenForDeveloperIdentity",
            "ListIdentities",
            "LookupDeveloperIdentity",
            "MergeDeveloperIdentities",
            "GetIdentityPoolRoles",
            "SetIdentityPoolRoles",
            "UnlinkDeveloperIdentity",
            "UnlinkIdentity",
        ]
    }

    async fn set_identity_pool_roles(&self, ctx: &RequestContext, input: SetIdentityPoolRolesInput) -> Result<(), SetIdentityPoolRolesError> {
        let pool = pool::find(&ctx.account_id, &ctx.region, &input.identity_pool_id)?;
        let role_mappings = input.role_mappings.unwrap_or_default();
        let providers = pool::provider_keys(&pool);
        let mut keys: Vec<&String> = role_mappings.keys().collect();
        keys.sort();
        for key in keys {
            if !providers.contains(key) {
                return Err(errors::invalid_parameter(format!("{key} is not a valid RoleMapping ProviderName or is not a configured provider.")).into());
            }
            let mapping = &role_mappings[key];
            if mapping.type_ == RoleMappingType::Rules && mapping.rules_configuration.as_ref().is_none_or(|r| r.rules.is_empty()) {
                return Err(errors::invalid_parameter(format!("RulesConfiguration is required for the Rules role mapping of {key}.")).into());
            }
            if mapping.ambiguous_role_resolution.is_none() {
                return Err(errors::invalid_parameter(format!("AmbiguousRoleResolution is required for the role mapping of {key}.")).into());
            }
        }
        roles::set(&ctx.account_id, &pool.region, &pool.id, roles::PoolRoles { roles: input.roles, role_mappings });
        Ok(())
    }

    async fn get_identity_pool_roles(
        &self,
        ctx: &RequestContext,
        input: GetIdentityPoolRolesInput,
    ) -> Result<GetIdentityPoolRolesResponse, GetIdentityPoolRolesError> {
        let pool = pool::find(&ctx.account_id, &ctx.region, &input.identity_pool_id)?;
        let stored = roles::get(&ctx.account_id, &pool.region, &pool.id).unwrap_or_default();
        Ok(GetIdentityPoolRolesResponse {
            identity_pool_id: Some(pool.id),
            roles: Some(stored.roles),
            role_mappings: (!stored.role_mappings.is_empty()).then_some(stored.role_mappings),
        })
    }

    async fn get_id(&self, ctx: &RequestContext, input: GetIdInput) -> Result<GetIdResponse, GetIdError> {
        let account = get_id_account(ctx, input.account_id.as_deref());
        let pool = pool::find(&account, &ctx.region, &input.identity_pool_id)?;
        let resolved = logins::resolve_all(&pool, input.logins.as_ref(), now_secs())?;
        if resolved.is_empty() {
            if !pool.allow_unauthenticated {
                return Err(errors::unauthenticated_not_supported().into());
            }
            let id = identities::with(&account, &pool.region, |ids| ids.create(&pool.id, &pool.region, Vec::new()).id);
            return Ok(GetIdResponse { identity_id: Some(id) });
        }
        // A Cognito Identity token names its identity outright.
        let mut named: Option<String> = None;
        let mut direct = Vec::new();
        for r in &resolved {
            match r.names_identity() {
                Some(id) => {
                    let known = identities::with(&account, &pool.region, |ids| ids.get(id).is_some_and(|i| i.pool_id == pool.id));
                    if !known {
                        return Err(errors::identity_not_found(id).into());
                    }
                    named = Some(id.to_string());
                }
                None => direct.push(r.login.clone()),
            }
        }
        let id = identity_for_logins(&pool, &account, &direct, named.as_deref())?;
        Ok(GetIdResponse { identity_id: Some(id) })
    }

    async fn get_credentials_for_identity(
        &self,
        ctx: &RequestContext,
        input: GetCredentialsForIdentityInput,
    ) -> Result<GetCredentialsForIdentityResponse, GetCredentialsForIdentityError> {
        let (account, pool) = identity_and_pool(ctx, &input.identity_id)?;
        let proven = prove(&pool, &account, &input.identity_id, input.logins.as_ref(), true)?;
        let role = session::choose_role(&pool, &proven.logins, proven.authenticated, input.custom_role_arn.as_deref())?;
        let issued = session::assume(&role, &pool.id, &input.identity_id, &proven.amr, proven.authenticated, now_secs())?;
        Ok(GetCredentialsForIdentityResponse {
            identity_id: Some(input.identity_id),
            credentials: Some(Credentials {
                access_key_id: Some(issued.access_key_id),
                secret_key: Some(issued.secret_key),
                session_token: Some(issued.session_token),
                expiration: Some(issued.expiration),
            }),
        })
    }

    async fn get_open_id_token(&self, ctx: &RequestContext, input: GetOpenIdTokenInput) -> Result<GetOpenIdTokenResponse, GetOpenIdTokenError> {
        let (account, pool) = identity_and_pool(ctx, &input.identity_id)?;
        let proven = prove(&pool, &account, &input.identity_id, input.logins.as_ref(), true)?;
        let token = openid::issue(&openid::Claims {
            identity_id: &input.identity_id,
            pool_id: &pool.id,
            amr: proven.amr,
            issued_at: now_secs(),
            lifetime: openid::OPEN_ID_TOKEN_SECONDS,
            principal_tags: Vec::new(),
        })?;
        Ok(GetOpenIdTokenResponse { identity_id: Some(input.identity_id), token: Some(token) })
    }

    async fn get_open_id_token_for_developer_identity(
        &self,
        ctx: &RequestContext,
        input: GetOpenIdTokenForDeveloperIdentityInput,
    ) -> Result<GetOpenIdTokenForDeveloperIdentityResponse, GetOpenIdTokenForDeveloperIdentityError> {
        let pool = pool::find(&ctx.account_id, &ctx.region, &input.identity_pool_id)?;
        let developer = pool.developer_provider_name.clone();
        // The developer's own users are vouched for by this signed call; other logins are checked as tokens.
        let mut developer_logins = Vec::new();
        let mut others = HashMap::new();
        for (provider, value) in &input.logins {
            if developer.as_deref() == Some(provider.as_str()) {
                developer_logins.push(Login { provider: provider.clone(), user: value.clone() });
            } else {
                others.insert(provider.clone(), value.clone());
            }
        }
        let resolved = logins::resolve_all(&pool, Some(&others), now_secs())?;
        if resolved.iter().any(|r| r.names_identity().is_some()) {
            return Err(errors::not_authorized("Token is not from a supported provider of this identity pool.").into());
        }
        let mut all: Vec<Login> = developer_logins.clone();
        all.extend(resolved.iter().map(|r| r.login.clone()));
        if let Some(explicit) = &input.identity_id {
            let owner_conflict = identities::with(&ctx.account_id, &pool.region, |ids| {
                if ids.get(explicit).is_none_or(|i| i.pool_id != pool.id) {
                    return Err(errors::identity_not_found(explicit));
                }
                // A developer user already linked to another identity cannot move.
                Ok(developer_logins.iter().any(|l| ids.with_login(&pool.id, l).is_some_and(|o| o.id != *explicit)))
            })?;
            if owner_conflict {
                return Err(errors::developer_user_already_registered().into());
            }
        }
        let identity_id = identity_for_logins(&pool, &ctx.account_id, &all, input.identity_id.as_deref())?;
        let pairs: Vec<(String, String)> = all.iter().map(|l| (l.provider.clone(), l.user.clone())).collect();
        let mut principal_tags: Vec<(String, String)> = input.principal_tags.unwrap_or_default().into_iter().collect();
        principal_tags.sort();
        let token = openid::issue(&openid::Claims {
            identity_id: &identity_id,
            pool_id: &pool.id,
            amr: openid::amr(&pool.id, &pairs),
            issued_at: now_secs(),
            lifetime: input.token_duration.unwrap_or(openid::DEVELOPER_TOKEN_DEFAULT_SECONDS),
            principal_tags,
        })?;
        Ok(GetOpenIdTokenForDeveloperIdentityResponse { identity_id: Some(identity_id), token: Some(token) })
    }

    async fn lookup_developer_identity(
        &self,
        ctx: &RequestContext,
        input: LookupDeveloperIdentityInput,
    ) -> Result<LookupDeveloperIdentityResponse, LookupDeveloperIdentityError> {
        let pool = pool::find(&ctx.account_id, &ctx.region, &input.identity_pool_id)?;
        let developer = pool.developer_provider_name.clone().unwrap_or_default();
        let identity = identities::with(&ctx.account_id, &pool.region, |ids| -> Result<Identity, ServiceError> {
            let by_user = match &input.developer_user_identifier {
                Some(user) => Some(
                    ids.with_login(&pool.id, &Login { provider: developer.clone(), user: user.clone() })
                        .cloned()
                        .ok_or_else(|| developer_user_not_found(user))?,
                ),
                None => None,
            };
            match (&input.identity_id, by_user) {
                (Some(id), by_user) => {
                    let identity = ids.get(id).filter(|i| i.pool_id == pool.id).cloned().ok_or_else(|| errors::identity_not_found(id))?;
                    if by_user.is_some_and(|u| u.id != identity.id) {
                        return Err(errors::resource_conflict("The developer user identifier is linked to a different identity."));
                    }
                    Ok(identity)
                }
                (None, Some(identity)) => Ok(identity),
                (None, None) => Err(errors::invalid_parameter("Either IdentityId or DeveloperUserIdentifier must be specified.")),
            }
        })?;
        let users: Vec<String> = identity.logins.iter().filter(|l| l.provider == developer).map(|l| l.user.clone()).collect();
        let start = usize::try_from(list_position(&identity.id, input.next_token.as_deref())?).unwrap_or(usize::MAX).min(users.len());
        let page = input.max_results.map_or(users.len(), |m| m.max(1) as usize);
        let end = start.saturating_add(page).min(users.len());
        let next_token = (end < users.len()).then(|| list_token(&identity.id, end as u64));
        Ok(LookupDeveloperIdentityResponse {
            identity_id: Some(identity.id),
            developer_user_identifier_list: Some(users[start..end].to_vec()),
            next_token,
        })
    }

    async fn merge_developer_identities(
        &self,
        ctx: &RequestContext,
        input: MergeDeveloperIdentitiesInput,
    ) -> Result<MergeDeveloperIdentitiesResponse, MergeDeveloperIdentitiesError> {
        let pool = pool::find(&ctx.account_id, &ctx.region, &input.identity_pool_id)?;
        check_developer_provider(&pool, &input.developer_provider_name)?;
        let login = |user: &str| Login { provider: input.developer_provider_name.clone(), user: user.to_string() };
        let destination = identities::with(&ctx.account_id, &pool.region, |ids| -> Result<String, ServiceError> {
            let source = ids
                .with_login(&pool.id, &login(&input.source_user_identifier))
                .map(|i| i.id.clone())
                .ok_or_else(|| developer_user_not_found(&input.source_user_identifier))?;
            let destination = ids
                .with_login(&pool.id, &login(&input.destination_user_identifier))
                .map(|i| i.id.clone())
                .ok_or_else(|| developer_user_not_found(&input.destination_user_identifier))?;
            ids.merge(&source, &destination, Some(&input.developer_provider_name)).map_err(|_| {
                errors::resource_conflict("The identities to merge are linked to different users of the same public provider.")
            })?;
            Ok(destination)
        })?;
        Ok(MergeDeveloperIdentitiesResponse { identity_id: Some(destination) })
    }

    async fn unlink_developer_identity(&self, ctx: &RequestContext, input: UnlinkDeveloperIdentityInput) -> Result<(), UnlinkDeveloperIdentityError> {
        let pool = pool::find(&ctx.account_id, &ctx.region, &input.identity_pool_id)?;
        check_developer_provider(&pool, &input.developer_provider_name)?;
        let login = Login { provider: input.developer_provider_name.clone(), user: input.developer_user_identifier.clone() };
        identities::with(&ctx.account_id, &pool.region, |ids| {
            let identity = ids.get_mut(&input.identity_id).filter(|i| i.pool_id == pool.id).ok_or_else(|| errors::identity_not_found(&input.identity_id))?;
            if !identity.has(&login) {
                return Err(developer_user_not_found(&input.developer_user_identifier));
            }
            identity.logins.retain(|l| *l != login);
            identity.disabled = identity.logins.is_empty();
            identity.modified = Timestamp::now();
            Ok(())
        })?;
        Ok(())
    }

    async fn unlink_identity(&self, ctx: &RequestContext, input: UnlinkIdentityInput) -> Result<(), UnlinkIdentityError> {
        let (account, pool) = identity_and_pool(ctx, &input.identity_id)?;
        prove(&pool, &account, &input.identity_id, Some(&input.logins), false)?;
        identities::with(&account, &pool.region, |ids| {
            if let Some(identity) = ids.get_mut(&input.identity_id) {
                identity.logins.retain(|l| !input.logins_to_remove.contains(&l.provider));
                identity.disabled = identity.logins.is_empty();
                identity.modified = Timestamp::now();
            }
        });
        Ok(())
    }

    async fn describe_identity(&self, ctx: &RequestContext, input: DescribeIdentityInput) -> Result<IdentityDescription, DescribeIdentityError> {
        let (identity, _) = own_identity(ctx, &input.identity_id)?;
        Ok(description(&identity))
    }

    async fn list_identities(&self, ctx: &RequestContext, input: ListIdentitiesInput) -> Result<ListIdentitiesResponse, ListIdentitiesError> {
        let pool = pool::find(&ctx.account_id, &ctx.region, &input.identity_pool_id)?;
        let after = list_position(&pool.id, input.next_token.as_deref())?;
        let hide_disabled = input.hide_disabled.unwrap_or(false);
        let page = input.max_results.max(1) as usize;
        let (identities, next_token) = identities::with(&ctx.account_id, &pool.region, |ids| {
            let remaining: Vec<&Identity> = ids.of_pool(&pool.id).into_iter().filter(|i| i.seq > after && !(hide_disabled && i.disabled)).collect();
            let shown: Vec<IdentityDescription> = remaining.iter().take(page).map(|i| description(i)).collect();
            let next = (remaining.len() > page).then(|| list_token(&pool.id, remaining[page - 1].seq));
            (shown, next)
        });
        Ok(ListIdentitiesResponse { identity_pool_id: Some(pool.id), identities: Some(identities), next_token })
    }

    async fn delete_identities(&self, ctx: &RequestContext, input: DeleteIdentitiesInput) -> Result<DeleteIdentitiesResponse, DeleteIdentitiesError> {
        for id in &input.identity_ids_to_delete {
            let region = pool::scope_region(id, &ctx.region).to_string();
            identities::with(&ctx.account_id, &region, |ids| ids.remove(id));
        }
        Ok(DeleteIdentitiesResponse { unprocessed_identity_ids: Some(Vec::new()) })
    }
}
