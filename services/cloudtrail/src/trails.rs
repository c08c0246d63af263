//! Trails: where CloudTrail delivers an account's events. A trail lives in
//! its home region; a multi-region trail also shows in every other region as
//! a shadow trail (visible to DescribeTrails, GetTrail, ListTrails and by ARN,
//! but changed only from its home region). Trails of an account are kept
//! together, so that delivery and shadow lookups see all of them.

use crate::selectors::{self, Selectors};
use simfra_gen_cloudtrail::types::*;
use simfra_model::{RequestContext, ServiceError, Timestamp};
use simfra_store::Scoped;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

/// Trails an account may have in one region (counting shadow trails), as on AWS.
pub const MAX_TRAILS_PER_REGION: usize = 5;
const MAX_TAGS: usize = 50;
const MAX_PREFIX: usize = 200;

/// Where delivery stands for a logging trail.
#[derive(Debug, Clone, Default)]
pub struct Delivery {
    /// Events numbered up to this were recorded before logging started.
    pub start_seq: u64,
    /// Per region: the last event number looked at.
    pub cursors: HashMap<String, u64>,
    pub latest_delivery: Option<Timestamp>,
    pub latest_attempt: Option<Timestamp>,
    pub latest_attempt_succeeded: Option<Timestamp>,
    pub latest_error: Option<String>,
}

#[derive(Debug, Clone)]
pub struct TrailState {
    pub name: String,
    pub account: String,
    pub home_region: String,
    pub arn: String,
    pub s3_bucket: String,
    pub s3_key_prefix: Option<String>,
    pub sns_topic_name: Option<String>,
    pub include_global: bool,
    pub multi_region: bool,
    pub log_file_validation: bool,
    pub cw_log_group_arn: Option<String>,
    pub cw_role_arn: Option<String>,
    pub kms_key_id: Option<String>,
    pub organization: bool,
    pub selectors: Selectors,
    pub custom_selectors: bool,
    pub insights: Vec<InsightType>,
    pub tags: Vec<Tag>,
    pub logging: bool,
    pub started: Option<Timestamp>,
    pub stopped: Option<Timestamp>,
    pub delivery: Delivery,
}

impl TrailState {
    /// Whether the trail shows (as itself or a shadow) in `region`.
    pub fn visible_in(&self, region: &str) -> bool {
        self.home_region == region || self.multi_region
    }

    fn sns_topic_arn(&self) -> Option<String> {
        self.sns_topic_name.as_ref().map(|t| if t.starts_with("arn:") { t.clone() } else { format!("arn:aws:sns:{}:{}:{t}", self.home_region, self.account) })
    }

    pub fn to_trail(&self) -> Trail {
        Trail {
            name: Some(self.name.clone()),
            s3_bucket_name: Some(self.s3_bucket.clone()),
            s3_key_prefix: self.s3_key_prefix.clone(),
            sns_topic_name: self.sns_topic_name.clone(),
            sns_topic_arn: self.sns_topic_arn(),
            include_global_service_events: Some(self.include_global),
            is_multi_region_trail: Some(self.multi_region),
            home_region: Some(self.home_region.clone()),
            trail_arn: Some(self.arn.clone()),
            log_file_validation_enabled: Some(self.log_file_validation),
            cloud_watch_logs_log_group_arn: self.cw_log_group_arn.clone(),
            cloud_watch_logs_role_arn: self.cw_role_arn.clone(),
            kms_key_id: self.kms_key_id.clone(),
            has_custom_event_selectors: Some(self.custom_selectors),
            has_insight_selectors: Some(!self.insights.is_empty()),
            is_organization_trail: Some(self.organization),
        }
    }
}

/// An account's trails, in creation order.
#[derive(Default)]
pub struct AccountTrails {
    pub trails: Mutex<Vec<TrailState>>,
}

impl AccountTrails {
    pub fn lock(&self) -> MutexGuard<'_, Vec<TrailState>> {
        self.trails.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Every account's trails (account-wide scope).
pub fn store() -> &'static Scoped<AccountTrails> {
    static STORE: OnceLock<Scoped<AccountTrails>> = OnceLock::new();
    STORE.get_or_init(Scoped::new)
}

fn account_trails(ctx: &RequestContext) -> Arc<AccountTrails> {
    store().global(ctx)
}

pub fn err(code: &str, message: impl Into<String>) -> ServiceError {
    ServiceError::new(code, 400, message)
}

fn trail_arn(region: &str, account: &str, name: &str) -> String {
    format!("arn:aws:cloudtrail:{region}:{account}:trail/{name}")
}

/// AWS's trail name rules, with its messages.
pub fn check_name(name: &str) -> Result<(), ServiceError> {
    let invalid = |m: String| Err(err("InvalidTrailNameException", m));
    let n = name.chars().count();
    if n < 3 {
        return invalid(format!("Trail name too short. Minimum allowed length: 3 characters. Specified name length: {n} characters."));
    }
    if n > 128 {
        return invalid(format!("Trail name too long. Maximum allowed length: 128 characters. Specified name length: {n} characters."));
    }
    let special = |c: char| matches!(c, '.' | '_' | '-');
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || special(c)) {
        return invalid(
            "Trail name or ARN can only contain uppercase letters, lowercase letters, numbers, periods (.), hyphens (-), and underscores (_).".into(),
        );
    }
    if !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return invalid("Trail name must starts with a letter or number.".into());
    }
    if !name.ends_with(|c: char| c.is_ascii_alphanumeric()) {
        return invalid("Trail name must ends with a letter or number.".into());
    }
    if name.as_bytes().windows(2).any(|w| special(w[0] as char) && special(w[1] as char)) {
        return invalid("Trail name cannot contain consecutive special characters.".into());
    }
    let parts: Vec<&str> = name.split('.').collect();
    if parts.len() == 4 && parts.iter().all(|p| p.parse::<u8>().is_ok()) {
        return invalid("Trail name cannot be formatted as an IP address.".into());
    }
    Ok(())
}

/// A trail reference as the API takes it: a name, or a trail ARN.
enum TrailRef {
    Name(String),
    Arn(String),
}

fn parse_ref(s: &str) -> Result<TrailRef, ServiceError> {
    if let Some(rest) = s.strip_prefix("arn:") {
        let parts: Vec<&str> = rest.splitn(5, ':').collect();
        let ok = parts.len() == 5
            && parts[0].starts_with("aws")
            && parts[1] == "cloudtrail"
            && !parts[2].is_empty()
            && parts[3].len() == 12
            && parts[4].strip_prefix("trail/").is_some_and(|n| check_name(n).is_ok());
        if !ok {
            return Err(err(
                "CloudTrailARNInvalidException",
                format!("Invalid trail ARN: {s}. The ARN must be in the format arn:aws:cloudtrail:<region>:<account>:trail/<name>."),
            ));
        }
        return Ok(TrailRef::Arn(s.to_string()));
    }
    check_name(s)?;
    Ok(TrailRef::Name(s.to_string()))
}

/// How a lookup treats shadow trails.
#[derive(Clone, Copy, PartialEq)]
enum Shadows {
    /// A name finds the trail of this region or a multi-region trail's shadow.
    Visible,
    /// A name finds only a trail whose home is this region (shadows need the ARN).
    HomeOnly,
}

fn not_found(ctx: &RequestContext, shown: &str) -> ServiceError {
    err("TrailNotFoundException", format!("Unknown trail: {shown} for the user: {}", ctx.account_id))
}

/// Finds a trail's index; errors as AWS does.
fn find(ctx: &RequestContext, trails: &[TrailState], name_or_arn: &str, shadows: Shadows, name_in_error: bool) -> Result<usize, ServiceError> {
    let r = parse_ref(name_or_arn)?;
    let found = match &r {
        TrailRef::Arn(arn) => trails.iter().position(|t| &t.arn == arn),
        TrailRef::Name(name) => trails
            .iter()
            .position(|t| &t.name == name && t.home_region == ctx.region)
            .or_else(|| match shadows {
                Shadows::Visible => trails.iter().position(|t| &t.name == name && t.multi_region),
                Shadows::HomeOnly => None,
            }),
    };
    found.ok_or_else(|| match &r {
        TrailRef::Name(n) if name_in_error => not_found(ctx, n),
        TrailRef::Name(n) => not_found(ctx, &trail_arn(&ctx.region, &ctx.account_id, n)),
        TrailRef::Arn(a) => not_found(ctx, a),
    })
}

/// Finds a trail to change: it must be changed from its home region.
fn find_home(ctx: &RequestContext, trails: &[TrailState], name_or_arn: &str) -> Result<usize, ServiceError> {
    let i = find(ctx, trails, name_or_arn, Shadows::Visible, false)?;
    if trails[i].home_region != ctx.region {
        return Err(err(
            "InvalidHomeRegionException",
            format!(
                "This operation must be called from the trail's home region ({}); the trail {} cannot be changed from {}.",
                trails[i].home_region, trails[i].arn, ctx.region
            ),
        ));
    }
    Ok(i)
}

/// The key under which CloudTrail writes a log file, less the file name: `[prefix/]AWSLogs/<account>/CloudTrail/<region>/`.
pub fn log_folder(prefix: Option<&str>, account: &str, region: &str) -> String {
    let prefix = prefix.filter(|p| !p.is_empty()).map(|p| format!("{}/", p.trim_end_matches('/'))).unwrap_or_default();
    format!("{prefix}AWSLogs/{account}/CloudTrail/{region}/")
}

/// Whether a bucket's policy lets CloudTrail deliver this trail's files:
/// `cloudtrail.amazonaws.com` may `s3:GetBucketAcl` the bucket and
/// `s3:PutObject` under `[prefix/]AWSLogs/<account>/` with
/// `bucket-owner-full-control` (AWS checks the policy when a trail is created
/// or pointed at a bucket).
pub fn bucket_allows_delivery(policy: Option<&str>, bucket: &str, prefix: Option<&str>, account: &str, trail_arn: &str) -> bool {
    let Some(policy) = policy.and_then(|p| simfra_policy::parse(p).ok()) else { return false };
    let ask = |action: &str, resource: String| {
        let mut req = simfra_policy::Request::new(action, &resource, "", "")
            .with("aws:SourceArn", &[trail_arn])
            .with("aws:SourceAccount", &[account])
            .with("s3:x-amz-acl", &["bucket-owner-full-control"]);
        req.service_principal = Some("cloudtrail.amazonaws.com".into());
        let ev = simfra_policy::Evaluation { resource: Some(("bucket-policy", &policy)), ..Default::default() };
        simfra_policy::evaluate(&ev, &req).0.is_allowed()
    };
    let sample_key = format!("{}{account}_CloudTrail_us-east-1_20240101T0000Z_0000000000000000.json.gz", log_folder(prefix, account, "us-east-1"));
    ask("s3:GetBucketAcl", format!("arn:aws:s3:::{bucket}")) && ask("s3:PutObject", format!("arn:aws:s3:::{bucket}/{sample_key}"))
}

/// The bucket checks of CreateTrail/UpdateTrail: it exists and its policy lets CloudTrail in.
fn check_bucket(bucket: &str, prefix: Option<&str>, account: &str, arn: &str) -> Result<(), ServiceError> {
    let valid_name = (3..=63).contains(&bucket.len())
        && bucket.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
        && bucket.starts_with(|c: char| c.is_ascii_alphanumeric())
        && bucket.ends_with(|c: char| c.is_ascii_alphanumeric());
    if !valid_name {
        return Err(err("InvalidS3BucketNameException", format!("Bucket name is not valid: {bucket}")));
    }
    let Some(info) = simfra_svc_s3::bucket_info(bucket) else {
        return Err(err("S3BucketDoesNotExistException", format!("S3 bucket {bucket} does not exist!")));
    };
    if !bucket_allows_delivery(info.policy.as_deref(), bucket, prefix, account, arn) {
        return Err(err("InsufficientS3BucketPolicyException", format!("Incorrect S3 bucket policy is detected for bucket: {bucket}")));
    }
    Ok(())
}

fn check_prefix(prefix: Option<&str>) -> Result<(), ServiceError> {
    match prefix {
        Some(p) if p.len() > MAX_PREFIX => Err(err("InvalidS3PrefixException", format!("S3 key prefix is too long. Maximum allowed length: {MAX_PREFIX} characters."))),
        _ => Ok(()),
    }
}

fn check_tags(tags: &[Tag]) -> Result<(), ServiceError> {
    let mut keys: Vec<&str> = tags.iter().map(|t| t.key.as_str()).collect();
    keys.sort_unstable();
    if keys.windows(2).any(|w| w[0] == w[1]) {
        return Err(err("InvalidTagParameterException", "Tag keys must be unique."));
    }
    if tags.iter().any(|t| t.key.starts_with("aws:")) {
        return Err(err("InvalidTagParameterException", "Tag keys cannot start with the reserved prefix aws:."));
    }
    Ok(())
}

/// Organization trails: only an organization's management account makes them.
fn check_organization(ctx: &RequestContext) -> Result<(), ServiceError> {
    let orgs = simfra_identity::organizations::store().read();
    match orgs.org_of(&ctx.account_id) {
        None => Err(err("OrganizationsNotInUseException", "This account is not a member of an organization.")),
        Some(o) if o.management_account_id != ctx.account_id => Err(err(
            "NotOrganizationMasterAccountException",
            "The account is not the management account of the organization, so it cannot create an organization trail.",
        )),
        Some(o) if o.feature_set != "ALL" => {
            Err(err("OrganizationNotInAllFeaturesModeException", "The organization must have all features enabled to create an organization trail."))
        }
        Some(_) => Ok(()),
    }
}

fn multi_region_needs_global(multi: bool, global: bool) -> Result<(), ServiceError> {
    if multi && !global {
        return Err(err("InvalidParameterCombinationException", "Multi-Region trail must include global service events."));
    }
    Ok(())
}

/// Is a trail named `name` in the way of one that would show in `region` (or everywhere)?
fn name_taken(trails: &[TrailState], name: &str, region: &str, multi: bool, except: Option<usize>) -> bool {
    trails
        .iter()
        .enumerate()
        .any(|(i, t)| Some(i) != except && t.name == name && (multi || t.visible_in(region)))
}

fn sns_topic(name: Option<String>) -> Option<String> {
    name.filter(|n| !n.is_empty())
}

pub fn create(ctx: &RequestContext, input: CreateTrailRequest) -> Result<CreateTrailResponse, ServiceError> {
    check_name(&input.name)?;
    let multi = input.is_multi_region_trail.unwrap_or(false);
    let global = input.include_global_service_events.unwrap_or(true);
    multi_region_needs_global(multi, global)?;
    check_prefix(input.s3_key_prefix.as_deref())?;
    let tags = input.tags_list.unwrap_or_default();
    check_tags(&tags)?;
    if tags.len() > MAX_TAGS {
        return Err(err("TagsLimitExceededException", format!("The number of tags exceeds the limit of {MAX_TAGS}.")));
    }
    let organization = input.is_organization_trail.unwrap_or(false);
    if organization {
        check_organization(ctx)?;
    }
    let arn = trail_arn(&ctx.region, &ctx.account_id, &input.name);
    let store = account_trails(ctx);
    {
        let trails = store.lock();
        if name_taken(&trails, &input.name, &ctx.region, multi, None) {
            return Err(err("TrailAlreadyExistsException", format!("Trail {} already exists for customer: {}", input.name, ctx.account_id)));
        }
        if trails.iter().filter(|t| t.visible_in(&ctx.region)).count() >= MAX_TRAILS_PER_REGION {
            return Err(err(
                "MaximumNumberOfTrailsExceededException",
                format!("User: {} already has {MAX_TRAILS_PER_REGION} trails in {}.", ctx.account_id, ctx.region),
            ));
        }
    }
    // The bucket is S3's: check it without holding the trails.
    check_bucket(&input.s3_bucket_name, input.s3_key_prefix.as_deref(), &ctx.account_id, &arn)?;
    let trail = TrailState {
        name: input.name.clone(),
        account: ctx.account_id.clone(),
        home_region: ctx.region.clone(),
        arn: arn.clone(),
        s3_bucket: input.s3_bucket_name,
        s3_key_prefix: input.s3_key_prefix.filter(|p| !p.is_empty()),
        sns_topic_name: sns_topic(input.sns_topic_name),
        include_global: global,
        multi_region: multi,
        log_file_validation: input.enable_log_file_validation.unwrap_or(false),
        cw_log_group_arn: input.cloud_watch_logs_log_group_arn,
        cw_role_arn: input.cloud_watch_logs_role_arn,
        kms_key_id: input.kms_key_id,
        organization,
        selectors: Selectors::default(),
        custom_selectors: false,
        insights: Vec::new(),
        tags,
        logging: false,
        started: None,
        stopped: None,
        delivery: Delivery::default(),
    };
    let mut trails = store.lock();
    // Checked again: another request may have made the name meanwhile.
    if name_taken(&trails, &trail.name, &ctx.region, multi, None) {
        return Err(err("TrailAlreadyExistsException", format!("Trail {} already exists for customer: {}", trail.name, ctx.account_id)));
    }
    let t = trail.to_trail();
    trails.push(trail);
    Ok(CreateTrailResponse {
        name: t.name,
        s3_bucket_name: t.s3_bucket_name,
        s3_key_prefix: t.s3_key_prefix,
        sns_topic_name: t.sns_topic_name,
        sns_topic_arn: t.sns_topic_arn,
        include_global_service_events: t.include_global_service_events,
        is_multi_region_trail: t.is_multi_region_trail,
        trail_arn: t.trail_arn,
        log_file_validation_enabled: t.log_file_validation_enabled,
        cloud_watch_logs_log_group_arn: t.cloud_watch_logs_log_group_arn,
        cloud_watch_logs_role_arn: t.cloud_watch_logs_role_arn,
        kms_key_id: t.kms_key_id,
        is_organization_trail: t.is_organization_trail,
    })
}

pub fn update(ctx: &RequestContext, input: UpdateTrailRequest) -> Result<UpdateTrailResponse, ServiceError> {
    let store = account_trails(ctx);
    let mut updated = {
        let trails = store.lock();
        let i = find_home(ctx, &trails, &input.name)?;
        trails[i].clone()
    };
    if let Some(b) = &input.s3_bucket_name {
        updated.s3_bucket = b.clone();
    }
    if let Some(p) = &input.s3_key_prefix {
        check_prefix(Some(p))?;
        updated.s3_key_prefix = Some(p.clone()).filter(|p| !p.is_empty());
    }
    if let Some(t) = input.sns_topic_name {
        updated.sns_topic_name = sns_topic(Some(t));
    }
    if let Some(g) = input.include_global_service_events {
        updated.include_global = g;
    }
    if let Some(m) = input.is_multi_region_trail {
        updated.multi_region = m;
    }
    multi_region_needs_global(updated.multi_region, updated.include_global)?;
    if let Some(v) = input.enable_log_file_validation {
        updated.log_file_validation = v;
    }
    if let Some(v) = input.cloud_watch_logs_log_group_arn {
        updated.cw_log_group_arn = Some(v).filter(|v| !v.is_empty());
    }
    if let Some(v) = input.cloud_watch_logs_role_arn {
        updated.cw_role_arn = Some(v).filter(|v| !v.is_empty());
    }
    if let Some(v) = input.kms_key_id {
        updated.kms_key_id = Some(v).filter(|v| !v.is_empty());
    }
    if let Some(o) = input.is_organization_trail {
        if o && !updated.organization {
            check_organization(ctx)?;
        }
        updated.organization = o;
    }
    if input.s3_bucket_name.is_some() || input.s3_key_prefix.is_some() {
        check_bucket(&updated.s3_bucket, updated.s3_key_prefix.as_deref(), &ctx.account_id, &updated.arn)?;
    }
    let mut trails = store.lock();
    let i = trails.iter().position(|t| t.arn == updated.arn).ok_or_else(|| not_found(ctx, &updated.arn))?;
    if updated.multi_region && !trails[i].multi_region && name_taken(&trails, &updated.name, &ctx.region, true, Some(i)) {
        return Err(err("TrailAlreadyExistsException", format!("Trail {} already exists for customer: {}", updated.name, ctx.account_id)));
    }
    // Delivery and status moved on meanwhile; keep them.
    updated.logging = trails[i].logging;
    updated.started = trails[i].started;
    updated.stopped = trails[i].stopped;
    updated.delivery = trails[i].delivery.clone();
    updated.selectors = trails[i].selectors.clone();
    updated.custom_selectors = trails[i].custom_selectors;
    updated.insights = trails[i].insights.clone();
    updated.tags = trails[i].tags.clone();
    let t = updated.to_trail();
    trails[i] = updated;
    Ok(UpdateTrailResponse {
        name: t.name,
        s3_bucket_name: t.s3_bucket_name,
        s3_key_prefix: t.s3_key_prefix,
        sns_topic_name: t.sns_topic_name,
        sns_topic_arn: t.sns_topic_arn,
        include_global_service_events: t.include_global_service_events,
        is_multi_region_trail: t.is_multi_region_trail,
        trail_arn: t.trail_arn,
        log_file_validation_enabled: t.log_file_validation_enabled,
        cloud_watch_logs_log_group_arn: t.cloud_watch_logs_log_group_arn,
        cloud_watch_logs_role_arn: t.cloud_watch_logs_role_arn,
        kms_key_id: t.kms_key_id,
        is_organization_trail: t.is_organization_trail,
    })
}

pub fn get(ctx: &RequestContext, name: &str) -> Result<Trail, ServiceError> {
    let store = account_trails(ctx);
    let trails = store.lock();
    let i = find(ctx, &trails, name, Shadows::Visible, true)?;
    Ok(trails[i].to_trail())
}

pub fn describe(ctx: &RequestContext, input: DescribeTrailsRequest) -> Result<Vec<Trail>, ServiceError> {
    let store = account_trails(ctx);
    let trails = store.lock();
    let shadows = input.include_shadow_trails.unwrap_or(true);
    let names = input.trail_name_list.unwrap_or_default();
    if names.is_empty() {
        return Ok(trails.iter().filter(|t| t.home_region == ctx.region || (shadows && t.multi_region)).map(TrailState::to_trail).collect());
    }
    // Names name this region's trails; other regions' trails need their ARN. Unknown ones are left out.
    let mut out: Vec<Trail> = Vec::new();
    for n in &names {
        let hit = if n.starts_with("arn:") {
            trails.iter().find(|t| &t.arn == n)
        } else {
            trails.iter().find(|t| &t.name == n && (t.home_region == ctx.region || (shadows && t.multi_region)))
        };
        if let Some(t) = hit {
            if !out.iter().any(|o| o.trail_arn.as_deref() == Some(t.arn.as_str())) {
                out.push(t.to_trail());
            }
        }
    }
    Ok(out)
}

pub fn list(ctx: &RequestContext) -> Vec<TrailInfo> {
    let store = account_trails(ctx);
    let trails = store.lock();
    trails
        .iter()
        .filter(|t| t.visible_in(&ctx.region))
        .map(|t| TrailInfo { trail_arn: Some(t.arn.clone()), name: Some(t.name.clone()), home_region: Some(t.home_region.clone()) })
        .collect()
}

pub fn delete(ctx: &RequestContext, name: &str) -> Result<(), ServiceError> {
    let store = account_trails(ctx);
    let mut trails = store.lock();
    let i = find_home(ctx, &trails, name)?;
    trails.remove(i);
    Ok(())
}

pub fn set_logging(ctx: &RequestContext, name: &str, on: bool) -> Result<(), ServiceError> {
    let store = account_trails(ctx);
    let mut trails = store.lock();
    let i = find_home(ctx, &trails, name)?;
    let t = &mut trails[i];
    let now = Timestamp::now();
    if on && !t.logging {
        t.logging = true;
        t.started = Some(now);
        // Only events from now on are delivered.
        t.delivery.start_seq = simfra_audit::log().current_seq();
        t.delivery.cursors.clear();
    } else if !on && t.logging {
        t.logging = false;
        t.stopped = Some(now);
    }
    Ok(())
}

fn iso(t: Option<Timestamp>) -> String {
    t.map(simfra_audit::format_time).unwrap_or_default()
}

pub fn status(ctx: &RequestContext, name: &str) -> Result<GetTrailStatusResponse, ServiceError> {
    let store = account_trails(ctx);
    let trails = store.lock();
    let i = find(ctx, &trails, name, Shadows::HomeOnly, false)?;
    let t = &trails[i];
    let d = &t.delivery;
    Ok(GetTrailStatusResponse {
        is_logging: Some(t.logging),
        latest_delivery_error: d.latest_error.clone(),
        latest_delivery_time: d.latest_delivery,
        start_logging_time: t.started,
        stop_logging_time: t.stopped,
        latest_delivery_attempt_time: Some(iso(d.latest_attempt)),
        latest_delivery_attempt_succeeded: Some(iso(d.latest_attempt_succeeded)),
        latest_notification_attempt_time: Some(String::new()),
        latest_notification_attempt_succeeded: Some(String::new()),
        time_logging_started: Some(iso(t.started)),
        time_logging_stopped: Some(iso(t.stopped)),
        ..Default::default()
    })
}

pub fn put_event_selectors(ctx: &RequestContext, input: PutEventSelectorsRequest) -> Result<PutEventSelectorsResponse, ServiceError> {
    let selectors = match (input.event_selectors, input.advanced_event_selectors) {
        (Some(_), Some(_)) => {
            return Err(err("InvalidParameterCombinationException", "You cannot use EventSelectors and AdvancedEventSelectors in the same request."))
        }
        (None, None) => return Err(err("InvalidEventSelectorsException", "You must specify EventSelectors or AdvancedEventSelectors.")),
        (Some(basic), None) => Selectors::Basic(selectors::validate_basic(basic)?),
        (None, Some(advanced)) => {
            selectors::validate_advanced(&advanced)?;
            Selectors::Advanced(advanced)
        }
    };
    let store = account_trails(ctx);
    let mut trails = store.lock();
    let i = find_home(ctx, &trails, &input.trail_name)?;
    let t = &mut trails[i];
    t.selectors = selectors;
    t.custom_selectors = true;
    let (event_selectors, advanced_event_selectors) = match &t.selectors {
        Selectors::Basic(b) => (Some(b.clone()), None),
        Selectors::Advanced(a) => (None, Some(a.clone())),
    };
    Ok(PutEventSelectorsResponse { trail_arn: Some(t.arn.clone()), event_selectors, advanced_event_selectors })
}

pub fn get_event_selectors(ctx: &RequestContext, name: &str) -> Result<GetEventSelectorsResponse, ServiceError> {
    let store = account_trails(ctx);
    let trails = store.lock();
    let t = &trails[find(ctx, &trails, name, Shadows::Visible, false)?];
    let (event_selectors, advanced_event_selectors) = match &t.selectors {
        Selectors::Basic(b) => (Some(b.clone()), None),
        Selectors::Advanced(a) => (None, Some(a.clone())),
    };
    Ok(GetEventSelectorsResponse { trail_arn: Some(t.arn.clone()), event_selectors, advanced_event_selectors })
}

pub fn put_insight_selectors(ctx: &RequestContext, input: PutInsightSelectorsRequest) -> Result<PutInsightSelectorsResponse, ServiceError> {
    if input.event_data_store.is_some() || input.insights_destination.is_some() {
        return Err(err("UnsupportedOperationException", "Insights on event data stores are not supported."));
    }
    let Some(name) = input.trail_name else {
        return Err(err("InvalidParameterCombinationException", "You must specify a TrailName or an EventDataStore."));
    };
    let mut types: Vec<InsightType> = Vec::new();
    for s in &input.insight_selectors {
        match &s.insight_type {
            Some(t @ (InsightType::ApiCallRateInsight | InsightType::ApiErrorRateInsight)) => {
                if types.contains(t) {
                    return Err(err("InvalidInsightSelectorsException", format!("The insight type {t} is specified more than once.")));
                }
                types.push(t.clone());
            }
            Some(InsightType::Unknown(v)) => return Err(err("InvalidInsightSelectorsException", format!("The insight type {v} is not valid."))),
            None => return Err(err("InvalidInsightSelectorsException", "Each insight selector must name an InsightType.")),
        }
    }
    let store = account_trails(ctx);
    let mut trails = store.lock();
    let i = find_home(ctx, &trails, &name)?;
    let t = &mut trails[i];
    if types.contains(&InsightType::ApiCallRateInsight) && !t.selectors.logs_management(true) {
        return Err(err("InvalidInsightSelectorsException", "To log ApiCallRateInsight events, the trail must log write management events."));
    }
    if types.contains(&InsightType::ApiErrorRateInsight) && !t.selectors.logs_management(false) {
        return Err(err("InvalidInsightSelectorsException", "To log ApiErrorRateInsight events, the trail must log management events."));
    }
    t.insights = types;
    Ok(PutInsightSelectorsResponse {
        trail_arn: Some(t.arn.clone()),
        insight_selectors: Some(t.insights.iter().map(|x| InsightSelector { insight_type: Some(x.clone()) }).collect()),
        event_data_store_arn: None,
        insights_destination: None,
    })
}

pub fn get_insight_selectors(ctx: &RequestContext, input: GetInsightSelectorsRequest) -> Result<GetInsightSelectorsResponse, ServiceError> {
    if input.event_data_store.is_some() {
        return Err(err("UnsupportedOperationException", "Insights on event data stores are not supported."));
    }
    let Some(name) = input.trail_name else {
        return Err(err("InvalidParameterCombinationException", "You must specify a TrailName or an EventDataStore."));
    };
    let store = account_trails(ctx);
    let trails = store.lock();
    let t = &trails[find(ctx, &trails, &name, Shadows::Visible, false)?];
    if t.insights.is_empty() {
        return Err(err("InsightNotEnabledException", format!("Trail {} does not have Insights enabled.", t.arn)));
    }
    Ok(GetInsightSelectorsResponse {
        trail_arn: Some(t.arn.clone()),
        insight_selectors: Some(t.insights.iter().map(|x| InsightSelector { insight_type: Some(x.clone()) }).collect()),
        event_data_store_arn: None,
        insights_destination: None,
    })
}

/// The trail a tagging call names: a trail ARN of this account.
fn tag_target(ctx: &RequestContext, trails: &[TrailState], resource_id: &str) -> Result<usize, ServiceError> {
    if !resource_id.starts_with("arn:") {
        return Err(err(
            "CloudTrailARNInvalidException",
            format!("Invalid trail ARN: {resource_id}. The ARN must be in the format arn:aws:cloudtrail:<region>:<account>:trail/<name>."),
        ));
    }
    find(ctx, trails, resource_id, Shadows::Visible, false)
}

pub fn add_tags(ctx: &RequestContext, input: AddTagsRequest) -> Result<(), ServiceError> {
    check_tags(&input.tags_list)?;
    let store = account_trails(ctx);
    let mut trails = store.lock();
    let i = tag_target(ctx, &trails, &input.resource_id)?;
    if trails[i].home_region != ctx.region {
        return Err(err("InvalidHomeRegionException", format!("Trail {} can only be tagged from its home region {}.", trails[i].arn, trails[i].home_region)));
    }
    let t = &mut trails[i];
    let mut tags = t.tags.clone();
    for new in input.tags_list {
        match tags.iter_mut().find(|x| x.key == new.key) {
            Some(old) => old.value = new.value,
            None => tags.push(new),
        }
    }
    if tags.len() > MAX_TAGS {
        return Err(err("TagsLimitExceededException", format!("The number of tags on the trail would exceed the limit of {MAX_TAGS}.")));
    }
    t.tags = tags;
    Ok(())
}

pub fn remove_tags(ctx: &RequestContext, input: RemoveTagsRequest) -> Result<(), ServiceError> {
    let store = account_trails(ctx);
    let mut trails = store.lock();
    let i = tag_target(ctx, &trails, &input.resource_id)?;
    if trails[i].home_region != ctx.region {
        return Err(err("InvalidHomeRegionException", format!("Trail {} can only be tagged from its home region {}.", trails[i].arn, trails[i].home_region)));
    }
    let t = &mut trails[i];
    t.tags.retain(|x| !input.tags_list.iter().any(|r| r.key == x.key && (r.value.is_none() || r.value == x.value)));
    Ok(())
}

pub fn list_tags(ctx: &RequestContext, input: ListTagsRequest) -> Result<Vec<ResourceTag>, ServiceError> {
    let store = account_trails(ctx);
    let trails = store.lock();
    let mut out = Vec::new();
    for id in &input.resource_id_list {
        let i = tag_target(ctx, &trails, id)?;
        out.push(ResourceTag { resource_id: Some(trails[i].arn.clone()), tags_list: Some(trails[i].tags.clone()) });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trail_names() {
        assert!(check_name("my-trail.1_x").is_ok());
        let msg = |n: &str| check_name(n).unwrap_err().message.unwrap();
        assert_eq!(msg("ab"), "Trail name too short. Minimum allowed length: 3 characters. Specified name length: 2 characters.");
        assert_eq!(msg("-trail"), "Trail name must starts with a letter or number.");
        assert_eq!(msg("trail-"), "Trail name must ends with a letter or number.");
        assert_eq!(msg("my#trail"), "Trail name or ARN can only contain uppercase letters, lowercase letters, numbers, periods (.), hyphens (-), and underscores (_).");
        assert_eq!(msg("my-_trail"), "Trail name cannot contain consecutive special characters.");
        assert_eq!(msg("192.168.5.4"), "Trail name cannot be formatted as an IP address.");
        assert!(check_name(&"a".repeat(129)).is_err());
    }

    #[test]
    fn delivery_policy() {
        let policy = r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:GetBucketAcl","Resource":"arn:aws:s3:::logs"},
            {"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::logs/pre/AWSLogs/111122223333/*",
             "Condition":{"StringEquals":{"s3:x-amz-acl":"bucket-owner-full-control","aws:SourceArn":"arn:aws:cloudtrail:us-east-1:111122223333:trail/t1"}}}]}"#;
        let arn = "arn:aws:cloudtrail:us-east-1:111122223333:trail/t1";
        assert!(bucket_allows_delivery(Some(policy), "logs", Some("pre"), "111122223333", arn));
        assert!(!bucket_allows_delivery(Some(policy), "logs", None, "111122223333", arn), "the prefix is not allowed");
        assert!(!bucket_allows_delivery(Some(policy), "logs", Some("pre"), "111122223333", "arn:aws:cloudtrail:us-east-1:111122223333:trail/t2"));
        assert!(!bucket_allows_delivery(None, "logs", Some("pre"), "111122223333", arn));
        let no_acl = policy.replace("s3:GetBucketAcl", "s3:ListBucket");
        assert!(!bucket_allows_delivery(Some(&no_acl), "logs", Some("pre"), "111122223333", arn));
        assert_eq!(log_folder(Some("pre/"), "111122223333", "eu-west-1"), "pre/AWSLogs/111122223333/CloudTrail/eu-west-1/");
        assert_eq!(log_folder(None, "111122223333", "eu-west-1"), "AWSLogs/111122223333/CloudTrail/eu-west-1/");
    }
}
