//! Model validation of a decoded input before any handler runs: required
//! members, enum values, length, range, pattern and uniqueItems, answered with
//! the service's own validation error.
//!
//! Two message styles exist in the wild. AWS services (Coral) say
//! `1 validation error detected: Value 'x' at 'queueName' failed to satisfy
//! constraint: Member must …`; Smithy's framework `ValidationException` (it has
//! a `fieldList` member) says `Value at '/queueName' failed …` with JSON-pointer
//! paths and lists the fields. The style follows the error shape the service models.

use simfra_model::{
    member_flags, Constraints, ErrorKind, Member, Operation, Protocol, ServiceError, ServiceSchema, ShapeId, ShapeKind,
    Value,
};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// One broken constraint.
#[derive(Debug, Clone)]
pub struct Violation {
    /// JSON pointer (`/tags/0/key`).
    pub pointer: String,
    /// AWS-style dotted path (`tags.1.member.key`).
    pub dotted: String,
    /// The offending value as AWS quotes it (`'abc'`, `null`, `5`), or None when sensitive.
    pub shown: Option<String>,
    /// The constraint sentence after "Member must ".
    pub rule: String,
    /// "Value with length 3" style lead-in for the Smithy form.
    pub smithy_lead: String,
}

/// Error shapes services use for validation failures, most specific first.
const VALIDATION_ERROR_NAMES: &[&str] = &[
    "ValidationException",
    "ValidationError",
    "InvalidParameterValueException",
    "InvalidParameterException",
    "InvalidInputException",
    "InvalidRequestException",
    "BadRequestException",
    "InvalidArgumentException",
    "InvalidParameterValue",
];

pub fn validate(svc: &ServiceSchema, op: &Operation, input: &Value, protocol: Protocol) -> Result<(), ServiceError> {
    let mut v = Walker { svc, out: Vec::new() };
    v.structure(op.input, input, "", "", 0);
    if v.out.is_empty() {
        return Ok(());
    }
    Err(validation_error(svc, op, protocol, &v.out))
}

/// The service's validation error for a list of violations.
pub fn validation_error(svc: &ServiceSchema, op: &Operation, protocol: Protocol, violations: &[Violation]) -> ServiceError {
    let shape = find_error_shape(svc, op);
    let n = violations.len();
    let plural = if n == 1 { "error" } else { "errors" };
    if let Some(id) = shape {
        let s = svc.shape(id);
        if let Some(field_list_idx) = s.member_index("fieldList") {
            // Smithy framework form.
            let lines: Vec<String> = violations
                .iter()
                .map(|x| format!("{} at '{}' failed to satisfy constraint: Member must {}", x.smithy_lead, x.pointer, x.rule))
                .collect();
            let message = format!("{n} validation {plural} detected. {}", lines.join("; "));
            let list = svc.shape(s.members[field_list_idx].target);
            let item = svc.shape(list.members[0].target);
            let (pi, mi) = (item.member_index("path"), item.member_index("message"));
            let fields = violations
                .iter()
                .zip(&lines)
                .map(|(x, line)| {
                    let mut f = Vec::new();
                    if let Some(pi) = pi {
                        f.push((pi as u16, Value::String(x.pointer.clone())));
                    }
                    if let Some(mi) = mi {
                        f.push((mi as u16, Value::String(line.clone())));
                    }
                    Value::Struct(f)
                })
                .collect();
            let status = if s.http_error != 0 { s.http_error } else { 400 };
            let mut err = ServiceError::modeled(
                id,
                s.name,
                status,
                Some(message),
                Value::Struct(vec![(field_list_idx as u16, Value::List(fields))]),
            );
            err.kind = ErrorKind::Validation;
            return err;
        }
    }
    let lines: Vec<String> = violations
        .iter()
        .map(|x| {
            format!(
                "Value {}at '{}' failed to satisfy constraint: Member must {}",
                x.shown.as_ref().map(|s| format!("{s} ")).unwrap_or_default(),
                x.dotted,
                x.rule
            )
        })
        .collect();
    let message = format!("{n} validation {plural} detected: {}", lines.join("; "));
    match shape {
        Some(id) => {
            let s = svc.shape(id);
            let status = if s.http_error != 0 { s.http_error } else { 400 };
            let mut err = ServiceError::modeled(id, s.name, status, Some(message), Value::empty_struct());
            err.kind = ErrorKind::Validation;
            err
        }
        None => {
            let code = match protocol {
                Protocol::AwsQuery => "ValidationError",
                Protocol::Ec2Query => {
                    if violations.iter().all(|x| x.rule == "not be null") {
                        "MissingParameter"
                    } else {
                        "InvalidParameterValue"
                    }
                }
                Protocol::RestXml if svc.namespace == "com.amazonaws.s3" => "InvalidArgument",
                _ => "ValidationException",
            };
            ServiceError::new(code, 400, message).with_kind(ErrorKind::Validation)
        }
    }
}

fn find_error_shape(svc: &ServiceSchema, op: &Operation) -> Option<ShapeId> {
    for name in VALIDATION_ERROR_NAMES {
        for &id in op.errors.iter().chain(svc.errors.iter()) {
            if svc.shape(id).name == *name {
                return Some(id);
            }
        }
    }
    None
}

struct Walker<'a> {
    svc: &'a ServiceSchema,
    out: Vec<Violation>,
}

fn lower_camel(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Whether `text` matches a model `@pattern` (patterns that cannot be compiled match everything).
pub fn regex_matches(pattern: &'static str, text: &str) -> bool {
    enum Compiled {
        Plain(regex::Regex),
        Fancy(fancy_regex::Regex),
        Invalid,
    }
    static CACHE: OnceLock<Mutex<HashMap<&'static str, std::sync::Arc<Compiled>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let compiled = {
        let mut map = cache.lock().unwrap_or_else(|p| p.into_inner());
        map.entry(pattern)
            .or_insert_with(|| {
                std::sync::Arc::new(match regex::Regex::new(pattern) {
                    Ok(r) => Compiled::Plain(r),
                    Err(_) => match fancy_regex::Regex::new(pattern) {
                        Ok(r) => Compiled::Fancy(r),
                        Err(_) => Compiled::Invalid,
                    },
                })
            })
            .clone()
    };
    match &*compiled {
        Compiled::Plain(r) => r.is_match(text),
        Compiled::Fancy(r) => r.is_match(text).unwrap_or(true),
        // A pattern we cannot compile must not reject the user's request.
        Compiled::Invalid => true,
    }
}

fn num_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e18 {
        format!("{}", f as i64)
    } else {
        f.to_string()
    }
}

/// Enums whose values the service checks itself, with its own error: SQS
/// answers `InvalidAttributeName` for an unknown attribute and accepts
/// message attributes (`ApproximateReceiveCount`) in `ReceiveMessage`'s
/// `AttributeNames`, as older SDK code sends them. S3 refuses an unknown
/// storage class with `InvalidStorageClass` and a directive with `InvalidArgument`.
const OPEN_ENUMS: &[(&str, &str)] = &[
    ("sqs", "QueueAttributeName"),
    ("sqs", "MessageSystemAttributeName"),
    ("s3", "StorageClass"),
    ("s3", "MetadataDirective"),
    ("s3", "TaggingDirective"),
    ("s3", "BucketLocationConstraint"),
    // Bucket ACLs also take `log-delivery-write`, which the model leaves out.
    ("s3", "BucketCannedACL"),
    // Notification filter rule names are case-insensitive (`Prefix`, `suffix`);
    // an unknown event is InvalidArgument "The event is not supported for notifications".
    ("s3", "FilterRuleName"),
    ("s3", "Event"),
    // Unknown values in these configuration documents are MalformedXML.
    ("s3", "ExpirationStatus"),
    ("s3", "TransitionStorageClass"),
    ("s3", "TransitionDefaultMinimumObjectSize"),
    ("s3", "Payer"),
    ("s3", "BucketAccelerateStatus"),
    ("s3", "ReplicationRuleStatus"),
    ("s3", "InventoryFormat"),
    ("s3", "InventoryFrequency"),
    ("s3", "InventoryIncludedObjectVersions"),
    ("s3", "IntelligentTieringAccessTier"),
];

impl Walker<'_> {
    fn push(&mut self, pointer: &str, dotted: &str, shown: Option<String>, rule: String, smithy_lead: String) {
        self.out.push(Violation {
            pointer: if pointer.is_empty() { "/".into() } else { pointer.to_string() },
            dotted: dotted.to_string(),
            shown,
            rule,
            smithy_lead,
        });
    }

    fn structure(&mut self, shape_id: ShapeId, value: &Value, pointer: &str, dotted: &str, depth: usize) {
        if depth > 64 {
            return;
        }
        let shape = self.svc.shape(shape_id);
        for (idx, m) in shape.members.iter().enumerate() {
            let p = format!("{pointer}/{}", m.name);
            let d = if dotted.is_empty() { lower_camel(m.name) } else { format!("{dotted}.{}", lower_camel(m.name)) };
            match value.field(idx) {
                None | Some(Value::Null) => {
                    let exempt = m.has(member_flags::HAS_DEFAULT) || m.has(member_flags::IDEMPOTENCY_TOKEN);
                    if m.is_required() && !exempt && shape.kind == ShapeKind::Structure {
                        self.push(&p, &d, Some("null".into()), "not be null".into(), "Value".into());
                    }
                }
                Some(v) => self.member(m, v, &p, &d, depth + 1),
            }
        }
    }

    fn member(&mut self, m: &Member, v: &Value, pointer: &str, dotted: &str, depth: usize) {
        self.check(m.target, &m.constraints, m.has(member_flags::SENSITIVE), v, pointer, dotted);
        let shape = self.svc.shape(m.target);
        match (shape.kind, v) {
            (ShapeKind::Structure | ShapeKind::Union, Value::Struct(_)) => self.structure(m.target, v, pointer, dotted, depth),
            (ShapeKind::List, Value::List(items)) => {
                let item = &shape.members[0];
                for (i, it) in items.iter().enumerate() {
                    if matches!(it, Value::Null) {
                        continue;
                    }
                    self.member(item, it, &format!("{pointer}/{i}"), &format!("{dotted}.{}.member", i + 1), depth + 1);
                }
            }
            (ShapeKind::Map, Value::Map(entries)) => {
                let (km, vm) = (&shape.members[0], &shape.members[1]);
                for (k, val) in entries {
                    self.check(km.target, &km.constraints, false, &Value::String(k.clone()), pointer, dotted);
                    if !matches!(val, Value::Null) {
                        self.member(vm, val, &format!("{pointer}/{k}"), &format!("{dotted}.{k}"), depth + 1);
                    }
                }
            }
            _ => {}
        }
    }

    fn check(&mut self, target: ShapeId, c: &Constraints, sensitive: bool, v: &Value, pointer: &str, dotted: &str) {
        let shape = self.svc.shape(target);
        let sensitive = sensitive || shape.flags & simfra_model::shape_flags::SENSITIVE != 0;
        let shown = |s: String| if sensitive { None } else { Some(s) };
        // Enum membership (except where the service answers unknown values itself).
        if !shape.enum_values.is_empty() && !OPEN_ENUMS.contains(&(self.svc.name, shape.name)) {
            let ok = match (shape.kind, v) {
                (ShapeKind::Enum, Value::String(s)) => shape.enum_values.contains(&s.as_str()),
                (ShapeKind::IntEnum, Value::Int(i)) => shape.enum_values.contains(&i.to_string().as_str()),
                _ => true,
            };
            if !ok {
                let shown_v = match v {
                    Value::String(s) => format!("'{s}'"),
                    other => format!("{:?}", other),
                };
                self.push(
                    pointer,
                    dotted,
                    shown(shown_v),
                    format!("satisfy enum value set: [{}]", shape.enum_values.join(", ")),
                    "Value".into(),
                );
            }
        }
        if c.is_empty() {
            return;
        }
        let length = match v {
            Value::String(s) => Some(s.chars().count() as u64),
            Value::Blob(b) => Some(b.len() as u64),
            Value::List(l) => Some(l.len() as u64),
            Value::Map(m) => Some(m.len() as u64),
            _ => None,
        };
        if let Some(len) = length {
            let too_short = c.length_min.map(|m| len < m).unwrap_or(false);
            let too_long = c.length_max.map(|m| len > m).unwrap_or(false);
            if too_short || too_long {
                let rule = match (c.length_min, c.length_max) {
                    (Some(a), Some(b)) => format!("have length between {a} and {b}, inclusive"),
                    (Some(a), None) => format!("have length greater than or equal to {a}"),
                    (None, Some(b)) => format!("have length less than or equal to {b}"),
                    _ => unreachable!(),
                };
                let shown_v = match v {
                    Value::String(s) => format!("'{s}'"),
                    _ => format!("with length {len}"),
                };
                self.push(pointer, dotted, shown(shown_v), rule, format!("Value with length {len}"));
            }
        }
        let number = match v {
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            Value::BigNumber(n) => n.parse::<f64>().ok(),
            _ => None,
        };
        if let Some(x) = number {
            let low = c.range_min.map(|m| x < m).unwrap_or(false);
            let high = c.range_max.map(|m| x > m).unwrap_or(false);
            if low || high {
                let rule = match (c.range_min, c.range_max) {
                    (Some(a), Some(b)) => format!("be between {} and {}, inclusive", num_text(a), num_text(b)),
                    (Some(a), None) => format!("be greater than or equal to {}", num_text(a)),
                    (None, Some(b)) => format!("be less than or equal to {}", num_text(b)),
                    _ => unreachable!(),
                };
                let shown_v = match v {
                    Value::Int(i) => i.to_string(),
                    Value::BigNumber(n) => n.clone(),
                    _ => num_text(x),
                };
                self.push(pointer, dotted, shown(shown_v), rule, "Value".into());
            }
        }
        if let (Some(p), Value::String(s)) = (c.pattern, v) {
            if !regex_matches(p, s) {
                self.push(
                    pointer,
                    dotted,
                    shown(format!("'{s}'")),
                    format!("satisfy regular expression pattern: {p}"),
                    "Value".into(),
                );
            }
        }
        if c.unique_items {
            if let Value::List(items) = v {
                let repeated = items.iter().enumerate().any(|(i, a)| items[i + 1..].contains(a));
                if repeated {
                    self.push(
                        pointer,
                        dotted,
                        None,
                        "have unique values".into(),
                        "Value".into(),
                    );
                }
            }
        }
    }
}
