//! Identity providers roles trust: OpenID Connect providers (their audiences
//! and certificate thumbprints) and SAML providers (their metadata).

use crate::common::*;
use simfra_gen_iam::types::*;
use simfra_identity::iam::{self as store, IamData};
use simfra_model::{RequestContext, ServiceError};

const CLIENT_IDS_PER_PROVIDER: usize = 100;
const THUMBPRINTS_PER_PROVIDER: usize = 5;
const OIDC_PROVIDERS_QUOTA: usize = 100;
const SAML_PROVIDERS_QUOTA: usize = 100;

// --------------------------------------------------------------------- OIDC

fn no_such_oidc(arn: &str) -> ServiceError {
    no_such_entity(format!("OpenIDConnect Provider not found for arn {arn}"))
}

fn oidc<'a>(d: &'a IamData, arn: &str) -> R<&'a store::OidcProvider> {
    d.oidc_providers.get(arn).ok_or_else(|| no_such_oidc(arn))
}

fn oidc_mut<'a>(d: &'a mut IamData, arn: &str) -> R<&'a mut store::OidcProvider> {
    d.oidc_providers.get_mut(arn).ok_or_else(|| no_such_oidc(arn))
}

fn check_thumbprints(list: &[String]) -> R<()> {
    if list.len() > THUMBPRINTS_PER_PROVIDER {
        return Err(limit_exceeded(format!("Thumbprint list must contain fewer than {} entries", THUMBPRINTS_PER_PROVIDER + 1)));
    }
    for t in list {
        if t.len() != 40 || !t.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(invalid_input(format!("Thumbprint {t} is not a valid SHA-1 hex fingerprint")));
        }
    }
    Ok(())
}

pub fn create_open_id_connect_provider(
    ctx: &RequestContext,
    input: CreateOpenIdConnectProviderRequest,
) -> R<CreateOpenIdConnectProviderResponse> {
    let Some(host) = input.url.strip_prefix("https://").map(|h| h.trim_end_matches('/')).filter(|h| !h.is_empty()) else {
        return Err(invalid_input("Invalid Url: the URL must begin with https://"));
    };
    let host = host.to_string();
    let thumbprints = input.thumbprint_list.unwrap_or_default();
    check_thumbprints(&thumbprints)?;
    let mut client_ids: Vec<String> = Vec::new();
    for c in input.client_id_list.unwrap_or_default() {
        if !client_ids.contains(&c) {
            client_ids.push(c);
        }
    }
    if client_ids.len() > CLIENT_IDS_PER_PROVIDER {
        return Err(limit_exceeded(format!("Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: {CLIENT_IDS_PER_PROVIDER}")));
    }
    let provider_arn = format!("arn:aws:iam::{}:oidc-provider/{host}", ctx.account_id);
    let st = state(ctx);
    let mut d = st.write();
    if d.oidc_providers.contains_key(&provider_arn) {
        return Err(already_exists(format!("Provider with url {} already exists.", input.url)));
    }
    if d.oidc_providers.len() >= OIDC_PROVIDERS_QUOTA {
        return Err(limit_exceeded(format!("Cannot exceed quota for OpenIdConnectProvidersPerAccount: {OIDC_PROVIDERS_QUOTA}")));
    }
    let mut tags = store::Tags::default();
    apply_tags(&mut tags, input.tags.as_deref().unwrap_or(&[]))?;
    let p = store::OidcProvider { arn: provider_arn.clone(), url: format!("https://{host}"), client_ids, thumbprints, created: now(), tags };
    let shown_tags = tags_opt(&p.tags);
    d.oidc_providers.insert(provider_arn.clone(), p);
    Ok(CreateOpenIdConnectProviderResponse { open_id_connect_provider_arn: Some(provider_arn), tags: shown_tags })
}

pub fn get_open_id_connect_provider(ctx: &RequestContext, input: GetOpenIdConnectProviderRequest) -> R<GetOpenIdConnectProviderResponse> {
    let st = state(ctx);
    let d = st.read();
    let p = oidc(&d, &input.open_id_connect_provider_arn)?;
    Ok(GetOpenIdConnectProviderResponse {
        // AWS shows the URL without its scheme.
        url: Some(p.url.trim_start_matches("https://").to_string()),
        client_id_list: Some(p.client_ids.clone()),
        thumbprint_list: Some(p.thumbprints.clone()),
        create_date: Some(ts(p.created)),
        tags: Some(tag_list(&p.tags)),
    })
}

/// Idempotent, as on AWS: a provider that does not exist is not an error.
pub fn delete_open_id_connect_provider(ctx: &RequestContext, input: DeleteOpenIdConnectProviderRequest) -> R<()> {
    let st = state(ctx);
    st.write().oidc_providers.remove(&input.open_id_connect_provider_arn);
    Ok(())
}

pub fn list_open_id_connect_providers(ctx: &RequestContext, _input: ListOpenIdConnectProvidersRequest) -> R<ListOpenIdConnectProvidersResponse> {
    let st = state(ctx);
    let d = st.read();
    Ok(ListOpenIdConnectProvidersResponse {
        open_id_connect_provider_list: Some(
            d.oidc_providers.keys().map(|a| OpenIdConnectProviderListEntry { arn: Some(a.clone()) }).collect(),
        ),
    })
}

pub fn add_client_id_to_open_id_connect_provider(ctx: &RequestContext, input: AddClientIdToOpenIdConnectProviderRequest) -> R<()> {
    let st = state(ctx);
    let mut d = st.write();
    let p = oidc_mut(&mut d, &input.open_id_connect_provider_arn)?;
    if p.client_ids.contains(&input.client_id) {
        return Ok(());
    }
    if p.client_ids.len() >= CLIENT_IDS_PER_PROVIDER {
        return Err(limit_exceeded(format!("Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: {CLIENT_IDS_PER_PROVIDER}")));
    }
    p.client_ids.push(input.client_id);
    Ok(())
}

pub fn remove_client_id_from_open_id_connect_provider(ctx: &RequestContext, input: RemoveClientIdFromOpenIdConnectProviderRequest) -> R<()> {
    let st = state(ctx);
    let mut d = st.write();
    oidc_mut(&mut d, &input.open_id_connect_provider_arn)?.client_ids.retain(|c| *c != input.client_id);
    Ok(())
}

pub fn update_open_id_connect_provider_thumbprint(ctx: &RequestContext, input: UpdateOpenIdConnectProviderThumbprintRequest) -> R<()> {
    check_thumbprints(&input.thumbprint_list)?;
    let st = state(ctx);
    let mut d = st.write();
    oidc_mut(&mut d, &input.open_id_connect_provider_arn)?.thumbprints = input.thumbprint_list;
    Ok(())
}

pub fn tag_open_id_connect_provider(ctx: &RequestContext, input: TagOpenIdConnectProviderRequest) -> R<()> {
    let st = state(ctx);
    let mut d = st.write();
    apply_tags(&mut oidc_mut(&mut d, &input.open_id_connect_provider_arn)?.tags, &input.tags)
}

pub fn untag_open_id_connect_provider(ctx: &RequestContext, input: UntagOpenIdConnectProviderRequest) -> R<()> {
    let st = state(ctx);
    let mut d = st.write();
    oidc_mut(&mut d, &input.open_id_connect_provider_arn)?.tags.remove(&input.tag_keys);
    Ok(())
}

pub fn list_open_id_connect_provider_tags(
    ctx: &RequestContext,
    input: ListOpenIdConnectProviderTagsRequest,
) -> R<ListOpenIdConnectProviderTagsResponse> {
    let st = state(ctx);
    let d = st.read();
    let p = oidc(&d, &input.open_id_connect_provider_arn)?;
    let (tags, is_truncated, marker) = list_tags(&p.tags, input.marker.as_deref(), input.max_items)?;
    Ok(ListOpenIdConnectProviderTagsResponse { tags, is_truncated, marker })
}

// --------------------------------------------------------------------- SAML

fn no_such_saml(arn: &str) -> ServiceError {
    no_such_entity(format!("Manifest not found for arn {arn}"))
}

fn saml<'a>(d: &'a IamData, arn: &str) -> R<&'a store::SamlProvider> {
    d.saml_providers.get(arn).ok_or_else(|| no_such_saml(arn))
}

fn saml_mut<'a>(d: &'a mut IamData, arn: &str) -> R<&'a mut store::SamlProvider> {
    d.saml_providers.get_mut(arn).ok_or_else(|| no_such_saml(arn))
}

/// Checks SAML metadata enough to know it is an entity descriptor; answers its
/// `validUntil`, if it has one.
fn read_metadata(doc: &str) -> R<Option<i64>> {
    if !doc.contains("EntityDescriptor") || !doc.trim_start().starts_with('<') {
        return Err(invalid_input("Could not parse metadata"));
    }
    let valid_until = doc.find("validUntil=").and_then(|i| {
        let rest = &doc[i + "validUntil=".len()..];
        let quote = rest.chars().next()?;
        let end = rest[1..].find(quote)?;
        Some(crate::shapes::parse_iso(&rest[1..1 + end]))
    });
    Ok(valid_until)
}

fn encryption_mode(m: &Option<AssertionEncryptionModeType>) -> Option<String> {
    m.as_ref().map(|m| m.as_str().to_string())
}

fn key_ids(keys: &[(String, i64)]) -> Option<Vec<SamlPrivateKey>> {
    (!keys.is_empty()).then(|| keys.iter().map(|(id, t)| SamlPrivateKey { key_id: Some(id.clone()), timestamp: Some(ts(*t)) }).collect())
}

fn new_key_id() -> String {
    simfra_identity::ids::random_string(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 32)
}

pub fn create_saml_provider(ctx: &RequestContext, input: CreateSamlProviderRequest) -> R<CreateSamlProviderResponse> {
    let valid_until = read_metadata(&input.saml_metadata_document)?;
    let provider_arn = format!("arn:aws:iam::{}:saml-provider/{}", ctx.account_id, input.name);
    let st = state(ctx);
    let mut d = st.write();
    if d.saml_providers.keys().any(|a| a.eq_ignore_ascii_case(&provider_arn)) {
        return Err(already_exists(format!("SAMLProvider {} already exists", input.name)));
    }
    if d.saml_providers.len() >= SAML_PROVIDERS_QUOTA {
        return Err(limit_exceeded(format!("Cannot exceed quota for SAMLProvidersPerAccount: {SAML_PROVIDERS_QUOTA}")));
    }
    let mut tags = store::Tags::default();
    apply_tags(&mut tags, input.tags.as_deref().unwrap_or(&[]))?;
    let created = now();
    let p = store::SamlProvider {
        arn: provider_arn.clone(),
        name: input.name.clone(),
        uuid: crate::roles::uuid(),
        metadata: input.saml_metadata_document,
        created,
        // Metadata without an expiry stays valid for a hundred years, as on AWS.
        valid_until: valid_until.unwrap_or(created + 100 * 365 * 86400),
        tags,
        assertion_encryption_mode: encryption_mode(&input.assertion_encryption_mode),
        private_keys: input.add_private_key.map(|_| vec![(new_key_id(), created)]).unwrap_or_default(),
    };
    let shown_tags = tags_opt(&p.tags);
    d.saml_providers.insert(provider_arn.clone(), p);
    Ok(CreateSamlProviderResponse { saml_provider_arn: Some(provider_arn), tags: shown_tags })
}

pub fn get_saml_provider(ctx: &RequestContext, input: GetSamlProviderRequest) -> R<GetSamlProviderResponse> {
    let st = state(ctx);
    let d = st.read();
    let p = saml(&d, &input.saml_provider_arn)?;
    Ok(GetSamlProviderResponse {
        saml_provider_uuid: Some(p.uuid.clone()),
        saml_metadata_document: Some(p.metadata.clone()),
        create_date: Some(ts(p.created)),
        valid_until: Some(ts(p.valid_until)),
        tags: tags_opt(&p.tags),
        assertion_encryption_mode: p.assertion_encryption_mode.as_deref().map(AssertionEncryptionModeType::from),
        private_key_list: key_ids(&p.private_keys),
    })
}

pub fn update_saml_provider(ctx: &RequestContext, input: UpdateSamlProviderRequest) -> R<UpdateSamlProviderResponse> {
    let valid_until = input.saml_metadata_document.as_deref().map(read_metadata).transpose()?;
    let st = state(ctx);
    let mut d = st.write();
    let p = saml_mut(&mut d, &input.saml_provider_arn)?;
    if let Some(doc) = input.saml_metadata_document {
        p.metadata = doc;
        p.valid_until = valid_until.flatten().unwrap_or(p.valid_until);
    }
    if input.assertion_encryption_mode.is_some() {
        p.assertion_encryption_mode = encryption_mode(&input.assertion_encryption_mode);
    }
    if let Some(remove) = &input.remove_private_key {
        let before = p.private_keys.len();
        p.private_keys.retain(|(id, _)| id != remove);
        if p.private_keys.len() == before {
            return Err(invalid_input(format!("Private key {remove} does not exist.")));
        }
    }
    if input.add_private_key.is_some() {
        if p.private_keys.len() >= 2 {
            return Err(limit_exceeded("Cannot exceed quota for PrivateKeysPerSamlProvider: 2"));
        }
        p.private_keys.push((new_key_id(), now()));
    }
    Ok(UpdateSamlProviderResponse { saml_provider_arn: Some(p.arn.clone()) })
}

pub fn delete_saml_provider(ctx: &RequestContext, input: DeleteSamlProviderRequest) -> R<()> {
    let st = state(ctx);
    let mut d = st.write();
    saml(&d, &input.saml_provider_arn)?;
    d.saml_providers.remove(&input.saml_provider_arn);
    Ok(())
}

pub fn list_saml_providers(ctx: &RequestContext, _input: ListSamlProvidersRequest) -> R<ListSamlProvidersResponse> {
    let st = state(ctx);
    let d = st.read();
    Ok(ListSamlProvidersResponse {
        saml_provider_list: Some(
            d.saml_providers
                .values()
                .map(|p| SamlProviderListEntry { arn: Some(p.arn.clone()), valid_until: Some(ts(p.valid_until)), create_date: Some(ts(p.created)) })
                .collect(),
        ),
    })
}

pub fn tag_saml_provider(ctx: &RequestContext, input: TagSamlProviderRequest) -> R<()> {
    let st = state(ctx);
    let mut d = st.write();
    apply_tags(&mut saml_mut(&mut d, &input.saml_provider_arn)?.tags, &input.tags)
}

pub fn untag_saml_provider(ctx: &RequestContext, input: UntagSamlProviderRequest) -> R<()> {
    let st = state(ctx);
    let mut d = st.write();
    saml_mut(&mut d, &input.saml_provider_arn)?.tags.remove(&input.tag_keys);
    Ok(())
}

pub fn list_saml_provider_tags(ctx: &RequestContext, input: ListSamlProviderTagsRequest) -> R<ListSamlProviderTagsResponse> {
    let st = state(ctx);
    let d = st.read();
    let (tags, is_truncated, marker) = list_tags(&saml(&d, &input.saml_provider_arn)?.tags, input.marker.as_deref(), input.max_items)?;
    Ok(ListSamlProviderTagsResponse { tags, is_truncated, marker })
}
