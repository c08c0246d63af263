//! Multi-Region Access Points: one global endpoint over buckets in several
//! regions. On AWS their control plane lives in us-west-2 whatever region a
//! request names, so they are kept per account, not per region.
//!
//! Creating, deleting and putting a policy are asynchronous on AWS: each
//! answers a request token whose operation `DescribeMultiRegionAccessPointOperation`
//! reports. Simfra carries the work out before answering, so the operation
//! reads `SUCCEEDED` (or `FAILED` with its error details) from the start;
//! failures AWS reports through the operation (a missing bucket, a taken
//! name) are reported the same way rather than as request errors.

use crate::access_points::policy_is_public;
use crate::link::s3;
use crate::public_access_block::{configuration_of, settings_of, Settings};
use simfra_gen_s3_control::types::*;
use simfra_model::{RequestContext, ServiceError, Timestamp};
use simfra_store::Scoped;
use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, OnceLock};

struct StoredMrap {
    alias: String,
    created: Timestamp,
    public_access_block: Settings,
    /// (bucket, bucket account, region, traffic dial percentage)
    regions: Vec<(String, String, String, i32)>,
    policy: Option<String>,
}

struct Operation {
    created: Timestamp,
    kind: AsyncOperationName,
    client_token: String,
    parameters: AsyncRequestParameters,
    error: Option<AsyncErrorDetails>,
}

#[derive(Default)]
struct Data {
    by_name: BTreeMap<String, StoredMrap>,
    /// Operations by request token ARN.
    operations: BTreeMap<String, Operation>,
}

#[derive(Default)]
pub(crate) struct AccountWide {
    data: Mutex<Data>,
}

fn state() -> &'static Scoped<AccountWide> {
    static STATE: OnceLock<Scoped<AccountWide>> = OnceLock::new();
    STATE.get_or_init(Scoped::new)
}

/// The caller's account-wide state.
fn scope(ctx: &RequestContext) -> std::sync::Arc<AccountWide> {
    state().get(&ctx.account_id, simfra_store::GLOBAL)
}

impl AccountWide {
    fn lock(&self) -> MutexGuard<'_, Data> {
        self.data.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The control plane's region.
const CONTROL_REGION: &str = "us-west-2";

fn arn(account: &str, alias: &str) -> String {
    format!("arn:aws:s3::{account}:accesspoint/{alias}")
}

fn no_such_mrap() -> ServiceError {
    ServiceError::new("NoSuchMultiRegionAccessPoint", 404, "The specified Multi-Region Access Point does not exist.")
}

/// Names as for access points: 3–50 lower-case letters, digits and hyphens,
/// not starting or ending with a hyphen.
fn valid_name(name: &str) -> bool {
    (3..=50).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-')
}

fn error(code: &str, message: String, resource: &str) -> AsyncErrorDetails {
    AsyncErrorDetails { code: Some(code.into()), message: Some(message), resource: Some(resource.into()), request_id: None }
}

/// Records an operation and answers its token. A retry with the same client
/// token and request answers the first token; the token reused for another
/// request is a `ClientTokenConflict`.
fn record(
    data: &mut Data,
    ctx: &RequestContext,
    kind: AsyncOperationName,
    client_token: &str,
    parameters: AsyncRequestParameters,
    work: impl FnOnce(&mut Data) -> Option<AsyncErrorDetails>,
) -> Result<String, ServiceError> {
    if let Some((token, op)) = data.operations.iter().find(|(_, op)| op.client_token == client_token) {
        if op.kind == kind && op.parameters == parameters {
            return Ok(token.clone());
        }
        return Err(ServiceError::new("ClientTokenConflict", 409, "Your Multi-Region Access Point idempotency token was already used for a different request."));
    }
    let path = match kind {
        AsyncOperationName::CreateMultiRegionAccessPoint => "create",
        AsyncOperationName::DeleteMultiRegionAccessPoint => "delete",
        _ => "put-policy",
    };
    const TOKEN_CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_";
    let token = format!(
        "arn:aws:s3:{CONTROL_REGION}:{}:async-request/mrap/{path}/{}",
        ctx.account_id,
        simfra_identity::ids::random_string(TOKEN_CHARS, 64)
    );
    let error = work(data);
    data.operations.insert(token.clone(), Operation { created: Timestamp::now(), kind, client_token: client_token.to_string(), parameters, error });
    Ok(token)
}

pub(crate) fn create(ctx: &RequestContext, input: CreateMultiRegionAccessPointRequest) -> Result<String, ServiceError> {
    let details = input.details;
    if !valid_name(&details.name) {
        return Err(ServiceError::new("InvalidRequest", 400, "Multi-Region Access Point names are 3 to 50 lower-case letters, numbers and hyphens, and do not begin or end with a hyphen."));
    }
    if details.regions.len() > 17 {
        return Err(ServiceError::new(
            "TooManyMultiRegionAccessPointregionsError",
            400,
            "You have attempted to create a Multi-Region Access Point with more Regions than are allowed for an account.",
        ));
    }
    let scope = scope(ctx);
    let mut data = scope.lock();
    let parameters = AsyncRequestParameters { create_multi_region_access_point_request: Some(details.clone()), ..Default::default() };
    let token = record(&mut data, ctx, AsyncOperationName::CreateMultiRegionAccessPoint, &input.client_token, parameters, |data| {
        if data.by_name.contains_key(&details.name) {
            return Some(error("MultiRegionAccessPointAlreadyOwnedByYou", "You already have a Multi-Region Access Point with the same name.".into(), &details.name));
        }
        let mut regions: Vec<(String, String, String, i32)> = Vec::new();
        for r in &details.regions {
            let Some(bucket) = (s3().bucket)(&r.bucket) else {
                return Some(error("NoSuchBucket", "The specified bucket does not exist.".into(), &r.bucket));
            };
            if r.bucket_account_id.as_ref().is_some_and(|a| *a != bucket.owner_account) {
                return Some(error("AccessDenied", "Access denied.".into(), &r.bucket));
            }
            if regions.iter().any(|(_, _, region, _)| *region == bucket.region) {
                return Some(error("MultiRegionAccessPointSameBucketRegion", "The buckets used to create a Multi-Region Access Point cannot be in the same Region.".into(), &r.bucket));
            }
            regions.push((r.bucket.clone(), bucket.owner_account, bucket.region, 100));
        }
        const ALIAS_CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyz234567";
        data.by_name.insert(
            details.name.clone(),
            StoredMrap {
                alias: format!("{}.mrap", simfra_identity::ids::random_string(ALIAS_CHARS, 13)),
                created: Timestamp::now(),
                public_access_block: details.public_access_block.as_ref().map(settings_of).unwrap_or((true, true, true, true)),
                regions,
                policy: None,
            },
        );
        None
    })?;
    Ok(token)
}

pub(crate) fn delete(ctx: &RequestContext, input: DeleteMultiRegionAccessPointRequest) -> Result<String, ServiceError> {
    let scope = scope(ctx);
    let mut data = scope.lock();
    let name = input.details.name.clone();
    let parameters = AsyncRequestParameters { delete_multi_region_access_point_request: Some(input.details), ..Default::default() };
    record(&mut data, ctx, AsyncOperationName::DeleteMultiRegionAccessPoint, &input.client_token, parameters, |data| {
        data.by_name.remove(&name).is_none().then(|| error("NoSuchMultiRegionAccessPoint", "The specified Multi-Region Access Point does not exist.".into(), &name))
    })
}

pub(crate) fn put_policy(ctx: &RequestContext, input: PutMultiRegionAccessPointPolicyRequest) -> Result<String, ServiceError> {
    let scope = scope(ctx);
    let mut data = scope.lock();
    let (name, policy) = (input.details.name.clone(), input.details.policy.clone());
    let parameters = AsyncRequestParameters { put_multi_region_access_point_policy_request: Some(input.details), ..Default::default() };
    record(&mut data, ctx, AsyncOperationName::PutMultiRegionAccessPointPolicy, &input.client_token, parameters, |data| {
        let Some(m) = data.by_name.get_mut(&name) else {
            return Some(error("NoSuchMultiRegionAccessPoint", "The specified Multi-Region Access Point does not exist.".into(), &name));
        };
        if simfra_policy::parse(&policy).is_err() {
            return Some(error("MalformedPolicy", "The specified policy syntax is not valid.".into(), &name));
        }
        m.policy = Some(policy);
        None
    })
}

pub(crate) fn describe_operation(ctx: &RequestContext, token: &str) -> Result<AsyncOperation, ServiceError> {
    let scope = scope(ctx);
    let data = scope.lock();
    let op = data.operations.get(token).ok_or_else(|| ServiceError::new("NoSuchAsyncRequest", 404, "The specified request was not found."))?;
    Ok(AsyncOperation {
        creation_time: Some(op.created),
        operation: Some(op.kind.clone()),
        request_token_arn: Some(token.to_string()),
        request_parameters: Some(op.parameters.clone()),
        request_status: Some(if op.error.is_some() { "FAILED" } else { "SUCCEEDED" }.to_string()),
        response_details: op.error.clone().map(|e| AsyncResponseDetails { multi_region_access_point_details: None, error_details: Some(e) }),
    })
}

fn report(name: &str, m: &StoredMrap) -> MultiRegionAccessPointReport {
    MultiRegionAccessPointReport {
        name: Some(name.to_string()),
        alias: Some(m.alias.clone()),
        created_at: Some(m.created),
        public_access_block: Some(configuration_of(m.public_access_block)),
        status: Some(MultiRegionAccessPointStatus::Ready),
        regions: Some(
            m.regions
                .iter()
                .map(|(bucket, account, region, _)| RegionReport { bucket: Some(bucket.clone()), region: Some(region.clone()), bucket_account_id: Some(account.clone()) })
                .collect(),
        ),
    }
}

fn with_mrap<T>(ctx: &RequestContext, name: &str, f: impl FnOnce(&mut StoredMrap) -> Result<T, ServiceError>) -> Result<T, ServiceError> {
    let scope = scope(ctx);
    let mut data = scope.lock();
    data.by_name.get_mut(name).ok_or_else(no_such_mrap).and_then(f)
}

pub(crate) fn get(ctx: &RequestContext, name: &str) -> Result<MultiRegionAccessPointReport, ServiceError> {
    with_mrap(ctx, name, |m| Ok(report(name, m)))
}

pub(crate) fn list(ctx: &RequestContext, input: &ListMultiRegionAccessPointsRequest) -> ListMultiRegionAccessPointsResult {
    let max = input.max_results.unwrap_or(100).clamp(1, 100) as usize;
    let scope = scope(ctx);
    let data = scope.lock();
    let after = input.next_token.clone().unwrap_or_default();
    let mut rest = data.by_name.range::<String, _>((std::ops::Bound::Excluded(&after), std::ops::Bound::Unbounded));
    let page: Vec<_> = rest.by_ref().take(max).collect();
    let next_token = if rest.next().is_some() { page.last().map(|(n, _)| (*n).clone()) } else { None };
    ListMultiRegionAccessPointsResult { access_points: Some(page.into_iter().map(|(n, m)| report(n, m)).collect()), next_token }
}

pub(crate) fn get_policy(ctx: &RequestContext, name: &str) -> Result<MultiRegionAccessPointPolicyDocument, ServiceError> {
    with_mrap(ctx, name, |m| {
        Ok(MultiRegionAccessPointPolicyDocument {
            established: m.policy.clone().map(|policy| EstablishedMultiRegionAccessPointPolicy { policy: Some(policy) }),
            proposed: None,
        })
    })
}

pub(crate) fn policy_status(ctx: &RequestContext, name: &str) -> Result<PolicyStatus, ServiceError> {
    with_mrap(ctx, name, |m| Ok(PolicyStatus { is_public: Some(m.policy.as_deref().is_some_and(policy_is_public)) }))
}

/// The name of the Multi-Region Access Point an ARN
/// (`arn:aws:s3::<account>:accesspoint/<alias>`) or an alias names. (The
/// model's pattern for `Mrap` admits no `/`, so requests Simfra validates
/// name it by alias.)
fn name_of_arn(data: &Data, ctx: &RequestContext, mrap: &str) -> Option<String> {
    data.by_name.iter().find(|(_, m)| m.alias == mrap || arn(&ctx.account_id, &m.alias) == mrap).map(|(n, _)| n.clone())
}

pub(crate) fn routes(ctx: &RequestContext, mrap: &str) -> Result<Vec<MultiRegionAccessPointRoute>, ServiceError> {
    let scope = scope(ctx);
    let data = scope.lock();
    let name = name_of_arn(&data, ctx, mrap).ok_or_else(no_such_mrap)?;
    let m = &data.by_name[&name];
    Ok(m.regions
        .iter()
        .map(|(bucket, _, region, dial)| MultiRegionAccessPointRoute { bucket: Some(bucket.clone()), region: Some(region.clone()), traffic_dial_percentage: *dial })
        .collect())
}

/// Sets traffic dials (0 or 100) of the named buckets or regions.
pub(crate) fn submit_routes(ctx: &RequestContext, mrap: &str, updates: &[MultiRegionAccessPointRoute]) -> Result<(), ServiceError> {
    let scope = scope(ctx);
    let mut data = scope.lock();
    let name = name_of_arn(&data, ctx, mrap).ok_or_else(no_such_mrap)?;
    let m = data.by_name.get_mut(&name).ok_or_else(no_such_mrap)?;
    for u in updates {
        if !matches!(u.traffic_dial_percentage, 0 | 100) {
            return Err(ServiceError::new("InvalidRequest", 400, "TrafficDialPercentage must be 0 or 100."));
        }
        let route = m.regions.iter().position(|(bucket, _, region, _)| u.bucket.as_ref() == Some(bucket) || u.region.as_ref() == Some(region));
        let Some(i) = route else {
            return Err(ServiceError::new("InvalidRequest", 400, "The route names a bucket or Region that is not part of the Multi-Region Access Point."));
        };
        m.regions[i].3 = u.traffic_dial_percentage;
    }
    Ok(())
}

/// The buckets behind a Multi-Region Access Point (by its alias), with
/// their regions and traffic dials, for S3 to route requests through it.
pub fn multi_region_access_point(account: &str, alias: &str) -> Option<Vec<(String, String, i32)>> {
    let scope = state().all().into_iter().find(|((a, _), _)| a == account)?.1;
    let data = scope.lock();
    let m = data.by_name.values().find(|m| m.alias == alias)?;
    Some(m.regions.iter().map(|(bucket, _, region, dial)| (bucket.clone(), region.clone(), *dial)).collect())
}
