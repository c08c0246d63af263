//! Event selectors: which events a trail logs. Basic selectors choose
//! management events by read/write type and event source, and data events
//! of S3 objects, Lambda functions and DynamoDB tables by ARN; advanced
//! selectors filter on record fields (`eventCategory`, `resources.type`,
//! `resources.ARN`, `eventName`, `readOnly` …) with Equals/StartsWith/…
//! operators. A trail logs an event when any of its selectors matches it.

use simfra_audit::Event;
use simfra_gen_cloudtrail::types::*;
use simfra_model::ServiceError;

/// A trail's selectors: one kind or the other, never both.
#[derive(Debug, Clone, PartialEq)]
pub enum Selectors {
    Basic(Vec<EventSelector>),
    Advanced(Vec<AdvancedEventSelector>),
}

impl Default for Selectors {
    /// A new trail logs all management events and no data events.
    fn default() -> Self {
        Selectors::Basic(vec![normalize(EventSelector::default())])
    }
}

/// The basic selector types and the ARN forms their values take.
const BASIC_TYPES: &[&str] = &["AWS::S3::Object", "AWS::Lambda::Function", "AWS::DynamoDB::Table"];
const EXCLUDABLE_SOURCES: &[&str] = &["kms.amazonaws.com", "rdsdata.amazonaws.com"];
const MAX_SELECTORS: usize = 5;
const MAX_DATA_RESOURCES: usize = 250;
const MAX_ADVANCED_VALUES: usize = 500;

/// Fields advanced selectors may filter on.
const ADVANCED_FIELDS: &[&str] = &[
    "eventCategory", "eventSource", "eventName", "eventType", "readOnly", "resources.type", "resources.ARN", "userIdentity.arn",
    "sessionCredentialFromConsole", "errorCode", "vpcEndpointId",
];

fn invalid(message: impl Into<String>) -> ServiceError {
    ServiceError::new("InvalidEventSelectorsException", 400, message)
}

/// A basic selector with AWS's defaults filled in, as GetEventSelectors shows it.
pub fn normalize(mut s: EventSelector) -> EventSelector {
    s.read_write_type.get_or_insert(ReadWriteType::All);
    s.include_management_events.get_or_insert(true);
    s.data_resources.get_or_insert_with(Vec::new);
    s.exclude_management_event_sources.get_or_insert_with(Vec::new);
    s
}

fn valid_data_value(kind: &str, v: &str) -> bool {
    match kind {
        "AWS::S3::Object" => v == "arn:aws:s3" || v == "arn:aws:s3:::" || v.strip_prefix("arn:aws:s3:::").is_some_and(|rest| rest.split_once('/').is_some_and(|(b, _)| !b.is_empty())),
        "AWS::Lambda::Function" => {
            let p: Vec<&str> = v.split(':').collect();
            v == "arn:aws:lambda" || (p.len() >= 7 && p[..3] == ["arn", "aws", "lambda"] && p[5] == "function" && !p[6].is_empty())
        }
        "AWS::DynamoDB::Table" => {
            let p: Vec<&str> = v.splitn(6, ':').collect();
            v == "arn:aws:dynamodb" || (p.len() == 6 && p[..3] == ["arn", "aws", "dynamodb"] && p[5].strip_prefix("table/").is_some_and(|t| !t.is_empty()))
        }
        _ => false,
    }
}

/// Checks basic selectors as PutEventSelectors does, and fills in defaults.
pub fn validate_basic(selectors: Vec<EventSelector>) -> Result<Vec<EventSelector>, ServiceError> {
    if selectors.is_empty() || selectors.len() > MAX_SELECTORS {
        return Err(invalid(format!("The number of event selectors must be between 1 and {MAX_SELECTORS}.")));
    }
    let total: usize = selectors.iter().map(|s| s.data_resources.as_ref().map_or(0, Vec::len)).sum();
    if total > MAX_DATA_RESOURCES {
        return Err(invalid(format!("The total number of data resources cannot exceed {MAX_DATA_RESOURCES}.")));
    }
    for s in &selectors {
        if let Some(ReadWriteType::Unknown(v)) = &s.read_write_type {
            return Err(invalid(format!("Value {v} for ReadWriteType is invalid.")));
        }
        for r in s.data_resources.iter().flatten() {
            let kind = r.type_.as_deref().unwrap_or("");
            if !BASIC_TYPES.contains(&kind) {
                return Err(invalid(format!("Value {kind} for DataResources.Type is invalid.")));
            }
            for v in r.values.iter().flatten() {
                if !valid_data_value(kind, v) {
                    return Err(invalid(format!("Value {v} for DataResources.Values is invalid.")));
                }
            }
        }
        for src in s.exclude_management_event_sources.iter().flatten() {
            if !EXCLUDABLE_SOURCES.contains(&src.as_str()) {
                return Err(invalid(format!("Value {src} for ExcludeManagementEventSources is invalid.")));
            }
        }
    }
    Ok(selectors.into_iter().map(normalize).collect())
}

fn operators(f: &AdvancedFieldSelector) -> [(&'static str, Option<&Vec<String>>); 6] {
    [
        ("Equals", f.equals.as_ref()),
        ("StartsWith", f.starts_with.as_ref()),
        ("EndsWith", f.ends_with.as_ref()),
        ("NotEquals", f.not_equals.as_ref()),
        ("NotStartsWith", f.not_starts_with.as_ref()),
        ("NotEndsWith", f.not_ends_with.as_ref()),
    ]
}

/// Checks advanced selectors as PutEventSelectors does.
pub fn validate_advanced(selectors: &[AdvancedEventSelector]) -> Result<(), ServiceError> {
    if selectors.is_empty() {
        return Err(invalid("At least one advanced event selector is required."));
    }
    let values: usize = selectors.iter().flat_map(|s| &s.field_selectors).flat_map(|f| operators(f).map(|(_, v)| v.map_or(0, Vec::len))).sum();
    if values > MAX_ADVANCED_VALUES {
        return Err(invalid(format!("The total number of values in advanced event selectors cannot exceed {MAX_ADVANCED_VALUES}.")));
    }
    for s in selectors {
        let mut seen: Vec<&str> = Vec::new();
        for f in &s.field_selectors {
            if !ADVANCED_FIELDS.contains(&f.field.as_str()) {
                return Err(invalid(format!("Field {} is not a valid field for advanced event selectors.", f.field)));
            }
            if seen.contains(&f.field.as_str()) {
                return Err(invalid(format!("Field {} can appear only once in an advanced event selector.", f.field)));
            }
            seen.push(&f.field);
            let used: Vec<&str> = operators(f).iter().filter(|(_, v)| v.is_some()).map(|(n, _)| *n).collect();
            if used.is_empty() {
                return Err(invalid(format!("Field {} must have at least one operator.", f.field)));
            }
            if matches!(f.field.as_str(), "eventCategory" | "readOnly" | "resources.type") && used != ["Equals"] {
                return Err(invalid(format!("Field {} only supports the Equals operator.", f.field)));
            }
            if f.field == "readOnly" && f.equals.iter().flatten().any(|v| v != "true" && v != "false") {
                return Err(invalid("Value for readOnly must be true or false."));
            }
        }
        let category = s.field_selectors.iter().find(|f| f.field == "eventCategory").and_then(|f| f.equals.as_ref());
        let category = match category.map(|v| v.as_slice()) {
            Some([c]) if matches!(c.as_str(), "Management" | "Data" | "NetworkActivity") => c.as_str(),
            Some(_) => return Err(invalid("eventCategory must equal one of Management, Data or NetworkActivity.")),
            None => return Err(invalid("Each advanced event selector must include the eventCategory field.")),
        };
        match category {
            "Management" => {
                if let Some(f) = s.field_selectors.iter().find(|f| !matches!(f.field.as_str(), "eventCategory" | "readOnly" | "eventSource")) {
                    return Err(invalid(format!("Field {} is not supported for management events.", f.field)));
                }
            }
            _ => {
                let types = s.field_selectors.iter().find(|f| f.field == "resources.type").and_then(|f| f.equals.as_ref());
                if !matches!(types.map(Vec::len), Some(1)) {
                    return Err(invalid("Each advanced event selector for data events must set resources.type to exactly one value."));
                }
            }
        }
    }
    Ok(())
}

/// The data-event resource type of an event (what `resources.type` selects).
pub fn data_type(ev: &Event) -> Option<&'static str> {
    Some(match ev.call.schema.name {
        "s3" => "AWS::S3::Object",
        "lambda" => "AWS::Lambda::Function",
        "dynamodb" => "AWS::DynamoDB::Table",
        "dynamodb-streams" => "AWS::DynamoDB::Stream",
        "sqs" => "AWS::SQS::Queue",
        "sns" => "AWS::SNS::Topic",
        "kinesis" => "AWS::Kinesis::Stream",
        "cloudwatch" => "AWS::CloudWatch::Metric",
        _ => return None,
    })
}

/// The ARNs of the resources of `kind` an event names (prefixes flagged).
fn resource_arns(ev: &Event, kind: &str) -> Vec<(String, bool)> {
    ev.resources().iter().filter(|r| r.kind == kind).filter_map(|r| Some((r.arn.clone()?, r.arn_prefix))).collect()
}

fn rw_matches(rw: Option<&ReadWriteType>, read_only: bool) -> bool {
    match rw {
        Some(ReadWriteType::ReadOnly) => read_only,
        Some(ReadWriteType::WriteOnly) => !read_only,
        _ => true,
    }
}

/// A basic data resource value against an event of its type. Values naming
/// every resource of the type match even when the event's resource is not known.
fn basic_value_matches(kind: &str, value: &str, arns: &[(String, bool)]) -> bool {
    let everything = match kind {
        "AWS::S3::Object" => value == "arn:aws:s3" || value == "arn:aws:s3:::",
        "AWS::Lambda::Function" => value == "arn:aws:lambda",
        "AWS::DynamoDB::Table" => value == "arn:aws:dynamodb",
        _ => false,
    };
    everything
        || arns.iter().any(|(arn, prefix)| match kind {
            "AWS::S3::Object" => arn.starts_with(value) || (*prefix && value.starts_with(arn.as_str())),
            _ => arn == value,
        })
}

fn basic_matches(selectors: &[EventSelector], ev: &Event) -> bool {
    let read_only = ev.call.read_only;
    if ev.is_management() {
        let source = ev.call.event_source();
        return selectors.iter().any(|s| {
            s.include_management_events.unwrap_or(true)
                && rw_matches(s.read_write_type.as_ref(), read_only)
                && !s.exclude_management_event_sources.iter().flatten().any(|x| *x == source)
        });
    }
    let Some(kind) = data_type(ev).filter(|k| BASIC_TYPES.contains(k)) else { return false };
    let arns = resource_arns(ev, kind);
    selectors.iter().any(|s| {
        rw_matches(s.read_write_type.as_ref(), read_only)
            && s.data_resources.iter().flatten().any(|r| {
                r.type_.as_deref() == Some(kind) && r.values.iter().flatten().any(|v| basic_value_matches(kind, v, &arns))
            })
    })
}

/// The values an event has for an advanced selector field (empty: the event has no such field).
fn field_values(ev: &Event, field: &str) -> Vec<String> {
    let call = &ev.call;
    match field {
        "eventCategory" => vec![if ev.is_management() { "Management" } else { "Data" }.to_string()],
        "eventSource" => vec![call.event_source()],
        "eventName" => vec![call.operation.to_string()],
        "eventType" => vec!["AwsApiCall".to_string()],
        "readOnly" => vec![call.read_only.to_string()],
        "errorCode" => call.error_code.iter().cloned().collect(),
        "userIdentity.arn" => call.principal_arn.iter().cloned().collect(),
        "sessionCredentialFromConsole" => vec!["false".to_string()],
        "resources.type" => data_type(ev).filter(|_| !ev.is_management()).map(str::to_string).into_iter().collect(),
        "resources.ARN" => match data_type(ev) {
            Some(kind) if !ev.is_management() => resource_arns(ev, kind).into_iter().map(|(a, _)| a).collect(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

fn field_matches(f: &AdvancedFieldSelector, values: &[String]) -> bool {
    let all_hold = |v: &str| {
        f.equals.as_ref().is_none_or(|xs| xs.iter().any(|x| x == v))
            && f.starts_with.as_ref().is_none_or(|xs| xs.iter().any(|x| v.starts_with(x.as_str())))
            && f.ends_with.as_ref().is_none_or(|xs| xs.iter().any(|x| v.ends_with(x.as_str())))
            && f.not_equals.as_ref().is_none_or(|xs| xs.iter().all(|x| x != v))
            && f.not_starts_with.as_ref().is_none_or(|xs| xs.iter().all(|x| !v.starts_with(x.as_str())))
            && f.not_ends_with.as_ref().is_none_or(|xs| xs.iter().all(|x| !v.ends_with(x.as_str())))
    };
    if values.is_empty() {
        // A field the event lacks satisfies only the negative operators.
        return f.equals.is_none() && f.starts_with.is_none() && f.ends_with.is_none();
    }
    values.iter().any(|v| all_hold(v))
}

fn advanced_matches(selectors: &[AdvancedEventSelector], ev: &Event) -> bool {
    selectors.iter().any(|s| s.field_selectors.iter().all(|f| field_matches(f, &field_values(ev, &f.field))))
}

impl Selectors {
    /// Whether a trail with these selectors logs the event.
    pub fn matches(&self, ev: &Event) -> bool {
        match self {
            Selectors::Basic(s) => basic_matches(s, ev),
            Selectors::Advanced(s) => advanced_matches(s, ev),
        }
    }

    /// Whether write (`writes`) or any management events are logged (Insights needs them).
    pub fn logs_management(&self, writes: bool) -> bool {
        match self {
            Selectors::Basic(s) => s.iter().any(|s| {
                s.include_management_events.unwrap_or(true) && (!writes || !matches!(s.read_write_type, Some(ReadWriteType::ReadOnly)))
            }),
            Selectors::Advanced(s) => s.iter().any(|s| {
                let management = s.field_selectors.iter().any(|f| f.field == "eventCategory" && f.equals.iter().flatten().any(|v| v == "Management"));
                let reads_only = s.field_selectors.iter().any(|f| f.field == "readOnly" && f.equals.as_deref() == Some(&["true".to_string()][..]));
                management && (!writes || !reads_only)
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data_resource(kind: &str, values: &[&str]) -> DataResource {
        DataResource { type_: Some(kind.into()), values: Some(values.iter().map(|v| v.to_string()).collect()) }
    }

    #[test]
    fn basic_validation() {
        assert!(validate_basic(vec![EventSelector::default()]).is_ok());
        assert!(validate_basic(vec![]).is_err());
        assert!(validate_basic(vec![EventSelector::default(); 6]).is_err());
        let ok = EventSelector {
            data_resources: Some(vec![
                data_resource("AWS::S3::Object", &["arn:aws:s3:::bucket/", "arn:aws:s3"]),
                data_resource("AWS::Lambda::Function", &["arn:aws:lambda:us-east-1:111122223333:function:f"]),
                data_resource("AWS::DynamoDB::Table", &["arn:aws:dynamodb:us-east-1:111122223333:table/t"]),
            ]),
            ..Default::default()
        };
        let out = validate_basic(vec![ok]).unwrap();
        assert_eq!(out[0].read_write_type, Some(ReadWriteType::All));
        assert_eq!(out[0].include_management_events, Some(true));
        let bad_type = EventSelector { data_resources: Some(vec![data_resource("AWS::SQS::Queue", &["arn:aws:sqs"])]), ..Default::default() };
        assert_eq!(validate_basic(vec![bad_type]).unwrap_err().message.as_deref(), Some("Value AWS::SQS::Queue for DataResources.Type is invalid."));
        let bad_value = EventSelector { data_resources: Some(vec![data_resource("AWS::S3::Object", &["arn:aws:s3:::bucket"])]), ..Default::default() };
        assert!(validate_basic(vec![bad_value]).is_err());
        let bad_source = EventSelector { exclude_management_event_sources: Some(vec!["s3.amazonaws.com".into()]), ..Default::default() };
        assert!(validate_basic(vec![bad_source]).is_err());
    }

    fn field(name: &str, equals: &[&str]) -> AdvancedFieldSelector {
        AdvancedFieldSelector { field: name.into(), equals: Some(equals.iter().map(|v| v.to_string()).collect()), ..Default::default() }
    }

    #[test]
    fn advanced_validation() {
        let mgmt = AdvancedEventSelector { name: None, field_selectors: vec![field("eventCategory", &["Management"]), field("readOnly", &["false"])] };
        assert!(validate_advanced(std::slice::from_ref(&mgmt)).is_ok());
        let data = AdvancedEventSelector { name: None, field_selectors: vec![field("eventCategory", &["Data"]), field("resources.type", &["AWS::S3::Object"])] };
        assert!(validate_advanced(&[data]).is_ok());
        let no_type = AdvancedEventSelector { name: None, field_selectors: vec![field("eventCategory", &["Data"])] };
        assert!(validate_advanced(&[no_type]).is_err());
        let no_category = AdvancedEventSelector { name: None, field_selectors: vec![field("readOnly", &["true"])] };
        assert!(validate_advanced(&[no_category]).is_err());
        let mgmt_with_name = AdvancedEventSelector { name: None, field_selectors: vec![field("eventCategory", &["Management"]), field("eventName", &["X"])] };
        assert!(validate_advanced(&[mgmt_with_name]).is_err());
        let starts = AdvancedEventSelector {
            name: None,
            field_selectors: vec![field("eventCategory", &["Management"]), AdvancedFieldSelector { field: "readOnly".into(), starts_with: Some(vec!["t".into()]), ..Default::default() }],
        };
        assert!(validate_advanced(&[starts]).is_err());
        assert!(Selectors::Advanced(vec![mgmt]).logs_management(true));
    }

    #[test]
    fn field_operators() {
        let f = AdvancedFieldSelector {
            field: "resources.ARN".into(),
            starts_with: Some(vec!["arn:aws:s3:::logs/".into()]),
            not_ends_with: Some(vec![".tmp".into()]),
            ..Default::default()
        };
        assert!(field_matches(&f, &["arn:aws:s3:::logs/a.json".into()]));
        assert!(!field_matches(&f, &["arn:aws:s3:::logs/a.tmp".into()]));
        assert!(!field_matches(&f, &["arn:aws:s3:::other/a.json".into()]));
        assert!(!field_matches(&f, &[]));
        let neg = AdvancedFieldSelector { field: "errorCode".into(), not_equals: Some(vec!["AccessDenied".into()]), ..Default::default() };
        assert!(field_matches(&neg, &[]));
        assert!(!field_matches(&neg, &["AccessDenied".into()]));
        assert!(basic_value_matches("AWS::S3::Object", "arn:aws:s3:::logs/", &[("arn:aws:s3:::logs/x".into(), false)]));
        assert!(!basic_value_matches("AWS::S3::Object", "arn:aws:s3:::logs/y", &[("arn:aws:s3:::logs/x".into(), false)]));
        assert!(basic_value_matches("AWS::S3::Object", "arn:aws:s3", &[]));
        assert!(!basic_value_matches("AWS::Lambda::Function", "arn:aws:lambda:us-east-1:1:function:f", &[("arn:aws:lambda:us-east-1:1:function:f2".into(), false)]));
    }
}
