//! `LookupEvents`: the event history of the caller's account in the
//! requested region — management events of the last 90 days, newest first,
//! at most 50 a page, filtered by one lookup attribute and a time range.
//! Data events are never part of the history (AWS: "The CloudTrail Event
//! history doesn't record data events"); Insights events are not produced,
//! so `EventCategory=insight` finds none.

use simfra_audit::Event as Recorded;
use simfra_gen_cloudtrail::types::*;
use simfra_model::{RequestContext, ServiceError, Timestamp};
use std::hash::{Hash, Hasher};

/// LookupEvents returns at most 50 events a page, 50 by default.
pub const MAX_PAGE: usize = 50;

fn err(code: &str, message: &str) -> ServiceError {
    ServiceError::new(code, 400, message)
}

fn matches(ev: &Recorded, attr: &LookupAttribute) -> bool {
    let call = &ev.call;
    let v = attr.attribute_value.as_str();
    match &attr.attribute_key {
        LookupAttributeKey::EventId => call.event_id == v,
        LookupAttributeKey::EventName => call.operation == v,
        LookupAttributeKey::ReadOnly => call.read_only.to_string() == v,
        LookupAttributeKey::Username => call.username().as_deref() == Some(v),
        LookupAttributeKey::EventSource => call.event_source() == v,
        LookupAttributeKey::AccessKeyId => call.access_key_id.as_deref() == Some(v),
        LookupAttributeKey::ResourceType => ev.resources().iter().any(|r| r.kind == v),
        LookupAttributeKey::ResourceName => ev.resources().iter().any(|r| r.name == v),
        LookupAttributeKey::Unknown(_) => false,
    }
}

/// The shape of a query: a page token is good only for the query that made it.
fn query_digest(input: &LookupEventsRequest) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for a in input.lookup_attributes.iter().flatten().take(1) {
        a.attribute_key.as_str().hash(&mut h);
        a.attribute_value.hash(&mut h);
    }
    input.start_time.map(|t| (t.secs, t.nanos)).hash(&mut h);
    input.end_time.map(|t| (t.secs, t.nanos)).hash(&mut h);
    input.event_category.as_ref().map(|c| c.as_str().to_string()).hash(&mut h);
    h.finish()
}

/// Tokens carry the number of the next event to return and the query's digest.
fn make_token(seq: u64, digest: u64) -> String {
    format!("{:016x}{:016x}", seq ^ digest.rotate_left(17), digest)
}

fn read_token(token: &str, digest: u64) -> Option<u64> {
    if token.len() != 32 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let seq = u64::from_str_radix(&token[..16], 16).ok()?;
    let d = u64::from_str_radix(&token[16..], 16).ok()?;
    (d == digest).then(|| seq ^ digest.rotate_left(17))
}

fn to_event(ev: &Recorded) -> Event {
    let call = &ev.call;
    Event {
        event_id: Some(call.event_id.clone()),
        event_name: Some(call.operation.to_string()),
        read_only: Some(call.read_only.to_string()),
        access_key_id: call.access_key_id.clone(),
        // CloudTrail keeps whole seconds, as in the record's eventTime.
        event_time: Some(Timestamp::from_secs(call.time.as_millis().div_euclid(1000))),
        event_source: Some(call.event_source()),
        username: call.username(),
        resources: Some(
            ev.resources()
                .iter()
                .map(|r| Resource { resource_type: Some(r.kind.to_string()), resource_name: Some(r.name.clone()) })
                .collect(),
        ),
        cloud_trail_event: Some(ev.record().to_string()),
    }
}

pub fn lookup(ctx: &RequestContext, input: LookupEventsRequest) -> Result<LookupEventsResponse, ServiceError> {
    // The list "can contain only one item": AWS honours the first and
    // ignores the others (observed on a live account), so does Simfra.
    let attrs: Vec<LookupAttribute> = input.lookup_attributes.iter().flatten().take(1).cloned().collect();
    let max = match input.max_results {
        None => MAX_PAGE,
        Some(n) if (1..=MAX_PAGE as i32).contains(&n) => n as usize,
        Some(_) => return Err(err("InvalidMaxResultsException", "Value for MaxResults is invalid. It must be between 1 and 50.")),
    };
    if let (Some(s), Some(e)) = (input.start_time, input.end_time) {
        if s > e {
            return Err(err("InvalidTimeRangeException", "Start time must be earlier than end time."));
        }
    }
    if let Some(EventCategory::Unknown(c)) = &input.event_category {
        return Err(err("InvalidEventCategoryException", &format!("Event category {c} is not valid. The only valid event category is insight.")));
    }
    let digest = query_digest(&input);
    let before = match &input.next_token {
        None => u64::MAX,
        Some(t) => read_token(t, digest).ok_or_else(|| err("InvalidNextTokenException", "Invalid NextToken"))?,
    };
    if matches!(input.event_category, Some(EventCategory::Insight)) {
        return Ok(LookupEventsResponse { events: Some(Vec::new()), next_token: None });
    }
    let start = input.start_time.unwrap_or(Timestamp::from_secs(i64::MIN / 2));
    let end = input.end_time.unwrap_or(Timestamp::from_secs(i64::MAX / 2));
    let mut page = Vec::new();
    let mut next_token = None;
    for ev in simfra_audit::log().management_events(&ctx.account_id, &ctx.region) {
        if ev.seq > before || ev.call.time < start || ev.call.time > end || !attrs.iter().all(|a| matches(&ev, a)) {
            continue;
        }
        if page.len() == max {
            next_token = Some(make_token(ev.seq, digest));
            break;
        }
        page.push(to_event(&ev));
    }
    Ok(LookupEventsResponse { events: Some(page), next_token })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_belong_to_their_query() {
        let q = LookupEventsRequest::default();
        let d = query_digest(&q);
        assert_eq!(read_token(&make_token(42, d), d), Some(42));
        let other = LookupEventsRequest { max_results: Some(3), start_time: Some(Timestamp::from_secs(5)), ..Default::default() };
        assert_eq!(read_token(&make_token(42, d), query_digest(&other)), None);
        assert_eq!(read_token("garbage", d), None);
    }
}
