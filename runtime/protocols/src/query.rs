//! awsQuery and ec2Query: requests are flat `Key.Path=value` parameters (form
//! body or query string), responses and errors are XML documents.
//!
//! Every RPC-style service accepts the Query form, so a JSON- or CBOR-modeled
//! service called this way answers here too, in the same XML envelope.

use crate::errors::wire_error;
use crate::http::parse_query;
use crate::json::is_sparse;
use crate::xml::{self, escape_into, XmlFlavor};
use crate::{Codec, Exchange, HttpRequest, HttpResponse};
use simfra_model::{member_flags, Fault, Member, Operation, Protocol, ServiceError, ServiceSchema, Shape, ShapeId, ShapeKind, Value};
use std::collections::BTreeMap;

pub struct Query(pub Protocol);
pub static AWS_QUERY: Query = Query(Protocol::AwsQuery);
pub static EC2_QUERY: Query = Query(Protocol::Ec2Query);

/// Decoded parameters by key; repeated keys keep the last value.
type Params = BTreeMap<String, String>;

/// The request's parameters: the query string plus a form-encoded body.
pub fn request_params(req: &HttpRequest) -> Params {
    let mut params: Params = BTreeMap::new();
    for p in req.query_params() {
        params.insert(p.key, p.value);
    }
    let is_form = req
        .content_type()
        .map(|ct| ct.to_ascii_lowercase().starts_with("application/x-www-form-urlencoded"))
        .unwrap_or(!req.body.is_empty());
    if is_form {
        for p in parse_query(&String::from_utf8_lossy(&req.body)) {
            params.insert(p.key, p.value);
        }
    }
    params
}

impl Query {
    fn content_type(&self) -> &'static str {
        if self.ec2() { "text/xml;charset=UTF-8" } else { "text/xml" }
    }

    fn ec2(&self) -> bool {
        self.0 == Protocol::Ec2Query
    }

    /// The parameter name of a member.
    fn key(&self, m: &Member) -> String {
        if self.ec2() {
            if let Some(n) = m.ec2_query_name {
                return n.to_string();
            }
            let base = m.xml_name.unwrap_or(m.name);
            let mut c = base.chars();
            return match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect(),
                None => String::new(),
            };
        }
        m.xml_name().to_string()
    }

    fn read_struct(&self, svc: &ServiceSchema, shape: &Shape, prefix: &str, params: &Params, depth: usize) -> Result<Value, ServiceError> {
        if depth > 64 {
            return Err(ServiceError::serialization("Query parameters nest too deeply"));
        }
        let mut fields = Vec::new();
        for (idx, m) in shape.members.iter().enumerate() {
            let key = if prefix.is_empty() { self.key(m) } else { format!("{prefix}.{}", self.key(m)) };
            if let Some(v) = self.read(svc, m, &key, params, depth + 1)? {
                fields.push((idx as u16, v));
            }
        }
        Ok(Value::Struct(fields))
    }

    fn read(&self, svc: &ServiceSchema, m: &Member, key: &str, params: &Params, depth: usize) -> Result<Option<Value>, ServiceError> {
        let shape = svc.shape(m.target);
        match shape.kind {
            ShapeKind::Structure | ShapeKind::Union => {
                if !has_prefix(params, key) {
                    return Ok(None);
                }
                self.read_struct(svc, shape, key, params, depth).map(Some)
            }
            ShapeKind::List => {
                // `Key=` (present and empty) is an empty list.
                if params.get(key).map(|v| v.is_empty()).unwrap_or(false) && !has_prefix(params, key) {
                    return Ok(Some(Value::List(Vec::new())));
                }
                let item = &shape.members[0];
                let base = if self.ec2() || m.has(member_flags::XML_FLATTENED) {
                    key.to_string()
                } else {
                    format!("{key}.{}", item.xml_name.unwrap_or("member"))
                };
                let indexes = indexes(params, &base);
                if indexes.is_empty() {
                    return Ok(None);
                }
                let mut out = Vec::with_capacity(indexes.len());
                for i in indexes {
                    let k = format!("{base}.{i}");
                    match self.read(svc, item, &k, params, depth + 1)? {
                        Some(v) => out.push(v),
                        None if is_sparse(shape, Some(m)) => out.push(Value::Null),
                        None => {}
                    }
                }
                Ok(Some(Value::List(out)))
            }
            ShapeKind::Map => {
                let (km, vm) = (&shape.members[0], &shape.members[1]);
                let base = if m.has(member_flags::XML_FLATTENED) { key.to_string() } else { format!("{key}.entry") };
                let indexes = indexes(params, &base);
                if indexes.is_empty() {
                    return Ok(None);
                }
                let mut out = Vec::with_capacity(indexes.len());
                for i in indexes {
                    let kname = format!("{base}.{i}.{}", km.xml_name.unwrap_or("key"));
                    let Some(k) = params.get(&kname) else { continue };
                    let vname = format!("{base}.{i}.{}", vm.xml_name.unwrap_or("value"));
                    if let Some(v) = self.read(svc, vm, &vname, params, depth + 1)? {
                        out.push((k.clone(), v));
                    }
                }
                Ok(Some(Value::Map(out)))
            }
            ShapeKind::Document => Err(ServiceError::serialization("Documents cannot be sent as query parameters")),
            _ => match params.get(key) {
                Some(text) => xml::scalar(svc, m.target, Some(m), text).map(Some),
                None => Ok(None),
            },
        }
    }

    fn namespace(svc: &ServiceSchema) -> String {
        match svc.xml_namespace {
            Some(ns) => ns.to_string(),
            // JSON-modeled services answering the Query form use AWS's classic namespace form.
            None => format!("http://{}.amazonaws.com/doc/{}/", svc.endpoint_prefix, svc.version),
        }
    }
}

fn has_prefix(params: &Params, key: &str) -> bool {
    let start = format!("{key}.");
    params.range(start.clone()..).next().map(|(k, _)| k.starts_with(&start)).unwrap_or(false)
}

/// The list indexes present under `base` (`base.1`, `base.2.Name` …), ascending.
fn indexes(params: &Params, base: &str) -> Vec<u32> {
    let start = format!("{base}.");
    let mut out: Vec<u32> = params
        .range(start.clone()..)
        .take_while(|(k, _)| k.starts_with(&start))
        .filter_map(|(k, _)| k[start.len()..].split('.').next()?.parse::<u32>().ok())
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

impl Codec for Query {
    fn protocol(&self) -> Protocol {
        self.0
    }

    fn decode_request(&self, svc: &ServiceSchema, op: &Operation, req: &HttpRequest) -> Result<Value, ServiceError> {
        let params = request_params(req);
        self.read_struct(svc, svc.shape(op.input), "", &params, 0)
    }

    fn encode_response(&self, svc: &ServiceSchema, op: &Operation, output: &Value, ex: &Exchange) -> HttpResponse {
        let ns = Query::namespace(svc);
        let mut out = String::with_capacity(256);
        out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        out.push_str(&format!("<{}Response xmlns=\"", op.name));
        escape_into(&mut out, &ns, true);
        out.push_str("\">");
        if self.ec2() {
            out.push_str("<requestId>");
            escape_into(&mut out, &ex.request_id, false);
            out.push_str("</requestId>");
            xml::write_members(svc, op.output, output, XmlFlavor::Ec2, &mut out);
        } else {
            // Every output but Unit has its `<OpResult>`, empty or not:
            // botocore looks for it (`UpdateRole` answers `<UpdateRoleResult/>`).
            if svc.shape(op.output).name != "Unit" {
                out.push_str(&format!("<{}Result>", op.name));
                xml::write_members(svc, op.output, output, XmlFlavor::Standard, &mut out);
                out.push_str(&format!("</{}Result>", op.name));
            }
            out.push_str("<ResponseMetadata><RequestId>");
            escape_into(&mut out, &ex.request_id, false);
            out.push_str("</RequestId></ResponseMetadata>");
        }
        out.push_str(&format!("</{}Response>", op.name));
        let mut resp = HttpResponse::new(200);
        resp.set_header("Content-Type", self.content_type());
        resp.body = out.into_bytes().into();
        resp
    }

    fn encode_error(&self, svc: &ServiceSchema, _op: Option<&Operation>, err: &ServiceError, ex: &Exchange) -> HttpResponse {
        let w = wire_error(svc, err);
        let mut out = String::with_capacity(256);
        out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        let mut fields = String::new();
        if let (Some(id), Value::Struct(_)) = (err.shape, &err.fields) {
            error_fields(svc, id, &err.fields, &mut fields);
        }
        let message = |out: &mut String| {
            if let Some(m) = w.message {
                out.push_str("<Message>");
                escape_into(out, m, false);
                out.push_str("</Message>");
            }
        };
        if self.ec2() {
            out.push_str("<Response><Errors><Error><Code>");
            escape_into(&mut out, w.query_code, false);
            out.push_str("</Code>");
            // EC2 errors always carry a Message element.
            if w.message.is_none() {
                out.push_str("<Message></Message>");
            }
            message(&mut out);
            out.push_str(&fields);
            out.push_str("</Error></Errors><RequestID>");
            escape_into(&mut out, &ex.request_id, false);
            out.push_str("</RequestID></Response>");
        } else {
            out.push_str("<ErrorResponse><Error><Type>");
            out.push_str(if w.fault == Fault::Server { "Receiver" } else { "Sender" });
            out.push_str("</Type><Code>");
            escape_into(&mut out, w.query_code, false);
            out.push_str("</Code>");
            message(&mut out);
            out.push_str(&fields);
            out.push_str("</Error><RequestId>");
            escape_into(&mut out, &ex.request_id, false);
            out.push_str("</RequestId></ErrorResponse>");
        }
        let status = if self.ec2() { w.status } else { w.query_status };
        let mut resp = HttpResponse::new(status);
        resp.set_header("Content-Type", self.content_type());
        for (k, v) in &err.headers {
            resp.set_header(k, v.clone());
        }
        resp.body = out.into_bytes().into();
        resp
    }
}

/// An error shape's members other than the message, as elements of `<Error>`.
pub(crate) fn error_fields(svc: &ServiceSchema, shape: ShapeId, fields: &Value, out: &mut String) {
    let s = svc.shape(shape);
    if let Value::Struct(items) = fields {
        let kept: Vec<(u16, Value)> = items
            .iter()
            .filter(|(i, _)| s.members.get(*i as usize).map(|m| !m.name.eq_ignore_ascii_case("message")).unwrap_or(false))
            .cloned()
            .collect();
        xml::write_members(svc, shape, &Value::Struct(kept), XmlFlavor::Standard, out);
    }
}
