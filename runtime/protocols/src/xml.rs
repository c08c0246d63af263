//! XML documents: restXml bodies and payloads, awsQuery/ec2Query response
//! bodies, XML error bodies.
//!
//! Requests are parsed into a small element tree first (bodies are small and
//! fully buffered) and then read by walking the schema; responses are written
//! straight into a `String`.

use crate::json::{integer_fits, is_sparse, parse_special_float, timestamp_format, B64};
use crate::timefmt;
use base64::Engine;
use simfra_model::{
    member_flags, Location, Member, ServiceError, ServiceSchema, Shape, ShapeId, ShapeKind, TimestampFormat, Value,
};
use quick_xml::events::Event;

/// How the XML dialect names and nests things.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XmlFlavor {
    /// restXml and awsQuery responses: `@xmlName` applies.
    Standard,
    /// ec2Query responses. The document rules are restXml's (`@xmlName`, wrapped
    /// lists whose EC2 models name the items `item`); the variant exists so
    /// that the response envelope and error format can differ.
    Ec2,
}

/// Nesting deeper than this is rejected rather than risking the stack.
const MAX_DEPTH: usize = 128;

// ---------------------------------------------------------------- element tree

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Element {
    /// Local name (any `prefix:` removed).
    pub name: String,
    /// Attributes by their qualified name (`xsi:type`, `xmlns:foo`).
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Element>,
    /// Concatenated text and CDATA directly inside the element.
    pub text: String,
}

impl Element {
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name || k.rsplit_once(':').map(|(_, l)| l == name).unwrap_or(false))
            .map(|(_, v)| v.as_str())
    }
}

fn local(name: &[u8]) -> String {
    let s = String::from_utf8_lossy(name);
    match s.rsplit_once(':') {
        Some((_, l)) => l.to_string(),
        None => s.into_owned(),
    }
}

/// Parses a whole document into its root element.
pub fn parse_document(body: &[u8]) -> Result<Element, String> {
    let mut reader = quick_xml::Reader::from_reader(body);
    reader.config_mut().trim_text(false);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut buf = Vec::new();
    loop {
        let event = reader.read_event_into(&mut buf).map_err(|e| format!("malformed XML: {e}"))?;
        match event {
            Event::Start(e) | Event::Empty(e) if root.is_some() => {
                let _ = e;
                return Err("malformed XML: content after the root element".into());
            }
            Event::Start(e) => {
                if stack.len() >= MAX_DEPTH {
                    return Err("XML nesting is too deep".into());
                }
                stack.push(element_of(&e)?);
            }
            Event::Empty(e) => {
                let el = element_of(&e)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => root = Some(el),
                }
            }
            Event::End(_) => {
                let el = stack.pop().ok_or("malformed XML: unbalanced end tag")?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => root = Some(el),
                }
            }
            Event::Text(t) => {
                let text = t.unescape().map_err(|e| format!("malformed XML: {e}"))?;
                match stack.last_mut() {
                    Some(el) => el.text.push_str(&text),
                    None if text.trim().is_empty() => {}
                    None => return Err("malformed XML: text outside the root element".into()),
                }
            }
            Event::CData(t) => {
                if let Some(el) = stack.last_mut() {
                    el.text.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !stack.is_empty() {
        return Err("malformed XML: unclosed element".into());
    }
    root.ok_or_else(|| "malformed XML: no root element".into())
}

fn element_of(e: &quick_xml::events::BytesStart) -> Result<Element, String> {
    let mut el = Element { name: local(e.name().as_ref()), ..Default::default() };
    for a in e.attributes() {
        let a = a.map_err(|e| format!("malformed XML attribute: {e}"))?;
        let v = a.unescape_value().map_err(|e| format!("malformed XML attribute: {e}"))?;
        el.attrs.push((String::from_utf8_lossy(a.key.as_ref()).into_owned(), v.into_owned()));
    }
    Ok(el)
}

// ---------------------------------------------------------------- decoding

/// Decodes an XML document whose root element holds the members of
/// structure `shape` (a restXml request body or structure payload). Only
/// `Location::Body` members are read when `body_members_only`.
pub fn decode_struct(svc: &ServiceSchema, shape: ShapeId, body: &[u8], body_members_only: bool) -> Result<Value, ServiceError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::empty_struct());
    }
    let root = parse_document(body).map_err(ServiceError::serialization)?;
    read_struct(svc, svc.shape(shape), &root, body_members_only, 0)
}

/// Reads the members of `shape` from element `el`.
pub fn read_struct(svc: &ServiceSchema, shape: &Shape, el: &Element, body_only: bool, depth: usize) -> Result<Value, ServiceError> {
    if depth > MAX_DEPTH {
        return Err(ServiceError::serialization("XML nesting is too deep"));
    }
    let mut fields = Vec::new();
    for (idx, m) in shape.members.iter().enumerate() {
        if body_only && m.location != Location::Body {
            continue;
        }
        let name = m.xml_name();
        let value = if m.has(member_flags::XML_ATTRIBUTE) {
            match el.attr(name) {
                Some(text) => Some(scalar(svc, m.target, Some(m), text)?),
                None => None,
            }
        } else if m.has(member_flags::XML_FLATTENED) {
            let target = svc.shape(m.target);
            let items: Vec<&Element> = el.children_named(name).collect();
            if items.is_empty() {
                None
            } else if target.kind == ShapeKind::List {
                let item = &target.members[0];
                let mut out = Vec::with_capacity(items.len());
                for it in items {
                    out.push(read_value(svc, item.target, Some(item), it, depth + 1)?);
                }
                Some(Value::List(out))
            } else if target.kind == ShapeKind::Map {
                let mut out = Vec::new();
                for it in items {
                    out.push(read_entry(svc, target, it, depth + 1)?);
                }
                Some(Value::Map(out))
            } else {
                Some(read_value(svc, m.target, Some(m), items[0], depth + 1)?)
            }
        } else {
            match el.child(name) {
                Some(child) => Some(read_value(svc, m.target, Some(m), child, depth + 1)?),
                None => None,
            }
        };
        if let Some(v) = value {
            fields.push((idx as u16, v));
            if shape.kind == ShapeKind::Union {
                break;
            }
        }
    }
    Ok(Value::Struct(fields))
}

fn read_entry(svc: &ServiceSchema, map: &Shape, el: &Element, depth: usize) -> Result<(String, Value), ServiceError> {
    let (km, vm) = (&map.members[0], &map.members[1]);
    let key = el
        .child(km.xml_name.unwrap_or("key"))
        .map(|k| k.text.clone())
        .ok_or_else(|| ServiceError::serialization(format!("Map entry of {} has no key", map.name)))?;
    let value = match el.child(vm.xml_name.unwrap_or("value")) {
        Some(v) => read_value(svc, vm.target, Some(vm), v, depth + 1)?,
        None => Value::Null,
    };
    Ok((key, value))
}

fn read_value(svc: &ServiceSchema, target: ShapeId, member: Option<&Member>, el: &Element, depth: usize) -> Result<Value, ServiceError> {
    if depth > MAX_DEPTH {
        return Err(ServiceError::serialization("XML nesting is too deep"));
    }
    let shape = svc.shape(target);
    match shape.kind {
        ShapeKind::Structure | ShapeKind::Union => read_struct(svc, shape, el, false, depth),
        ShapeKind::List => {
            let item = &shape.members[0];
            let name = item.xml_name.unwrap_or("member");
            let mut out = Vec::new();
            for it in el.children_named(name) {
                out.push(read_value(svc, item.target, Some(item), it, depth + 1)?);
            }
            Ok(Value::List(out))
        }
        ShapeKind::Map => {
            let mut out = Vec::new();
            for it in el.children_named("entry") {
                let entry = read_entry(svc, shape, it, depth + 1)?;
                if matches!(entry.1, Value::Null) && !is_sparse(shape, member) {
                    continue;
                }
                out.push(entry);
            }
            Ok(Value::Map(out))
        }
        _ => scalar(svc, target, member, &el.text),
    }
}

/// A scalar from XML text (element content, attribute value, query value).
pub fn scalar(svc: &ServiceSchema, target: ShapeId, member: Option<&Member>, text: &str) -> Result<Value, ServiceError> {
    let shape = svc.shape(target);
    let name = member.map(|m| m.name).unwrap_or(shape.name);
    let bad = |what: &str| ServiceError::serialization(format!("Expected {what} for {name}, found '{text}'"));
    Ok(match shape.kind {
        ShapeKind::String | ShapeKind::Enum => Value::String(text.to_string()),
        ShapeKind::Boolean => match text.trim() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => return Err(bad("a boolean")),
        },
        k if k.is_integer() => match text.trim().parse::<i64>() {
            Ok(i) if integer_fits(k, i) => Value::Int(i),
            _ => return Err(bad("an integer")),
        },
        ShapeKind::Float | ShapeKind::Double => {
            let t = text.trim();
            match parse_special_float(t) {
                Some(f) => Value::Float(f),
                None => Value::Float(t.parse::<f64>().ok().filter(|f| f.is_finite()).ok_or_else(|| bad("a number"))?),
            }
        }
        ShapeKind::BigInteger | ShapeKind::BigDecimal => {
            let t = text.trim();
            if t.parse::<f64>().is_err() {
                return Err(bad("a number"));
            }
            Value::BigNumber(t.to_string())
        }
        ShapeKind::Blob => {
            let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            Value::Blob(B64.decode(compact).map_err(|_| bad("base64"))?.into())
        }
        ShapeKind::Timestamp => {
            let f = timestamp_format(shape, member).unwrap_or(TimestampFormat::DateTime);
            Value::Timestamp(timefmt::parse(text.trim(), f).ok_or_else(|| bad("a timestamp"))?)
        }
        _ => return Err(bad("a scalar")),
    })
}

// ---------------------------------------------------------------- encoding

/// Writes the members of structure value `value` (of `shape`) inside a root
/// element named `root`, with `xmlns` = `namespace` when given (and any
/// `@xmlNamespace` of the shape). Only `Location::Body` members when
/// `body_members_only`. Returns the bytes without an XML declaration.
pub fn encode_struct(
    svc: &ServiceSchema,
    shape: ShapeId,
    value: &Value,
    root: &str,
    namespace: Option<&str>,
    body_members_only: bool,
    flavor: XmlFlavor,
) -> Vec<u8> {
    let mut out = String::with_capacity(256);
    let s = svc.shape(shape);
    out.push('<');
    out.push_str(root);
    match (s.xml_namespace, namespace) {
        (Some(ns), _) => write_ns(&mut out, ns),
        (None, Some(uri)) => write_ns(&mut out, (uri, None)),
        _ => {}
    }
    let w = Writer { svc, flavor };
    w.attributes(s, value, body_members_only, &mut out);
    out.push('>');
    w.children(s, value, body_members_only, &mut out);
    out.push_str("</");
    out.push_str(root);
    out.push('>');
    out.into_bytes()
}

/// Writes the members of a structure value as child elements into `out`
/// (no wrapping root); used by awsQuery's `<OpResult>` and ec2Query's `<OpResponse>`.
pub fn write_members(svc: &ServiceSchema, shape: ShapeId, value: &Value, flavor: XmlFlavor, out: &mut String) {
    Writer { svc, flavor }.children(svc.shape(shape), value, false, out);
}

/// Writes one value as an element named `name` (e.g. a restXml string payload's wrapper).
pub fn write_element(svc: &ServiceSchema, target: ShapeId, name: &str, value: &Value, out: &mut String) {
    Writer { svc, flavor: XmlFlavor::Standard }.element(name, target, None, value, out);
}

fn write_ns(out: &mut String, (uri, prefix): (&str, Option<&str>)) {
    match prefix {
        Some(p) => {
            out.push_str(" xmlns:");
            out.push_str(p);
        }
        None => out.push_str(" xmlns"),
    }
    out.push_str("=\"");
    escape_into(out, uri, true);
    out.push('"');
}

struct Writer<'a> {
    svc: &'a ServiceSchema,
    #[allow(dead_code)]
    flavor: XmlFlavor,
}

impl Writer<'_> {
    fn attributes(&self, shape: &Shape, value: &Value, body_only: bool, out: &mut String) {
        let Value::Struct(fields) = value else { return };
        for (idx, v) in fields {
            let Some(m) = shape.members.get(*idx as usize) else { continue };
            if !m.has(member_flags::XML_ATTRIBUTE) || matches!(v, Value::Null) || (body_only && !crate::json::in_response_body(m)) {
                continue;
            }
            out.push(' ');
            out.push_str(m.xml_name());
            out.push_str("=\"");
            escape_into(out, &self.scalar_text(m.target, Some(m), v), true);
            out.push('"');
        }
    }

    fn children(&self, shape: &Shape, value: &Value, body_only: bool, out: &mut String) {
        let Value::Struct(fields) = value else { return };
        // Members in model order, so documents are stable whatever order a handler set them in.
        let mut ordered: Vec<&(u16, Value)> = fields.iter().collect();
        ordered.sort_by_key(|(i, _)| *i);
        for (idx, v) in ordered {
            let Some(m) = shape.members.get(*idx as usize) else { continue };
            if m.has(member_flags::XML_ATTRIBUTE) || matches!(v, Value::Null) || (body_only && !crate::json::in_response_body(m)) {
                continue;
            }
            self.member(m, v, out);
        }
    }

    fn member(&self, m: &Member, v: &Value, out: &mut String) {
        let name = m.xml_name();
        let target = self.svc.shape(m.target);
        if m.has(member_flags::XML_FLATTENED) {
            match (target.kind, v) {
                (ShapeKind::List, Value::List(items)) => {
                    let item = &target.members[0];
                    for it in items {
                        self.open(name, item.xml_namespace.or(m.xml_namespace), out);
                        self.content(item.target, Some(item), it, out);
                        self.close(name, out);
                    }
                    return;
                }
                (ShapeKind::Map, Value::Map(entries)) => {
                    for (k, val) in entries {
                        self.open(name, m.xml_namespace, out);
                        self.entry(target, k, val, out);
                        self.close(name, out);
                    }
                    return;
                }
                _ => {}
            }
        }
        self.element(name, m.target, Some(m), v, out);
    }

    fn element(&self, name: &str, target: ShapeId, m: Option<&Member>, v: &Value, out: &mut String) {
        let shape = self.svc.shape(target);
        out.push('<');
        out.push_str(name);
        // A shape's own `@xmlNamespace` applies where it is the document root;
        // nested, only the member's does.
        if let Some(ns) = m.and_then(|m| m.xml_namespace) {
            write_ns(out, ns);
        }
        if matches!(shape.kind, ShapeKind::Structure | ShapeKind::Union) {
            self.attributes(shape, v, false, out);
        }
        out.push('>');
        self.content(target, m, v, out);
        self.close(name, out);
    }

    fn open(&self, name: &str, ns: Option<(&str, Option<&str>)>, out: &mut String) {
        out.push('<');
        out.push_str(name);
        if let Some(ns) = ns {
            write_ns(out, ns);
        }
        out.push('>');
    }

    fn close(&self, name: &str, out: &mut String) {
        out.push_str("</");
        out.push_str(name);
        out.push('>');
    }

    fn entry(&self, map: &Shape, k: &str, v: &Value, out: &mut String) {
        let (km, vm) = (&map.members[0], &map.members[1]);
        let kname = km.xml_name.unwrap_or("key");
        self.open(kname, km.xml_namespace, out);
        escape_into(out, k, false);
        self.close(kname, out);
        if !matches!(v, Value::Null) {
            self.element(vm.xml_name.unwrap_or("value"), vm.target, Some(vm), v, out);
        }
    }

    /// The inside of an element holding `v`.
    fn content(&self, target: ShapeId, m: Option<&Member>, v: &Value, out: &mut String) {
        let shape = self.svc.shape(target);
        match v {
            Value::Struct(_) => self.children(shape, v, false, out),
            Value::List(items) => {
                let Some(item) = shape.members.first() else { return };
                let name = item.xml_name.unwrap_or("member");
                for it in items {
                    self.element(name, item.target, Some(item), it, out);
                }
            }
            Value::Map(entries) => {
                if shape.members.len() < 2 {
                    return;
                }
                for (k, val) in entries {
                    out.push_str("<entry>");
                    self.entry(shape, k, val, out);
                    out.push_str("</entry>");
                }
            }
            _ => escape_into(out, &self.scalar_text(target, m, v), false),
        }
    }

    fn scalar_text(&self, target: ShapeId, m: Option<&Member>, v: &Value) -> String {
        scalar_text(self.svc.shape(target), m, v, TimestampFormat::DateTime)
    }
}

/// The text form of a scalar in XML and query documents.
pub fn scalar_text(shape: &Shape, m: Option<&Member>, v: &Value, default_ts: TimestampFormat) -> String {
    match v {
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => float_text(*f),
        Value::BigNumber(n) => n.clone(),
        Value::String(s) => s.clone(),
        Value::Blob(b) => B64.encode(b),
        Value::Stream(s) => B64.encode(s.in_memory().unwrap_or_default()),
        Value::Timestamp(t) => timefmt::format(*t, timestamp_format(shape, m).unwrap_or(default_ts)),
        Value::Document(_) | Value::List(_) | Value::Map(_) | Value::Struct(_) => String::new(),
    }
}

pub fn float_text(f: f64) -> String {
    if f.is_nan() {
        "NaN".into()
    } else if f.is_infinite() {
        if f > 0.0 { "Infinity".into() } else { "-Infinity".into() }
    } else {
        f.to_string()
    }
}

/// Escapes XML text (and attribute values when `attr`).
pub fn escape_into(out: &mut String, s: &str, attr: bool) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attr => out.push_str("&quot;"),
            '\r' => out.push_str("&#xD;"),
            '\n' if attr => out.push_str("&#xA;"),
            c => out.push(c),
        }
    }
}

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s, false);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nested_elements_text_and_attributes() {
        let root = parse_document(br#"<?xml version="1.0"?><a xmlns="x" b="1"><c>t&amp;u</c><d/><c><![CDATA[<z>]]></c></a>"#).unwrap();
        assert_eq!(root.name, "a");
        assert_eq!(root.attr("b"), Some("1"));
        let cs: Vec<&str> = root.children_named("c").map(|c| c.text.as_str()).collect();
        assert_eq!(cs, ["t&u", "<z>"]);
        assert!(root.child("d").is_some());
    }

    #[test]
    fn rejects_malformed_documents() {
        assert!(parse_document(b"<a><b></a>").is_err());
        assert!(parse_document(b"<a>").is_err());
        assert!(parse_document(b"not xml").is_err());
        assert!(parse_document(b"<a/><b/>").is_err());
    }
}
