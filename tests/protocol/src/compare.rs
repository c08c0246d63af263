//! Comparing decoded values and encoded responses with a case's expectations.

use crate::{body_bytes, str_field};
use serde_json::Value as Json;
use simfra_model::{ServiceSchema, ShapeId, ShapeKind, Value};
use simfra_protocols::xml::{parse_document, Element};
use simfra_protocols::HttpResponse;

fn float_eq(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a == b || ((a - b).abs() <= 1e-6 * a.abs().max(b.abs()))
}

/// Structural equality of values of `shape`; absent and null fields are the same.
pub fn values(svc: &ServiceSchema, shape: ShapeId, expected: &Value, actual: &Value) -> Result<(), String> {
    let s = svc.shape(shape);
    match (expected, actual) {
        (Value::Struct(e), Value::Struct(a)) => {
            // Absent, null and empty collections are the same thing on the wire.
            let present = |f: &Vec<(u16, Value)>| -> Vec<u16> {
                let mut v: Vec<u16> = f.iter().filter(|(_, x)| !is_empty(x)).map(|(i, _)| *i).collect();
                v.sort();
                v
            };
            let (pe, pa) = (present(e), present(a));
            if pe != pa {
                let names = |v: &[u16]| v.iter().map(|i| s.members.get(*i as usize).map(|m| m.name).unwrap_or("?")).collect::<Vec<_>>();
                return Err(format!("{}: members {:?} expected, got {:?}", s.name, names(&pe), names(&pa)));
            }
            for (i, ev) in e.iter().filter(|(_, x)| !is_empty(x)) {
                let av = &a.iter().find(|(j, _)| j == i).unwrap().1;
                let m = &s.members[*i as usize];
                values(svc, m.target, ev, av).map_err(|err| format!("{}.{}: {err}", s.name, m.name))?;
            }
            Ok(())
        }
        (Value::List(e), Value::List(a)) => {
            if e.len() != a.len() {
                return Err(format!("list of {} expected, got {}", e.len(), a.len()));
            }
            let t = s.members.first().map(|m| m.target).unwrap_or(shape);
            e.iter().zip(a).enumerate().try_for_each(|(i, (x, y))| values(svc, t, x, y).map_err(|err| format!("[{i}]: {err}")))
        }
        (Value::Map(e), Value::Map(a)) => {
            if e.len() != a.len() {
                return Err(format!("map of {} expected, got {}", e.len(), a.len()));
            }
            let t = s.members.get(1).map(|m| m.target).unwrap_or(shape);
            for (k, x) in e {
                let y = a.iter().find(|(ak, _)| ak == k).map(|(_, y)| y).ok_or_else(|| format!("missing key {k}"))?;
                values(svc, t, x, y).map_err(|err| format!("[{k}]: {err}"))?;
            }
            Ok(())
        }
        (Value::Float(x), Value::Float(y)) if float_eq(*x, *y) => Ok(()),
        (Value::Float(x), Value::Int(y)) | (Value::Int(y), Value::Float(x)) if float_eq(*x, *y as f64) => Ok(()),
        (Value::Timestamp(x), Value::Timestamp(y)) if x.secs == y.secs && (x.nanos as i64 - y.nanos as i64).abs() < 1_000_000 => Ok(()),
        (Value::BigNumber(x), Value::BigNumber(y)) if x.parse::<f64>().ok() == y.parse::<f64>().ok() => Ok(()),
        (e, a) if e == a => Ok(()),
        (Value::Document(_), Value::Document(_)) if s.kind == ShapeKind::Document => Err(format!("document {expected:?} expected, got {actual:?}")),
        (e, a) => Err(format!("{e:?} expected, got {a:?}")),
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::List(l) => l.is_empty(),
        Value::Map(m) => m.is_empty(),
        // An empty structure payload (`{}`) cannot be told from none.
        Value::Struct(f) => f.is_empty(),
        _ => false,
    }
}

fn header_of<'a>(resp: &'a HttpResponse, name: &str) -> Vec<&'a str> {
    resp.headers.iter().filter(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str()).collect()
}

fn check_headers(expected: Option<&Json>, resp: &HttpResponse) -> Result<(), String> {
    if let Some(Json::Object(h)) = expected {
        for (k, v) in h {
            let want = v.as_str().unwrap_or("");
            let got = header_of(resp, k).join(", ");
            if got.replace(' ', "") != want.replace(' ', "") {
                return Err(format!("header {k}: {want:?} expected, got {got:?}"));
            }
        }
    }
    Ok(())
}

/// An `httpResponseTests` case against an encoded response.
pub fn response(case: &Json, resp: &HttpResponse, protocol: simfra_model::Protocol) -> Result<(), String> {
    let code = case.get("code").and_then(Json::as_u64).unwrap_or(200) as u16;
    if resp.status != code {
        return Err(format!("status {code} expected, got {} ({})", resp.status, String::from_utf8_lossy(&resp.body)));
    }
    check_headers(case.get("headers"), resp)?;
    for h in case.get("forbidHeaders").and_then(Json::as_array).into_iter().flatten() {
        let name = h.as_str().unwrap_or("");
        if !header_of(resp, name).is_empty() {
            return Err(format!("header {name} is forbidden"));
        }
    }
    for h in case.get("requireHeaders").and_then(Json::as_array).into_iter().flatten() {
        let name = h.as_str().unwrap_or("");
        if header_of(resp, name).is_empty() {
            return Err(format!("header {name} is required"));
        }
    }
    if let Some(body) = str_field(case, "body") {
        let media = str_field(case, "bodyMediaType");
        let actual = if protocol == simfra_model::Protocol::AwsQuery && !body.contains("<ResponseMetadata>") {
            // awsQuery answers carry `<ResponseMetadata><RequestId>` as AWS's do (botocore reads the
            // request id from it); the cases leave it out of bodies whose other content they check.
            strip_response_metadata(&resp.body)
        } else {
            resp.body.to_vec()
        };
        body_matches(media, body, &actual)?;
    }
    Ok(())
}

fn strip_response_metadata(body: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(body);
    match (text.find("<ResponseMetadata>"), text.find("</ResponseMetadata>")) {
        (Some(a), Some(b)) => format!("{}{}", &text[..a], &text[b + "</ResponseMetadata>".len()..]).into_bytes(),
        _ => body.to_vec(),
    }
}

pub fn body_matches(media: Option<&str>, expected: &str, actual: &[u8]) -> Result<(), String> {
    let show = || String::from_utf8_lossy(actual).into_owned();
    if expected.is_empty() {
        return if actual.is_empty() { Ok(()) } else { Err(format!("empty body expected, got {}", show())) };
    }
    match media {
        Some(m) if m.contains("json") => {
            let e: Json = serde_json::from_str(expected).map_err(|e| format!("bad expected JSON: {e}"))?;
            let a: Json = serde_json::from_slice(actual).map_err(|e| format!("body is not JSON ({e}): {}", show()))?;
            if json_eq(&e, &a) { Ok(()) } else { Err(format!("JSON body {e} expected, got {a}")) }
        }
        Some(m) if m.contains("xml") => {
            let e = parse_document(expected.as_bytes()).map_err(|e| format!("bad expected XML: {e}"))?;
            let a = parse_document(actual).map_err(|e| format!("body is not XML ({e}): {}", show()))?;
            xml_eq(&e, &a).map_err(|err| format!("XML differs: {err}; got {}", show()))
        }
        Some("application/cbor") => {
            let e = simfra_protocols::cbor::decode(&body_bytes(Some(expected), Some("application/cbor")))
                .map_err(|e| format!("bad expected CBOR: {e}"))?;
            let a = simfra_protocols::cbor::decode(actual).map_err(|e| format!("body is not CBOR: {e}"))?;
            if e == a { Ok(()) } else { Err(format!("CBOR body {e:?} expected, got {a:?}")) }
        }
        Some("application/x-www-form-urlencoded") => {
            let norm = |s: &str| {
                let mut v: Vec<(String, String)> =
                    simfra_protocols::http::parse_query(s.trim()).into_iter().map(|p| (p.key, p.value)).collect();
                v.sort();
                v
            };
            if norm(expected) == norm(&show()) { Ok(()) } else { Err(format!("form body {expected} expected, got {}", show())) }
        }
        _ => {
            if expected.as_bytes() == actual { Ok(()) } else { Err(format!("body {expected:?} expected, got {:?}", show())) }
        }
    }
}

fn json_eq(e: &Json, a: &Json) -> bool {
    match (e, a) {
        (Json::Number(x), Json::Number(y)) => x.as_f64().zip(y.as_f64()).map(|(x, y)| float_eq(x, y)).unwrap_or(x == y),
        (Json::Array(x), Json::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_eq(p, q)),
        (Json::Object(x), Json::Object(y)) => x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).map(|w| json_eq(v, w)).unwrap_or(false)),
        _ => e == a,
    }
}

/// Elements that carry the server's request id: their text is whatever id the
/// server gave the request, and servers add them where AWS does (`requestId`
/// of EC2 answers, `ResponseMetadata` of awsQuery ones) even when a case,
/// written for clients, leaves them out.
const REQUEST_ID_ELEMENTS: &[&str] = &["requestId", "RequestId", "RequestID", "ResponseMetadata"];

fn xml_eq(e: &Element, a: &Element) -> Result<(), String> {
    if e.name != a.name {
        return Err(format!("<{}> expected, got <{}>", e.name, a.name));
    }
    let mut ea = e.attrs.clone();
    let mut aa = a.attrs.clone();
    ea.sort();
    aa.sort();
    if ea != aa {
        return Err(format!("<{}> attributes {ea:?} expected, got {aa:?}", e.name));
    }
    let kept = |el: &Element| -> Vec<Element> {
        el.children.iter().filter(|c| !REQUEST_ID_ELEMENTS.contains(&c.name.as_str())).cloned().collect()
    };
    let (ec, ac) = (kept(e), kept(a));
    if ec.len() != ac.len() {
        return Err(format!(
            "<{}> children {:?} expected, got {:?}",
            e.name,
            ec.iter().map(|c| &c.name).collect::<Vec<_>>(),
            ac.iter().map(|c| &c.name).collect::<Vec<_>>()
        ));
    }
    if ec.is_empty() && e.children.is_empty() && e.text.trim() != a.text.trim() {
        return Err(format!("<{}> text {:?} expected, got {:?}", e.name, e.text, a.text));
    }
    // Element order matters among siblings of one name (list items), not across names.
    for x in &ec {
        let same_e: Vec<&Element> = ec.iter().filter(|c| c.name == x.name).collect();
        let same_a: Vec<&Element> = ac.iter().filter(|c| c.name == x.name).collect();
        if same_e.len() != same_a.len() {
            return Err(format!("<{}>: {} <{}> expected, got {}", e.name, same_e.len(), x.name, same_a.len()));
        }
    }
    let mut names: Vec<&str> = ec.iter().map(|c| c.name.as_str()).collect();
    names.dedup();
    for name in names {
        let xs = ec.iter().filter(|c| c.name == name);
        let ys = ac.iter().filter(|c| c.name == name);
        for (x, y) in xs.zip(ys) {
            xml_eq(x, y)?;
        }
    }
    Ok(())
}

/// An `httpMalformedRequestTests` response expectation.
pub fn malformed_response(expected: &Json, resp: &HttpResponse) -> Result<(), String> {
    let code = expected.get("code").and_then(Json::as_u64).unwrap_or(400) as u16;
    if resp.status != code {
        return Err(format!("status {code} expected, got {} ({})", resp.status, String::from_utf8_lossy(&resp.body)));
    }
    check_headers(expected.get("headers"), resp)?;
    if let Some(body) = expected.get("body") {
        let media = str_field(body, "mediaType");
        if let Some(assertion) = body.get("assertion") {
            if let Some(contents) = str_field(assertion, "contents") {
                body_matches(media, contents, &resp.body)?;
            }
            if let Some(re) = str_field(assertion, "messageRegex") {
                let text = String::from_utf8_lossy(&resp.body);
                let msg = serde_json::from_str::<Json>(&text)
                    .ok()
                    .and_then(|j| j.get("message").or_else(|| j.get("Message")).and_then(Json::as_str).map(str::to_string))
                    .unwrap_or_else(|| text.into_owned());
                let r = regex::Regex::new(re).map_err(|e| format!("bad regex {re}: {e}"))?;
                if !r.is_match(&msg) {
                    return Err(format!("message {msg:?} does not match {re}"));
                }
            }
        }
    }
    Ok(())
}
