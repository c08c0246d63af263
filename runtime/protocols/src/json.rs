//! JSON documents (awsJson1_0/1_1 bodies, restJson1 bodies and payloads) and the
//! awsJson1_0 / awsJson1_1 codecs.
//!
//! Decoding parses with serde_json and then walks the schema; encoding writes
//! text directly from the `Value` tree, so big numbers keep their digits and
//! nothing is allocated per shape.

use crate::errors::{query_error_header, wire_error};
use crate::{timefmt, Codec, Exchange, HttpRequest, HttpResponse};
use base64::Engine;
use simfra_model::{
    member_flags, shape_flags, Document, Location, Member, Operation, Protocol, ServiceError, ServiceSchema, Shape,
    ShapeId, ShapeKind, Timestamp, TimestampFormat, Value,
};
use serde_json::Value as Json;

/// Which members a top-level structure carries in the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonMode {
    /// awsJson: every member is in the body, `@jsonName` is ignored.
    Rpc,
    /// restJson1: only `Location::Body` members, `@jsonName` applies.
    Rest,
}

pub(crate) const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// Nesting deeper than this is rejected rather than risking the stack.
const MAX_DEPTH: usize = 128;

fn parse(body: &[u8]) -> Result<Json, ServiceError> {
    serde_json::from_slice(body).map_err(|e| ServiceError::serialization(format!("Malformed JSON body: {e}")))
}

/// Decodes a JSON object into a structure (or union) value of `shape`.
/// An empty body decodes to an empty structure.
pub fn decode_struct(svc: &ServiceSchema, shape: ShapeId, body: &[u8], mode: JsonMode) -> Result<Value, ServiceError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::empty_struct());
    }
    let json = parse(body)?;
    if !json.is_object() {
        return Err(ServiceError::serialization("Expected a JSON object as the request body"));
    }
    let d = Decoder { svc, mode };
    d.structure(svc.shape(shape), &json, true, 0)
}

/// Decodes any JSON value of shape `shape` (a restJson1 `@httpPayload` of
/// document, structure or union type), always with `@jsonName` applied.
pub fn decode_value(svc: &ServiceSchema, shape: ShapeId, body: &[u8]) -> Result<Value, ServiceError> {
    let json = parse(body)?;
    let d = Decoder { svc, mode: JsonMode::Rest };
    d.value(shape, None, &json, 0)
}

/// Decodes a JSON value already parsed (e.g. a JSON-encoded header or an event payload).
pub fn decode_json(svc: &ServiceSchema, shape: ShapeId, json: &Json, mode: JsonMode) -> Result<Value, ServiceError> {
    Decoder { svc, mode }.value(shape, None, json, 0)
}

struct Decoder<'a> {
    svc: &'a ServiceSchema,
    mode: JsonMode,
}

fn bad(what: &str, name: &str, got: &Json) -> ServiceError {
    let kind = match got {
        Json::Null => "null",
        Json::Bool(_) => "boolean",
        Json::Number(_) => "number",
        Json::String(_) => "string",
        Json::Array(_) => "array",
        Json::Object(_) => "object",
    };
    ServiceError::serialization(format!("Expected {what} for {name}, found {kind}"))
}

impl Decoder<'_> {
    fn member_key(&self, m: &Member) -> &'static str {
        match self.mode {
            JsonMode::Rpc => m.name,
            JsonMode::Rest => m.json_name(),
        }
    }

    fn structure(&self, shape: &Shape, json: &Json, top: bool, depth: usize) -> Result<Value, ServiceError> {
        let Json::Object(obj) = json else { return Err(bad("an object", shape.name, json)) };
        let mut fields = Vec::new();
        for (idx, m) in shape.members.iter().enumerate() {
            if top && self.mode == JsonMode::Rest && m.location != Location::Body {
                continue;
            }
            match obj.get(self.member_key(m)) {
                None | Some(Json::Null) => {}
                Some(v) => fields.push((idx as u16, self.value(m.target, Some(m), v, depth + 1)?)),
            }
        }
        if shape.kind == ShapeKind::Union {
            // Exactly one known member; restJson1 servers also refuse unknown ones.
            let unknown = obj.keys().any(|k| k != "__type" && !shape.members.iter().any(|m| self.member_key(m) == k));
            if fields.len() != 1 || (self.mode == JsonMode::Rest && unknown) {
                return Err(ServiceError::serialization(format!("Union {} must have exactly one member set", shape.name)));
            }
        }
        Ok(Value::Struct(fields))
    }

    fn value(&self, target: ShapeId, member: Option<&Member>, json: &Json, depth: usize) -> Result<Value, ServiceError> {
        if depth > MAX_DEPTH {
            return Err(ServiceError::serialization("JSON nesting is too deep"));
        }
        let shape = self.svc.shape(target);
        let name = member.map(|m| m.name).unwrap_or(shape.name);
        Ok(match shape.kind {
            ShapeKind::Structure | ShapeKind::Union => self.structure(shape, json, false, depth)?,
            ShapeKind::List => {
                let Json::Array(items) = json else { return Err(bad("a list", name, json)) };
                let sparse = is_sparse(shape, member);
                let item = &shape.members[0];
                let mut out = Vec::with_capacity(items.len());
                for v in items {
                    if v.is_null() {
                        if sparse {
                            out.push(Value::Null);
                        } else if self.mode == JsonMode::Rest {
                            return Err(ServiceError::serialization(format!("{name} must not contain null values")));
                        }
                        continue;
                    }
                    out.push(self.value(item.target, Some(item), v, depth + 1)?);
                }
                Value::List(out)
            }
            ShapeKind::Map => {
                let Json::Object(obj) = json else { return Err(bad("a map", name, json)) };
                let sparse = is_sparse(shape, member);
                let value_member = &shape.members[1];
                let mut out = Vec::with_capacity(obj.len());
                for (k, v) in obj {
                    if v.is_null() {
                        if sparse {
                            out.push((k.clone(), Value::Null));
                        } else if self.mode == JsonMode::Rest {
                            return Err(ServiceError::serialization(format!("{name} must not contain null values")));
                        }
                        continue;
                    }
                    out.push((k.clone(), self.value(value_member.target, Some(value_member), v, depth + 1)?));
                }
                Value::Map(out)
            }
            ShapeKind::String | ShapeKind::Enum => match json {
                Json::String(s) => Value::String(s.clone()),
                _ => return Err(bad("a string", name, json)),
            },
            ShapeKind::Boolean => match json {
                Json::Bool(b) => Value::Bool(*b),
                _ => return Err(bad("a boolean", name, json)),
            },
            ShapeKind::Blob => match json {
                Json::String(s) => Value::Blob(
                    B64.decode(s)
                        .map_err(|_| ServiceError::serialization(format!("Invalid base64 for {name}")))?
                        .into(),
                ),
                _ => return Err(bad("a base64 string", name, json)),
            },
            k if k.is_integer() => match json.as_i64() {
                Some(i) if integer_fits(k, i) => Value::Int(i),
                Some(_) => return Err(ServiceError::serialization(format!("Value out of range for {name}"))),
                None => return Err(bad("an integer", name, json)),
            },
            ShapeKind::Float | ShapeKind::Double => match json {
                Json::Number(n) => Value::Float(n.as_f64().unwrap_or(0.0)),
                Json::String(s) => Value::Float(parse_special_float(s).ok_or_else(|| bad("a number", name, json))?),
                _ => return Err(bad("a number", name, json)),
            },
            ShapeKind::BigInteger | ShapeKind::BigDecimal => match json {
                Json::Number(n) => Value::BigNumber(n.to_string()),
                _ => return Err(bad("a number", name, json)),
            },
            ShapeKind::Timestamp => {
                let format = timestamp_format(shape, member).unwrap_or(TimestampFormat::EpochSeconds);
                Value::Timestamp(json_timestamp(json, format).ok_or_else(|| bad("a timestamp", name, json))?)
            }
            ShapeKind::Document => Value::Document(to_document(json)),
            _ => return Err(bad("a value", name, json)),
        })
    }
}

/// Whether a member of an output goes into the body: query and label bindings
/// mean nothing in a response, so those members are body members there.
pub fn in_response_body(m: &Member) -> bool {
    matches!(m.location, Location::Body | Location::Query(_) | Location::QueryParams | Location::Label)
}

pub(crate) fn is_sparse(shape: &Shape, member: Option<&Member>) -> bool {
    shape.flags & shape_flags::SPARSE != 0 || member.map(|m| m.has(member_flags::SPARSE)).unwrap_or(false)
}

pub(crate) fn integer_fits(kind: ShapeKind, i: i64) -> bool {
    match kind {
        ShapeKind::Byte => i8::try_from(i).is_ok(),
        ShapeKind::Short => i16::try_from(i).is_ok(),
        ShapeKind::Integer | ShapeKind::IntEnum => i32::try_from(i).is_ok(),
        _ => true,
    }
}

pub(crate) fn parse_special_float(s: &str) -> Option<f64> {
    match s {
        "NaN" => Some(f64::NAN),
        "Infinity" => Some(f64::INFINITY),
        "-Infinity" => Some(f64::NEG_INFINITY),
        _ => None,
    }
}

pub(crate) fn timestamp_format(shape: &Shape, member: Option<&Member>) -> Option<TimestampFormat> {
    member.and_then(|m| m.timestamp_format).or(shape.timestamp_format)
}

fn json_timestamp(json: &Json, format: TimestampFormat) -> Option<Timestamp> {
    match (json, format) {
        (Json::Number(n), TimestampFormat::EpochSeconds) => match n.as_i64() {
            Some(i) => Some(Timestamp::from_secs(i)),
            None => n.as_f64().filter(|f| f.is_finite()).map(Timestamp::from_f64),
        },
        (Json::String(s), f) if f != TimestampFormat::EpochSeconds => timefmt::parse(s, f),
        _ => None,
    }
}

pub fn to_document(json: &Json) -> Document {
    match json {
        Json::Null => Document::Null,
        Json::Bool(b) => Document::Bool(*b),
        Json::Number(n) => match n.as_i64() {
            Some(i) => Document::Int(i),
            None => Document::Float(n.as_f64().unwrap_or(0.0)),
        },
        Json::String(s) => Document::String(s.clone()),
        Json::Array(a) => Document::List(a.iter().map(to_document).collect()),
        Json::Object(o) => Document::Map(o.iter().map(|(k, v)| (k.clone(), to_document(v))).collect()),
    }
}

// ---------------------------------------------------------------- encoding

/// Encodes a structure (or union) value of `shape` as a JSON object.
pub fn encode_struct(svc: &ServiceSchema, shape: ShapeId, value: &Value, mode: JsonMode) -> Vec<u8> {
    let mut out = String::with_capacity(128);
    let e = Encoder { svc, mode };
    e.structure(svc.shape(shape), value, true, &mut out);
    out.into_bytes()
}

/// Encodes any value of shape `shape` (a restJson1 payload), `@jsonName` applied.
pub fn encode_value(svc: &ServiceSchema, shape: ShapeId, value: &Value) -> Vec<u8> {
    let mut out = String::with_capacity(128);
    Encoder { svc, mode: JsonMode::Rest }.value(shape, None, value, &mut out);
    out.into_bytes()
}

struct Encoder<'a> {
    svc: &'a ServiceSchema,
    mode: JsonMode,
}

impl Encoder<'_> {
    fn structure(&self, shape: &Shape, value: &Value, top: bool, out: &mut String) {
        out.push('{');
        let mut first = true;
        if let Value::Struct(fields) = value {
            for (idx, v) in fields {
                let Some(m) = shape.members.get(*idx as usize) else { continue };
                if matches!(v, Value::Null) || (top && self.mode == JsonMode::Rest && !in_response_body(m)) {
                    continue;
                }
                if !first {
                    out.push(',');
                }
                first = false;
                write_string(out, if self.mode == JsonMode::Rpc { m.name } else { m.json_name() });
                out.push(':');
                self.value(m.target, Some(m), v, out);
            }
        }
        out.push('}');
    }

    fn value(&self, target: ShapeId, member: Option<&Member>, value: &Value, out: &mut String) {
        let shape = self.svc.shape(target);
        match value {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Int(i) => out.push_str(&i.to_string()),
            Value::Float(f) => write_float(out, *f),
            Value::BigNumber(n) => out.push_str(n),
            Value::String(s) => write_string(out, s),
            Value::Blob(b) => write_string(out, &B64.encode(b)),
            Value::Stream(s) => write_string(out, &B64.encode(s.in_memory().unwrap_or_default())),
            Value::Timestamp(t) => {
                match timestamp_format(shape, member).unwrap_or(TimestampFormat::EpochSeconds) {
                    TimestampFormat::EpochSeconds => out.push_str(&timefmt::format_epoch_seconds(*t)),
                    f => write_string(out, &timefmt::format(*t, f)),
                }
            }
            Value::Document(d) => write_document(out, d),
            Value::List(items) => {
                let item = shape.members.first().copied();
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    match item {
                        Some(m) => self.value(m.target, Some(&m), v, out),
                        None => write_untyped(out, v),
                    }
                }
                out.push(']');
            }
            Value::Map(entries) => {
                let vm = shape.members.get(1).copied();
                out.push('{');
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_string(out, k);
                    out.push(':');
                    match vm {
                        Some(m) => self.value(m.target, Some(&m), v, out),
                        None => write_untyped(out, v),
                    }
                }
                out.push('}');
            }
            Value::Struct(_) => self.structure(shape, value, false, out),
        }
    }
}

/// Values without a schema (should not happen with well-formed handlers): best effort.
fn write_untyped(out: &mut String, v: &Value) {
    match v {
        Value::Struct(_) => out.push_str("{}"),
        Value::List(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_untyped(out, v);
            }
            out.push(']');
        }
        Value::Timestamp(t) => out.push_str(&timefmt::format_epoch_seconds(*t)),
        Value::Blob(b) => write_string(out, &B64.encode(b)),
        Value::Null => out.push_str("null"),
        Value::Stream(s) => write_string(out, &B64.encode(s.in_memory().unwrap_or_default())),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Float(f) => write_float(out, *f),
        Value::BigNumber(n) => out.push_str(n),
        Value::String(s) => write_string(out, s),
        Value::Document(d) => write_document(out, d),
        Value::Map(entries) => {
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(out, k);
                out.push(':');
                write_untyped(out, v);
            }
            out.push('}');
        }
    }
}

pub fn write_float(out: &mut String, f: f64) {
    if f.is_nan() {
        out.push_str("\"NaN\"");
    } else if f.is_infinite() {
        out.push_str(if f > 0.0 { "\"Infinity\"" } else { "\"-Infinity\"" });
    } else if f.fract() == 0.0 && f.abs() < 1e15 {
        // Whole numbers print without a fraction, as AWS does (`1.0` → `1`).
        out.push_str(&(f as i64).to_string());
    } else {
        out.push_str(&f.to_string());
    }
}

pub fn write_document(out: &mut String, d: &Document) {
    match d {
        Document::Null => out.push_str("null"),
        Document::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Document::Int(i) => out.push_str(&i.to_string()),
        Document::Float(f) => write_float(out, *f),
        Document::String(s) => write_string(out, s),
        Document::List(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_document(out, v);
            }
            out.push(']');
        }
        Document::Map(entries) => {
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(out, k);
                out.push(':');
                write_document(out, v);
            }
            out.push('}');
        }
    }
}

/// Writes a JSON string literal with the escapes JSON requires.
pub fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

// ---------------------------------------------------------------- errors

/// The JSON error body shared by awsJson and restJson1: the message and the
/// error shape's other members; awsJson adds `__type`.
pub(crate) fn error_body(svc: &ServiceSchema, err: &ServiceError, type_name: Option<&str>, mode: JsonMode) -> Vec<u8> {
    let mut out = String::with_capacity(96);
    out.push('{');
    let mut first = true;
    let mut sep = |out: &mut String| {
        if !first {
            out.push(',');
        }
        first = false;
    };
    if let Some(t) = type_name {
        sep(&mut out);
        out.push_str("\"__type\":");
        write_string(&mut out, t);
    }
    let shape = err.shape.map(|id| svc.shape(id));
    if let Some(msg) = &err.message {
        // The message goes under the error shape's own member name (`Message` or `message`).
        let key = shape
            .and_then(|s| s.members.iter().find(|m| m.name.eq_ignore_ascii_case("message")))
            .map(|m| if mode == JsonMode::Rest { m.json_name() } else { m.name })
            .unwrap_or("message");
        sep(&mut out);
        write_string(&mut out, key);
        out.push(':');
        write_string(&mut out, msg);
    }
    if let (Some(shape), Value::Struct(fields)) = (shape, &err.fields) {
        let e = Encoder { svc, mode };
        for (idx, v) in fields {
            let Some(m) = shape.members.get(*idx as usize) else { continue };
            if matches!(v, Value::Null) || (mode == JsonMode::Rest && m.location != Location::Body) {
                continue;
            }
            sep(&mut out);
            write_string(&mut out, if mode == JsonMode::Rpc { m.name } else { m.json_name() });
            out.push(':');
            e.value(m.target, Some(m), v, &mut out);
        }
    }
    out.push('}');
    out.into_bytes()
}

// ---------------------------------------------------------------- awsJson codec

pub struct AwsJson(pub Protocol);
pub static AWS_JSON_1_0: AwsJson = AwsJson(Protocol::AwsJson1_0);
pub static AWS_JSON_1_1: AwsJson = AwsJson(Protocol::AwsJson1_1);

impl AwsJson {
    fn content_type(&self) -> &'static str {
        match self.0 {
            Protocol::AwsJson1_1 => "application/x-amz-json-1.1",
            _ => "application/x-amz-json-1.0",
        }
    }
}

impl Codec for AwsJson {
    fn protocol(&self) -> Protocol {
        self.0
    }

    fn decode_request(&self, svc: &ServiceSchema, op: &Operation, req: &HttpRequest) -> Result<Value, ServiceError> {
        if !req.method.eq_ignore_ascii_case("POST") {
            return Err(ServiceError::new("UnknownOperationException", 405, "awsJson requests must be POST"));
        }
        decode_struct(svc, op.input, &req.body, JsonMode::Rpc)
    }

    fn encode_response(&self, svc: &ServiceSchema, op: &Operation, output: &Value, _ex: &Exchange) -> HttpResponse {
        let mut resp = HttpResponse::new(200);
        resp.set_header("Content-Type", self.content_type());
        // An operation without output answers with no body at all.
        if svc.shape(op.output).name != "Unit" {
            resp.body = encode_struct(svc, op.output, output, JsonMode::Rpc).into();
        }
        resp
    }

    fn encode_error(&self, svc: &ServiceSchema, _op: Option<&Operation>, err: &ServiceError, _ex: &Exchange) -> HttpResponse {
        let w = wire_error(svc, err);
        let mut resp = HttpResponse::new(w.status);
        resp.set_header("Content-Type", self.content_type());
        resp.set_header("X-Amzn-Errortype", w.code);
        if let Some(h) = query_error_header(svc, &w) {
            resp.set_header("x-amzn-query-error", h);
        }
        for (k, v) in &err.headers {
            resp.set_header(k, v.clone());
        }
        // awsJson1_0 services name errors by absolute shape id, awsJson1_1 ones by name.
        let type_name = match (self.0, &w.shape_id) {
            (Protocol::AwsJson1_0, Some(id)) => id.clone(),
            _ => w.code.to_string(),
        };
        resp.body = error_body(svc, err, Some(&type_name), JsonMode::Rpc).into();
        resp
    }
}
