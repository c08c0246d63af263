//! Access points: named network endpoints attached to a bucket, each with its
//! own policy, network origin and Block Public Access settings.
//!
//! S3 routes requests through them with [`access_point`] (bucket given as
//! `arn:aws:s3:<region>:<account>:accesspoint/<name>`, or a
//! `<name>-<account>.s3-accesspoint.<region>…` host) and
//! [`access_point_by_alias`] (the `…-s3alias` name that stands for a bucket).

use crate::public_access_block::{configuration_of, settings_of, Settings};
use crate::{link::s3, state, Data, TagSet};
use simfra_gen_s3_control::types::*;
use simfra_model::{RequestContext, ServiceError, Timestamp};
use std::collections::HashMap;

pub(crate) struct StoredAccessPoint {
    pub bucket: String,
    pub bucket_account: String,
    pub alias: String,
    pub created: Timestamp,
    pub vpc_id: Option<String>,
    pub public_access_block: Settings,
    pub policy: Option<String>,
    pub tags: TagSet,
}

/// What S3 needs of an access point to route a request through it.
#[derive(Debug, Clone, PartialEq)]
pub struct AccessPointInfo {
    pub name: String,
    /// The account that owns the access point.
    pub account: String,
    pub region: String,
    pub bucket: String,
    /// The account that owns the bucket (another one for cross-account access points).
    pub bucket_account: String,
    pub arn: String,
    pub alias: String,
    /// The access point policy document, as it was put.
    pub policy: Option<String>,
    /// `Internet` or `VPC`.
    pub network_origin: String,
    pub vpc_id: Option<String>,
    /// BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets.
    pub public_access_block: (bool, bool, bool, bool),
}

pub(crate) fn arn(region: &str, account: &str, name: &str) -> String {
    format!("arn:aws:s3:{region}:{account}:accesspoint/{name}")
}

fn info(account: &str, region: &str, name: &str, ap: &StoredAccessPoint) -> AccessPointInfo {
    AccessPointInfo {
        name: name.to_string(),
        account: account.to_string(),
        region: region.to_string(),
        bucket: ap.bucket.clone(),
        bucket_account: ap.bucket_account.clone(),
        arn: arn(region, account, name),
        alias: ap.alias.clone(),
        policy: ap.policy.clone(),
        network_origin: if ap.vpc_id.is_some() { "VPC" } else { "Internet" }.to_string(),
        vpc_id: ap.vpc_id.clone(),
        public_access_block: ap.public_access_block,
    }
}

/// The access point `name` of an account in a region, if it exists.
pub fn access_point(account: &str, region: &str, name: &str) -> Option<AccessPointInfo> {
    let scope = state().all().into_iter().find(|((a, r), _)| a == account && r == region)?.1;
    let data = scope.lock();
    data.access_points.get(name).map(|ap| info(account, region, name, ap))
}

/// The access point `name` of an account, in whichever region it is (the
/// `<name>-<account>.<endpoint>` host form names no region).
pub fn access_point_named(account: &str, name: &str) -> Option<AccessPointInfo> {
    state().all().into_iter().find_map(|((a, region), scope)| {
        if a != account {
            return None;
        }
        let data = scope.lock();
        data.access_points.get(name).map(|ap| info(&a, &region, name, ap))
    })
}

/// The access point an alias (`<name>-<random>-s3alias`) stands for, in
/// whatever account and region it was created.
pub fn access_point_by_alias(alias: &str) -> Option<AccessPointInfo> {
    if !alias.ends_with("-s3alias") {
        return None;
    }
    state().all().into_iter().find_map(|((account, region), scope)| {
        let data = scope.lock();
        data.access_points.iter().find(|(_, ap)| ap.alias == alias).map(|(name, ap)| info(&account, &region, name, ap))
    })
}

/// Names AWS accepts: 3–50 characters of lower-case letters, digits and
/// hyphens, starting and ending with a letter or digit, not starting with
/// `xn--` nor ending with `-s3alias` (reserved for aliases).
pub(crate) fn valid_name(name: &str) -> bool {
    (3..=50).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric())
        && !name.starts_with("xn--")
        && !name.ends_with("-s3alias")
}

/// AWS's alias: a prefix of the name, a random part and `-s3alias`, at
/// most 63 characters so that it is a valid bucket name.
fn new_alias(name: &str) -> String {
    const LOWER_ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let prefix: String = name.chars().take(20).collect();
    let prefix = prefix.trim_end_matches('-');
    format!("{prefix}-{}-s3alias", simfra_identity::ids::random_string(LOWER_ALNUM, 34))
}

pub(crate) fn no_such_access_point() -> ServiceError {
    ServiceError::new("NoSuchAccessPoint", 404, "The specified accesspoint does not exist")
}

pub(crate) fn no_such_access_point_policy() -> ServiceError {
    ServiceError::new("NoSuchAccessPointPolicy", 404, "The specified accesspoint policy does not exist")
}

fn malformed(message: &str) -> ServiceError {
    ServiceError::new("MalformedPolicy", 400, message)
}

/// The host names the access point answers on, under the domain the client
/// reached Simfra by (`localhost:4599` …), shaped as AWS's are.
fn endpoints(ctx: &RequestContext) -> HashMap<String, String> {
    let (name, port) = match ctx.host.rsplit_once(':') {
        Some((h, p)) if p.bytes().all(|b| b.is_ascii_digit()) => (h, format!(":{p}")),
        _ => (ctx.host.as_str(), String::new()),
    };
    let base = ["localhost.localstack.cloud", "simfra.local", "localhost"]
        .into_iter()
        .find(|b| name == *b || name.ends_with(&format!(".{b}")))
        .unwrap_or("localhost");
    let r = &ctx.region;
    HashMap::from([
        ("ipv4".to_string(), format!("s3-accesspoint.{r}.{base}{port}")),
        ("dualstack".to_string(), format!("s3-accesspoint.dualstack.{r}.{base}{port}")),
        ("fips".to_string(), format!("s3-accesspoint-fips.{r}.{base}{port}")),
        ("fips_dualstack".to_string(), format!("s3-accesspoint-fips.dualstack.{r}.{base}{port}")),
    ])
}

fn with_access_point<T>(ctx: &RequestContext, name: &str, f: impl FnOnce(&mut StoredAccessPoint) -> Result<T, ServiceError>) -> Result<T, ServiceError> {
    let scope = state().regional(ctx);
    let mut data = scope.lock();
    data.access_points.get_mut(name).ok_or_else(no_such_access_point).and_then(f)
}

pub(crate) fn create(ctx: &RequestContext, input: CreateAccessPointRequest) -> Result<CreateAccessPointResult, ServiceError> {
    if !valid_name(&input.name) {
        return Err(ServiceError::new("InvalidAccessPoint", 400, "The specified access point name or account is not valid."));
    }
    let bucket = (s3().bucket)(&input.bucket)
        .ok_or_else(|| ServiceError::new("InvalidRequest", 400, "An access point can be created only for an existing bucket."))?;
    if let Some(expected) = &input.bucket_account_id {
        if *expected != bucket.owner_account {
            return Err(ServiceError::new("AccessDenied", 403, "Access Denied"));
        }
    }
    if bucket.region != ctx.region {
        return Err(ServiceError::new(
            "InvalidRequest",
            400,
            format!("The bucket is in {}, but access points can only be created in the same Region as their bucket.", bucket.region),
        ));
    }
    let tags = match &input.tags {
        Some(t) => crate::tagging::checked(t.iter().map(|t| (t.key.clone(), t.value.clone())).collect())?,
        None => Vec::new(),
    };
    let scope = state().regional(ctx);
    let mut data = scope.lock();
    if data.access_points.contains_key(&input.name) {
        return Err(ServiceError::new("AccessPointAlreadyOwnedByYou", 409, "Your previous request to create the named accesspoint succeeded and you already own it."));
    }
    let alias = new_alias(&input.name);
    data.access_points.insert(
        input.name.clone(),
        StoredAccessPoint {
            bucket: input.bucket.clone(),
            bucket_account: bucket.owner_account,
            alias: alias.clone(),
            created: Timestamp::now(),
            vpc_id: input.vpc_configuration.map(|v| v.vpc_id),
            // New access points block all public access unless told otherwise.
            public_access_block: input.public_access_block_configuration.as_ref().map(settings_of).unwrap_or((true, true, true, true)),
            policy: None,
            tags,
        },
    );
    Ok(CreateAccessPointResult { access_point_arn: Some(arn(&ctx.region, &ctx.account_id, &input.name)), alias: Some(alias) })
}

pub(crate) fn get(ctx: &RequestContext, name: &str) -> Result<GetAccessPointResult, ServiceError> {
    let (ap, created) = with_access_point(ctx, name, |ap| Ok((info(&ctx.account_id, &ctx.region, name, ap), ap.created)))?;
    Ok(GetAccessPointResult {
        name: Some(ap.name),
        bucket: Some(ap.bucket),
        network_origin: Some(if ap.vpc_id.is_some() { NetworkOrigin::Vpc } else { NetworkOrigin::Internet }),
        vpc_configuration: ap.vpc_id.map(|vpc_id| VpcConfiguration { vpc_id }),
        public_access_block_configuration: Some(configuration_of(ap.public_access_block)),
        creation_date: Some(created),
        alias: Some(ap.alias),
        access_point_arn: Some(ap.arn),
        endpoints: Some(endpoints(ctx)),
        bucket_account_id: Some(ap.bucket_account),
        data_source_id: None,
        data_source_type: None,
    })
}

pub(crate) fn list(ctx: &RequestContext, input: &ListAccessPointsRequest) -> Result<ListAccessPointsResult, ServiceError> {
    let max = input.max_results.unwrap_or(1000).clamp(1, 1000) as usize;
    if let Some(bucket) = &input.bucket {
        if (s3().bucket)(bucket).is_none() {
            return Err(ServiceError::new("InvalidRequest", 400, "An access point can be listed only for an existing bucket."));
        }
    }
    let scope = state().regional(ctx);
    let data = scope.lock();
    let after = input.next_token.clone().unwrap_or_default();
    let mut matching = data
        .access_points
        .range::<String, _>((std::ops::Bound::Excluded(&after), std::ops::Bound::Unbounded))
        .filter(|(_, ap)| input.bucket.as_ref().is_none_or(|b| *b == ap.bucket));
    let page: Vec<_> = matching.by_ref().take(max).collect();
    let more = matching.next().is_some();
    let next_token = if more { page.last().map(|(name, _)| (*name).clone()) } else { None };
    let list = page
        .into_iter()
        .map(|(name, ap)| AccessPoint {
            name: name.clone(),
            network_origin: if ap.vpc_id.is_some() { NetworkOrigin::Vpc } else { NetworkOrigin::Internet },
            vpc_configuration: ap.vpc_id.clone().map(|vpc_id| VpcConfiguration { vpc_id }),
            bucket: ap.bucket.clone(),
            access_point_arn: Some(arn(&ctx.region, &ctx.account_id, name)),
            alias: Some(ap.alias.clone()),
            bucket_account_id: Some(ap.bucket_account.clone()),
            data_source_id: None,
            data_source_type: None,
        })
        .collect();
    Ok(ListAccessPointsResult { access_point_list: Some(list), next_token })
}

pub(crate) fn delete(ctx: &RequestContext, name: &str) -> Result<(), ServiceError> {
    let scope = state().regional(ctx);
    let mut data = scope.lock();
    data.access_points.remove(name).map(|_| ()).ok_or_else(no_such_access_point)
}

/// S3's checks of an access point policy beyond IAM's grammar: statements
/// name a principal, and their resources are this access point or objects
/// through it (`…:accesspoint/<name>/object/<key>`).
pub(crate) fn check_policy(access_point_arn: &str, text: &str) -> Result<(), ServiceError> {
    if !text.trim_start().starts_with('{') {
        return Err(malformed("Policies must be valid JSON and the first byte must be '{'"));
    }
    let policy = simfra_policy::parse(text).map_err(|e| if e.0.starts_with("Syntax errors") { malformed("This policy contains invalid Json") } else { malformed(&e.0) })?;
    for st in &policy.statements {
        if st.principal.is_none() && st.not_principal.is_none() {
            return Err(malformed("Missing required field Principal"));
        }
        if st.resource_absent {
            return Err(malformed("Missing required field Resource"));
        }
        let own = |r: &str| {
            r == access_point_arn || r.starts_with(&format!("{access_point_arn}/object/")) || simfra_policy::glob_match(r, access_point_arn, false)
        };
        if !st.resources.iter().all(|r| own(r)) {
            return Err(malformed("Policy has invalid resource"));
        }
    }
    Ok(())
}

pub(crate) fn put_policy(ctx: &RequestContext, name: &str, policy: &str) -> Result<(), ServiceError> {
    with_access_point(ctx, name, |_| Ok(()))?;
    check_policy(&arn(&ctx.region, &ctx.account_id, name), policy)?;
    with_access_point(ctx, name, |ap| {
        ap.policy = Some(policy.to_string());
        Ok(())
    })
}

pub(crate) fn get_policy(ctx: &RequestContext, name: &str) -> Result<String, ServiceError> {
    with_access_point(ctx, name, |ap| ap.policy.clone().ok_or_else(no_such_access_point_policy))
}

pub(crate) fn delete_policy(ctx: &RequestContext, name: &str) -> Result<(), ServiceError> {
    with_access_point(ctx, name, |ap| {
        ap.policy = None;
        Ok(())
    })
}

pub(crate) fn policy_status(ctx: &RequestContext, name: &str) -> Result<bool, ServiceError> {
    with_access_point(ctx, name, |ap| ap.policy.as_deref().map(policy_is_public).ok_or_else(no_such_access_point_policy))
}

/// Condition keys that pin a grant to known callers, so that a statement
/// for everyone is not public (AWS's "The meaning of public").
const FIXING_KEYS: &[&str] = &[
    "aws:principalarn",
    "aws:principalaccount",
    "aws:principalorgid",
    "aws:sourcearn",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourceaccount",
    "aws:sourceowner",
    "aws:sourceip",
    "aws:userid",
    "s3:dataaccesspointarn",
    "s3:dataaccesspointaccount",
    "aws:principalservicename",
];

/// Whether a resource policy is public: some Allow for everyone that no
/// fixing condition narrows.
pub fn policy_is_public(text: &str) -> bool {
    let Ok(doc) = serde_json::from_str::<serde_json::Value>(text) else { return false };
    let statements = match doc.get("Statement") {
        Some(serde_json::Value::Array(a)) => a.clone(),
        Some(o @ serde_json::Value::Object(_)) => vec![o.clone()],
        _ => return false,
    };
    statements.iter().any(|st| {
        let allow = st.get("Effect").and_then(|e| e.as_str()) == Some("Allow");
        let everyone = match st.get("Principal") {
            Some(serde_json::Value::String(s)) => s == "*",
            Some(serde_json::Value::Object(m)) => m.get("AWS").is_some_and(|v| v == "*" || v.as_array().is_some_and(|a| a.iter().any(|x| x == "*"))),
            _ => false,
        };
        let fixed = st.get("Condition").and_then(|c| c.as_object()).is_some_and(|ops| {
            ops.values().filter_map(|keys| keys.as_object()).any(|keys| keys.keys().any(|k| FIXING_KEYS.contains(&k.to_ascii_lowercase().as_str())))
        });
        allow && everyone && !fixed
    })
}

/// The tags of an access point named by its ARN's parts.
pub(crate) fn tags<'d>(data: &'d mut Data, name: &str) -> Option<&'d mut TagSet> {
    data.access_points.get_mut(name).map(|ap| &mut ap.tags)
}

/// IAM's view of an access point (`…:accesspoint/<name>[/object/<key>]`):
/// its owner, policy and tags.
pub(crate) fn facts(account: &str, region: &str, name: &str) -> Option<simfra_identity::authorize::ResourceFacts> {
    let scope = state().all().into_iter().find(|((a, r), _)| a == account && r == region)?.1;
    let data = scope.lock();
    let ap = data.access_points.get(name)?;
    let policy = ap.policy.as_deref().and_then(|p| simfra_policy::parse(p).ok()).map(std::sync::Arc::new);
    Some(simfra_identity::authorize::ResourceFacts { owner: account.to_string(), policy, tags: ap.tags.clone() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_aliases() {
        assert!(valid_name("my-ap-1"));
        assert!(!valid_name("My-AP"));
        assert!(!valid_name("-ap"));
        assert!(!valid_name("ab"));
        assert!(!valid_name("xn--ap"));
        assert!(!valid_name("ap-s3alias"));
        let alias = new_alias("a-very-long-access-point-name-of-fifty-characters");
        assert!(alias.ends_with("-s3alias") && alias.len() <= 63, "{alias}");
        assert!(alias.starts_with("a-very-long-access-p"));
    }

    #[test]
    fn policies() {
        let ap = "arn:aws:s3:us-east-1:111122223333:accesspoint/ap";
        let ok = format!(r#"{{"Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::111122223333:root"}},"Action":"s3:GetObject","Resource":"{ap}/object/*"}}]}}"#);
        assert!(check_policy(ap, &ok).is_ok());
        assert!(!policy_is_public(&ok));
        let other = ok.replace("accesspoint/ap/", "accesspoint/other/");
        assert_eq!(check_policy(ap, &other).unwrap_err().message.as_deref(), Some("Policy has invalid resource"));
        assert!(policy_is_public(&ok.replace(r#"{"AWS":"arn:aws:iam::111122223333:root"}"#, r#""*""#)));
    }
}
