//! restJson1 and restXml: members bound to the URI, query string, headers and
//! status code by the HTTP binding traits; the rest in a JSON or XML body (or
//! the whole body when a member is the `@httpPayload`).
//!
//! URI matching lives here too: the gateway routes REST requests with
//! `match_uri` and orders candidate patterns with `specificity`.

use crate::errors::{query_error_header, wire_error};
use crate::http::{percent_decode, QueryParam};
use crate::json::{self, JsonMode, B64};
use crate::xml::{self, escape_into, XmlFlavor};
use crate::{timefmt, Codec, Exchange, HttpRequest, HttpResponse};
use crate::eventstream;
use base64::Engine;
use simfra_model::{
    shape_flags, Fault, HttpBinding, Location, Member, Operation, Protocol, ServiceError, ServiceSchema, Shape, ShapeId, ShapeKind,
    TimestampFormat, UriSegment, Value,
};

// ---------------------------------------------------------------- URI matching

/// Matches a raw (percent-encoded) request path and its query parameters
/// against an `@http` binding. Returns the decoded label values.
pub fn match_uri(binding: &HttpBinding, raw_path: &str, params: &[QueryParam]) -> Option<Vec<(&'static str, String)>> {
    for (key, value) in binding.query_literals {
        // `x-id=GetObject` only disambiguates for newer SDKs; older clients
        // (botocore, CLI v1) leave it out, so it does not decide a match.
        if *key == "x-id" {
            if params.iter().any(|p| p.key == "x-id" && Some(p.value.as_str()) != *value) {
                return None;
            }
            continue;
        }
        let ok = match value {
            None => params.iter().any(|p| p.key == *key),
            Some(v) => params.iter().any(|p| p.key == *key && p.value == *v),
        };
        if !ok {
            return None;
        }
    }
    let trimmed = raw_path.strip_prefix('/').unwrap_or(raw_path);
    let mut segments: Vec<&str> = if trimmed.is_empty() { Vec::new() } else { trimmed.split('/').collect() };
    // A trailing slash (`/bucket/`) addresses the same resource, unless a greedy label may take it.
    let ends_greedy = matches!(binding.path.last(), Some(UriSegment::Greedy(_)));
    if !ends_greedy && segments.len() > binding.path.len() && segments.last() == Some(&"") {
        segments.pop();
    }
    let mut labels = Vec::new();
    if match_segments(binding.path, &segments, &mut labels) {
        Some(labels)
    } else {
        None
    }
}

fn match_segments(pattern: &[UriSegment], segments: &[&str], labels: &mut Vec<(&'static str, String)>) -> bool {
    let Some((first, rest)) = pattern.split_first() else { return segments.is_empty() };
    match first {
        UriSegment::Literal(lit) => {
            let Some((seg, more)) = segments.split_first() else { return false };
            percent_decode(seg) == *lit && match_segments(rest, more, labels)
        }
        UriSegment::Label(name) => {
            let Some((seg, more)) = segments.split_first() else { return false };
            if seg.is_empty() {
                return false;
            }
            labels.push((name, percent_decode(seg)));
            if match_segments(rest, more, labels) {
                return true;
            }
            labels.pop();
            false
        }
        UriSegment::Greedy(name) => {
            // One or more segments; leave enough for the literal segments that follow.
            let min_rest = rest.len();
            if segments.len() < 1 + min_rest {
                return false;
            }
            for take in (1..=segments.len() - min_rest).rev() {
                let value = segments[..take].join("/");
                if value.is_empty() {
                    continue;
                }
                labels.push((name, percent_decode(&value)));
                if match_segments(rest, &segments[take..], labels) {
                    return true;
                }
                labels.pop();
            }
            false
        }
    }
}

/// How specific a pattern is: more literal segments, then more required query
/// literals, then more single-segment labels, then no greedy label wins, and
/// last an `x-id` literal (present on the plain object operations of S3).
pub type Specificity = (usize, usize, usize, bool, bool);

pub fn specificity(binding: &HttpBinding) -> Specificity {
    let literals = binding.path.iter().filter(|s| matches!(s, UriSegment::Literal(_))).count();
    let labels = binding.path.iter().filter(|s| matches!(s, UriSegment::Label(_))).count();
    let greedy = binding.path.iter().any(|s| matches!(s, UriSegment::Greedy(_)));
    let required_query = binding.query_literals.iter().filter(|(k, _)| *k != "x-id").count();
    let has_xid = binding.query_literals.iter().any(|(k, _)| *k == "x-id");
    (literals, required_query, labels, !greedy, has_xid)
}

// ---------------------------------------------------------------- codecs

pub struct Rest(pub Protocol);
pub static REST_JSON: Rest = Rest(Protocol::RestJson1);
pub static REST_XML: Rest = Rest(Protocol::RestXml);

impl Rest {
    fn is_json(&self) -> bool {
        self.0 == Protocol::RestJson1
    }
}

/// Splits a list-valued header on commas outside double quotes, unquoting.
pub fn split_header_list(value: &str, timestamps: bool) -> Vec<String> {
    if timestamps {
        // HTTP dates contain a comma of their own: `Mon, 16 Dec 2019 23:48:18 GMT, Tue, …`.
        let parts: Vec<&str> = value.split(',').map(str::trim).collect();
        return parts.chunks(2).map(|c| c.join(", ")).collect();
    }
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut escaped = false;
    for c in value.chars() {
        if escaped {
            cur.push(c);
            escaped = false;
            continue;
        }
        match c {
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ',' if !quoted => {
                out.push(cur.trim().to_string());
                cur.clear();
            }
            c => cur.push(c),
        }
    }
    out.push(cur.trim().to_string());
    out
}

fn header_scalar(svc: &ServiceSchema, m: &Member, target: &Shape, text: &str) -> Result<Value, ServiceError> {
    let tid = m.target;
    if target.kind == ShapeKind::Timestamp {
        let f = m.timestamp_format.or(target.timestamp_format).unwrap_or(TimestampFormat::HttpDate);
        return timefmt::parse(text.trim(), f)
            .map(Value::Timestamp)
            .ok_or_else(|| ServiceError::serialization(format!("Invalid timestamp in header for {}", m.name)));
    }
    if target.kind == ShapeKind::String && target.flags & shape_flags::MEDIA_TYPE != 0 {
        // `@mediaType` strings travel base64-encoded in headers.
        let bytes = B64
            .decode(text.trim())
            .map_err(|_| ServiceError::serialization(format!("Invalid base64 header for {}", m.name)))?;
        return Ok(Value::String(String::from_utf8_lossy(&bytes).into_owned()));
    }
    xml::scalar(svc, tid, Some(m), text)
}

fn text_scalar(svc: &ServiceSchema, m: &Member, target: &Shape, text: &str) -> Result<Value, ServiceError> {
    // Labels and query values: timestamps default to date-time.
    if target.kind == ShapeKind::Timestamp {
        let f = m.timestamp_format.or(target.timestamp_format).unwrap_or(TimestampFormat::DateTime);
        return timefmt::parse(text, f)
            .map(Value::Timestamp)
            .ok_or_else(|| ServiceError::serialization(format!("Invalid timestamp for {}", m.name)));
    }
    xml::scalar(svc, m.target, Some(m), text)
}

fn header_text(svc: &ServiceSchema, m: &Member, target: &Shape, v: &Value) -> String {
    match v {
        Value::Timestamp(t) => {
            timefmt::format(*t, m.timestamp_format.or(target.timestamp_format).unwrap_or(TimestampFormat::HttpDate))
        }
        Value::String(s) if target.flags & shape_flags::MEDIA_TYPE != 0 => B64.encode(s.as_bytes()),
        Value::List(items) => {
            let item = &target.members[0];
            let it = svc.shape(item.target);
            items
                .iter()
                .map(|x| {
                    let s = header_text(svc, item, it, x);
                    if it.kind == ShapeKind::String && (s.contains(',') || s.contains('"')) {
                        format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
                    } else {
                        s
                    }
                })
                .collect::<Vec<_>>()
                .join(", ")
        }
        _ => xml::scalar_text(target, Some(m), v, TimestampFormat::HttpDate),
    }
}

impl Rest {
    /// restJson1's media-type rules: a body must be sent as what the input
    /// expects (JSON for body members, the payload's media type), an input
    /// without body takes no content type, and `Accept` must allow the answer.
    fn check_media_types(&self, svc: &ServiceSchema, op: &Operation, req: &HttpRequest) -> Result<(), ServiceError> {
        let input = svc.shape(op.input);
        let payload = input.members.iter().find(|m| m.location == Location::Payload).map(|m| svc.shape(m.target));
        let has_body_members = input.members.iter().any(|m| m.location == Location::Body);
        let expected: Option<&str> = match payload {
            Some(p) if is_event_stream(p) => Some(EVENT_STREAM_MEDIA_TYPE),
            Some(p) if p.kind == ShapeKind::Blob => Some(p.media_type.unwrap_or("application/octet-stream")),
            Some(p) if matches!(p.kind, ShapeKind::String | ShapeKind::Enum) => Some(p.media_type.unwrap_or("text/plain")),
            Some(_) => Some("application/json"),
            None if has_body_members => Some("application/json"),
            None => None,
        };
        let unsupported = |m: String| ServiceError::new("UnsupportedMediaTypeException", 415, m);
        let content_type = req.content_type().map(|c| c.split(';').next().unwrap_or("").trim().to_ascii_lowercase());
        let blob_any = payload.map(|p| p.kind == ShapeKind::Blob && p.media_type.is_none()).unwrap_or(false);
        if !req.body.is_empty() && content_type.is_none() && expected.is_some() && !blob_any {
            return Err(unsupported(format!("Content-Type {} is required", expected.unwrap_or(""))));
        }
        if let (false, Some(ct)) = (req.body.is_empty(), content_type.as_deref()) {
            match expected {
                // No body is modeled: no Content-Type either (an empty input structure tolerates `{}`).
                None if svc.shape(op.input).name == "Unit" || !input.members.is_empty() => {
                    return Err(unsupported(format!("{} takes no body, but Content-Type is {ct}", op.name)))
                }
                None => {}
                Some("application/json") => {
                    if !matches!(ct, "application/json" | "application/x-amz-json-1.0" | "application/x-amz-json-1.1") {
                        return Err(unsupported(format!("Content-Type must be application/json, not {ct}")));
                    }
                }
                // A blob payload without a modeled media type takes any content.
                Some(_) if payload.map(|p| p.kind == ShapeKind::Blob && p.media_type.is_none()).unwrap_or(false) => {}
                Some(want) => {
                    if ct != want {
                        return Err(unsupported(format!("Content-Type must be {want}, not {ct}")));
                    }
                }
            }
        }
        if let Some(accept) = req.header("accept") {
            let output = svc.shape(op.output);
            let out_payload = output.members.iter().find(|m| m.location == Location::Payload).map(|m| svc.shape(m.target));
            let answer = match out_payload {
                Some(p) if is_event_stream(p) => EVENT_STREAM_MEDIA_TYPE,
                // A blob without a modeled media type may be anything the client accepts.
                Some(p) if p.kind == ShapeKind::Blob && p.media_type.is_none() => return Ok(()),
                Some(p) if p.kind == ShapeKind::Blob => p.media_type.unwrap_or("application/octet-stream"),
                Some(p) if matches!(p.kind, ShapeKind::String | ShapeKind::Enum) => p.media_type.unwrap_or("text/plain"),
                _ => "application/json",
            };
            let (kind, _) = answer.split_once('/').unwrap_or((answer, ""));
            let ok = accept.split(',').map(|a| a.split(';').next().unwrap_or("").trim()).any(|a| {
                a == "*/*" || a.is_empty() || a.eq_ignore_ascii_case(answer) || a.eq_ignore_ascii_case(&format!("{kind}/*"))
            });
            if !ok {
                return Err(ServiceError::new("NotAcceptableException", 406, format!("Accept {accept} does not allow {answer}")));
            }
        }
        Ok(())
    }

    /// The first event of an input event stream the request body already
    /// holds (SDKs may open the stream with events in the request itself);
    /// `None` when the body holds no complete event of the union.
    fn first_input_event(&self, svc: &ServiceSchema, union: ShapeId, body: &[u8]) -> Result<Option<Value>, ServiceError> {
        let reader = |shape: ShapeId, bytes: &[u8]| -> Result<Value, ServiceError> {
            if bytes.is_empty() {
                Ok(Value::Struct(Vec::new()))
            } else if self.is_json() {
                json::decode_value(svc, shape, bytes)
            } else {
                xml::decode_struct(svc, shape, bytes, false)
            }
        };
        let mut rest = body;
        while let Some((msg, used)) = eventstream::decode(rest).map_err(ServiceError::serialization)? {
            rest = &rest[used..];
            let Some(inner) = eventstream::unwrap_signed(msg).map_err(ServiceError::serialization)? else { break };
            if let Some(v) = eventstream::decode_event(svc, union, &inner, &reader)? {
                return Ok(Some(v));
            }
        }
        Ok(None)
    }

    fn decode(&self, svc: &ServiceSchema, op: &Operation, req: &HttpRequest) -> Result<Value, ServiceError> {
        if self.is_json() {
            self.check_media_types(svc, op, req)?;
        }
        let input = svc.shape(op.input);
        let params = req.query_params();
        let labels = op.http.as_ref().and_then(|b| match_uri(b, &req.path, &params)).unwrap_or_default();
        let mut fields: Vec<(u16, Value)> = Vec::new();
        let mut has_body_members = false;
        let mut payload_member = None;
        for (idx, m) in input.members.iter().enumerate() {
            let target = svc.shape(m.target);
            let value = match m.location {
                Location::Body => {
                    has_body_members = true;
                    None
                }
                Location::Payload => {
                    payload_member = Some(idx);
                    None
                }
                Location::ResponseCode => None,
                Location::Label => match labels.iter().find(|(n, _)| *n == m.name) {
                    Some((_, text)) => Some(text_scalar(svc, m, target, text)?),
                    None => None,
                },
                Location::Query(name) => {
                    let values: Vec<&QueryParam> = params.iter().filter(|p| p.key == name).collect();
                    if values.is_empty() {
                        None
                    } else if target.kind == ShapeKind::List {
                        let item = &target.members[0];
                        let it = svc.shape(item.target);
                        let mut out = Vec::new();
                        for p in values {
                            out.push(text_scalar(svc, item, it, &p.value)?);
                        }
                        Some(Value::List(out))
                    } else {
                        Some(text_scalar(svc, m, target, &values[0].value)?)
                    }
                }
                Location::QueryParams => {
                    let vm = &target.members[1];
                    let vt = svc.shape(vm.target);
                    let mut out: Vec<(String, Value)> = Vec::new();
                    // Servers put every parameter into the map, including those bound to other members.
                    for p in params.iter() {
                        if vt.kind == ShapeKind::List {
                            let item = &vt.members[0];
                            let v = text_scalar(svc, item, svc.shape(item.target), &p.value)?;
                            match out.iter_mut().find(|(k, _)| *k == p.key) {
                                Some((_, Value::List(l))) => l.push(v),
                                _ => out.push((p.key.clone(), Value::List(vec![v]))),
                            }
                        } else if !out.iter().any(|(k, _)| *k == p.key) {
                            out.push((p.key.clone(), text_scalar(svc, vm, vt, &p.value)?));
                        }
                    }
                    (!out.is_empty()).then_some(Value::Map(out))
                }
                Location::Header(name) => {
                    let values: Vec<&str> = req.header_all(name).collect();
                    if values.is_empty() {
                        None
                    } else if target.kind == ShapeKind::List {
                        let item = &target.members[0];
                        let it = svc.shape(item.target);
                        let mut out = Vec::new();
                        for v in values {
                            for part in split_header_list(v, it.kind == ShapeKind::Timestamp
                                && item.timestamp_format.or(it.timestamp_format).unwrap_or(TimestampFormat::HttpDate) == TimestampFormat::HttpDate)
                            {
                                out.push(header_scalar(svc, item, it, &part)?);
                            }
                        }
                        Some(Value::List(out))
                    } else {
                        Some(header_scalar(svc, m, target, &values.join(", "))?)
                    }
                }
                Location::PrefixHeaders(prefix) => {
                    let vm = &target.members[1];
                    let vt = svc.shape(vm.target);
                    let mut out = Vec::new();
                    for (k, v) in &req.headers {
                        if k.len() >= prefix.len() && k[..prefix.len()].eq_ignore_ascii_case(prefix) {
                            out.push((k[prefix.len()..].to_string(), header_scalar(svc, vm, vt, v)?));
                        }
                    }
                    (!out.is_empty()).then_some(Value::Map(out))
                }
            };
            if let Some(v) = value {
                fields.push((idx as u16, v));
            }
        }
        if let Some(idx) = payload_member {
            let m = &input.members[idx];
            let target = svc.shape(m.target);
            if let (Some(stream), ShapeKind::Blob) = (&req.body_stream, target.kind) {
                fields.push((idx as u16, Value::Stream(stream.clone())));
            } else if !req.body.is_empty() {
                let v = match target.kind {
                    _ if is_event_stream(target) => match self.first_input_event(svc, m.target, &req.body)? {
                        Some(v) => v,
                        None => return Ok(Value::Struct(fields)),
                    },
                    ShapeKind::Blob => Value::Blob(req.body.clone()),
                    ShapeKind::String | ShapeKind::Enum => Value::String(String::from_utf8_lossy(&req.body).into_owned()),
                    ShapeKind::Document => json::decode_value(svc, m.target, &req.body)?,
                    _ if self.is_json() => json::decode_value(svc, m.target, &req.body)?,
                    _ => xml::decode_struct(svc, m.target, &req.body, false)?,
                };
                fields.push((idx as u16, v));
            }
        } else if has_body_members {
            let body = if self.is_json() {
                json::decode_struct(svc, op.input, &req.body, JsonMode::Rest)?
            } else {
                xml::decode_struct(svc, op.input, &req.body, true)?
            };
            if let Value::Struct(b) = body {
                fields.extend(b);
            }
        }
        Ok(Value::Struct(fields))
    }

    /// Writes header-bound, prefix-header and status members of `value`; returns
    /// the status override and the payload member index, if any.
    fn bind_headers(&self, svc: &ServiceSchema, shape: &Shape, value: &Value, resp: &mut HttpResponse) -> Option<u16> {
        let mut status = None;
        let Value::Struct(fields) = value else { return None };
        // Prefix-header maps first, so that a specifically bound header wins a collision.
        let mut ordered: Vec<&(u16, Value)> = fields.iter().collect();
        ordered.sort_by_key(|(i, _)| {
            let prefix = shape.members.get(*i as usize).map(|m| matches!(m.location, Location::PrefixHeaders(_))).unwrap_or(false);
            !prefix
        });
        for (idx, v) in ordered {
            let Some(m) = shape.members.get(*idx as usize) else { continue };
            if matches!(v, Value::Null) {
                continue;
            }
            let target = svc.shape(m.target);
            match m.location {
                Location::Header(name) => {
                    if let Value::List(items) = v {
                        if items.is_empty() {
                            continue;
                        }
                    }
                    resp.set_header(name, header_text(svc, m, target, v));
                }
                Location::PrefixHeaders(prefix) => {
                    if let Value::Map(entries) = v {
                        let vm = &target.members[1];
                        let vt = svc.shape(vm.target);
                        for (k, x) in entries {
                            resp.headers.push((format!("{prefix}{k}"), header_text(svc, vm, vt, x)));
                        }
                    }
                }
                Location::ResponseCode => {
                    if let Value::Int(c) = v {
                        status = u16::try_from(*c).ok();
                    }
                }
                _ => {}
            }
        }
        status
    }

    fn body(&self, svc: &ServiceSchema, shape_id: u32, value: &Value, resp: &mut HttpResponse) {
        let shape = svc.shape(shape_id);
        if let Some(idx) = shape.members.iter().position(|m| m.location == Location::Payload) {
            let m = &shape.members[idx];
            let target = svc.shape(m.target);
            let Some(v) = value.field(idx).filter(|v| !matches!(v, Value::Null)) else { return };
            match (target.kind, v) {
                (ShapeKind::Blob, Value::Blob(b)) => {
                    set_default_header(resp, "Content-Type", target.media_type.unwrap_or("application/octet-stream"));
                    resp.body = b.clone();
                }
                (ShapeKind::Blob, Value::Stream(s)) => {
                    set_default_header(resp, "Content-Type", target.media_type.unwrap_or("application/octet-stream"));
                    match s.in_memory() {
                        Some(b) => resp.body = b,
                        None => resp.body_stream = Some(s.clone()),
                    }
                }
                (ShapeKind::String | ShapeKind::Enum, Value::String(s)) => {
                    set_default_header(resp, "Content-Type", target.media_type.unwrap_or("text/plain"));
                    resp.body = s.clone().into_bytes().into();
                }
                _ if self.is_json() || target.kind == ShapeKind::Document => {
                    set_default_header(resp, "Content-Type", "application/json");
                    resp.body = json::encode_value(svc, m.target, v).into();
                }
                _ => {
                    let root = m.xml_name.or(target.xml_name).unwrap_or(target.name);
                    set_default_header(resp, "Content-Type", "application/xml");
                    resp.body = xml::encode_struct(svc, m.target, v, root, None, false, XmlFlavor::Standard).into();
                }
            }
            return;
        }
        // restJson1 answers with a JSON object even when no member is in the body
        // (but with nothing at all for an operation without output); restXml
        // names its content type whenever there is output.
        if shape.name == "Unit" {
            return;
        }
        if !self.is_json() && !shape.members.iter().any(|m| json::in_response_body(m)) {
            set_default_header(resp, "Content-Type", "application/xml");
            return;
        }
        if !self.is_json() && svc.namespace == "com.amazonaws.s3" && shape_id_is_unwrapped(svc, shape) {
            // `@s3UnwrappedXmlOutput`: GetBucketLocation's answer is the member's element itself.
            // An absent value (us-east-1's location) is the empty element.
            if let Some(m) = shape.members.first() {
                let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
                out.push_str(&format!("<{0} xmlns=\"{1}\">", m.xml_name(), svc.xml_namespace.unwrap_or("")));
                if let Some(v) = value.field(0).filter(|v| !matches!(v, Value::Null)) {
                    let text = xml::scalar_text(svc.shape(m.target), Some(m), v, TimestampFormat::DateTime);
                    escape_into(&mut out, &text, false);
                }
                out.push_str(&format!("</{}>", m.xml_name()));
                resp.set_header("Content-Type", "application/xml");
                resp.body = out.into_bytes().into();
            }
            return;
        }
        if self.is_json() {
            resp.set_header("Content-Type", "application/json");
            resp.body = json::encode_struct(svc, shape_id, value, JsonMode::Rest).into();
        } else {
            resp.set_header("Content-Type", "application/xml");
            let root = shape.xml_name.unwrap_or(shape.name);
            resp.body = xml::encode_struct(svc, shape_id, value, root, svc.xml_namespace, true, XmlFlavor::Standard).into();
        }
    }
}

/// The outputs S3 writes without a wrapping element (`@s3UnwrappedXmlOutput`).
fn shape_id_is_unwrapped(_svc: &ServiceSchema, shape: &Shape) -> bool {
    shape.name == "GetBucketLocationOutput"
}

fn set_default_header(resp: &mut HttpResponse, name: &str, value: &str) {
    if resp.header(name).is_none() {
        resp.set_header(name, value);
    }
}

/// S3 and S3 Control answer errors without the `<ErrorResponse>` wrapper
/// (`@restXml(noErrorWrapping: true)`).
fn unwrapped_errors(svc: &ServiceSchema) -> bool {
    matches!(svc.namespace, "com.amazonaws.s3" | "com.amazonaws.s3control")
}

impl Codec for Rest {
    fn protocol(&self) -> Protocol {
        self.0
    }

    fn decode_request(&self, svc: &ServiceSchema, op: &Operation, req: &HttpRequest) -> Result<Value, ServiceError> {
        self.decode(svc, op, req)
    }

    fn encode_response(&self, svc: &ServiceSchema, op: &Operation, output: &Value, _ex: &Exchange) -> HttpResponse {
        let code = op.http.as_ref().map(|b| b.code).filter(|c| *c != 0).unwrap_or(200);
        let mut resp = HttpResponse::new(code);
        let shape = svc.shape(op.output);
        if let Some(status) = self.bind_headers(svc, shape, output, &mut resp) {
            resp.status = status;
        }
        self.body(svc, op.output, output, &mut resp);
        resp
    }

    fn encode_error(&self, svc: &ServiceSchema, _op: Option<&Operation>, err: &ServiceError, ex: &Exchange) -> HttpResponse {
        let w = wire_error(svc, err);
        let mut resp = HttpResponse::new(w.status);
        for (k, v) in &err.headers {
            resp.set_header(k, v.clone());
        }
        if let Some(id) = err.shape {
            self.bind_headers(svc, svc.shape(id), &err.fields, &mut resp);
        }
        if self.is_json() {
            resp.set_header("Content-Type", "application/json");
            resp.set_header("X-Amzn-Errortype", w.code);
            if let Some(h) = query_error_header(svc, &w) {
                resp.set_header("x-amzn-query-error", h);
            }
            resp.body = json::error_body(svc, err, None, JsonMode::Rest).into();
            return resp;
        }
        resp.set_header("Content-Type", "application/xml");
        let mut out = String::with_capacity(256);
        out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        let unwrapped = unwrapped_errors(svc);
        if !unwrapped {
            out.push_str("<ErrorResponse>");
        }
        out.push_str("<Error><Type>");
        out.push_str(if w.fault == Fault::Server { "Receiver" } else { "Sender" });
        out.push_str("</Type>");
        out.push_str("<Code>");
        escape_into(&mut out, w.code, false);
        out.push_str("</Code>");
        if let Some(m) = w.message {
            out.push_str("<Message>");
            escape_into(&mut out, m, false);
            out.push_str("</Message>");
        }
        if let Some(id) = err.shape {
            let body_fields = match &err.fields {
                Value::Struct(f) => Value::Struct(
                    f.iter()
                        .filter(|(i, _)| svc.shape(id).members.get(*i as usize).map(|m| m.location == Location::Body).unwrap_or(false))
                        .cloned()
                        .collect(),
                ),
                other => other.clone(),
            };
            crate::query::error_fields(svc, id, &body_fields, &mut out);
        } else if let Value::Map(extra) = &err.fields {
            // Elements some unmodeled errors carry (S3's InvalidRange has
            // ActualObjectSize, BadDigest its CalculatedDigest …).
            for (name, v) in extra {
                if let Value::String(text) = v {
                    out.push('<');
                    out.push_str(name);
                    out.push('>');
                    escape_into(&mut out, text, false);
                    out.push_str("</");
                    out.push_str(name);
                    out.push('>');
                }
            }
        }
        if unwrapped {
            out.push_str("<RequestId>");
            escape_into(&mut out, &ex.request_id, false);
            out.push_str("</RequestId></Error>");
        } else {
            out.push_str("</Error><RequestId>");
            escape_into(&mut out, &ex.request_id, false);
            out.push_str("</RequestId></ErrorResponse>");
        }
        resp.body = out.into_bytes().into();
        resp
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn binding(uri: &'static str, path: &'static [UriSegment], q: &'static [(&'static str, Option<&'static str>)]) -> HttpBinding {
        HttpBinding { method: "GET", uri, path, query_literals: q, code: 200 }
    }

    #[test]
    fn matches_labels_greedy_and_query_literals() {
        let object = binding("/{Bucket}/{Key+}", &[UriSegment::Label("Bucket"), UriSegment::Greedy("Key")], &[]);
        let labels = match_uri(&object, "/b/a/b%20c/d", &[]).unwrap();
        assert_eq!(labels, vec![("Bucket", "b".to_string()), ("Key", "a/b c/d".to_string())]);
        assert!(match_uri(&object, "/b", &[]).is_none());
        assert!(match_uri(&object, "/b/", &[]).is_none());

        let bucket = binding("/{Bucket}", &[UriSegment::Label("Bucket")], &[]);
        assert!(match_uri(&bucket, "/b/", &[]).is_some());
        assert!(match_uri(&bucket, "/", &[]).is_none());

        let uploads = binding("/{Bucket}?uploads", &[UriSegment::Label("Bucket")], &[("uploads", None)]);
        let q = crate::http::parse_query("uploads");
        assert!(match_uri(&uploads, "/b", &q).is_some());
        assert!(match_uri(&uploads, "/b", &[]).is_none());
        assert!(specificity(&uploads) > specificity(&bucket));

        let suffix = binding(
            "/{Key+}/tail",
            &[UriSegment::Greedy("Key"), UriSegment::Literal("tail")],
            &[],
        );
        assert_eq!(match_uri(&suffix, "/a/b/tail", &[]).unwrap(), vec![("Key", "a/b".to_string())]);
    }

    #[test]
    fn splits_header_lists() {
        assert_eq!(split_header_list(r#"a, "b,c", "d\"e""#, false), vec!["a", "b,c", "d\"e"]);
        assert_eq!(
            split_header_list("Mon, 16 Dec 2019 23:48:18 GMT, Tue, 17 Dec 2019 23:48:18 GMT", true),
            vec!["Mon, 16 Dec 2019 23:48:18 GMT", "Tue, 17 Dec 2019 23:48:18 GMT"]
        );
    }
}

const EVENT_STREAM_MEDIA_TYPE: &str = "application/vnd.amazon.eventstream";

/// An `@streaming` union: the payload is a stream of event messages.
fn is_event_stream(shape: &Shape) -> bool {
    shape.kind == ShapeKind::Union && shape.is_streaming()
}
