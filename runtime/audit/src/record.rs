//! The CloudTrail record of an event, in the form AWS documents under
//! "CloudTrail record contents" and "CloudTrail userIdentity element":
//! the same JSON `LookupEvents` returns as `CloudTrailEvent` and trails
//! deliver in their log files.

use crate::{ApiCall, Caller, Event};
use serde_json::{json, Map, Value as Json};
use simfra_model::{member_flags, shape_flags, Location, ServiceSchema, ShapeId, ShapeKind, Timestamp, Value};

/// The record format version this log writes.
pub const EVENT_VERSION: &str = "1.09";

/// What CloudTrail writes in place of a `@sensitive` value.
pub const HIDDEN: &str = "HIDDEN_DUE_TO_SECURITY_REASONS";

/// `2015-08-30T12:36:00Z`, the form of `eventTime` and `creationDate`.
pub fn format_time(t: Timestamp) -> String {
    let (y, m, d, hh, mm, ss) = simfra_model::calendar::utc_parts(t.secs);
    format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}Z")
}

/// `Jul 19, 2023 9:25:09 PM`: how IAM and STS render dates in `responseElements`.
fn format_java_date(t: Timestamp) -> String {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let (y, m, d, hh, mm, ss) = simfra_model::calendar::utc_parts(t.secs);
    let (h12, half) = match hh {
        0 => (12, "AM"),
        1..=11 => (hh, "AM"),
        12 => (12, "PM"),
        _ => (hh - 12, "PM"),
    };
    format!("{} {d}, {y} {h12}:{mm:02}:{ss:02} {half}", MONTHS[(m as usize).saturating_sub(1) % 12])
}

fn lower_camel(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// How values are rendered: dates differ between services.
#[derive(Clone, Copy)]
struct Style {
    java_dates: bool,
}

/// An input (or output) value as CloudTrail shows `requestParameters`:
/// lowerCamel member names, sensitive members hidden, blobs left out.
pub fn to_json(svc: &ServiceSchema, shape: ShapeId, v: &Value, depth: usize) -> Json {
    render(svc, shape, v, depth, Style { java_dates: false })
}

fn render(svc: &ServiceSchema, shape: ShapeId, v: &Value, depth: usize, style: Style) -> Json {
    if depth > 32 {
        return Json::Null;
    }
    let s = svc.shape(shape);
    match v {
        Value::Null => Json::Null,
        Value::Bool(b) => json!(b),
        Value::Int(i) => json!(i),
        Value::Float(f) => json!(f),
        Value::BigNumber(n) => json!(n),
        Value::String(x) => json!(x),
        Value::Blob(_) | Value::Stream(_) => Json::Null,
        Value::Timestamp(t) if style.java_dates => json!(format_java_date(*t)),
        Value::Timestamp(t) => json!(format_time(*t)),
        Value::Document(_) => json!("document"),
        Value::List(items) => {
            let t = s.members.first().map(|m| m.target).unwrap_or(shape);
            Json::Array(items.iter().map(|i| render(svc, t, i, depth + 1, style)).collect())
        }
        Value::Map(entries) => {
            let t = s.members.get(1).map(|m| m.target).unwrap_or(shape);
            Json::Object(entries.iter().map(|(k, x)| (k.clone(), render(svc, t, x, depth + 1, style))).collect())
        }
        Value::Struct(fields) => {
            let mut out = Map::new();
            for (idx, x) in fields {
                let Some(m) = s.members.get(*idx as usize) else { continue };
                let target = svc.shape(m.target);
                let sensitive = m.has(member_flags::SENSITIVE) || target.flags & shape_flags::SENSITIVE != 0;
                let value = if sensitive {
                    json!(HIDDEN)
                } else if target.kind == ShapeKind::Blob {
                    continue;
                } else {
                    render(svc, m.target, x, depth + 1, style)
                };
                out.insert(lower_camel(m.name), value);
            }
            Json::Object(out)
        }
    }
}

/// S3 names its parameters as they travel: `bucketName`, `key`, the query
/// parameters by their wire names (`list-type`, `prefix`); headers and the
/// body are not shown.
fn s3_parameters(svc: &ServiceSchema, shape: ShapeId, v: &Value) -> Json {
    let Value::Struct(fields) = v else { return Json::Null };
    let s = svc.shape(shape);
    let mut out = Map::new();
    for (idx, x) in fields {
        let Some(m) = s.members.get(*idx as usize) else { continue };
        let name = match (m.location, m.name) {
            (Location::Label, "Bucket") => "bucketName".to_string(),
            (Location::Label, n) => lower_camel(n),
            (Location::Query(q), _) => q.to_string(),
            _ => continue,
        };
        let value = match x {
            // S3 logs query values as they were sent.
            Value::Int(i) => json!(i.to_string()),
            Value::Bool(b) => json!(b.to_string()),
            other => to_json(svc, m.target, other, 1),
        };
        out.insert(name, value);
    }
    Json::Object(out)
}

fn request_parameters(call: &ApiCall) -> Json {
    let Some(input) = &call.input else { return Json::Null };
    let params = if call.schema.name == "s3" {
        s3_parameters(call.schema, call.input_shape, input)
    } else {
        to_json(call.schema, call.input_shape, input, 0)
    };
    match params {
        Json::Object(m) if m.is_empty() => Json::Null,
        other => other,
    }
}

fn response_elements(ev: &Event) -> Json {
    let call = &ev.call;
    if call.read_only || call.error_code.is_some() {
        return Json::Null;
    }
    let (Some(output), Some(op)) = (&ev.output, call.operation_schema()) else { return Json::Null };
    let style = Style { java_dates: matches!(call.schema.name, "iam" | "sts") };
    match render(call.schema, op.output, output, 0, style) {
        Json::Object(m) if m.is_empty() => Json::Null,
        other => other,
    }
}

fn identity_type(arn: &str) -> &'static str {
    if arn.ends_with(":root") {
        "Root"
    } else if arn.contains(":assumed-role/") {
        "AssumedRole"
    } else if arn.contains(":user/") {
        "IAMUser"
    } else if arn.contains(":federated-user/") {
        "FederatedUser"
    } else {
        "AWSAccount"
    }
}

/// `userIdentity`, from the caller's ARN and the facts resolved at recording time.
pub(crate) fn user_identity(call: &ApiCall, caller: Option<&Caller>) -> Json {
    let Some(arn) = call.principal_arn.as_deref() else {
        // Unsigned requests: S3 logs anonymous callers as the `anonymous` account.
        return if call.schema.name == "s3" {
            json!({ "type": "AWSAccount", "principalId": "", "accountId": "anonymous" })
        } else {
            json!({ "type": "Unknown", "principalId": "", "accountId": "" })
        };
    };
    let kind = identity_type(arn);
    let account = arn.split(':').nth(4).filter(|a| !a.is_empty()).unwrap_or(&call.account_id).to_string();
    let principal_id = match caller {
        Some(c) if !c.principal_id.is_empty() => c.principal_id.clone(),
        _ if kind == "Root" => account.clone(),
        _ if kind == "FederatedUser" => format!("{account}:{}", arn.rsplit('/').next().unwrap_or("")),
        _ => String::new(),
    };
    let mut id = Map::new();
    id.insert("type".into(), json!(kind));
    id.insert("principalId".into(), json!(principal_id));
    id.insert("arn".into(), json!(arn));
    id.insert("accountId".into(), json!(account));
    if let Some(k) = &call.access_key_id {
        id.insert("accessKeyId".into(), json!(k));
    }
    if kind == "IAMUser" {
        if let Some(u) = call.username() {
            id.insert("userName".into(), json!(u));
        }
    }
    // Temporary credentials carry a session context: who issued the session
    // (role sessions, federated users), when, and whether MFA was used.
    if let Some(created) = caller.and_then(|c| c.session_created) {
        let c = caller.cloned().unwrap_or_default();
        let mut ctx = Map::new();
        let issuer = match &c.issuer {
            Some(i) => json!({
                "type": i.kind,
                "principalId": i.principal_id,
                "arn": i.arn,
                "accountId": i.account_id,
                "userName": i.user_name,
            }),
            None => json!({}),
        };
        ctx.insert("sessionIssuer".into(), issuer);
        if kind == "AssumedRole" || kind == "IAMUser" || kind == "Root" {
            ctx.insert("webIdFederationData".into(), json!({}));
        }
        ctx.insert(
            "attributes".into(),
            json!({
                "creationDate": format_time(Timestamp::from_secs(created)),
                "mfaAuthenticated": c.mfa_authenticated.to_string(),
            }),
        );
        if let Some(s) = &c.source_identity {
            ctx.insert("sourceIdentity".into(), json!(s));
        }
        id.insert("sessionContext".into(), Json::Object(ctx));
    }
    Json::Object(id)
}

impl Event {
    /// S3 answers with its own 16-character request id, and logs that one.
    fn request_id(&self) -> String {
        if crate::answers_s3_request_ids(self.call.schema.name) {
            crate::s3_request_id(&self.call.request_id)
        } else {
            self.call.request_id.clone()
        }
    }

    /// The full record, as `CloudTrailEvent` holds it and log files carry it.
    pub fn record(&self) -> Json {
        let call = &self.call;
        let management = self.is_management();
        let mut r = Map::new();
        r.insert("eventVersion".into(), json!(crate::record::EVENT_VERSION));
        r.insert("userIdentity".into(), user_identity(call, self.caller.as_ref()));
        r.insert("eventTime".into(), json!(format_time(call.time)));
        r.insert("eventSource".into(), json!(call.event_source()));
        r.insert("eventName".into(), json!(call.operation));
        r.insert("awsRegion".into(), json!(crate::event_region(call.schema.name, &call.region)));
        r.insert("sourceIPAddress".into(), json!(call.source_ip));
        r.insert("userAgent".into(), json!(call.user_agent));
        if let Some(c) = &call.error_code {
            r.insert("errorCode".into(), json!(c));
            r.insert("errorMessage".into(), json!(call.error_message.clone().unwrap_or_default()));
        }
        r.insert("requestParameters".into(), request_parameters(call));
        r.insert("responseElements".into(), response_elements(self));
        r.insert("requestID".into(), json!(self.request_id()));
        r.insert("eventID".into(), json!(call.event_id));
        r.insert("readOnly".into(), json!(call.read_only));
        let resources: Vec<Json> = self
            .resources()
            .iter()
            .filter_map(|res| {
                let mut o = Map::new();
                if res.arn_prefix {
                    o.insert("type".into(), json!(res.kind));
                    o.insert("ARNPrefix".into(), json!(res.arn.clone()?));
                } else {
                    o.insert("accountId".into(), json!(res.account.clone().unwrap_or_else(|| call.account_id.clone())));
                    o.insert("type".into(), json!(res.kind));
                    o.insert("ARN".into(), json!(res.arn.clone()?));
                }
                Some(Json::Object(o))
            })
            .collect();
        if !resources.is_empty() {
            r.insert("resources".into(), Json::Array(resources));
        }
        r.insert("eventType".into(), json!("AwsApiCall"));
        r.insert("managementEvent".into(), json!(management));
        r.insert("recipientAccountId".into(), json!(call.account_id));
        r.insert("eventCategory".into(), json!(if management { "Management" } else { "Data" }));
        Json::Object(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(format_time(Timestamp::from_secs(1440938160)), "2015-08-30T12:36:00Z");
        // 2023-07-19T21:25:09Z
        assert_eq!(format_java_date(Timestamp::from_secs(1689801909)), "Jul 19, 2023 9:25:09 PM");
        assert_eq!(format_java_date(Timestamp::from_secs(1689724800)), "Jul 19, 2023 12:00:00 AM");
    }
}
