//! Per-table settings outside the key schema: tags, time to live (and the
//! background worker that deletes expired items, recording each deletion in
//! the stream as the DynamoDB service principal), resource policies and
//! Contributor Insights settings.

use crate::streams::UserIdentity;
use crate::table::Table;
use crate::{validation, Region};
use simfra_gen_dynamodb::types::*;
use simfra_model::{RequestContext, ServiceError, Timestamp};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

const TTL_SWEEP: Duration = Duration::from_secs(1);
/// Items whose TTL lies more than five years in the past are never deleted.
const TTL_MAX_AGE_SECS: i64 = 5 * 365 * 24 * 3600;

/// The table a resource ARN names, in the caller's account and region.
pub fn table_name_of(arn: &str, ctx: &RequestContext) -> Result<String, ServiceError> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let name = (parts.len() == 6 && parts[0] == "arn" && parts[2] == "dynamodb")
        .then(|| parts[5].strip_prefix("table/"))
        .flatten()
        .filter(|n| !n.is_empty() && !n.contains('/'));
    match name {
        Some(n) if parts[3] == ctx.region && parts[4] == ctx.account_id => Ok(n.to_string()),
        Some(_) => Err(resource_arn_not_found(arn)),
        None => Err(validation(format!("Invalid TableArn: Invalid ResourceArn provided as input {arn}"))),
    }
}

fn resource_arn_not_found(arn: &str) -> ServiceError {
    ResourceNotFoundException { message: Some(format!("Requested resource not found: ResourcArn: {arn} not found")) }.into()
}

fn with_table<T>(region: &Region, arn: &str, ctx: &RequestContext, f: impl FnOnce(&mut Table) -> Result<T, ServiceError>) -> Result<T, ServiceError> {
    let name = table_name_of(arn, ctx)?;
    let mut tables = region.tables.lock().unwrap_or_else(|e| e.into_inner());
    let t = tables.get_mut(&name).ok_or_else(|| resource_arn_not_found(arn))?;
    f(t)
}

pub fn tag_resource(region: &Region, ctx: &RequestContext, input: TagResourceInput) -> Result<(), ServiceError> {
    with_table(region, &input.resource_arn, ctx, |t| {
        for tag in input.tags {
            if tag.key.starts_with("aws:") {
                return Err(validation("One or more parameter values were invalid: Tag keys starting with 'aws:' are reserved for system use"));
            }
            t.tags.retain(|x| x.key != tag.key);
            t.tags.push(tag);
        }
        if t.tags.len() > 50 {
            return Err(LimitExceededException { message: Some("One or more parameter values were invalid: Too many tags".into()) }.into());
        }
        Ok(())
    })
}

pub fn untag_resource(region: &Region, ctx: &RequestContext, input: UntagResourceInput) -> Result<(), ServiceError> {
    with_table(region, &input.resource_arn, ctx, |t| {
        t.tags.retain(|x| !input.tag_keys.contains(&x.key));
        Ok(())
    })
}

pub fn list_tags(region: &Region, ctx: &RequestContext, input: ListTagsOfResourceInput) -> Result<ListTagsOfResourceOutput, ServiceError> {
    with_table(region, &input.resource_arn, ctx, |t| Ok(ListTagsOfResourceOutput { tags: Some(t.tags.clone()), next_token: None }))
}

pub fn update_ttl(region: &Region, input: UpdateTimeToLiveInput) -> Result<UpdateTimeToLiveOutput, ServiceError> {
    let mut tables = region.tables.lock().unwrap_or_else(|e| e.into_inner());
    let t = tables.get_mut(&input.table_name).ok_or_else(|| crate::tables::table_not_found(&input.table_name))?;
    let spec = &input.time_to_live_specification;
    match (&t.ttl_attribute, spec.enabled) {
        (Some(_), true) => return Err(validation("TimeToLive is already enabled")),
        (None, false) => return Err(validation("TimeToLive is already disabled")),
        (Some(current), false) if *current != spec.attribute_name => {
            return Err(validation(format!(
                "TimeToLive is active on a different AttributeName: current AttributeName is {current}"
            )))
        }
        _ => {}
    }
    t.set_ttl(spec.enabled.then(|| spec.attribute_name.clone()));
    start_ttl_worker();
    Ok(UpdateTimeToLiveOutput { time_to_live_specification: Some(spec.clone()) })
}

pub fn describe_ttl(region: &Region, name: &str) -> Result<DescribeTimeToLiveOutput, ServiceError> {
    let tables = region.tables.lock().unwrap_or_else(|e| e.into_inner());
    let t = tables.get(name).ok_or_else(|| crate::tables::table_not_found(name))?;
    Ok(DescribeTimeToLiveOutput {
        time_to_live_description: Some(match &t.ttl_attribute {
            Some(a) => TimeToLiveDescription { time_to_live_status: Some(TimeToLiveStatus::Enabled), attribute_name: Some(a.clone()) },
            None => TimeToLiveDescription { time_to_live_status: Some(TimeToLiveStatus::Disabled), attribute_name: None },
        }),
    })
}

/// Deletes the expired items of every table with TTL enabled.
pub fn sweep_expired() {
    let now = Timestamp::now().secs;
    for (_, region) in crate::tables().all() {
        let mut tables = region.tables.lock().unwrap_or_else(|e| e.into_inner());
        for t in tables.values_mut() {
            if t.ttl_attribute.is_none() {
                continue;
            }
            let expired: Vec<_> = t
                .expiries
                .iter()
                .take_while(|(at, _)| *at <= now)
                .filter(|(at, _)| now - at < TTL_MAX_AGE_SECS)
                .map(|(_, key)| key.clone())
                .collect();
            for key in expired {
                t.write(key, None, Some(&UserIdentity::ttl()));
            }
        }
    }
}

fn start_ttl_worker() {
    static STARTED: AtomicBool = AtomicBool::new(false);
    if STARTED.swap(true, Ordering::SeqCst) {
        return;
    }
    if let Ok(handle) = tokio::runtime::Handle::try_current() {
        handle.spawn(async {
            loop {
                tokio::time::sleep(TTL_SWEEP).await;
                sweep_expired();
            }
        });
    } else {
        STARTED.store(false, Ordering::SeqCst);
    }
}

fn policy_not_found(arn: &str) -> ServiceError {
    PolicyNotFoundException { message: Some(format!("Resource-based policy not found for the provided ResourceArn: {arn}")) }.into()
}

pub fn put_resource_policy(region: &Region, ctx: &RequestContext, input: PutResourcePolicyInput) -> Result<PutResourcePolicyOutput, ServiceError> {
    simfra_policy::parse(&input.policy).map_err(|e| validation(format!("Invalid policy document: {e}")))?;
    with_table(region, &input.resource_arn, ctx, |t| {
        match (&t.resource_policy, &input.expected_revision_id) {
            (Some((_, current)), Some(expected)) if current != expected => {
                return Err(PolicyNotFoundException {
                    message: Some(format!(
                        "Resource-based policy not found for the provided ResourceArn and revision ID: {} {expected}",
                        input.resource_arn
                    )),
                }
                .into())
            }
            (None, Some(_)) => return Err(policy_not_found(&input.resource_arn)),
            _ => {}
        }
        let revision = Timestamp::now().as_millis().to_string();
        t.resource_policy = Some((input.policy.clone(), revision.clone()));
        Ok(PutResourcePolicyOutput { revision_id: Some(revision) })
    })
}

pub fn get_resource_policy(region: &Region, ctx: &RequestContext, arn: &str) -> Result<GetResourcePolicyOutput, ServiceError> {
    with_table(region, arn, ctx, |t| match &t.resource_policy {
        Some((p, r)) => Ok(GetResourcePolicyOutput { policy: Some(p.clone()), revision_id: Some(r.clone()) }),
        None => Err(policy_not_found(arn)),
    })
}

pub fn delete_resource_policy(region: &Region, ctx: &RequestContext, input: DeleteResourcePolicyInput) -> Result<DeleteResourcePolicyOutput, ServiceError> {
    with_table(region, &input.resource_arn, ctx, |t| {
        let Some((_, current)) = &t.resource_policy else { return Err(policy_not_found(&input.resource_arn)) };
        if input.expected_revision_id.as_ref().is_some_and(|e| e != current) {
            return Err(policy_not_found(&input.resource_arn));
        }
        let revision = Timestamp::now().as_millis().to_string();
        t.resource_policy = None;
        Ok(DeleteResourcePolicyOutput { revision_id: Some(revision) })
    })
}

/// What IAM weighs of a table (or one of its indexes, or its stream): the
/// owning account, the table's resource policy and its tags.
pub fn table_facts(arn: &str) -> Option<simfra_identity::authorize::ResourceFacts> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    if parts.len() != 6 || parts[2] != "dynamodb" {
        return None;
    }
    let name = parts[5].strip_prefix("table/")?.split('/').next()?;
    let state = crate::tables().get(parts[4], parts[3]);
    let tables = state.tables.lock().unwrap_or_else(|e| e.into_inner());
    let t = tables.get(name)?;
    let policy = t.resource_policy.as_ref().and_then(|(p, _)| simfra_policy::parse(p).ok()).map(std::sync::Arc::new);
    Some(simfra_identity::authorize::ResourceFacts {
        owner: parts[4].to_string(),
        policy,
        tags: t.tags.iter().map(|t| (t.key.clone(), t.value.clone())).collect(),
    })
}

/// Contributor Insights rules AWS creates for a table or index.
fn insight_rules(table: &str, index: Option<&String>, since: Timestamp) -> Vec<String> {
    let target = match index {
        Some(i) => format!("{table}-{i}"),
        None => table.to_string(),
    };
    ["PKC", "SKC", "PKT", "SKT"].iter().map(|k| format!("DynamoDBContributorInsights-{k}-{target}-{}", since.as_millis())).collect()
}

fn insights_target<'a>(tables: &'a mut std::collections::BTreeMap<String, Table>, name: &str, index: Option<&String>) -> Result<&'a mut Table, ServiceError> {
    let t = tables.get_mut(name).ok_or_else(|| crate::tables::table_not_found(name))?;
    if let Some(i) = index {
        if t.index(i).is_none() {
            return Err(ResourceNotFoundException { message: Some(format!("Requested resource not found: Index: {i} not found")) }.into());
        }
    }
    Ok(t)
}

pub fn update_insights(region: &Region, input: UpdateContributorInsightsInput) -> Result<UpdateContributorInsightsOutput, ServiceError> {
    let mut tables = region.tables.lock().unwrap_or_else(|e| e.into_inner());
    let t = insights_target(&mut tables, &input.table_name, input.index_name.as_ref())?;
    let enable = input.contributor_insights_action == ContributorInsightsAction::Enable;
    t.insights.insert(input.index_name.clone(), (enable, Timestamp::now()));
    Ok(UpdateContributorInsightsOutput {
        table_name: Some(input.table_name),
        index_name: input.index_name,
        contributor_insights_status: Some(if enable { ContributorInsightsStatus::Enabling } else { ContributorInsightsStatus::Disabling }),
    })
}

pub fn describe_insights(region: &Region, input: DescribeContributorInsightsInput) -> Result<DescribeContributorInsightsOutput, ServiceError> {
    let mut tables = region.tables.lock().unwrap_or_else(|e| e.into_inner());
    let t = insights_target(&mut tables, &input.table_name, input.index_name.as_ref())?;
    let (enabled, since) = t.insights.get(&input.index_name).copied().unwrap_or((false, Timestamp::now()));
    Ok(DescribeContributorInsightsOutput {
        table_name: Some(input.table_name.clone()),
        index_name: input.index_name.clone(),
        contributor_insights_rule_list: enabled.then(|| insight_rules(&input.table_name, input.index_name.as_ref(), since)),
        contributor_insights_status: Some(if enabled { ContributorInsightsStatus::Enabled } else { ContributorInsightsStatus::Disabled }),
        last_update_date_time: t.insights.contains_key(&input.index_name).then_some(since),
        ..Default::default()
    })
}

pub fn list_insights(region: &Region, input: ListContributorInsightsInput) -> Result<ListContributorInsightsOutput, ServiceError> {
    let tables = region.tables.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(n) = &input.table_name {
        if !tables.contains_key(n) {
            return Err(crate::tables::table_not_found(n));
        }
    }
    let mut all: Vec<ContributorInsightsSummary> = Vec::new();
    for (name, t) in tables.iter().filter(|(n, _)| input.table_name.as_ref().is_none_or(|w| w == *n)) {
        for (index, (enabled, _)) in &t.insights {
            all.push(ContributorInsightsSummary {
                table_name: Some(name.clone()),
                index_name: index.clone(),
                contributor_insights_status: Some(if *enabled { ContributorInsightsStatus::Enabled } else { ContributorInsightsStatus::Disabled }),
            });
        }
    }
    let start: usize = input.next_token.as_ref().and_then(|t| t.parse().ok()).unwrap_or(0);
    let limit = input.max_results.unwrap_or(100).clamp(1, 100) as usize;
    let page: Vec<ContributorInsightsSummary> = all.iter().skip(start).take(limit).cloned().collect();
    let next = (start + page.len() < all.len()).then(|| (start + page.len()).to_string());
    Ok(ListContributorInsightsOutput { contributor_insights_summaries: Some(page), next_token: next })
}
